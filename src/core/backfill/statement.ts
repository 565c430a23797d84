// A batched statement: its marker, whether it can be cut into key ranges safely, and its text with a
// key range added. A batch is the statement itself restricted to `key > last AND key <= next`, so
// every row it touches is one the whole statement would touch, and no row is touched by two batches.
import { codeTokens, type Token } from '../sql/lexer.js';
import { isPunct, isWord } from '../lint/syntax.js';
import { quoteIdent } from '../sql/quote.js';
import type { Statement } from '../types.js';

/** The marker's options, as written. */
export interface BatchMarker {
  /** First batch size (`rows=`). */
  rows?: number;
  /** Key columns to walk (`key=a,b`); absent: the table's primary key. */
  key?: string[];
  /** Seconds to wait between batches (`sleep=`). */
  sleep?: number;
}

const MARKER = /^--\s*changegate:batch\b(.*)$/;

/**
 * The `-- changegate:batch` marker on the comment line right before the statement: its options, or
 * the reason it cannot be read; null when the statement has no marker.
 */
export function batchMarker(stmt: Pick<Statement, 'leadingComments'>): BatchMarker | { error: string } | null {
  const lines = (stmt.leadingComments ?? '').split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const last = lines[lines.length - 1];
  const m = last === undefined ? null : MARKER.exec(last);
  if (!m) {
    return lines.some((l) => MARKER.test(l)) ? { error: 'the -- changegate:batch marker must be the comment line right before the statement' } : null;
  }
  const out: BatchMarker = {};
  for (const opt of m[1]!.trim().split(/\s+/).filter(Boolean)) {
    const kv = /^(rows|key|sleep)=(.+)$/.exec(opt);
    if (!kv) return { error: `unknown option "${opt}" in the -- changegate:batch marker; it takes rows=N, key=col[,col] and sleep=SECONDS` };
    const [, name, value] = kv;
    if (name === 'rows') {
      if (!/^[1-9]\d{0,6}$/.test(value!)) return { error: `rows=${value} must be a whole number from 1 to 9999999` };
      out.rows = Number(value);
    } else if (name === 'sleep') {
      if (!/^\d+(\.\d+)?$/.test(value!) || Number(value) > 3600) return { error: `sleep=${value} must be a number of seconds from 0 to 3600` };
      out.sleep = Number(value);
    } else {
      const cols = value!.split(',').map((c) => c.replace(/^`|`$/g, ''));
      if (cols.some((c) => !/^[A-Za-z0-9_$]{1,64}$/.test(c))) return { error: `key=${value} must name columns: key=col or key=col1,col2` };
      out.key = cols;
    }
  }
  return out;
}

/** How a batchable statement is cut: the table it walks and where a key range goes in its text. */
export interface BatchShape {
  kind: 'update' | 'delete' | 'insert-select';
  /** The table whose key is walked (the source of an INSERT ... SELECT), unqualified, and its schema if written. */
  table: { schema: string | null; name: string };
  /** The name the statement uses for that table: its alias, else its name. */
  qualifier: string;
  /** Columns an UPDATE's SET assigns, lower case. */
  assigns: string[];
  /** Offsets in the text: the WHERE condition's start and end, or where to add a WHERE (both equal, `where: false`). */
  condStart: number;
  condEnd: number;
  where: boolean;
}

/**
 * Reads a statement as a batchable one, or says why it cannot be batched: a single-table UPDATE or
 * DELETE, or INSERT ... SELECT from one table, without ORDER BY, LIMIT, GROUP BY or a UNION.
 */
export function batchShape(sql: string): BatchShape | { error: string } {
  const text = sql.replace(/;\s*$/, '');
  const t = codeTokens(text);
  const top = (k: number) => t[k]!.depth === 0;
  const find = (from: number, word: string, ...more: string[]) => {
    for (let k = from; k < t.length; k++) if (top(k) && isWord(t[k], word, ...more)) return k;
    return -1;
  };
  const verb = t[0];
  if (!verb || !isWord(verb, 'UPDATE', 'DELETE', 'INSERT')) {
    return { error: 'only a single-table UPDATE or DELETE, or INSERT ... SELECT from one table, can be batched' };
  }
  const ordered = find(0, 'ORDER', 'LIMIT');
  if (ordered >= 0 && !isWord(verb, 'INSERT')) return { error: `it has ${t[ordered]!.value === 'ORDER' ? 'ORDER BY' : 'LIMIT'}: batches walk the key in order and cover every row the statement reaches; remove it` };
  let k = 1;
  while (isWord(t[k], 'LOW_PRIORITY', 'QUICK', 'IGNORE', 'DELAYED', 'HIGH_PRIORITY')) k++;
  if (isWord(verb, 'UPDATE')) {
    const name = tableAt(t, k);
    if (!name) return { error: 'the table to update cannot be read' };
    const set = find(name.next, 'SET');
    if (set < 0) return { error: 'an UPDATE without SET cannot be read' };
    const alias = aliasAt(t, name.next, set);
    if (alias === undefined) return { error: 'a multi-table UPDATE cannot be batched: batch the table it changes with a single-table UPDATE' };
    const where = find(set, 'WHERE');
    return shape('update', text, t, name.ref, alias, where, assignments(t, set + 1, where < 0 ? t.length : where));
  }
  if (isWord(verb, 'DELETE')) {
    if (!isWord(t[k], 'FROM')) return { error: 'a multi-table DELETE cannot be batched: batch the table it deletes from with DELETE FROM that table' };
    const name = tableAt(t, k + 1);
    if (!name) return { error: 'the table to delete from cannot be read' };
    const where = find(name.next, 'WHERE');
    const alias = aliasAt(t, name.next, where < 0 ? t.length : where);
    if (alias === undefined || find(name.next, 'USING') >= 0) return { error: 'a multi-table DELETE cannot be batched: batch the table it deletes from with DELETE FROM that table' };
    return shape('delete', text, t, name.ref, alias, where, []);
  }
  // INSERT [INTO] t [(cols)] SELECT ... FROM src [alias] [WHERE ...] [ON DUPLICATE KEY UPDATE ...]
  const select = find(k, 'SELECT');
  if (select < 0) return { error: 'INSERT ... VALUES has no source table to walk; only INSERT ... SELECT from one table can be batched' };
  const dup = find(select, 'ON');
  const end = dup >= 0 ? dup : t.length;
  for (let j = select; j < end; j++) {
    if (top(j) && isWord(t[j], 'UNION', 'GROUP', 'HAVING', 'ORDER', 'LIMIT', 'JOIN', 'WINDOW')) {
      const what = t[j]!.value === 'GROUP' ? 'GROUP BY' : t[j]!.value === 'ORDER' ? 'ORDER BY' : t[j]!.value;
      return { error: `its SELECT has ${what}: only a plain SELECT from one table can be batched over that table's key` };
    }
  }
  const from = find(select, 'FROM');
  const name = from < 0 || from > end ? undefined : tableAt(t, from + 1);
  if (!name) return { error: 'the SELECT of an INSERT ... SELECT must read one table to be batched' };
  const where = (() => {
    const w = find(name.next, 'WHERE');
    return w >= 0 && w < end ? w : -1;
  })();
  const alias = aliasAt(t, name.next, where >= 0 ? where : end);
  if (alias === undefined) return { error: 'the SELECT of an INSERT ... SELECT must read one table to be batched' };
  const s = shape('insert-select', text, t, name.ref, alias, where, []);
  if (dup >= 0) {
    s.condEnd = t[dup]!.start;
    if (!s.where) s.condStart = s.condEnd;
  }
  return s;
}

function shape(
  kind: BatchShape['kind'], text: string, t: Token[], ref: { schema: string | null; name: string }, alias: string | null, where: number, assigns: string[],
): BatchShape {
  const end = text.trimEnd().length;
  if (where < 0) return { kind, table: ref, qualifier: alias ?? ref.name, assigns, condStart: end, condEnd: end, where: false };
  const from = t[where + 1];
  return { kind, table: ref, qualifier: alias ?? ref.name, assigns, condStart: from ? from.start : end, condEnd: end, where: true };
}

// `name` or `schema.name` at k.
function tableAt(t: Token[], k: number): { ref: { schema: string | null; name: string }; next: number } | undefined {
  const a = t[k];
  if (!a || (a.type !== 'word' && a.type !== 'ident')) return undefined;
  if (isPunct(t[k + 1], '.') && t[k + 2] && (t[k + 2]!.type === 'word' || t[k + 2]!.type === 'ident')) {
    return { ref: { schema: nameOf(a), name: nameOf(t[k + 2]!) }, next: k + 3 };
  }
  return { ref: { schema: null, name: nameOf(a) }, next: k + 1 };
}

// A name as written: a word's value is upper-cased, an identifier's has its backticks removed.
function nameOf(t: Token): string {
  return t.type === 'ident' ? t.value : t.text;
}

// The alias between a table name (k) and `end`: null for none, undefined when something else is
// there (a comma, a JOIN: another table).
function aliasAt(t: Token[], k: number, end: number): string | null | undefined {
  if (k >= end) return null;
  let j = k;
  if (isWord(t[j], 'AS')) j++;
  const a = t[j];
  if (j + 1 === end && a && (a.type === 'ident' || (a.type === 'word' && !isWord(a, 'JOIN', 'STRAIGHT_JOIN', 'LEFT', 'RIGHT', 'INNER', 'CROSS', 'NATURAL')))) return nameOf(a);
  return undefined;
}

// The columns an UPDATE's SET list assigns, lower case, without a table qualifier.
function assignments(t: Token[], from: number, to: number): string[] {
  const out: string[] = [];
  let start = from;
  for (let k = from; k <= to; k++) {
    if (k === to || (t[k]!.depth === 0 && isPunct(t[k], ','))) {
      const eq = t.slice(start, k).findIndex((x) => x.depth === 0 && isPunct(x, '='));
      if (eq > 0) out.push(nameOf(t[start + eq - 1]!).toLowerCase());
      start = k + 1;
    }
  }
  return out;
}

/** A key value as a SQL literal: digits as they are for a numeric column, else a quoted string. */
export function keyLiteral(value: string, numeric: boolean): string {
  if (numeric && /^-?\d+(\.\d+)?(e[-+]?\d+)?$/i.test(value)) return value;
  // Hex keeps a backslash or a quote from meaning anything, whatever the sql_mode's escaping.
  return /^[\x20-\x26\x28-\x5b\x5d-\x7e]*$/.test(value) ? `'${value}'` : `CONVERT(X'${Buffer.from(value, 'utf8').toString('hex')}' USING utf8mb4)`;
}

/** The key columns with their kind: what a range over them needs. */
export interface KeyColumns {
  names: string[];
  numeric: boolean[];
}

// `(a, b) > (x, y)` spelled out, which every server's range optimiser reads: a > x OR (a = x AND b > y).
function after(q: string, key: KeyColumns, values: string[], inclusive: boolean, op: '>' | '<'): string {
  const col = (i: number) => `${quoteIdent(q)}.${quoteIdent(key.names[i]!)}`;
  const lit = (i: number) => keyLiteral(values[i]!, key.numeric[i]!);
  const parts: string[] = [];
  for (let i = 0; i < key.names.length; i++) {
    const eqs = Array.from({ length: i }, (_, j) => `${col(j)} = ${lit(j)}`);
    const last = i === key.names.length - 1;
    eqs.push(`${col(i)} ${op}${last && inclusive ? '=' : ''} ${lit(i)}`);
    parts.push(eqs.length === 1 ? eqs[0]! : `(${eqs.join(' AND ')})`);
  }
  return parts.length === 1 ? parts[0]! : `(${parts.join(' OR ')})`;
}

/** `key > last AND key <= next` over the (composite) key, for the table as the statement names it. */
export function keyRange(q: string, key: KeyColumns, last: string[] | null, next: string[] | null): string {
  const parts: string[] = [];
  if (last) parts.push(after(q, key, last, false, '>'));
  if (next) parts.push(after(q, key, next, true, '<'));
  return parts.length === 0 ? '1 = 1' : parts.join(' AND ');
}

/** The statement restricted to a key range. */
export function batchSql(sql: string, s: BatchShape, range: string): string {
  const text = sql.replace(/;\s*$/, '').trimEnd();
  if (!s.where) return `${text.slice(0, s.condStart).trimEnd()} WHERE ${range}${s.condEnd < text.length ? ' ' + text.slice(s.condEnd) : ''}`;
  return `${text.slice(0, s.condStart)}(${text.slice(s.condStart, s.condEnd).trim()}) AND ${range}${s.condEnd < text.length ? ' ' + text.slice(s.condEnd) : ''}`;
}

/**
 * The query that reads the next batch's upper bound: the key of the `rows`-th row after `last`
 * under the statement's own condition, in key order; as strings, so that no value changes on its
 * way through the driver. No row: fewer than `rows` remain (then `lastRowSql` finds the end).
 */
export function boundSql(sql: string, s: BatchShape, key: KeyColumns, last: string[] | null, rows: number): string {
  return `${selectKeys(sql, s, key, last)} LIMIT 1 OFFSET ${rows - 1}`;
}

/** The key of the last row after `last` under the statement's condition: the end of the walk. */
export function lastRowSql(sql: string, s: BatchShape, key: KeyColumns, last: string[] | null): string {
  return selectKeys(sql, s, key, last, 'DESC') + ' LIMIT 1';
}

function selectKeys(sql: string, s: BatchShape, key: KeyColumns, last: string[] | null, dir: 'ASC' | 'DESC' = 'ASC'): string {
  const text = sql.replace(/;\s*$/, '').trimEnd();
  const table = `${s.table.schema ? quoteIdent(s.table.schema) + '.' : ''}${quoteIdent(s.table.name)}`;
  const q = quoteIdent(s.qualifier);
  const cond = s.where ? `(${text.slice(s.condStart, s.condEnd).trim()})` : '1 = 1';
  const range = last ? ` AND ${keyRange(s.qualifier, key, last, null)}` : '';
  const cols = key.names.map((n) => `CAST(${q}.${quoteIdent(n)} AS CHAR)`).join(', ');
  const order = key.names.map((n) => `${q}.${quoteIdent(n)} ${dir}`).join(', ');
  return `SELECT ${cols} FROM ${table} AS ${q} WHERE ${cond}${range} ORDER BY ${order}`;
}
