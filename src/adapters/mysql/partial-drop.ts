// What a failed DROP TABLE left behind. MySQL 8's DROP TABLE of several tables is atomic: when one is
// missing, none is dropped. MariaDB drops every table that exists and then reports the missing one, so
// its failed statement did take effect; the failure record must say which tables are gone, or the
// operator who edits the statement and reruns would reason from a schema that no longer exists.
import { parseDdl } from '../../core/impact/ddl.js';
import type { MysqlConnection } from './connection.js';

/**
 * After DROP TABLE failed on MariaDB with `Unknown table '...'` (error 1051, listing every missing one):
 * a sentence naming the tables it dropped anyway, or '' when none is gone, when the statement is not a
 * DROP TABLE, or when the check itself fails (the server's error stands on its own).
 */
export async function partialDropNote(conn: MysqlConnection, sql: string, error: string): Promise<string> {
  const spec = parseDdl(sql);
  if (spec?.kind !== 'drop-table' || spec.tables.length < 2) return '';
  const names = spec.tables;
  const unknown = new Set((/Unknown table '([^']*)'/i.exec(error)?.[1] ?? '').toLowerCase().split(','));
  try {
    const [{ db }] = await conn.query<{ db: string | null }>('SELECT DATABASE() AS db');
    const full = names.map((n) => ({ schema: n.schema ?? db ?? '', table: n.name, shown: n.schema ? `${n.schema}.${n.name}` : n.name }));
    const rows = await conn.query<{ s: string; t: string }>(
      `SELECT TABLE_SCHEMA AS s, TABLE_NAME AS t FROM information_schema.TABLES WHERE ${full.map(() => '(TABLE_SCHEMA = ? AND TABLE_NAME = ?)').join(' OR ')}`,
      full.flatMap((n) => [n.schema, n.table]),
    );
    const key = (s: string, t: string) => `${s}.${t}`.toLowerCase();
    const left = new Set(rows.map((r) => key(r.s, r.t)));
    const gone = full
      .filter((n) => !left.has(key(n.schema, n.table)) && !unknown.has(key(n.schema, n.table)))
      .map((n) => n.shown);
    if (gone.length === 0) return '';
    return ` (MariaDB dropped the tables it found before it reported the missing one: ${gone.join(', ')} ${gone.length === 1 ? 'is' : 'are'} gone)`;
  } catch {
    return '';
  }
}
