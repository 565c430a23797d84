// The shapes impact-aware plans pass between the parts: what the target says about a table (facts, read
// by an adapter), what a statement asks of it (a parsed ALTER), and what the plan concludes (impact and
// pre-checks). Pure data: the rules, the model and the checks are functions over these.

/** The server whose rules apply. Aurora MySQL follows MySQL's rules at its compatible MySQL version. */
export interface ServerFacts {
  flavor: 'mysql' | 'mariadb';
  /** Dotted version, e.g. `8.0.36`, `9.7.4`, `10.11.6`. */
  version: string;
}

/** One column as information_schema.COLUMNS describes it. */
export interface ColumnFacts {
  name: string;
  /** COLUMN_TYPE as the server prints it, lower case: `varchar(20)`, `int unsigned`, `enum('a','b')`. */
  columnType: string;
  /** DATA_TYPE, lower case: `varchar`, `int`, `json`. */
  dataType: string;
  nullable: boolean;
  /** COLUMN_DEFAULT as the server reports it; null for none (or a NULL default). */
  default: string | null;
  /** EXTRA, lower case: `auto_increment`, `virtual generated`, `stored generated`, `default_generated`, `invisible`. */
  extra: string;
  charset: string | null;
  collation: string | null;
  /** CHARACTER_MAXIMUM_LENGTH (characters) for string types, else null. */
  maxChars: number | null;
  /** CHARACTER_OCTET_LENGTH (bytes) for string types, else null. */
  maxBytes: number | null;
  /** 1-based ORDINAL_POSITION. */
  position: number;
  /** GENERATION_EXPRESSION of a generated column (absent for any other): which columns it reads. */
  generation?: string;
}

/** One index (information_schema.STATISTICS, grouped). */
export interface IndexFacts {
  name: string;
  primary: boolean;
  unique: boolean;
  /** INDEX_TYPE: `BTREE`, `FULLTEXT`, `SPATIAL`, `HASH`. */
  type: string;
  /** In order; `prefix` is SUB_PART (characters) or null for the whole column; `expression` for functional key parts. */
  columns: { name: string | null; prefix: number | null; expression?: string }[];
  visible: boolean;
}

/** One foreign key of the table (information_schema.KEY_COLUMN_USAGE + REFERENTIAL_CONSTRAINTS). */
export interface ForeignKeyFacts {
  name: string;
  columns: string[];
  refSchema: string;
  refTable: string;
  refColumns: string[];
}

/** What the plan knows about one table before a statement runs on it. */
export interface TableFacts {
  schema: string;
  name: string;
  /** `live`: read from the target; `planned`: the plan's own model (created or altered by an earlier pending statement). */
  source: 'live' | 'planned';
  engine: string;
  /** ROW_FORMAT, lower case: `dynamic`, `compact`, `redundant`, `compressed`. */
  rowFormat: string;
  charset: string;
  collation: string;
  /** Row estimate: 0 when the table is empty (checked, whatever the statistics say), else TABLE_ROWS. */
  rows: number;
  dataBytes: number;
  indexBytes: number;
  columns: ColumnFacts[];
  indexes: IndexFacts[];
  foreignKeys: ForeignKeyFacts[];
  /** MySQL 8.0.29+: INNODB_TABLES.TOTAL_ROW_VERSIONS (INSTANT ADD/DROP COLUMN stops at 64); null elsewhere. */
  totalRowVersions: number | null;
  partitioned: boolean;
  /** Whether the table has a FULLTEXT index (adding another one rebuilds; InnoDB's FTS_DOC_ID). */
  hasFulltext: boolean;
  /**
   * Whether InnoDB keeps its hidden FTS_DOC_ID column: while a FULLTEXT index exists, and after the
   * last one is dropped until the next rebuild. Instant ADD/DROP COLUMN is refused while it is there.
   */
  hiddenFtsDocId: boolean;
}

/** How the server will run a DDL statement; null fields are unknown, and unknown counts as blocking. */
export interface Impact {
  /** `schema.table`, or null when the statement touches no single table. */
  table: string | null;
  rows: number | null;
  bytes: number | null;
  algorithm: 'instant' | 'inplace' | 'copy' | null;
  lock: 'none' | 'shared' | 'exclusive' | null;
  rebuild: boolean | null;
  /** Estimated seconds for a rebuild or copy, from the table's size; 0 for instant; null when unknown. */
  seconds: number | null;
  /**
   * Set when an earlier statement of the same change creates the table empty and nothing writes to it
   * in between: no one else can be using it yet, so whatever the statement locks, it blocks no one.
   */
  fresh?: true;
}

/** The rules' verdict on one statement, with the one reason a user reads. */
export interface ImpactDecision {
  algorithm: Impact['algorithm'];
  lock: Impact['lock'];
  rebuild: Impact['rebuild'];
  /** Squawk-style: what happens, what it blocks, what to do instead. */
  reason: string;
}

/** A data-dependent pre-check's outcome: one entry of a change's `checks` in `plan --format json`; a `fail` stops apply before the change's first statement. */
export interface CheckResult {
  /** Stable code: CG5xx for data pre-checks (`CG501`), CG4xx for impact bounds such as `max_copy_rows`. */
  code: string;
  /** 1-based statement number within the change. */
  statement: number;
  outcome: 'pass' | 'warn' | 'fail';
  count: number | null;
  message: string;
}
