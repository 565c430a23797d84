// The impact rules as a pure function: the parser, a table of cases per server flavour and version
// (statement, table → algorithm, lock, rebuild), the model a plan keeps of the tables it changes, and
// the duration estimate. The server's own answers are checked in impact-agreement.test.ts.
import assert from 'node:assert/strict';
import { parseDdl, tablesOf, type DdlSpec } from '../src/core/impact/ddl.js';
import { evolveFacts } from '../src/core/impact/model.js';
import { COPY_BYTES_PER_SECOND, decideImpact, estimateSeconds, hasImpact, REBUILD_BYTES_PER_SECOND } from '../src/core/impact/rules.js';
import { normalizeType } from '../src/core/impact/rules-common.js';
import type { ColumnFacts, ServerFacts, TableFacts } from '../src/core/impact/types.js';

function col(name: string, columnType: string, more: Partial<ColumnFacts> = {}): ColumnFacts {
  const dataType = /^[a-z]+/.exec(columnType)![0];
  const charLen = /^(?:var)?char\((\d+)\)/.exec(columnType);
  const string = /char|text|enum|set/.test(dataType);
  return {
    name,
    columnType,
    dataType,
    nullable: true,
    default: null,
    extra: '',
    charset: string ? 'utf8mb4' : null,
    collation: string ? 'utf8mb4_general_ci' : null,
    maxChars: charLen ? Number(charLen[1]) : null,
    maxBytes: charLen ? Number(charLen[1]) * 4 : null,
    position: 0,
    ...more,
  };
}

/** The table the cases run on: like the agreement test's base table. */
function table(more: Partial<TableFacts> = {}): TableFacts {
  const columns = [
    col('id', 'int', { nullable: false }),
    col('a', 'varchar(10)'),
    col('b', 'int'),
    col('c', 'int', { nullable: false, default: '0' }),
    col('n', 'varchar(50)'),
    col('l', 'varchar(100)', { charset: 'latin1', collation: 'latin1_swedish_ci', maxBytes: 100 }),
    col('m', 'varchar(60)', { charset: 'utf8mb3', collation: 'utf8mb3_general_ci', maxBytes: 180 }),
    col('e', "enum('x','y')"),
    col('tx', 'text'),
  ].map((c, i) => ({ ...c, position: i + 1 }));
  return {
    schema: 's',
    name: 't',
    source: 'live',
    engine: 'InnoDB',
    rowFormat: 'dynamic',
    charset: 'utf8mb4',
    collation: 'utf8mb4_general_ci',
    rows: 1000,
    dataBytes: 100 * 1024 * 1024,
    indexBytes: 50 * 1024 * 1024,
    columns,
    indexes: [
      { name: 'PRIMARY', primary: true, unique: true, type: 'BTREE', columns: [{ name: 'id', prefix: null }], visible: true },
      { name: 'kb', primary: false, unique: false, type: 'BTREE', columns: [{ name: 'b', prefix: null }], visible: true },
    ],
    foreignKeys: [{ name: 'fk_b', columns: ['b'], refSchema: 's', refTable: 'p', refColumns: ['id'] }],
    totalRowVersions: 0,
    partitioned: false,
    hasFulltext: false,
    hiddenFtsDocId: false,
    ...more,
  };
}

const MYSQL_84: ServerFacts = { flavor: 'mysql', version: '8.4.3' };
const MARIADB: ServerFacts = { flavor: 'mariadb', version: '10.11.6' };

function spec(sql: string): DdlSpec {
  const s = parseDdl(sql);
  assert.ok(s, sql);
  return s;
}

function decide(sql: string, server: ServerFacts, t: TableFacts | null = table()): string {
  const d = decideImpact(spec(sql), t ?? undefined, server);
  return d.algorithm === null ? `unknown ${d.lock} ${d.rebuild}` : `${d.algorithm} ${d.lock}${d.rebuild ? ' rebuild' : ''}`;
}

describe('impact: parseDdl', function () {
  it('reads ADD COLUMN with its whole definition, position and stated ALGORITHM/LOCK', function () {
    const s = spec("ALTER TABLE `db`.`t` ADD COLUMN c VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT 'x' COMMENT 'hi' AFTER b, ALGORITHM=INPLACE, LOCK=NONE;");
    assert.equal(s.kind, 'alter-table');
    assert.deepEqual(s.table, { schema: 'db', name: 't' });
    assert.equal(s.algorithm, 'inplace');
    assert.equal(s.lock, 'none');
    assert.deepEqual(s.clauses, [
      {
        kind: 'add-column',
        position: { after: 'b' },
        column: {
          name: 'c',
          type: 'varchar(20)',
          dataType: 'varchar',
          nullable: false,
          default: { kind: 'literal', text: 'x' },
          generated: null,
          autoIncrement: false,
          charset: 'utf8mb4',
          collation: 'utf8mb4_bin',
          comment: 'hi',
          primaryKey: false,
          unique: false,
          invisible: false,
          onUpdate: null,
        },
      },
    ]);
  });

  it('reads generated columns, expression defaults, AUTO_INCREMENT and type aliases', function () {
    const s = spec('ALTER TABLE t ADD g INT AS (b + 1) STORED FIRST, ADD h INTEGER DEFAULT (1 + 1), ADD i BIGINT UNSIGNED NOT NULL AUTO_INCREMENT UNIQUE, ADD j BOOL, ADD k NUMERIC(5)');
    const cols = s.clauses.map((c) => (c.kind === 'add-column' ? [c.column.name, c.column.type, c.column.generated, c.column.default, c.column.autoIncrement, c.column.unique, c.position] : c.kind));
    assert.deepEqual(cols, [
      ['g', 'int', { kind: 'stored', expression: 'b + 1' }, null, false, false, { first: true }],
      ['h', 'int', null, { kind: 'expression', text: '1 + 1' }, false, false, null],
      ['i', 'bigint unsigned', null, null, true, true, null],
      ['j', 'tinyint(1)', null, null, false, false, null],
      ['k', 'decimal(5)', null, null, false, false, null],
    ]);
  });

  it('reads every kind of ALTER TABLE clause', function () {
    const s = spec(
      "ALTER TABLE t DROP COLUMN a, DROP b, RENAME COLUMN c TO d, CHANGE e f INT NULL, MODIFY g ENUM('x','y') NOT NULL FIRST, ALTER COLUMN h SET DEFAULT 3, ALTER h DROP DEFAULT, " +
        'ADD INDEX i1 (a(10), b DESC), ADD UNIQUE KEY u1 (c), ADD PRIMARY KEY (id), ADD FULLTEXT ft (d), ADD SPATIAL INDEX sp (g), DROP INDEX i2, DROP KEY i3, DROP PRIMARY KEY, ' +
        'RENAME INDEX i4 TO i5, ALTER INDEX i6 INVISIBLE, ADD CONSTRAINT fk FOREIGN KEY (a) REFERENCES s.p (id) ON DELETE CASCADE, DROP FOREIGN KEY fk2, ADD CONSTRAINT ck CHECK (a > 0), ' +
        "DROP CHECK ck2, DROP CONSTRAINT c3, ENGINE=InnoDB ROW_FORMAT=COMPRESSED KEY_BLOCK_SIZE=8 AUTO_INCREMENT=10 COMMENT='x' DEFAULT CHARSET=latin1 COLLATE latin1_bin, " +
        'CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_bin, FORCE, RENAME TO t2, DROP PARTITION p0, p1, ORDER BY a',
    );
    assert.deepEqual(
      s.clauses.map((c) => c.kind),
      [
        'drop-column', 'drop-column', 'rename-column', 'change-column', 'change-column', 'alter-column-default', 'alter-column-default',
        'add-index', 'add-index', 'add-index', 'add-index', 'add-index', 'drop-index', 'drop-index', 'drop-primary-key',
        'rename-index', 'alter-index-visibility', 'add-foreign-key', 'drop-foreign-key', 'add-check',
        'drop-check', 'drop-constraint', 'table-options', 'convert-charset', 'force', 'rename-table', 'partition', 'unknown',
      ],
    );
    const byKind = <K extends string>(k: K) => s.clauses.filter((c) => c.kind === k);
    assert.deepEqual(byKind('add-index')[0], { kind: 'add-index', index: { name: 'i1', kind: 'index', columns: [{ name: 'a', prefix: 10 }, { name: 'b', prefix: null, desc: true }], using: null, invisible: false } });
    assert.deepEqual(byKind('add-foreign-key')[0], {
      kind: 'add-foreign-key',
      foreignKey: { name: 'fk', columns: ['a'], refTable: { schema: 's', name: 'p' }, refColumns: ['id'], onDelete: 'CASCADE', onUpdate: null },
    });
    assert.deepEqual(byKind('table-options')[0], {
      kind: 'table-options',
      options: { engine: 'InnoDB', rowFormat: 'compressed', keyBlockSize: 8, autoIncrement: 10, comment: 'x', charset: 'latin1', collation: 'latin1_bin' },
    });
    assert.deepEqual(byKind('partition')[0], { kind: 'partition', text: 'DROP PARTITION p0, p1' });
    assert.deepEqual(byKind('unknown')[0], { kind: 'unknown', text: 'ORDER BY a' });
    assert.deepEqual(s.renames, [{ from: { schema: null, name: 't' }, to: { schema: null, name: 't2' } }]);
  });

  it('reads CREATE/DROP INDEX, OPTIMIZE, CREATE TABLE, DROP, TRUNCATE, RENAME and UPDATE/DELETE targets', function () {
    const ci = spec('CREATE UNIQUE INDEX u ON s.t (a, b(4)) USING BTREE ALGORITHM=INPLACE LOCK=SHARED');
    assert.deepEqual([ci.kind, ci.table, ci.algorithm, ci.lock, ci.clauses], [
      'create-index',
      { schema: 's', name: 't' },
      'inplace',
      'shared',
      [{ kind: 'add-index', index: { name: 'u', kind: 'unique', columns: [{ name: 'a', prefix: null }, { name: 'b', prefix: 4 }], using: 'BTREE', invisible: false } }],
    ]);
    assert.deepEqual(spec('DROP INDEX `PRIMARY` ON t').clauses, [{ kind: 'drop-primary-key' }]);
    assert.deepEqual(spec('DROP INDEX i ON t LOCK=NONE').clauses, [{ kind: 'drop-index', name: 'i' }]);
    assert.deepEqual(tablesOf(spec('OPTIMIZE NO_WRITE_TO_BINLOG TABLE a, s.b')), [{ schema: null, name: 'a' }, { schema: 's', name: 'b' }]);
    const ct = spec('CREATE TABLE IF NOT EXISTS x (id INT PRIMARY KEY AUTO_INCREMENT, j JSON, KEY kj ((CAST(j->"$.a" AS CHAR(10))))) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4');
    assert.deepEqual([ct.kind, ct.create!.ifNotExists, ct.create!.options, ct.create!.elements.map((e) => e.kind)], ['create-table', true, { engine: 'InnoDB', charset: 'utf8mb4' }, ['add-column', 'add-column', 'add-index']]);
    assert.deepEqual(spec('CREATE TABLE y LIKE s.x').create!.like, { schema: 's', name: 'x' });
    assert.equal(spec('CREATE TABLE z AS SELECT * FROM x').create!.asSelect, true);
    assert.deepEqual(spec('DROP TABLE IF EXISTS a, b').tables, [{ schema: null, name: 'a' }, { schema: null, name: 'b' }]);
    assert.deepEqual(spec('TRUNCATE TABLE s.t').table, { schema: 's', name: 't' });
    assert.deepEqual(spec('RENAME TABLE a TO b, c TO s.d').renames, [
      { from: { schema: null, name: 'a' }, to: { schema: null, name: 'b' } },
      { from: { schema: null, name: 'c' }, to: { schema: 's', name: 'd' } },
    ]);
    assert.deepEqual(spec('UPDATE s.a AS x JOIN b ON x.id = b.id SET x.v = 1').tables, [{ schema: 's', name: 'a' }, { schema: null, name: 'b' }]);
    assert.deepEqual(spec('DELETE FROM t WHERE id < 10').tables, [{ schema: null, name: 't' }]);
    assert.deepEqual(spec('DELETE x FROM s.a AS x JOIN b ON x.id = b.id').tables, [{ schema: 's', name: 'a' }]);
    assert.equal(spec('INSERT INTO t VALUES (1)').kind, 'other');
    assert.equal(parseDdl('  -- nothing\n'), null);
  });

  it("skips MariaDB's WAIT n / NOWAIT and reads options in executable comments", function () {
    assert.deepEqual(spec('ALTER TABLE t WAIT 5 DROP COLUMN a').clauses, [{ kind: 'drop-column', name: 'a' }]);
    assert.deepEqual(spec('ALTER TABLE t NOWAIT DROP COLUMN a').clauses, [{ kind: 'drop-column', name: 'a' }]);
    const s = spec('ALTER TABLE t ADD INDEX i (a) /*!50600 , ALGORITHM=INPLACE, LOCK=NONE */');
    assert.deepEqual([s.algorithm, s.lock, s.clauses.length], ['inplace', 'none', 1]);
  });

  it('keeps a clause it cannot read as unknown, with its text', function () {
    assert.deepEqual(spec('ALTER TABLE t ADD COLUMN c INT WEIRD_OPTION').clauses, [{ kind: 'unknown', text: 'ADD COLUMN c INT WEIRD_OPTION' }]);
    assert.deepEqual(spec('ALTER TABLE t DISCARD TABLESPACE').clauses, [{ kind: 'unknown', text: 'DISCARD TABLESPACE' }]);
  });
});

describe('impact: decideImpact, a table of cases per server', function () {
  // [statement, MySQL 8.4, MariaDB 10.11]
  const CASES: Array<[string, string, string]> = [
    ['ALTER TABLE t ADD COLUMN z INT', 'instant none', 'instant none'],
    ['ALTER TABLE t ADD COLUMN z INT FIRST', 'instant none', 'instant none'],
    ['ALTER TABLE t ADD COLUMN z INT NOT NULL', 'instant none', 'instant none'],
    ['ALTER TABLE t ADD COLUMN z INT DEFAULT (1 + 1)', 'copy shared rebuild', 'instant none'],
    ['ALTER TABLE t ADD COLUMN z DOUBLE DEFAULT (RAND())', 'unknown null null', 'instant none'],
    ['ALTER TABLE t ADD COLUMN z INT NULL DEFAULT (a + 1)', 'copy shared rebuild', 'copy shared rebuild'],
    ['ALTER TABLE t MODIFY id INT NOT NULL AUTO_INCREMENT, DROP PRIMARY KEY', 'unknown null null', 'unknown null null'],
    ['ALTER TABLE t ADD COLUMN z INT AS (b + 1) STORED', 'copy shared rebuild', 'copy shared rebuild'],
    ['ALTER TABLE t ADD COLUMN z INT AS (b + 1) VIRTUAL', 'instant none', 'instant none'],
    ['ALTER TABLE t ADD COLUMN z DATETIME NOT NULL', 'inplace none rebuild', 'instant none'],
    ['ALTER TABLE t ADD COLUMN z INT NOT NULL AUTO_INCREMENT UNIQUE', 'inplace shared rebuild', 'inplace shared rebuild'],
    ['ALTER TABLE t ADD COLUMN a INT', 'unknown null null', 'unknown null null'],
    ['ALTER TABLE t DROP COLUMN c', 'instant none', 'instant none'],
    ['ALTER TABLE t DROP COLUMN b', 'inplace none rebuild', 'inplace none'],
    ['ALTER TABLE t DROP COLUMN nope', 'unknown null null', 'unknown null null'],
    ['ALTER TABLE t RENAME COLUMN b TO b2', 'instant none', 'instant none'],
    ['ALTER TABLE t CHANGE c c2 INT NOT NULL DEFAULT 0', 'instant none', 'instant none'],
    ['ALTER TABLE t ALTER COLUMN c SET DEFAULT 1', 'instant none', 'instant none'],
    ['ALTER TABLE t ADD INDEX kc (c)', 'inplace none', 'inplace none'],
    ['CREATE UNIQUE INDEX uc ON t (c)', 'inplace none', 'inplace none'],
    ['ALTER TABLE t DROP INDEX kb', 'inplace none', 'inplace none'],
    ['ALTER TABLE t DROP INDEX kb, ADD INDEX kb (b, c)', 'inplace none', 'inplace none'],
    ['ALTER TABLE t RENAME INDEX kb TO kb2', 'inplace none', 'instant none'],
    ['ALTER TABLE t ADD FULLTEXT INDEX ft (a)', 'inplace shared rebuild', 'inplace shared rebuild'],
    ['ALTER TABLE t ADD FULLTEXT INDEX f1 (a), ADD FULLTEXT INDEX f2 (n)', 'unknown null null', 'unknown null null'],
    ['ALTER TABLE t MODIFY a VARCHAR(63)', 'inplace none', 'instant none'],
    ['ALTER TABLE t MODIFY a VARCHAR(64)', 'copy shared rebuild', 'instant none'],
    ['ALTER TABLE t MODIFY n VARCHAR(100)', 'copy shared rebuild', 'copy shared rebuild'],
    ['ALTER TABLE t MODIFY a VARCHAR(5)', 'copy shared rebuild', 'copy shared rebuild'],
    ['ALTER TABLE t MODIFY b BIGINT', 'copy shared rebuild', 'copy shared rebuild'],
    ['ALTER TABLE t MODIFY b INT NOT NULL', 'inplace none rebuild', 'inplace none rebuild'],
    ['ALTER TABLE t MODIFY c INT NULL', 'inplace none rebuild', 'inplace none rebuild'],
    ["ALTER TABLE t MODIFY e ENUM('x','y','z')", 'instant none', 'instant none'],
    ["ALTER TABLE t MODIFY e ENUM('y','x')", 'copy shared rebuild', 'copy shared rebuild'],
    ['ALTER TABLE t MODIFY m VARCHAR(60) CHARACTER SET utf8mb4', 'inplace none', 'instant none'],
    ['ALTER TABLE t MODIFY l VARCHAR(100) CHARACTER SET utf8mb4', 'copy shared rebuild', 'copy shared rebuild'],
    ['ALTER TABLE t MODIFY l VARCHAR(100)', 'copy shared rebuild', 'copy shared rebuild'],
    ['ALTER TABLE t MODIFY c INT NOT NULL DEFAULT 0 FIRST', 'inplace none rebuild', 'instant none'],
    ["ALTER TABLE t MODIFY c INT NOT NULL DEFAULT 0 COMMENT 'x'", 'instant none', 'instant none'],
    ['ALTER TABLE t MODIFY c INT NOT NULL DEFAULT 0 UNIQUE', 'inplace none', 'inplace none'],
    ["ALTER TABLE t COMMENT='x'", 'inplace none', 'instant none'],
    ['ALTER TABLE t AUTO_INCREMENT=100', 'inplace none', 'instant none'],
    ['ALTER TABLE t DEFAULT CHARSET=latin1', 'inplace none', 'instant none'],
    ['ALTER TABLE t FORCE', 'inplace none rebuild', 'inplace none rebuild'],
    ['ALTER TABLE t ENGINE=InnoDB', 'inplace none rebuild', 'inplace none rebuild'],
    ['ALTER TABLE t ENGINE=MyISAM', 'copy shared rebuild', 'copy shared rebuild'],
    ['ALTER TABLE t ROW_FORMAT=COMPACT', 'inplace none rebuild', 'inplace none rebuild'],
    ['ALTER TABLE t CONVERT TO CHARACTER SET utf8mb4', 'copy shared rebuild', 'copy shared rebuild'],
    ['ALTER TABLE t DROP PRIMARY KEY', 'copy shared rebuild', 'copy shared rebuild'],
    ['ALTER TABLE t DROP PRIMARY KEY, ADD PRIMARY KEY (id, c)', 'inplace none rebuild', 'inplace none rebuild'],
    ['ALTER TABLE t ADD PRIMARY KEY (c)', 'unknown null null', 'unknown null null'],
    ['ALTER TABLE t ADD CONSTRAINT f FOREIGN KEY (c) REFERENCES p (id)', 'copy shared rebuild', 'copy shared rebuild'],
    ['ALTER TABLE t DROP FOREIGN KEY fk_b', 'inplace none', 'instant none'],
    ['ALTER TABLE t ADD CONSTRAINT ck CHECK (c > 0)', 'copy shared rebuild', 'copy shared rebuild'],
    ['ALTER TABLE t ALTER INDEX kb INVISIBLE', 'inplace none', 'unknown null null'],
    ['ALTER TABLE t PARTITION BY HASH(id) PARTITIONS 4', 'unknown null null', 'unknown null null'],
    ['ALTER TABLE t ORDER BY b', 'unknown null null', 'unknown null null'],
    // mixed clauses: the weakest wins, and an instant clause runs at the statement's algorithm
    ['ALTER TABLE t ADD COLUMN z INT, ALTER COLUMN c SET DEFAULT 3', 'instant none', 'instant none'],
    ['ALTER TABLE t ADD COLUMN z INT, ADD INDEX kc (c)', 'inplace none rebuild', 'inplace none rebuild'],
    ['ALTER TABLE t ADD COLUMN z INT, MODIFY b BIGINT', 'copy shared rebuild', 'copy shared rebuild'],
    ['ALTER TABLE t ADD INDEX kc (c), ADD FULLTEXT INDEX ft (a)', 'inplace shared rebuild', 'inplace shared rebuild'],
    // stated ALGORITHM / LOCK: honoured, or the server refuses (unknown)
    ['ALTER TABLE t ADD COLUMN z INT, ALGORITHM=INSTANT', 'instant none', 'instant none'],
    ['ALTER TABLE t ADD COLUMN z INT, ALGORITHM=INPLACE', 'inplace none rebuild', 'instant none'],
    ['ALTER TABLE t ADD COLUMN z INT, ALGORITHM=COPY', 'copy shared rebuild', 'copy shared rebuild'],
    ['ALTER TABLE t ADD COLUMN z INT, ALGORITHM=NOCOPY', 'unknown null null', 'instant none'],
    ['ALTER TABLE t ADD COLUMN z INT, ALGORITHM=INSTANT, LOCK=NONE', 'unknown null null', 'instant none'],
    ['ALTER TABLE t ADD COLUMN z INT, LOCK=NONE', 'instant none', 'instant none'],
    ['ALTER TABLE t ADD INDEX kc (c), LOCK=EXCLUSIVE', 'inplace exclusive', 'inplace exclusive'],
    ['ALTER TABLE t ADD INDEX kc (c), ALGORITHM=INSTANT', 'unknown null null', 'unknown null null'],
    ['ALTER TABLE t ADD FULLTEXT INDEX ft (a), LOCK=NONE', 'unknown null null', 'unknown null null'],
    ['ALTER TABLE t MODIFY b BIGINT, ALGORITHM=INPLACE', 'unknown null null', 'unknown null null'],
    ['ALTER TABLE t MODIFY b BIGINT, LOCK=NONE', 'unknown null null', 'unknown null null'],
    ['DROP INDEX kb ON t ALGORITHM=INPLACE', 'inplace none', 'unknown null null'],
    ['ALTER ONLINE TABLE t ADD INDEX kc (c)', 'unknown null null', 'inplace none'],
    ['ALTER ONLINE TABLE t MODIFY b BIGINT', 'unknown null null', 'unknown null null'],
    // statements that are no ALTER
    ['OPTIMIZE TABLE t', 'inplace none rebuild', 'inplace none rebuild'],
    ['CREATE TABLE n (id INT PRIMARY KEY)', 'instant none', 'instant none'],
    ['CREATE TABLE n AS SELECT * FROM t', 'copy shared', 'copy shared'],
    ['DROP TABLE t', 'instant none', 'instant none'],
    ['TRUNCATE TABLE t', 'instant none', 'instant none'],
    ['RENAME TABLE t TO t2', 'instant none', 'instant none'],
    ['UPDATE t SET c = 1', 'unknown null null', 'unknown null null'],
  ];
  for (const [sql, mysql, mariadb] of CASES) {
    it(`${sql} → MySQL: ${mysql}; MariaDB: ${mariadb}`, function () {
      assert.deepEqual([decide(sql, MYSQL_84), decide(sql, MARIADB)], [mysql, mariadb]);
    });
  }

  it('follows MySQL versions: instant ADD COLUMN from 8.0.12 (last only until 8.0.29), DROP from 8.0.29, RENAME from 8.0.28', function () {
    const at = (v: string, sql: string) => decide(sql, { flavor: 'mysql', version: v });
    assert.deepEqual(
      ['8.0.11', '8.0.12', '8.0.28', '8.0.29'].map((v) => [at(v, 'ALTER TABLE t ADD COLUMN z INT'), at(v, 'ALTER TABLE t ADD COLUMN z INT FIRST'), at(v, 'ALTER TABLE t DROP COLUMN c'), at(v, 'ALTER TABLE t RENAME COLUMN c TO c2')]),
      [
        ['inplace none rebuild', 'inplace none rebuild', 'inplace none rebuild', 'inplace none'],
        ['instant none', 'inplace none rebuild', 'inplace none rebuild', 'inplace none'],
        ['instant none', 'inplace none rebuild', 'inplace none rebuild', 'instant none'],
        ['instant none', 'instant none', 'instant none', 'instant none'],
      ],
    );
  });

  it('follows MariaDB versions: instant ADD last from 10.3.2, anywhere and DROP from 10.4', function () {
    const at = (v: string, sql: string) => decide(sql, { flavor: 'mariadb', version: v });
    assert.deepEqual(
      ['10.2.40', '10.3.39', '10.4.34'].map((v) => [at(v, 'ALTER TABLE t ADD COLUMN z INT'), at(v, 'ALTER TABLE t ADD COLUMN z INT FIRST'), at(v, 'ALTER TABLE t DROP COLUMN c')]),
      [
        ['inplace none rebuild', 'inplace none rebuild', 'inplace none rebuild'],
        ['instant none', 'inplace none rebuild', 'inplace none rebuild'],
        ['instant none', 'instant none', 'instant none'],
      ],
    );
  });

  it('rebuilds instead of an instant column change at the row-version limit (64 on 8.0/8.4, 255 from 9.1), with a FULLTEXT index, or on a COMPRESSED table', function () {
    const sql = 'ALTER TABLE t ADD COLUMN z INT';
    assert.deepEqual(
      [
        decide(sql, MYSQL_84, table({ totalRowVersions: 63 })),
        decide(sql, MYSQL_84, table({ totalRowVersions: 64 })),
        decide(sql, { flavor: 'mysql', version: '9.7.4' }, table({ totalRowVersions: 64 })),
        decide(sql, { flavor: 'mysql', version: '9.7.4' }, table({ totalRowVersions: 255 })),
        decide(sql, MYSQL_84, table({ rowFormat: 'compressed' })),
        decide(sql, MARIADB, table({ rowFormat: 'compressed' })),
      ],
      ['instant none', 'inplace none rebuild', 'instant none', 'inplace none rebuild', 'inplace none rebuild', 'inplace none rebuild'],
    );
    const ft = table({ hasFulltext: true, indexes: [...table().indexes, { name: 'ft', primary: false, unique: false, type: 'FULLTEXT', columns: [{ name: 'a', prefix: null }], visible: true }] });
    // A FULLTEXT table copies on MySQL to rebuild, and rebuilds under LOCK=SHARED on MariaDB.
    assert.deepEqual([decide(sql, MYSQL_84, ft), decide(sql, MARIADB, ft), decide('ALTER TABLE t ADD FULLTEXT INDEX f2 (n)', MYSQL_84, ft)], ['copy shared rebuild', 'inplace shared rebuild', 'inplace shared']);
  });

  it('says unknown for a table the plan knows nothing of, or another engine', function () {
    const sql = 'ALTER TABLE t ADD COLUMN z INT';
    assert.deepEqual([decide(sql, MYSQL_84, null), decide(sql, MARIADB, table({ engine: 'MyISAM' }))], ['unknown null null', 'unknown null null']);
  });

  it('judges a partitioned table like any other, except partition maintenance and MariaDB adding a VIRTUAL column', function () {
    const p = table({ partitioned: true });
    const virtual = 'ALTER TABLE t ADD COLUMN v INT AS (c + 1) VIRTUAL';
    assert.deepEqual(
      [decide('ALTER TABLE t ADD COLUMN z INT', MYSQL_84, p), decide(virtual, MYSQL_84, p), decide(virtual, MARIADB, p), decide('ALTER TABLE t COALESCE PARTITION 1', MARIADB, p)],
      ['instant none', 'instant none', 'copy shared rebuild', 'unknown null null'],
    );
  });

  it('MySQL rebuilds an empty table in place when only LOCK is stated', function () {
    assert.equal(decide('ALTER TABLE t ADD COLUMN z INT, LOCK=SHARED', MYSQL_84, table({ rows: 0 })), 'inplace shared rebuild');
    assert.equal(decide('ALTER TABLE t ADD COLUMN z INT, LOCK=SHARED', MARIADB, table({ rows: 0 })), 'instant none');
  });

  it('gives one reason: what happens, what it blocks, what to do instead', function () {
    const d = decideImpact(spec('ALTER TABLE t MODIFY n VARCHAR(100)'), table(), MYSQL_84);
    assert.equal(
      d.reason,
      'Widening `n` from 200 to 400 bytes crosses 255 bytes, where each value\'s length prefix grows from 1 to 2 bytes: MySQL copies `t` and blocks writes for the whole copy. Stay at or under 255 bytes (63 characters in this character set), or use an online schema change tool.',
    );
    const mixed = decideImpact(spec('ALTER TABLE t ADD COLUMN z INT, ADD INDEX kc (c)'), table(), MYSQL_84);
    assert.equal(
      mixed.reason,
      'Building index `kc` runs in place: reads and writes go on, it scans the table once, and replicas replay it after it ends. With the other clauses, the whole statement runs in place (LOCK=NONE, rebuilding the table): split them into separate statements to keep the fast ones fast.',
    );
    const refused = decideImpact(spec('ALTER TABLE t MODIFY b BIGINT, ALGORITHM=INPLACE'), table(), MARIADB);
    assert.equal(
      refused.reason,
      "The server refuses this statement: ALGORITHM=INPLACE is not supported for it (Changing `b`'s type from int to bigint rewrites every value: MariaDB copies `t` and blocks writes for the whole copy. Add a new column, backfill it in batches, and switch over, or use an online schema change tool.) Drop the ALGORITHM clause or state the algorithm it supports.",
    );
  });

  it('says the server refuses to drop (or, on MySQL, rename) a column a generated column reads', function () {
    const base = table();
    const withGenerated = table({ columns: [...base.columns, { ...col('g', 'int'), extra: 'stored generated', generation: '(`c` + 1)', position: base.columns.length + 1 }] });
    const refusal = (what: string, says: string) =>
      `\`c\` is read by generated column \`g\` of \`t\`: the server refuses to ${what} it (${says}). Drop or redefine that column first, in an earlier statement.`;
    const cases: [string, ServerFacts, string | null][] = [
      ['ALTER TABLE t DROP COLUMN c', MYSQL_84, refusal('drop', '"has a generated column dependency"')],
      ['ALTER TABLE t RENAME COLUMN c TO c2', MYSQL_84, refusal('rename', '"has a generated column dependency"')],
      ['ALTER TABLE t CHANGE c c2 INT NOT NULL DEFAULT 0', MYSQL_84, refusal('rename', '"has a generated column dependency"')],
      ['ALTER TABLE t DROP COLUMN c', MARIADB, refusal('drop', '"Unknown column in GENERATED ALWAYS AS"')],
      // MariaDB renames it; a statement that drops the generated column too is no refusal on either.
      ['ALTER TABLE t RENAME COLUMN c TO c2', MARIADB, null],
      ['ALTER TABLE t DROP COLUMN g, DROP COLUMN c', MYSQL_84, null],
      ['ALTER TABLE t DROP COLUMN b', MYSQL_84, null],
    ];
    for (const [sql, server, reason] of cases) {
      const d = decideImpact(spec(sql), withGenerated, server);
      if (reason === null) assert.notEqual(d.algorithm, null, `${sql} on ${server.flavor}: ${d.reason}`);
      else assert.deepEqual([d.algorithm, d.reason], [null, reason], `${sql} on ${server.flavor}`);
    }
  });

  it('says the server refuses a clause naming a column, index or foreign key the table lacks, or a column it already has, on both servers', function () {
    const cases: [string, string][] = [
      ['ALTER TABLE t ADD COLUMN a INT', '`t` already has a column `a`: the server refuses the statement.'],
      ['ALTER TABLE t DROP COLUMN nope', '`t` has no column `nope`: the server refuses the statement.'],
      ['ALTER TABLE t CHANGE nope x INT', '`t` has no column `nope`: the server refuses the statement.'],
      ['ALTER TABLE t ALTER COLUMN nope SET DEFAULT 1', '`t` has no column `nope`: the server refuses the statement.'],
      ['ALTER TABLE t DROP INDEX nope', '`t` has no index `nope`: the server refuses the statement.'],
      ['ALTER TABLE t RENAME INDEX nope TO k2', '`t` has no index `nope`: the server refuses the statement.'],
      ['ALTER TABLE t DROP FOREIGN KEY nope', '`t` has no foreign key `nope`: the server refuses the statement.'],
    ];
    for (const [sql, reason] of cases) {
      for (const server of [MYSQL_84, MARIADB]) {
        const d = decideImpact(spec(sql), table(), server);
        assert.deepEqual([d.algorithm, d.reason], [null, reason], `${sql} on ${server.flavor}`);
      }
    }
  });

  it('judges only schema changes', function () {
    assert.deepEqual(['UPDATE t SET a = 1', 'DELETE FROM t', 'SELECT 1', 'ALTER TABLE t FORCE', 'DROP TABLE t'].map((s) => hasImpact(spec(s))), [false, false, false, true, true]);
  });

  it('normalises types the way the servers print them', function () {
    assert.deepEqual(['int(11)', 'INT(10) UNSIGNED', 'decimal', 'numeric(5)', 'char', 'year(4)', 'datetime(0)', 'varchar(10)'].map(normalizeType), [
      'int',
      'int unsigned',
      'decimal(10,0)',
      'decimal(5,0)',
      'char(1)',
      'year',
      'datetime',
      'varchar(10)',
    ]);
  });
});

describe('impact: estimateSeconds', function () {
  it('is 0 for instant and for an empty table, from the bytes for a rebuild or copy, null when unknown', function () {
    const t = table();
    const bytes = t.dataBytes + t.indexBytes;
    const d = (algorithm: 'instant' | 'inplace' | 'copy' | null, rebuild: boolean | null) => ({ algorithm, lock: null, rebuild, reason: '' });
    assert.deepEqual(
      [
        estimateSeconds(t, d('instant', false)),
        estimateSeconds(t, d('inplace', true)),
        estimateSeconds(t, d('copy', true)),
        estimateSeconds(t, d('inplace', false), spec('ALTER TABLE t DROP INDEX kb')),
        estimateSeconds(t, d('inplace', false), spec('ALTER TABLE t ADD INDEX kc (c)')),
        estimateSeconds(table({ rows: 0 }), d('copy', true)),
        estimateSeconds(t, d(null, null)),
        estimateSeconds(undefined, d('copy', true)),
      ],
      [0, Math.ceil(bytes / REBUILD_BYTES_PER_SECOND), Math.ceil(bytes / COPY_BYTES_PER_SECOND), 0, 1, 0, null, null],
    );
  });
});

describe('impact: the plan model (evolveFacts)', function () {
  it('judges a table created earlier in the plan from the model: empty, planned, with its columns and keys', function () {
    let model = new Map<string, TableFacts>();
    model = evolveFacts(model, spec("CREATE TABLE n (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, name VARCHAR(40) NOT NULL DEFAULT '', UNIQUE KEY u (name)) DEFAULT CHARSET=utf8mb4"), 's');
    const n = model.get('s.n')!;
    assert.deepEqual(
      [n.source, n.rows, n.dataBytes, n.charset, n.columns.map((c) => [c.name, c.columnType, c.nullable, c.extra, c.maxBytes, c.position]), n.indexes.map((i) => [i.name, i.primary, i.unique, i.columns.map((p) => p.name)])],
      [
        'planned',
        0,
        0,
        'utf8mb4',
        [
          ['id', 'int', false, 'auto_increment', null, 1],
          ['name', 'varchar(40)', false, '', 160, 2],
        ],
        [
          ['PRIMARY', true, true, ['id']],
          ['u', false, true, ['name']],
        ],
      ],
    );
    model = evolveFacts(model, spec('ALTER TABLE n ADD COLUMN note TEXT AFTER id, ADD INDEX kn (name(10)), RENAME COLUMN name TO title'), 's');
    const m = model.get('s.n')!;
    assert.deepEqual(m.columns.map((c) => `${c.position}:${c.name}`), ['1:id', '2:note', '3:title']);
    assert.deepEqual(m.indexes.map((i) => `${i.name}(${i.columns.map((p) => p.name).join(',')})`), ['PRIMARY(id)', 'u(title)', 'kn(title)']);
    // 40 → 60 utf8mb4 characters stays within 255 bytes (in place); 64 crosses it (copy).
    assert.deepEqual(
      ['VARCHAR(60)', 'VARCHAR(64)'].map((ty) => decideImpact(spec(`ALTER TABLE n MODIFY title ${ty} NOT NULL`), m, MYSQL_84).algorithm),
      ['inplace', 'copy'],
    );
  });

  it('follows renames, drops, truncates, LIKE and the columns a clause changes; leaves out what it cannot follow', function () {
    let model = new Map<string, TableFacts>([['s.t', table()]]);
    model = evolveFacts(model, spec('ALTER TABLE t MODIFY c BIGINT NULL FIRST, DROP COLUMN b, DROP FOREIGN KEY fk_b, ADD FULLTEXT INDEX ft (a)'), 's');
    const t = model.get('s.t')!;
    assert.deepEqual([t.source, t.rows, t.columns[0]!.name, t.columns[0]!.columnType, t.columns[0]!.nullable, t.columns.some((c) => c.name === 'b'), t.indexes.map((i) => i.name), t.foreignKeys, t.hasFulltext, t.totalRowVersions], [
      'planned',
      1000,
      'c',
      'bigint',
      true,
      false,
      ['PRIMARY', 'ft'],
      [],
      true,
      1,
    ]);
    model = evolveFacts(model, spec('CREATE TABLE t_copy LIKE t'), 's');
    assert.deepEqual([model.get('s.t_copy')!.rows, model.get('s.t_copy')!.columns.length], [0, t.columns.length]);
    model = evolveFacts(model, spec('RENAME TABLE t TO t_old'), 's');
    model = evolveFacts(model, spec('TRUNCATE TABLE t_old'), 's');
    assert.deepEqual([model.has('s.t'), model.get('s.t_old')!.rows, model.get('s.t_old')!.name], [false, 0, 't_old']);
    model = evolveFacts(model, spec('DROP TABLE t_old'), 's');
    model = evolveFacts(model, spec('ALTER TABLE t_copy ORDER BY a'), 's');
    model = evolveFacts(model, spec('CREATE TABLE q AS SELECT 1 AS x'), 's');
    assert.deepEqual([...model.keys()], []);
  });

  it('does not change the map it is given', function () {
    const model = new Map<string, TableFacts>([['s.t', table()]]);
    const next = evolveFacts(model, spec('ALTER TABLE t DROP COLUMN c'), 's');
    assert.deepEqual([model.get('s.t')!.columns.length, next.get('s.t')!.columns.length], [9, 8]);
  });
});

describe('impact: the reason a plan prints for each case, per server', function () {
  // The sentence a reviewer reads under each statement: what happens, what it blocks, what to do
  // instead. [statement, MySQL 8.4, MariaDB 10.11], on the table above.
  const REASONS: Array<[string, string, string]> = [
    ['ALTER TABLE t ADD COLUMN z INT',
      'Adding `z` is instant on MySQL 8.4.3: only metadata changes, nothing is blocked.',
      'Adding `z` is instant on MariaDB 10.11.6: only metadata changes, nothing is blocked.'],
    ['ALTER TABLE t ADD COLUMN z INT FIRST',
      'Adding `z` is instant on MySQL 8.4.3: only metadata changes, nothing is blocked.',
      'Adding `z` is instant on MariaDB 10.11.6: only metadata changes, nothing is blocked.'],
    ['ALTER TABLE t ADD COLUMN z INT NOT NULL',
      'Adding `z` is instant on MySQL 8.4.3: only metadata changes, nothing is blocked.',
      'Adding `z` is instant on MariaDB 10.11.6: only metadata changes, nothing is blocked.'],
    ['ALTER TABLE t ADD COLUMN z INT DEFAULT (1 + 1)',
      'Adding `z` with an expression DEFAULT copies `t` to compute it for every row, blocking writes for the whole copy. Add it with a constant default (instant) and backfill in batches.',
      'Adding `z` is instant on MariaDB 10.11.6: only metadata changes, nothing is blocked.'],
    ['ALTER TABLE t ADD COLUMN z DOUBLE DEFAULT (RAND())',
      'MySQL refuses to add `z` with the nondeterministic DEFAULT (RAND()) ("Statement is unsafe"). Add the column with a constant default and fill it in batches.',
      'Adding `z` is instant on MariaDB 10.11.6: only metadata changes, nothing is blocked.'],
    ['ALTER TABLE t ADD COLUMN z INT AS (b + 1) STORED',
      'Adding STORED generated column `z` copies `t` to compute it for every row, blocking writes for the whole copy. A VIRTUAL column is added instantly.',
      'Adding STORED (PERSISTENT) generated column `z` copies `t` to compute it for every row, blocking writes for the whole copy. A VIRTUAL column is added instantly.'],
    ['ALTER TABLE t ADD COLUMN z INT AS (b + 1) VIRTUAL',
      'Adding VIRTUAL column `z` only changes metadata: instant, nothing blocked.',
      'Adding VIRTUAL column `z` only changes metadata: instant, nothing blocked.'],
    ['ALTER TABLE t ADD COLUMN z DATETIME NOT NULL',
      'Adding `z` DATETIME NOT NULL without a DEFAULT cannot be instant on MySQL: it rebuilds `t` in place. Give it a DEFAULT to make it instant.',
      'Adding `z` is instant on MariaDB 10.11.6: only metadata changes, nothing is blocked.'],
    ['ALTER TABLE t ADD COLUMN z INT NOT NULL AUTO_INCREMENT UNIQUE',
      'Adding AUTO_INCREMENT column `z` rebuilds `t` and blocks writes (LOCK=SHARED) for the whole rebuild, while it numbers every row.',
      'Adding AUTO_INCREMENT column `z` rebuilds `t` and blocks writes (LOCK=SHARED) for the whole rebuild, while it numbers every row.'],
    ['ALTER TABLE t ADD COLUMN a INT',
      '`t` already has a column `a`: the server refuses the statement.',
      '`t` already has a column `a`: the server refuses the statement.'],
    ['ALTER TABLE t DROP COLUMN c',
      'Dropping `c` is instant on MySQL 8.4.3: only metadata changes. Its values are lost.',
      'Dropping `c` is instant on MariaDB 10.11.6: only metadata changes. Its values are lost.'],
    ['ALTER TABLE t DROP COLUMN b',
      'Dropping `b`, which an index uses, rebuilds `t` in place: writes go on, but every row is rewritten. The rows\' values in it are lost.',
      'Dropping `b`, which an index uses, drops that index too, in place without a rebuild: reads and writes go on. Its values are lost.'],
    ['ALTER TABLE t DROP COLUMN nope',
      '`t` has no column `nope`: the server refuses the statement.',
      '`t` has no column `nope`: the server refuses the statement.'],
    ['ALTER TABLE t RENAME COLUMN b TO b2',
      'Renaming `b` only changes metadata: instant. Deploy code that reads both names first.',
      'Renaming `b` only changes metadata: instant. Deploy code that reads both names first.'],
    ['ALTER TABLE t CHANGE c c2 INT NOT NULL DEFAULT 0',
      'Changing `c`\'s name, default or comment only changes metadata: instant.',
      'Changing `c`\'s name, default or comment only changes metadata: instant.'],
    ['ALTER TABLE t ALTER COLUMN c SET DEFAULT 1',
      'Changing `c`\'s default only changes metadata: instant. Rows already there keep their values.',
      'Changing `c`\'s default only changes metadata: instant. Rows already there keep their values.'],
    ['ALTER TABLE t ADD INDEX kc (c)',
      'Building index `kc` runs in place: reads and writes go on, it scans the table once, and replicas replay it after it ends.',
      'Building index `kc` runs in place: reads and writes go on, it scans the table once, and replicas replay it after it ends.'],
    ['CREATE UNIQUE INDEX uc ON t (c)',
      'Building index `uc` runs in place: reads and writes go on, it scans the table once, and replicas replay it after it ends. A duplicate value makes it fail at the end, after all the work.',
      'Building index `uc` runs in place: reads and writes go on, it scans the table once, and replicas replay it after it ends. A duplicate value makes it fail at the end, after all the work.'],
    ['ALTER TABLE t DROP INDEX kb',
      'Dropping index `kb` only changes metadata in place: reads and writes go on. Queries that used it get slower.',
      'Dropping index `kb` only changes metadata in place: reads and writes go on. Queries that used it get slower.'],
    ['ALTER TABLE t DROP INDEX kb, ADD INDEX kb (b, c)',
      'Dropping index `kb` only changes metadata in place: reads and writes go on. Queries that used it get slower.',
      'Dropping index `kb` only changes metadata in place: reads and writes go on. Queries that used it get slower.'],
    ['ALTER TABLE t RENAME INDEX kb TO kb2',
      'Renaming index `kb` changes metadata in place: reads and writes go on. Queries with index hints naming it fail afterwards.',
      'Renaming index `kb` only changes metadata: instant. Queries with index hints naming it fail afterwards.'],
    ['ALTER TABLE t ADD FULLTEXT INDEX ft (a)',
      'The first FULLTEXT index rebuilds `t` to add InnoDB\'s hidden FTS_DOC_ID column, and blocks writes (LOCK=SHARED) for the whole rebuild. Add an FTS_DOC_ID BIGINT UNSIGNED NOT NULL AUTO_INCREMENT column with a unique index FTS_DOC_ID_INDEX beforehand, or use an online schema change tool.',
      'The first FULLTEXT index rebuilds `t` to add InnoDB\'s hidden FTS_DOC_ID column, and blocks writes (LOCK=SHARED) for the whole rebuild. Add an FTS_DOC_ID BIGINT UNSIGNED NOT NULL AUTO_INCREMENT column with a unique index FTS_DOC_ID_INDEX beforehand, or use an online schema change tool.'],
    ['ALTER TABLE t ADD FULLTEXT INDEX f1 (a), ADD FULLTEXT INDEX f2 (n)',
      'InnoDB builds one FULLTEXT index per statement: the server refuses several at once. Add them in separate statements.',
      'InnoDB builds one FULLTEXT index per statement: the server refuses several at once. Add them in separate statements.'],
    ['ALTER TABLE t MODIFY a VARCHAR(63)',
      'Widening `a` from 40 to 252 bytes keeps its length prefix, so it only changes metadata in place: reads and writes go on.',
      'Widening `a` from 40 to 252 bytes keeps how its lengths are stored, so MariaDB does it instantly.'],
    ['ALTER TABLE t MODIFY a VARCHAR(64)',
      'Widening `a` from 40 to 256 bytes crosses 255 bytes, where each value\'s length prefix grows from 1 to 2 bytes: MySQL copies `t` and blocks writes for the whole copy. Stay at or under 255 bytes (63 characters in this character set), or use an online schema change tool.',
      'Widening `a` from 40 to 256 bytes keeps how its lengths are stored, so MariaDB does it instantly.'],
    ['ALTER TABLE t MODIFY n VARCHAR(100)',
      'Widening `n` from 200 to 400 bytes crosses 255 bytes, where each value\'s length prefix grows from 1 to 2 bytes: MySQL copies `t` and blocks writes for the whole copy. Stay at or under 255 bytes (63 characters in this character set), or use an online schema change tool.',
      'Widening `n` from 200 to 400 bytes changes how its lengths are stored (past 255 bytes from over 127): MariaDB copies `t` and blocks writes for the whole copy. Use an online schema change tool on a big table.'],
    ['ALTER TABLE t MODIFY a VARCHAR(5)',
      'Changing `a`\'s type from varchar(10) to varchar(5) rewrites every value: MySQL copies `t` and blocks writes for the whole copy. Add a new column, backfill it in batches, and switch over, or use an online schema change tool.',
      'Changing `a`\'s type from varchar(10) to varchar(5) rewrites every value: MariaDB copies `t` and blocks writes for the whole copy. Add a new column, backfill it in batches, and switch over, or use an online schema change tool.'],
    ['ALTER TABLE t MODIFY b BIGINT',
      'Changing `b`\'s type from int to bigint rewrites every value: MySQL copies `t` and blocks writes for the whole copy. Add a new column, backfill it in batches, and switch over, or use an online schema change tool.',
      'Changing `b`\'s type from int to bigint rewrites every value: MariaDB copies `t` and blocks writes for the whole copy. Add a new column, backfill it in batches, and switch over, or use an online schema change tool.'],
    ['ALTER TABLE t MODIFY b INT NOT NULL',
      'Making `b` NOT NULL rebuilds `t` in place: writes go on, but every row is rewritten, and a NULL in it makes the statement fail at the end.',
      'Making `b` NOT NULL rebuilds `t` in place: writes go on, but every row is rewritten, and a NULL in it makes the statement fail at the end.'],
    ['ALTER TABLE t MODIFY c INT NULL',
      'Making `c` nullable rebuilds `t` in place on MySQL: writes go on, but every row is rewritten.',
      'Making `c` nullable rebuilds `t` in place on MariaDB: writes go on, but every row is rewritten.'],
    ['ALTER TABLE t MODIFY e ENUM(\'x\',\'y\',\'z\')',
      'Appending members to the end of `e`\'s list only changes metadata: instant.',
      'Appending members to the end of `e`\'s list only changes metadata: instant.'],
    ['ALTER TABLE t MODIFY e ENUM(\'y\',\'x\')',
      'Changing `e`\'s type from enum(\'x\',\'y\') to enum(\'y\',\'x\') rewrites every value: MySQL copies `t` and blocks writes for the whole copy. Add a new column, backfill it in batches, and switch over, or use an online schema change tool.',
      'Changing `e`\'s type from enum(\'x\',\'y\') to enum(\'y\',\'x\') rewrites every value: MariaDB copies `t` and blocks writes for the whole copy. Add a new column, backfill it in batches, and switch over, or use an online schema change tool.'],
    ['ALTER TABLE t MODIFY m VARCHAR(60) CHARACTER SET utf8mb4',
      'Converting `m` from utf8mb3 to utf8mb4 keeps its stored bytes, so MySQL does it in place without a rebuild.',
      'Converting `m` from utf8mb3 to utf8mb4 keeps its stored bytes, so MariaDB does it instantly.'],
    ['ALTER TABLE t MODIFY l VARCHAR(100) CHARACTER SET utf8mb4',
      'Changing `l`\'s character set from latin1 to utf8mb4 re-encodes every value: MySQL copies `t` and blocks writes for the whole copy. Add a new column, backfill it in batches, and switch over instead.',
      'Changing `l`\'s character set from latin1 to utf8mb4 re-encodes every value: MariaDB copies `t` and blocks writes for the whole copy. Add a new column, backfill it in batches, and switch over instead.'],
    ['ALTER TABLE t MODIFY l VARCHAR(100)',
      'Changing `l`\'s character set from latin1 to utf8mb4 re-encodes every value: MySQL copies `t` and blocks writes for the whole copy. Add a new column, backfill it in batches, and switch over instead.',
      'Changing `l`\'s character set from latin1 to utf8mb4 re-encodes every value: MariaDB copies `t` and blocks writes for the whole copy. Add a new column, backfill it in batches, and switch over instead.'],
    ['ALTER TABLE t MODIFY c INT NOT NULL DEFAULT 0 FIRST',
      'Moving `c` to another position rebuilds `t` in place on MySQL: writes go on, but every row is rewritten. Leave the column where it is.',
      'Changing `c`\'s name, default or comment only changes metadata: instant.'],
    ['ALTER TABLE t MODIFY c INT NOT NULL DEFAULT 0 COMMENT \'x\'',
      'Changing `c`\'s name, default or comment only changes metadata: instant.',
      'Changing `c`\'s name, default or comment only changes metadata: instant.'],
    ['ALTER TABLE t MODIFY c INT NOT NULL DEFAULT 0 UNIQUE',
      'Building index the new index runs in place: reads and writes go on, it scans the table once, and replicas replay it after it ends. A duplicate value makes it fail at the end, after all the work.',
      'Building index the new index runs in place: reads and writes go on, it scans the table once, and replicas replay it after it ends. A duplicate value makes it fail at the end, after all the work.'],
    ['ALTER TABLE t COMMENT=\'x\'',
      'Changing `t`\'s comment changes metadata in place: reads and writes go on.',
      'Changing `t`\'s comment only changes metadata: instant.'],
    ['ALTER TABLE t AUTO_INCREMENT=100',
      'Setting `t`\'s AUTO_INCREMENT counter changes metadata in place: reads and writes go on.',
      'Setting `t`\'s AUTO_INCREMENT counter only changes metadata: instant.'],
    ['ALTER TABLE t DEFAULT CHARSET=latin1',
      'Changing `t`\'s default character set or collation only affects columns added later; existing columns keep theirs. In place, nothing blocked.',
      'Changing `t`\'s default character set or collation only affects columns added later: instant.'],
    ['ALTER TABLE t FORCE',
      'FORCE rebuilds `t` in place: reads and writes go on, but every row is rewritten (it needs free space the size of the table) and replicas replay it after it ends.',
      'FORCE rebuilds `t` in place: reads and writes go on, but every row is rewritten (it needs free space the size of the table) and replicas replay it after it ends.'],
    ['ALTER TABLE t ENGINE=InnoDB',
      'ENGINE=InnoDB rebuilds `t` in place: reads and writes go on, but every row is rewritten (it needs free space the size of the table) and replicas replay it after it ends.',
      'ENGINE=InnoDB rebuilds `t` in place: reads and writes go on, but every row is rewritten (it needs free space the size of the table) and replicas replay it after it ends.'],
    ['ALTER TABLE t ENGINE=MyISAM',
      'Changing `t` to ENGINE=MyISAM copies every row into the new engine and blocks writes for the whole copy.',
      'Changing `t` to ENGINE=MyISAM copies every row into the new engine and blocks writes for the whole copy.'],
    ['ALTER TABLE t ROW_FORMAT=COMPACT',
      'ROW_FORMAT=COMPACT rebuilds `t` in place: reads and writes go on, but every row is rewritten (it needs free space the size of the table) and replicas replay it after it ends.',
      'ROW_FORMAT=COMPACT rebuilds `t` in place: reads and writes go on, but every row is rewritten (it needs free space the size of the table) and replicas replay it after it ends.'],
    ['ALTER TABLE t CONVERT TO CHARACTER SET utf8mb4',
      'CONVERT TO CHARACTER SET utf8mb4 re-encodes every text column: MySQL copies `t` and blocks writes for the whole copy. Convert column by column with an online schema change tool on big tables.',
      'CONVERT TO CHARACTER SET utf8mb4 re-encodes every text column: MariaDB copies `t` and blocks writes for the whole copy. Convert column by column with an online schema change tool on big tables.'],
    ['ALTER TABLE t DROP PRIMARY KEY',
      'Dropping the primary key without adding another copies `t` and blocks writes for the whole copy. Add the new primary key in the same statement (DROP PRIMARY KEY, ADD PRIMARY KEY (...)) to rebuild in place instead.',
      'Dropping the primary key without adding another copies `t` and blocks writes for the whole copy. Add the new primary key in the same statement (DROP PRIMARY KEY, ADD PRIMARY KEY (...)) to rebuild in place instead.'],
    ['ALTER TABLE t DROP PRIMARY KEY, ADD PRIMARY KEY (id, c)',
      'Replacing the primary key rebuilds `t` in place: writes go on, but every row is rewritten.',
      'Replacing the primary key rebuilds `t` in place: writes go on, but every row is rewritten.'],
    ['ALTER TABLE t ADD PRIMARY KEY (c)',
      '`t` already has a primary key: the server refuses a second one ("Multiple primary key defined"). Drop the old one in the same statement.',
      '`t` already has a primary key: the server refuses a second one ("Multiple primary key defined"). Drop the old one in the same statement.'],
    ['ALTER TABLE t ADD CONSTRAINT f FOREIGN KEY (c) REFERENCES p (id)',
      'Adding foreign key `f` (`c`) → `p` with foreign_key_checks on copies `t` to validate every row, blocking writes for the whole copy. With foreign_key_checks=0 it runs in place without a copy, but then existing orphans go unnoticed: check for them first.',
      'Adding foreign key `f` (`c`) → `p` with foreign_key_checks on copies `t` to validate every row, blocking writes for the whole copy. With foreign_key_checks=0 it runs in place without a copy, but then existing orphans go unnoticed: check for them first.'],
    ['ALTER TABLE t DROP FOREIGN KEY fk_b',
      'Dropping foreign key `fk_b` only changes metadata: reads and writes go on (its index stays).',
      'Dropping foreign key `fk_b` only changes metadata: reads and writes go on (its index stays).'],
    ['ALTER TABLE t ADD CONSTRAINT ck CHECK (c > 0)',
      'Adding a CHECK constraint copies `t` to validate every row, blocking writes for the whole copy. On a big table, enforce the rule in the application first and add the constraint in a quiet window.',
      'Adding a CHECK constraint copies `t` to validate every row, blocking writes for the whole copy. On a big table, enforce the rule in the application first and add the constraint in a quiet window.'],
    ['ALTER TABLE t ALTER INDEX kb INVISIBLE',
      'Making index `kb` invisible changes metadata in place: nothing blocked, and it is the safe way to try dropping an index.',
      'MariaDB spells index visibility IGNORED / NOT IGNORED (10.6+), not VISIBLE / INVISIBLE; the rules do not judge it.'],
    ['ALTER TABLE t PARTITION BY HASH(id) PARTITIONS 4',
      'The rules do not know how the server runs `PARTITION BY HASH(id) PARTITIONS 4`, so this counts as blocking. Run it on a copy of the table with ALGORITHM=INPLACE, LOCK=NONE to find out.',
      'The rules do not know how the server runs `PARTITION BY HASH(id) PARTITIONS 4`, so this counts as blocking. Run it on a copy of the table with ALGORITHM=INPLACE, LOCK=NONE to find out.'],
    ['ALTER TABLE t ORDER BY b',
      'The rules do not know how the server runs `ORDER BY b`, so this counts as blocking. Run it on a copy of the table with ALGORITHM=INPLACE, LOCK=NONE to find out.',
      'The rules do not know how the server runs `ORDER BY b`, so this counts as blocking. Run it on a copy of the table with ALGORITHM=INPLACE, LOCK=NONE to find out.'],
    ['ALTER TABLE t ADD COLUMN z INT, ALTER COLUMN c SET DEFAULT 3',
      'Adding `z` is instant on MySQL 8.4.3: only metadata changes, nothing is blocked.',
      'Adding `z` is instant on MariaDB 10.11.6: only metadata changes, nothing is blocked.'],
    ['ALTER TABLE t ADD COLUMN z INT, ADD INDEX kc (c)',
      'Building index `kc` runs in place: reads and writes go on, it scans the table once, and replicas replay it after it ends. With the other clauses, the whole statement runs in place (LOCK=NONE, rebuilding the table): split them into separate statements to keep the fast ones fast.',
      'Building index `kc` runs in place: reads and writes go on, it scans the table once, and replicas replay it after it ends. With the other clauses, the whole statement runs in place (LOCK=NONE, rebuilding the table): split them into separate statements to keep the fast ones fast.'],
    ['ALTER TABLE t ADD COLUMN z INT, MODIFY b BIGINT',
      'Changing `b`\'s type from int to bigint rewrites every value: MySQL copies `t` and blocks writes for the whole copy. Add a new column, backfill it in batches, and switch over, or use an online schema change tool.',
      'Changing `b`\'s type from int to bigint rewrites every value: MariaDB copies `t` and blocks writes for the whole copy. Add a new column, backfill it in batches, and switch over, or use an online schema change tool.'],
    ['ALTER TABLE t ADD INDEX kc (c), ADD FULLTEXT INDEX ft (a)',
      'The first FULLTEXT index rebuilds `t` to add InnoDB\'s hidden FTS_DOC_ID column, and blocks writes (LOCK=SHARED) for the whole rebuild. Add an FTS_DOC_ID BIGINT UNSIGNED NOT NULL AUTO_INCREMENT column with a unique index FTS_DOC_ID_INDEX beforehand, or use an online schema change tool.',
      'The first FULLTEXT index rebuilds `t` to add InnoDB\'s hidden FTS_DOC_ID column, and blocks writes (LOCK=SHARED) for the whole rebuild. Add an FTS_DOC_ID BIGINT UNSIGNED NOT NULL AUTO_INCREMENT column with a unique index FTS_DOC_ID_INDEX beforehand, or use an online schema change tool.'],
    ['ALTER TABLE t ADD COLUMN z INT, ALGORITHM=INSTANT',
      'Adding `z` is instant on MySQL 8.4.3: only metadata changes, nothing is blocked.',
      'Adding `z` is instant on MariaDB 10.11.6: only metadata changes, nothing is blocked.'],
    ['ALTER TABLE t ADD COLUMN z INT, ALGORITHM=INPLACE',
      'ALGORITHM=INPLACE is stated, so the server runs it in place (LOCK=NONE, rebuilding the table). Adding `z` is instant on MySQL 8.4.3: only metadata changes, nothing is blocked.',
      'Adding `z` is instant on MariaDB 10.11.6: only metadata changes, nothing is blocked.'],
    ['ALTER TABLE t ADD COLUMN z INT, ALGORITHM=COPY',
      'ALGORITHM=COPY is stated, so the server runs it as a table copy that blocks writes. Adding `z` is instant on MySQL 8.4.3: only metadata changes, nothing is blocked.',
      'ALGORITHM=COPY is stated, so the server runs it as a table copy that blocks writes. Adding `z` is instant on MariaDB 10.11.6: only metadata changes, nothing is blocked.'],
    ['ALTER TABLE t ADD COLUMN z INT, ALGORITHM=NOCOPY',
      'ALGORITHM=NOCOPY is MariaDB syntax: MySQL refuses the statement with a syntax error.',
      'Adding `z` is instant on MariaDB 10.11.6: only metadata changes, nothing is blocked.'],
    ['ALTER TABLE t ADD COLUMN z INT, ALGORITHM=INSTANT, LOCK=NONE',
      'MySQL refuses ALGORITHM=INSTANT together with LOCK=NONE ("Incorrect usage"): drop the LOCK clause.',
      'Adding `z` is instant on MariaDB 10.11.6: only metadata changes, nothing is blocked.'],
    ['ALTER TABLE t ADD COLUMN z INT, LOCK=NONE',
      'Adding `z` is instant on MySQL 8.4.3: only metadata changes, nothing is blocked.',
      'Adding `z` is instant on MariaDB 10.11.6: only metadata changes, nothing is blocked.'],
    ['ALTER TABLE t ADD INDEX kc (c), LOCK=EXCLUSIVE',
      'Building index `kc` runs in place: reads and writes go on, it scans the table once, and replicas replay it after it ends. LOCK=EXCLUSIVE is stated, so it blocks reads and writes for as long as it runs.',
      'Building index `kc` runs in place: reads and writes go on, it scans the table once, and replicas replay it after it ends. LOCK=EXCLUSIVE is stated, so it blocks reads and writes for as long as it runs.'],
    ['ALTER TABLE t ADD INDEX kc (c), ALGORITHM=INSTANT',
      'The server refuses this statement: ALGORITHM=INSTANT is not supported for it (Building index `kc` runs in place: reads and writes go on, it scans the table once, and replicas replay it after it ends.) Drop the ALGORITHM clause or state the algorithm it supports.',
      'The server refuses this statement: ALGORITHM=INSTANT is not supported for it (Building index `kc` runs in place: reads and writes go on, it scans the table once, and replicas replay it after it ends.) Drop the ALGORITHM clause or state the algorithm it supports.'],
    ['ALTER TABLE t ADD FULLTEXT INDEX ft (a), LOCK=NONE',
      'The server refuses this statement: LOCK=NONE is stated but it needs LOCK=SHARED (The first FULLTEXT index rebuilds `t` to add InnoDB\'s hidden FTS_DOC_ID column, and blocks writes (LOCK=SHARED) for the whole rebuild. Add an FTS_DOC_ID BIGINT UNSIGNED NOT NULL AUTO_INCREMENT column with a unique index FTS_DOC_ID_INDEX beforehand, or use an online schema change tool.) Drop the LOCK clause or state LOCK=SHARED.',
      'The server refuses this statement: LOCK=NONE is stated but it needs LOCK=SHARED (The first FULLTEXT index rebuilds `t` to add InnoDB\'s hidden FTS_DOC_ID column, and blocks writes (LOCK=SHARED) for the whole rebuild. Add an FTS_DOC_ID BIGINT UNSIGNED NOT NULL AUTO_INCREMENT column with a unique index FTS_DOC_ID_INDEX beforehand, or use an online schema change tool.) Drop the LOCK clause or state LOCK=SHARED.'],
    ['ALTER TABLE t MODIFY b BIGINT, ALGORITHM=INPLACE',
      'The server refuses this statement: ALGORITHM=INPLACE is not supported for it (Changing `b`\'s type from int to bigint rewrites every value: MySQL copies `t` and blocks writes for the whole copy. Add a new column, backfill it in batches, and switch over, or use an online schema change tool.) Drop the ALGORITHM clause or state the algorithm it supports.',
      'The server refuses this statement: ALGORITHM=INPLACE is not supported for it (Changing `b`\'s type from int to bigint rewrites every value: MariaDB copies `t` and blocks writes for the whole copy. Add a new column, backfill it in batches, and switch over, or use an online schema change tool.) Drop the ALGORITHM clause or state the algorithm it supports.'],
    ['ALTER TABLE t MODIFY b BIGINT, LOCK=NONE',
      'The server refuses this statement: LOCK=NONE is stated but it needs LOCK=SHARED (Changing `b`\'s type from int to bigint rewrites every value: MySQL copies `t` and blocks writes for the whole copy. Add a new column, backfill it in batches, and switch over, or use an online schema change tool.) Drop the LOCK clause or state LOCK=SHARED.',
      'The server refuses this statement: LOCK=NONE is stated but it needs LOCK=SHARED (Changing `b`\'s type from int to bigint rewrites every value: MariaDB copies `t` and blocks writes for the whole copy. Add a new column, backfill it in batches, and switch over, or use an online schema change tool.) Drop the LOCK clause or state LOCK=SHARED.'],
    ['DROP INDEX kb ON t ALGORITHM=INPLACE',
      'Dropping index `kb` only changes metadata in place: reads and writes go on. Queries that used it get slower.',
      'MariaDB takes no ALGORITHM/LOCK on DROP INDEX ... ON (a syntax error): write ALTER TABLE ... DROP INDEX ..., ALGORITHM=... instead.'],
    ['ALTER ONLINE TABLE t ADD INDEX kc (c)',
      'ALTER ONLINE TABLE is MariaDB syntax: MySQL refuses the statement. Write LOCK=NONE instead.',
      'Building index `kc` runs in place: reads and writes go on, it scans the table once, and replicas replay it after it ends.'],
    ['ALTER ONLINE TABLE t MODIFY b BIGINT',
      'ALTER ONLINE TABLE is MariaDB syntax: MySQL refuses the statement. Write LOCK=NONE instead.',
      'The server refuses this statement: LOCK=NONE is stated but it needs LOCK=SHARED (Changing `b`\'s type from int to bigint rewrites every value: MariaDB copies `t` and blocks writes for the whole copy. Add a new column, backfill it in batches, and switch over, or use an online schema change tool.) Drop the LOCK clause or state LOCK=SHARED.'],
    ['OPTIMIZE TABLE t',
      'OPTIMIZE TABLE rebuilds `t` in place: writes go on, but it reads and rewrites every row, and replicas replay it after it ends.',
      'OPTIMIZE TABLE rebuilds `t` in place: writes go on, but it reads and rewrites every row, and replicas replay it after it ends.'],
    ['CREATE TABLE n (id INT PRIMARY KEY)',
      'CREATE TABLE makes an empty `n`: nothing existing is touched.',
      'CREATE TABLE makes an empty `n`: nothing existing is touched.'],
    ['CREATE TABLE n AS SELECT * FROM t',
      'CREATE TABLE ... SELECT copies the query\'s rows into `n` in one transaction, locking the rows it reads in the source tables; create the table empty and fill it in batches instead.',
      'CREATE TABLE ... SELECT copies the query\'s rows into `n` in one transaction, locking the rows it reads in the source tables; create the table empty and fill it in batches instead.'],
    ['DROP TABLE t',
      'DROP TABLE removes `t` and its rows at once; it waits for every open transaction that touched the table, and statements queue behind it meanwhile. Take a snapshot first if the rows may be needed.',
      'DROP TABLE removes `t` and its rows at once; it waits for every open transaction that touched the table, and statements queue behind it meanwhile. Take a snapshot first if the rows may be needed.'],
    ['TRUNCATE TABLE t',
      'TRUNCATE recreates `t` empty; like DROP TABLE it waits for open transactions on the table, and the rows are gone.',
      'TRUNCATE recreates `t` empty; like DROP TABLE it waits for open transactions on the table, and the rows are gone.'],
    ['RENAME TABLE t TO t2',
      'RENAME TABLE only changes metadata; it waits briefly for open transactions on the tables it renames.',
      'RENAME TABLE only changes metadata; it waits briefly for open transactions on the tables it renames.'],
    ['UPDATE t SET c = 1',
      'Not a schema change: the online DDL rules do not apply (row locks and run time depend on the rows it touches).',
      'Not a schema change: the online DDL rules do not apply (row locks and run time depend on the rows it touches).'],
    ['ALTER TABLE t ADD INDEX kc (c), ALGORITHM=COPY',
      'ALGORITHM=COPY is stated, so the server runs it as a table copy that blocks writes. Building index `kc` runs in place: reads and writes go on, it scans the table once, and replicas replay it after it ends.',
      'ALGORITHM=COPY is stated, so the server runs it as a table copy that blocks writes. Building index `kc` runs in place: reads and writes go on, it scans the table once, and replicas replay it after it ends.'],
    ['ALTER TABLE t ADD INDEX kc (c), ALGORITHM=INPLACE, LOCK=SHARED',
      'Building index `kc` runs in place: reads and writes go on, it scans the table once, and replicas replay it after it ends. LOCK=SHARED is stated, so it blocks writes for as long as it runs.',
      'Building index `kc` runs in place: reads and writes go on, it scans the table once, and replicas replay it after it ends. LOCK=SHARED is stated, so it blocks writes for as long as it runs.'],
    ['ALTER TABLE t ADD INDEX kc (c), ALGORITHM=NOCOPY',
      'ALGORITHM=NOCOPY is MariaDB syntax: MySQL refuses the statement with a syntax error.',
      'Building index `kc` runs in place: reads and writes go on, it scans the table once, and replicas replay it after it ends.'],
    ['ALTER TABLE t FORCE, ALGORITHM=NOCOPY',
      'ALGORITHM=NOCOPY is MariaDB syntax: MySQL refuses the statement with a syntax error.',
      'The server refuses this statement: ALGORITHM=NOCOPY is not supported for it (FORCE rebuilds `t` in place: reads and writes go on, but every row is rewritten (it needs free space the size of the table) and replicas replay it after it ends.) Drop the ALGORITHM clause or state the algorithm it supports.'],
    ['ALTER TABLE t ALGORITHM=INPLACE',
      'An ALTER TABLE with only ALGORITHM/LOCK changes nothing the rules know of.',
      'An ALTER TABLE with only ALGORITHM/LOCK changes nothing the rules know of.'],
    ['ALTER TABLE t LOCK=NONE',
      'An ALTER TABLE with only ALGORITHM/LOCK changes nothing the rules know of.',
      'An ALTER TABLE with only ALGORITHM/LOCK changes nothing the rules know of.'],
    ['ALTER TABLE t MODIFY b BIGINT, ALGORITHM=COPY, LOCK=SHARED',
      'Changing `b`\'s type from int to bigint rewrites every value: MySQL copies `t` and blocks writes for the whole copy. Add a new column, backfill it in batches, and switch over, or use an online schema change tool.',
      'Changing `b`\'s type from int to bigint rewrites every value: MariaDB copies `t` and blocks writes for the whole copy. Add a new column, backfill it in batches, and switch over, or use an online schema change tool.'],
    ['ALTER TABLE t ADD COLUMN z INT, ADD INDEX kc (c), LOCK=SHARED',
      'Building index `kc` runs in place: reads and writes go on, it scans the table once, and replicas replay it after it ends. With the other clauses, the whole statement runs in place (LOCK=NONE, rebuilding the table): split them into separate statements to keep the fast ones fast. LOCK=SHARED is stated, so it blocks writes for as long as it runs.',
      'Building index `kc` runs in place: reads and writes go on, it scans the table once, and replicas replay it after it ends. With the other clauses, the whole statement runs in place (LOCK=NONE, rebuilding the table): split them into separate statements to keep the fast ones fast. LOCK=SHARED is stated, so it blocks writes for as long as it runs.'],
  ];
  for (const [sql, mysql, mariadb] of REASONS) {
    it(sql, function () {
      assert.deepEqual([decideImpact(spec(sql), table(), MYSQL_84).reason, decideImpact(spec(sql), table(), MARIADB).reason], [mysql, mariadb]);
    });
  }

  // The same table with a FULLTEXT index: MySQL copies where it would rebuild in place, MariaDB rebuilds with LOCK=SHARED.
  const FULLTEXT: Array<[string, string, string]> = [
    ['OPTIMIZE TABLE t',
      'OPTIMIZE TABLE rebuilds `t`, and with a FULLTEXT index MySQL copies it, blocking writes for the whole copy. Run it in a maintenance window or with an online schema change tool.',
      'OPTIMIZE TABLE rebuilds `t` in place, and its FULLTEXT index with it, which blocks writes (LOCK=SHARED) for the whole rebuild. Run it in a quiet window.'],
    ['ALTER TABLE t FORCE',
      'FORCE rebuilds `t` in place: reads and writes go on, but every row is rewritten (it needs free space the size of the table) and replicas replay it after it ends. With a FULLTEXT index on the table, MySQL cannot rebuild in place: it copies the table and blocks writes for the whole copy.',
      'FORCE rebuilds `t` in place: reads and writes go on, but every row is rewritten (it needs free space the size of the table) and replicas replay it after it ends. The table\'s FULLTEXT index is rebuilt too, which blocks writes (LOCK=SHARED) for the whole rebuild.'],
    ['ALTER TABLE t ADD COLUMN z INT',
      'Adding `z` rebuilds `t` in place because `t` has a FULLTEXT index, which rules out instant column changes: writes go on, but every row is rewritten. With a FULLTEXT index on the table, MySQL cannot rebuild in place: it copies the table and blocks writes for the whole copy.',
      'Adding `z` rebuilds `t` in place because `t` has a FULLTEXT index (InnoDB\'s hidden FTS_DOC_ID), which rules out instant column changes: writes go on, but every row is rewritten. The table\'s FULLTEXT index is rebuilt too, which blocks writes (LOCK=SHARED) for the whole rebuild.'],
    ['ALTER TABLE t DROP COLUMN b',
      'Dropping `b`, which an index uses, rebuilds `t` in place: writes go on, but every row is rewritten. The rows\' values in it are lost. With a FULLTEXT index on the table, MySQL cannot rebuild in place: it copies the table and blocks writes for the whole copy.',
      'Dropping `b` rebuilds `t` in place because `t` has a FULLTEXT index (InnoDB\'s hidden FTS_DOC_ID), which rules out instant column changes: writes go on, but every row is rewritten. The table\'s FULLTEXT index is rebuilt too, which blocks writes (LOCK=SHARED) for the whole rebuild.'],
  ];
  for (const [sql, mysql, mariadb] of FULLTEXT) {
    it(`${sql}, on a table with a FULLTEXT index`, function () {
      const t = table({ hasFulltext: true });
      assert.deepEqual([decideImpact(spec(sql), t, MYSQL_84).reason, decideImpact(spec(sql), t, MARIADB).reason], [mysql, mariadb]);
    });
  }
});

describe('impact: the plan model follows every clause a plan can hold', function () {
  it('keeps columns, defaults, visibility, indexes, foreign keys, options and row versions through a long plan', function () {
    const steps = [
      'ALTER TABLE t ALTER COLUMN c SET DEFAULT 7, ALTER COLUMN a DROP DEFAULT, ALTER COLUMN n SET INVISIBLE',
      'ALTER TABLE t CHANGE b bb BIGINT NOT NULL AFTER id, MODIFY a VARCHAR(20) CHARACTER SET latin1 UNIQUE',
      'ALTER TABLE t ADD COLUMN u INT UNIQUE FIRST, ADD COLUMN g INT AS (c + 1) VIRTUAL, ADD COLUMN d DATETIME DEFAULT (NOW()) INVISIBLE',
      'ALTER TABLE t RENAME INDEX kb TO kbb, ALTER INDEX kbb INVISIBLE, ADD INDEX (c), ADD INDEX (c), ADD SPATIAL INDEX sp (g), ADD FULLTEXT INDEX ft (tx)',
      'ALTER TABLE t ADD CONSTRAINT FOREIGN KEY (c) REFERENCES q.p (id), ADD CONSTRAINT fk2 FOREIGN KEY (id) REFERENCES p (id), ADD CONSTRAINT fk3 FOREIGN KEY (m) REFERENCES p (m)',
      'ALTER TABLE t DROP CONSTRAINT fk2, DROP CONSTRAINT c_2, DROP INDEX sp, DROP INDEX ft, DROP FOREIGN KEY FK3',
      'ALTER TABLE t DROP PRIMARY KEY, ADD PRIMARY KEY (id, c), ADD UNIQUE INDEX um (m(10))',
      'ALTER TABLE t ENGINE=InnoDB ROW_FORMAT=COMPRESSED DEFAULT CHARSET=latin1',
      'ALTER TABLE t CONVERT TO CHARACTER SET utf8mb3 COLLATE utf8mb3_bin',
      'ALTER TABLE t RENAME TO q.t2',
      'OPTIMIZE TABLE q.t2',
    ];
    let model = new Map<string, TableFacts>([['s.t', table({ totalRowVersions: 3 })]]);
    const after: string[] = [];
    for (const sql of steps) {
      model = evolveFacts(model, spec(sql), 's');
      assert.equal(model.size, 1, sql);
      const [key, t] = [...model.entries()][0]!;
      after.push(`${key} ${t.rowFormat} versions=${t.totalRowVersions} fulltext=${t.hasFulltext} fts_doc_id=${t.hiddenFtsDocId}`);
    }
    // Instant column changes count row versions; a rebuild (new row format, OPTIMIZE) starts again at 0.
    assert.deepEqual(after, [
      's.t dynamic versions=3 fulltext=false fts_doc_id=false',
      's.t dynamic versions=3 fulltext=false fts_doc_id=false',
      's.t dynamic versions=6 fulltext=false fts_doc_id=false',
      's.t dynamic versions=6 fulltext=true fts_doc_id=true',
      's.t dynamic versions=6 fulltext=true fts_doc_id=true',
      's.t dynamic versions=6 fulltext=false fts_doc_id=true',
      's.t dynamic versions=6 fulltext=false fts_doc_id=true',
      's.t compressed versions=0 fulltext=false fts_doc_id=true',
      's.t compressed versions=0 fulltext=false fts_doc_id=true',
      'q.t2 compressed versions=0 fulltext=false fts_doc_id=true',
      'q.t2 compressed versions=0 fulltext=false fts_doc_id=true',
    ]);
    const t = model.get('q.t2')!;
    assert.deepEqual([t.schema, t.name, t.source, t.engine, t.charset, t.collation, t.rows], ['q', 't2', 'planned', 'InnoDB', 'utf8mb3', 'utf8mb3_bin', 1000]);
    assert.deepEqual(t.columns.map((c) => `${c.position}:${c.name} ${c.columnType} ${c.nullable ? 'NULL' : 'NOT NULL'} default=${c.default} extra=${c.extra} ${c.charset}/${c.collation} ${c.maxChars}/${c.maxBytes}${c.generation ? ` as ${c.generation}` : ''}`), [
      '1:u int NULL default=null extra= null/null null/null',
      '2:id int NOT NULL default=null extra= null/null null/null',
      '3:bb bigint NOT NULL default=null extra= null/null null/null',
      '4:a varchar(20) NULL default=null extra= utf8mb3/utf8mb3_bin 20/60',
      '5:c int NOT NULL default=7 extra= null/null null/null',
      '6:n varchar(50) NULL default=null extra=invisible utf8mb3/utf8mb3_bin 50/150',
      '7:l varchar(100) NULL default=null extra= utf8mb3/utf8mb3_bin 100/300',
      '8:m varchar(60) NULL default=null extra= utf8mb3/utf8mb3_bin 60/180',
      "9:e enum('x','y') NULL default=null extra= utf8mb3/utf8mb3_bin null/null",
      '10:tx text NULL default=null extra= utf8mb3/utf8mb3_bin null/null',
      '11:g int NULL default=null extra=virtual generated null/null null/null as c + 1',
      '12:d datetime NULL default=NOW() extra=default_generated invisible null/null null/null',
    ]);
    // An index a foreign key created stays when the key is dropped, as on the server.
    assert.deepEqual(t.indexes.map((i) => `${i.name}${i.primary ? ' primary' : ''}${i.unique ? ' unique' : ''} ${i.type} (${i.columns.map((p) => p.name + (p.prefix ? `(${p.prefix})` : '')).join(', ')})${i.visible ? '' : ' invisible'}`), [
      'PRIMARY primary unique BTREE (id, c)',
      'kbb BTREE (bb) invisible',
      'a unique BTREE (a)',
      'u unique BTREE (u)',
      'c BTREE (c)',
      'fk3 BTREE (m)',
      'um unique BTREE (m(10))',
    ]);
    assert.deepEqual(t.foreignKeys.map((f) => `${f.name} (${f.columns.join(', ')}) -> ${f.refSchema}.${f.refTable} (${f.refColumns.join(', ')})`), [
      'fk_b (bb) -> s.p (id)',
      't_ibfk_2 (c) -> q.p (id)',
    ]);
  });
});
