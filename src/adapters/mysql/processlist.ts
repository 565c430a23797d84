// Whether the session that ran an in-flight statement still exists: a killed client's ALTER can keep
// running on the server, and a second copy must never start while it does.
import type { ProcessInfo, ServerInspector } from '../../core/ports.js';
import type { MysqlConnection } from './connection.js';

/**
 * ServerInspector over information_schema.PROCESSLIST. Without the PROCESS privilege a user sees only
 * its own sessions, which is enough here: the apply session and the one that ran before it log in as
 * the same user.
 */
export class MysqlInspector implements ServerInspector {
  constructor(private readonly conn: MysqlConnection) {}

  async process(connectionId: number): Promise<ProcessInfo> {
    const rows = await this.conn.query<{ TIME: number | string | null; INFO: string | null; COMMAND: string }>(
      'SELECT ID, TIME, INFO, COMMAND FROM information_schema.PROCESSLIST WHERE ID = ?',
      [connectionId],
    );
    const row = rows[0];
    if (!row) return { alive: false };
    return {
      alive: true,
      seconds: Number(row.TIME ?? 0),
      // An idle session has no INFO; its COMMAND (`Sleep`, `Killed`) says more than nothing.
      info: this.conn.redact(row.INFO ?? row.COMMAND),
    };
  }
}
