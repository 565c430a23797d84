// Reaching a target: URL parsing, TLS, and the guards that run before any statement, since nothing
// may run on a read-only server (a reader endpoint) or one below the version floor: version floor,
// read-only server, missing schema. Only then is the apply session set up.
import { RefusedError, UsageError } from '../../core/errors.js';
import type { ServerInspector, TargetSession } from '../../core/ports.js';
import { registerSecret } from '../../core/redact.js';
import { openConnection, useSchema, type MysqlConnection, type TargetSpec, type TlsMode } from './connection.js';
import { MysqlHistory } from './history.js';
import { acquireRunLock, type RunLock } from './lock.js';
import { MysqlInspector } from './processlist.js';
import { MysqlSession } from './session.js';
import { compareVersions, describeVersion, isVersionFloor, parseServerVersion, type ServerVersion } from './version.js';

export type { TargetSpec, TlsMode } from './connection.js';

/** Default MySQL port when a URL names none. */
export const DEFAULT_PORT = 3306;

const SSL_VERIFY = new Set(['true', '1', 'required', 'verify', 'verify_ca', 'verify_identity']);
const SSL_OFF = new Set(['false', '0', 'disabled', 'off']);

/**
 * Parses `mysql://user:pass@host:port/schema?ssl=true&ssl-ca=/path` (or `mariadb://`). TLS is on only
 * when the URL asks (`ssl=true|required|verify`, all verified; `ssl-ca` replaces the system roots).
 * `?socket=/path` connects through a Unix socket. `source` is the variable the URL was read from. The
 * password is registered for redaction at once; errors never quote the URL.
 */
export function parseTargetUrl(url: string, label = 'the target', source?: string, opts: { schemaOptional?: boolean } = {}): TargetSpec {
  // Which URL is wrong: the variable that holds it is what a user edits.
  const of = source ? `${label} (from ${source})` : label;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError(`the connection URL of ${of} is not a URL; expected mysql://user:password@host:port/schema`);
  }
  const password = safeDecode(u.password);
  registerSecret(password);
  if (u.protocol !== 'mysql:' && u.protocol !== 'mariadb:') {
    throw new UsageError(`the connection URL of ${of} must start with mysql:// or mariadb://, not ${u.protocol}//`);
  }
  const schema = safeDecode(u.pathname.replace(/^\//, ''));
  if ((!schema && !opts.schemaOptional) || schema.includes('/')) {
    throw new UsageError(`the connection URL of ${of} names no schema; expected mysql://user:password@host:port/schema`);
  }
  let tls: TlsMode = { mode: 'off' };
  let socketPath: string | undefined;
  let caFile: string | undefined;
  for (const [key, value] of u.searchParams) {
    if (key === 'ssl') {
      const v = value.toLowerCase();
      if (SSL_VERIFY.has(v)) tls = { mode: 'verify' };
      else if (!SSL_OFF.has(v)) {
        throw new UsageError(`the connection URL of ${of} has ssl=${value}; use ssl=true (verified) or leave it out`);
      }
    } else if (key === 'ssl-ca') caFile = value;
    else if (key === 'socket') socketPath = value;
    else throw new UsageError(`the connection URL of ${of} has an unknown parameter ${key}; known: ssl, ssl-ca, socket`);
  }
  if (caFile) {
    if (tls.mode === 'off') throw new UsageError(`the connection URL of ${of} has ssl-ca without ssl=true`);
    tls = { mode: 'verify', caFile };
  }
  const port = u.port ? Number(u.port) : DEFAULT_PORT;
  return {
    host: u.hostname.replace(/^\[(.*)\]$/, '$1') || 'localhost',
    port,
    user: safeDecode(u.username),
    password,
    schema,
    tls,
    ...(socketPath ? { socketPath } : {}),
    ...(source ? { source } : {}),
  };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** What the server said about itself on connect. */
export interface ServerInfo {
  version: ServerVersion;
  /** `@@version_comment` (`MySQL Community Server - GPL`, `Debian 12`, ...). */
  comment: string;
  /** `MySQL 8.0.36`, `MariaDB 10.11.6`, `Aurora MySQL 3.05.2 (MySQL 8.0.28)`. */
  display: string;
  /** `@@server_uuid`, where the server has one (not MariaDB). */
  uuid: string | null;
}

/** Options for `connectTarget`. */
export interface ConnectOptions {
  /** `server.min_version`: a server below it is refused. */
  minVersion: string;
  /** Seconds a statement waits for a metadata lock (session `lock_wait_timeout`). */
  lockWaitTimeout: number;
  /** How messages name the target: the environment's name, never a host. */
  label: string;
}

/** A checked, connected target: the apply session, its history, the processlist and the run lock. */
export interface Target {
  readonly label: string;
  readonly schema: string;
  readonly server: ServerInfo;
  /** The apply session: autocommit off, `lock_wait_timeout` set, schema selected. */
  readonly session: TargetSession & { readonly history: MysqlHistory };
  /** Processlist queries, on the session's connection. */
  readonly inspector: ServerInspector;
  /** The session's connection, for introspection and shadow schemas. */
  readonly connection: MysqlConnection;
  /** Takes the run lock on a dedicated connection with the same credentials (see `acquireRunLock`). */
  lock(timeoutSec: number): Promise<RunLock>;
  /** A second connection for plan facts and pre-checks (see `openReader`); the caller closes it. */
  reader(): Promise<MysqlConnection>;
  /** The session's connection and every reader still open: what a run's heartbeat keeps alive. */
  connections(): MysqlConnection[];
  close(): Promise<void>;
}

const GUARD_VARIABLES = ['version', 'version_comment', 'read_only', 'super_read_only', 'innodb_read_only', 'aurora_version', 'server_uuid'];
const READ_ONLY_VARIABLES = ['read_only', 'super_read_only', 'innodb_read_only'];

/**
 * Connects and runs the guards before anything else: a server below `minVersion`, a read-only server
 * and a missing schema are refused (RefusedError, exit 1). The session then gets `SET NAMES utf8mb4`,
 * the bounded `lock_wait_timeout` and autocommit off. `sql_mode` is left as the server sets it: a
 * change must behave as it does from any other client of that server (QA and PROD share parameter
 * groups), and replay into a shadow schema on the same server sees the same mode.
 */
export async function connectTarget(spec: TargetSpec, opts: ConnectOptions): Promise<Target> {
  if (!isVersionFloor(opts.minVersion)) {
    throw new UsageError(`server.min_version must be a dotted version such as 8.0, not "${opts.minVersion}"`);
  }
  if (!Number.isInteger(opts.lockWaitTimeout) || opts.lockWaitTimeout < 1) {
    throw new UsageError(`lock_wait_timeout of ${opts.label} must be a whole number of seconds, at least 1`);
  }
  const conn = await openConnection(spec, opts.label);
  try {
    const server = await checkServer(conn, opts);
    await conn.exec(`SET NAMES utf8mb4, SESSION lock_wait_timeout = ${opts.lockWaitTimeout}, SESSION autocommit = 0`);
    await useSchema(conn, spec.schema);
    const [row] = await conn.query<{ id: number; now: string }>("SELECT CONNECTION_ID() AS id, DATE_FORMAT(UTC_TIMESTAMP(), '%Y-%m-%d %H:%i:%s') AS now");
    // SHOW STATUS needs no privilege on either server, where its tables may (performance_schema).
    const [uptime] = await conn.query<{ Value: string }>("SHOW GLOBAL STATUS LIKE 'Uptime'");
    // The boot time from the server's own clock, so that the client's clock plays no part.
    const boot = new Date(Date.parse(`${row!.now.replace(' ', 'T')}Z`) - Number(uptime?.Value ?? 0) * 1000);
    const history = new MysqlHistory(conn);
    const identity = { uuid: server.uuid, boot };
    const session = new MysqlSession(conn, Number(row!.id), history, opts.lockWaitTimeout, server.version.flavor === 'mariadb', identity);
    const inspector = new MysqlInspector(conn);
    const readers: MysqlConnection[] = [];
    return {
      label: opts.label,
      schema: spec.schema,
      server,
      session,
      inspector,
      connection: conn,
      lock: (timeoutSec) => acquireRunLock(spec, spec.schema, timeoutSec, opts.label),
      reader: async () => {
        const reader = await openReader(spec, server, opts);
        readers.push(reader);
        return reader;
      },
      connections: () => [conn, ...readers.filter((r) => !r.lost)],
      close: () => conn.close(),
    };
  } catch (e) {
    await conn.close().catch(() => undefined);
    throw e;
  }
}

/**
 * A connection that cannot write and holds no lock past its statement: autocommit on (a SELECT's
 * metadata lock ends with it, so it never queues an ALTER and the writers behind it), every
 * transaction READ ONLY, metadata lock waits bounded by `lock_wait_timeout`. On MySQL, table
 * statistics are read fresh instead of from the dictionary's day-long cache.
 */
async function openReader(spec: TargetSpec, server: ServerInfo, opts: ConnectOptions): Promise<MysqlConnection> {
  const conn = await openConnection(spec, opts.label);
  try {
    const fresh = server.version.flavor === 'mariadb' ? '' : ', SESSION information_schema_stats_expiry = 0';
    await conn.exec(`SET NAMES utf8mb4, SESSION autocommit = 1, SESSION lock_wait_timeout = ${opts.lockWaitTimeout}${fresh}`);
    await conn.exec('SET SESSION TRANSACTION READ ONLY');
    await useSchema(conn, spec.schema);
    return conn;
  } catch (e) {
    await conn.close().catch(() => undefined);
    throw e;
  }
}

/** Reads the version and read-only variables in one round trip and applies the floor and read-only guards. */
export async function checkServer(conn: MysqlConnection, opts: ConnectOptions): Promise<ServerInfo> {
  // SHOW ... WHERE tolerates variables a flavor lacks (super_read_only, aurora_version on MariaDB).
  const rows = await conn.query<{ Variable_name: string; Value: string | null }>(
    `SHOW GLOBAL VARIABLES WHERE Variable_name IN (${GUARD_VARIABLES.map(() => '?').join(', ')})`,
    GUARD_VARIABLES,
  );
  const vars = new Map(rows.map((r) => [r.Variable_name.toLowerCase(), r.Value ?? '']));
  let version: ServerVersion;
  try {
    version = parseServerVersion(vars.get('version') ?? '', vars.get('aurora_version'));
  } catch {
    throw new RefusedError(`refused: cannot tell which version ${opts.label} runs (VERSION() is "${vars.get('version') ?? ''}")`);
  }
  const display = describeVersion(version);
  if (compareVersions(version.version, opts.minVersion) < 0) {
    throw new RefusedError(
      `refused: ${opts.label} runs ${display}, below the configured floor ${opts.minVersion} (server.min_version)`,
    );
  }
  const on = READ_ONLY_VARIABLES.filter((v) => isOn(vars.get(v)));
  if (on.length) {
    throw new RefusedError(
      `refused: ${opts.label} is read-only (${on.map((v) => `${v}=ON`).join(', ')}): it looks like a reader endpoint or a replica; point the environment at the writer`,
    );
  }
  return { version, comment: vars.get('version_comment') ?? '', display, uuid: vars.get('server_uuid') || null };
}

// Fails closed: any value but an explicit off counts as read-only (MariaDB 11 adds NO_LOCK and
// NO_LOCK_NO_ADMIN to read_only, both of which refuse writes).
function isOn(value: string | undefined): boolean {
  return value !== undefined && !/^(off|0|false|)$/i.test(value.trim());
}
