// The pure parts of batched backfills: the marker, which statements can be cut into key ranges, the
// batch's text with its range (composite keys, aliases, no WHERE, INSERT ... SELECT), the bound
// queries, key literals, the key the plan picks, max_dml_rows, and the progress line.
import { strict as assert } from 'node:assert';
import { batchMarker, batchShape, batchSql, boundSql, keyLiteral, keyRange, lastRowSql, type BatchShape } from '../src/core/backfill/statement.js';
import { batchPlan, batchText } from '../src/core/backfill/plan.js';
import { dmlBound } from '../src/core/backfill/bound.js';
import { progressLine, statusBound } from '../src/core/backfill/run.js';
import type { TableFacts } from '../src/core/impact/types.js';
import type { PlannedChange } from '../src/core/plan-types.js';

const shape = (sql: string) => batchShape(sql) as BatchShape;

describe('backfill: the -- changegate:batch marker', () => {
  it('reads rows=, key= and sleep= from the comment line right before the statement', () => {
    assert.equal(batchMarker({}), null);
    assert.equal(batchMarker({ leadingComments: '-- a note' }), null);
    assert.deepEqual(batchMarker({ leadingComments: '-- changegate:batch' }), {});
    assert.deepEqual(batchMarker({ leadingComments: '-- why\n--changegate:batch rows=500 key=`a`,b sleep=0.5' }), { rows: 500, key: ['a', 'b'], sleep: 0.5 });
  });
  it('refuses what it cannot read, saying what it takes', () => {
    assert.deepEqual(batchMarker({ leadingComments: '-- changegate:batch rows=0' }), { error: 'rows=0 must be a whole number from 1 to 9999999' });
    assert.deepEqual(batchMarker({ leadingComments: '-- changegate:batch sleep=-1' }), { error: 'sleep=-1 must be a number of seconds from 0 to 3600' });
    assert.deepEqual(batchMarker({ leadingComments: '-- changegate:batch key=a;b' }), { error: 'key=a;b must name columns: key=col or key=col1,col2' });
    assert.deepEqual(batchMarker({ leadingComments: '-- changegate:batch every=2' }), { error: 'unknown option "every=2" in the -- changegate:batch marker; it takes rows=N, key=col[,col] and sleep=SECONDS' });
    assert.deepEqual(batchMarker({ leadingComments: '-- changegate:batch\n-- another comment' }), { error: 'the -- changegate:batch marker must be the comment line right before the statement' });
  });
});

describe('backfill: a batch is the statement restricted to a key range', () => {
  const id = { names: ['id'], numeric: [true] };
  const pair = { names: ['tenant', 'seq'], numeric: [false, true] };

  it('an UPDATE with a WHERE: its condition kept whole, the range added', () => {
    const sql = 'UPDATE invoices SET due = issued + INTERVAL 30 DAY WHERE due IS NULL OR due = 0;';
    assert.equal(
      batchSql(sql, shape(sql), keyRange('invoices', id, ['10'], ['20'])),
      'UPDATE invoices SET due = issued + INTERVAL 30 DAY WHERE (due IS NULL OR due = 0) AND `invoices`.`id` > 10 AND `invoices`.`id` <= 20',
    );
  });
  it('an UPDATE without WHERE, with an alias, on the first batch (no lower bound)', () => {
    const sql = 'UPDATE shop.invoices AS i SET i.n = i.n + 1';
    assert.deepEqual(shape(sql).table, { schema: 'shop', name: 'invoices' });
    assert.equal(batchSql(sql, shape(sql), keyRange('i', id, null, ['500'])), 'UPDATE shop.invoices AS i SET i.n = i.n + 1 WHERE `i`.`id` <= 500');
  });
  it('a composite key: (a, b) > (x, y) spelled out so that every server reads it as a range', () => {
    assert.equal(
      keyRange('t', pair, ['acme', '7'], ['beta', '2']),
      "(`t`.`tenant` > 'acme' OR (`t`.`tenant` = 'acme' AND `t`.`seq` > 7)) AND (`t`.`tenant` < 'beta' OR (`t`.`tenant` = 'beta' AND `t`.`seq` <= 2))",
    );
  });
  it('a DELETE, and an INSERT ... SELECT walked over its source, before its ON DUPLICATE KEY UPDATE', () => {
    const del = 'DELETE FROM audit WHERE created < NOW() - INTERVAL 90 DAY';
    assert.equal(batchSql(del, shape(del), keyRange('audit', id, ['1'], ['9'])), 'DELETE FROM audit WHERE (created < NOW() - INTERVAL 90 DAY) AND `audit`.`id` > 1 AND `audit`.`id` <= 9');
    const ins = 'INSERT INTO totals (id, v) SELECT o.id, o.v * 2 FROM orders o ON DUPLICATE KEY UPDATE v = VALUES(v)';
    const s = shape(ins);
    assert.deepEqual([s.kind, s.table.name, s.qualifier, s.where], ['insert-select', 'orders', 'o', false]);
    assert.equal(batchSql(ins, s, keyRange('o', id, null, ['3'])), 'INSERT INTO totals (id, v) SELECT o.id, o.v * 2 FROM orders o WHERE `o`.`id` <= 3 ON DUPLICATE KEY UPDATE v = VALUES(v)');
  });
  it('reads the bound under the statement\'s own condition, in key order, as strings', () => {
    const sql = 'UPDATE Invoices i SET i.n = 1 WHERE i.n = 0';
    assert.equal(
      boundSql(sql, shape(sql), pair, ['acme', '7'], 1000),
      "SELECT CAST(`i`.`tenant` AS CHAR), CAST(`i`.`seq` AS CHAR) FROM `Invoices` AS `i` WHERE (i.n = 0) AND (`i`.`tenant` > 'acme' OR (`i`.`tenant` = 'acme' AND `i`.`seq` > 7)) ORDER BY `i`.`tenant` ASC, `i`.`seq` ASC LIMIT 1 OFFSET 999",
    );
    assert.equal(lastRowSql(sql, shape(sql), id, null), 'SELECT CAST(`i`.`id` AS CHAR) FROM `Invoices` AS `i` WHERE (i.n = 0) ORDER BY `i`.`id` DESC LIMIT 1');
  });
  it('writes key values so that no quote or backslash means anything, whatever the sql_mode', () => {
    assert.equal(keyLiteral('42', true), '42');
    assert.equal(keyLiteral('42', false), "'42'");
    assert.equal(keyLiteral('2026-12-07 10:00:00', false), "'2026-12-07 10:00:00'");
    assert.equal(keyLiteral("o'brien\\x", false), "CONVERT(X'6f27627269656e5c78' USING utf8mb4)");
    assert.equal(keyLiteral('1; DROP TABLE t', true), "'1; DROP TABLE t'");
  });
  it('lists the columns an UPDATE sets', () => {
    assert.deepEqual(shape('UPDATE t SET a = 1, `B` = (SELECT 2), t.c = a WHERE x = 1').assigns, ['a', 'b', 'c']);
  });
});

function facts(over: Partial<TableFacts> = {}): TableFacts {
  const col = (name: string, dataType: string, nullable = false) => ({ name, columnType: dataType, dataType, nullable, default: null, extra: '', charset: null, collation: null, maxChars: null, maxBytes: null, position: 1 });
  return {
    schema: 'shop', name: 'invoices', source: 'live', engine: 'InnoDB', rowFormat: 'dynamic', charset: 'utf8mb4', collation: 'utf8mb4_bin', rows: 2500, dataBytes: 1, indexBytes: 1,
    columns: [col('id', 'bigint'), col('code', 'varchar'), col('note', 'varchar', true), col('blob_id', 'varbinary')],
    indexes: [{ name: 'PRIMARY', primary: true, unique: true, type: 'BTREE', columns: [{ name: 'id', prefix: null }], visible: true }],
    foreignKeys: [], totalRowVersions: null, partitioned: false, hasFulltext: false, hiddenFtsDocId: false, ...over,
  };
}

describe('backfill: the key the plan walks', () => {
  const sql = 'UPDATE invoices SET note = NULL WHERE note = \'\'';
  it('the primary key, the batch size and the count of batches', () => {
    assert.deepEqual(batchPlan(sql, { rows: 1000 }, facts()), { rows: 1000, key: ['id'], numeric: [true], sleep: 0, estimate_rows: 2500, batches: 3 });
    assert.equal(batchText(batchPlan(sql, { rows: 1000, sleep: 2 }, facts()) as never), 'batched: 1,000 rows at a time over (id), about 2,500 rows in 3 batches, 2 s between batches; each batch commits with its progress, so a rerun resumes after the last one');
  });
  it('key= must be unique and NOT NULL, and exist', () => {
    const uq = facts({ indexes: [...facts().indexes, { name: 'uq', primary: false, unique: true, type: 'BTREE', columns: [{ name: 'code', prefix: null }], visible: true }] });
    assert.deepEqual((batchPlan(sql, { key: ['code'] }, uq) as { key: string[] }).key, ['code']);
    assert.deepEqual(batchPlan(sql, { key: ['note'] }, facts()), { error: 'key=note is not unique and NOT NULL in invoices (no primary or unique key within it): batches over it could repeat or skip rows' });
    assert.deepEqual(batchPlan(sql, { key: ['nope'] }, facts()), { error: 'key=nope names nope, which invoices does not have' });
  });
  it('refuses a table without a key, a SET on the key, and a binary key', () => {
    assert.deepEqual(batchPlan(sql, {}, facts({ indexes: [] })), { error: 'invoices has no primary key or NOT NULL unique key to walk; name one with key=' });
    assert.deepEqual(batchPlan('UPDATE invoices SET id = id + 1', {}, facts()), {
      error: 'its SET changes id, a column of the key the batches walk (id), so rows would move behind or ahead of the walk',
    });
    const bin = facts({ indexes: [{ name: 'PRIMARY', primary: true, unique: true, type: 'BTREE', columns: [{ name: 'blob_id', prefix: null }], visible: true }] });
    assert.deepEqual(batchPlan(sql, {}, bin), { error: 'key column blob_id is varbinary, which changegate does not walk (numbers, strings, dates and times)' });
  });
});

describe('backfill: max_dml_rows and what a run says', () => {
  const change = (marker: boolean, count: number | null): PlannedChange => ({
    id: '2026-12-07-fix', title: 'fix', ticket: 'T-1', file: 'c.yaml', destructive: true, resumeFrom: 1, diagnostics: [],
    statements: [{ n: 1, file: 'up.sql', line: 1, sql: 'UPDATE t SET a = 1', ...(marker ? { marker: {} } : {}) }],
    checks: [{ code: 'CG506', statement: 1, outcome: 'warn', count, message: '' }],
  });
  it('refuses an unbatched UPDATE over the bound, naming the marker; not a batched one, nor one without an estimate, nor without a bound', () => {
    assert.deepEqual(dmlBound(change(false, 5000), 1000, 'prod'), [{
      code: 'CG402', statement: 1, outcome: 'fail', count: 5000,
      message: 'statement 1 reaches about 5,000 rows in one transaction, over max_dml_rows (1,000) of prod: it would lock every one of them until it ends; put the line -- changegate:batch right before it to run it in batches that each commit with their progress',
    }]);
    assert.deepEqual(dmlBound(change(false, 1000), 1000, 'prod'), []);
    assert.deepEqual(dmlBound(change(true, 5000), 1000, 'prod'), []);
    assert.deepEqual(dmlBound(change(false, null), 1000, 'prod'), []);
    assert.deepEqual(dmlBound(change(false, 5000), undefined, 'prod'), []);
  });
  it('reads a throttle bound, and says progress with rate, time left and pauses', () => {
    assert.deepEqual(statusBound('Threads_running=25'), { variable: 'Threads_running', value: 25 });
    assert.equal(statusBound('Threads_running>25'), null);
    const plan = { rows: 1000, key: ['id'], numeric: [true], sleep: 0, estimate_rows: 600_000, batches: 600 };
    assert.equal(
      progressLine({ statement: 1, lastKey: ['120000'], rowsDone: 120_000, batches: 120, done: false }, plan, 15_000, 120_000, 2),
      '120,000 of about 600,000 rows (20 %) in 120 batches, 8,000 rows/s, about 1 min left, 2 pauses',
    );
    assert.equal(progressLine({ statement: 1, lastKey: ['9'], rowsDone: 600_000, batches: 600, done: true }, plan, 60_000, 600_000, 0), '600,000 of about 600,000 rows (100 %) in 600 batches, 10,000 rows/s, done');
  });
});
