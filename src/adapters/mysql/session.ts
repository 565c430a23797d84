// The apply loop's one session on a target (ports.ts TargetSession): the text protocol, one statement
// per call, autocommit off (set by connectTarget), history written through the same connection.
import { StatementError, type RunResult, type ServerIdentity, type TargetSession } from '../../core/ports.js';
import type { MysqlConnection } from './connection.js';
import type { MysqlHistory } from './history.js';
import { partialDropNote } from './partial-drop.js';
import { lockHolders, metadataLockHolders } from './processlist.js';

/** TargetSession over one MySQL connection; built by `connectTarget`. */
export class MysqlSession implements TargetSession {
  constructor(
    private readonly conn: MysqlConnection,
    /** `CONNECTION_ID()` read once on connect. */
    readonly connectionId: number,
    /** The history table, on this same connection and transaction. */
    readonly history: MysqlHistory,
    /** The session's `lock_wait_timeout`: statements running at least this long are named as possible blockers. */
    private readonly lockWaitTimeout: number,
    /** MariaDB's DROP TABLE of several tables is not atomic: a failure may have dropped some. */
    private readonly mariadb: boolean,
    /** The server instance and boot, read on connect; no default, since a made-up one would call every recorded connection gone. */
    readonly identity: ServerIdentity,
  ) {}

  /**
   * Sends the statement as written through `query` (never a prepared statement, so DDL and compound
   * procedure bodies work); with multipleStatements off, a second statement in the text is a syntax error.
   */
  async run(sql: string): Promise<RunResult> {
    try {
      return await this.conn.run(sql, true);
    } catch (e) {
      if (!(e instanceof StatementError) || e.connectionLost) throw e;
      if (e.errno === 1051 && this.mariadb) {
        const note = await partialDropNote(this.conn, sql, e.message);
        if (note) throw new StatementError(`${e.message}${note}`, e.errno, e.sqlState, false);
      }
      if (e.errno !== 1205) throw e;
      // A lock wait timeout names the sessions holding the lock where the server says (the
      // performance schema), and otherwise those that probably do, so the operator can act.
      const certain = await metadataLockHolders(this.conn, sql);
      if (certain.length) throw new StatementError(`${e.message} (sessions holding a metadata lock it needs: ${certain.join('; ')})`, e.errno, e.sqlState, false);
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
