// Live schema drift: describe a schema from information_schema and diff two descriptions. The usual
// pair is the live schema and a shadow schema where every applied change was replayed, so every
// text that embeds the schema's own name (views, routines, triggers, events, checks) is normalized
// with that qualifier removed.
import { randomBytes } from 'node:crypto';
import { StatementError } from '../../core/ports.js';
import type { MysqlConnection } from './connection.js';
import { quoteIdent } from '../../core/sql/quote.js';
import { HISTORY_TABLE } from './history.js';

/** One column as the server describes it. */
export interface ColumnShape {
  name: string;
  /** `COLUMN_TYPE` with the type name upper-cased: `DECIMAL(10,2)`, `INT(11) UNSIGNED`, `ENUM('a','b')`. */
  type: string;
  nullable: boolean;
  /** `COLUMN_DEFAULT` as the server prints it; null when the column has no default (or defaults to NULL). */
  default: string | null;
  charset: string | null;
  collation: string | null;
  /** `EXTRA` upper-cased without MySQL's `DEFAULT_GENERATED` marker: `AUTO_INCREMENT`, `VIRTUAL GENERATED`, ... */
  extra: string;
  /** Generation expression of a generated column, normalized. */
  generated: string | null;
  comment: string;
}

/** One index; columns in index order. */
export interface IndexShape {
  name: string;
  unique: boolean;
  /** `BTREE`, `HASH`, `FULLTEXT`, `SPATIAL`. */
  type: string;
  /** `name`, `name(10)` for a prefix, `(expr)` for a functional part, with ` DESC` when descending. */
  columns: string[];
  visible: boolean;
}

/** One foreign key. */
export interface ForeignKeyShape {
  name: string;
  columns: string[];
  /** Null when the referenced table is in the same schema. */
  refSchema: string | null;
  refTable: string;
  refColumns: string[];
  onUpdate: string;
  onDelete: string;
}

/** One CHECK constraint. */
export interface CheckShape {
  name: string;
  clause: string;
}

/** One base table. */
export interface TableShape {
  name: string;
  engine: string | null;
  collation: string | null;
  comment: string;
  /** In ordinal order. */
  columns: ColumnShape[];
  indexes: IndexShape[];
  foreignKeys: ForeignKeyShape[];
  checks: CheckShape[];
  /** `RANGE (expr) p0 VALUES LESS THAN (10), ...`; empty for a table that is not partitioned. */
  partitioning: string;
}

/** One view; `definition` has the schema qualifier stripped. */
export interface ViewShape {
  name: string;
  definition: string;
  checkOption: string;
  security: string;
}

/** One stored procedure or function. */
export interface RoutineShape {
  name: string;
  type: 'PROCEDURE' | 'FUNCTION';
  /** `IN x INT(11), OUT y VARCHAR(10)`. */
  params: string;
  /** Return type of a function, null for a procedure. */
  returns: string | null;
  deterministic: boolean;
  dataAccess: string;
  security: string;
  body: string;
}

/** One trigger. */
export interface TriggerShape {
  name: string;
  table: string;
  timing: string;
  event: string;
  order: number;
  statement: string;
}

/** One scheduled event (schedule and body; start and end times are left out, they depend on when it was created). */
export interface EventShape {
  name: string;
  schedule: string;
  status: string;
  body: string;
}

/** Everything `drift` compares in one schema; every list sorted by name, so equal schemas give equal shapes. */
export interface SchemaShape {
  schema: string;
  tables: TableShape[];
  views: ViewShape[];
  routines: RoutineShape[];
  triggers: TriggerShape[];
  events: EventShape[];
}

type Row = Record<string, unknown>;

function str(v: unknown): string {
  return v === null || v === undefined ? '' : String(v);
}

function strOrNull(v: unknown): string | null {
  return v === null || v === undefined ? null : String(v);
}

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

/** Describes `schema` from information_schema, leaving out changegate's own history table. */
export async function describeSchema(conn: MysqlConnection, schema: string): Promise<SchemaShape> {
  const norm = (s: unknown) => normalizeSql(str(s), schema);
  const tableRows = await conn.query<Row>(
    `SELECT TABLE_NAME, ENGINE, TABLE_COLLATION, TABLE_COMMENT FROM information_schema.TABLES
     WHERE TABLE_SCHEMA = ? AND TABLE_TYPE <> 'VIEW' AND TABLE_NAME <> ?`,
    [schema, HISTORY_TABLE],
  );
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

  // Partitions (and subpartitions) in their order; a table that is not partitioned has one row with
  // no partition name.
  const partitionRows = await optional(
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
     WHERE rc.CONSTRAINT_SCHEMA = ? AND k.REFERENCED_TABLE_NAME IS NOT NULL
     ORDER BY rc.TABLE_NAME, rc.CONSTRAINT_NAME, k.ORDINAL_POSITION`,
    [schema],
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
       FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ? AND EVENT_OBJECT_TABLE <> ?`,
      [schema, HISTORY_TABLE],
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

/** `DECIMAL(10,2) NOT NULL DEFAULT 0.00`, with collation only where it differs from the table's. */
export function describeColumn(c: ColumnShape, tableCollation: string | null): string {
  const parts = [c.type, c.nullable ? 'NULL' : 'NOT NULL'];
  if (c.default !== null) parts.push(`DEFAULT ${c.default}`);
  if (c.collation && c.collation !== tableCollation) parts.push(`COLLATE ${c.collation}`);
  if (c.generated) parts.push(`AS (${c.generated})`);
  if (c.extra) parts.push(c.extra);
  if (c.comment) parts.push(`COMMENT '${c.comment}'`);
  return parts.join(' ');
}

function describeIndex(ix: IndexShape): string {
  const kind = ix.type === 'FULLTEXT' || ix.type === 'SPATIAL' ? `${ix.type} ` : ix.unique ? 'UNIQUE ' : '';
  const using = ix.type !== 'BTREE' && !kind.startsWith(ix.type) ? ` USING ${ix.type}` : '';
  return `${kind}(${ix.columns.join(', ')})${using}${ix.visible ? '' : ' INVISIBLE'}`;
}

function describeForeignKey(fk: ForeignKeyShape): string {
  const ref = (fk.refSchema ? `${fk.refSchema}.` : '') + fk.refTable;
  return `(${fk.columns.join(', ')}) REFERENCES ${ref} (${fk.refColumns.join(', ')}) ON DELETE ${fk.onDelete} ON UPDATE ${fk.onUpdate}`;
}

/** An object in the diff: its kind and name as printed, a summary for +/- lines, and attributes compared one by one. */
interface DiffObject {
  id: string;
  summary: string;
  /** Attribute name ('' = the definition itself) → value. */
  attrs: [string, string][];
}

function objects(s: SchemaShape): DiffObject[] {
  const out: DiffObject[] = [];
  for (const t of s.tables) {
    out.push({
      id: `table ${t.name}`,
      summary: '',
      attrs: [
        ['engine', t.engine ?? ''],
        ['collation', t.collation ?? ''],
        ['comment', t.comment ? `'${t.comment}'` : "''"],
        ['partitioning', t.partitioning || 'none'],
      ],
    });
  }
  for (const t of s.tables) {
    for (const c of t.columns) {
      const def = describeColumn(c, t.collation);
      out.push({ id: `column ${t.name}.${c.name}`, summary: def, attrs: [['', def]] });
    }
    for (const ix of t.indexes) {
      const def = describeIndex(ix);
      const id = ix.name === 'PRIMARY' ? `primary key ${t.name}` : `index ${t.name}.${ix.name}`;
      out.push({ id, summary: def, attrs: [['', def]] });
    }
    for (const fk of t.foreignKeys) {
      const def = describeForeignKey(fk);
      out.push({ id: `foreign key ${t.name}.${fk.name}`, summary: def, attrs: [['', def]] });
    }
    for (const ck of t.checks) {
      out.push({ id: `check ${t.name}.${ck.name}`, summary: `(${ck.clause})`, attrs: [['', `(${ck.clause})`]] });
    }
  }
  for (const v of s.views) {
    out.push({
      id: `view ${v.name}`,
      summary: '',
      attrs: [
        ['definition', v.definition],
        ['check option', v.checkOption],
        ['sql security', v.security],
      ],
    });
  }
  for (const r of s.routines) {
    const signature = `(${r.params})${r.returns ? ` RETURNS ${r.returns}` : ''}`;
    out.push({
      id: `${r.type.toLowerCase()} ${r.name}`,
      summary: signature,
      attrs: [
        ['signature', signature],
        ['characteristics', `${r.deterministic ? 'DETERMINISTIC' : 'NOT DETERMINISTIC'} ${r.dataAccess} SQL SECURITY ${r.security}`],
        ['body', r.body],
      ],
    });
  }
  for (const tr of s.triggers) {
    const when = `${tr.timing} ${tr.event} ON ${tr.table}${tr.order > 1 ? ` (order ${tr.order})` : ''}`;
    out.push({
      id: `trigger ${tr.name}`,
      summary: when,
      attrs: [
        ['timing', when],
        ['statement', tr.statement],
      ],
    });
  }
  for (const ev of s.events) {
    out.push({
      id: `event ${ev.name}`,
      summary: ev.schedule,
      attrs: [
        ['schedule', ev.schedule],
        ['status', ev.status],
        ['body', ev.body],
      ],
    });
  }
  return out;
}

/** Column names of a table in ordinal order, for the column-order comparison. */
function columnOrder(s: SchemaShape): Map<string, string[]> {
  return new Map(s.tables.map((t) => [t.name, t.columns.map((c) => c.name)]));
}

/** Sort key: tables and their parts together, then views, routines, triggers, events; names in byte order. */
function sortKey(id: string): string {
  const m = /^(primary key|foreign key|[a-z]+) (.*)$/.exec(id)!;
  const [, kind, name] = m as unknown as [string, string, string];
  const tableParts: Record<string, string> = { table: '0', column: '1', 'primary key': '2', index: '3', 'foreign key': '4', check: '5' };
  if (kind in tableParts) {
    const table = kind === 'table' || kind === 'primary key' ? name : name.slice(0, name.indexOf('.'));
    return `0\0${table}\0${tableParts[kind]}\0${name}`;
  }
  const order: Record<string, string> = { view: '1', procedure: '2', function: '3', trigger: '4', event: '5' };
  return `${order[kind] ?? '9'}\0${name}`;
}

/**
 * Readable differences between what a schema should be (`expected`, e.g. the shadow replay) and what it
 * is (`actual`, the live schema): `+` exists only in actual, `-` only in expected, `~ x: expected -> actual`.
 * A table present on one side only is one line (its parts are implied). Empty when the schemas match.
 */
export function diffSchemas(expected: SchemaShape, actual: SchemaShape): string[] {
  const exp = new Map(objects(expected).map((o) => [o.id, o]));
  const act = new Map(objects(actual).map((o) => [o.id, o]));
  const onlyOneSide = new Set<string>();
  for (const t of expected.tables) if (!actual.tables.some((a) => a.name === t.name)) onlyOneSide.add(t.name);
  for (const t of actual.tables) if (!expected.tables.some((e) => e.name === t.name)) onlyOneSide.add(t.name);
  const tableOf = (id: string): string | null => {
    const m = /^(?:column|index|foreign key|check) ([^.]+)\./.exec(id) ?? /^primary key (.+)$/.exec(id);
    return m ? m[1]! : null;
  };
  const lines: [string, string][] = [];
  const ids = [...new Set([...exp.keys(), ...act.keys()])];
  for (const id of ids) {
    const table = tableOf(id);
    if (table !== null && onlyOneSide.has(table)) continue;
    const e = exp.get(id);
    const a = act.get(id);
    if (e && !a) lines.push([sortKey(id), `- ${id}${e.summary ? ` ${e.summary}` : ''}`]);
    else if (a && !e) lines.push([sortKey(id), `+ ${id}${a.summary ? ` ${a.summary}` : ''}`]);
    else if (e && a) {
      const av = new Map(a.attrs);
      // Attributes in their declared order (engine before collation, timing before statement).
      e.attrs.forEach(([attr, ev], i) => {
        const v = av.get(attr) ?? '';
        if (v !== ev) lines.push([sortKey(id) + `\0${i}`, `~ ${id}: ${attr ? `${attr} ` : ''}${ev} -> ${v}`]);
      });
    }
  }
  // Same columns in another order (a column moved with AFTER/FIRST) is drift too.
  const eo = columnOrder(expected);
  for (const [table, acols] of columnOrder(actual)) {
    const ecols = eo.get(table);
    if (!ecols) continue;
    const common = new Set(ecols.filter((c) => acols.includes(c)));
    const e1 = ecols.filter((c) => common.has(c));
    const a1 = acols.filter((c) => common.has(c));
    if (e1.join(',') !== a1.join(',')) {
      lines.push([sortKey(`table ${table}`) + '\0~order', `~ table ${table}: column order ${e1.join(', ')} -> ${a1.join(', ')}`]);
    }
  }
  return lines.sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0)).map(([, l]) => l);
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

/** Drops a shadow schema; refuses any name without SHADOW_PREFIX, so a slip can never drop a real schema. */
export async function dropSchema(conn: MysqlConnection, name: string): Promise<void> {
  if (!name.startsWith(SHADOW_PREFIX)) throw new Error(`refusing to drop schema ${name}: only ${SHADOW_PREFIX}* schemas are dropped`);
  await conn.exec(`DROP DATABASE IF EXISTS ${quoteIdent(name)}`);
}
