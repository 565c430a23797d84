// Data-dependent pre-checks: from one parsed statement and the live facts of its table, the bounded
// read-only queries that tell whether it would fail on the rows there (duplicates under a new UNIQUE
// key, NULLs under NOT NULL, values a narrower type cannot hold, orphans under a new foreign key),
// what it would lose (DROP, TRUNCATE) and how many rows an UPDATE or DELETE reaches (EXPLAIN, never
// run). Pure: an adapter runs the SQL and hands each count back to `judge`.
import { codeTokens } from '../sql/lexer.js';
import { isPunct, isWord, verbIndex } from '../lint/syntax.js';
import type { AlterClause, ColumnDef, DdlSpec, KeyPart, TableRef } from './ddl.js';
import { caseInsensitiveKey } from './model.js';
import type { CheckResult, ColumnFacts, TableFacts } from './types.js';
import { thousands } from '../numbers.js';
import { quoteIdent } from '../sql/quote.js';

/** The pre-check codes and what each one watches for. */
export const CHECK_CODES = {
  duplicates: 'CG501',
  nulls: 'CG502',
  narrowing: 'CG503',
  orphans: 'CG504',
  dataLoss: 'CG505',
  rowsTouched: 'CG506',
} as const;

/** Rows counted exactly before a data-loss warning says "at least": a count past this would scan a big table. */
export const LOSS_BOUND = 100_000;

/** One pre-check: a query whose answer is a count, and how to read it. */
export interface PreCheck {
  code: string;
  /** 1-based statement number within the change. */
  statement: number;
  /** `schema.table` keys whose rows the query reads (a change to any of them before it defers it). */
  tables: string[];
  /** The columns it reads, as `schema.table#column` (lower case): a change to one of them before it defers it too. */
  columns: string[];
  /** A read-only SELECT; `count`: its first column is the count; `explain`: EXPLAIN it and read the estimated rows. */
  sql: string;
  read: 'count' | 'explain';
  /** What it verifies, for "could not verify ..." (`duplicates in shop.users (email)`). */
  subject: string;
  /** The outcome and message for a count. */
  judge(count: number): Pick<CheckResult, 'outcome' | 'message'>;
}

/** The result of a check from its count. */
export function checkResult(check: PreCheck, count: number): CheckResult {
  return { code: check.code, statement: check.statement, count, ...check.judge(count) };
}

/** The result of a check the server stopped at its time bound: never a pass. */
export function timedOut(check: PreCheck, seconds: number): CheckResult {
  return {
    code: check.code,
    statement: check.statement,
    outcome: 'warn',
    count: null,
    message: `could not verify ${check.subject} in ${seconds} s; check it by hand before applying, or run it in a quieter hour`,
  };
}

/** The result of a check the server refused (a privilege it lacks, say): a warning with the server's words. */
export function notVerified(check: PreCheck, error: string): CheckResult {
  return { code: check.code, statement: check.statement, outcome: 'warn', count: null, message: `could not verify ${check.subject}: ${error}` };
}

/** A check that cannot run now because an earlier statement changes its table first. */
export function deferred(check: PreCheck, why: string): CheckResult {
  return { code: check.code, statement: check.statement, outcome: 'warn', count: null, message: `${check.subject}: ${why}` };
}

/** How a check reaches the tables: the live facts of each, by `schema.table`. */
export interface CheckInput {
  spec: DdlSpec;
  statement: number;
  /** The schema unqualified names are in. */
  schema: string;
  facts: Map<string, TableFacts>;
  /** Rows counted exactly before "at least"; default LOSS_BOUND. */
  lossBound?: number;
}

/** Every pre-check the statement calls for, given the live tables it touches. */
export function preChecks(input: CheckInput): PreCheck[] {
  const { spec } = input;
  const out: PreCheck[] = [];
  switch (spec.kind) {
    case 'alter-table':
    case 'create-index': {
      const table = factsOf(input, spec.table);
      if (!table) return out;
      for (const c of spec.clauses) out.push(...clauseChecks(input, table, c));
      return out;
    }
    case 'drop-table':
    case 'truncate':
      for (const ref of spec.tables) {
        const table = factsOf(input, ref);
        if (table) out.push(rowsLost(input, table, spec.kind === 'truncate' ? 'TRUNCATE TABLE' : 'DROP TABLE', input.lossBound ?? LOSS_BOUND));
      }
      return out;
    case 'update':
    case 'delete': {
      const check = rowsTouched(input);
      if (check) out.push(check);
      return out;
    }
    default:
      return out;
  }
}

function clauseChecks(input: CheckInput, table: TableFacts, c: AlterClause): PreCheck[] {
  const n = input.statement;
  switch (c.kind) {
    case 'add-index': {
      const out: PreCheck[] = [];
      if (c.index.kind === 'primary') {
        for (const part of c.index.columns) {
          const col = part.name ? columnOf(table, part.name) : undefined;
          if (col?.nullable) out.push(nulls(n, table, col.name, 'adding the PRIMARY KEY'));
        }
      }
      if (c.index.kind !== 'primary' && c.index.kind !== 'unique') return out;
      const what = c.index.kind === 'primary' ? 'the PRIMARY KEY' : `UNIQUE index ${c.index.name ?? `on (${partList(c.index.columns)})`}`;
      const known = c.index.columns.every((p) => p.expression || (p.name && columnOf(table, p.name)));
      if (known) {
        out.push(duplicates(n, table, c.index.columns, what));
        return out;
      }
      // A key over columns the same statement adds, each with one value for every existing row.
      const added = c.index.columns.map((p) => (p.name ? addedColumn(input.spec, p.name) : undefined));
      const values = added.map((col) => (col ? oneValue(col) : null));
      if (values.every((v): v is string => v !== null)) out.push(sameValue(n, table, added.map((col) => col!.name), values, what));
      return out;
    }
    case 'add-column': {
      if (!c.column.unique && !c.column.primaryKey) return [];
      const value = oneValue(c.column);
      if (value === null) return [];
      return [sameValue(n, table, [c.column.name], [value], c.column.primaryKey ? 'the PRIMARY KEY' : `UNIQUE on ${c.column.name}`)];
    }
    case 'change-column': {
      const col = columnOf(table, c.from);
      if (!col) return [];
      const out: PreCheck[] = [];
      const verb = c.modify ? 'MODIFY' : 'CHANGE';
      if (c.column.nullable === false && col.nullable && !c.column.primaryKey) out.push(nulls(n, table, col.name, `${verb} to NOT NULL`));
      if (c.column.primaryKey && col.nullable) out.push(nulls(n, table, col.name, 'making it the PRIMARY KEY'));
      const narrow = narrowing(n, table, col, c.column);
      if (narrow) out.push(narrow);
      const round = rounding(n, table, col, c.column);
      if (round) out.push(round);
      if (c.column.unique && !isUniqueAlready(table, col.name)) {
        out.push(duplicates(n, table, [{ name: col.name, prefix: null }], `UNIQUE on ${col.name}`));
      }
      return out;
    }
    case 'drop-column': {
      const col = columnOf(table, c.name);
      return col ? [valuesLost(n, table, col.name, input.lossBound ?? LOSS_BOUND)] : [];
    }
    case 'add-foreign-key': {
      const parent = factsOf(input, c.foreignKey.refTable);
      if (!parent || c.foreignKey.columns.length === 0 || c.foreignKey.columns.length !== c.foreignKey.refColumns.length) return [];
      if (!c.foreignKey.columns.every((x) => columnOf(table, x)) || !c.foreignKey.refColumns.every((x) => columnOf(parent, x))) return [];
      return [orphans(n, table, parent, c.foreignKey.name, c.foreignKey.columns, c.foreignKey.refColumns)];
    }
    default:
      return [];
  }
}

// --- the checks ----------------------------------------------------------------------------------

function duplicates(n: number, t: TableFacts, parts: KeyPart[], what: string): PreCheck {
  const exprs = parts.map((p) => (p.expression ? `(${p.expression})` : p.prefix ? `LEFT(${quoteIdent(p.name!)}, ${p.prefix})` : quoteIdent(p.name!)));
  const cols = partList(parts);
  // NULLs never collide in a UNIQUE index; a PRIMARY KEY's NULLs are the NOT NULL check's business.
  const notNull = exprs.map((e) => `${e} IS NOT NULL`).join(' AND ');
  return {
    code: CHECK_CODES.duplicates,
    statement: n,
    tables: [key(t)],
    columns: cols_(t, parts.map((p) => p.name).filter((x): x is string => !!x)),
    sql: `SELECT COUNT(*) FROM (SELECT 1 AS one FROM ${qt(t)} WHERE ${notNull} GROUP BY ${exprs.join(', ')} HAVING COUNT(*) > 1) AS duplicate_groups`,
    read: 'count',
    subject: `duplicates in ${key(t)} (${cols})`,
    judge: (count) =>
      count === 0
        ? { outcome: 'pass', message: `${key(t)}: no duplicate values in (${cols})` }
        : {
            outcome: 'fail',
            message:
              `${key(t)}: ${plural(count, 'value', 'values')} of (${cols}) ${count === 1 ? 'occurs' : 'occur'} more than once, so ${what} fails with a duplicate-key error, ` +
              `after the server has scanned the table; remove or merge the duplicates first ` +
              `(SELECT ${cols}, COUNT(*) FROM ${key(t)} GROUP BY ${cols} HAVING COUNT(*) > 1)`,
          },
  };
}

// The column an ALTER's own ADD COLUMN clause defines, if any.
function addedColumn(spec: DdlSpec, name: string): ColumnDef | undefined {
  for (const c of spec.clauses) if (c.kind === 'add-column' && c.column.name.toLowerCase() === name.toLowerCase()) return c.column;
  return undefined;
}

/**
 * How an added column fills the rows already there, when it gives all of them one and the same
 * value: its literal DEFAULT, the time of the ALTER, or the type's implicit default of a NOT NULL
 * column without one. Null when the rows get NULLs (which never collide in a UNIQUE key), values of
 * their own (AUTO_INCREMENT, a generated column) or an expression evaluated per row.
 */
function oneValue(col: ColumnDef): string | null {
  if (col.autoIncrement || col.generated) return null;
  const d = col.default;
  if (d === null) return col.nullable === false || col.primaryKey ? "the type's implicit default, as it is NOT NULL without a DEFAULT" : null;
  if (d.kind === 'null') return null;
  if (d.kind === 'literal') return `its DEFAULT ${/^([-+0-9.]|[XxBb]')/.test(d.text) ? d.text : `'${d.text.replace(/'/g, "''")}'`}`;
  return /^(CURRENT_TIMESTAMP|NOW|LOCALTIME|LOCALTIMESTAMP)\b/i.test(d.text) ? 'the time of the ALTER, its DEFAULT' : null;
}

function sameValue(n: number, t: TableFacts, columns: string[], values: string[], what: string): PreCheck {
  const cols = columns.join(', ');
  const how = values.length === 1 ? values[0]! : columns.map((c, i) => `${c}: ${values[i]}`).join('; ');
  return {
    code: CHECK_CODES.duplicates,
    statement: n,
    tables: [key(t)],
    columns: [],
    // Two rows are enough to collide; the count stops there.
    sql: `SELECT COUNT(*) FROM (SELECT 1 AS one FROM ${qt(t)} LIMIT 2) AS existing_rows`,
    read: 'count',
    subject: `duplicates in ${key(t)} (${cols})`,
    judge: (count) =>
      count < 2
        ? { outcome: 'pass', message: `${key(t)} holds ${count === 0 ? 'no row' : 'one row'}: the new (${cols}) cannot repeat a value yet` }
        : {
            outcome: 'fail',
            message:
              `${key(t)}: ADD COLUMN ${cols} gives every existing row (at least 2) the same value (${how}), so ${what} fails with a duplicate-key error ` +
              `after the server has copied the table; add the column without the key (NULL by default), fill in distinct values, then add the key in a change of its own`,
          },
  };
}

function nulls(n: number, t: TableFacts, column: string, what: string): PreCheck {
  return {
    code: CHECK_CODES.nulls,
    statement: n,
    tables: [key(t)],
    columns: cols_(t, [column]),
    sql: `SELECT COUNT(*) FROM ${qt(t)} WHERE ${quoteIdent(column)} IS NULL`,
    read: 'count',
    subject: `NULLs in ${key(t)}.${column}`,
    judge: (count) =>
      count === 0
        ? { outcome: 'pass', message: `${key(t)}.${column} holds no NULL` }
        : {
            outcome: 'fail',
            message:
              `${key(t)}.${column}: ${plural(count, 'row holds', 'rows hold')} NULL, so ${what} fails in strict mode (or silently turns them into the type's zero value outside it); ` +
              `UPDATE ${key(t)} SET ${column} = <value> WHERE ${column} IS NULL first, in its own change`,
          },
  };
}

function narrowing(n: number, t: TableFacts, col: ColumnFacts, to: ColumnDef): PreCheck | null {
  if (to.type.replace(/\s+/g, ' ') === col.columnType) return null;
  const c = quoteIdent(col.name);
  const base = { code: CHECK_CODES.narrowing, statement: n, tables: [key(t)], columns: cols_(t, [col.name]), read: 'count' as const, subject: `values of ${key(t)}.${col.name} against ${to.type}` };
  const fail = (count: number, what: string) => ({
    outcome: 'fail' as const,
    message:
      `${key(t)}.${col.name}: ${plural(count, 'value', 'values')} ${what}, so changing it to ${to.type} fails in strict mode (or cuts them outside it); ` +
      `fix or shorten those rows first, or pick a type that holds them`,
  });
  const pass = () => ({ outcome: 'pass' as const, message: `${key(t)}.${col.name}: every value fits ${to.type}` });

  const length = /^(?:var)?char\((\d+)\)/.exec(to.type);
  if (length && ['varchar', 'char', 'text', 'tinytext', 'mediumtext', 'longtext'].includes(col.dataType)) {
    const max = Number(length[1]);
    if (col.maxChars !== null && col.maxChars <= max) return null;
    return { ...base, sql: `SELECT COUNT(*) FROM ${qt(t)} WHERE CHAR_LENGTH(${c}) > ${max}`, judge: (k) => (k === 0 ? pass() : fail(k, `${k === 1 ? 'is' : 'are'} longer than ${max} characters`)) };
  }
  // An ENUM keeps only the values in its list; the list is written as SQL literals already.
  const list = /^enum\((.*)\)$/s.exec(to.type);
  if (list && ['enum', 'varchar', 'char'].includes(col.dataType)) {
    return {
      ...base,
      sql: `SELECT COUNT(*) FROM ${qt(t)} WHERE ${c} IS NOT NULL AND ${c} NOT IN (${list[1]})`,
      judge: (k) => (k === 0 ? pass() : fail(k, `${k === 1 ? 'is' : 'are'} not in its list`)),
    };
  }
  const numeric = ['tinyint', 'smallint', 'mediumint', 'int', 'bigint', 'decimal', 'float', 'double'];
  if (!numeric.includes(col.dataType)) return null;
  const range = numericRange(to.type);
  if (!range) return null;
  return {
    ...base,
    sql: `SELECT COUNT(*) FROM ${qt(t)} WHERE ${c} < ${range.min} OR ${c} > ${range.max}`,
    judge: (k) => (k === 0 ? pass() : fail(k, `${k === 1 ? 'lies' : 'lie'} outside ${range.min} to ${range.max}`)),
  };
}

/**
 * A DECIMAL column given fewer decimal places (or an integer type): the server rounds the values
 * that have more, without an error even in strict mode (a note at most), so this warns with their
 * number. FLOAT and DOUBLE are left out: their stored values are approximations, which every
 * comparison with a rounded value would count.
 */
function rounding(n: number, t: TableFacts, col: ColumnFacts, to: ColumnDef): PreCheck | null {
  if (col.dataType !== 'decimal') return null;
  const target = INT_BITS[to.dataType] !== undefined ? 0 : to.dataType === 'decimal' ? decimalScale(to.type) : null;
  if (target === null || target >= decimalScale(col.columnType)) return null;
  const c = quoteIdent(col.name);
  const places = `${target} decimal ${target === 1 ? 'place' : 'places'}`;
  return {
    code: CHECK_CODES.narrowing,
    statement: n,
    tables: [key(t)],
    columns: cols_(t, [col.name]),
    sql: `SELECT COUNT(*) FROM ${qt(t)} WHERE ${c} <> ROUND(${c}, ${target})`,
    read: 'count',
    subject: `values of ${key(t)}.${col.name} with more than ${places}`,
    judge: (count) =>
      count === 0
        ? { outcome: 'pass', message: `${key(t)}.${col.name}: no value has more than ${places}` }
        : {
            outcome: 'warn',
            message:
              `${key(t)}.${col.name}: ${plural(count, 'value has', 'values have')} more than ${places}, so changing it to ${to.type} rounds ${count === 1 ? 'it' : 'them'} ` +
              `(the server does so without an error, in strict mode too); keep the scale, or copy the exact values aside in an earlier change`,
          },
  };
}

// The scale of a DECIMAL type as the parser and the server write it (`decimal(10,2)` → 2; `decimal(10)`, `decimal` → 0).
function decimalScale(type: string): number {
  return Number(/^decimal\(\d+,\s*(\d+)\)/.exec(type)?.[1] ?? 0);
}

const INT_BITS: Record<string, number> = { tinyint: 8, smallint: 16, mediumint: 24, int: 32, bigint: 64 };

/** The values an integer or DECIMAL type holds, as SQL literals; null for any other type. */
export function numericRange(type: string): { min: string; max: string } | null {
  const unsigned = /\bunsigned\b/.test(type);
  const int = /^(tinyint|smallint|mediumint|int|bigint)\b/.exec(type);
  if (int) {
    const bits = BigInt(INT_BITS[int[1]!]!);
    return unsigned ? { min: '0', max: String(2n ** bits - 1n) } : { min: String(-(2n ** (bits - 1n))), max: String(2n ** (bits - 1n) - 1n) };
  }
  const dec = /^decimal(?:\((\d+)(?:,\s*(\d+))?\))?/.exec(type);
  if (dec) {
    const p = Number(dec[1] ?? 10);
    const s = Number(dec[2] ?? 0);
    const max = p - s > 0 ? `${'9'.repeat(p - s)}${s > 0 ? `.${'9'.repeat(s)}` : ''}` : `0.${'9'.repeat(s)}`;
    return { min: unsigned ? '0' : `-${max}`, max };
  }
  return null;
}

function orphans(n: number, t: TableFacts, parent: TableFacts, name: string | null, columns: string[], refColumns: string[]): PreCheck {
  const notNull = columns.map((c) => `c.${quoteIdent(c)} IS NOT NULL`).join(' AND ');
  const match = columns.map((c, i) => `p.${quoteIdent(refColumns[i]!)} = c.${quoteIdent(c)}`).join(' AND ');
  const cols = columns.join(', ');
  const fk = name ? `foreign key ${name}` : `the foreign key on (${cols})`;
  return {
    code: CHECK_CODES.orphans,
    statement: n,
    tables: [key(t), key(parent)],
    columns: [...cols_(t, columns), ...cols_(parent, refColumns)],
    sql: `SELECT COUNT(*) FROM ${qt(t)} AS c WHERE ${notNull} AND NOT EXISTS (SELECT 1 FROM ${qt(parent)} AS p WHERE ${match})`,
    read: 'count',
    subject: `rows of ${key(t)} without a match in ${key(parent)}`,
    judge: (count) =>
      count === 0
        ? { outcome: 'pass', message: `${key(t)}: every (${cols}) has its row in ${key(parent)}` }
        : {
            outcome: 'fail',
            message:
              `${key(t)}: ${plural(count, 'row has', 'rows have')} (${cols}) with no match in ${key(parent)} (${refColumns.join(', ')}), so adding ${fk} fails ` +
              `while foreign_key_checks is on; delete or fix those rows first (or point them at existing ${key(parent)} rows)`,
          },
  };
}

function rowsLost(input: CheckInput, t: TableFacts, verb: string, bound: number): PreCheck {
  return {
    code: CHECK_CODES.dataLoss,
    statement: input.statement,
    tables: [key(t)],
    columns: [],
    sql: `SELECT COUNT(*) FROM (SELECT 1 AS one FROM ${qt(t)} LIMIT ${bound}) AS lost`,
    read: 'count',
    subject: `the rows ${verb} removes from ${key(t)}`,
    judge: (count) =>
      count === 0
        ? { outcome: 'pass', message: `${key(t)} is empty: ${verb} loses no rows` }
        : {
            outcome: 'warn',
            message:
              `${key(t)}: ${verb} deletes ${atLeast(count, bound)} ${count === 1 ? 'row' : 'rows'} for good; ` +
              `make sure a snapshot or backup holds them (snapshot: destructive) or copy them aside in an earlier change`,
          },
  };
}

function valuesLost(n: number, t: TableFacts, column: string, bound: number): PreCheck {
  return {
    code: CHECK_CODES.dataLoss,
    statement: n,
    tables: [key(t)],
    columns: cols_(t, [column]),
    sql: `SELECT COUNT(*) FROM (SELECT 1 AS one FROM ${qt(t)} WHERE ${quoteIdent(column)} IS NOT NULL LIMIT ${bound}) AS lost`,
    read: 'count',
    subject: `the values DROP COLUMN removes from ${key(t)}.${column}`,
    judge: (count) =>
      count === 0
        ? { outcome: 'pass', message: `${key(t)}.${column} holds only NULL: DROP COLUMN loses no value` }
        : {
            outcome: 'warn',
            message:
              `${key(t)}.${column}: DROP COLUMN deletes ${atLeast(count, bound)} non-NULL ${count === 1 ? 'value' : 'values'} for good; ` +
              `make sure a snapshot or backup holds them, or stop writing the column and drop it in a later change`,
          },
  };
}

function rowsTouched(input: CheckInput): PreCheck | null {
  const { spec } = input;
  const select = selectOf(spec.text);
  const target = spec.table ? factsOf(input, spec.table) : undefined;
  if (!select || !target) return null;
  const verb = spec.kind === 'update' ? 'UPDATE' : 'DELETE';
  const what = spec.kind === 'update' ? 'changes' : 'deletes';
  return {
    code: CHECK_CODES.rowsTouched,
    statement: input.statement,
    tables: spec.tables.map((r) => factsOf(input, r)).filter((f): f is TableFacts => !!f).map(key),
    columns: [],
    sql: select,
    read: 'explain',
    subject: `how many rows the ${verb} on ${key(target)} reaches`,
    judge: (count) =>
      count === 0
        ? { outcome: 'pass', message: `${key(target)}: the ${verb} reaches no rows, by EXPLAIN's estimate` }
        : {
            outcome: 'warn',
            message:
              `${key(target)}: the ${verb} ${what} about ${thousands(count)} ${count === 1 ? 'row' : 'rows'} (EXPLAIN's estimate; it was not run), ` +
              `holding their row locks until it commits; batch it by primary key ranges when that is more than a few thousand`,
          },
  };
}

/**
 * The SELECT that reads the rows an UPDATE or DELETE reaches: `SELECT 1 FROM <its tables> [WHERE ...]`.
 * EXPLAIN of it needs only SELECT, where EXPLAIN UPDATE needs the UPDATE privilege. Null when the
 * statement's shape is not recognised.
 */
export function selectOf(sql: string): string | null {
  const t = codeTokens(sql);
  const v = verbIndex(t);
  if (v < 0) return null;
  const top = (i: number) => t[i]!.depth === t[v]!.depth;
  const find = (from: number, word: string, ...more: string[]) => {
    for (let i = from; i < t.length; i++) if (top(i) && isWord(t[i], word, ...more)) return i;
    return -1;
  };
  const end = (() => {
    for (let i = t.length - 1; i > v; i--) if (!isPunct(t[i], ';')) return t[i]!.start + t[i]!.text.length;
    return sql.length;
  })();
  const slice = (a: number, b: number) => sql.slice(t[a]!.start, b < t.length ? t[b]!.start : end).trim();
  if (isWord(t[v], 'UPDATE')) {
    let from = v + 1;
    while (isWord(t[from], 'LOW_PRIORITY', 'IGNORE')) from++;
    const to = find(from, 'SET');
    if (to < 0) return null;
    const where = find(to, 'WHERE');
    // The WHERE ends at ORDER BY or LIMIT.
    const order = find(to, 'ORDER', 'LIMIT');
    const rest = where >= 0 ? ` ${slice(where, order > where ? order : t.length)}` : '';
    return `SELECT 1 FROM ${slice(from, to)}${rest}`;
  }
  if (isWord(t[v], 'DELETE')) {
    const f = find(v + 1, 'FROM');
    if (f < 0) return null;
    const using = find(f + 1, 'USING');
    // DELETE a FROM a JOIN b ... and DELETE FROM a USING a JOIN b ...: the FROM (or USING) list is the
    // join, and its WHERE follows; only ORDER BY and LIMIT are left out.
    const from = using >= 0 ? using + 1 : f + 1;
    const to = find(from, 'ORDER', 'LIMIT');
    return `SELECT 1 FROM ${slice(from, to >= 0 ? to : t.length)}`;
  }
  return null;
}

// --- helpers -------------------------------------------------------------------------------------

/** `schema.table` of a reference, with the default schema for an unqualified one. */
export function refKey(ref: TableRef, schema: string): string {
  return `${ref.schema ?? schema}.${ref.name}`;
}

function factsOf(input: CheckInput, ref: TableRef | null): TableFacts | undefined {
  if (!ref) return undefined;
  const k = refKey(ref, input.schema);
  const exact = input.facts.get(k);
  if (exact) return exact;
  const other = caseInsensitiveKey(input.facts, k);
  return other === undefined ? undefined : input.facts.get(other);
}

function columnOf(t: TableFacts, name: string): ColumnFacts | undefined {
  return t.columns.find((c) => c.name.toLowerCase() === name.toLowerCase());
}

function isUniqueAlready(t: TableFacts, column: string): boolean {
  return t.indexes.some((i) => i.unique && i.columns.length === 1 && i.columns[0]!.name?.toLowerCase() === column.toLowerCase() && !i.columns[0]!.prefix);
}

function partList(parts: KeyPart[]): string {
  return parts.map((p) => (p.expression ? `(${p.expression})` : p.prefix ? `${p.name}(${p.prefix})` : p.name)).join(', ');
}

const key = (t: TableFacts) => `${t.schema}.${t.name}`;
const cols_ = (t: TableFacts, names: string[]) => names.map((c) => `${key(t)}#${c}`.toLowerCase());
const qt = (t: TableFacts) => `${quoteIdent(t.schema)}.${quoteIdent(t.name)}`;

function plural(n: number, one: string, many: string): string {
  return `${thousands(n)} ${n === 1 ? one : many}`;
}

function atLeast(count: number, bound: number): string {
  return count >= bound ? `at least ${thousands(bound)}` : thousands(count);
}
