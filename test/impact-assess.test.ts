// The plan's impact pass and its renderings, pure: plain facts in, impact, checks and Markdown out.
import assert from 'node:assert/strict';
import { renderPlanComment } from '../src/adapters/github/comment.js';
import { summaryMarkdown } from '../src/adapters/github/job-summary.js';
import { impactText } from '../src/cli/render.js';
import { assessChanges, blocksWrites } from '../src/core/impact/assess.js';
import { bytesText, secondsText } from '../src/core/impact/present.js';
import type { TableFacts } from '../src/core/impact/types.js';
import type { Plan, PlannedChange } from '../src/core/plan-types.js';

const server = { flavor: 'mysql' as const, version: '8.0.36' };

function users(rows: number): TableFacts {
  return {
    schema: 'shop', name: 'users', source: 'live', engine: 'InnoDB', rowFormat: 'dynamic', charset: 'utf8mb4', collation: 'utf8mb4_0900_ai_ci',
    rows, dataBytes: 300 * 1024 * 1024, indexBytes: 40 * 1024 * 1024,
    columns: [
      { name: 'id', columnType: 'int', dataType: 'int', nullable: false, default: null, extra: '', charset: null, collation: null, maxChars: null, maxBytes: null, position: 1 },
      { name: 'email', columnType: 'varchar(100)', dataType: 'varchar', nullable: true, default: null, extra: '', charset: 'utf8mb4', collation: 'utf8mb4_0900_ai_ci', maxChars: 100, maxBytes: 400, position: 2 },
    ],
    indexes: [{ name: 'PRIMARY', primary: true, unique: true, type: 'BTREE', columns: [{ name: 'id', prefix: null }], visible: true }],
    foreignKeys: [], totalRowVersions: 0, partitioned: false, hasFulltext: false, hiddenFtsDocId: false,
  };
}

function change(id: string, sqls: string[], diagnostics: PlannedChange['diagnostics'] = []): PlannedChange {
  return {
    id, title: id, ticket: 'T-1', file: `changes/${id}.yaml`, destructive: false, resumeFrom: 1, diagnostics,
    statements: sqls.map((sql, i) => ({ n: i + 1, file: `migrations/${id}/up.sql`, line: i + 1, sql })),
  };
}

describe('impact pass (pure)', () => {
  it('judges each statement from the live facts evolved by the plan, and bounds copies by max_copy_rows', () => {
    const c = change('2026-11-01-users', [
      'ALTER TABLE users ADD COLUMN note VARCHAR(20) NULL',
      'ALTER TABLE users MODIFY id BIGINT NOT NULL',
      'CREATE TABLE audit (id INT PRIMARY KEY)',
      'ALTER TABLE audit MODIFY id BIGINT NOT NULL',
      "INSERT INTO audit VALUES (1)",
    ], [{ code: 'CG301', severity: 'notice', file: 'migrations/2026-11-01-users/up.sql', line: 2, column: 1, message: 'no ALGORITHM', destructive: false }]);
    const ready = assessChanges({ changes: [c], schema: 'shop', server, live: new Map([['shop.users', users(5_000_000)]]), maxCopyRows: 1_000_000, environment: 'prod' });
    assert.deepEqual(c.statements[0]!.impact, { table: 'shop.users', rows: 5_000_000, bytes: 340 * 1024 * 1024, algorithm: 'instant', lock: 'none', rebuild: false, seconds: 0 });
    assert.deepEqual({ ...c.statements[1]!.impact!, seconds: null }, { table: 'shop.users', rows: 5_000_000, bytes: 340 * 1024 * 1024, algorithm: 'copy', lock: 'shared', rebuild: true, seconds: null });
    assert.equal(c.statements[1]!.impact!.seconds, 17);
    assert.deepEqual(c.statements[2]!.impact, { table: 'shop.audit', rows: 0, bytes: 0, algorithm: 'instant', lock: 'none', rebuild: false, seconds: 0 });
    // The table statement 3 creates is empty: its copy is far under the bound.
    assert.equal(c.statements[3]!.impact!.rows, 0);
    assert.equal(c.statements[4]!.impact, null);
    assert.deepEqual(c.checks!.map((k) => [k.code, k.statement, k.outcome, k.count]), [['CG401', 2, 'fail', 5_000_000]]);
    assert.deepEqual(c.diagnostics, [], 'CG301 gives way to the impact of a live table');
    // The narrowing check of statement 2 reads shop.users.id, which no earlier statement changes: it can run now.
    assert.deepEqual(ready.get(c)!.map((k) => [k.code, k.statement]), [['CG503', 2]]);
  });

  it('blocks no one on a table the same change creates empty, until something writes to it or the change ends', () => {
    const fresh = (c: PlannedChange) => c.statements.map((s) => [s.n, s.impact?.fresh ?? false]);
    const a = change('2026-11-01-a', ['CREATE TABLE audit (id INT PRIMARY KEY)', 'ALTER TABLE audit MODIFY id BIGINT NOT NULL', 'ALTER TABLE audit ADD COLUMN n INT', 'INSERT INTO audit VALUES (1)', 'ALTER TABLE audit MODIFY id INT NOT NULL']);
    const b = change('2026-11-02-b', ['CREATE TABLE IF NOT EXISTS users (id INT PRIMARY KEY)', 'ALTER TABLE users MODIFY id BIGINT NOT NULL', 'CREATE TABLE t2 (id INT PRIMARY KEY)']);
    const c = change('2026-11-03-c', ['ALTER TABLE t2 MODIFY id BIGINT NOT NULL', 'DROP TABLE users', 'CREATE TABLE users (id INT PRIMARY KEY)', 'ALTER TABLE users MODIFY id BIGINT NOT NULL']);
    assessChanges({ changes: [a, b, c], schema: 'shop', server, live: new Map([['shop.users', users(10)]]), environment: 'prod' });
    // Only a statement that would block writes says so; after the INSERT the table may hold rows.
    assert.deepEqual(fresh(a), [[1, false], [2, true], [3, false], [4, false], [5, false]]);
    assert.equal(a.statements[1]!.reason, "Changing `id`'s type from int to bigint rewrites every value: MySQL copies `audit` and blocks writes for the whole copy. Add a new column, backfill it in batches, and switch over, or use an online schema change tool. `audit` is new: statement 1 of this change creates it empty and nothing writes to it before this statement, so no one waits for it.");
    assert.equal(blocksWrites(a.statements[1]!.impact!), false);
    assert.equal(blocksWrites(a.statements[4]!.impact!), true);
    // A table that is there already, one that an earlier change created, and a name the target has today are in use.
    assert.deepEqual(fresh(b), [[1, false], [2, false], [3, false]]);
    assert.deepEqual(fresh(c), [[1, false], [2, false], [3, false], [4, false]]);
  });

  it('still checks the rows of a table that CREATE TABLE IF NOT EXISTS finds already there', () => {
    const c = change('2026-11-01-unique', ['CREATE TABLE IF NOT EXISTS users (id INT PRIMARY KEY, email VARCHAR(100))', 'CREATE UNIQUE INDEX u ON users (email)']);
    const ready = assessChanges({ changes: [c], schema: 'shop', server, live: new Map([['shop.users', users(100)]]), environment: 'prod' });
    assert.deepEqual(ready.get(c)!.map((k) => [k.code, k.statement]), [['CG501', 2]]);
  });

  it('a long INSERT writes its table, read from its head, or from all of it behind a long comment', () => {
    const values = Array.from({ length: 100 }, (_, i) => `(${i + 10}, 'user${i}@example.com')`).join(', ');
    for (const insert of [
      `INSERT IGNORE INTO shop.users (id, email) VALUES ${values}`,
      `/* ${'why '.repeat(120)}*/ INSERT INTO users (id, email) VALUES ${values}`,
    ]) {
      const c = change('2026-11-03-load', [insert, 'CREATE UNIQUE INDEX uq ON users (email)']);
      const ready = assessChanges({ changes: [c], schema: 'shop', server, live: new Map([['shop.users', users(10)]]), environment: 'qa' });
      assert.deepEqual(ready.get(c), [], insert.slice(0, 30));
      assert.deepEqual(c.checks!.map((k) => [k.code, k.statement, k.outcome]), [['CG501', 2, 'warn']], insert.slice(0, 30));
      assert.match(c.checks![0]!.message, /since its statement 1 changes shop\.users first/);
    }
  });

  it('an unknown algorithm on a big table counts as a copy for max_copy_rows', () => {
    const c = change('2026-11-02-x', ['ALTER TABLE users PARTITION BY HASH(id) PARTITIONS 4']);
    assessChanges({ changes: [c], schema: 'shop', server, live: new Map([['shop.users', users(2_000_000)]]), maxCopyRows: 1_000_000, environment: 'prod' });
    assert.equal(c.statements[0]!.impact!.algorithm, null);
    assert.deepEqual(c.checks!.map((k) => [k.code, k.outcome]), [['CG401', 'fail']]);
    assert.match(c.checks![0]!.message, /^shop\.users: statement 1 may copy the table \(the rules cannot tell how the server runs it\) and blocks writes/);
  });

  it('defers a check whose column an earlier statement of the same change or an earlier change writes', () => {
    const a = change('2026-11-01-a', ["UPDATE users SET email = 'x' WHERE id = 1"]);
    const b = change('2026-11-02-b', ['ALTER TABLE users ADD COLUMN note INT NULL', 'ALTER TABLE users MODIFY note INT NOT NULL', 'CREATE UNIQUE INDEX uq ON users (email)']);
    const ready = assessChanges({ changes: [a, b], schema: 'shop', server, live: new Map([['shop.users', users(10)]]), environment: 'qa' });
    assert.deepEqual(ready.get(a)!.map((k) => k.code), ['CG506']);
    assert.deepEqual(ready.get(b), []);
    assert.deepEqual(b.checks, [
      {
        code: 'CG502', statement: 2, outcome: 'warn', count: null,
        message: 'NULLs in shop.users.note: cannot be verified before 2026-11-02-b starts, since its statement 1 changes shop.users.note first; verify it by hand, or move the statement into a change of its own',
      },
      {
        code: 'CG501', statement: 3, outcome: 'warn', count: null,
        message: 'duplicates in shop.users (email): verified at apply time, right before 2026-11-02-b starts, since 2026-11-01-a (statement 1) changes shop.users first',
      },
    ]);
  });

  it('renders the impact riskiest first in text, the PR comment and the job summary', () => {
    const c = change('2026-11-01-users', ['ALTER TABLE users ADD COLUMN note VARCHAR(20) NULL', 'ALTER TABLE users MODIFY id BIGINT NOT NULL']);
    assessChanges({ changes: [c], schema: 'shop', server, live: new Map([['shop.users', users(5_000_000)]]), maxCopyRows: 1_000_000, environment: 'prod' });
    const lines = impactText(c);
    assert.equal(lines[0], '    impact (riskiest first):');
    assert.equal(lines[1], '       2  shop.users  5,000,000 rows  340 MB  copy, lock shared, rebuilds  ~17 s  BLOCKS WRITES');
    assert.match(lines[2]!, /^ {10}\S/);
    assert.equal(lines[3], '       1  shop.users  5,000,000 rows  340 MB  instant, lock none  0 s');
    assert.match(lines[4]!, /^    fail CG401 statement 2: shop\.users: statement 2 copies the table/);
    const plan: Plan = { environment: 'prod', snapshot: { required: false, reason: 'r' }, changes: [c], applied: [] };
    const body = renderPlanComment({ repository: 'o/r', prNumber: 1, environments: [{ name: 'prod', plan }] });
    assert.ok(body.includes([
      '**Impact**',
      '',
      '| statement | table | rows | size | how | est. time | writes |',
      '| --- | --- | --- | --- | --- | --- | --- |',
      '| `2026-11-01-users` 2 | `shop.users` | 5,000,000 rows | 340 MB | copy, lock shared, rebuilds | ~17 s | ⛔ blocks writes |',
      '| `2026-11-01-users` 1 | `shop.users` | 5,000,000 rows | 340 MB | instant, lock none | 0 s | — |',
      '',
      '**Pre-checks**',
      '',
    ].join('\n')), body);
    assert.match(body, /^- ❌ `CG401` `2026-11-01-users` statement 2: shop\.users: statement 2 copies the table/m);
    const md = summaryMarkdown({ environments: [{ plan }] });
    assert.match(md, /^\| `2026-11-01-users` 2 \| `shop\.users` \| 5,000,000 rows \| 340 MB \| copy, lock shared, rebuilds \| ~17 s \| ⛔ blocks writes \|$/m);
  });

  it('says sizes and durations the way a reviewer reads them', () => {
    assert.deepEqual([0, 1023, 1536, 16384, 356515840, 5 * 1024 ** 3].map(bytesText), ['0 B', '1023 B', '1.5 KB', '16 KB', '340 MB', '5.0 GB']);
    assert.deepEqual([null, 0, 0.2, 42, 600, 5400].map(secondsText), ['? s', '0 s', '~1 s', '~42 s', '~10 min', '~1.5 h']);
  });
});
