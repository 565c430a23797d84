// Whether the session that ran an in-flight statement still exists: a killed client's ALTER can keep
// running on the server, and a second copy must never start while it does.
import { statementMatches } from '../../core/checksum.js';
import { oneLine } from '../../core/text.js';
import type { ExpectedStatement, ProcessInfo, ServerInspector } from '../../core/ports.js';
import { tokenize } from '../../core/sql/lexer.js';
import { nameOf } from '../../core/lint/syntax.js';
import type { MysqlConnection } from './connection.js';

/**
 * ServerInspector over information_schema.PROCESSLIST. Without the PROCESS privilege a user sees only
 * its own sessions, which is enough here: the apply session and the one that ran before it log in as
 * the same user.
 */
export class MysqlInspector implements ServerInspector {
  constructor(private readonly conn: MysqlConnection) {}

  async process(connectionId: number, expect?: ExpectedStatement): Promise<ProcessInfo> {
    const rows = await this.conn.query<{ TIME: number | string | null; INFO: string | null; COMMAND: string; ours: number | string }>(
      // The login user, as the processlist names it: the runner before us logged in as we do.
      "SELECT TIME, INFO, COMMAND, USER = SUBSTRING_INDEX(USER(), '@', 1) AS ours FROM information_schema.PROCESSLIST WHERE ID = ?",
      [connectionId],
    );
    const row = rows[0];
    if (!row) return { alive: false };
    return {
      alive: true,
      seconds: Number(row.TIME ?? 0),
      // An idle session has no INFO; its COMMAND (`Sleep`, `Killed`) says more than nothing.
      info: this.conn.redact(row.INFO ?? row.COMMAND),
      ...(expect ? { runs: Number(row.ours) === 1 && runsStatement(row.INFO, expect) } : {}),
    };
  }
}

// Whether a processlist INFO is the expected statement: the same text (whitespace aside), or text
// that hashes to what the history recorded for it when the files no longer have it.
function runsStatement(info: string | null, expect: ExpectedStatement): boolean {
  if (info === null) return false;
  const flat = (t: string) => t.replace(/\s+/g, ' ').trim();
  if (expect.sql !== undefined && flat(info) === flat(expect.sql)) return true;
  return statementMatches(info, expect.hash);
}

/**
 * Sessions that hold a granted metadata lock on a table the statement names, from
 * performance_schema.metadata_locks: certain, where the guess below is not. Empty when the
 * performance schema is off, its MDL instrument is disabled (MariaDB's default), or the user may not
 * read it; the caller then falls back to `lockHolders`.
 */
export async function metadataLockHolders(conn: MysqlConnection, sql: string): Promise<string[]> {
  const named = new Set(tokenize(sql).filter((t) => t.type === 'word' || t.type === 'ident').map((t) => nameOf(t).toLowerCase()));
  try {
    const rows = await conn.query<{ id: number; type: string; s: string; n: string; command: string | null; time: number | null; info: string | null; trx: number | null }>(
      `SELECT t.PROCESSLIST_ID AS id, m.LOCK_TYPE AS type, m.OBJECT_SCHEMA AS s, m.OBJECT_NAME AS n,
              p.COMMAND AS command, p.TIME AS time, p.INFO AS info, TIMESTAMPDIFF(SECOND, x.trx_started, NOW()) AS trx
       FROM performance_schema.metadata_locks m
       JOIN performance_schema.threads t ON t.THREAD_ID = m.OWNER_THREAD_ID
       LEFT JOIN information_schema.PROCESSLIST p ON p.ID = t.PROCESSLIST_ID
       LEFT JOIN information_schema.INNODB_TRX x ON x.trx_mysql_thread_id = t.PROCESSLIST_ID
       WHERE m.OBJECT_TYPE = 'TABLE' AND m.LOCK_STATUS = 'GRANTED' AND m.OBJECT_SCHEMA = DATABASE()
         AND t.PROCESSLIST_ID IS NOT NULL AND t.PROCESSLIST_ID <> CONNECTION_ID()
       ORDER BY GREATEST(COALESCE(TIMESTAMPDIFF(SECOND, x.trx_started, NOW()), 0), COALESCE(p.TIME, 0)) DESC, t.PROCESSLIST_ID`,
    );
    const seen = new Set<number>();
    const out: string[] = [];
    for (const r of rows) {
      if (!named.has(r.n.toLowerCase()) || seen.has(Number(r.id)) || out.length >= 3) continue;
      seen.add(Number(r.id));
      const lock = `holds ${r.type} on ${r.s}.${r.n}`;
      if (r.command === 'Sleep' || r.command === null) out.push(`connection ${r.id}, idle in a transaction for ${Number(r.trx ?? r.time ?? 0)} s, ${lock}`);
      else out.push(`connection ${r.id}, running for ${Number(r.time)} s: ${shortInfo(conn, r.info ?? r.command)}, ${lock}`);
    }
    return out;
  } catch {
    return [];
  }
}

// One line of what a session runs, credentials redacted (on the flattened text, as it is shown), at most 80 characters.
function shortInfo(conn: MysqlConnection, text: string): string {
  return oneLine(conn.redact(text.replace(/\s+/g, ' ')), 80);
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
      return `connection ${r.id}, running for ${Number(r.time)} s: ${shortInfo(conn, r.info ?? r.command)}`;
    });
  } catch {
    return [];
  }
}
