// The verdict each flavour gives each ALTER clause: the ways the server can run it, best first, and the
// reason a reviewer reads, per server version. The ways follow the online DDL tables of the MySQL
// 8.0/8.4/9.x manual and of MariaDB's knowledge base (ALGORITHM=INSTANT/NOCOPY/INPLACE pages): a
// metadata-only change is instant (or in place without a rebuild), a clause that rewrites rows rebuilds in
// place, one that cannot run in place copies the table under a shared lock. The version boundaries are
// the releases that brought each instant operation. Written against the mutants `npm run mutate` found
// alive in rules-mysql.ts, rules-mariadb.ts and rules-shared-clauses.ts.
import assert from 'node:assert/strict';
import { parseDdl } from '../src/core/impact/ddl.js';
import { mariadbClause } from '../src/core/impact/rules-mariadb.js';
import { mysqlClause } from '../src/core/impact/rules-mysql.js';
import type { ClauseVerdict } from '../src/core/impact/rules-common.js';
import type { ColumnFacts, IndexFacts, ServerFacts, TableFacts } from '../src/core/impact/types.js';

// The ways, written out once: what each kind of clause allows, best first.
/** Metadata only: instant, in place without a rebuild, or a copy when forced. */
const META = 'instant none | inplace none | copy shared rebuild';
/** Instant, but forced in place it rebuilds (instant ADD/DROP COLUMN, reorder). */
const META_R = 'instant none | inplace none rebuild | copy shared rebuild';
/** In place without a rebuild, reads and writes go on. */
const INPLACE = 'inplace none | copy shared rebuild';
/** In place with a rebuild, reads and writes go on. */
const REBUILD = 'inplace none rebuild | copy shared rebuild';
/** In place with a rebuild, writes wait (LOCK=SHARED). */
const SHARED_REBUILD = 'inplace shared rebuild | copy shared rebuild';
/** In place without a rebuild, writes wait. */
const SHARED = 'inplace shared | copy shared rebuild';
/** Only a table copy. */
const COPY = 'copy shared rebuild';
/** Unknown, or the server refuses the statement. */
const NONE = 'unknown';

const my = (version: string): ServerFacts => ({ flavor: 'mysql', version });
const maria = (version: string): ServerFacts => ({ flavor: 'mariadb', version });
const MY = my('8.4.3');
const MA = maria('10.11.6');

function col(name: string, columnType: string, position: number, more: Partial<ColumnFacts> = {}): ColumnFacts {
  const dataType = /^[a-z]+/.exec(columnType)![0];
  const len = /^(?:var)?char\((\d+)\)/.exec(columnType);
  const text = /char|text|enum|set/.test(dataType);
  return {
    name,
    columnType,
    dataType,
    nullable: true,
    default: null,
    extra: '',
    charset: text ? 'utf8mb4' : null,
    collation: text ? 'utf8mb4_general_ci' : null,
    maxChars: len ? Number(len[1]) : null,
    maxBytes: len ? Number(len[1]) * 4 : null,
    position,
    ...more,
  };
}

const latin1 = (maxBytes: number) => ({ charset: 'latin1', collation: 'latin1_swedish_ci', maxBytes });
const utf8mb3 = (maxBytes: number | null) => ({ charset: 'utf8mb3', collation: 'utf8mb3_general_ci', maxBytes });
const index = (name: string, columns: Array<string | null>, more: Partial<IndexFacts> = {}): IndexFacts => ({
  name,
  primary: false,
  unique: false,
  type: 'BTREE',
  columns: columns.map((c) => (c === null ? { name: null, prefix: null, expression: '(`a` + 1)' } : { name: c, prefix: null })),
  visible: true,
  ...more,
});

const BASE_COLUMNS = [
  col('id', 'int', 1, { nullable: false }),
  col('a', 'varchar(10)', 2),
  col('b', 'int', 3),
  col('c', 'int', 4, { nullable: false, default: '0' }),
  col('n', 'varchar(50)', 5),
  col('l', 'varchar(100)', 6, latin1(100)),
  col('m', 'varchar(60)', 7, utf8mb3(180)),
  col('e', "enum('x','y')", 8),
  col('tx', 'text', 9),
  col('s', 'varchar(10)', 10, latin1(10)),
  col('w', 'varchar(255)', 11, latin1(255)),
  col('p127', 'varchar(127)', 12, latin1(127)),
  col('p128', 'varchar(128)', 13, latin1(128)),
  col('ab', 'varchar(10)', 14, { collation: 'utf8mb4_bin' }),
  col('vb', 'varbinary(100)', 15),
  col('vb2', 'varbinary(200)', 16),
  col('ts', 'timestamp', 17, { nullable: false }),
  col('tm', 'text', 18, utf8mb3(null)),
  col('m64', 'varchar(64)', 19, utf8mb3(192)),
  col('m85', 'varchar(85)', 20, utf8mb3(255)),
  col('a2', 'varchar(10)', 21, { maxBytes: null }),
  col('q', 'varchar(10)', 22, { charset: 'latin1', collation: null, maxBytes: 10 }),
  col('m86', 'varchar(86)', 23, utf8mb3(258)),
  col('ch', 'char(10)', 24),
  col('bn', 'binary(10)', 25),
];

/** The table the cases run on: id is the primary key, b has an index and a foreign key. */
function table(more: Partial<TableFacts> = {}, extraColumns: ColumnFacts[] = []): TableFacts {
  return {
    schema: 's',
    name: 't',
    source: 'live',
    engine: 'InnoDB',
    rowFormat: 'dynamic',
    charset: 'utf8mb4',
    collation: 'utf8mb4_general_ci',
    rows: 1000,
    dataBytes: 1024,
    indexBytes: 1024,
    columns: [...BASE_COLUMNS, ...extraColumns],
    indexes: [index('PRIMARY', ['id'], { primary: true, unique: true }), index('kb', ['b'])],
    foreignKeys: [{ name: 'fk_b', columns: ['b'], refSchema: 's', refTable: 'p', refColumns: ['id'] }],
    totalRowVersions: 0,
    partitioned: false,
    hasFulltext: false,
    hiddenFtsDocId: false,
    ...more,
  };
}

const NO_PK = { indexes: [index('kb', ['b'])] };
/** id is AUTO_INCREMENT (and the primary key). */
const AUTO_ID = { columns: BASE_COLUMNS.map((c) => (c.name === 'id' ? { ...c, extra: 'auto_increment' } : c)) };
const FULLTEXT = { hasFulltext: true, hiddenFtsDocId: true };
const g = (name: string, kind: 'virtual' | 'stored', expression: string) => col(name, 'int', 30, { extra: `${kind} generated`, generation: expression });

function ways(v: ClauseVerdict): string {
  if (v.ways === null) return NONE;
  return v.ways.map((w) => `${w.algorithm} ${w.lock}${w.rebuild ? ' rebuild' : ''}`).join(' | ');
}

/** The verdicts of every clause of `sql` on `server`, as [ways, reason]. */
function verdicts(sql: string, server: ServerFacts, t: TableFacts): Array<[string, string]> {
  const spec = parseDdl(sql);
  assert.ok(spec, sql);
  const ctx = { spec, table: t, server, clauses: spec.clauses };
  const judge = server.flavor === 'mariadb' ? mariadbClause : mysqlClause;
  return spec.clauses.flatMap((c) => judge(c, ctx)).map((v): [string, string] => [ways(v), v.reason]);
}

type Case = [sql: string, server: ServerFacts, t: TableFacts, expected: Array<[string, string]>];

function run(cases: Case[]): void {
  for (const [sql, server, t, expected] of cases) {
    it(`${sql} on ${server.flavor} ${server.version}`, function () {
      assert.deepEqual(verdicts(sql, server, t), expected);
    });
  }
}

describe('impact rules: ADD COLUMN, per flavour and version', function () {
  const instantMy = (v: string) => `Adding \`z\` is instant on MySQL ${v}: only metadata changes, nothing is blocked.`;
  const rebuildZ = (why: string) => `Adding \`z\` rebuilds \`t\` in place because ${why}: writes go on, but every row is rewritten.`;
  run([
    // MySQL: instant ADD COLUMN from 8.0.12 as the last column, anywhere from 8.0.29.
    ['ALTER TABLE t ADD COLUMN z INT', my('8.0.11'), table(), [[REBUILD, rebuildZ('MySQL 8.0.11 has no instant ADD COLUMN (8.0.12+)')]]],
    ['ALTER TABLE t ADD COLUMN z INT', my('8.0.12'), table(), [[META_R, instantMy('8.0.12')]]],
    ['ALTER TABLE t ADD COLUMN z INT FIRST', my('8.0.28'), table(), [[REBUILD, rebuildZ('MySQL 8.0.28 adds instantly only as the last column (anywhere from 8.0.29)')]]],
    ['ALTER TABLE t ADD COLUMN z INT AFTER a', my('8.0.28'), table(), [[REBUILD, rebuildZ('MySQL 8.0.28 adds instantly only as the last column (anywhere from 8.0.29)')]]],
    ['ALTER TABLE t ADD COLUMN z INT AFTER a', my('8.0.29'), table(), [[META_R, instantMy('8.0.29')]]],
    // What rules out an instant column change: FTS_DOC_ID (FULLTEXT, its hidden column, or a column of that name), COMPRESSED, the row-version limit.
    ['ALTER TABLE t ADD COLUMN z INT', MY, table({ hasFulltext: true }), [[REBUILD, rebuildZ('`t` has a FULLTEXT index, which rules out instant column changes')]]],
    ['ALTER TABLE t ADD COLUMN z INT', MY, table({ hiddenFtsDocId: true }), [[REBUILD, rebuildZ('`t` has a FULLTEXT index, which rules out instant column changes')]]],
    ['ALTER TABLE t ADD COLUMN z INT', MY, table({}, [col('Fts_Doc_Id', 'bigint unsigned', 30, { nullable: false })]), [[REBUILD, rebuildZ('`t` has a FULLTEXT index, which rules out instant column changes')]]],
    ['ALTER TABLE t ADD COLUMN z INT', MY, table({ rowFormat: 'compressed' }), [[REBUILD, rebuildZ('`t` is ROW_FORMAT=COMPRESSED, which rules out instant column changes')]]],
    ['ALTER TABLE t ADD COLUMN z INT', MY, table({ totalRowVersions: 63 }), [[META_R, instantMy('8.4.3')]]],
    ['ALTER TABLE t ADD COLUMN z INT', MY, table({ totalRowVersions: null }), [[META_R, instantMy('8.4.3')]]],
    ['ALTER TABLE t ADD COLUMN z INT', MY, table({ totalRowVersions: 64 }), [[REBUILD, rebuildZ('`t` has reached 64 row versions (the limit is 64), so MySQL rebuilds instead')]]],
    ['ALTER TABLE t ADD COLUMN z INT', my('9.0.1'), table({ totalRowVersions: 64 }), [[REBUILD, rebuildZ('`t` has reached 64 row versions (the limit is 64), so MySQL rebuilds instead')]]],
    ['ALTER TABLE t ADD COLUMN z INT', my('9.1.0'), table({ totalRowVersions: 254 }), [[META_R, instantMy('9.1.0')]]],
    ['ALTER TABLE t ADD COLUMN z INT', my('9.1.0'), table({ totalRowVersions: 300 }), [[REBUILD, rebuildZ('`t` has reached 300 row versions (the limit is 255), so MySQL rebuilds instead')]]],
    // Generated columns: VIRTUAL is metadata, STORED computes every row.
    ['ALTER TABLE t ADD COLUMN z INT AS (c + 1) VIRTUAL', MY, table(), [[META, 'Adding VIRTUAL column `z` only changes metadata: instant, nothing blocked.']]],
    ['ALTER TABLE t ADD COLUMN z INT AS (c + 1) STORED', MY, table(), [[COPY, 'Adding STORED generated column `z` copies `t` to compute it for every row, blocking writes for the whole copy. A VIRTUAL column is added instantly.']]],
    // Defaults: a literal or a timestamp function is instant; an expression is computed per row; a nondeterministic one is refused.
    ['ALTER TABLE t ADD COLUMN z DATETIME DEFAULT CURRENT_TIMESTAMP', MY, table(), [[META_R, instantMy('8.4.3')]]],
    ['ALTER TABLE t ADD COLUMN z DATETIME(3) DEFAULT (NOW(3))', MY, table(), [[META_R, instantMy('8.4.3')]]],
    ['ALTER TABLE t ADD COLUMN z INT DEFAULT (c * 2)', MY, table(), [[COPY, 'Adding `z` with an expression DEFAULT copies `t` to compute it for every row, blocking writes for the whole copy. Add it with a constant default (instant) and backfill in batches.']]],
    ['ALTER TABLE t ADD COLUMN z CHAR(36) DEFAULT (UUID())', MY, table(), [[NONE, 'MySQL refuses to add `z` with the nondeterministic DEFAULT (UUID()) ("Statement is unsafe"). Add the column with a constant default and fill it in batches.']]],
    // A temporal NOT NULL column without a DEFAULT cannot be instant on MySQL.
    ['ALTER TABLE t ADD COLUMN z DATE NOT NULL', MY, table(), [[REBUILD, 'Adding `z` DATE NOT NULL without a DEFAULT cannot be instant on MySQL: it rebuilds `t` in place. Give it a DEFAULT to make it instant.']]],
    ['ALTER TABLE t ADD COLUMN z TIMESTAMP NOT NULL', MY, table(), [[REBUILD, 'Adding `z` TIMESTAMP NOT NULL without a DEFAULT cannot be instant on MySQL: it rebuilds `t` in place. Give it a DEFAULT to make it instant.']]],
    ["ALTER TABLE t ADD COLUMN z DATETIME NOT NULL DEFAULT '2020-01-01 00:00:00'", MY, table(), [[META_R, instantMy('8.4.3')]]],
    ['ALTER TABLE t ADD COLUMN z DATETIME NULL', MY, table(), [[META_R, instantMy('8.4.3')]]],
    ['ALTER TABLE t ADD COLUMN z INT NOT NULL', MY, table(), [[META_R, instantMy('8.4.3')]]],
    // Both flavours: AUTO_INCREMENT numbers every row under a shared lock; a key of its own rebuilds in place.
    ['ALTER TABLE t ADD COLUMN z INT NOT NULL AUTO_INCREMENT', MY, table(), [[SHARED_REBUILD, 'Adding AUTO_INCREMENT column `z` rebuilds `t` and blocks writes (LOCK=SHARED) for the whole rebuild, while it numbers every row.']]],
    ['ALTER TABLE t ADD COLUMN z INT NOT NULL AUTO_INCREMENT', MA, table(), [[SHARED_REBUILD, 'Adding AUTO_INCREMENT column `z` rebuilds `t` and blocks writes (LOCK=SHARED) for the whole rebuild, while it numbers every row.']]],
    ['ALTER TABLE t ADD COLUMN z INT UNIQUE', MY, table(), [[REBUILD, 'Adding `z` with its own UNIQUE index rebuilds `t` in place: writes go on, but every row is rewritten. Add the column, then the index, in separate statements to keep the first instant.']]],
    ['ALTER TABLE t ADD COLUMN z INT PRIMARY KEY', MA, table(NO_PK), [[REBUILD, 'Adding `z` with its own PRIMARY KEY index rebuilds `t` in place: writes go on, but every row is rewritten. Add the column, then the index, in separate statements to keep the first instant.']]],
    ['ALTER TABLE t ADD COLUMN A INT', MA, table(), [[NONE, '`t` already has a column `A`: the server refuses the statement.']]],
  ]);

  const instantMa = (v: string) => `Adding \`z\` is instant on MariaDB ${v}: only metadata changes, nothing is blocked.`;
  const perRow = (d: string, why: string) =>
    `Adding \`z\` with DEFAULT ${d}, which ${why}, makes MariaDB compute it for every row: it copies \`t\` and blocks writes for the whole copy. Add it with a constant default (instant) and backfill in batches.`;
  run([
    // MariaDB: instant as the last column from 10.3.2, anywhere from 10.4.
    ['ALTER TABLE t ADD COLUMN z INT', maria('10.3.1'), table(), [[REBUILD, rebuildZ('MariaDB 10.3.1 has no instant column changes (10.3.2+)')]]],
    ['ALTER TABLE t ADD COLUMN z INT', maria('10.3.2'), table(), [[META_R, instantMa('10.3.2')]]],
    ['ALTER TABLE t ADD COLUMN z INT AFTER a', maria('10.3.39'), table(), [[REBUILD, rebuildZ('MariaDB 10.3.39 only adds a last column instantly (anywhere, and drops, from 10.4)')]]],
    ['ALTER TABLE t ADD COLUMN z INT FIRST', maria('10.4.0'), table(), [[META_R, instantMa('10.4.0')]]],
    ['ALTER TABLE t ADD COLUMN z INT', maria('11.4.3'), table({ hiddenFtsDocId: true }), [[REBUILD, rebuildZ("`t` has a FULLTEXT index (InnoDB's hidden FTS_DOC_ID), which rules out instant column changes")]]],
    ['ALTER TABLE t ADD COLUMN z INT', MA, table({ rowFormat: 'compressed' }), [[REBUILD, rebuildZ('`t` is ROW_FORMAT=COMPRESSED, which rules out instant column changes')]]],
    // No row-version limit on MariaDB; an expression DEFAULT and a temporal NOT NULL column are instant
    // there, unless the default reads a column or calls UUID()-like functions: then every row needs its own value.
    ['ALTER TABLE t ADD COLUMN z INT', MA, table({ totalRowVersions: 64 }), [[META_R, instantMa('10.11.6')]]],
    ['ALTER TABLE t ADD COLUMN z INT DEFAULT (1 + 1)', MA, table(), [[META_R, instantMa('10.11.6')]]],
    ['ALTER TABLE t ADD COLUMN z DATETIME DEFAULT (NOW() + INTERVAL 1 DAY)', MA, table(), [[META_R, instantMa('10.11.6')]]],
    ['ALTER TABLE t ADD COLUMN z DOUBLE DEFAULT (RAND() * 2)', MA, table(), [[META_R, instantMa('10.11.6')]]],
    ['ALTER TABLE t ADD COLUMN z INT DEFAULT (c * 2)', MA, table(), [[COPY, perRow('(c * 2)', 'reads column `c`')]]],
    ['ALTER TABLE t ADD COLUMN z INT DEFAULT (`C` + 1)', MA, table(), [[COPY, perRow('(`C` + 1)', 'reads column `C`')]]],
    ['ALTER TABLE t ADD COLUMN y INT, ADD COLUMN z INT DEFAULT (y + 1)', MA, table(), [[META_R, 'Adding `y` is instant on MariaDB 10.11.6: only metadata changes, nothing is blocked.'], [COPY, perRow('(y + 1)', 'reads column `y`')]]],
    ["ALTER TABLE t ADD COLUMN z VARCHAR(40) DEFAULT (CONCAT('a', uuid()))", MA, table(), [[COPY, perRow("(CONCAT('a', uuid()))", 'calls UUID()')]]],
    ['ALTER TABLE t ADD COLUMN z BIGINT DEFAULT (UUID_SHORT())', MA, table(), [[COPY, perRow('(UUID_SHORT())', 'calls UUID_SHORT()')]]],
    ['ALTER TABLE t ADD COLUMN z VARCHAR(40) DEFAULT (sys_guid())', MA, table(), [[COPY, perRow('(sys_guid())', 'calls SYS_GUID()')]]],
    ['ALTER TABLE t ADD COLUMN z DATETIME DEFAULT (SYSDATE())', MA, table(), [[COPY, perRow('(SYSDATE())', 'calls SYSDATE()')]]],
    ['ALTER TABLE t ADD COLUMN z DATE NOT NULL', MA, table(), [[META_R, instantMa('10.11.6')]]],
    ['ALTER TABLE t ADD COLUMN z INT AS (c + 1) VIRTUAL', MA, table(), [[META, 'Adding VIRTUAL column `z` only changes metadata: instant, nothing blocked.']]],
    ['ALTER TABLE t ADD COLUMN z INT AS (c + 1) PERSISTENT', MA, table(), [[COPY, 'Adding STORED (PERSISTENT) generated column `z` copies `t` to compute it for every row, blocking writes for the whole copy. A VIRTUAL column is added instantly.']]],
    // A partitioned table: a VIRTUAL column makes MariaDB copy; an ordinary column stays instant.
    ['ALTER TABLE t ADD COLUMN z INT AS (c + 1) VIRTUAL', MA, table({ partitioned: true }), [[COPY, 'Adding VIRTUAL column `z` to partitioned `t` makes MariaDB copy the table, blocking writes for the whole copy.']]],
    ['ALTER TABLE t ADD COLUMN z INT', MA, table({ partitioned: true }), [[META_R, instantMa('10.11.6')]]],
    ['ALTER TABLE t ADD COLUMN z INT AS (c + 1) VIRTUAL', MY, table({ partitioned: true }), [[META, 'Adding VIRTUAL column `z` only changes metadata: instant, nothing blocked.']]],
  ]);
});

describe('impact rules: DROP COLUMN and RENAME COLUMN, per flavour and version', function () {
  const withGenerated = table({}, [g('g', 'virtual', '`c` + 1'), g('h', 'stored', 'c * 2')]);
  run([
    // MySQL: instant DROP COLUMN from 8.0.29; an indexed column rebuilds to drop it from the index.
    ['ALTER TABLE t DROP COLUMN c', my('8.0.28'), table(), [[REBUILD, 'Dropping `c` rebuilds `t` in place because MySQL 8.0.28 has no instant DROP COLUMN (8.0.29+): writes go on, but every row is rewritten.']]],
    ['ALTER TABLE t DROP COLUMN c', my('8.0.29'), table(), [[META_R, 'Dropping `c` is instant on MySQL 8.0.29: only metadata changes. Its values are lost.']]],
    ['ALTER TABLE t DROP COLUMN c', MY, table(FULLTEXT), [[REBUILD, 'Dropping `c` rebuilds `t` in place because `t` has a FULLTEXT index, which rules out instant column changes: writes go on, but every row is rewritten.']]],
    ['ALTER TABLE t DROP COLUMN c', MY, table({ totalRowVersions: 64 }), [[REBUILD, 'Dropping `c` rebuilds `t` in place because `t` has reached 64 row versions (the limit is 64), so MySQL rebuilds instead: writes go on, but every row is rewritten.']]],
    ['ALTER TABLE t DROP COLUMN b', MY, table(), [[REBUILD, "Dropping `b`, which an index uses, rebuilds `t` in place: writes go on, but every row is rewritten. The rows' values in it are lost."]]],
    ['ALTER TABLE t DROP COLUMN id', MY, table(), [[NONE, '`id` is part of the primary key of `t`; how the server runs dropping it depends on the key that remains, so this is unknown.']]],
    ['ALTER TABLE t DROP COLUMN g', MY, withGenerated, [[META, 'Dropping VIRTUAL column `g` only changes metadata: instant.']]],
    // Generated columns that read the column: one, or several; a statement that drops or redefines them too is no refusal.
    ['ALTER TABLE t DROP COLUMN c', MY, withGenerated, [[NONE, '`c` is read by generated columns `g`, `h` of `t`: the server refuses to drop it ("has a generated column dependency"). Drop or redefine those columns first, in an earlier statement.']]],
    ['ALTER TABLE t ADD COLUMN z INT, DROP COLUMN c', MY, withGenerated, [
      [META_R, 'Adding `z` is instant on MySQL 8.4.3: only metadata changes, nothing is blocked.'],
      [NONE, '`c` is read by generated columns `g`, `h` of `t`: the server refuses to drop it ("has a generated column dependency"). Drop or redefine those columns first, in an earlier statement.'],
    ]],
    ['ALTER TABLE t MODIFY c INT NOT NULL DEFAULT 5', MY, withGenerated, [[META, "Changing `c`'s name, default or comment only changes metadata: instant."]]],
    ['ALTER TABLE t DROP COLUMN g, DROP COLUMN c', MY, withGenerated, [
      [META, 'Dropping VIRTUAL column `g` only changes metadata: instant.'],
      [NONE, '`c` is read by generated column `h` of `t`: the server refuses to drop it ("has a generated column dependency"). Drop or redefine that column first, in an earlier statement.'],
    ]],
    ['ALTER TABLE t DROP COLUMN c, MODIFY H INT', MY, table({}, [g('h', 'stored', 'c * 2')]), [
      [META_R, 'Dropping `c` is instant on MySQL 8.4.3: only metadata changes. Its values are lost.'],
      [NONE, 'Changing generated column `H` (or making a column generated): the rules do not know how the server runs this, so it counts as blocking.'],
    ]],
    // A quoted name in the expression reads the column; a string that spells it does not.
    ['ALTER TABLE t DROP COLUMN c', MY, table({}, [g('g', 'virtual', "concat(`a`, 'c')")]), [[META_R, 'Dropping `c` is instant on MySQL 8.4.3: only metadata changes. Its values are lost.']]],
    ['ALTER TABLE t DROP COLUMN a', MY, table({}, [g('g', 'virtual', "concat(`a`, 'c')")]), [[NONE, '`a` is read by generated column `g` of `t`: the server refuses to drop it ("has a generated column dependency"). Drop or redefine that column first, in an earlier statement.']]],
    ['ALTER TABLE t DROP COLUMN nope', MY, table(), [[NONE, '`t` has no column `nope`: the server refuses the statement.']]],
    // MariaDB: instant DROP COLUMN from 10.4; an index of that column alone goes with it in place, a multi-column one is rebuilt.
    ['ALTER TABLE t DROP COLUMN c', maria('10.3.39'), table(), [[REBUILD, 'Dropping `c` rebuilds `t` in place because MariaDB 10.3.39 only adds a last column instantly (anywhere, and drops, from 10.4): writes go on, but every row is rewritten.']]],
    ['ALTER TABLE t DROP COLUMN c', maria('10.4.0'), table(), [[META_R, 'Dropping `c` is instant on MariaDB 10.4.0: only metadata changes. Its values are lost.']]],
    ['ALTER TABLE t DROP COLUMN c', MA, table(FULLTEXT), [[REBUILD, "Dropping `c` rebuilds `t` in place because `t` has a FULLTEXT index (InnoDB's hidden FTS_DOC_ID), which rules out instant column changes: writes go on, but every row is rewritten."]]],
    ['ALTER TABLE t DROP COLUMN c', MA, table({ rowFormat: 'compressed' }), [[REBUILD, 'Dropping `c` rebuilds `t` in place because `t` is ROW_FORMAT=COMPRESSED, which rules out instant column changes: writes go on, but every row is rewritten.']]],
    ['ALTER TABLE t DROP COLUMN b', MA, table(), [[INPLACE, 'Dropping `b`, which an index uses, drops that index too, in place without a rebuild: reads and writes go on. Its values are lost.']]],
    ['ALTER TABLE t DROP COLUMN B', MA, table({ indexes: [index('kb', ['b']), index('kab', ['a', 'b'])] }), [[REBUILD, 'Dropping `B`, part of a multi-column index, rebuilds `t` in place to reshape that index: writes go on, but every row is rewritten. Its values are lost.']]],
    ['ALTER TABLE t DROP COLUMN b', MA, table({ indexes: [index('kx', [null, 'b'])] }), [[REBUILD, 'Dropping `b`, part of a multi-column index, rebuilds `t` in place to reshape that index: writes go on, but every row is rewritten. Its values are lost.']]],
    ['ALTER TABLE t DROP COLUMN id', MA, table(), [[NONE, '`id` is part of the primary key of `t`; how the server runs dropping it depends on the key that remains, so this is unknown.']]],
    ['ALTER TABLE t DROP COLUMN g', MA, withGenerated, [[META, 'Dropping VIRTUAL column `g` only changes metadata: instant.']]],
    ['ALTER TABLE t DROP COLUMN c', MA, withGenerated, [[NONE, '`c` is read by generated columns `g`, `h` of `t`: the server refuses to drop it ("Unknown column in GENERATED ALWAYS AS"). Drop or redefine those columns first, in an earlier statement.']]],
    // RENAME COLUMN: instant on MySQL from 8.0.28 (in place before); MariaDB has it from 10.5.2, instant.
    ['ALTER TABLE t RENAME COLUMN b TO b2', my('8.0.27'), table(), [[INPLACE, 'Renaming `b` only changes metadata, in place: reads and writes go on.']]],
    ['ALTER TABLE t RENAME COLUMN b TO b2', my('8.0.28'), table(), [[META, 'Renaming `b` only changes metadata: instant. Deploy code that reads both names first.']]],
    ['ALTER TABLE t RENAME COLUMN nope TO b2', MY, table(), [[NONE, '`t` has no column `nope`: the server refuses the statement.']]],
    ['ALTER TABLE t RENAME COLUMN c TO c2', MY, withGenerated, [[NONE, '`c` is read by generated columns `g`, `h` of `t`: the server refuses to rename it ("has a generated column dependency"). Drop or redefine those columns first, in an earlier statement.']]],
    ['ALTER TABLE t RENAME COLUMN b TO b2', maria('10.5.1'), table(), [[NONE, 'MariaDB 10.5.1 has no RENAME COLUMN (10.5.2+): use CHANGE.']]],
    ['ALTER TABLE t RENAME COLUMN b TO b2', maria('10.5.2'), table(), [[META, 'Renaming `b` only changes metadata: instant. Deploy code that reads both names first.']]],
    ['ALTER TABLE t RENAME COLUMN c TO c2', MA, withGenerated, [[META, 'Renaming `c` only changes metadata: instant. Deploy code that reads both names first.']]],
    ['ALTER TABLE t RENAME COLUMN nope TO b2', maria('10.4.0'), table(), [[NONE, '`t` has no column `nope`: the server refuses the statement.']]],
  ]);
});

describe('impact rules: CHANGE / MODIFY COLUMN on MySQL', function () {
  const same = (c: string) => `Changing \`${c}\`'s name, default or comment only changes metadata: instant.`;
  const copyType = (c: string, from: string, to: string) =>
    `Changing \`${c}\`'s type from ${from} to ${to} rewrites every value: MySQL copies \`t\` and blocks writes for the whole copy. Add a new column, backfill it in batches, and switch over, or use an online schema change tool.`;
  const copyCharset = (c: string, from: string, to: string) =>
    `Changing \`${c}\`'s character set from ${from} to ${to} re-encodes every value: MySQL copies \`t\` and blocks writes for the whole copy. Add a new column, backfill it in batches, and switch over instead.`;
  const toUtf8mb4 = (c: string) => `Converting \`${c}\` from utf8mb3 to utf8mb4 keeps its stored bytes, so MySQL does it in place without a rebuild.`;
  const widenInPlace = (c: string, a: number, b: number) => `Widening \`${c}\` from ${a} to ${b} bytes keeps its length prefix, so it only changes metadata in place: reads and writes go on.`;
  const autoIncrement = { columns: BASE_COLUMNS.map((c) => (c.name === 'id' ? { ...c, extra: 'auto_increment' } : c)) };
  const autoOn = (c: string) => `Making \`${c}\` AUTO_INCREMENT copies \`t\` and blocks writes for the whole copy.`;
  const noKey = (c: string) =>
    `No key starts with \`${c}\`: the server refuses to make it AUTO_INCREMENT ("there can be only one auto column and it must be defined as a key"). Add a key that starts with it first.`;
  run([
    // Name, default, comment: metadata; a rename before 8.0.28 is in place.
    ['ALTER TABLE t CHANGE c c2 INT NOT NULL DEFAULT 0', my('8.0.27'), table(), [[INPLACE, 'Renaming `c` only changes metadata, in place.']]],
    ['ALTER TABLE t CHANGE c c2 INT NOT NULL DEFAULT 0', my('8.0.28'), table(), [[META, same('c')]]],
    ['ALTER TABLE t MODIFY c INT NOT NULL DEFAULT 5', my('8.0.27'), table(), [[META, same('c')]]],
    ["ALTER TABLE t MODIFY COLUMN c INT NOT NULL DEFAULT 0 COMMENT 'x'", MY, table(), [[META, same('c')]]],
    ['ALTER TABLE t CHANGE nope x INT', MY, table(), [[NONE, '`t` has no column `nope`: the server refuses the statement.']]],
    // An unstated NULL: NOT NULL in the primary key, a TIMESTAMP keeps its own, anything else becomes nullable.
    ['ALTER TABLE t MODIFY id INT', MY, table(), [[META, same('id')]]],
    ['ALTER TABLE t MODIFY ts TIMESTAMP', MY, table(), [[META, same('ts')]]],
    ['ALTER TABLE t MODIFY c INT DEFAULT 0', MY, table(), [
      [META, same('c')],
      [REBUILD, 'Making `c` nullable rebuilds `t` in place on MySQL: writes go on, but every row is rewritten.'],
    ]],
    ['ALTER TABLE t MODIFY b INT NOT NULL', MY, table(), [[META, same('b')], [REBUILD, 'Making `b` NOT NULL rebuilds `t` in place: writes go on, but every row is rewritten, and a NULL in it makes the statement fail at the end.']]],
    // AUTO_INCREMENT on or off copies the table; on a column no key starts with, the server refuses it.
    // Generation changes are unknown; keeping AUTO_INCREMENT is no change.
    ['ALTER TABLE t MODIFY c INT NOT NULL AUTO_INCREMENT', MY, table(), [[NONE, noKey('c')]]],
    ['ALTER TABLE t MODIFY b INT AUTO_INCREMENT', MY, table(), [[COPY, autoOn('b')]]],
    ['ALTER TABLE t MODIFY c INT NOT NULL AUTO_INCREMENT, ADD INDEX kc (c, b)', MY, table(), [[COPY, autoOn('c')], [INPLACE, 'Building index `kc` runs in place: reads and writes go on, it scans the table once, and replicas replay it after it ends.']]],
    ['ALTER TABLE t MODIFY c INT NOT NULL AUTO_INCREMENT, ADD INDEX kc (b, c)', MY, table(), [[NONE, noKey('c')], [INPLACE, 'Building index `kc` runs in place: reads and writes go on, it scans the table once, and replicas replay it after it ends.']]],
    ['ALTER TABLE t MODIFY c INT NOT NULL AUTO_INCREMENT UNIQUE', MY, table(), [[COPY, autoOn('c')], [INPLACE, 'Building index the new index runs in place: reads and writes go on, it scans the table once, and replicas replay it after it ends. A duplicate value makes it fail at the end, after all the work.']]],
    ['ALTER TABLE t MODIFY b INT AUTO_INCREMENT, DROP INDEX kb', MY, table(), [[NONE, noKey('b')], [INPLACE, 'Dropping index `kb` only changes metadata in place: reads and writes go on. Queries that used it get slower.']]],
    ['ALTER TABLE t MODIFY id INT NOT NULL', MY, table(autoIncrement), [[COPY, 'Taking AUTO_INCREMENT off `id` changes its definition, which MySQL cannot do in place: it copies `t` and blocks writes for the whole copy.']]],
    ['ALTER TABLE t MODIFY id INT NOT NULL AUTO_INCREMENT', MY, table(autoIncrement), [[META, same('id')]]],
    ['ALTER TABLE t MODIFY c INT AS (b + 1) VIRTUAL', MY, table(), [[NONE, 'Changing generated column `c` (or making a column generated): the rules do not know how the server runs this, so it counts as blocking.']]],
    ['ALTER TABLE t MODIFY g INT', MY, table({}, [g('g', 'stored', 'b + 1')]), [[NONE, 'Changing generated column `g` (or making a column generated): the rules do not know how the server runs this, so it counts as blocking.']]],
    // VARCHAR widening: in place while the length prefix stays 1 byte (up to 255 bytes) or 2; a copy when it crosses 255.
    ['ALTER TABLE t MODIFY a VARCHAR(63)', MY, table(), [[INPLACE, widenInPlace('a', 40, 252)]]],
    ['ALTER TABLE t MODIFY l VARCHAR(255) CHARACTER SET latin1', MY, table(), [[INPLACE, widenInPlace('l', 100, 255)]]],
    ['ALTER TABLE t MODIFY l VARCHAR(256) CHARACTER SET latin1', MY, table(), [[COPY, 'Widening `l` from 100 to 256 bytes crosses 255 bytes, where each value\'s length prefix grows from 1 to 2 bytes: MySQL copies `t` and blocks writes for the whole copy. Stay at or under 255 bytes (255 characters in this character set), or use an online schema change tool.']]],
    ['ALTER TABLE t MODIFY w VARCHAR(300) CHARACTER SET latin1', MY, table(), [[COPY, 'Widening `w` from 255 to 300 bytes crosses 255 bytes, where each value\'s length prefix grows from 1 to 2 bytes: MySQL copies `t` and blocks writes for the whole copy. Stay at or under 255 bytes (255 characters in this character set), or use an online schema change tool.']]],
    ['ALTER TABLE t MODIFY m86 VARCHAR(100) CHARACTER SET utf8mb3', MY, table(), [[INPLACE, widenInPlace('m86', 258, 300)]]],
    ['ALTER TABLE t MODIFY n VARCHAR(70)', MY, table(), [[COPY, 'Widening `n` from 200 to 280 bytes crosses 255 bytes, where each value\'s length prefix grows from 1 to 2 bytes: MySQL copies `t` and blocks writes for the whole copy. Stay at or under 255 bytes (63 characters in this character set), or use an online schema change tool.']]],
    // A planned column whose byte length is unknown counts its characters in the character set's width.
    ['ALTER TABLE t MODIFY a2 VARCHAR(20)', MY, table(), [[INPLACE, widenInPlace('a2', 40, 80)]]],
    ['ALTER TABLE t MODIFY vb VARBINARY(200)', MY, table(), [[INPLACE, widenInPlace('vb', 100, 200)]]],
    ['ALTER TABLE t MODIFY vb VARBINARY(300)', MY, table(), [[COPY, 'Widening `vb` from 100 to 300 bytes crosses 255 bytes, where each value\'s length prefix grows from 1 to 2 bytes: MySQL copies `t` and blocks writes for the whole copy. Stay at or under 255 bytes (255 characters in this character set), or use an online schema change tool.']]],
    // Shrinking, another type, or a wider type with another character set: a copy.
    ['ALTER TABLE t MODIFY vb VARBINARY(50)', MY, table(), [[COPY, copyType('vb', 'varbinary(100)', 'varbinary(50)')]]],
    ['ALTER TABLE t MODIFY a VARCHAR(5)', MY, table(), [[COPY, copyType('a', 'varchar(10)', 'varchar(5)')]]],
    ['ALTER TABLE t MODIFY a CHAR(20)', MY, table(), [[COPY, copyType('a', 'varchar(10)', 'char(20)')]]],
    ['ALTER TABLE t MODIFY ch VARCHAR(20)', MY, table(), [[COPY, copyType('ch', 'char(10)', 'varchar(20)')]]],
    ['ALTER TABLE t MODIFY vb BINARY(200)', MY, table(), [[COPY, copyType('vb', 'varbinary(100)', 'binary(200)')]]],
    ['ALTER TABLE t MODIFY bn VARBINARY(20)', MY, table(), [[COPY, copyType('bn', 'binary(10)', 'varbinary(20)')]]],
    ['ALTER TABLE t MODIFY a VARCHAR(20) CHARACTER SET latin1', MY, table(), [[COPY, copyType('a', 'varchar(10)', 'varchar(20)')]]],
    ['ALTER TABLE t MODIFY a VARCHAR(20) COLLATE utf8mb4_bin', MY, table(), [[COPY, copyType('a', 'varchar(10)', 'varchar(20)')]]],
    // ENUM / SET: appending members at the end is metadata while the storage size stays (ENUM 1 byte up to 255 members; SET 1, 2, 3, 4 or 8 bytes).
    ["ALTER TABLE t MODIFY e ENUM('x','y','z')", MY, table(), [[META, "Appending members to the end of `e`'s list only changes metadata: instant."]]],
    ["ALTER TABLE t MODIFY e ENUM('x','z','w')", MY, table(), [[COPY, copyType('e', "enum('x','y')", "enum('x','z','w')")]]],
    ["ALTER TABLE t MODIFY e ENUM('y','x','z')", MY, table(), [[COPY, copyType('e', "enum('x','y')", "enum('y','x','z')")]]],
    ["ALTER TABLE t MODIFY e SET('x','y','z')", MY, table(), [[COPY, copyType('e', "enum('x','y')", "set('x','y','z')")]]],
    // The character set: utf8mb3 to utf8mb4 keeps the bytes of an unindexed column whose length prefix stays; anything else re-encodes.
    ['ALTER TABLE t MODIFY m VARCHAR(60) CHARACTER SET utf8mb4', MY, table(), [[INPLACE, toUtf8mb4('m')]]],
    ['ALTER TABLE t MODIFY m VARCHAR(60) CHARACTER SET utf8mb4', MY, table({ indexes: [index('km', ['m'])] }), [[COPY, copyCharset('m', 'utf8mb3', 'utf8mb4')]]],
    ['ALTER TABLE t MODIFY m64 VARCHAR(64) CHARACTER SET utf8mb4', MY, table(), [[COPY, copyCharset('m64', 'utf8mb3', 'utf8mb4')]]],
    ['ALTER TABLE t MODIFY m85 VARCHAR(85) CHARACTER SET utf8mb4', MY, table(), [[COPY, copyCharset('m85', 'utf8mb3', 'utf8mb4')]]],
    ['ALTER TABLE t MODIFY m86 VARCHAR(86) CHARACTER SET utf8mb4', MY, table(), [[INPLACE, toUtf8mb4('m86')]]],
    ['ALTER TABLE t MODIFY tm TEXT CHARACTER SET utf8mb4', MY, table(), [[INPLACE, toUtf8mb4('tm')]]],
    ['ALTER TABLE t MODIFY s VARCHAR(10) CHARACTER SET utf8mb4', MY, table(), [[COPY, copyCharset('s', 'latin1', 'utf8mb4')]]],
    ['ALTER TABLE t MODIFY m VARCHAR(60) CHARACTER SET latin1', MY, table(), [[COPY, copyCharset('m', 'utf8mb3', 'latin1')]]],
    ['ALTER TABLE t MODIFY a VARCHAR(10) CHARACTER SET utf8mb3', MY, table(), [[COPY, copyCharset('a', 'utf8mb4', 'utf8mb3')]]],
    // Collation: stated (any case), else the table's for the table's character set, else the column's own; unknown when it changes.
    ['ALTER TABLE t MODIFY a VARCHAR(10) COLLATE UTF8MB4_GENERAL_CI', MY, table(), [[META, same('a')]]],
    ['ALTER TABLE t MODIFY m VARCHAR(60) CHARACTER SET utf8mb3', MY, table(), [[META, same('m')]]],
    ['ALTER TABLE t MODIFY q VARCHAR(10) CHARACTER SET latin1 COLLATE latin1_bin', MY, table(), [[META, same('q')]]],
    ['ALTER TABLE t MODIFY q VARCHAR(10) CHARACTER SET latin1', MY, table(), [[META, same('q')]]],
    ['ALTER TABLE t MODIFY ab VARCHAR(10)', MY, table(), [[NONE, "Changing only `ab`'s collation: whether MySQL needs a copy depends on the indexes over it, so this is unknown."]]],
    ['ALTER TABLE t MODIFY a VARCHAR(10) COLLATE utf8mb4_bin', MY, table(), [[NONE, "Changing only `a`'s collation: whether MySQL needs a copy depends on the indexes over it, so this is unknown."]]],
    // Position: moving a column rebuilds on MySQL; naming the place it already has is no move.
    ['ALTER TABLE t MODIFY c INT NOT NULL DEFAULT 0 AFTER a', MY, table(), [[META, same('c')], [REBUILD, 'Moving `c` to another position rebuilds `t` in place on MySQL: writes go on, but every row is rewritten. Leave the column where it is.']]],
    ['ALTER TABLE t MODIFY c INT NOT NULL DEFAULT 0 AFTER B', MY, table(), [[META, same('c')]]],
    ['ALTER TABLE t MODIFY id INT NOT NULL FIRST', MY, table(), [[META, same('id')]]],
    ['ALTER TABLE t MODIFY id INT NOT NULL AFTER c', MY, table(), [[META, same('id')], [REBUILD, 'Moving `id` to another position rebuilds `t` in place on MySQL: writes go on, but every row is rewritten. Leave the column where it is.']]],
    ['ALTER TABLE t MODIFY c INT NOT NULL DEFAULT 0 AFTER b', MY, table({ columns: [BASE_COLUMNS[3]!, BASE_COLUMNS[0]!, BASE_COLUMNS[2]!] }), [[META, same('c')]]],
    // An inline key adds an index beside the column change.
    ['ALTER TABLE t MODIFY c INT NOT NULL DEFAULT 0 UNIQUE', MY, table(), [
      [META, same('c')],
      [INPLACE, 'Building index the new index runs in place: reads and writes go on, it scans the table once, and replicas replay it after it ends. A duplicate value makes it fail at the end, after all the work.'],
    ]],
    ['ALTER TABLE t MODIFY c INT NOT NULL DEFAULT 0 PRIMARY KEY', MY, table(), [
      [META, same('c')],
      [NONE, '`t` already has a primary key: the server refuses a second one ("Multiple primary key defined"). Drop the old one in the same statement.'],
    ]],
    ['ALTER TABLE t MODIFY c INT NOT NULL DEFAULT 0 PRIMARY KEY', MY, table(NO_PK), [
      [META, same('c')],
      [REBUILD, 'Adding a primary key rebuilds `t` in place (the rows are reorganised by the new key): writes go on, but it reads and rewrites every row and replicas replay it after it ends. A duplicate or NULL in the key columns makes it fail at the end.'],
    ]],
  ]);

  it('copies when a SET or ENUM grows past its storage size, and not before', function () {
    const list = (n: number) => Array.from({ length: n }, (_, i) => `'v${i}'`).join(',');
    const sized = (type: string, n: number) => table({}, [col('z', `${type}(${list(n)})`, 30)]);
    const grow = (type: string, from: number, to: number) => verdicts(`ALTER TABLE t MODIFY z ${type.toUpperCase()}(${list(to)})`, MY, sized(type, from))[0]![0];
    assert.deepEqual(
      [grow('enum', 254, 255), grow('enum', 255, 256), grow('enum', 256, 257), grow('set', 7, 8), grow('set', 8, 9), grow('set', 9, 16), grow('set', 16, 17), grow('set', 17, 24), grow('set', 24, 25), grow('set', 25, 32), grow('set', 32, 33), grow('set', 33, 64)],
      [META, COPY, META, META, COPY, META, COPY, META, COPY, META, COPY, META],
    );
    assert.deepEqual(verdicts(`ALTER TABLE t MODIFY z ENUM(${list(256)})`, MY, sized('enum', 255)), [[COPY, "The new members grow `z`'s storage size, so MySQL copies `t` and blocks writes for the whole copy."]]);
  });
});

describe('impact rules: CHANGE / MODIFY COLUMN on MariaDB', function () {
  const same = (c: string) => `Changing \`${c}\`'s name, default or comment only changes metadata: instant.`;
  const copyCharset = (c: string, from: string, to: string) =>
    `Changing \`${c}\`'s character set from ${from} to ${to} re-encodes every value: MariaDB copies \`t\` and blocks writes for the whole copy. Add a new column, backfill it in batches, and switch over instead.`;
  const toUtf8mb4 = (c: string) => `Converting \`${c}\` from utf8mb3 to utf8mb4 keeps its stored bytes, so MariaDB does it instantly.`;
  const widen = (c: string, a: number, b: number) => `Widening \`${c}\` from ${a} to ${b} bytes keeps how its lengths are stored, so MariaDB does it instantly.`;
  const widenCopy = (c: string, a: number, b: number) =>
    `Widening \`${c}\` from ${a} to ${b} bytes changes how its lengths are stored (past 255 bytes from over 127): MariaDB copies \`t\` and blocks writes for the whole copy. Use an online schema change tool on a big table.`;
  const REDUNDANT = { rowFormat: 'redundant' };
  const nullable = 'Making `c` nullable rebuilds `t` in place on MariaDB: writes go on, but every row is rewritten.';
  run([
    ['ALTER TABLE t CHANGE c c2 INT NOT NULL DEFAULT 0', maria('10.3.39'), table(), [[META, same('c')]]],
    // AUTO_INCREMENT on copies the table (refused without a key that starts with the column); off only changes metadata.
    ['ALTER TABLE t MODIFY c INT NOT NULL AUTO_INCREMENT', MA, table(), [[NONE, 'No key starts with `c`: the server refuses to make it AUTO_INCREMENT ("there can be only one auto column and it must be defined as a key"). Add a key that starts with it first.']]],
    ['ALTER TABLE t MODIFY b INT AUTO_INCREMENT', MA, table(), [[COPY, 'Making `b` AUTO_INCREMENT copies `t` and blocks writes for the whole copy.']]],
    ['ALTER TABLE t MODIFY id INT NOT NULL', MA, table(AUTO_ID), [[META, 'Taking AUTO_INCREMENT off `id` only changes metadata on MariaDB: instant. New rows then need a value for it.']]],
    ['ALTER TABLE t MODIFY id BIGINT NOT NULL', MA, table(AUTO_ID), [[COPY, "Changing `id`'s type from int to bigint rewrites every value: MariaDB copies `t` and blocks writes for the whole copy. Add a new column, backfill it in batches, and switch over, or use an online schema change tool."]]],
    ['ALTER TABLE t MODIFY c INT AS (b + 1) VIRTUAL', MA, table(), [[NONE, 'Changing generated column `c` (or making a column generated): the rules do not know how the server runs this, so it counts as blocking.']]],
    ['ALTER TABLE t CHANGE nope x INT', MA, table(), [[NONE, '`t` has no column `nope`: the server refuses the statement.']]],
    // VARCHAR widening is instant from 10.4.3 when the length stays stored alike: both sides up to 255 bytes, or from 127 bytes or less, or any on REDUNDANT.
    ['ALTER TABLE t MODIFY a VARCHAR(20)', maria('10.4.2'), table(), [[COPY, widenCopy('a', 40, 80)]]],
    ['ALTER TABLE t MODIFY a VARCHAR(20)', maria('10.4.3'), table(), [[META, widen('a', 40, 80)]]],
    ['ALTER TABLE t MODIFY a VARCHAR(64)', MA, table(), [[META, widen('a', 40, 256)]]],
    ['ALTER TABLE t MODIFY p127 VARCHAR(300) CHARACTER SET latin1', MA, table(), [[META, widen('p127', 127, 300)]]],
    ['ALTER TABLE t MODIFY p128 VARCHAR(300) CHARACTER SET latin1', MA, table(), [[COPY, widenCopy('p128', 128, 300)]]],
    ['ALTER TABLE t MODIFY p128 VARCHAR(255) CHARACTER SET latin1', MA, table(), [[META, widen('p128', 128, 255)]]],
    ['ALTER TABLE t MODIFY w VARCHAR(300) CHARACTER SET latin1', MA, table(), [[COPY, widenCopy('w', 255, 300)]]],
    ['ALTER TABLE t MODIFY n VARCHAR(100)', MA, table(), [[COPY, widenCopy('n', 200, 400)]]],
    ['ALTER TABLE t MODIFY m86 VARCHAR(100) CHARACTER SET utf8mb3', MA, table(), [[META, widen('m86', 258, 300)]]],
    ['ALTER TABLE t MODIFY n VARCHAR(100)', MA, table(REDUNDANT), [[META, widen('n', 200, 400)]]],
    ['ALTER TABLE t MODIFY vb VARBINARY(300)', MA, table(), [[META, widen('vb', 100, 300)]]],
    ['ALTER TABLE t MODIFY vb2 VARBINARY(300)', MA, table(), [[COPY, widenCopy('vb2', 200, 300)]]],
    ["ALTER TABLE t MODIFY e ENUM('x','y','z')", MA, table(), [[META, "Appending members to the end of `e`'s list only changes metadata: instant."]]],
    // utf8mb3 to utf8mb4: instant from 10.4.3 for an unindexed column whose length is stored alike (any on REDUNDANT), indexed ones too from 10.11.
    ['ALTER TABLE t MODIFY m VARCHAR(60) CHARACTER SET utf8mb4', maria('10.4.2'), table(), [[COPY, copyCharset('m', 'utf8mb3', 'utf8mb4')]]],
    ['ALTER TABLE t MODIFY m VARCHAR(60) CHARACTER SET utf8mb4', maria('10.4.3'), table(), [[META, toUtf8mb4('m')]]],
    ['ALTER TABLE t MODIFY m VARCHAR(60) CHARACTER SET utf8mb4', maria('10.10.7'), table({ indexes: [index('km', ['m'])] }), [[COPY, copyCharset('m', 'utf8mb3', 'utf8mb4')]]],
    ['ALTER TABLE t MODIFY m VARCHAR(60) CHARACTER SET utf8mb4', maria('10.11.0'), table({ indexes: [index('km', ['m'])] }), [[META, toUtf8mb4('m')]]],
    ['ALTER TABLE t MODIFY m64 VARCHAR(64) CHARACTER SET utf8mb4', MA, table(), [[COPY, copyCharset('m64', 'utf8mb3', 'utf8mb4')]]],
    ['ALTER TABLE t MODIFY m86 VARCHAR(86) CHARACTER SET utf8mb4', MA, table(), [[META, toUtf8mb4('m86')]]],
    ['ALTER TABLE t MODIFY m64 VARCHAR(64) CHARACTER SET utf8mb4', MA, table(REDUNDANT), [[META, toUtf8mb4('m64')]]],
    ['ALTER TABLE t MODIFY s VARCHAR(10) CHARACTER SET utf8mb4', MA, table(), [[COPY, copyCharset('s', 'latin1', 'utf8mb4')]]],
    ['ALTER TABLE t MODIFY m VARCHAR(60) CHARACTER SET latin1', MA, table(), [[COPY, copyCharset('m', 'utf8mb3', 'latin1')]]],
    ['ALTER TABLE t MODIFY a VARCHAR(10) COLLATE utf8mb4_bin', MA, table(), [[NONE, "Changing only `a`'s collation: whether MariaDB needs a copy depends on the indexes over it, so this is unknown."]]],
    // Reordering is instant from 10.4, also on a COMPRESSED table; not with FTS_DOC_ID.
    ['ALTER TABLE t MODIFY c INT NOT NULL DEFAULT 0 FIRST', maria('10.3.39'), table(), [[META, same('c')], [REBUILD, 'Moving `c` rebuilds `t` in place because MariaDB 10.3.39 only adds a last column instantly (anywhere, and drops, from 10.4).']]],
    ['ALTER TABLE t MODIFY c INT NOT NULL DEFAULT 0 FIRST', maria('10.4.0'), table({ rowFormat: 'compressed' }), [[META, same('c')], [META_R, 'Moving `c` to another position is instant on MariaDB.']]],
    ['ALTER TABLE t MODIFY c INT NOT NULL DEFAULT 0 FIRST', MA, table(FULLTEXT), [[META, same('c')], [REBUILD, "Moving `c` rebuilds `t` in place because `t` has a FULLTEXT index (InnoDB's hidden FTS_DOC_ID), which rules out instant column changes."]]],
    // NOT NULL rebuilds in place, but copies beside STORED generated columns; NULL is instant only on REDUNDANT from 10.4.3.
    ['ALTER TABLE t MODIFY b INT NOT NULL', MA, table(), [[META, same('b')], [REBUILD, 'Making `b` NOT NULL rebuilds `t` in place: writes go on, but every row is rewritten, and a NULL in it makes the statement fail at the end.']]],
    ['ALTER TABLE t MODIFY b INT NOT NULL', MA, table({}, [g('g', 'virtual', 'c + 1')]), [[META, same('b')], [REBUILD, 'Making `b` NOT NULL rebuilds `t` in place: writes go on, but every row is rewritten, and a NULL in it makes the statement fail at the end.']]],
    ['ALTER TABLE t MODIFY b INT NOT NULL', MA, table({}, [g('g', 'virtual', 'c + 1'), g('h', 'stored', 'c * 2')]), [
      [META, same('b')],
      [COPY, 'Making `b` NOT NULL on `t`, which has STORED generated columns, makes MariaDB copy the table, blocking writes for the whole copy; a NULL in it makes the statement fail at the end.'],
    ]],
    ['ALTER TABLE t MODIFY c INT DEFAULT 0', MA, table(), [[META, same('c')], [REBUILD, nullable]]],
    ['ALTER TABLE t MODIFY c INT DEFAULT 0', maria('10.4.2'), table(REDUNDANT), [[META, same('c')], [REBUILD, nullable]]],
    ['ALTER TABLE t MODIFY c INT DEFAULT 0', maria('10.4.3'), table(REDUNDANT), [[META, same('c')], [META_R, 'Making `c` nullable is instant on a ROW_FORMAT=REDUNDANT table.']]],
  ]);

  it('copies when an ENUM grows past 255 members', function () {
    const list = (n: number) => Array.from({ length: n }, (_, i) => `'v${i}'`).join(',');
    const t = table({}, [col('z', `enum(${list(255)})`, 30)]);
    assert.deepEqual(verdicts(`ALTER TABLE t MODIFY z ENUM(${list(256)})`, MA, t), [[COPY, "The new members grow `z`'s storage size, so MariaDB copies `t` and blocks writes for the whole copy."]]);
  });
});

describe('impact rules: indexes, keys, constraints', function () {
  const building = (name: string, unique = false) =>
    `Building index ${name} runs in place: reads and writes go on, it scans the table once, and replicas replay it after it ends.${unique ? ' A duplicate value makes it fail at the end, after all the work.' : ''}`;
  const addPk = 'Adding a primary key rebuilds `t` in place (the rows are reorganised by the new key): writes go on, but it reads and rewrites every row and replicas replay it after it ends. A duplicate or NULL in the key columns makes it fail at the end.';
  const dropPkCopy = 'Dropping the primary key without adding another copies `t` and blocks writes for the whole copy. Add the new primary key in the same statement (DROP PRIMARY KEY, ADD PRIMARY KEY (...)) to rebuild in place instead.';
  const autoKeyed =
    '`id` stays AUTO_INCREMENT and no key would start with it: the server refuses the statement ("there can be only one auto column and it must be defined as a key"). Take AUTO_INCREMENT off in the same statement (MODIFY `id` INT NOT NULL, DROP PRIMARY KEY), or keep a key that starts with `id`.';
  const autoOff = {
    mysql: 'Taking AUTO_INCREMENT off `id` changes its definition, which MySQL cannot do in place: it copies `t` and blocks writes for the whole copy.',
    mariadb: 'Taking AUTO_INCREMENT off `id` only changes metadata on MariaDB: instant. New rows then need a value for it.',
  };
  const dropIndexKb = 'Dropping index `kb` only changes metadata in place: reads and writes go on. Queries that used it get slower.';
  const dropFk = 'Dropping foreign key `fk_b` only changes metadata: reads and writes go on (its index stays).';
  const dropCheck = 'Dropping a CHECK constraint only changes metadata: instant.';
  for (const server of [MY, MA]) {
    run([
      ['ALTER TABLE t ADD INDEX kc (c)', server, table(), [[INPLACE, building('`kc`')]]],
      ['ALTER TABLE t ADD UNIQUE (c)', server, table(), [[INPLACE, building('the new index', true)]]],
      ['ALTER TABLE t ADD PRIMARY KEY (c)', server, table(NO_PK), [[REBUILD, addPk]]],
      ['ALTER TABLE t DROP PRIMARY KEY, ADD PRIMARY KEY (id, c)', server, table(), [[REBUILD, 'Replacing the primary key rebuilds `t` in place: writes go on, but every row is rewritten.'], [REBUILD, addPk]]],
      ['ALTER TABLE t DROP PRIMARY KEY, ADD INDEX kc (c)', server, table(), [[COPY, dropPkCopy], [INPLACE, building('`kc`')]]],
      ['ALTER TABLE t DROP PRIMARY KEY', server, table(NO_PK), [[NONE, '`t` has no primary key to drop: the server refuses the statement.']]],
      // An AUTO_INCREMENT column must stay the first column of a key.
      ['ALTER TABLE t DROP PRIMARY KEY', server, table(AUTO_ID), [[NONE, autoKeyed]]],
      ['ALTER TABLE t DROP CONSTRAINT `PRIMARY`', server, table(AUTO_ID), [[NONE, autoKeyed]]],
      ['ALTER TABLE t DROP PRIMARY KEY, ADD PRIMARY KEY (c, id)', server, table(AUTO_ID), [[NONE, autoKeyed], [REBUILD, addPk]]],
      ['ALTER TABLE t MODIFY id INT NOT NULL, DROP PRIMARY KEY', server, table(AUTO_ID), [[server.flavor === 'mysql' ? COPY : META, autoOff[server.flavor]], [COPY, dropPkCopy]]],
      ['ALTER TABLE t DROP COLUMN id', server, table(AUTO_ID), [[NONE, '`id` is part of the primary key of `t`; how the server runs dropping it depends on the key that remains, so this is unknown.']]],
      ['ALTER TABLE t DROP PRIMARY KEY, ADD UNIQUE KEY u (id)', server, table(AUTO_ID), [[COPY, dropPkCopy], [INPLACE, building('`u`', true)]]],
      ['ALTER TABLE t DROP PRIMARY KEY, ADD PRIMARY KEY (id, c)', server, table(AUTO_ID), [[REBUILD, 'Replacing the primary key rebuilds `t` in place: writes go on, but every row is rewritten.'], [REBUILD, addPk]]],
      ['ALTER TABLE t DROP PRIMARY KEY', server, table({ ...AUTO_ID, indexes: [index('PRIMARY', ['id'], { primary: true, unique: true }), index('kid', ['id', 'b'])] }), [[COPY, dropPkCopy]]],
      ['ALTER TABLE t DROP PRIMARY KEY, DROP INDEX kid', server, table({ ...AUTO_ID, indexes: [index('PRIMARY', ['id'], { primary: true, unique: true }), index('kid', ['id', 'b'])] }), [[NONE, autoKeyed], [INPLACE, 'Dropping index `kid` only changes metadata in place: reads and writes go on. Queries that used it get slower.']]],
      // FULLTEXT: the first rebuilds to add FTS_DOC_ID; with FTS_DOC_ID there it builds under a shared lock; one per statement.
      ['ALTER TABLE t ADD FULLTEXT INDEX ft (a), ADD INDEX kc (c)', server, table(), [
        [SHARED_REBUILD, "The first FULLTEXT index rebuilds `t` to add InnoDB's hidden FTS_DOC_ID column, and blocks writes (LOCK=SHARED) for the whole rebuild. Add an FTS_DOC_ID BIGINT UNSIGNED NOT NULL AUTO_INCREMENT column with a unique index FTS_DOC_ID_INDEX beforehand, or use an online schema change tool."],
        [INPLACE, building('`kc`')],
      ]],
      ['ALTER TABLE t ADD FULLTEXT INDEX ft (a), ADD COLUMN z INT NOT NULL AUTO_INCREMENT', server, table(), [
        [SHARED_REBUILD, "The first FULLTEXT index rebuilds `t` to add InnoDB's hidden FTS_DOC_ID column, and blocks writes (LOCK=SHARED) for the whole rebuild. Add an FTS_DOC_ID BIGINT UNSIGNED NOT NULL AUTO_INCREMENT column with a unique index FTS_DOC_ID_INDEX beforehand, or use an online schema change tool."],
        [SHARED_REBUILD, 'Adding AUTO_INCREMENT column `z` rebuilds `t` and blocks writes (LOCK=SHARED) for the whole rebuild, while it numbers every row.'],
      ]],
      ['ALTER TABLE t ADD FULLTEXT (n)', server, table(FULLTEXT), [[SHARED, 'Building FULLTEXT index the new index in place blocks writes to `t` (LOCK=SHARED) for as long as it takes; reads go on. Build it in a quiet window or with an online schema change tool.']]],
      ['ALTER TABLE t ADD SPATIAL INDEX sp (g)', server, table(), [[SHARED, 'Building SPATIAL index `sp` blocks writes to `t` (LOCK=SHARED) while it runs; reads go on.']]],
      ['ALTER TABLE t DROP INDEX KB', server, table(), [[INPLACE, 'Dropping index `KB` only changes metadata in place: reads and writes go on. Queries that used it get slower.']]],
      ['ALTER TABLE t DROP CONSTRAINT `PRIMARY`', server, table(), [[COPY, dropPkCopy]]],
      ['ALTER TABLE t DROP CONSTRAINT KB', server, table(), [[INPLACE, 'Dropping index `KB` only changes metadata in place: reads and writes go on. Queries that used it get slower.']]],
      ['ALTER TABLE t DROP CONSTRAINT kb', server, table(), [[INPLACE, dropIndexKb]]],
      // Foreign keys: adding one with foreign_key_checks on copies; dropping one is metadata (instant on MariaDB).
      ['ALTER TABLE t ADD FOREIGN KEY (c, b) REFERENCES s.p (id, x)', server, table(), [[COPY, 'Adding foreign key (`c`, `b`) → `p` with foreign_key_checks on copies `t` to validate every row, blocking writes for the whole copy. With foreign_key_checks=0 it runs in place without a copy, but then existing orphans go unnoticed: check for them first.']]],
      ['ALTER TABLE t ADD CONSTRAINT f FOREIGN KEY (c) REFERENCES p (id)', server, table(), [[COPY, 'Adding foreign key `f` (`c`) → `p` with foreign_key_checks on copies `t` to validate every row, blocking writes for the whole copy. With foreign_key_checks=0 it runs in place without a copy, but then existing orphans go unnoticed: check for them first.']]],
      ['ALTER TABLE t DROP FOREIGN KEY FK_B', server, table(), [[server.flavor === 'mysql' ? INPLACE : META, 'Dropping foreign key `FK_B` only changes metadata: reads and writes go on (its index stays).']]],
      ['ALTER TABLE t DROP CONSTRAINT fk_b', server, table(), [[server.flavor === 'mysql' ? INPLACE : META, dropFk]]],
      ['ALTER TABLE t DROP CONSTRAINT fk_b', server, table({ foreignKeys: [...table().foreignKeys, { name: 'fk_c', columns: ['c'], refSchema: 's', refTable: 'q', refColumns: ['id'] }] }), [[server.flavor === 'mysql' ? INPLACE : META, dropFk]]],
      ['ALTER TABLE t DROP CONSTRAINT FK_B', server, table({ indexes: [index('PRIMARY', ['id'], { primary: true, unique: true }), index('fk_b', ['b'])] }), [[server.flavor === 'mysql' ? INPLACE : META, 'Dropping foreign key `FK_B` only changes metadata: reads and writes go on (its index stays).']]],
      // CHECK constraints: adding validates every row by a copy; dropping one is metadata.
      ['ALTER TABLE t ADD CONSTRAINT ck CHECK (c > 0)', server, table(), [[COPY, 'Adding a CHECK constraint copies `t` to validate every row, blocking writes for the whole copy. On a big table, enforce the rule in the application first and add the constraint in a quiet window.']]],
      ['ALTER TABLE t DROP CONSTRAINT ck', server, table(), [[META, dropCheck]]],
    ]);
  }
  run([
    // RENAME INDEX: in place on MySQL, instant on MariaDB from 10.5.2.
    ['ALTER TABLE t RENAME INDEX KB TO kb2', MY, table(), [[INPLACE, 'Renaming index `KB` changes metadata in place: reads and writes go on. Queries with index hints naming it fail afterwards.']]],
    ['ALTER TABLE t RENAME INDEX kb TO kb2', maria('10.5.1'), table(), [[NONE, 'MariaDB 10.5.1 has no RENAME INDEX (10.5.2+): the server refuses the statement.']]],
    ['ALTER TABLE t RENAME INDEX KB TO kb2', maria('10.5.2'), table(), [[META, 'Renaming index `KB` only changes metadata: instant. Queries with index hints naming it fail afterwards.']]],
    ['ALTER TABLE t RENAME INDEX nope TO kb2', maria('10.4.0'), table(), [[NONE, '`t` has no index `nope`: the server refuses the statement.']]],
    // Index visibility: MySQL's VISIBLE / INVISIBLE is metadata in place; MariaDB spells it IGNORED.
    ['ALTER TABLE t ALTER INDEX kb INVISIBLE', MY, table(), [[INPLACE, 'Making index `kb` invisible changes metadata in place: nothing blocked, and it is the safe way to try dropping an index.']]],
    ['ALTER TABLE t ALTER INDEX kb VISIBLE', MY, table(), [[INPLACE, 'Making index `kb` visible changes metadata in place: nothing blocked, and it is the safe way to try dropping an index.']]],
    ['ALTER TABLE t ALTER INDEX kb INVISIBLE', MA, table(), [[NONE, 'MariaDB spells index visibility IGNORED / NOT IGNORED (10.6+), not VISIBLE / INVISIBLE; the rules do not judge it.']]],
    // DROP CHECK: MySQL's spelling; MariaDB has only DROP CONSTRAINT.
    ['ALTER TABLE t DROP CHECK ck', MY, table(), [[META, dropCheck]]],
    ['ALTER TABLE t DROP CHECK ck', MA, table(), [[NONE, 'MariaDB has no DROP CHECK: the server refuses the statement (use DROP CONSTRAINT).']]],
  ]);
});

describe('impact rules: column defaults and visibility, table options, whole-table clauses', function () {
  const rebuild = (what: string) => `${what} rebuilds \`t\` in place: reads and writes go on, but every row is rewritten (it needs free space the size of the table) and replicas replay it after it ends.`;
  const unknownText = (text: string) => `The rules do not know how the server runs \`${text}\`, so this counts as blocking. Run it on a copy of the table with ALGORITHM=INPLACE, LOCK=NONE to find out.`;
  for (const server of [MY, MA]) {
    const name = server.flavor === 'mysql' ? 'MySQL' : 'MariaDB';
    run([
      ['ALTER TABLE t ALTER COLUMN c SET DEFAULT 1', server, table(), [[META, "Changing `c`'s default only changes metadata: instant. Rows already there keep their values."]]],
      ['ALTER TABLE t ALTER COLUMN nope DROP DEFAULT', server, table(), [[NONE, '`t` has no column `nope`: the server refuses the statement.']]],
      ['ALTER TABLE t ENGINE=innodb', server, table(), [[REBUILD, rebuild('ENGINE=innodb')]]],
      ['ALTER TABLE t ENGINE=MyISAM', server, table(), [[COPY, 'Changing `t` to ENGINE=MyISAM copies every row into the new engine and blocks writes for the whole copy.']]],
      ['ALTER TABLE t ROW_FORMAT=DYNAMIC KEY_BLOCK_SIZE=8', server, table(), [[REBUILD, rebuild('ROW_FORMAT=DYNAMIC')], [REBUILD, rebuild('KEY_BLOCK_SIZE=8')]]],
      ['ALTER TABLE t FORCE', server, table(), [[REBUILD, rebuild('FORCE')]]],
      ["ALTER TABLE t STATS_PERSISTENT=1, ENCRYPTION='Y'", server, table(), [
        [server.flavor === 'mysql' ? INPLACE : META, server.flavor === 'mysql' ? 'STATS_PERSISTENT=1 changes metadata in place: nothing blocked.' : 'STATS_PERSISTENT=1 only changes metadata: instant.'],
        [NONE, unknownText("ENCRYPTION='Y'")],
      ]],
      ['ALTER TABLE t CONVERT TO CHARACTER SET utf8mb4', server, table(), [[COPY, `CONVERT TO CHARACTER SET utf8mb4 re-encodes every text column: ${name} copies \`t\` and blocks writes for the whole copy. Convert column by column with an online schema change tool on big tables.`]]],
      ['ALTER TABLE t RENAME TO t2', server, table(), [[META, 'Renaming `t` only changes metadata: instant. Anything that still uses the old name fails afterwards.']]],
      ['ALTER TABLE t DROP PARTITION p0', server, table({ partitioned: true }), [[NONE, unknownText('DROP PARTITION p0')]]],
      // The clause's text is quoted whole up to 60 characters, cut to 57 and an ellipsis beyond.
      [`ALTER TABLE t ORDER BY ${'a'.repeat(51)}`, server, table(), [[NONE, unknownText(`ORDER BY ${'a'.repeat(51)}`)]]],
      [`ALTER TABLE t ORDER BY ${'a'.repeat(52)}`, server, table(), [[NONE, unknownText(`ORDER BY ${'a'.repeat(48)}...`)]]],
    ]);
  }
  run([
    // MySQL: column visibility from 8.0.23, instant; table metadata options in place.
    ['ALTER TABLE t ALTER COLUMN c SET INVISIBLE', my('8.0.22'), table(), [[NONE, 'MySQL 8.0.22 has no invisible columns (8.0.23+): the server refuses the statement.']]],
    ['ALTER TABLE t ALTER COLUMN c SET INVISIBLE', my('8.0.23'), table(), [[META, 'Making `c` invisible only changes metadata: instant.']]],
    ['ALTER TABLE t ALTER COLUMN c SET VISIBLE', MY, table(), [[META, 'Making `c` visible only changes metadata: instant.']]],
    ['ALTER TABLE t AUTO_INCREMENT=100', MY, table(), [[INPLACE, "Setting `t`'s AUTO_INCREMENT counter changes metadata in place: reads and writes go on."]]],
    ["ALTER TABLE t COMMENT='x'", MY, table(), [[INPLACE, "Changing `t`'s comment changes metadata in place: reads and writes go on."]]],
    ['ALTER TABLE t DEFAULT CHARSET=latin1', MY, table(), [[INPLACE, "Changing `t`'s default character set or collation only affects columns added later; existing columns keep theirs. In place, nothing blocked."]]],
    ['ALTER TABLE t COLLATE utf8mb4_bin', MY, table(), [[INPLACE, "Changing `t`'s default character set or collation only affects columns added later; existing columns keep theirs. In place, nothing blocked."]]],
    // MariaDB: no ALTER COLUMN ... SET VISIBLE; table metadata options are instant.
    ['ALTER TABLE t ALTER COLUMN c SET INVISIBLE', MA, table(), [[NONE, 'MariaDB has no ALTER COLUMN ... SET VISIBLE/INVISIBLE: the server refuses the statement (use MODIFY with INVISIBLE).']]],
    ['ALTER TABLE t AUTO_INCREMENT=100', MA, table(), [[META, "Setting `t`'s AUTO_INCREMENT counter only changes metadata: instant."]]],
    ["ALTER TABLE t COMMENT='x'", MA, table(), [[META, "Changing `t`'s comment only changes metadata: instant."]]],
    ['ALTER TABLE t DEFAULT CHARSET=latin1', MA, table(), [[META, "Changing `t`'s default character set or collation only affects columns added later: instant."]]],
    ['ALTER TABLE t COLLATE utf8mb4_bin', MA, table(), [[META, "Changing `t`'s default character set or collation only affects columns added later: instant."]]],
  ]);
});
