// What one statement asks of a table, parsed from its text: the input of the impact rules, the plan's
// model and the pre-checks. Only what those need is kept; a clause this parser does not understand is
// kept as `unknown` with its text, so the rules can say "unknown" instead of guessing.
import { codeTokens, type Token } from '../sql/lexer.js';
import { closeParen, isName, isPunct, isWord, nameOf } from '../lint/syntax.js';
import { readRef, structureOf, type Structure, type TableRef } from '../sql/structure.js';

/** A table named by a statement, as the shared structure reads it. */
export type { TableRef } from '../sql/structure.js';

/**
 * A column's DEFAULT: a literal (text as written, strings unquoted), an expression (`(...)`, or a
 * function such as CURRENT_TIMESTAMP, text as written), or NULL.
 */
export type ColumnDefault =
  | { kind: 'literal'; text: string }
  | { kind: 'expression'; text: string }
  | { kind: 'null' };

/** A column definition as written in ADD/CHANGE/MODIFY COLUMN or CREATE TABLE. */
export interface ColumnDef {
  name: string;
  /** The full type, lower case, spacing normalised: `varchar(20)`, `int unsigned`, `enum('a','b')`, `decimal(10,2)`. */
  type: string;
  /** The base type word, lower case: `varchar`, `int`, `enum`, `json`. */
  dataType: string;
  /** `NOT NULL` → false, `NULL` → true, not stated → null (nullable unless PRIMARY KEY). */
  nullable: boolean | null;
  default: ColumnDefault | null;
  generated: { kind: 'virtual' | 'stored'; expression: string } | null;
  autoIncrement: boolean;
  charset: string | null;
  collation: string | null;
  comment: string | null;
  /** Inline `PRIMARY KEY` / `UNIQUE` on the column. */
  primaryKey: boolean;
  unique: boolean;
  /** Inline `INVISIBLE` (MySQL 8.0.23+, MariaDB 10.3+). */
  invisible: boolean;
  /** `ON UPDATE CURRENT_TIMESTAMP` and other inline attributes this parser keeps only as text. */
  onUpdate: string | null;
}

/** Where ADD/CHANGE/MODIFY puts a column: `FIRST`, `AFTER col`, or unstated (last, or where it was). */
export type ColumnPosition = { first: true } | { after: string } | null;

/** One key part of an index: a column (with its prefix length in characters) or a functional expression. */
export interface KeyPart {
  name: string | null;
  prefix: number | null;
  expression?: string;
  desc?: boolean;
}

/** An index definition as written in ADD INDEX, CREATE INDEX or CREATE TABLE. */
export interface IndexDef {
  /** null when unnamed (the server names it after its first column) or for PRIMARY. */
  name: string | null;
  kind: 'primary' | 'unique' | 'index' | 'fulltext' | 'spatial';
  columns: KeyPart[];
  /** `USING BTREE|HASH`, upper case, or null. */
  using: string | null;
  invisible: boolean;
}

/** A foreign key as written in ADD [CONSTRAINT name] FOREIGN KEY or CREATE TABLE. */
export interface ForeignKeyDef {
  name: string | null;
  columns: string[];
  refTable: TableRef;
  refColumns: string[];
  onDelete: string | null;
  onUpdate: string | null;
}

/** Table options (ALTER TABLE t ENGINE=..., CREATE TABLE (...) options); unstated ones are absent. */
export interface TableOptions {
  engine?: string;
  /** Lower case: `dynamic`, `compact`, `redundant`, `compressed`, `default`. */
  rowFormat?: string;
  autoIncrement?: number;
  comment?: string;
  charset?: string;
  collation?: string;
  keyBlockSize?: number;
  /** Other options (`STATS_PERSISTENT=1`, `PAGE_COMPRESSED=1`...), upper-cased name = value text. */
  other?: string[];
}

/** One clause of an ALTER TABLE (CREATE/DROP INDEX are parsed into the same clauses). */
export type AlterClause =
  | { kind: 'add-column'; column: ColumnDef; position: ColumnPosition }
  | { kind: 'drop-column'; name: string }
  | { kind: 'rename-column'; from: string; to: string }
  /** CHANGE old new-def, or MODIFY def (then `from` equals `column.name`). */
  | { kind: 'change-column'; from: string; column: ColumnDef; position: ColumnPosition; modify: boolean }
  /** ALTER COLUMN c SET DEFAULT x (`default` set) or DROP DEFAULT (`default` null). */
  | { kind: 'alter-column-default'; name: string; default: ColumnDefault | null }
  | { kind: 'alter-column-visibility'; name: string; visible: boolean }
  | { kind: 'add-index'; index: IndexDef }
  | { kind: 'drop-index'; name: string }
  | { kind: 'drop-primary-key' }
  | { kind: 'rename-index'; from: string; to: string }
  | { kind: 'alter-index-visibility'; name: string; visible: boolean }
  | { kind: 'add-foreign-key'; foreignKey: ForeignKeyDef }
  | { kind: 'drop-foreign-key'; name: string }
  | { kind: 'add-check'; name: string | null; expression: string }
  | { kind: 'drop-check'; name: string }
  /** DROP CONSTRAINT name: a CHECK, a FOREIGN KEY or a UNIQUE key, as the table's facts tell. */
  | { kind: 'drop-constraint'; name: string }
  | { kind: 'table-options'; options: TableOptions }
  | { kind: 'convert-charset'; charset: string; collation: string | null }
  | { kind: 'force' }
  | { kind: 'rename-table'; to: TableRef }
  | { kind: 'partition'; text: string }
  | { kind: 'unknown'; text: string };

/** What kind of statement a DdlSpec describes. */
export type DdlKind =
  | 'alter-table'
  | 'create-index'
  | 'drop-index'
  | 'optimize-table'
  | 'create-table'
  | 'drop-table'
  | 'truncate'
  | 'rename-table'
  | 'update'
  | 'delete'
  | 'other';

/** A stated ALGORITHM=, lower case (`nocopy` is MariaDB's). */
export type StatedAlgorithm = 'default' | 'instant' | 'inplace' | 'nocopy' | 'copy';
/** A stated LOCK=, lower case. */
export type StatedLock = 'default' | 'none' | 'shared' | 'exclusive';

/** CREATE TABLE's parts: its elements as ADD clauses (add-column, add-index, add-foreign-key, add-check). */
export interface CreateTableSpec {
  elements: AlterClause[];
  options: TableOptions;
  /** CREATE TABLE t LIKE src. */
  like: TableRef | null;
  /** CREATE TABLE t [(...)] [AS] SELECT ... — rows come from the query. */
  asSelect: boolean;
  ifNotExists: boolean;
  temporary: boolean;
}

/** One statement parsed for impact: what it touches and how. */
export interface DdlSpec {
  kind: DdlKind;
  /** The table the statement acts on (the first, for statements naming several); null for `other`. */
  table: TableRef | null;
  /** Every table the statement names as a target: DROP TABLE a, b; RENAME TABLE a TO b (sources); multi-table UPDATE/DELETE. */
  tables: TableRef[];
  /** ALTER TABLE's clauses; CREATE INDEX → one add-index, DROP INDEX → one drop-index (or drop-primary-key). */
  clauses: AlterClause[];
  /** ALGORITHM= as stated, or null. */
  algorithm: StatedAlgorithm | null;
  /** LOCK= as stated, or null. */
  lock: StatedLock | null;
  /** CREATE TABLE's definition; null otherwise. */
  create: CreateTableSpec | null;
  /** RENAME TABLE a TO b, c TO d (and ALTER TABLE ... RENAME TO). */
  renames: { from: TableRef; to: TableRef }[];
  /** DROP TABLE IF EXISTS / CREATE TABLE IF NOT EXISTS. */
  ifExists: boolean;
  /** `ALTER ONLINE TABLE`: MariaDB's spelling of LOCK=NONE (also set in `lock`); MySQL refuses the syntax. */
  online: boolean;
  /** The statement's text. */
  text: string;
}


/** Parses one statement's text; null for text with no statement (blank or comments only). */
export function parseDdl(sql: string): DdlSpec | null {
  const tokens = codeTokens(sql);
  if (tokens.length === 0) return null;
  return new Parser(sql, tokens).statement();
}

/** Every table a spec names (its target, the others of a multi-table statement, a LIKE source and a rename's target). */
export function tablesOf(spec: DdlSpec): TableRef[] {
  const out: TableRef[] = [];
  const add = (r: TableRef | null | undefined): void => {
    if (r && !out.some((o) => o.schema === r.schema && o.name === r.name)) out.push(r);
  };
  add(spec.table);
  spec.tables.forEach(add);
  add(spec.create?.like);
  return out;
}

// ---------------------------------------------------------------------------------------------------

const TYPE_ALIASES: Record<string, string> = {
  integer: 'int',
  bool: 'tinyint',
  boolean: 'tinyint',
  dec: 'decimal',
  numeric: 'decimal',
  fixed: 'decimal',
  character: 'char',
  real: 'double',
  int1: 'tinyint',
  int2: 'smallint',
  int3: 'mediumint',
  int4: 'int',
  int8: 'bigint',
  middleint: 'mediumint',
};

class Parser {
  private readonly t: Token[];
  constructor(
    private readonly sql: string,
    tokens: Token[],
  ) {
    // A trailing `;` is no part of the statement.
    this.t = isPunct(tokens[tokens.length - 1], ';') ? tokens.slice(0, -1) : tokens;
  }

  statement(): DdlSpec {
    // What the statement acts on is the shared structure's; this parser reads only the details the impact needs.
    const st = structureOf(this.t);
    switch (st.kind) {
      case 'alter-table':
        return this.alterTable(st);
      case 'create':
        if (st.object === 'table') return this.createTable(st);
        if (st.object === 'index') return this.createIndex(st);
        return this.blank('other');
      case 'drop':
        if (st.object === 'table') return this.withTables(this.blank('drop-table'), st.targets, st.ifExists);
        if (st.object === 'index') return this.dropIndex(st);
        return this.blank('other');
      case 'optimize':
        return st.targets.length > 0 ? this.withTables(this.blank('optimize-table'), st.targets, false) : this.blank('other');
      case 'truncate':
        return st.targets.length > 0 ? this.withTables(this.blank('truncate'), st.targets, false) : this.blank('other');
      case 'rename-table': {
        if (st.renames.length === 0) return this.blank('other');
        const spec = this.withTables(this.blank('rename-table'), st.renames.map((r) => r.from), false);
        spec.renames = st.renames;
        return spec;
      }
      case 'update':
      case 'delete':
        return st.targets.length > 0 ? this.withTables(this.blank(st.kind), st.targets, false) : this.blank('other');
      default:
        return this.blank('other');
    }
  }

  // --- statements --------------------------------------------------------------------------------

  private withTables(spec: DdlSpec, tables: TableRef[], ifExists: boolean): DdlSpec {
    spec.tables = tables;
    spec.table = tables[0] ?? null;
    spec.ifExists = ifExists;
    return spec;
  }

  private alterTable(st: Structure): DdlSpec {
    const t = this.t;
    const table = st.targets[0];
    if (!table) return this.blank('other');
    const spec = this.withTables(this.blank('alter-table'), [table], false);
    for (let k = st.verb + 1; k < st.objectAt; k++) {
      if (isWord(t[k], 'ONLINE')) spec.online = true;
      // OFFLINE is no longer accepted by either server.
      if (isWord(t[k], 'OFFLINE')) spec.clauses.push({ kind: 'unknown', text: t[k]!.text });
    }
    for (const [s, e] of st.alter!.clauses) this.alterClause(spec, s, e);
    spec.renames = st.renames;
    if (spec.online && spec.lock === null) spec.lock = 'none';
    return spec;
  }

  private createIndex(st: Structure): DdlSpec {
    const t = this.t;
    const at = st.objectAt;
    const name = st.targets[0];
    if (!name || name.schema !== null || !st.on || !isPunct(t[st.next], '(')) return this.blank('other');
    let kind: IndexDef['kind'] = 'index';
    if (isWord(t[at - 1], 'UNIQUE')) kind = 'unique';
    else if (isWord(t[at - 1], 'FULLTEXT')) kind = 'fulltext';
    else if (isWord(t[at - 1], 'SPATIAL')) kind = 'spatial';
    let offline: string | null = null;
    for (let k = st.verb + 1; k < at; k++) if (offline === null && isWord(t[k], 'ONLINE', 'OFFLINE')) offline = t[k]!.text;
    let using: string | null = null;
    for (let k = at + 1; k < st.next && !isWord(t[k], 'ON'); k++) {
      if (isWord(t[k], 'USING', 'TYPE')) using = t[k + 1]?.value.toUpperCase() ?? null;
    }
    const close = closeParen(t, st.next);
    const spec = this.withTables(this.blank('create-index'), [st.on], false);
    const index: IndexDef = { name: name.name, kind, columns: this.keyParts(st.next, close), using, invisible: false };
    let k = close + 1;
    while (k < t.length) {
      if (isWord(t[k], 'ALGORITHM', 'LOCK')) {
        k = this.onlineOption(spec, k);
        continue;
      }
      if (isWord(t[k], 'USING', 'TYPE')) {
        index.using = t[k + 1]?.value.toUpperCase() ?? null;
        k += 2;
        continue;
      }
      if (isWord(t[k], 'INVISIBLE', 'IGNORED')) index.invisible = true;
      k++;
    }
    spec.clauses.push({ kind: 'add-index', index });
    // CREATE ONLINE|OFFLINE INDEX is old syntax both servers refuse today.
    if (offline) spec.clauses.push({ kind: 'unknown', text: offline });
    return spec;
  }

  private createTable(st: Structure): DdlSpec {
    const t = this.t;
    const table = st.targets[0];
    if (!table) return this.blank('other');
    const spec = this.withTables(this.blank('create-table'), [table], st.ifExists);
    const create: CreateTableSpec = { elements: [], options: {}, like: st.like, asSelect: false, ifNotExists: st.ifExists, temporary: st.temporary };
    spec.create = create;
    if (st.like) return spec;
    let k = st.next;
    if (isPunct(t[k], '(') && !isWord(t[k + 1], 'SELECT', 'WITH')) {
      const close = closeParen(t, k);
      for (const [s, e] of this.split(k + 1, close)) this.createElement(create, s, e);
      k = close + 1;
    }
    // Options until PARTITION BY or the query.
    const optStart = k;
    while (k < t.length && !isWord(t[k], 'SELECT', 'WITH', 'AS', 'IGNORE', 'REPLACE', 'PARTITION') && !isPunct(t[k], '(')) k++;
    this.tableOptions(create.options, optStart, k);
    for (let m = k; m < t.length; m++) if (isWord(t[m], 'SELECT') || isWord(t[m], 'VALUES', 'TABLE')) create.asSelect = true;
    return spec;
  }

  private createElement(create: CreateTableSpec, s: number, e: number): void {
    const t = this.t;
    if (isWord(t[s], 'INDEX', 'KEY', 'UNIQUE', 'PRIMARY', 'FULLTEXT', 'SPATIAL', 'CONSTRAINT', 'FOREIGN', 'CHECK')) {
      const c = this.addDefinition(s, e);
      create.elements.push(c);
      return;
    }
    const col = this.columnDef(s, e);
    create.elements.push(col ? { kind: 'add-column', column: col.column, position: null } : { kind: 'unknown', text: this.text(s, e) });
  }

  private dropIndex(st: Structure): DdlSpec {
    const t = this.t;
    const name = st.targets[0];
    if (!name || name.schema !== null || !st.on) return this.blank('other');
    const spec = this.withTables(this.blank('drop-index'), [st.on], st.ifExists);
    const online = isWord(t[st.objectAt + 1], 'ONLINE', 'OFFLINE') ? t[st.objectAt + 1]!.text : null;
    if (online) spec.clauses.push({ kind: 'unknown', text: online });
    spec.clauses.push(name.name.toUpperCase() === 'PRIMARY' ? { kind: 'drop-primary-key' } : { kind: 'drop-index', name: name.name });
    let k = st.next;
    while (k < t.length) k = isWord(t[k], 'ALGORITHM', 'LOCK') ? this.onlineOption(spec, k) : k + 1;
    return spec;
  }

  // --- ALTER TABLE clauses -----------------------------------------------------------------------

  private alterClause(spec: DdlSpec, s: number, e: number): void {
    const t = this.t;
    const c = spec.clauses;
    const w = t[s]!;
    const unknown = (): void => {
      c.push({ kind: 'unknown', text: this.text(s, e) });
    };
    if (isWord(w, 'ALGORITHM', 'LOCK')) {
      const next = this.onlineOption(spec, s);
      if (next < e) this.alterClause(spec, next, e);
      return;
    }
    if (isWord(w, 'ADD')) {
      let k = s + 1;
      if (isWord(t[k], 'PARTITION')) return void c.push({ kind: 'partition', text: this.text(s, e) });
      const columnWord = isWord(t[k], 'COLUMN');
      if (columnWord) k++;
      if (isWord(t[k], 'IF') && isWord(t[k + 1], 'NOT') && isWord(t[k + 2], 'EXISTS')) k += 3;
      if (!columnWord && isWord(t[k], 'INDEX', 'KEY', 'UNIQUE', 'PRIMARY', 'FULLTEXT', 'SPATIAL', 'CONSTRAINT', 'FOREIGN', 'CHECK')) {
        c.push(this.addDefinition(k, e));
        return;
      }
      if (isPunct(t[k], '(')) {
        const close = closeParen(t, k);
        for (const [a, b] of this.split(k + 1, close)) {
          const col = this.columnDef(a, b);
          c.push(col ? { kind: 'add-column', column: col.column, position: null } : { kind: 'unknown', text: this.text(a, b) });
        }
        return;
      }
      const col = this.columnDef(k, e);
      if (!col) return unknown();
      const pos = this.position(col.next, e);
      if (!pos) return unknown();
      c.push({ kind: 'add-column', column: col.column, position: pos.position });
      return;
    }
    if (isWord(w, 'DROP')) {
      let k = s + 1;
      if (isWord(t[k], 'PARTITION')) return void c.push({ kind: 'partition', text: this.text(s, e) });
      if (isWord(t[k], 'PRIMARY') && isWord(t[k + 1], 'KEY') && k + 2 === e) return void c.push({ kind: 'drop-primary-key' });
      if (isWord(t[k], 'FOREIGN') && isWord(t[k + 1], 'KEY')) return this.oneName(c, 'drop-foreign-key', k + 2, e, unknown);
      if (isWord(t[k], 'INDEX', 'KEY')) {
        k++;
        if (isWord(t[k], 'IF') && isWord(t[k + 1], 'EXISTS')) k += 2;
        if (isName(t[k]) && nameOf(t[k]!).toUpperCase() === 'PRIMARY' && k + 1 === e) return void c.push({ kind: 'drop-primary-key' });
        return this.oneName(c, 'drop-index', k, e, unknown);
      }
      if (isWord(t[k], 'CHECK')) return this.oneName(c, 'drop-check', k + 1, e, unknown);
      if (isWord(t[k], 'CONSTRAINT')) {
        k++;
        if (isWord(t[k], 'IF') && isWord(t[k + 1], 'EXISTS')) k += 2;
        return this.oneName(c, 'drop-constraint', k, e, unknown);
      }
      if (isWord(t[k], 'COLUMN')) k++;
      if (isWord(t[k], 'IF') && isWord(t[k + 1], 'EXISTS')) k += 2;
      if (isName(t[k]) && k + 1 === e) return void c.push({ kind: 'drop-column', name: nameOf(t[k]!) });
      // DROP a, DROP b is two clauses; `DROP x RESTRICT|CASCADE` is accepted and ignored by MySQL.
      if (isName(t[k]) && k + 2 === e && isWord(t[k + 1], 'RESTRICT', 'CASCADE')) return void c.push({ kind: 'drop-column', name: nameOf(t[k]!) });
      return unknown();
    }
    if (isWord(w, 'CHANGE', 'MODIFY')) {
      const modify = isWord(w, 'MODIFY');
      let k = s + 1;
      if (isWord(t[k], 'COLUMN')) k++;
      if (isWord(t[k], 'IF') && isWord(t[k + 1], 'EXISTS')) k += 2;
      if (!isName(t[k])) return unknown();
      const from = nameOf(t[k]!);
      const col = this.columnDef(modify ? k : k + 1, e);
      if (!col) return unknown();
      const pos = this.position(col.next, e);
      if (!pos) return unknown();
      c.push({ kind: 'change-column', from, column: col.column, position: pos.position, modify });
      return;
    }
    if (isWord(w, 'RENAME')) {
      let k = s + 1;
      if (isWord(t[k], 'COLUMN')) {
        if (isName(t[k + 1]) && isWord(t[k + 2], 'TO') && isName(t[k + 3]) && k + 4 === e) {
          return void c.push({ kind: 'rename-column', from: nameOf(t[k + 1]!), to: nameOf(t[k + 3]!) });
        }
        return unknown();
      }
      if (isWord(t[k], 'INDEX', 'KEY')) {
        if (isName(t[k + 1]) && isWord(t[k + 2], 'TO') && isName(t[k + 3]) && k + 4 === e) {
          return void c.push({ kind: 'rename-index', from: nameOf(t[k + 1]!), to: nameOf(t[k + 3]!) });
        }
        return unknown();
      }
      if (isWord(t[k], 'TO', 'AS')) k++;
      const to = this.ref(k);
      if (!to || to.next !== e) return unknown();
      c.push({ kind: 'rename-table', to: to.ref });
      return;
    }
    if (isWord(w, 'ALTER')) {
      let k = s + 1;
      if (isWord(t[k], 'INDEX', 'KEY')) {
        if (isName(t[k + 1]) && k + 3 === e) {
          const vis = t[k + 2]!;
          if (isWord(vis, 'VISIBLE', 'INVISIBLE')) return void c.push({ kind: 'alter-index-visibility', name: nameOf(t[k + 1]!), visible: vis.value === 'VISIBLE' });
          if (isWord(vis, 'IGNORED')) return void c.push({ kind: 'alter-index-visibility', name: nameOf(t[k + 1]!), visible: false });
        }
        if (isName(t[k + 1]) && k + 4 === e && isWord(t[k + 2], 'NOT') && isWord(t[k + 3], 'IGNORED')) {
          return void c.push({ kind: 'alter-index-visibility', name: nameOf(t[k + 1]!), visible: true });
        }
        return unknown();
      }
      if (isWord(t[k], 'CHECK', 'CONSTRAINT')) return unknown();
      if (isWord(t[k], 'COLUMN')) k++;
      if (isWord(t[k], 'IF') && isWord(t[k + 1], 'EXISTS')) k += 2;
      if (!isName(t[k])) return unknown();
      const name = nameOf(t[k]!);
      k++;
      if (isWord(t[k], 'DROP') && isWord(t[k + 1], 'DEFAULT') && k + 2 === e) return void c.push({ kind: 'alter-column-default', name, default: null });
      if (isWord(t[k], 'SET') && isWord(t[k + 1], 'VISIBLE', 'INVISIBLE') && k + 2 === e) {
        return void c.push({ kind: 'alter-column-visibility', name, visible: t[k + 1]!.value === 'VISIBLE' });
      }
      if (isWord(t[k], 'SET') && isWord(t[k + 1], 'DEFAULT')) {
        const d = this.defaultValue(k + 2, e);
        if (d && d.next === e) return void c.push({ kind: 'alter-column-default', name, default: d.value });
      }
      return unknown();
    }
    if (isWord(w, 'CONVERT') && isWord(t[s + 1], 'TO')) {
      let k = s + 2;
      if (isWord(t[k], 'CHARACTER') && isWord(t[k + 1], 'SET')) k += 2;
      else if (isWord(t[k], 'CHARSET')) k++;
      else return unknown();
      if (!isName(t[k]) && t[k]?.type !== 'string') return unknown();
      const charset = this.word(t[k]!);
      k++;
      let collation: string | null = null;
      if (isWord(t[k], 'COLLATE') && t[k + 1]) {
        collation = this.word(t[k + 1]!);
        k += 2;
      }
      if (k !== e) return unknown();
      return void c.push({ kind: 'convert-charset', charset, collation });
    }
    if (isWord(w, 'FORCE') && s + 1 === e) return void c.push({ kind: 'force' });
    if (isWord(w, 'PARTITION', 'REMOVE', 'COALESCE', 'REORGANIZE', 'EXCHANGE', 'ANALYZE', 'CHECK', 'OPTIMIZE', 'REBUILD', 'REPAIR', 'TRUNCATE', 'DISCARD', 'IMPORT')) {
      if (isWord(w, 'DISCARD', 'IMPORT') && isWord(t[s + 1], 'TABLESPACE')) return unknown();
      return void c.push({ kind: 'partition', text: this.text(s, e) });
    }
    const options: TableOptions = {};
    if (this.tableOptions(options, s, e)) return void c.push({ kind: 'table-options', options });
    unknown();
  }

  private oneName(c: AlterClause[], kind: 'drop-foreign-key' | 'drop-index' | 'drop-check' | 'drop-constraint', k: number, e: number, unknown: () => void): void {
    if (isName(this.t[k]) && k + 1 === e) c.push({ kind, name: nameOf(this.t[k]!) });
    else unknown();
  }

  /** ADD's definitions (and CREATE TABLE's non-column elements): index, key, constraint, check. */
  private addDefinition(k: number, e: number): AlterClause {
    const t = this.t;
    const s = k;
    const unknown: AlterClause = { kind: 'unknown', text: this.text(s, e) };
    let symbol: string | null = null;
    if (isWord(t[k], 'CONSTRAINT')) {
      k++;
      if (isName(t[k]) && !isWord(t[k], 'PRIMARY', 'UNIQUE', 'FOREIGN', 'CHECK')) {
        symbol = nameOf(t[k]!);
        k++;
      }
    }
    if (isWord(t[k], 'CHECK') && isPunct(t[k + 1], '(')) {
      const close = closeParen(t, k + 1);
      return { kind: 'add-check', name: symbol, expression: this.text(k + 2, close) };
    }
    if (isWord(t[k], 'FOREIGN') && isWord(t[k + 1], 'KEY')) {
      k += 2;
      if (isWord(t[k], 'IF') && isWord(t[k + 1], 'NOT') && isWord(t[k + 2], 'EXISTS')) k += 3;
      let name = symbol;
      if (isName(t[k])) {
        name = name ?? nameOf(t[k]!);
        k++;
      }
      if (!isPunct(t[k], '(')) return unknown;
      const close = closeParen(t, k);
      const columns = this.names(k + 1, close);
      k = close + 1;
      if (!isWord(t[k], 'REFERENCES')) return unknown;
      const ref = this.ref(k + 1);
      if (!ref || !isPunct(t[ref.next], '(')) return unknown;
      const rclose = closeParen(t, ref.next);
      const fk: ForeignKeyDef = { name, columns, refTable: ref.ref, refColumns: this.names(ref.next + 1, rclose), onDelete: null, onUpdate: null };
      k = rclose + 1;
      while (k < e) {
        if (isWord(t[k], 'ON') && isWord(t[k + 1], 'DELETE', 'UPDATE')) {
          const which = t[k + 1]!.value;
          let j = k + 2;
          const words: string[] = [];
          while (j < e && isWord(t[j], 'RESTRICT', 'CASCADE', 'SET', 'NULL', 'NO', 'ACTION', 'DEFAULT')) words.push(t[j++]!.value);
          if (which === 'DELETE') fk.onDelete = words.join(' ');
          else fk.onUpdate = words.join(' ');
          k = j;
          continue;
        }
        k++;
      }
      return { kind: 'add-foreign-key', foreignKey: fk };
    }
    let kind: IndexDef['kind'];
    if (isWord(t[k], 'PRIMARY') && isWord(t[k + 1], 'KEY')) {
      kind = 'primary';
      k += 2;
    } else if (isWord(t[k], 'UNIQUE')) {
      kind = 'unique';
      k++;
      if (isWord(t[k], 'INDEX', 'KEY')) k++;
    } else if (isWord(t[k], 'FULLTEXT', 'SPATIAL')) {
      kind = t[k]!.value === 'FULLTEXT' ? 'fulltext' : 'spatial';
      k++;
      if (isWord(t[k], 'INDEX', 'KEY')) k++;
    } else if (isWord(t[k], 'INDEX', 'KEY')) {
      kind = 'index';
      k++;
    } else {
      return unknown;
    }
    if (isWord(t[k], 'IF') && isWord(t[k + 1], 'NOT') && isWord(t[k + 2], 'EXISTS')) k += 3;
    let name: string | null = kind === 'primary' ? null : symbol;
    if (isName(t[k]) && !isWord(t[k], 'USING', 'TYPE')) {
      if (kind !== 'primary') name = nameOf(t[k]!);
      k++;
    }
    let using: string | null = null;
    if (isWord(t[k], 'USING', 'TYPE')) {
      using = t[k + 1]?.value.toUpperCase() ?? null;
      k += 2;
    }
    if (!isPunct(t[k], '(')) return unknown;
    const close = closeParen(t, k);
    const index: IndexDef = { name, kind, columns: this.keyParts(k, close), using, invisible: false };
    for (let j = close + 1; j < e; j++) {
      if (isWord(t[j], 'USING', 'TYPE')) index.using = t[j + 1]?.value.toUpperCase() ?? null;
      if (isWord(t[j], 'INVISIBLE', 'IGNORED')) index.invisible = true;
    }
    return { kind: 'add-index', index };
  }

  /** The key parts between `(` at `open` and its `)`. */
  private keyParts(open: number, close: number): KeyPart[] {
    const t = this.t;
    const parts: KeyPart[] = [];
    for (const [a, b] of this.split(open + 1, close)) {
      let desc = false;
      let end = b;
      if (isWord(t[end - 1], 'ASC', 'DESC')) {
        desc = t[end - 1]!.value === 'DESC';
        end--;
      }
      if (isPunct(t[a], '(')) {
        const part: KeyPart = { name: null, prefix: null, expression: this.text(a + 1, closeParen(t, a)) };
        if (desc) part.desc = true;
        parts.push(part);
        continue;
      }
      const part: KeyPart = { name: isName(t[a]) ? nameOf(t[a]!) : this.text(a, end), prefix: null };
      if (isPunct(t[a + 1], '(') && t[a + 2]?.type === 'number') part.prefix = Number(t[a + 2]!.text);
      if (desc) part.desc = true;
      parts.push(part);
    }
    return parts;
  }

  /** A column definition from `k`: name, type, attributes; stops before FIRST/AFTER or at `e`. */
  private columnDef(k: number, e: number): { column: ColumnDef; next: number } | undefined {
    const t = this.t;
    if (!isName(t[k]) || k + 1 >= e) return undefined;
    const name = nameOf(t[k]!);
    k++;
    const typeWord = t[k]!;
    if (typeWord.type !== 'word') return undefined;
    let base = typeWord.value.toLowerCase();
    k++;
    // Two-word types.
    if ((base === 'double' && isWord(t[k], 'PRECISION')) || ((base === 'char' || base === 'character') && isWord(t[k], 'VARYING'))) {
      if (t[k]!.value === 'VARYING') base = 'varchar';
      k++;
    } else if (base === 'national' || base === 'nchar' || base === 'nvarchar') {
      if (base === 'national') {
        base = (t[k]?.value ?? '').toLowerCase();
        k++;
        if (isWord(t[k], 'VARYING')) {
          base = 'varchar';
          k++;
        }
      }
      base = base === 'nchar' || base === 'char' || base === 'character' ? 'char' : 'varchar';
    } else if (base === 'long' && isWord(t[k], 'VARCHAR', 'VARBINARY')) {
      base = 'mediumtext';
      k++;
    }
    const dataType = TYPE_ALIASES[base] ?? base;
    let type = base === 'bool' || base === 'boolean' ? 'tinyint(1)' : dataType;
    if (isPunct(t[k], '(')) {
      const close = closeParen(t, k);
      type += '(' + this.compact(k + 1, close) + ')';
      k = close + 1;
    }
    const column: ColumnDef = {
      name,
      type,
      dataType,
      nullable: null,
      default: null,
      generated: null,
      autoIncrement: false,
      charset: null,
      collation: null,
      comment: null,
      primaryKey: false,
      unique: false,
      invisible: false,
      onUpdate: null,
    };
    while (k < e) {
      const w = t[k]!;
      if (isWord(w, 'UNSIGNED', 'ZEROFILL', 'SIGNED')) {
        if (w.value !== 'SIGNED') column.type += ' ' + w.value.toLowerCase();
        k++;
      } else if (isWord(w, 'BINARY', 'ASCII', 'UNICODE', 'BYTE')) {
        k++;
      } else if (isWord(w, 'CHARACTER') && isWord(t[k + 1], 'SET')) {
        column.charset = t[k + 2] ? this.word(t[k + 2]!) : null;
        k += 3;
      } else if (isWord(w, 'CHARSET')) {
        column.charset = t[k + 1] ? this.word(t[k + 1]!) : null;
        k += 2;
      } else if (isWord(w, 'COLLATE')) {
        column.collation = t[k + 1] ? this.word(t[k + 1]!) : null;
        k += 2;
      } else if (isWord(w, 'NOT') && isWord(t[k + 1], 'NULL')) {
        column.nullable = false;
        k += 2;
      } else if (isWord(w, 'NULL')) {
        column.nullable = true;
        k++;
      } else if (isWord(w, 'DEFAULT')) {
        const d = this.defaultValue(k + 1, e);
        if (!d) return undefined;
        column.default = d.value;
        k = d.next;
      } else if (isWord(w, 'AUTO_INCREMENT')) {
        column.autoIncrement = true;
        k++;
      } else if (isWord(w, 'SERIAL') && isWord(t[k + 1], 'DEFAULT') && isWord(t[k + 2], 'VALUE')) {
        column.autoIncrement = true;
        column.nullable = false;
        column.unique = true;
        k += 3;
      } else if (isWord(w, 'UNIQUE')) {
        column.unique = true;
        k += isWord(t[k + 1], 'KEY') ? 2 : 1;
      } else if (isWord(w, 'PRIMARY') && isWord(t[k + 1], 'KEY')) {
        column.primaryKey = true;
        k += 2;
      } else if (isWord(w, 'KEY')) {
        column.primaryKey = true;
        k++;
      } else if (isWord(w, 'COMMENT') && t[k + 1]?.type === 'string') {
        column.comment = t[k + 1]!.value;
        k += 2;
      } else if (isWord(w, 'GENERATED', 'AS')) {
        if (isWord(w, 'GENERATED')) {
          if (!isWord(t[k + 1], 'ALWAYS') || !isWord(t[k + 2], 'AS')) return undefined;
          k += 2;
        }
        if (!isPunct(t[k + 1], '(')) return undefined;
        const close = closeParen(t, k + 1);
        column.generated = { kind: 'virtual', expression: this.text(k + 2, close) };
        k = close + 1;
      } else if (isWord(w, 'VIRTUAL', 'STORED', 'PERSISTENT')) {
        if (column.generated) column.generated.kind = w.value === 'VIRTUAL' ? 'virtual' : 'stored';
        k++;
      } else if (isWord(w, 'ON') && isWord(t[k + 1], 'UPDATE')) {
        let j = k + 2;
        const start = j;
        j++;
        if (isPunct(t[j], '(')) j = closeParen(t, j) + 1;
        column.onUpdate = this.text(start, j);
        k = j;
      } else if (isWord(w, 'INVISIBLE')) {
        column.invisible = true;
        k++;
      } else if (isWord(w, 'VISIBLE')) {
        k++;
      } else if (isWord(w, 'COLUMN_FORMAT', 'STORAGE', 'SRID')) {
        k += 2;
      } else if (isWord(w, 'ENGINE_ATTRIBUTE', 'SECONDARY_ENGINE_ATTRIBUTE')) {
        k += isPunct(t[k + 1], '=') ? 3 : 2;
      } else if (isWord(w, 'CHECK', 'CONSTRAINT', 'REFERENCES')) {
        // An inline CHECK or REFERENCES: MariaDB enforces inline checks; kept out of the column's shape.
        let j = k + 1;
        while (j < e && !isPunct(t[j], '(')) j++;
        if (j < e) j = closeParen(t, j) + 1;
        if (isWord(w, 'REFERENCES')) while (j < e && isWord(t[j], 'ON', 'DELETE', 'UPDATE', 'RESTRICT', 'CASCADE', 'SET', 'NULL', 'NO', 'ACTION', 'DEFAULT', 'MATCH', 'FULL', 'PARTIAL', 'SIMPLE')) j++;
        if (isWord(t[j], 'ENFORCED')) j++;
        if (isWord(t[j], 'NOT') && isWord(t[j + 1], 'ENFORCED')) j += 2;
        k = j;
      } else if (isWord(w, 'FIRST', 'AFTER')) {
        break;
      } else {
        return undefined;
      }
    }
    return { column, next: k };
  }

  /** A DEFAULT's value from `k`. */
  private defaultValue(k: number, e: number): { value: ColumnDefault; next: number } | undefined {
    const t = this.t;
    const v = t[k];
    if (!v || k >= e) return undefined;
    if (isPunct(v, '(')) {
      const close = closeParen(t, k);
      return { value: { kind: 'expression', text: this.text(k + 1, close) }, next: close + 1 };
    }
    if (isWord(v, 'NULL')) return { value: { kind: 'null' }, next: k + 1 };
    if (v.type === 'string') {
      // `_utf8mb4'x'` introducers and `'a' 'b'` concatenation are rare enough to keep as written.
      return { value: { kind: 'literal', text: v.value }, next: k + 1 };
    }
    if (v.type === 'number') return { value: { kind: 'literal', text: v.text }, next: k + 1 };
    if ((isPunct(v, '-') || isPunct(v, '+')) && t[k + 1]?.type === 'number') {
      return { value: { kind: 'literal', text: (v.text === '-' ? '-' : '') + t[k + 1]!.text }, next: k + 2 };
    }
    if (isWord(v, 'TRUE', 'FALSE')) return { value: { kind: 'literal', text: v.value === 'TRUE' ? '1' : '0' }, next: k + 1 };
    if (v.type === 'word' && /^[XB]$/.test(v.value) && t[k + 1]?.type === 'string' && t[k + 1]!.start === v.start + 1) {
      return { value: { kind: 'literal', text: this.text(k, k + 2) }, next: k + 2 };
    }
    if (v.type === 'word' && /^0[XB]/.test(v.value)) return { value: { kind: 'literal', text: v.text }, next: k + 1 };
    if (v.type === 'word') {
      // CURRENT_TIMESTAMP, NOW(), LOCALTIME(3), or a function call MariaDB takes without parentheses.
      let j = k + 1;
      if (isPunct(t[j], '(')) j = closeParen(t, j) + 1;
      return { value: { kind: 'expression', text: this.text(k, j) }, next: j };
    }
    return undefined;
  }

  /** FIRST / AFTER col at `k`, which must end the clause. */
  private position(k: number, e: number): { position: ColumnPosition } | undefined {
    const t = this.t;
    if (k === e) return { position: null };
    if (isWord(t[k], 'FIRST') && k + 1 === e) return { position: { first: true } };
    if (isWord(t[k], 'AFTER') && isName(t[k + 1]) && k + 2 === e) return { position: { after: nameOf(t[k + 1]!) } };
    return undefined;
  }

  /** Table options in [s, e); false when something in there is not one. */
  private tableOptions(o: TableOptions, s: number, e: number): boolean {
    const t = this.t;
    let k = s;
    const value = (j: number): { tok: Token; next: number } | undefined => {
      if (isPunct(t[j], '=')) j++;
      return j < e && t[j] ? { tok: t[j]!, next: j + 1 } : undefined;
    };
    while (k < e) {
      if (isPunct(t[k], ',')) {
        k++;
        continue;
      }
      if (isWord(t[k], 'DEFAULT') && isWord(t[k + 1], 'CHARACTER', 'CHARSET', 'COLLATE')) k++;
      const w = t[k]!;
      if (w.type !== 'word') return false;
      let name = w.value;
      let j = k + 1;
      if (name === 'CHARACTER' && isWord(t[j], 'SET')) {
        name = 'CHARSET';
        j++;
      }
      const v = value(j);
      if (!v) return false;
      const text = this.word(v.tok);
      switch (name) {
        case 'ENGINE':
        case 'TYPE':
          o.engine = text;
          break;
        case 'ROW_FORMAT':
          o.rowFormat = text.toLowerCase();
          break;
        case 'AUTO_INCREMENT':
          if (v.tok.type !== 'number') return false;
          o.autoIncrement = Number(v.tok.text);
          break;
        case 'COMMENT':
          if (v.tok.type !== 'string') return false;
          o.comment = v.tok.value;
          break;
        case 'CHARSET':
          o.charset = text.toLowerCase();
          break;
        case 'COLLATE':
          o.collation = text.toLowerCase();
          break;
        case 'KEY_BLOCK_SIZE':
          if (v.tok.type !== 'number') return false;
          o.keyBlockSize = Number(v.tok.text);
          break;
        case 'STATS_PERSISTENT':
        case 'STATS_AUTO_RECALC':
        case 'STATS_SAMPLE_PAGES':
        case 'PACK_KEYS':
        case 'CHECKSUM':
        case 'TABLE_CHECKSUM':
        case 'DELAY_KEY_WRITE':
        case 'MAX_ROWS':
        case 'MIN_ROWS':
        case 'AVG_ROW_LENGTH':
        case 'COMPRESSION':
        case 'ENCRYPTION':
        case 'PAGE_COMPRESSED':
        case 'PAGE_COMPRESSION_LEVEL':
        case 'ENCRYPTED':
        case 'ENCRYPTION_KEY_ID':
        case 'TRANSACTIONAL':
        case 'STATS_PERSISTENT_SAMPLE_PAGES':
        case 'INSERT_METHOD':
        case 'DATA':
        case 'INDEX':
        case 'TABLESPACE':
        case 'AUTOEXTEND_SIZE':
        case 'SEQUENCE':
        case 'WITH':
          (o.other ??= []).push(name + '=' + v.tok.text);
          break;
        default:
          return false;
      }
      k = v.next;
    }
    return true;
  }

  /** ALGORITHM [=] x or LOCK [=] x at `k` into the spec; the index after it. */
  private onlineOption(spec: DdlSpec, k: number): number {
    const t = this.t;
    const which = t[k]!.value;
    let j = k + 1;
    if (isPunct(t[j], '=')) j++;
    const v = t[j] ? t[j]!.value.toLowerCase() : '';
    if (which === 'ALGORITHM' && ['default', 'instant', 'inplace', 'nocopy', 'copy'].includes(v)) spec.algorithm = v as StatedAlgorithm;
    else if (which === 'LOCK' && ['default', 'none', 'shared', 'exclusive'].includes(v)) spec.lock = v as StatedLock;
    else spec.clauses.push({ kind: 'unknown', text: this.text(k, j + 1) });
    return j + 1;
  }

  // --- helpers ---------------------------------------------------------------------------------

  private blank(kind: DdlKind): DdlSpec {
    return { kind, table: null, tables: [], clauses: [], algorithm: null, lock: null, create: null, renames: [], ifExists: false, online: false, text: this.sql };
  }

  /** A possibly qualified table name at `k`. */
  private ref(k: number): { ref: TableRef; next: number } | undefined {
    return readRef(this.t, k);
  }

  /** Names in a comma-separated list in [s, e) (column lists, DELETE targets). */
  private names(s: number, e: number): string[] {
    const out: string[] = [];
    for (const [a, b] of this.split(s, e)) {
      const t = this.t;
      if (isName(t[a]) && isPunct(t[a + 1], '.') && isName(t[a + 2])) out.push(nameOf(t[a + 2]!));
      else if (isName(t[a])) out.push(nameOf(t[a]!));
      else out.push(this.text(a, b));
    }
    return out;
  }

  /** Comma-separated ranges in [s, e) at the depth of `s`. */
  private split(s: number, e: number): Array<[number, number]> {
    const t = this.t;
    const out: Array<[number, number]> = [];
    if (s >= e) return out;
    const d = t[s]!.depth;
    let start = s;
    for (let k = s; k <= e; k++) {
      if (k === e || (t[k]!.depth === d && isPunct(t[k], ','))) {
        if (k > start) out.push([start, k]);
        start = k + 1;
      }
    }
    return out;
  }

  /** The statement's text for tokens [a, b). */
  private text(a: number, b: number): string {
    const t = this.t;
    if (a >= b || !t[a]) return '';
    const last = t[Math.min(b, t.length) - 1]!;
    return this.sql.slice(t[a]!.start, last.start + last.text.length);
  }

  /** Tokens [a, b) joined without spaces around punctuation, words lower case: a type's arguments. */
  private compact(a: number, b: number): string {
    let out = '';
    for (let k = a; k < b; k++) {
      const tok = this.t[k]!;
      if (tok.type === 'string') out += "'" + tok.value.replace(/\\/g, '\\\\').replace(/'/g, "''") + "'";
      else if (tok.type === 'word') out += tok.value.toLowerCase();
      else out += tok.text;
    }
    return out;
  }

  /** A keyword-like value (charset, engine, collation) as written: words and quoted strings alike. */
  private word(tok: Token): string {
    return tok.type === 'string' || tok.type === 'ident' ? tok.value : tok.text;
  }
}
