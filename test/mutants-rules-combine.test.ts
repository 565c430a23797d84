// How a statement's clauses combine into one decision (the best algorithm every clause shares, the
// strongest lock, the reason of the clause that held it back), how a stated ALGORITHM/LOCK narrows it or
// makes the server refuse, what a FULLTEXT index does to a rebuild, the statements that are no ALTER,
// and the duration estimate. Written against the mutants `npm run mutate` found alive in rules.ts.
import assert from 'node:assert/strict';
import { parseDdl } from '../src/core/impact/ddl.js';
import { combine, decideImpact, estimateSeconds } from '../src/core/impact/rules.js';
import type { ColumnFacts, ImpactDecision, ServerFacts, TableFacts } from '../src/core/impact/types.js';

const MY: ServerFacts = { flavor: 'mysql', version: '8.4.3' };
const MA: ServerFacts = { flavor: 'mariadb', version: '10.11.6' };

function col(name: string, columnType: string, position: number, nullable = true): ColumnFacts {
  return { name, columnType, dataType: /^[a-z]+/.exec(columnType)![0], nullable, default: null, extra: '', charset: null, collation: null, maxChars: null, maxBytes: null, position };
}

function table(more: Partial<TableFacts> = {}): TableFacts {
  return {
    schema: 's',
    name: 't',
    source: 'live',
    engine: 'InnoDB',
    rowFormat: 'dynamic',
    charset: 'utf8mb4',
    collation: 'utf8mb4_general_ci',
    rows: 1000,
    dataBytes: 400 * 1024 * 1024,
    indexBytes: 100 * 1024 * 1024,
    columns: [col('id', 'int', 1, false), col('a', 'varchar(10)', 2), col('b', 'int', 3), col('c', 'int', 4, false), col('g', 'point', 5, false)],
    indexes: [
      { name: 'PRIMARY', primary: true, unique: true, type: 'BTREE', columns: [{ name: 'id', prefix: null }], visible: true },
      { name: 'kb', primary: false, unique: false, type: 'BTREE', columns: [{ name: 'b', prefix: null }], visible: true },
    ],
    foreignKeys: [],
    totalRowVersions: 0,
    partitioned: false,
    hasFulltext: false,
    hiddenFtsDocId: false,
    ...more,
  };
}

function decide(sql: string, server: ServerFacts, t: TableFacts | undefined): ImpactDecision {
  const spec = parseDdl(sql);
  assert.ok(spec, sql);
  return decideImpact(spec, t, server);
}

const unknown = (reason: string): ImpactDecision => ({ algorithm: null, lock: null, rebuild: null, reason });
const how = (algorithm: 'instant' | 'inplace' | 'copy', lock: 'none' | 'shared' | 'exclusive', rebuild: boolean, reason: string): ImpactDecision => ({ algorithm, lock, rebuild, reason });

// The clause reasons the cases below combine.
const INDEX_KC = 'Building index `kc` runs in place: reads and writes go on, it scans the table once, and replicas replay it after it ends.';
const INDEX_KD = 'Building index `kd` runs in place: reads and writes go on, it scans the table once, and replicas replay it after it ends.';
const SPATIAL = 'Building SPATIAL index `sp` blocks writes to `t` (LOCK=SHARED) while it runs; reads go on.';
const FORCE = 'FORCE rebuilds `t` in place: reads and writes go on, but every row is rewritten (it needs free space the size of the table) and replicas replay it after it ends.';
const FULLTEXT_FIRST =
  "The first FULLTEXT index rebuilds `t` to add InnoDB's hidden FTS_DOC_ID column, and blocks writes (LOCK=SHARED) for the whole rebuild. Add an FTS_DOC_ID BIGINT UNSIGNED NOT NULL AUTO_INCREMENT column with a unique index FTS_DOC_ID_INDEX beforehand, or use an online schema change tool.";
const ADD_Z_MY = 'Adding `z` is instant on MySQL 8.4.3: only metadata changes, nothing is blocked.';
const ADD_Z_MA = 'Adding `z` is instant on MariaDB 10.11.6: only metadata changes, nothing is blocked.';
const DEFAULT_C = "Changing `c`'s default only changes metadata: instant. Rows already there keep their values.";

describe('impact rules: statements that are no ALTER, and tables the rules cannot judge', function () {
  const CASES: Array<[string, ServerFacts, TableFacts | undefined, ImpactDecision]> = [
    ['DELETE FROM t WHERE id < 10', MY, table(), unknown('Not a schema change: the online DDL rules do not apply (row locks and run time depend on the rows it touches).')],
    ['INSERT INTO t VALUES (1)', MA, table(), unknown('Not a schema change: the online DDL rules do not apply (row locks and run time depend on the rows it touches).')],
    ['ALTER TABLE t ADD COLUMN z INT', MY, undefined, unknown('The plan knows nothing of `t` (not on the target, nor created by an earlier statement), so how the server will run this is unknown.')],
    ['ALTER TABLE t ADD COLUMN z INT', MA, table({ engine: 'MyISAM' }), unknown('`t` uses the MyISAM engine; these rules know InnoDB only, so how the server runs this is unknown. Most other engines copy the table and block writes.')],
    ['ALTER TABLE t ADD COLUMN z INT', MY, table({ engine: 'INNODB' }), how('instant', 'none', false, ADD_Z_MY)],
    ['ALTER TABLE t', MY, table(), unknown('An ALTER TABLE with no clause the rules understand.')],
    ['CREATE TABLE n (id INT PRIMARY KEY)', MY, undefined, how('instant', 'none', false, 'CREATE TABLE makes an empty `n`: nothing existing is touched.')],
    ['CREATE TABLE n AS SELECT * FROM t', MA, undefined, how('copy', 'shared', false, "CREATE TABLE ... SELECT copies the query's rows into `n` in one transaction, locking the rows it reads in the source tables; create the table empty and fill it in batches instead.")],
    // OPTIMIZE rebuilds; with a FULLTEXT index MySQL copies and MariaDB rebuilds under a shared lock.
    ['OPTIMIZE TABLE t', MY, table({ hasFulltext: true }), how('copy', 'shared', true, 'OPTIMIZE TABLE rebuilds `t`, and with a FULLTEXT index MySQL copies it, blocking writes for the whole copy. Run it in a maintenance window or with an online schema change tool.')],
    ['OPTIMIZE TABLE t', MA, table({ hasFulltext: true }), how('inplace', 'shared', true, 'OPTIMIZE TABLE rebuilds `t` in place, and its FULLTEXT index with it, which blocks writes (LOCK=SHARED) for the whole rebuild. Run it in a quiet window.')],
    ['OPTIMIZE TABLE t', MY, undefined, unknown('The plan knows nothing of `t` (not on the target, nor created by an earlier statement), so how the server will run this is unknown.')],
    // MariaDB refuses ALGORITHM/LOCK on DROP INDEX ... ON, and takes it without.
    ['DROP INDEX kb ON t', MA, table(), how('inplace', 'none', false, 'Dropping index `kb` only changes metadata in place: reads and writes go on. Queries that used it get slower.')],
    ['DROP INDEX kb ON t LOCK=NONE', MA, table(), unknown('MariaDB takes no ALGORITHM/LOCK on DROP INDEX ... ON (a syntax error): write ALTER TABLE ... DROP INDEX ..., ALGORITHM=... instead.')],
    // A refused clause stays refused on a FULLTEXT table.
    ['ALTER TABLE t DROP COLUMN nope', MY, table({ hasFulltext: true }), unknown('`t` has no column `nope`: the server refuses the statement.')],
    ['ALTER TABLE t DROP COLUMN nope', MA, table({ hasFulltext: true }), unknown('`t` has no column `nope`: the server refuses the statement.')],
  ];
  for (const [sql, server, t, expected] of CASES) {
    it(`${sql} on ${server.flavor}${t ? '' : ', a table the plan does not know'}`, function () {
      assert.deepEqual(decide(sql, server, t), expected);
    });
  }
});

describe('impact rules: combining clauses, and a stated ALGORITHM / LOCK', function () {
  const CASES: Array<[string, ServerFacts, TableFacts, ImpactDecision]> = [
    // DEFAULT states nothing.
    ['ALTER TABLE t ADD COLUMN z INT, ALGORITHM=DEFAULT', MY, table(), how('instant', 'none', false, ADD_Z_MY)],
    ['ALTER TABLE t ADD INDEX kc (c), LOCK=DEFAULT', MY, table(), how('inplace', 'none', false, INDEX_KC)],
    // On an empty table MySQL runs an instant change instantly, unless a LOCK is stated: then it rebuilds in place.
    ['ALTER TABLE t ADD COLUMN z INT', MY, table({ rows: 0 }), how('instant', 'none', false, ADD_Z_MY)],
    ['ALTER TABLE t ADD COLUMN z INT, LOCK=SHARED', MY, table({ rows: 0 }), how('inplace', 'shared', true,
      `With LOCK=SHARED stated on an empty table, MySQL rebuilds it in place instead of changing it instantly (no cost while it is empty). ${ADD_Z_MY} LOCK=SHARED is stated, so it blocks writes for as long as it runs.`)],
    ['ALTER TABLE t ADD COLUMN z INT, LOCK=EXCLUSIVE', MY, table({ rows: 0 }), how('inplace', 'exclusive', true,
      `With LOCK=EXCLUSIVE stated on an empty table, MySQL rebuilds it in place instead of changing it instantly (no cost while it is empty). ${ADD_Z_MY} LOCK=EXCLUSIVE is stated, so it blocks reads and writes for as long as it runs.`)],
    ['ALTER TABLE t ADD COLUMN z INT, LOCK=SHARED', MY, table(), how('instant', 'none', false, ADD_Z_MY)],
    ['ALTER TABLE t ADD COLUMN z INT, LOCK=SHARED', MA, table({ rows: 0 }), how('instant', 'none', false, ADD_Z_MA)],
    ['ALTER TABLE t ADD COLUMN z INT, LOCK=SHARED', MA, table(), how('instant', 'none', false, ADD_Z_MA)],
    // A stated algorithm slower than the clause's best is said first.
    ['ALTER TABLE t ALTER COLUMN c SET DEFAULT 1, ALGORITHM=INPLACE', MY, table(), how('inplace', 'none', false, `ALGORITHM=INPLACE is stated, so the server runs it in place (LOCK=NONE). ${DEFAULT_C}`)],
    ['ALTER TABLE t ALTER COLUMN c SET DEFAULT 1, ALGORITHM=INPLACE', MA, table(), how('instant', 'none', false, DEFAULT_C)],
    ['ALTER TABLE t ADD COLUMN z INT, ALGORITHM=NOCOPY', MA, table(), how('instant', 'none', false, ADD_Z_MA)],
    // NOCOPY refuses a rebuild by any clause.
    ['ALTER TABLE t ADD INDEX kc (c), FORCE, ALGORITHM=NOCOPY', MA, table(),
      unknown(`The server refuses this statement: ALGORITHM=NOCOPY is not supported for it (${FORCE}) Drop the ALGORITHM clause or state the algorithm it supports.`)],
    // A refused algorithm names the first of the clauses that hold it back the most.
    ['ALTER TABLE t ADD INDEX kc (c), ADD INDEX kd (b), ALGORITHM=INSTANT', MY, table(),
      unknown(`The server refuses this statement: ALGORITHM=INSTANT is not supported for it (${INDEX_KC}) Drop the ALGORITHM clause or state the algorithm it supports.`)],
    ['ALTER TABLE t ADD INDEX kd (b), ADD INDEX kc (c), ALGORITHM=INSTANT', MA, table(),
      unknown(`The server refuses this statement: ALGORITHM=INSTANT is not supported for it (${INDEX_KD}) Drop the ALGORITHM clause or state the algorithm it supports.`)],
    // A refused lock names the clause that needs the stronger one.
    ['ALTER TABLE t ADD INDEX kc (c), ADD FULLTEXT INDEX ft (a), ALGORITHM=INPLACE, LOCK=NONE', MY, table(),
      unknown(`The server refuses this statement: LOCK=NONE is stated but it needs LOCK=SHARED (${FULLTEXT_FIRST}) Drop the LOCK clause or state LOCK=SHARED.`)],
    ['ALTER TABLE t ADD FULLTEXT INDEX ft (a), ALGORITHM=INPLACE, LOCK=NONE', MA, table(),
      unknown(`The server refuses this statement: LOCK=NONE is stated but it needs LOCK=SHARED (${FULLTEXT_FIRST}) Drop the LOCK clause or state LOCK=SHARED.`)],
    // The strongest lock of the clauses, whatever their order; the reason of the clause that limits, and what the mix costs.
    ['ALTER TABLE t ADD SPATIAL INDEX sp (g), ADD INDEX kc (c)', MY, table(), how('inplace', 'shared', false, SPATIAL)],
    ['ALTER TABLE t ADD SPATIAL INDEX sp (g), FORCE', MA, table(), how('inplace', 'shared', true,
      `${SPATIAL} With the other clauses, the whole statement runs in place (LOCK=SHARED, rebuilding the table): split them into separate statements to keep the fast ones fast.`)],
    ['ALTER TABLE t ADD INDEX kc (c), FORCE', MY, table(), how('inplace', 'none', true, FORCE)],
    ['ALTER TABLE t ADD INDEX kc (c), ADD CONSTRAINT ck CHECK (c > 0)', MY, table(), how('copy', 'shared', true,
      'Adding a CHECK constraint copies `t` to validate every row, blocking writes for the whole copy. On a big table, enforce the rule in the application first and add the constraint in a quiet window.')],
    // On MySQL a FULLTEXT table cannot rebuild in place (a rebuild copies); what needs no rebuild stays in place.
    ['ALTER TABLE t ADD INDEX kc (c), ALTER COLUMN c SET DEFAULT 1', MY, table({ hasFulltext: true }), how('inplace', 'none', false, INDEX_KC)],
    ['ALTER TABLE t FORCE', MY, table({ hasFulltext: true }), how('copy', 'shared', true,
      `${FORCE} With a FULLTEXT index on the table, MySQL cannot rebuild in place: it copies the table and blocks writes for the whole copy.`)],
    ['ALTER TABLE t FORCE', MA, table({ hasFulltext: true }), how('inplace', 'shared', true,
      `${FORCE} The table's FULLTEXT index is rebuilt too, which blocks writes (LOCK=SHARED) for the whole rebuild.`)],
    // MariaDB keeps an instant change instant on a FULLTEXT table; only its in-place fallback takes the shared lock.
    ['ALTER TABLE t MODIFY b INT NULL', MA, table({ hasFulltext: true, rowFormat: 'redundant' }), how('instant', 'none', false, "Changing `b`'s name, default or comment only changes metadata: instant.")],
    ['ALTER TABLE t MODIFY c INT NULL', MA, table({ hasFulltext: true, rowFormat: 'redundant' }), how('instant', 'none', false, "Changing `c`'s name, default or comment only changes metadata: instant.")],
  ];
  for (const [sql, server, t, expected] of CASES) {
    it(`${sql} on ${server.flavor}${t.rows === 0 ? ', an empty table' : ''}${t.hasFulltext ? ', a table with a FULLTEXT index' : ''}`, function () {
      assert.deepEqual(decide(sql, server, t), expected);
    });
  }

  it('refuses a stated LOCK when no way is common to every clause', function () {
    const instantOnly = { ways: [{ algorithm: 'instant' as const, lock: 'none' as const, rebuild: false }], reason: 'A.' };
    const inplaceOnly = { ways: [{ algorithm: 'inplace' as const, lock: 'none' as const, rebuild: false }], reason: 'B.' };
    assert.deepEqual(
      combine([instantOnly, inplaceOnly], { algorithm: null, lock: 'none' }, MY),
      unknown('The server refuses this statement: LOCK=NONE is more permissive than any way it can run it. Drop the LOCK clause or state a stronger lock.'),
    );
    // A table is taken as not empty unless the caller says so.
    assert.deepEqual(combine([instantOnly], { algorithm: null, lock: 'shared' }, MY), how('instant', 'none', false, 'A.'));
    assert.deepEqual(combine([instantOnly, inplaceOnly], { algorithm: 'inplace', lock: null }, MA), unknown('The server refuses this statement: ALGORITHM=INPLACE is not supported for it (B.) Drop the ALGORITHM clause or state the algorithm it supports.'));
  });
});

describe('impact rules: how long a statement keeps the server busy', function () {
  // 400 MiB of data and 100 MiB of indexes: a rebuild moves 500 MiB at 50 MiB/s, a copy at 20 MiB/s,
  // an index build sorts the 400 MiB of data at 100 MiB/s.
  const t = table();
  const d = (algorithm: 'instant' | 'inplace' | 'copy', rebuild: boolean): ImpactDecision => ({ algorithm, lock: 'none', rebuild, reason: '' });
  const spec = (sql: string) => parseDdl(sql)!;
  it('estimates from the table\'s bytes at the documented rates', function () {
    assert.deepEqual(
      [
        estimateSeconds(t, d('inplace', true)),
        estimateSeconds(t, d('copy', true)),
        estimateSeconds(t, d('inplace', false), spec('ALTER TABLE t ADD INDEX kc (c)')),
        estimateSeconds(t, d('inplace', false), spec('ALTER TABLE t DROP INDEX kb, ADD INDEX kc (c)')),
        estimateSeconds(t, d('inplace', false), spec('ALTER TABLE t ADD COLUMN z INT UNIQUE')),
        estimateSeconds(t, d('inplace', false), spec('ALTER TABLE t ADD COLUMN z INT PRIMARY KEY')),
        estimateSeconds(t, d('inplace', false), spec('ALTER TABLE t ADD COLUMN z INT')),
        estimateSeconds(t, d('inplace', false)),
        estimateSeconds(table({ dataBytes: 1, indexBytes: 0 }), d('copy', true)),
      ],
      [10, 25, 4, 4, 4, 4, 0, 0, 1],
    );
  });
});
