// The small interfaces the pure core drives. Adapters (src/adapters/*) implement them; tests may hand
// the core in-memory versions from test/helpers/.
import type { HistoryRecord } from './types.js';

/**
 * Which server instance, and which boot of it, a session runs on. Connection ids start again after
 * a restart and differ per instance (an Aurora failover moves the writer), so a recorded connection
 * id means something only together with this.
 */
export interface ServerIdentity {
  /** `@@server_uuid` (MySQL, Aurora); null where the server has none (MariaDB). */
  uuid: string | null;
  /** When the server started: its clock minus `Uptime`, in UTC, to the second. */
  boot: Date;
}

/** Result of one statement sent to the target. */
export interface RunResult {
  /** Rows of the first result set as arrays of column values, or null for a statement without one. */
  rows: unknown[][] | null;
  affectedRows: number;
}

/**
 * The one session the apply loop uses on a target. Autocommit is off: nothing the loop writes is
 * durable until `commit()` or until MySQL commits implicitly before a DDL statement, which the loop
 * relies on to make its in-flight marker durable exactly when a DDL statement starts.
 */
export interface TargetSession {
  /** `CONNECTION_ID()` of this session, recorded with each statement in flight. */
  readonly connectionId: number;
  /** The server instance and boot this session runs on, recorded with its connection id. */
  readonly identity: ServerIdentity;
  /** Sends one user statement exactly as written. Rejects with a `StatementError`. */
  run(sql: string): Promise<RunResult>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
  /** The target's history table, written through this same session (inside its transaction). */
  readonly history: HistoryWriter;
}

/** Reads and writes the history table; writes join the session's open transaction. */
export interface HistoryWriter {
  /** Every row, oldest first. */
  load(): Promise<HistoryRecord[]>;
  /** Inserts or replaces the whole row of `rec.changeId`. */
  put(rec: HistoryRecord): Promise<void>;
  /** The per-statement write: statements 1..applied are done, `inFlight` is about to be sent. */
  progress(changeId: string, applied: number, inFlight: number | null, connectionId: number): Promise<void>;
}

/** What the server can tell about another session, for in-doubt decisions. */
export interface ProcessInfo {
  alive: boolean;
  /** Seconds the session has been in its current state, and what it runs (credentials redacted), when alive. */
  seconds?: number;
  info?: string;
  /**
   * When an expected statement was given: whether the session runs exactly that statement, as our
   * own user. A session that does not is a stranger that happens to have the id.
   */
  runs?: boolean;
}

/** The statement a recorded connection should be running: its text when the files still have it, and its recorded hash. */
export interface ExpectedStatement {
  sql?: string;
  hash?: string;
}

/** Server facts the apply loop consults. */
export interface ServerInspector {
  /** Whether the connection that ran an in-flight statement still exists (processlist), and whether it runs `expect`. */
  process(connectionId: number, expect?: ExpectedStatement): Promise<ProcessInfo>;
}

/** The error a `TargetSession.run` rejects with: the server's code and message, credentials redacted. */
export class StatementError extends Error {
  constructor(
    message: string,
    /** MySQL error number (1205 lock wait timeout, 1064 syntax, ...), when the server gave one. */
    readonly errno: number | undefined,
    /** SQLSTATE, when the server gave one. */
    readonly sqlState: string | undefined,
    /** True when the connection itself was lost: the statement's outcome is unknown. */
    readonly connectionLost: boolean,
  ) {
    super(message);
    this.name = 'StatementError';
  }
}
