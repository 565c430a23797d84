// The statement parser behind the impact rules, the plan's model and the pre-checks, clause by clause:
// what each spelling of a clause reads as, and what it leaves as `unknown` (so the rules say
// "unknown" rather than guess). Written against the mutants `npm run mutate` found alive in ddl.ts.
import assert from 'node:assert/strict';
import { parseDdl, tablesOf, type AlterClause, type ColumnDef, type DdlSpec, type IndexDef } from '../src/core/impact/ddl.js';

function spec(sql: string): DdlSpec {
  const s = parseDdl(sql);
  assert.ok(s, sql);
  return s;
}

/** A column definition with nothing stated but its name and type. */
function col(name: string, type: string, dataType: string, more: Partial<ColumnDef> = {}): ColumnDef {
  return {
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
    ...more,
  };
}

const addCol = (column: ColumnDef, position: { first: true } | { after: string } | null = null): AlterClause => ({ kind: 'add-column', column, position });
const index = (kind: IndexDef['kind'], name: string | null, columns: string[], more: Partial<IndexDef> = {}): AlterClause => ({
  kind: 'add-index',
  index: { name, kind, columns: columns.map((c) => ({ name: c, prefix: null })), using: null, invisible: false, ...more },
});
const unknown = (text: string): AlterClause => ({ kind: 'unknown', text });
const fk = (name: string | null, columns: string[], ref: string, refColumns: string[], onDelete: string | null = null, onUpdate: string | null = null): AlterClause => ({
  kind: 'add-foreign-key',
  foreignKey: { name, columns, refTable: { schema: null, name: ref }, refColumns, onDelete, onUpdate },
});

describe('ddl: which statement a text is, and what it acts on', function () {
  const T = (name: string, schema: string | null = null) => ({ schema, name });
  const CASES: Array<[string, Partial<DdlSpec>]> = [
    ['CREATE VIEW v AS SELECT 1', { kind: 'other', table: null, tables: [], renames: [], ifExists: false }],
    ['ALTER TABLE', { kind: 'other', table: null }],
    ['CREATE TABLE', { kind: 'other', table: null }],
    ['OPTIMIZE TABLE', { kind: 'other', table: null }],
    ['TRUNCATE TABLE', { kind: 'other', table: null }],
    ['UPDATE', { kind: 'other', table: null }],
    ['DELETE FROM', { kind: 'other', table: null }],
    ['ALTER TABLE t FORCE', { kind: 'alter-table', table: T('t'), ifExists: false, renames: [] }],
    ['CREATE TABLE t (a INT)', { kind: 'create-table', table: T('t'), ifExists: false, renames: [] }],
    ['DROP VIEW v', { kind: 'other', table: null, tables: [] }],
    ['DROP DATABASE d', { kind: 'other', table: null }],
    ['SELECT 1', { kind: 'other', table: null }],
    ['INSERT INTO t VALUES (1)', { kind: 'other', table: null }],
    ['DROP INDEX i', { kind: 'other', table: null }],
    ['CREATE INDEX i ON t', { kind: 'other', table: null }],
    ['RENAME TABLE', { kind: 'other', table: null }],
    ['DROP TABLE a, s.b', { kind: 'drop-table', table: T('a'), tables: [T('a'), T('b', 's')], ifExists: false }],
    ['DROP TABLE IF EXISTS a', { kind: 'drop-table', table: T('a'), ifExists: true }],
    ['OPTIMIZE TABLE a, b', { kind: 'optimize-table', table: T('a'), tables: [T('a'), T('b')], ifExists: false, renames: [] }],
    ['TRUNCATE s.t', { kind: 'truncate', table: T('t', 's'), tables: [T('t', 's')], ifExists: false, renames: [] }],
    ['RENAME TABLE a TO b', { kind: 'rename-table', table: T('a'), tables: [T('a')], renames: [{ from: T('a'), to: T('b') }], ifExists: false }],
    ['UPDATE t SET a = 1', { kind: 'update', table: T('t'), tables: [T('t')], ifExists: false, renames: [] }],
    ['DELETE FROM s.t', { kind: 'delete', table: T('t', 's'), tables: [T('t', 's')], ifExists: false, renames: [] }],
    ['CREATE INDEX i ON s.t (a);', { kind: 'create-index', table: T('t', 's'), tables: [T('t', 's')], ifExists: false }],
    ['DROP INDEX IF EXISTS i ON t', { kind: 'drop-index', table: T('t'), ifExists: true }],
  ];
  for (const [sql, want] of CASES) {
    it(sql, function () {
      const s = spec(sql);
      const got = Object.fromEntries(Object.keys(want).map((k) => [k, s[k as keyof DdlSpec]]));
      assert.deepEqual(got, want);
      assert.equal(s.text, sql);
    });
  }

  it('counts a table once however often a statement names it, and names a LIKE source too', function () {
    assert.deepEqual(tablesOf(spec('CREATE TABLE y LIKE s.x')), [{ schema: null, name: 'y' }, { schema: 's', name: 'x' }]);
    assert.deepEqual(tablesOf(spec('DROP TABLE a, s.a, b')), [{ schema: null, name: 'a' }, { schema: 's', name: 'a' }, { schema: null, name: 'b' }]);
    assert.deepEqual(tablesOf(spec('ALTER TABLE a DROP COLUMN c')), [{ schema: null, name: 'a' }]);
    assert.deepEqual(tablesOf(spec('SELECT 1')), []);
  });
});

describe('ddl: ALTER TABLE as the server reads it before the clauses', function () {
  it("reads MariaDB's ALTER ONLINE TABLE as LOCK=NONE unless a LOCK is stated", function () {
    const a = spec('ALTER ONLINE TABLE t ADD INDEX i (a)');
    assert.deepEqual([a.online, a.lock, a.algorithm, a.clauses], [true, 'none', null, [index('index', 'i', ['a'])]]);
    const b = spec('ALTER ONLINE TABLE t ADD INDEX i (a), LOCK=SHARED');
    assert.deepEqual([b.online, b.lock], [true, 'shared']);
    const c = spec('ALTER TABLE t ADD INDEX i (a)');
    assert.deepEqual([c.online, c.lock], [false, null]);
    const d = spec('ALTER IGNORE TABLE t FORCE');
    assert.deepEqual([d.online, d.lock], [false, null]);
  });

  it('keeps OFFLINE, which neither server accepts any more, as unknown', function () {
    assert.deepEqual(spec('ALTER OFFLINE TABLE t FORCE').clauses, [unknown('OFFLINE'), { kind: 'force' }]);
  });

  it('reads ALGORITHM= and LOCK= with or without `=`, wherever they stand, and keeps a value neither server has as unknown', function () {
    const CASES: Array<[string, string | null, string | null, AlterClause[]]> = [
      ['ALTER TABLE t ALGORITHM=INSTANT, LOCK=DEFAULT, DROP COLUMN a', 'instant', 'default', [{ kind: 'drop-column', name: 'a' }]],
      ['ALTER TABLE t ALGORITHM COPY, LOCK EXCLUSIVE, FORCE', 'copy', 'exclusive', [{ kind: 'force' }]],
      ['ALTER TABLE t ALGORITHM=NOCOPY, LOCK=NONE', 'nocopy', 'none', []],
      ['ALTER TABLE t ALGORITHM=DEFAULT', 'default', null, []],
      ['ALTER TABLE t LOCK=NONE DROP COLUMN a', null, 'none', [{ kind: 'drop-column', name: 'a' }]],
      ['ALTER TABLE t ALGORITHM=FAST, FORCE', null, null, [unknown('ALGORITHM=FAST'), { kind: 'force' }]],
      ['ALTER TABLE t LOCK=INSTANT', null, null, [unknown('LOCK=INSTANT')]],
      ['ALTER TABLE t LOCK SHARED', null, 'shared', []],
      ['ALTER TABLE t ALGORITHM=NONE', null, null, [unknown('ALGORITHM=NONE')]],
      ['ALTER TABLE t LOCK=COPY', null, null, [unknown('LOCK=COPY')]],
      // The `;` that ends a statement is not an option's value.
      ['CREATE INDEX i ON t (a) LOCK;', null, null, [unknown('LOCK'), index('index', 'i', ['a'])]],
      ['DROP INDEX i ON t ALGORITHM;', null, null, [{ kind: 'drop-index', name: 'i' }, unknown('ALGORITHM')]],
      ['DROP INDEX i ON t NOWAIT LOCK=NONE', null, 'none', [{ kind: 'drop-index', name: 'i' }]],
      ['CREATE INDEX i ON t (a) ALGORITHM=COPY LOCK=EXCLUSIVE', 'copy', 'exclusive', [index('index', 'i', ['a'])]],
      ['CREATE INDEX i ON t (a) LOCK=WHATEVER', null, null, [unknown('LOCK=WHATEVER'), index('index', 'i', ['a'])]],
      ['DROP INDEX i ON t ALGORITHM=INPLACE LOCK=NONE', 'inplace', 'none', [{ kind: 'drop-index', name: 'i' }]],
      ['DROP INDEX i ON t ALGORITHM INSTANT', 'instant', null, [{ kind: 'drop-index', name: 'i' }]],
    ];
    for (const [sql, algorithm, lock, clauses] of CASES) {
      const s = spec(sql);
      assert.deepEqual([s.algorithm, s.lock, s.clauses], [algorithm, lock, clauses], sql);
    }
  });
});

describe('ddl: CREATE INDEX and DROP INDEX', function () {
  const CASES: Array<[string, AlterClause[]]> = [
    ['CREATE FULLTEXT INDEX f ON t (a)', [index('fulltext', 'f', ['a'])]],
    ['CREATE SPATIAL INDEX g ON t (a)', [index('spatial', 'g', ['a'])]],
    ['CREATE UNIQUE INDEX u ON t (a)', [index('unique', 'u', ['a'])]],
    ['CREATE INDEX i USING HASH ON t (a)', [index('index', 'i', ['a'], { using: 'HASH' })]],
    ['CREATE INDEX i TYPE btree ON t (a)', [index('index', 'i', ['a'], { using: 'BTREE' })]],
    ['CREATE INDEX i ON t (a) USING hash INVISIBLE', [index('index', 'i', ['a'], { using: 'HASH', invisible: true })]],
    ['CREATE INDEX i ON t (a) TYPE BTREE', [index('index', 'i', ['a'], { using: 'BTREE' })]],
    ['CREATE INDEX i ON t (a) IGNORED', [index('index', 'i', ['a'], { invisible: true })]],
    ['CREATE INDEX i ON t (a) COMMENT \'x\'', [index('index', 'i', ['a'])]],
    ['CREATE INDEX i ON t (a) USING', [index('index', 'i', ['a'])]],
    ['CREATE INDEX i ON t (invisible)', [index('index', 'i', ['invisible'])]],
    // CREATE ONLINE|OFFLINE INDEX is old syntax both servers refuse today.
    ['CREATE ONLINE INDEX i ON t (a)', [index('index', 'i', ['a']), unknown('ONLINE')]],
    ['CREATE OFFLINE UNIQUE INDEX i ON t (a)', [index('unique', 'i', ['a']), unknown('OFFLINE')]],
    ['DROP INDEX ONLINE i ON t', [unknown('ONLINE'), { kind: 'drop-index', name: 'i' }]],
    ['DROP INDEX OFFLINE i ON t', [unknown('OFFLINE'), { kind: 'drop-index', name: 'i' }]],
    ['DROP INDEX `primary` ON t', [{ kind: 'drop-primary-key' }]],
  ];
  for (const [sql, clauses] of CASES) {
    it(sql, function () {
      const s = spec(sql);
      assert.deepEqual([s.table, s.clauses], [{ schema: null, name: 't' }, clauses]);
    });
  }

  it('reads a table named like an index option as the table', function () {
    assert.deepEqual(spec('CREATE INDEX i ON type (a)').clauses, [index('index', 'i', ['a'])]);
  });

  it('takes no index whose name carries a schema', function () {
    assert.equal(spec('CREATE INDEX s.i ON t (a)').kind, 'other');
    assert.equal(spec('DROP INDEX s.i ON t').kind, 'other');
  });
});

describe('ddl: each ALTER TABLE clause', function () {
  const CASES: Array<[string, AlterClause[]]> = [
    // ADD
    ['ADD PARTITION (PARTITION p3 VALUES LESS THAN (30))', [{ kind: 'partition', text: 'ADD PARTITION (PARTITION p3 VALUES LESS THAN (30))' }]],
    ['ADD COLUMN IF NOT EXISTS c INT', [addCol(col('c', 'int', 'int'))]],
    ['ADD IF NOT EXISTS c INT FIRST', [addCol(col('c', 'int', 'int'), { first: true })]],
    ['ADD c INT AFTER b', [addCol(col('c', 'int', 'int'), { after: 'b' })]],
    ['ADD COLUMN (x INT, y TEXT)', [addCol(col('x', 'int', 'int')), addCol(col('y', 'text', 'text'))]],
    ['ADD (x INT, 1)', [addCol(col('x', 'int', 'int')), unknown('1')]],
    ['ADD c INT AFTER', [unknown('ADD c INT AFTER')]],
    ['ADD c INT FIRST b', [unknown('ADD c INT FIRST b')]],
    ['ADD c INT AFTER b c', [unknown('ADD c INT AFTER b c')]],
    ['ADD c', [unknown('ADD c')]],
    ['ADD c 5', [unknown('ADD c 5')]],
    ['ADD COLUMN key INT', [addCol(col('key', 'int', 'int'))]],
    // DROP
    ['DROP PARTITION p1', [{ kind: 'partition', text: 'DROP PARTITION p1' }]],
    ['DROP PRIMARY KEY', [{ kind: 'drop-primary-key' }]],
    ['DROP PRIMARY KEY x', [unknown('DROP PRIMARY KEY x')]],
    ['DROP FOREIGN KEY fk', [{ kind: 'drop-foreign-key', name: 'fk' }]],
    ['DROP FOREIGN KEY', [unknown('DROP FOREIGN KEY')]],
    ['DROP FOREIGN KEY a b', [unknown('DROP FOREIGN KEY a b')]],
    ['DROP INDEX IF EXISTS i', [{ kind: 'drop-index', name: 'i' }]],
    ['DROP KEY `PRIMARY`', [{ kind: 'drop-primary-key' }]],
    ['DROP INDEX primary', [{ kind: 'drop-primary-key' }]],
    ['DROP INDEX primary x', [unknown('DROP INDEX primary x')]],
    ['DROP INDEX a b', [unknown('DROP INDEX a b')]],
    ['DROP CHECK ck', [{ kind: 'drop-check', name: 'ck' }]],
    ['DROP CHECK', [unknown('DROP CHECK')]],
    ['DROP CONSTRAINT IF EXISTS c1', [{ kind: 'drop-constraint', name: 'c1' }]],
    ['DROP CONSTRAINT c1', [{ kind: 'drop-constraint', name: 'c1' }]],
    ['DROP COLUMN IF EXISTS a', [{ kind: 'drop-column', name: 'a' }]],
    ['DROP IF EXISTS a', [{ kind: 'drop-column', name: 'a' }]],
    ['DROP `a b`', [{ kind: 'drop-column', name: 'a b' }]],
    ['DROP a RESTRICT', [{ kind: 'drop-column', name: 'a' }]],
    ['DROP COLUMN a CASCADE', [{ kind: 'drop-column', name: 'a' }]],
    ['DROP a b', [unknown('DROP a b')]],
    ['DROP a CASCADE x', [unknown('DROP a CASCADE x')]],
    ['DROP COLUMN', [unknown('DROP COLUMN')]],
    ['DROP 5', [unknown('DROP 5')]],
    // CHANGE / MODIFY
    ['CHANGE COLUMN IF EXISTS a b INT NOT NULL AFTER c', [{ kind: 'change-column', from: 'a', column: col('b', 'int', 'int', { nullable: false }), position: { after: 'c' }, modify: false }]],
    ['MODIFY COLUMN a INT FIRST', [{ kind: 'change-column', from: 'a', column: col('a', 'int', 'int'), position: { first: true }, modify: true }]],
    ['MODIFY IF EXISTS a TEXT', [{ kind: 'change-column', from: 'a', column: col('a', 'text', 'text'), position: null, modify: true }]],
    ['MODIFY 5 INT', [unknown('MODIFY 5 INT')]],
    ['CHANGE 5 b INT', [unknown('CHANGE 5 b INT')]],
    ['CHANGE a b', [unknown('CHANGE a b')]],
    ['MODIFY a INT AFTER', [unknown('MODIFY a INT AFTER')]],
    // RENAME
    ['RENAME COLUMN a TO b', [{ kind: 'rename-column', from: 'a', to: 'b' }]],
    ['RENAME COLUMN a b', [unknown('RENAME COLUMN a b')]],
    ['RENAME COLUMN a TO b c', [unknown('RENAME COLUMN a TO b c')]],
    ['RENAME COLUMN a TO 5', [unknown('RENAME COLUMN a TO 5')]],
    ['RENAME COLUMN 5 TO a', [unknown('RENAME COLUMN 5 TO a')]],
    ['RENAME KEY k1 TO k2', [{ kind: 'rename-index', from: 'k1', to: 'k2' }]],
    ['RENAME INDEX k1 k2', [unknown('RENAME INDEX k1 k2')]],
    ['RENAME INDEX k1 TO k2 k3', [unknown('RENAME INDEX k1 TO k2 k3')]],
    ['RENAME INDEX 1 TO k2', [unknown('RENAME INDEX 1 TO k2')]],
    ['RENAME INDEX k1 TO 2', [unknown('RENAME INDEX k1 TO 2')]],
    ['RENAME AS s.t2', [{ kind: 'rename-table', to: { schema: 's', name: 't2' } }]],
    ['RENAME t2', [{ kind: 'rename-table', to: { schema: null, name: 't2' } }]],
    ['RENAME TO', [unknown('RENAME TO')]],
    ['RENAME TO t2 x', [unknown('RENAME TO t2 x')]],
    // ALTER INDEX / COLUMN
    ['ALTER INDEX i VISIBLE', [{ kind: 'alter-index-visibility', name: 'i', visible: true }]],
    ['ALTER KEY i INVISIBLE', [{ kind: 'alter-index-visibility', name: 'i', visible: false }]],
    ['ALTER INDEX i IGNORED', [{ kind: 'alter-index-visibility', name: 'i', visible: false }]],
    ['ALTER INDEX i NOT IGNORED', [{ kind: 'alter-index-visibility', name: 'i', visible: true }]],
    ['ALTER INDEX i', [unknown('ALTER INDEX i')]],
    ['ALTER INDEX i FOO', [unknown('ALTER INDEX i FOO')]],
    ['ALTER INDEX i VISIBLE x', [unknown('ALTER INDEX i VISIBLE x')]],
    ['ALTER INDEX i NOT VISIBLE', [unknown('ALTER INDEX i NOT VISIBLE')]],
    ['ALTER INDEX i NOT IGNORED x', [unknown('ALTER INDEX i NOT IGNORED x')]],
    ['ALTER INDEX 5 VISIBLE', [unknown('ALTER INDEX 5 VISIBLE')]],
    ['ALTER INDEX 5 NOT IGNORED', [unknown('ALTER INDEX 5 NOT IGNORED')]],
    ['ALTER CHECK c NOT ENFORCED', [unknown('ALTER CHECK c NOT ENFORCED')]],
    ['ALTER CONSTRAINT c ENFORCED', [unknown('ALTER CONSTRAINT c ENFORCED')]],
    ['ALTER COLUMN IF EXISTS a SET VISIBLE', [{ kind: 'alter-column-visibility', name: 'a', visible: true }]],
    ['ALTER a SET INVISIBLE', [{ kind: 'alter-column-visibility', name: 'a', visible: false }]],
    ['ALTER a SET INVISIBLE x', [unknown('ALTER a SET INVISIBLE x')]],
    ['ALTER a SET DEFAULT NULL', [{ kind: 'alter-column-default', name: 'a', default: { kind: 'null' } }]],
    ["ALTER a SET DEFAULT 'x'", [{ kind: 'alter-column-default', name: 'a', default: { kind: 'literal', text: 'x' } }]],
    ['ALTER a SET DEFAULT 1 2', [unknown('ALTER a SET DEFAULT 1 2')]],
    ['ALTER a SET DEFAULT', [unknown('ALTER a SET DEFAULT')]],
    ['ALTER a SET', [unknown('ALTER a SET')]],
    ['ALTER a DROP DEFAULT x', [unknown('ALTER a DROP DEFAULT x')]],
    ['ALTER a DROP', [unknown('ALTER a DROP')]],
    ['ALTER 5 DROP DEFAULT', [unknown('ALTER 5 DROP DEFAULT')]],
    // CONVERT
    ['CONVERT TO CHARSET latin1', [{ kind: 'convert-charset', charset: 'latin1', collation: null }]],
    ["CONVERT TO CHARACTER SET 'utf8mb4' COLLATE 'utf8mb4_bin'", [{ kind: 'convert-charset', charset: 'utf8mb4', collation: 'utf8mb4_bin' }]],
    ['CONVERT TO CHARACTER SET `utf8mb4` COLLATE `utf8mb4_bin`', [{ kind: 'convert-charset', charset: 'utf8mb4', collation: 'utf8mb4_bin' }]],
    ['CONVERT TO utf8', [unknown('CONVERT TO utf8')]],
    ['CONVERT TO CHARACTER utf8', [unknown('CONVERT TO CHARACTER utf8')]],
    ['CONVERT TO CHARSET latin1 x', [unknown('CONVERT TO CHARSET latin1 x')]],
    ['CONVERT TO CHARSET latin1 COLLATE', [unknown('CONVERT TO CHARSET latin1 COLLATE')]],
    ['CONVERT TO CHARSET', [unknown('CONVERT TO CHARSET')]],
    ['CONVERT TO CHARSET 5', [unknown('CONVERT TO CHARSET 5')]],
    ['CONVERT latin1', [unknown('CONVERT latin1')]],
    // FORCE, partitions, tablespaces
    ['FORCE', [{ kind: 'force' }]],
    ['FORCE x', [unknown('FORCE x')]],
    ['REMOVE PARTITIONING', [{ kind: 'partition', text: 'REMOVE PARTITIONING' }]],
    ['COALESCE PARTITION 2', [{ kind: 'partition', text: 'COALESCE PARTITION 2' }]],
    ['REORGANIZE PARTITION p0 INTO (PARTITION p1 VALUES LESS THAN (5))', [{ kind: 'partition', text: 'REORGANIZE PARTITION p0 INTO (PARTITION p1 VALUES LESS THAN (5))' }]],
    ['EXCHANGE PARTITION p0 WITH TABLE u', [{ kind: 'partition', text: 'EXCHANGE PARTITION p0 WITH TABLE u' }]],
    ['ANALYZE PARTITION p0', [{ kind: 'partition', text: 'ANALYZE PARTITION p0' }]],
    ['CHECK PARTITION p0', [{ kind: 'partition', text: 'CHECK PARTITION p0' }]],
    ['OPTIMIZE PARTITION p0', [{ kind: 'partition', text: 'OPTIMIZE PARTITION p0' }]],
    ['REBUILD PARTITION p0', [{ kind: 'partition', text: 'REBUILD PARTITION p0' }]],
    ['REPAIR PARTITION p0', [{ kind: 'partition', text: 'REPAIR PARTITION p0' }]],
    ['TRUNCATE PARTITION p0', [{ kind: 'partition', text: 'TRUNCATE PARTITION p0' }]],
    ['DISCARD PARTITION p0 TABLESPACE', [{ kind: 'partition', text: 'DISCARD PARTITION p0 TABLESPACE' }]],
    ['IMPORT PARTITION p0 TABLESPACE', [{ kind: 'partition', text: 'IMPORT PARTITION p0 TABLESPACE' }]],
    ['IMPORT TABLESPACE', [unknown('IMPORT TABLESPACE')]],
    ['PARTITION BY HASH(a) PARTITIONS 4', [{ kind: 'partition', text: 'PARTITION BY HASH(a) PARTITIONS 4' }]],
  ];
  for (const [clause, clauses] of CASES) {
    it(clause, function () {
      assert.deepEqual(spec(`ALTER TABLE t ${clause}`).clauses, clauses);
    });
  }

  it('reads a statement that ends with `;` as the same statement', function () {
    assert.deepEqual(spec('ALTER TABLE t DROP COLUMN a;').clauses, [{ kind: 'drop-column', name: 'a' }]);
    assert.deepEqual(spec('ALTER TABLE t FORCE ;').clauses, [{ kind: 'force' }]);
  });
});

describe('ddl: table options', function () {
  const CASES: Array<[string, AlterClause[]]> = [
    ['ENGINE InnoDB', [{ kind: 'table-options', options: { engine: 'InnoDB' } }]],
    ['TYPE=MyISAM', [{ kind: 'table-options', options: { engine: 'MyISAM' } }]],
    ["ENGINE='InnoDB'", [{ kind: 'table-options', options: { engine: 'InnoDB' } }]],
    ['ROW_FORMAT=DEFAULT', [{ kind: 'table-options', options: { rowFormat: 'default' } }]],
    ['ROW_FORMAT Redundant', [{ kind: 'table-options', options: { rowFormat: 'redundant' } }]],
    ['AUTO_INCREMENT 5', [{ kind: 'table-options', options: { autoIncrement: 5 } }]],
    ['AUTO_INCREMENT=abc', [unknown('AUTO_INCREMENT=abc')]],
    ["COMMENT 'it''s'", [{ kind: 'table-options', options: { comment: "it's" } }]],
    ['COMMENT=5', [unknown('COMMENT=5')]],
    ['CHARACTER SET = UTF8MB4', [{ kind: 'table-options', options: { charset: 'utf8mb4' } }]],
    ['CHARSET latin1', [{ kind: 'table-options', options: { charset: 'latin1' } }]],
    ['DEFAULT CHARACTER SET latin1', [{ kind: 'table-options', options: { charset: 'latin1' } }]],
    ['DEFAULT COLLATE = UTF8MB4_BIN', [{ kind: 'table-options', options: { collation: 'utf8mb4_bin' } }]],
    ['DEFAULT CHARSET=latin1 COLLATE=latin1_bin', [{ kind: 'table-options', options: { charset: 'latin1', collation: 'latin1_bin' } }]],
    ['KEY_BLOCK_SIZE 4', [{ kind: 'table-options', options: { keyBlockSize: 4 } }]],
    ['KEY_BLOCK_SIZE=x', [unknown('KEY_BLOCK_SIZE=x')]],
    ['STATS_PERSISTENT=1 PAGE_COMPRESSED 1', [{ kind: 'table-options', options: { other: ['STATS_PERSISTENT=1', 'PAGE_COMPRESSED=1'] } }]],
    ['ENGINE=', [unknown('ENGINE=')]],
    ['ENGINE=, FORCE', [unknown('ENGINE='), { kind: 'force' }]],
    ['ENGINE', [unknown('ENGINE')]],
    ['`x`=1', [unknown('`x`=1')]],
    ['DEFAULT', [unknown('DEFAULT')]],
    ['CHARACTER latin1', [unknown('CHARACTER latin1')]],
    ['NO_SUCH_OPTION=1', [unknown('NO_SUCH_OPTION=1')]],
  ];
  for (const [clause, clauses] of CASES) {
    it(clause, function () {
      assert.deepEqual(spec(`ALTER TABLE t ${clause}`).clauses, clauses);
    });
  }

  it('keeps each option that matters to no rule as NAME=value', function () {
    const OTHER = [
      'STATS_PERSISTENT', 'STATS_AUTO_RECALC', 'STATS_SAMPLE_PAGES', 'PACK_KEYS', 'CHECKSUM', 'TABLE_CHECKSUM', 'DELAY_KEY_WRITE',
      'MAX_ROWS', 'MIN_ROWS', 'AVG_ROW_LENGTH', 'COMPRESSION', 'ENCRYPTION', 'PAGE_COMPRESSED', 'PAGE_COMPRESSION_LEVEL', 'ENCRYPTED',
      'ENCRYPTION_KEY_ID', 'TRANSACTIONAL', 'STATS_PERSISTENT_SAMPLE_PAGES', 'INSERT_METHOD', 'DATA', 'INDEX', 'TABLESPACE',
      'AUTOEXTEND_SIZE', 'SEQUENCE', 'WITH',
    ];
    for (const name of OTHER) {
      assert.deepEqual(spec(`ALTER TABLE t ${name}=1`).clauses, [{ kind: 'table-options', options: { other: [`${name}=1`] } }], name);
    }
  });

  it("reads CREATE TABLE's options up to the query or the partitioning, commas between them allowed", function () {
    const CASES: Array<[string, object, boolean]> = [
      ["CREATE TABLE t (a INT) ENGINE=MyISAM, COMMENT='x' ROW_FORMAT=COMPACT", { engine: 'MyISAM', comment: 'x', rowFormat: 'compact' }, false],
      ['CREATE TABLE t (a INT) PARTITION BY HASH(a)', {}, false],
      ['CREATE TABLE t (a INT) ENGINE=InnoDB PARTITION BY HASH(a)', { engine: 'InnoDB' }, false],
      ['CREATE TABLE t (a INT) CHARSET=latin1 SELECT 1', { charset: 'latin1' }, true],
      ['CREATE TABLE t (a INT) AS SELECT 1', {}, true],
      ['CREATE TABLE t (SELECT 1)', {}, true],
      ['CREATE TABLE t (WITH x AS (SELECT 1) SELECT * FROM x)', {}, true],
      ['CREATE TABLE t IGNORE SELECT * FROM u', {}, true],
      ['CREATE TABLE t REPLACE SELECT * FROM u', {}, true],
      ['CREATE TABLE t AS TABLE u', {}, true],
      ['CREATE TABLE t AS VALUES ROW(1)', {}, true],
      ['CREATE TABLE t (a INT)', {}, false],
      ['CREATE TABLE t SELECT 1', {}, true],
      ['CREATE TABLE t WITH x AS (SELECT 1) SELECT * FROM x', {}, true],
    ];
    for (const [sql, options, asSelect] of CASES) {
      const c = spec(sql).create!;
      assert.deepEqual([c.options, c.asSelect], [options, asSelect], sql);
    }
  });
});

describe('ddl: CREATE TABLE', function () {
  it('reads each element, the unreadable ones as unknown, and TEMPORARY / IF NOT EXISTS', function () {
    const s = spec('CREATE TEMPORARY TABLE IF NOT EXISTS s.t (a INT, INDEX (a), CONSTRAINT fk FOREIGN KEY (a) REFERENCES p (id), CHECK (a > 0), FULLTEXT (b), a b c, 5)');
    assert.deepEqual([s.kind, s.table, s.ifExists], ['create-table', { schema: 's', name: 't' }, true]);
    assert.deepEqual(s.create, {
      elements: [
        addCol(col('a', 'int', 'int')),
        index('index', null, ['a']),
        fk('fk', ['a'], 'p', ['id']),
        { kind: 'add-check', name: null, expression: 'a > 0' },
        index('fulltext', null, ['b']),
        unknown('a b c'),
        unknown('5'),
      ],
      options: {},
      like: null,
      asSelect: false,
      ifNotExists: true,
      temporary: true,
    });
  });

  it('reads keys and constraints among the elements, and a type whose arguments hold a comma', function () {
    const s = spec('CREATE TABLE t (a DECIMAL(10,2), PRIMARY KEY (a), UNIQUE (a), KEY k (a), SPATIAL INDEX (g), FOREIGN KEY (a) REFERENCES p (id))');
    assert.deepEqual(s.create!.elements, [
      addCol(col('a', 'decimal(10,2)', 'decimal')),
      index('primary', null, ['a']),
      index('unique', null, ['a']),
      index('index', 'k', ['a']),
      index('spatial', null, ['g']),
      fk(null, ['a'], 'p', ['id']),
    ]);
  });

  it('reads CREATE TABLE ... LIKE as a copy of the source, with no elements', function () {
    const s = spec('CREATE TABLE t LIKE u');
    assert.deepEqual(s.create, { elements: [], options: {}, like: { schema: null, name: 'u' }, asSelect: false, ifNotExists: false, temporary: false });
    assert.equal(s.ifExists, false);
  });
});

describe('ddl: index, key and constraint definitions', function () {
  const CASES: Array<[string, AlterClause[]]> = [
    ['ADD CONSTRAINT CHECK (a > 0)', [{ kind: 'add-check', name: null, expression: 'a > 0' }]],
    ['ADD CHECK (a>0)', [{ kind: 'add-check', name: null, expression: 'a>0' }]],
    ['ADD CONSTRAINT c1 CHECK (a > (b + 1)) NOT ENFORCED', [{ kind: 'add-check', name: 'c1', expression: 'a > (b + 1)' }]],
    ['ADD CHECK a', [unknown('CHECK a')]],
    ['ADD CONSTRAINT PRIMARY KEY (id)', [index('primary', null, ['id'])]],
    ['ADD CONSTRAINT pk PRIMARY KEY (id)', [index('primary', null, ['id'])]],
    ['ADD PRIMARY KEY pk (id)', [index('primary', null, ['id'])]],
    ['ADD PRIMARY KEY USING BTREE (id)', [index('primary', null, ['id'], { using: 'BTREE' })]],
    ['ADD CONSTRAINT uq UNIQUE (a)', [index('unique', 'uq', ['a'])]],
    ['ADD CONSTRAINT UNIQUE (a)', [index('unique', null, ['a'])]],
    ['ADD INDEX TYPE BTREE (a)', [index('index', null, ['a'], { using: 'BTREE' })]],
    ['ADD INDEX i USING', [unknown('INDEX i USING')]],
    ['ADD INDEX i (a) USING', [index('index', 'i', ['a'])]],
    ['ADD INDEX i (invisible)', [index('index', 'i', ['invisible'])]],
    ['ADD CONSTRAINT c1 x (a)', [unknown('CONSTRAINT c1 x (a)')]],
    ['ADD FOREIGN KEY (a) FOO p (id)', [unknown('FOREIGN KEY (a) FOO p (id)')]],
    ['ADD FOREIGN KEY (a) REFERENCES p (q.id, `x`, 1 + 2)', [fk(null, ['a'], 'p', ['id', 'x', '1 + 2'])]],
    ['ADD FOREIGN KEY (a) REFERENCES p (1, q.id)', [fk(null, ['a'], 'p', ['1', 'id'])]],
    ['ADD CHECK ()', [{ kind: 'add-check', name: null, expression: '' }]],
    ['ADD CONSTRAINT uq UNIQUE KEY u2 (a)', [index('unique', 'u2', ['a'])]],
    ['ADD UNIQUE INDEX IF NOT EXISTS u (a) USING HASH', [index('unique', 'u', ['a'], { using: 'HASH' })]],
    ['ADD INDEX i USING BTREE (a)', [index('index', 'i', ['a'], { using: 'BTREE' })]],
    ['ADD KEY i TYPE hash (a)', [index('index', 'i', ['a'], { using: 'HASH' })]],
    ['ADD INDEX USING HASH (a)', [index('index', null, ['a'], { using: 'HASH' })]],
    ['ADD INDEX i (a) TYPE btree', [index('index', 'i', ['a'], { using: 'BTREE' })]],
    ['ADD FULLTEXT KEY f (a)', [index('fulltext', 'f', ['a'])]],
    ['ADD FULLTEXT INDEX (a)', [index('fulltext', null, ['a'])]],
    ['ADD SPATIAL s (g)', [index('spatial', 's', ['g'])]],
    ['ADD SPATIAL KEY (g)', [index('spatial', null, ['g'])]],
    ['ADD INDEX i (a) INVISIBLE', [index('index', 'i', ['a'], { invisible: true })]],
    ['ADD INDEX i (a) IGNORED', [index('index', 'i', ['a'], { invisible: true })]],
    ['ADD INDEX i (a) VISIBLE', [index('index', 'i', ['a'])]],
    ['ADD INDEX (a)', [index('index', null, ['a'])]],
    ['ADD INDEX i', [unknown('INDEX i')]],
    ['ADD CONSTRAINT c1', [unknown('CONSTRAINT c1')]],
    ['ADD CONSTRAINT c1 INDEX (a)', [index('index', 'c1', ['a'])]],
    ['ADD CONSTRAINT FOREIGN KEY (a) REFERENCES p (id)', [fk(null, ['a'], 'p', ['id'])]],
    ['ADD FOREIGN KEY IF NOT EXISTS fk1 (a) REFERENCES p (id) ON UPDATE SET NULL ON DELETE NO ACTION', [fk('fk1', ['a'], 'p', ['id'], 'NO ACTION', 'SET NULL')]],
    ['ADD CONSTRAINT c1 FOREIGN KEY fk1 (a) REFERENCES p (id)', [fk('c1', ['a'], 'p', ['id'])]],
    ['ADD FOREIGN KEY (a, b) REFERENCES p (x, y) ON DELETE SET DEFAULT ON UPDATE RESTRICT', [fk(null, ['a', 'b'], 'p', ['x', 'y'], 'SET DEFAULT', 'RESTRICT')]],
    ['ADD FOREIGN KEY (a) REFERENCES p (id) MATCH FULL ON DELETE CASCADE', [fk(null, ['a'], 'p', ['id'], 'CASCADE')]],
    ['ADD FOREIGN KEY (a) REFERENCES p (p.id, 1)', [fk(null, ['a'], 'p', ['id', '1'])]],
    ['ADD FOREIGN KEY fk1', [unknown('FOREIGN KEY fk1')]],
    ['ADD FOREIGN KEY (a) p (id)', [unknown('FOREIGN KEY (a) p (id)')]],
    ['ADD FOREIGN KEY (a) REFERENCES p', [unknown('FOREIGN KEY (a) REFERENCES p')]],
    ['ADD FOREIGN KEY (a) REFERENCES', [unknown('FOREIGN KEY (a) REFERENCES')]],
  ];
  for (const [clause, clauses] of CASES) {
    it(clause, function () {
      assert.deepEqual(spec(`ALTER TABLE t ${clause}`).clauses, clauses);
    });
  }

  it('keeps a functional key part whole, commas and all', function () {
    assert.deepEqual(spec('ALTER TABLE t ADD INDEX i ((concat(a, b)), c)').clauses, [
      { kind: 'add-index', index: { name: 'i', kind: 'index', columns: [{ name: null, prefix: null, expression: 'concat(a, b)' }, { name: 'c', prefix: null }], using: null, invisible: false } },
    ]);
  });

  it('reads key parts: prefixes, ASC/DESC and functional parts', function () {
    const s = spec('ALTER TABLE t ADD INDEX i (a(10) DESC, (lower(b)) ASC, c ASC, (d + 1) DESC, `e`(3))');
    assert.deepEqual(s.clauses, [
      {
        kind: 'add-index',
        index: {
          name: 'i',
          kind: 'index',
          columns: [
            { name: 'a', prefix: 10, desc: true },
            { name: null, prefix: null, expression: 'lower(b)' },
            { name: 'c', prefix: null },
            { name: null, prefix: null, expression: 'd + 1', desc: true },
            { name: 'e', prefix: 3 },
          ],
          using: null,
          invisible: false,
        },
      },
    ]);
  });
});

describe('ddl: column definitions', function () {
  const CASES: Array<[string, ColumnDef | null]> = [
    // Types, their aliases and two-word spellings.
    ['c DOUBLE PRECISION', col('c', 'double', 'double')],
    ['c DOUBLE', col('c', 'double', 'double')],
    ['c CHAR VARYING(10)', col('c', 'varchar(10)', 'varchar')],
    ['c CHARACTER VARYING(10)', col('c', 'varchar(10)', 'varchar')],
    ['c CHARACTER(3)', col('c', 'char(3)', 'char')],
    ['c CHAR PRECISION', null],
    ['c NATIONAL CHAR(3)', col('c', 'char(3)', 'char')],
    ['c NATIONAL CHARACTER(2)', col('c', 'char(2)', 'char')],
    ['c NATIONAL VARCHAR(3)', col('c', 'varchar(3)', 'varchar')],
    ['c NATIONAL CHAR VARYING(5)', col('c', 'varchar(5)', 'varchar')],
    ['c NCHAR(2)', col('c', 'char(2)', 'char')],
    ['c NVARCHAR(9)', col('c', 'varchar(9)', 'varchar')],
    ['c LONG VARCHAR', col('c', 'mediumtext', 'mediumtext')],
    ['c BOOLEAN', col('c', 'tinyint(1)', 'tinyint')],
    ['c BOOL NOT NULL', col('c', 'tinyint(1)', 'tinyint', { nullable: false })],
    ["c ENUM('a', 'it''s', 'b\\\\c')", col('c', "enum('a','it''s','b\\\\c')", 'enum')],
    ['c DECIMAL(10, 2)', col('c', 'decimal(10,2)', 'decimal')],
    ['c INT(11) UNSIGNED ZEROFILL', col('c', 'int(11) unsigned zerofill', 'int')],
    ['c INT SIGNED', col('c', 'int', 'int')],
    ['c VARCHAR(5) BINARY ASCII', col('c', 'varchar(5)', 'varchar')],
    ['c TEXT UNICODE', col('c', 'text', 'text')],
    ['c VARCHAR(5) BYTE', col('c', 'varchar(5)', 'varchar')],
    // Attributes.
    ['c TEXT CHARSET latin1 COLLATE latin1_bin', col('c', 'text', 'text', { charset: 'latin1', collation: 'latin1_bin' })],
    ["c TEXT CHARACTER SET 'utf8mb4' NULL", col('c', 'text', 'text', { charset: 'utf8mb4', nullable: true })],
    ['c INT NULL', col('c', 'int', 'int', { nullable: true })],
    ['c INT NOT NULL', col('c', 'int', 'int', { nullable: false })],
    ['c INT NOT', null],
    ['c INT DEFAULT', null],
    ['c INT AUTO_INCREMENT', col('c', 'int', 'int', { autoIncrement: true })],
    ['c BIGINT UNSIGNED SERIAL DEFAULT VALUE', col('c', 'bigint unsigned', 'bigint', { autoIncrement: true, nullable: false, unique: true })],
    ['c INT SERIAL DEFAULT', null],
    ['c INT SERIAL', null],
    ['c INT UNIQUE KEY NULL', col('c', 'int', 'int', { unique: true, nullable: true })],
    ['c INT UNIQUE NULL', col('c', 'int', 'int', { unique: true, nullable: true })],
    ['c INT KEY NULL', col('c', 'int', 'int', { primaryKey: true, nullable: true })],
    ['c INT PRIMARY KEY NULL', col('c', 'int', 'int', { primaryKey: true, nullable: true })],
    ['c INT PRIMARY', null],
    ["c INT COMMENT 'x' NULL", col('c', 'int', 'int', { comment: 'x', nullable: true })],
    ['c INT COMMENT 5', null],
    ['c INT GENERATED ALWAYS AS (a+1) STORED', col('c', 'int', 'int', { generated: { kind: 'stored', expression: 'a+1' } })],
    ['c INT GENERATED ALWAYS AS (a) NOT NULL', col('c', 'int', 'int', { generated: { kind: 'virtual', expression: 'a' }, nullable: false })],
    ['c INT AS (a) PERSISTENT', col('c', 'int', 'int', { generated: { kind: 'stored', expression: 'a' } })],
    ['c INT AS (a) VIRTUAL', col('c', 'int', 'int', { generated: { kind: 'virtual', expression: 'a' } })],
    ['c INT GENERATED AS (a)', null],
    ['c INT GENERATED ALWAYS (a)', null],
    ['c INT GENERATED ALWAYS AS a', null],
    ['c INT AS a', null],
    ['c INT STORED', col('c', 'int', 'int')],
    ['c TIMESTAMP ON UPDATE CURRENT_TIMESTAMP(3) NULL', col('c', 'timestamp', 'timestamp', { onUpdate: 'CURRENT_TIMESTAMP(3)', nullable: true })],
    ['c TIMESTAMP ON UPDATE NOW() NOT NULL', col('c', 'timestamp', 'timestamp', { onUpdate: 'NOW()', nullable: false })],
    ['c DATETIME DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP', col('c', 'datetime', 'datetime', { default: { kind: 'expression', text: 'CURRENT_TIMESTAMP' }, onUpdate: 'CURRENT_TIMESTAMP' })],
    ['c INT ON DELETE', null],
    ['c INT VISIBLE NULL', col('c', 'int', 'int', { nullable: true })],
    ['c INT INVISIBLE NULL', col('c', 'int', 'int', { invisible: true, nullable: true })],
    ['c INT COLUMN_FORMAT FIXED STORAGE DISK NULL', col('c', 'int', 'int', { nullable: true })],
    ['c POINT SRID 4326 NOT NULL', col('c', 'point', 'point', { nullable: false })],
    ["c INT ENGINE_ATTRIBUTE='x' NULL", col('c', 'int', 'int', { nullable: true })],
    ["c INT SECONDARY_ENGINE_ATTRIBUTE 'x' NULL", col('c', 'int', 'int', { nullable: true })],
    ['c INT CHECK (c > 0) NOT NULL', col('c', 'int', 'int', { nullable: false })],
    ['c INT CONSTRAINT ck CHECK (c > 0) NOT ENFORCED NULL', col('c', 'int', 'int', { nullable: true })],
    ['c INT CHECK (c > 0) ENFORCED NOT NULL', col('c', 'int', 'int', { nullable: false })],
    ['c INT REFERENCES p (id) MATCH FULL ON DELETE SET NULL ON UPDATE NO ACTION NOT NULL', col('c', 'int', 'int', { nullable: false })],
    ['c INT CHECK', col('c', 'int', 'int')],
    ['c INT CHECK (c > 0) NULL', col('c', 'int', 'int', { nullable: true })],
    ['c INT REFERENCES p (id) ON DELETE RESTRICT NOT NULL', col('c', 'int', 'int', { nullable: false })],
    ['c INT REFERENCES p (id) ON UPDATE CASCADE NOT NULL', col('c', 'int', 'int', { nullable: false })],
    ['c INT REFERENCES p (id) ON DELETE SET DEFAULT NOT NULL', col('c', 'int', 'int', { nullable: false })],
    ['c INT REFERENCES p (id) MATCH PARTIAL NOT NULL', col('c', 'int', 'int', { nullable: false })],
    ['c INT REFERENCES p (id) MATCH SIMPLE NOT NULL', col('c', 'int', 'int', { nullable: false })],
    ['c ENUM("a", \'it\\\'s\')', col('c', "enum('a','it''s')", 'enum')],
    ['c TEXT CHARACTER latin1', null],
    ['c INT COMMENT', null],
    ['c INT GENERATED ALWAYS x (a)', null],
    ['c INT ON DELETE CASCADE NULL', null],
    // An attribute whose value the text lacks makes the clause unknown.
    ['c TEXT CHARACTER SET', null],
    ['c TEXT CHARSET', null],
    ['c TEXT COLLATE', null],
    ['c TIMESTAMP ON UPDATE', null],
    ['c INT FOO', null],
  ];
  for (const [def, column] of CASES) {
    it(def, function () {
      const want = column ? [addCol(column)] : [unknown(`ADD COLUMN ${def}`)];
      assert.deepEqual(spec(`ALTER TABLE t ADD COLUMN ${def}`).clauses, want);
    });
  }

  it('reads each type alias as the type the server stores', function () {
    const ALIASES: Array<[string, string]> = [
      ['INTEGER', 'int'], ['BOOL', 'tinyint'], ['BOOLEAN', 'tinyint'], ['DEC', 'decimal'], ['NUMERIC', 'decimal'], ['FIXED', 'decimal'],
      ['CHARACTER', 'char'], ['REAL', 'double'], ['INT1', 'tinyint'], ['INT2', 'smallint'], ['INT3', 'mediumint'], ['INT4', 'int'],
      ['INT8', 'bigint'], ['MIDDLEINT', 'mediumint'], ['SMALLINT', 'smallint'],
    ];
    for (const [alias, dataType] of ALIASES) {
      const c = spec(`ALTER TABLE t ADD COLUMN c ${alias}`).clauses[0]!;
      assert.ok(c.kind === 'add-column', alias);
      assert.deepEqual([c.column.dataType, c.column.type], [dataType, alias.startsWith('BOOL') ? 'tinyint(1)' : dataType], alias);
    }
  });

  it('reads a DEFAULT: literals as written (strings unquoted), NULL, and expressions', function () {
    const CASES: Array<[string, object | null]> = [
      ['(a + 1)', { kind: 'expression', text: 'a + 1' }],
      ['NULL', { kind: 'null' }],
      ["'x y'", { kind: 'literal', text: 'x y' }],
      ['5', { kind: 'literal', text: '5' }],
      ['1.50', { kind: 'literal', text: '1.50' }],
      ['-5', { kind: 'literal', text: '-5' }],
      ['+5', { kind: 'literal', text: '5' }],
      ['-', null],
      ['+ x', null],
      ['TRUE', { kind: 'literal', text: '1' }],
      ['false', { kind: 'literal', text: '0' }],
      ["X'0F'", { kind: 'literal', text: "X'0F'" }],
      ["b'101'", { kind: 'literal', text: "b'101'" }],
      ["X 'a'", null],
      ["Y'a'", null],
      ['0x1F', { kind: 'literal', text: '0x1F' }],
      ['0b101', { kind: 'literal', text: '0b101' }],
      ['CURRENT_TIMESTAMP', { kind: 'expression', text: 'CURRENT_TIMESTAMP' }],
      ['NOW()', { kind: 'expression', text: 'NOW()' }],
      ['LOCALTIME(3)', { kind: 'expression', text: 'LOCALTIME(3)' }],
      ['@v', null],
    ];
    for (const [text, value] of CASES) {
      const sql = `ALTER TABLE t ADD COLUMN c INT DEFAULT ${text}`;
      const want = value ? [addCol(col('c', 'int', 'int', { default: value as ColumnDef['default'] }))] : [unknown(`ADD COLUMN c INT DEFAULT ${text}`)];
      assert.deepEqual(spec(sql).clauses, want, text);
    }
  });
});
