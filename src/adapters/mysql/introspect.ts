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

/** Describes `schema` from information_schema, leaving out changegate's own tables (the history, the kept expected schema). */
export async function describeSchema(conn: MysqlConnection, schema: string): Promise<SchemaShape> {
  const norm = (s: unknown) => normalizeSql(str(s), schema);
  const tableRows = await conn.query<Row>(
    `SELECT TABLE_NAME, ENGINE, TABLE_COLLATION, TABLE_COMMENT, CREATE_OPTIONS FROM information_schema.TABLES
     WHERE TABLE_SCHEMA = ? AND TABLE_TYPE <> 'VIEW' AND TABLE_NAME NOT IN (?, ?)`,
    [schema, HISTORY_TABLE, EXPECTED_TABLE],
  );
  const tables = new Map<string, TableShape>();
  let partitioned = false;
  for (const r of tableRows) {
    const name = str(r.TABLE_NAME);
    if (/\bpartitioned\b/i.test(str(r.CREATE_OPTIONS))) partitioned = true;
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

  // Partitions (and subpartitions) in their order; a table that is not partitioned has one row with
  // no partition name. Both servers mark a partitioned table in CREATE_OPTIONS; without one the query
  // is left out, since reading PARTITIONS opens every table of the schema (TABLES and COLUMNS read only
  // the definitions), the slowest of these queries once the tables outnumber the table cache.
  const partitionRows = !partitioned ? [] : await optional(
    conn,
    `SELECT TABLE_NAME, PARTITION_NAME, SUBPARTITION_NAME, PARTITION_METHOD, SUBPARTITION_METHOD, PARTITION_EXPRESSION,
            SUBPARTITION_EXPRESSION, PARTITION_DESCRIPTION
     FROM information_schema.PARTITIONS WHERE TABLE_SCHEMA = ? AND PARTITION_NAME IS NOT NULL
     ORDER BY TABLE_NAME, PARTITION_ORDINAL_POSITION, SUBPARTITION_ORDINAL_POSITION`,
    [schema],
  );
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

  const columnRows = await conn.query<Row>(
    `SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, CHARACTER_SET_NAME, COLLATION_NAME,
            EXTRA, GENERATION_EXPRESSION, COLUMN_COMMENT
     FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, ORDINAL_POSITION`,
    [schema],
  );
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

  // SELECT *: functional-index EXPRESSION (MySQL 8), IS_VISIBLE (MySQL 8) and IGNORED (MariaDB 10.6) exist on some servers only.
  const indexRows = await conn.query<Row>(
    'SELECT * FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX',
    [schema],
  );
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

  const fkRows = await conn.query<Row>(
    `SELECT rc.TABLE_NAME, rc.CONSTRAINT_NAME, rc.UPDATE_RULE, rc.DELETE_RULE,
            k.COLUMN_NAME, k.REFERENCED_TABLE_SCHEMA, k.REFERENCED_TABLE_NAME, k.REFERENCED_COLUMN_NAME
     FROM information_schema.REFERENTIAL_CONSTRAINTS rc
     JOIN information_schema.KEY_COLUMN_USAGE k
       ON k.CONSTRAINT_SCHEMA = rc.CONSTRAINT_SCHEMA AND k.CONSTRAINT_NAME = rc.CONSTRAINT_NAME AND k.TABLE_NAME = rc.TABLE_NAME
     WHERE rc.CONSTRAINT_SCHEMA = ? AND k.TABLE_SCHEMA = ? AND k.REFERENCED_TABLE_NAME IS NOT NULL
     ORDER BY rc.TABLE_NAME, rc.CONSTRAINT_NAME, k.ORDINAL_POSITION`,
    // Each side names the schema: MariaDB otherwise reads KEY_COLUMN_USAGE of every schema on the server.
    [schema, schema],
  );
  const fks = new Map<string, ForeignKeyShape>();
  for (const r of fkRows) {
    const t = tables.get(str(r.TABLE_NAME));
    if (!t) continue;
    const key = `${t.name}\0${str(r.CONSTRAINT_NAME)}`;
    let fk = fks.get(key);
    if (!fk) {
      const refSchema = str(r.REFERENCED_TABLE_SCHEMA);
      fk = {
        name: str(r.CONSTRAINT_NAME),
        columns: [],
        refSchema: refSchema === schema ? null : refSchema,
        refTable: str(r.REFERENCED_TABLE_NAME),
        refColumns: [],
        onUpdate: str(r.UPDATE_RULE),
        onDelete: str(r.DELETE_RULE),
      };
      fks.set(key, fk);
      t.foreignKeys.push(fk);
    }
    fk.columns.push(str(r.COLUMN_NAME));
    fk.refColumns.push(str(r.REFERENCED_COLUMN_NAME));
  }

  // MariaDB's CHECK_CONSTRAINTS has TABLE_NAME (names are per table there); MySQL's needs TABLE_CONSTRAINTS.
  const checkRows = await optional(conn, 'SELECT * FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ?', [schema]);
  if (checkRows.length) {
    let owner = new Map<string, string>();
    if (!('TABLE_NAME' in checkRows[0]!)) {
      const tc = await conn.query<Row>(
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

  const views = (
    await conn.query<Row>(
      'SELECT TABLE_NAME, VIEW_DEFINITION, CHECK_OPTION, SECURITY_TYPE FROM information_schema.VIEWS WHERE TABLE_SCHEMA = ?',
      [schema],
    )
  ).map((r) => ({
    name: str(r.TABLE_NAME),
    definition: norm(r.VIEW_DEFINITION),
    checkOption: str(r.CHECK_OPTION),
    security: str(r.SECURITY_TYPE),
  }));

  const paramRows = await optional(
    conn,
    `SELECT SPECIFIC_NAME, ROUTINE_TYPE, PARAMETER_MODE, PARAMETER_NAME, DTD_IDENTIFIER
     FROM information_schema.PARAMETERS WHERE SPECIFIC_SCHEMA = ? AND ORDINAL_POSITION > 0
     ORDER BY SPECIFIC_NAME, ORDINAL_POSITION`,
    [schema],
  );
  const params = new Map<string, string[]>();
  for (const r of paramRows) {
    const key = `${str(r.ROUTINE_TYPE)}\0${str(r.SPECIFIC_NAME)}`;
    const list = params.get(key) ?? [];
    list.push([str(r.PARAMETER_MODE), str(r.PARAMETER_NAME), typeName(str(r.DTD_IDENTIFIER))].filter(Boolean).join(' '));
    params.set(key, list);
  }
  const routines = (
    await conn.query<Row>(
      `SELECT ROUTINE_NAME, ROUTINE_TYPE, DTD_IDENTIFIER, ROUTINE_DEFINITION, IS_DETERMINISTIC, SQL_DATA_ACCESS, SECURITY_TYPE
       FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ?`,
      [schema],
    )
  ).map((r): RoutineShape => {
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

  const triggers = (
    await conn.query<Row>(
      `SELECT TRIGGER_NAME, EVENT_OBJECT_TABLE, ACTION_TIMING, EVENT_MANIPULATION, ACTION_ORDER, ACTION_STATEMENT
       FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ? AND EVENT_OBJECT_TABLE NOT IN (?, ?)`,
      [schema, HISTORY_TABLE, EXPECTED_TABLE],
    )
  ).map((r) => ({
    name: str(r.TRIGGER_NAME),
    table: str(r.EVENT_OBJECT_TABLE),
    timing: str(r.ACTION_TIMING),
    event: str(r.EVENT_MANIPULATION),
    order: Number(r.ACTION_ORDER ?? 1),
    statement: norm(r.ACTION_STATEMENT),
  }));

  const events = (
    await optional(
      conn,
      `SELECT EVENT_NAME, EVENT_TYPE, INTERVAL_VALUE, INTERVAL_FIELD, STATUS, EVENT_DEFINITION
       FROM information_schema.EVENTS WHERE EVENT_SCHEMA = ?`,
      [schema],
    )
  ).map((r) => ({
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
