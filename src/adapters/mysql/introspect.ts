// A schema as the server describes it, read from information_schema into the shapes the core's
// drift comparison takes (core/drift.ts). The usual pair compared is the live schema and a shadow
// schema where every applied change was replayed, so every text that embeds the schema's own name
// (views, routines, triggers, events, checks) is normalized with that qualifier removed.
import { randomBytes } from 'node:crypto';
import { StatementError } from '../../core/ports.js';
import type { MysqlConnection } from './connection.js';
import { quoteIdent } from '../../core/sql/quote.js';
import { HISTORY_TABLE } from './history.js';
import { EXPECTED_TABLE } from './expected-schema.js';
import type { ForeignKeyShape, IndexShape, RoutineShape, SchemaShape, TableShape } from '../../core/drift.js';
import { str, strOrNull, type Row } from './values.js';

const byName = <T extends { name: string }>(a: T, b: T): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** Removes `` `schema`. `` and `schema.` qualifiers and collapses whitespace, so a replay elsewhere compares equal. */
export function normalizeSql(text: string, schema: string): string {
  const quoted = quoteIdent(schema) + '.';
  let out = text.split(quoted).join('');
  const bare = new RegExp(`(?<![\\w$\`.])${schema.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(?=[\\w$\`])`, 'g');
  if (/^[\w$]+$/.test(schema)) out = out.replace(bare, '');
  return out.replace(/\s+/g, ' ').trim();
}

/** Drops parentheses around a whole expression: MySQL stores `(a > 0)` where MariaDB stores `a > 0`. */
function unwrap(expr: string): string {
  while (expr.startsWith('(') && expr.endsWith(')')) {
    let depth = 0;
    let wraps = true;
    for (let i = 0; i < expr.length - 1; i++) {
      if (expr[i] === '(') depth++;
      else if (expr[i] === ')') depth--;
      if (depth === 0) {
        wraps = false;
        break;
      }
    }
    if (!wraps) break;
    expr = expr.slice(1, -1).trim();
  }
  return expr;
}

/** Upper-cases the type name of a COLUMN_TYPE (`decimal(10,2) unsigned` → `DECIMAL(10,2) UNSIGNED`), leaving enum values alone. */
function typeName(columnType: string): string {
  const m = /^([a-z ]+)(\(.*\))?([a-z ]*)$/is.exec(columnType);
  if (!m) return columnType;
  return m[1]!.toUpperCase() + (m[2] ?? '') + (m[3] ?? '').toUpperCase();
}

/** Runs a query, treating "no such information_schema table or column" as no rows (older servers, other flavors). */
async function optional(conn: MysqlConnection, sql: string, values: unknown[]): Promise<Row[]> {
  try {
    return await conn.query<Row>(sql, values);
  } catch (e) {
    if (e instanceof StatementError && (e.errno === 1109 || e.errno === 1054)) return [];
    throw e;
  }
}

// Runs each query on the first of `conns` that is free, in the order they were asked for.
function queryPool(conns: readonly MysqlConnection[]): <T>(fn: (c: MysqlConnection) => Promise<T>) => Promise<T> {
  const idle = [...conns];
  const waiting: ((c: MysqlConnection) => void)[] = [];
  const release = (c: MysqlConnection): void => {
    const next = waiting.shift();
    if (next) next(c);
    else idle.push(c);
  };
  return (fn) => new Promise((resolve, reject) => {
    const start = (c: MysqlConnection): void => void fn(c).then(resolve, reject).finally(() => release(c));
    const c = idle.shift();
    if (c) start(c);
    else waiting.push(start);
  });
}

/**
 * Describes `schema` from information_schema, leaving out changegate's own tables (the history, the
 * kept expected schema). Given several connections, the queries run on all of them at once: on
 * MariaDB, STATISTICS, PARTITIONS, the constraint tables and CHECK_CONSTRAINTS each open every table
 * of the schema (TABLES and COLUMNS read only the definitions), and once the tables outnumber the
 * server's table cache each of them costs seconds; side by side they cost about one of them.
 */
export async function describeSchema(connections: MysqlConnection | readonly MysqlConnection[], schema: string): Promise<SchemaShape> {
  const norm = (s: unknown) => normalizeSql(str(s), schema);
  const on = queryPool(Array.isArray(connections) ? (connections as readonly MysqlConnection[]) : [connections as MysqlConnection]);
  const q = (sql: string, values: unknown[]) => on((c) => c.query<Row>(sql, values));
  const opt = (sql: string, values: unknown[]) => on((c) => optional(c, sql, values));
  // The queries that open every table first, so that they start at once on separate connections.
  const [indexRows, rcRows, kcuRows, checkRows, partitionRows, tableRows, columnRows, viewRows, paramRows, routineRows, triggerRows, eventRows] = await Promise.all([
    // Named columns, never SELECT *: CARDINALITY makes MySQL open every table whose statistics are not
    // cached (every table of a fresh shadow schema), 1.7 s instead of 0.07 s for 2,000 tables.
    // Functional-index EXPRESSION (MySQL 8), IS_VISIBLE (MySQL 8) and IGNORED (MariaDB 10.6) exist on
    // some servers only.
    on(async (c) => {
      const optionalColumns = (
        await c.query<Row>(
          "SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'information_schema' AND TABLE_NAME = 'STATISTICS' AND COLUMN_NAME IN ('EXPRESSION', 'IS_VISIBLE', 'IGNORED')",
        )
      ).map((r) => `, ${str(r.COLUMN_NAME)}`).join('');
      return c.query<Row>(
        `SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, INDEX_TYPE, COLUMN_NAME, SUB_PART, COLLATION${optionalColumns}
         FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`,
        [schema],
      );
    }),
    // Foreign keys: their rules and their columns are read apart and joined here; a join in SQL reads
    // both tables for every table anyway, one after the other.
    q('SELECT TABLE_NAME, CONSTRAINT_NAME, UPDATE_RULE, DELETE_RULE FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ?', [schema]),
    // Both schema columns named: MariaDB otherwise reads KEY_COLUMN_USAGE of every schema on the server.
    q(
      `SELECT TABLE_NAME, CONSTRAINT_NAME, COLUMN_NAME, REFERENCED_TABLE_SCHEMA, REFERENCED_TABLE_NAME, REFERENCED_COLUMN_NAME
       FROM information_schema.KEY_COLUMN_USAGE WHERE CONSTRAINT_SCHEMA = ? AND TABLE_SCHEMA = ? AND REFERENCED_TABLE_NAME IS NOT NULL
       ORDER BY TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION`,
      [schema, schema],
    ),
    // MariaDB's CHECK_CONSTRAINTS has TABLE_NAME (names are per table there); MySQL's needs TABLE_CONSTRAINTS (below).
    opt('SELECT * FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ?', [schema]),
    // Partitions (and subpartitions) in their order; a table that is not partitioned has one row with
    // no partition name.
    opt(
      `SELECT TABLE_NAME, PARTITION_NAME, SUBPARTITION_NAME, PARTITION_METHOD, SUBPARTITION_METHOD, PARTITION_EXPRESSION,
              SUBPARTITION_EXPRESSION, PARTITION_DESCRIPTION
       FROM information_schema.PARTITIONS WHERE TABLE_SCHEMA = ? AND PARTITION_NAME IS NOT NULL
       ORDER BY TABLE_NAME, PARTITION_ORDINAL_POSITION, SUBPARTITION_ORDINAL_POSITION`,
      [schema],
    ),
    q(
      `SELECT TABLE_NAME, ENGINE, TABLE_COLLATION, TABLE_COMMENT FROM information_schema.TABLES
       WHERE TABLE_SCHEMA = ? AND TABLE_TYPE <> 'VIEW' AND TABLE_NAME NOT IN (?, ?)`,
      [schema, HISTORY_TABLE, EXPECTED_TABLE],
    ),
    q(
      `SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, CHARACTER_SET_NAME, COLLATION_NAME,
              EXTRA, GENERATION_EXPRESSION, COLUMN_COMMENT
       FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, ORDINAL_POSITION`,
      [schema],
    ),
    q('SELECT TABLE_NAME, VIEW_DEFINITION, CHECK_OPTION, SECURITY_TYPE FROM information_schema.VIEWS WHERE TABLE_SCHEMA = ?', [schema]),
    opt(
      `SELECT SPECIFIC_NAME, ROUTINE_TYPE, PARAMETER_MODE, PARAMETER_NAME, DTD_IDENTIFIER
       FROM information_schema.PARAMETERS WHERE SPECIFIC_SCHEMA = ? AND ORDINAL_POSITION > 0
       ORDER BY SPECIFIC_NAME, ORDINAL_POSITION`,
      [schema],
    ),
    q(
      `SELECT ROUTINE_NAME, ROUTINE_TYPE, DTD_IDENTIFIER, ROUTINE_DEFINITION, IS_DETERMINISTIC, SQL_DATA_ACCESS, SECURITY_TYPE
       FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ?`,
      [schema],
    ),
    q(
      `SELECT TRIGGER_NAME, EVENT_OBJECT_TABLE, ACTION_TIMING, EVENT_MANIPULATION, ACTION_ORDER, ACTION_STATEMENT
       FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ? AND EVENT_OBJECT_TABLE NOT IN (?, ?)`,
      [schema, HISTORY_TABLE, EXPECTED_TABLE],
    ),
    opt(
      `SELECT EVENT_NAME, EVENT_TYPE, INTERVAL_VALUE, INTERVAL_FIELD, STATUS, EVENT_DEFINITION
       FROM information_schema.EVENTS WHERE EVENT_SCHEMA = ?`,
      [schema],
    ),
  ]);

  const tables = new Map<string, TableShape>();
  for (const r of tableRows) {
    const name = str(r.TABLE_NAME);
    tables.set(name, {
      name,
      engine: strOrNull(r.ENGINE),
      collation: strOrNull(r.TABLE_COLLATION),
      comment: str(r.TABLE_COMMENT),
      columns: [],
      indexes: [],
      foreignKeys: [],
      checks: [],
      partitioning: '',
    });
  }

  const partitions = new Map<string, { head: string; parts: { text: string; subs: string[] }[] }>();
  for (const r of partitionRows) {
    const t = str(r.TABLE_NAME);
    let p = partitions.get(t);
    if (!p) {
      const sub = strOrNull(r.SUBPARTITION_METHOD);
      const head = `${str(r.PARTITION_METHOD)} (${norm(r.PARTITION_EXPRESSION)})` +
        (sub ? ` SUBPARTITION BY ${sub} (${norm(r.SUBPARTITION_EXPRESSION)})` : '');
      p = { head, parts: [] };
      partitions.set(t, p);
    }
    const desc = strOrNull(r.PARTITION_DESCRIPTION);
    const values = desc === null || desc === '' ? '' : str(r.PARTITION_METHOD).startsWith('RANGE') ? ` VALUES LESS THAN (${desc})` : ` VALUES IN (${desc})`;
    const text = `${str(r.PARTITION_NAME)}${values.replace('(MAXVALUE)', 'MAXVALUE')}`;
    // Subpartitions repeat their partition's row: name the partition once, its subpartitions after it.
    let last = p.parts[p.parts.length - 1];
    if (last?.text !== text) p.parts.push((last = { text, subs: [] }));
    const subName = strOrNull(r.SUBPARTITION_NAME);
    if (subName) last.subs.push(subName);
  }
  for (const [name, p] of partitions) {
    const t = tables.get(name);
    if (t) t.partitioning = `${p.head} ${p.parts.map((x) => (x.subs.length ? `${x.text} (${x.subs.join(', ')})` : x.text)).join(', ')}`;
  }

  for (const r of columnRows) {
    const t = tables.get(str(r.TABLE_NAME));
    if (!t) continue; // a view's columns
    const nullable = r.IS_NULLABLE === 'YES';
    let def = strOrNull(r.COLUMN_DEFAULT);
    // MariaDB spells "defaults to NULL" as the text NULL; MySQL as SQL NULL. Both mean no default here.
    if (def === 'NULL' && nullable) def = null;
    const extra = str(r.EXTRA)
      .replace(/DEFAULT_GENERATED/i, '')
      .replace(/\s+/g, ' ')
      .trim()
      .toUpperCase();
    const gen = str(r.GENERATION_EXPRESSION);
    t.columns.push({
      name: str(r.COLUMN_NAME),
      type: typeName(str(r.COLUMN_TYPE)),
      nullable,
      default: def,
      charset: strOrNull(r.CHARACTER_SET_NAME),
      collation: strOrNull(r.COLLATION_NAME),
      extra,
      generated: gen ? unwrap(norm(gen)) : null,
      comment: str(r.COLUMN_COMMENT),
    });
  }

  const indexes = new Map<string, IndexShape>();
  for (const r of indexRows) {
    const t = tables.get(str(r.TABLE_NAME));
    if (!t) continue;
    const key = `${t.name}\0${str(r.INDEX_NAME)}`;
    let ix = indexes.get(key);
    if (!ix) {
      ix = {
        name: str(r.INDEX_NAME),
        unique: Number(r.NON_UNIQUE) === 0,
        type: str(r.INDEX_TYPE).toUpperCase(),
        columns: [],
        visible: r.IS_VISIBLE !== 'NO' && r.IGNORED !== 'YES',
      };
      indexes.set(key, ix);
      t.indexes.push(ix);
    }
    let part = r.COLUMN_NAME != null ? str(r.COLUMN_NAME) : `(${norm(r.EXPRESSION)})`;
    if (r.SUB_PART != null) part += `(${str(r.SUB_PART)})`;
    if (r.COLLATION === 'D') part += ' DESC';
    ix.columns.push(part);
  }

  const rules = new Map(rcRows.map((r) => [`${str(r.TABLE_NAME)}\0${str(r.CONSTRAINT_NAME)}`, r]));
  const fks = new Map<string, ForeignKeyShape>();
  for (const r of kcuRows) {
    const t = tables.get(str(r.TABLE_NAME));
    const key = `${str(r.TABLE_NAME)}\0${str(r.CONSTRAINT_NAME)}`;
    const rule = rules.get(key);
    if (!t || !rule) continue;
    let fk = fks.get(key);
    if (!fk) {
      const refSchema = str(r.REFERENCED_TABLE_SCHEMA);
      fk = {
        name: str(r.CONSTRAINT_NAME),
        columns: [],
        refSchema: refSchema === schema ? null : refSchema,
        refTable: str(r.REFERENCED_TABLE_NAME),
        refColumns: [],
        onUpdate: str(rule.UPDATE_RULE),
        onDelete: str(rule.DELETE_RULE),
      };
      fks.set(key, fk);
      t.foreignKeys.push(fk);
    }
    fk.columns.push(str(r.COLUMN_NAME));
    fk.refColumns.push(str(r.REFERENCED_COLUMN_NAME));
  }

  if (checkRows.length) {
    let owner = new Map<string, string>();
    if (!('TABLE_NAME' in checkRows[0]!)) {
      const tc = await q(
        "SELECT CONSTRAINT_NAME, TABLE_NAME FROM information_schema.TABLE_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ? AND CONSTRAINT_TYPE = 'CHECK'",
        [schema],
      );
      owner = new Map(tc.map((r) => [str(r.CONSTRAINT_NAME), str(r.TABLE_NAME)]));
    }
    for (const r of checkRows) {
      const t = tables.get(r.TABLE_NAME != null ? str(r.TABLE_NAME) : (owner.get(str(r.CONSTRAINT_NAME)) ?? ''));
      if (t) t.checks.push({ name: str(r.CONSTRAINT_NAME), clause: unwrap(norm(r.CHECK_CLAUSE)) });
    }
  }

  for (const t of tables.values()) {
    t.indexes.sort(byName);
    t.foreignKeys.sort(byName);
    t.checks.sort(byName);
  }

  const views = viewRows.map((r) => ({
    name: str(r.TABLE_NAME),
    definition: norm(r.VIEW_DEFINITION),
    checkOption: str(r.CHECK_OPTION),
    security: str(r.SECURITY_TYPE),
  }));

  const params = new Map<string, string[]>();
  for (const r of paramRows) {
    const key = `${str(r.ROUTINE_TYPE)}\0${str(r.SPECIFIC_NAME)}`;
    const list = params.get(key) ?? [];
    list.push([str(r.PARAMETER_MODE), str(r.PARAMETER_NAME), typeName(str(r.DTD_IDENTIFIER))].filter(Boolean).join(' '));
    params.set(key, list);
  }
  const routines = routineRows.map((r): RoutineShape => {
    const type = str(r.ROUTINE_TYPE) === 'FUNCTION' ? 'FUNCTION' : 'PROCEDURE';
    return {
      name: str(r.ROUTINE_NAME),
      type,
      params: (params.get(`${type}\0${str(r.ROUTINE_NAME)}`) ?? []).join(', '),
      returns: type === 'FUNCTION' ? typeName(str(r.DTD_IDENTIFIER)) : null,
      deterministic: r.IS_DETERMINISTIC === 'YES',
      dataAccess: str(r.SQL_DATA_ACCESS),
      security: str(r.SECURITY_TYPE),
      body: norm(r.ROUTINE_DEFINITION),
    };
  });

  const triggers = triggerRows.map((r) => ({
    name: str(r.TRIGGER_NAME),
    table: str(r.EVENT_OBJECT_TABLE),
    timing: str(r.ACTION_TIMING),
    event: str(r.EVENT_MANIPULATION),
    order: Number(r.ACTION_ORDER ?? 1),
    statement: norm(r.ACTION_STATEMENT),
  }));

  const events = eventRows.map((r) => ({
    name: str(r.EVENT_NAME),
    schedule: str(r.EVENT_TYPE) === 'RECURRING' ? `EVERY ${str(r.INTERVAL_VALUE)} ${str(r.INTERVAL_FIELD)}` : 'AT a fixed time',
    status: str(r.STATUS),
    body: norm(r.EVENT_DEFINITION),
  }));

  return {
    schema,
    tables: [...tables.values()].sort(byName),
    views: views.sort(byName),
    routines: routines.sort((a, b) => byName(a, b) || a.type.localeCompare(b.type)),
    triggers: triggers.sort(byName),
    events: events.sort(byName),
  };
}

/** Prefix of every shadow schema; `dropSchema` drops nothing else. */
export const SHADOW_PREFIX = 'cg_shadow_';

/** Creates an empty schema for a replay, with `base`'s default character set and collation; returns its name. */
export async function createShadowSchema(conn: MysqlConnection, base: string): Promise<string> {
  const stem = base.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 40);
  const name = `${SHADOW_PREFIX}${stem}_${randomBytes(4).toString('hex')}`;
  const [row] = await conn.query<Row>(
    'SELECT DEFAULT_CHARACTER_SET_NAME AS cs, DEFAULT_COLLATION_NAME AS co FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?',
    [base],
  );
  const opts = row ? ` CHARACTER SET ${str(row.cs)} COLLATE ${str(row.co)}` : '';
  await conn.exec(`CREATE DATABASE ${quoteIdent(name)}${opts}`);
  return name;
}

/** Tables dropped per DROP TABLE statement when a shadow schema's tables are dropped on several connections. */
const DROP_CHUNK = 25;

/**
 * Drops a shadow schema; refuses any name without SHADOW_PREFIX, so a slip can never drop a real schema.
 * With `helpers` (more connections to the same server), its tables are dropped first on all of them at
 * once: DROP DATABASE drops thousands of tables one after another.
 */
export async function dropSchema(conn: MysqlConnection, name: string, helpers: MysqlConnection[] = []): Promise<void> {
  if (!name.startsWith(SHADOW_PREFIX)) throw new Error(`refusing to drop schema ${name}: only ${SHADOW_PREFIX}* schemas are dropped`);
  if (helpers.length > 0) {
    const rows = await conn.query<Row>("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE <> 'VIEW'", [name]);
    const chunks: string[][] = [];
    for (let i = 0; i < rows.length; i += DROP_CHUNK) chunks.push(rows.slice(i, i + DROP_CHUNK).map((r) => str(r.TABLE_NAME)));
    let next = 0;
    // Foreign keys between tables in different chunks would make the order matter: the checks are off
    // on these connections, which only ever serve the shadow schema. Whatever is left, DROP DATABASE drops.
    await Promise.all([conn, ...helpers].map(async (c) => {
      await c.exec('SET SESSION foreign_key_checks = 0');
      while (next < chunks.length) {
        const chunk = chunks[next++]!;
        await c.exec(`DROP TABLE IF EXISTS ${chunk.map((t) => `${quoteIdent(name)}.${quoteIdent(t)}`).join(', ')}`);
      }
    })).catch(() => undefined);
  }
  await conn.exec(`DROP DATABASE IF EXISTS ${quoteIdent(name)}`);
}
