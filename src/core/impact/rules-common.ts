// What the flavours' clause rules share: the ways a clause can run, and how a changed column compares
// with the column it replaces (type, length in bytes, character set, ENUM members, position, nullability).
import type { AlterClause, ColumnDef, DdlSpec } from './ddl.js';
import type { ColumnFacts, ServerFacts, TableFacts } from './types.js';
import { codeTokens } from '../sql/lexer.js';
import { nameOf } from '../lint/syntax.js';
import { quoteIdent } from '../sql/quote.js';

/** One way the server can run a clause. */
export interface Way {
  algorithm: 'instant' | 'inplace' | 'copy';
  lock: 'none' | 'shared' | 'exclusive';
  rebuild: boolean;
}

/** A clause's verdict: the ways the server can run it, best first (null: unknown, or the server refuses it), and why. */
export interface ClauseVerdict {
  ways: Way[] | null;
  reason: string;
}

/** The context a flavour's clause rules read. */
export interface ClauseContext {
  spec: DdlSpec;
  table: TableFacts;
  server: ServerFacts;
  /** All clauses of the statement (some rules depend on a sibling: DROP PRIMARY KEY with ADD PRIMARY KEY). */
  clauses: AlterClause[];
}

/** Order of algorithms, fastest first. */
export const ALGORITHM_RANK = { instant: 0, inplace: 1, copy: 2 } as const;
/** Order of locks, least blocking first. */
export const LOCK_RANK = { none: 0, shared: 1, exclusive: 2 } as const;

/** A table copy: rebuilds, readers go on, writers wait (ALGORITHM=COPY's default LOCK=SHARED). */
export const COPY: Way = { algorithm: 'copy', lock: 'shared', rebuild: true };

/** Ways of a metadata-only clause: instant, or in place without a rebuild, or a copy when forced. */
export function instantWays(inplaceRebuilds: boolean): Way[] {
  return [{ algorithm: 'instant', lock: 'none', rebuild: false }, { algorithm: 'inplace', lock: 'none', rebuild: inplaceRebuilds }, COPY];
}

/** Ways of an in-place clause (not instant), with its lock and whether it rebuilds. */
export function inplaceWays(lock: Way['lock'], rebuild: boolean): Way[] {
  return [{ algorithm: 'inplace', lock, rebuild }, COPY];
}

/** Ways of a clause only a table copy can do. */
export function copyWays(): Way[] {
  return [COPY];
}

/** A verdict. */
export function verdict(ways: Way[] | null, reason: string): ClauseVerdict {
  return { ways, reason };
}

/** A clause that names a column, index or foreign key the table does not have: the server refuses the statement. */
export function missingRefusal(ctx: ClauseContext, what: 'column' | 'index' | 'foreign key', name: string): ClauseVerdict {
  return verdict(null, `${quoteIdent(ctx.table.name)} has no ${what} ${quoteIdent(name)}: the server refuses the statement.`);
}

/**
 * Whether `version` is at least `min` (dotted numbers; suffixes such as `-MariaDB` ignored). A missing
 * part counts as 0 (an RDS engine version `8.0` reads as 8.0.0): the older rules are never less
 * blocking than the newer, so an unknown patch level errs towards warning; a version it cannot read at all
 * is 0.0.0, the oldest rules.
 */
export function atLeast(version: string, min: string): boolean {
  const a = versionParts(version);
  const b = versionParts(min);
  for (let i = 0; i < 3; i++) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  }
  return true;
}

function versionParts(v: string): number[] {
  const m = /^(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(v.trim());
  return m ? [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)] : [];
}


// --- the table ------------------------------------------------------------------------------------

/**
 * The generated columns whose expression reads `column`, leaving out those the same statement drops
 * or redefines: MySQL refuses to rename or drop a column they read, MariaDB to drop it.
 */
export function generatedDependents(ctx: ClauseContext, column: string): string[] {
  const n = column.toLowerCase();
  const touched = new Set<string>();
  for (const c of ctx.clauses) {
    if (c.kind === 'drop-column') touched.add(c.name.toLowerCase());
    else if (c.kind === 'change-column') touched.add(c.from.toLowerCase());
  }
  const reads = (expression: string) =>
    codeTokens(expression).some((t) => (t.type === 'word' || t.type === 'ident') && nameOf(t).toLowerCase() === n);
  return ctx.table.columns
    .filter((c) => c.generation !== undefined && c.name.toLowerCase() !== n && !touched.has(c.name.toLowerCase()) && reads(c.generation))
    .map((c) => c.name);
}

/** The refusal of renaming or dropping a column that generated columns read. */
export function dependencyRefusal(ctx: ClauseContext, column: string, dependents: string[], what: 'rename' | 'drop', says: string): ClauseVerdict {
  const list = dependents.map(quoteIdent).join(', ');
  return verdict(
    null,
    `${quoteIdent(column)} is read by generated column${dependents.length === 1 ? '' : 's'} ${list} of ${quoteIdent(ctx.table.name)}: ` +
      `the server refuses to ${what} it (${says}). Drop or redefine ${dependents.length === 1 ? 'that column' : 'those columns'} first, in an earlier statement.`,
  );
}

/** The table's column named `name` (case-insensitive, as MySQL compares column names). */
export function findColumn(table: TableFacts, name: string): ColumnFacts | undefined {
  const n = name.toLowerCase();
  return table.columns.find((c) => c.name.toLowerCase() === n);
}

/** The table's index named `name` (case-insensitive). */
export function findIndex(table: TableFacts, name: string) {
  const n = name.toLowerCase();
  return table.indexes.find((i) => i.name.toLowerCase() === n);
}

/** Whether any index of the table has the column as a key part. */
export function isIndexed(table: TableFacts, column: string): boolean {
  const n = column.toLowerCase();
  return table.indexes.some((i) => i.columns.some((p) => p.name?.toLowerCase() === n));
}

/** Whether the column is part of the primary key. */
export function inPrimaryKey(table: TableFacts, column: string): boolean {
  const n = column.toLowerCase();
  return table.indexes.some((i) => i.primary && i.columns.some((p) => p.name?.toLowerCase() === n));
}

/** Whether the table has a primary key. */
export function hasPrimaryKey(table: TableFacts): boolean {
  return table.indexes.some((i) => i.primary);
}

/** Whether the table has FTS_DOC_ID (InnoDB's hidden column for FULLTEXT, or a user-defined one): instant ADD/DROP COLUMN stop there. */
export function hasFtsDocId(table: TableFacts): boolean {
  return table.hasFulltext || table.hiddenFtsDocId || table.columns.some((c) => c.name.toUpperCase() === 'FTS_DOC_ID');
}

/** Whether a column is generated (virtual or stored) by its EXTRA. */
export function generatedKind(c: ColumnFacts): 'virtual' | 'stored' | null {
  // MySQL says `VIRTUAL GENERATED` / `STORED GENERATED`; older MariaDB says `PERSISTENT GENERATED`.
  if (/\bvirtual\b/.test(c.extra)) return 'virtual';
  if (/\b(stored|persistent)\b/.test(c.extra)) return 'stored';
  return null;
}

// --- types and character sets --------------------------------------------------------------------

// Bytes per character at most, for the character sets VARCHAR lengths are measured in.
const MB_MAXLEN: Record<string, number> = {
  latin1: 1, latin2: 1, latin5: 1, latin7: 1, ascii: 1, binary: 1, cp1250: 1, cp1251: 1, cp1256: 1, cp1257: 1,
  cp850: 1, cp852: 1, cp866: 1, dec8: 1, greek: 1, hebrew: 1, hp8: 1, keybcs2: 1, koi8r: 1, koi8u: 1, macce: 1,
  macroman: 1, swe7: 1, tis620: 1, armscii8: 1, geostd8: 1,
  ucs2: 2, gbk: 2, big5: 2, sjis: 2, cp932: 2, euckr: 2, gb2312: 2,
  utf8: 3, utf8mb3: 3, ujis: 3, eucjpms: 3,
  utf8mb4: 4, utf16: 4, utf16le: 4, utf32: 4, gb18030: 4,
};

/** Bytes per character at most in `charset`, or undefined for one this table does not know. */
export function mbMaxLen(charset: string | null | undefined): number | undefined {
  return charset ? MB_MAXLEN[charset.toLowerCase()] : undefined;
}

/** The character set a collation belongs to (its name's first part), or null. */
export function charsetOfCollation(collation: string | null): string | null {
  if (!collation) return null;
  const c = collation.toLowerCase();
  if (c === 'binary') return 'binary';
  // utf8mb4_0900_ai_ci, utf8mb3_general_ci, utf8_general_ci, uca1400_ai_ci (MariaDB 11: charset-less).
  const m = /^([a-z0-9]+?)_/.exec(c);
  if (!m || m[1] === 'uca1400') return null;
  return m[1] === 'utf8' ? 'utf8mb3' : m[1]!;
}

/** A character set's name as the server reports it now: `utf8` is `utf8mb3`. */
export function canonicalCharset(charset: string | null | undefined): string | null {
  if (!charset) return null;
  const c = charset.toLowerCase();
  return c === 'utf8' ? 'utf8mb3' : c;
}

/** Whether a data type holds characters (and so has a character set). */
export function isStringType(dataType: string): boolean {
  return ['char', 'varchar', 'tinytext', 'text', 'mediumtext', 'longtext', 'enum', 'set'].includes(dataType.toLowerCase());
}

/**
 * A column type in one spelling for comparison: lower case, integer display widths dropped (MySQL 8.0.19+
 * prints `int`, MariaDB `int(11)`; storage is the same), implied lengths written out.
 */
export function normalizeType(type: string): string {
  let t = type.toLowerCase().replace(/\s+/g, ' ').trim();
  t = t.replace(/^(tinyint|smallint|mediumint|int|integer|bigint)\(\d+\)/, '$1').replace(/^integer\b/, 'int');
  if (/^(decimal|numeric)( |$)/.test(t)) t = t.replace(/^(decimal|numeric)/, 'decimal(10,0)');
  t = t.replace(/^(decimal|numeric)\((\d+)\)/, 'decimal($2,0)');
  if (/^(char|binary|bit)( |$)/.test(t)) t = t.replace(/^(char|binary|bit)/, '$1(1)');
  t = t.replace(/^year\(4\)/, 'year');
  t = t.replace(/^(datetime|timestamp|time)\(0\)/, '$1');
  return t;
}

/** The length in characters of `varchar(N)` / `char(N)` / `varbinary(N)`, or null. */
export function declaredLength(type: string): number | null {
  const m = /^(?:var)?(?:char|binary)\((\d+)\)/.exec(type.toLowerCase());
  return m ? Number(m[1]) : null;
}

/** ENUM or SET members as written, or null for other types. */
export function members(type: string): string[] | null {
  const m = /^(enum|set)\((.*)\)$/s.exec(type.trim());
  if (!m) return null;
  const out: string[] = [];
  const body = m[2]!;
  let i = 0;
  while (i < body.length) {
    if (body[i] !== "'") {
      i++;
      continue;
    }
    let j = i + 1;
    let v = '';
    while (j < body.length) {
      if (body[j] === "'" && body[j + 1] === "'") {
        v += "'";
        j += 2;
      } else if (body[j] === '\\' && j + 1 < body.length) {
        v += body[j + 1];
        j += 2;
      } else if (body[j] === "'") break;
      else v += body[j++];
    }
    out.push(v);
    i = j + 1;
  }
  return out;
}

// --- a changed column ----------------------------------------------------------------------------

/** How CHANGE/MODIFY's new definition differs from the column it replaces. */
export interface ColumnChange {
  old: ColumnFacts;
  renamed: boolean;
  /** Whether its position among the columns changes. */
  reordered: boolean;
  /** `same`: type, character set and collation unchanged. */
  type:
    | { kind: 'same' }
    | { kind: 'varchar-longer'; oldBytes: number; newBytes: number }
    | { kind: 'enum-append'; sameStorage: boolean }
    | { kind: 'charset'; from: string; to: string; lengthBytesSame: boolean }
    | { kind: 'collation' }
    | { kind: 'other' };
  nullability: 'same' | 'to-not-null' | 'to-null';
  /** The new definition adds, drops or changes AUTO_INCREMENT, or a generation expression. */
  special: 'auto-increment' | 'generated' | null;
}

/** Compares CHANGE/MODIFY's new definition with the column on the table; undefined when the column is not there. */
export function columnChange(table: TableFacts, from: string, col: ColumnDef, position: { first: true } | { after: string } | null): ColumnChange | undefined {
  const old = findColumn(table, from);
  if (!old) return undefined;
  const renamed = old.name !== col.name;
  const reordered = isReordered(table, old, position);
  const oldNullable = old.nullable;
  // An unstated NULL means nullable, except in the primary key, whose columns are NOT NULL.
  const newNullable = col.nullable ?? (col.primaryKey || inPrimaryKey(table, old.name) ? false : col.dataType === 'timestamp' ? oldNullable : true);
  const nullability = oldNullable === newNullable ? 'same' : newNullable ? 'to-null' : 'to-not-null';
  const oldAuto = old.extra.includes('auto_increment');
  const special = oldAuto !== col.autoIncrement ? 'auto-increment' : generatedKind(old) !== null || col.generated !== null ? 'generated' : null;
  return { old, renamed, reordered, type: typeChange(table, old, col), nullability, special };
}

function isReordered(table: TableFacts, old: ColumnFacts, position: { first: true } | { after: string } | null): boolean {
  if (!position) return false;
  const ordered = [...table.columns].sort((a, b) => a.position - b.position);
  const at = ordered.findIndex((c) => c.name === old.name);
  if ('first' in position) return at !== 0;
  const before = ordered[at - 1];
  return !before || before.name.toLowerCase() !== position.after.toLowerCase();
}

/** The character set a new string column definition gets: stated, its collation's, else the table's default. */
export function newCharset(table: TableFacts, col: ColumnDef): string | null {
  return canonicalCharset(col.charset ?? charsetOfCollation(col.collation) ?? table.charset);
}

function typeChange(table: TableFacts, old: ColumnFacts, col: ColumnDef): ColumnChange['type'] {
  const oldType = normalizeType(old.columnType);
  const newType = normalizeType(col.type);
  const stringType = isStringType(col.dataType) && isStringType(old.dataType);
  const oldCs = canonicalCharset(old.charset);
  const newCs = stringType ? newCharset(table, col) : oldCs;
  const charsetSame = !stringType || oldCs === newCs;
  let collationSame = true;
  if (stringType && charsetSame) {
    // Unstated, the collation is the table's when the character set is the table's; else the set's default (assumed kept).
    const wanted = col.collation?.toLowerCase() ?? (newCs === canonicalCharset(table.charset) ? table.collation.toLowerCase() : old.collation?.toLowerCase());
    // A model of a planned table may not know collations: unknown on either side is taken as unchanged.
    collationSame = !wanted || !old.collation || wanted === old.collation.toLowerCase();
  }
  if (oldType === newType) {
    if (charsetSame && collationSame) return { kind: 'same' };
    if (!charsetSame && oldCs && newCs) {
      const len = declaredLength(oldType);
      const a = mbMaxLen(oldCs);
      const b = mbMaxLen(newCs);
      const lengthBytesSame = len !== null && a !== undefined && b !== undefined ? len * a <= 255 === len * b <= 255 : col.dataType !== 'varchar';
      return { kind: 'charset', from: oldCs, to: newCs, lengthBytesSame };
    }
    return charsetSame ? { kind: 'collation' } : { kind: 'other' };
  }
  if (!charsetSame || !collationSame) return { kind: 'other' };
  if (old.dataType === 'varchar' && col.dataType === 'varchar') {
    const oldLen = declaredLength(oldType);
    const newLen = declaredLength(newType);
    const mb = mbMaxLen(newCs);
    if (oldLen !== null && newLen !== null && mb !== undefined && newLen > oldLen) {
      return { kind: 'varchar-longer', oldBytes: old.maxBytes ?? oldLen * mb, newBytes: newLen * mb };
    }
    return { kind: 'other' };
  }
  if (old.dataType === 'varbinary' && col.dataType === 'varbinary') {
    const oldLen = declaredLength(oldType);
    const newLen = declaredLength(newType);
    if (oldLen !== null && newLen !== null && newLen > oldLen) return { kind: 'varchar-longer', oldBytes: oldLen, newBytes: newLen };
    return { kind: 'other' };
  }
  const a = members(oldType);
  const b = members(newType);
  if (a && b && old.dataType === col.dataType && b.length > a.length && a.every((m, i) => b[i] === m)) {
    const sameStorage = old.dataType === 'enum' ? a.length <= 255 === b.length <= 255 : setBytes(a.length) === setBytes(b.length);
    return { kind: 'enum-append', sameStorage };
  }
  return { kind: 'other' };
}

function setBytes(n: number): number {
  // 1, 2, 3 or 4 bytes, then 8 (SET has at most 64 members).
  const bytes = Math.ceil(n / 8);
  return bytes > 4 ? 8 : bytes;
}

/** Whether a table option (`NAME=value`) only changes metadata on both servers (in place on MySQL, instant on MariaDB). */
export function isMetadataOption(option: string): boolean {
  return /^(STATS_PERSISTENT|STATS_AUTO_RECALC|STATS_SAMPLE_PAGES|MAX_ROWS|MIN_ROWS|AVG_ROW_LENGTH|PACK_KEYS|CHECKSUM|TABLE_CHECKSUM|DELAY_KEY_WRITE)=/.test(option);
}

/** Whether a DEFAULT expression is a timestamp function (which ADD COLUMN treats like a literal) rather than a general expression. */
export function isTimestampDefault(text: string): boolean {
  return /^(current_timestamp|now|localtime|localtimestamp)\s*(\(\s*\d*\s*\))?$/i.test(text.trim());
}

/**
 * Whether an expression calls a function MySQL deems nondeterministic (unsafe for the binary log), which it
 * refuses in a DEFAULT added by ALTER TABLE. The statement's clock (NOW(), UNIX_TIMESTAMP(), ...) and
 * CONNECTION_ID() replicate with the statement, so MySQL accepts them (and copies the table).
 */
export function isNondeterministic(text: string): boolean {
  return /\b(rand|uuid|uuid_short|sysdate|current_user|session_user|system_user|user|version|found_rows|row_count|last_insert_id|load_file|sleep|get_lock|is_free_lock|is_used_lock|release_lock|master_pos_wait|source_pos_wait)\s*\(/i.test(text);
}

/**
 * Why a DEFAULT expression of an added column has to be computed row by row, which MariaDB only does
 * with a table copy: it reads a column (of the table, or one the statement adds), or it calls a function
 * MariaDB deems nondeterministic (UUID(), UUID_SHORT(), SYS_GUID(), SYSDATE(); each seen copying on
 * 10.11, while RAND(), USER() and the statement's clock are added instantly). Null when neither.
 */
export function perRowDefault(text: string, ctx: ClauseContext): string | null {
  const names = new Set(ctx.table.columns.map((c) => c.name.toLowerCase()));
  for (const c of ctx.clauses) if (c.kind === 'add-column') names.add(c.column.name.toLowerCase());
  const tokens = codeTokens(text);
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.type !== 'word' && t.type !== 'ident') continue;
    const call = tokens[i + 1]?.type === 'punct' && tokens[i + 1]!.text === '(';
    const name = nameOf(t);
    if (call && t.type === 'word' && /^(uuid|uuid_short|sys_guid|sysdate)$/i.test(name)) return `calls ${name.toUpperCase()}()`;
    if (!call && (t.type === 'ident' || names.has(name.toLowerCase()))) return `reads column ${quoteIdent(name)}`;
  }
  return null;
}

/**
 * Whether `column` is the first column of a key once the statement has run (InnoDB keeps an
 * AUTO_INCREMENT column only there): an index the statement keeps, one it adds, or an inline key.
 */
export function keyStartsWith(ctx: ClauseContext, column: string): boolean {
  const n = column.toLowerCase();
  const dropped = new Set<string>();
  let primaryDropped = false;
  for (const c of ctx.clauses) {
    if (c.kind === 'drop-index' || c.kind === 'drop-constraint') dropped.add(c.name.toLowerCase());
    if (c.kind === 'drop-primary-key') primaryDropped = true;
    if (c.kind === 'add-index' && c.index.columns[0]?.name?.toLowerCase() === n) return true;
    if (c.kind === 'change-column' && c.column.name.toLowerCase() === n && (c.column.primaryKey || c.column.unique)) return true;
  }
  return ctx.table.indexes.some((i) => {
    if (i.primary ? primaryDropped || dropped.has('primary') : dropped.has(i.name.toLowerCase())) return false;
    return i.columns[0]?.name?.toLowerCase() === n;
  });
}

/** The table's AUTO_INCREMENT column as it is after the statement (null when none, or when the statement drops it or takes AUTO_INCREMENT off it). */
export function autoIncrementAfter(ctx: ClauseContext): ColumnFacts | null {
  const auto = ctx.table.columns.find((c) => c.extra.includes('auto_increment'));
  if (!auto) return null;
  const n = auto.name.toLowerCase();
  for (const c of ctx.clauses) {
    if (c.kind === 'drop-column' && c.name.toLowerCase() === n) return null;
    if (c.kind === 'change-column' && c.from.toLowerCase() === n && !c.column.autoIncrement) return null;
  }
  return auto;
}
