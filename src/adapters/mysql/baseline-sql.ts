// The SQL of a baseline change: a live schema written out so that it replays on an empty schema.
// Which objects exist comes from drift's introspection (`describeSchema`), so the baseline covers
// exactly what drift compares; each definition is the server's own `SHOW CREATE` text, which is the
// one spelling the server is sure to accept again, normalised where it would not replay the same
// elsewhere (AUTO_INCREMENT counters, DEFINER accounts, the schema's own name).
import { RefusedError } from '../../core/errors.js';
import type { MysqlConnection } from './connection.js';
import { quoteIdent } from '../../core/sql/quote.js';
import { describeSchema } from './introspect.js';
import type { SchemaShape, TableShape } from '../../core/drift.js';
import type { Row } from './values.js';

/** The baseline's SQL text and what it holds, for the command's summary line. */
export interface BaselineSql {
  sql: string;
  counts: { tables: number; views: number; routines: number; triggers: number; events: number };
}

/** True when `schema` holds no table, view, routine, trigger or event besides changegate's history table. */
export function isEmptyShape(shape: SchemaShape): boolean {
  return shape.tables.length + shape.views.length + shape.routines.length + shape.triggers.length + shape.events.length === 0;
}

/** Whether the live schema is empty (see `isEmptyShape`): apply builds an empty environment from the baseline. */
export async function schemaIsEmpty(conn: MysqlConnection, schema: string): Promise<boolean> {
  return isEmptyShape(await describeSchema(conn, schema));
}

/** Removes `` `schema`. `` and bare `schema.` qualifiers without touching whitespace (bodies may hold `--` comments). */
export function stripQualifier(text: string, schema: string): string {
  let out = text.split(quoteIdent(schema) + '.').join('');
  if (/^[\w$]+$/.test(schema)) out = out.replace(new RegExp(`(?<![\\w$\`.])${schema.replace(/\$/g, '\\$')}\\.(?=[\\w$\`])`, 'g'), '');
  return out;
}

/**
 * Drops `DEFINER=account` from the head of a CREATE statement: the lint's rule CG212, because the
 * account may not exist in every environment; the object then belongs to the account changegate runs as.
 */
export function stripDefiner(create: string): string {
  return create.replace(/^(CREATE\b[^]*?)\s+DEFINER\s*=\s*(?:`(?:[^`]|``)*`|'(?:[^']|'')*'|[^\s@]+)@(?:`(?:[^`]|``)*`|'(?:[^']|'')*'|\S+)/i, '$1');
}

/** One table's CREATE without the foreign keys named in `drop`, and those keys as `ALTER TABLE ... ADD` statements. */
export function splitForeignKeys(table: string, create: string, drop: Set<string>): { create: string; later: string[] } {
  if (drop.size === 0) return { create, later: [] };
  const lines = create.split('\n');
  let close = lines.length - 1;
  while (close > 0 && !lines[close]!.startsWith(')')) close--;
  const body: string[] = [];
  const later: string[] = [];
  for (const line of lines.slice(1, close)) {
    const m = /^\s*CONSTRAINT `((?:[^`]|``)*)` FOREIGN KEY/.exec(line);
    const text = line.trim().replace(/,$/, '');
    if (m && drop.has(m[1]!.replace(/``/g, '`'))) later.push(`ALTER TABLE ${quoteIdent(table)} ADD ${text}`);
    else body.push(line.replace(/,$/, ''));
  }
  return { create: [lines[0], body.join(',\n'), ...lines.slice(close)].join('\n'), later };
}

/** Tables in an order where each comes after the tables its foreign keys reference (name order among equals). */
export function tableOrder(tables: TableShape[]): TableShape[] {
  const names = new Set(tables.map((t) => t.name));
  const deps = new Map(tables.map((t) => [t.name, new Set(t.foreignKeys.filter((f) => f.refSchema === null && f.refTable !== t.name && names.has(f.refTable)).map((f) => f.refTable))]));
  const done = new Set<string>();
  const out: TableShape[] = [];
  let left = [...tables].sort((a, b) => (a.name < b.name ? -1 : 1));
  while (left.length > 0) {
    const ready = left.filter((t) => [...deps.get(t.name)!].every((d) => done.has(d)));
    // A cycle (sakila's store and staff reference each other): take the first table by name that is
    // on one, so that only the cycle's keys point forward; they are added by ALTER TABLE afterwards.
    const next = ready.length > 0 ? ready : [left.find((t) => onCycle(t.name, deps, done)) ?? left[0]!];
    for (const t of next) {
      out.push(t);
      done.add(t.name);
    }
    left = left.filter((t) => !done.has(t.name));
  }
  return out;
}

// Whether `start` reaches itself through references to tables not yet created.
function onCycle(start: string, deps: Map<string, Set<string>>, done: Set<string>): boolean {
  const seen = new Set<string>();
  const stack = [...deps.get(start)!].filter((d) => !done.has(d));
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n === start) return true;
    if (seen.has(n)) continue;
    seen.add(n);
    for (const d of deps.get(n) ?? []) if (!done.has(d)) stack.push(d);
  }
  return false;
}

/** Views in an order where each comes after the views its definition names (a cycle keeps name order). */
export function viewOrder<T extends { name: string; create: string }>(views: T[]): T[] {
  const names = new Set(views.map((v) => v.name));
  const deps = new Map(views.map((v) => [v.name, [...names].filter((n) => n !== v.name && v.create.includes(quoteIdent(n)))]));
  const done = new Set<string>();
  const out: T[] = [];
  let left = [...views].sort((a, b) => (a.name < b.name ? -1 : 1));
  while (left.length > 0) {
    const ready = left.filter((v) => deps.get(v.name)!.every((d) => done.has(d)));
    const next = ready.length > 0 ? ready : [left[0]!];
    for (const v of next) {
      out.push(v);
      done.add(v.name);
    }
    left = left.filter((v) => !done.has(v.name));
  }
  return out;
}

async function showCreate(conn: MysqlConnection, what: string, name: string, column: string): Promise<string> {
  const [row] = await conn.query<Row>(`SHOW CREATE ${what} ${quoteIdent(name)}`);
  const text = row?.[column];
  // A user without the privilege to see a routine's body gets NULL here: a baseline without the
  // body would not recreate it, so stop and say which privilege is missing.
  if (text === null || text === undefined) {
    throw new RefusedError(`SHOW CREATE ${what} ${name} returned no definition; the baseline needs a user that may read it (SHOW_ROUTINE or SELECT on mysql.proc / the schema)`);
  }
  return String(text);
}

/** A delimiter that occurs in none of the bodies. */
function pickDelimiter(bodies: string[]): string {
  return ['$$', '//', ';;', '$$$'].find((d) => bodies.every((b) => !b.includes(d))) ?? '@@@@';
}

/**
 * Writes the live schema as SQL: tables (foreign keys after what they reference), functions,
 * procedures, views (after the views they read), triggers and events; no data, no history table.
 */
export async function baselineSql(conn: MysqlConnection, schema: string, header: string): Promise<BaselineSql> {
  const shape = await describeSchema(conn, schema);
  const parts: string[] = [header.trimEnd(), ''];
  const created = new Set<string>();
  const deferred: string[] = [];
  for (const t of tableOrder(shape.tables)) {
    let create = await showCreate(conn, 'TABLE', t.name, 'Create Table');
    const lines = create.split('\n');
    // The counter is data, not schema: a replay starts from 1 as a fresh table does.
    for (let i = lines.length - 1; i >= 0; i--) {
      if (lines[i]!.startsWith(')')) {
        lines[i] = lines[i]!.replace(/ AUTO_INCREMENT=\d+/, '');
        break;
      }
    }
    create = lines.join('\n');
    const forward = new Set(t.foreignKeys.filter((f) => f.refSchema === null && f.refTable !== t.name && !created.has(f.refTable)).map((f) => f.name));
    const split = splitForeignKeys(t.name, create, forward);
    parts.push(split.create + ';', '');
    deferred.push(...split.later);
    created.add(t.name);
  }
  for (const fk of deferred) parts.push(fk + ';', '');

  const bodies: string[] = [];
  const functions = shape.routines.filter((r) => r.type === 'FUNCTION');
  const procedures = shape.routines.filter((r) => r.type === 'PROCEDURE');
  for (const r of functions) bodies.push(stripDefiner(stripQualifier(await showCreate(conn, 'FUNCTION', r.name, 'Create Function'), schema)));
  for (const r of procedures) bodies.push(stripDefiner(stripQualifier(await showCreate(conn, 'PROCEDURE', r.name, 'Create Procedure'), schema)));
  const views: { name: string; create: string }[] = [];
  for (const v of shape.views) views.push({ name: v.name, create: stripDefiner(stripQualifier(await showCreate(conn, 'VIEW', v.name, 'Create View'), schema)) });
  // Triggers of one table and event run in their action order, so they are created in it.
  const triggers = [...shape.triggers].sort((a, b) => (a.table + a.timing + a.event < b.table + b.timing + b.event ? -1 : a.table + a.timing + a.event > b.table + b.timing + b.event ? 1 : a.order - b.order));
  const later: string[] = [];
  for (const tr of triggers) later.push(stripDefiner(stripQualifier(await showCreate(conn, 'TRIGGER', tr.name, 'SQL Original Statement'), schema)));
  for (const ev of shape.events) later.push(stripDefiner(stripQualifier(await showCreate(conn, 'EVENT', ev.name, 'Create Event'), schema)));

  // Views may call functions, and triggers may call procedures: routines first, views, then triggers and events.
  const compound = [...bodies, ...later];
  const delimiter = pickDelimiter(compound);
  if (bodies.length > 0) parts.push(`DELIMITER ${delimiter}`, ...bodies.map((b) => `${b}${delimiter}`), 'DELIMITER ;', '');
  for (const v of viewOrder(views)) parts.push(v.create + ';', '');
  if (later.length > 0) parts.push(`DELIMITER ${delimiter}`, ...later.map((b) => `${b}${delimiter}`), 'DELIMITER ;', '');
  return {
    sql: parts.join('\n').replace(/\n+$/, '\n'),
    counts: { tables: shape.tables.length, views: shape.views.length, routines: shape.routines.length, triggers: shape.triggers.length, events: shape.events.length },
  };
}
