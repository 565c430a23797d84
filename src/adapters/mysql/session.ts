// The apply loop's one session on a target (ports.ts TargetSession): the text protocol, one statement
// per call, autocommit off (set by connectTarget), history written through the same connection.
import { StatementError, type RunResult, type TargetSession } from '../../core/ports.js';
import type { MysqlConnection } from './connection.js';
import type { MysqlHistory } from './history.js';
import { lockHolders } from './processlist.js';

/** TargetSession over one MySQL connection; built by `connectTarget`. */
export class MysqlSession implements TargetSession {
  constructor(
    private readonly conn: MysqlConnection,
    /** `CONNECTION_ID()` read once on connect. */
    readonly connectionId: number,
    /** The history table, on this same connection and transaction. */
    readonly history: MysqlHistory,
    /** The session's `lock_wait_timeout`: statements running at least this long are named as possible blockers. */
    private readonly lockWaitTimeout = 1,
  ) {}

  /**
   * Sends the statement as written through `query` (never a prepared statement, so DDL and compound
   * procedure bodies work); with multipleStatements off, a second statement in the text is a syntax error.
   */
  async run(sql: string): Promise<RunResult> {
    try {
      return await this.conn.run(sql);
    } catch (e) {
      // A lock wait timeout names the sessions that probably hold the lock, so the operator can act.
      if (!(e instanceof StatementError) || e.errno !== 1205 || e.connectionLost) throw e;
      const holders = await lockHolders(this.conn, this.lockWaitTimeout);
      if (!holders.length) throw e;
      throw new StatementError(`${e.message} (sessions that may hold the lock: ${holders.join('; ')})`, e.errno, e.sqlState, false);
    }
  }

  async commit(): Promise<void> {
    await this.conn.exec('COMMIT');
  }

  async rollback(): Promise<void> {
    await this.conn.exec('ROLLBACK');
  }
}
