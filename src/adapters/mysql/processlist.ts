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

/**
 * Other sessions that may hold the lock a statement gave up on (error 1205): open transactions, oldest
 * first, and statements running longer than `minSeconds`. A best guess, since the server no longer says
 * what the statement waited for once the wait has ended; empty when the user may not look (PROCESS).
 */
export async function lockHolders(conn: MysqlConnection, minSeconds: number): Promise<string[]> {
  try {
    const rows = await conn.query<{ id: number; command: string; time: number; info: string | null; trx: number | null }>(
      `SELECT p.ID AS id, p.COMMAND AS command, p.TIME AS time, p.INFO AS info,
              TIMESTAMPDIFF(SECOND, t.trx_started, NOW()) AS trx
       FROM information_schema.PROCESSLIST p
       LEFT JOIN information_schema.INNODB_TRX t ON t.trx_mysql_thread_id = p.ID
       WHERE p.ID <> CONNECTION_ID()
         AND (t.trx_started IS NOT NULL OR (p.COMMAND NOT IN ('Sleep', 'Daemon', 'Binlog Dump') AND p.TIME >= ?))
       ORDER BY GREATEST(COALESCE(TIMESTAMPDIFF(SECOND, t.trx_started, NOW()), 0), p.TIME) DESC, p.ID
       LIMIT 3`,
      [minSeconds],
    );
    return rows.map((r) => {
      if (r.command === 'Sleep') return `connection ${r.id}, idle in a transaction for ${Number(r.trx ?? r.time)} s`;
      const what = conn.redact((r.info ?? r.command).replace(/\s+/g, ' ').trim());
      return `connection ${r.id}, running for ${Number(r.time)} s: ${what.length > 80 ? `${what.slice(0, 79)}…` : what}`;
    });
  } catch {
    return [];
  }
}
