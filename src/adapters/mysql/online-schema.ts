// What an online statement reads and removes on the server: the table's definition before and the
// one its clauses make (on an empty temporary copy, the way the tool itself builds its new table),
// the tables and triggers around it, and the sessions that may be the tool's.
import { createHash } from 'node:crypto';
import { StatementError } from '../../core/ports.js';
import type { OnlineLook, OnlinePrepared } from '../../core/online.js';
import { quoteIdent } from '../../core/sql/quote.js';
import type { MysqlConnection } from './connection.js';

// A temporary table lives only in the session that made it: a crash leaves nothing behind.
const PROBE = 'changegate_online_probe';

/** A definition's fingerprint: SHOW CREATE TABLE without its name and AUTO_INCREMENT counter, hashed. */
export function definitionFingerprint(showCreate: string): string {
  const text = showCreate.replace(/^CREATE (TEMPORARY )?TABLE `(?:[^`]|``)+`/, 'CREATE TABLE t').replace(/ AUTO_INCREMENT=\d+/, '');
  return createHash('sha256').update(text).digest('hex');
}

async function showCreate(conn: MysqlConnection, schema: string, table: string): Promise<string | null> {
  try {
    const rows = await conn.query<Record<string, string>>(`SHOW CREATE TABLE ${quoteIdent(schema)}.${quoteIdent(table)}`);
    return rows[0]?.['Create Table'] ?? null;
  } catch (e) {
    if (e instanceof StatementError && e.errno === 1146) return null;
    throw e;
  }
}

// A LIKE pattern that matches `name` anywhere, with `!` as the escape character.
function containing(name: string): string {
  return `%${name.replace(/[!%_]/g, (c) => '!' + c)}%`;
}

/**
 * What an online tool may have made around `table`: tables named like a tool's work tables (leading
 * underscores, the table's name, a suffix: `_t_new`, `_t_old`, `_t_gho`) and triggers on the table
 * or on those, whose names hold the table's name. `table x`, `trigger y`.
 */
export async function objectsAround(conn: MysqlConnection, schema: string, table: string): Promise<string[]> {
  const like = containing(table);
  const escaped = table.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const work = new RegExp(`^_+${escaped}_[A-Za-z0-9_]+$`, 'i');
  const tables = (
    await conn.query<{ n: string }>(
      "SELECT TABLE_NAME AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME LIKE ? ESCAPE '!' ORDER BY TABLE_NAME",
      [schema, like],
    )
  ).map((r) => String(r.n)).filter((n) => work.test(n));
  const on = new Set([table.toLowerCase(), ...tables.map((n) => n.toLowerCase())]);
  const triggers = (
    await conn.query<{ n: string; t: string }>(
      "SELECT TRIGGER_NAME AS n, EVENT_OBJECT_TABLE AS t FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ? AND TRIGGER_NAME LIKE ? ESCAPE '!' ORDER BY TRIGGER_NAME",
      [schema, like],
    )
  ).filter((r) => on.has(String(r.t).toLowerCase()));
  return [...tables.map((n) => `table ${n}`), ...triggers.map((r) => `trigger ${String(r.n)}`)];
}

/** The definition now, the one `clauses` make, and what stands around the table; rejects when the server refuses the clauses. */
export async function prepareOnline(conn: MysqlConnection, schema: string, table: string, clauses: string): Promise<OnlinePrepared> {
  const before = await showCreate(conn, schema, table);
  if (before === null) throw new Error(`table ${table} does not exist in ${schema}`);
  const probe = `${quoteIdent(schema)}.${quoteIdent(PROBE)}`;
  await conn.exec(`DROP TEMPORARY TABLE IF EXISTS ${probe}`);
  await conn.exec(`CREATE TEMPORARY TABLE ${probe} LIKE ${quoteIdent(schema)}.${quoteIdent(table)}`);
  try {
    await conn.exec(`ALTER TABLE ${probe} ${clauses}`);
    const after = await showCreate(conn, schema, PROBE);
    return { before: definitionFingerprint(before), after: definitionFingerprint(after!), existing: await objectsAround(conn, schema, table) };
  } finally {
    await conn.exec(`DROP TEMPORARY TABLE IF EXISTS ${probe}`).catch(() => undefined);
  }
}

/** What the server shows around `table` now; sessions of `user` in `schema` other than `ownIds` may be the tool's. */
export async function lookOnline(conn: MysqlConnection, schema: string, table: string, user: string, ownIds: number[]): Promise<OnlineLook> {
  const def = await showCreate(conn, schema, table);
  const own = new Set([...ownIds, conn.threadId]);
  const procs = await conn.query<{ id: unknown; t: unknown; info: unknown; command: unknown }>(
    'SELECT ID AS id, TIME AS t, INFO AS info, COMMAND AS command FROM information_schema.PROCESSLIST WHERE USER = ? AND DB = ? AND ID <> CONNECTION_ID()',
    [user, schema],
  );
  const sessions = procs
    .filter((p) => !own.has(Number(p.id)) && String(p.command) !== 'Killed')
    .map((p) => ({ id: Number(p.id), seconds: Number(p.t), info: p.info === null ? null : conn.redact(String(p.info)) }));
  return { definition: def === null ? null : definitionFingerprint(def), objects: await objectsAround(conn, schema, table), sessions };
}

/** Drops exactly these objects, triggers first: a trigger that writes into a table dropped before it would fail the application's writes. */
export async function removeObjects(conn: MysqlConnection, schema: string, objects: string[]): Promise<void> {
  const named = objects.map((o) => /^(table|trigger) (.+)$/.exec(o)).filter((m): m is RegExpExecArray => m !== null);
  for (const m of named.filter((x) => x[1] === 'trigger')) await conn.exec(`DROP TRIGGER IF EXISTS ${quoteIdent(schema)}.${quoteIdent(m[2]!)}`);
  for (const m of named.filter((x) => x[1] === 'table')) await conn.exec(`DROP TABLE IF EXISTS ${quoteIdent(schema)}.${quoteIdent(m[2]!)}`);
}
