// The apply loop's one session on a target (ports.ts TargetSession): the text protocol, one statement
// per call, autocommit off (set by connectTarget), history written through the same connection.
import type { RunResult, TargetSession } from '../../core/ports.js';
import type { MysqlConnection } from './connection.js';
import type { MysqlHistory } from './history.js';

/** TargetSession over one MySQL connection; built by `connectTarget`. */
export class MysqlSession implements TargetSession {
  constructor(
    private readonly conn: MysqlConnection,
    /** `CONNECTION_ID()` read once on connect. */
    readonly connectionId: number,
    /** The history table, on this same connection and transaction. */
    readonly history: MysqlHistory,
  ) {}

  /**
   * Sends the statement as written through `query` (never a prepared statement, so DDL and compound
   * procedure bodies work); with multipleStatements off, a second statement in the text is a syntax error.
   */
  run(sql: string): Promise<RunResult> {
    return this.conn.run(sql);
  }

  async commit(): Promise<void> {
    await this.conn.exec('COMMIT');
  }

  async rollback(): Promise<void> {
    await this.conn.exec('ROLLBACK');
  }
}
