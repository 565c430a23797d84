// Long changes in plans and progress: which statements a digest shows, the labels it counts by, and
// the progress lines of a long apply against a clock the test moves.
import { strict as assert } from 'node:assert';
import type { PlannedChange, PlannedStatement } from '../src/core/plan-types.js';
import { describeCounts, digestStatements, statementLabel } from '../src/core/statement-digest.js';
import type { Diagnostic } from '../src/core/types.js';
import { ProgressLines } from '../src/cli/progress.js';

function stmts(n: number, sql = (i: number) => `INSERT INTO t VALUES (${i})`): PlannedStatement[] {
  return Array.from({ length: n }, (_, i) => ({ n: i + 1, file: 'migrations/x/up.sql', line: i + 1, sql: sql(i + 1) }));
}

function finding(line: number): Diagnostic {
  return { code: 'CG201', severity: 'warning', file: 'migrations/x/up.sql', line, column: 1, message: 'm', destructive: false };
}

describe('statement digest', () => {
  it('lists every statement up to the bound', () => {
    assert.equal(digestStatements(stmts(50), []), null);
  });

  it('past it: counts, the first and last five, and each statement a finding points into', () => {
    const list = stmts(60, (i) => (i === 30 ? 'UPDATE `shop`.`t` SET a = 1' : i === 1 ? 'CREATE TABLE t (id INT)' : `INSERT INTO t VALUES (${i})`));
    // A finding on the second line of statement 30 (statements here start one a line; 30 spans to 30).
    const d = digestStatements(list, [finding(30), finding(999)])!;
    assert.deepEqual(d.shown.map((s) => s.n), [1, 2, 3, 4, 5, 30, 56, 57, 58, 59, 60]);
    assert.equal(describeCounts(d), '60 statements: 58 INSERT into t, 1 CREATE TABLE t, 1 UPDATE t');
  });

  it('past ten labels, counts by kind with the number of tables', () => {
    const list = stmts(1000, (i) => (i % 2 ? `CREATE TABLE bt_${i >> 1} (id INT)` : i === 1000 ? 'SET @x = 1' : `INSERT INTO s.bt_${(i >> 1) - 1} VALUES (${i})`));
    list.push(...stmts(1, () => 'DELETE FROM bt_0 WHERE id = 1'));
    assert.equal(describeCounts(digestStatements(list, [])!), '1,001 statements: 500 CREATE TABLE (500 tables), 499 INSERT (499 tables), 1 DELETE (1 table), 1 SET');
    // Ten labels or fewer keep their tables.
    const ten = stmts(60, (i) => `INSERT INTO t${i % 10} VALUES (${i})`);
    assert.equal(describeCounts(digestStatements(ten, [])!), '60 statements: ' + Array.from({ length: 10 }, (_, k) => `6 INSERT into t${k}`).join(', '));
  });

  it('labels statements by what they do and to which table', () => {
    const cases: [string, string][] = [
      ['INSERT IGNORE INTO `invoices` (id) VALUES (1)', 'INSERT into invoices'],
      ['REPLACE INTO shop.invoices VALUES (1)', 'REPLACE into invoices'],
      ['UPDATE LOW_PRIORITY customers SET a = 1', 'UPDATE customers'],
      ['DELETE QUICK FROM logs WHERE id < 5', 'DELETE from logs'],
      ['/* why */ ALTER TABLE invoices ADD COLUMN due DATE', 'ALTER TABLE invoices'],
      ['CREATE UNIQUE INDEX uq ON customers (email)', 'CREATE INDEX on customers'],
      ['DROP TABLE IF EXISTS old_invoices', 'DROP TABLE old_invoices'],
      ['CREATE TABLE IF NOT EXISTS t2 (id INT)', 'CREATE TABLE t2'],
      ['TRUNCATE TABLE sessions', 'TRUNCATE sessions'],
      ['SET @x = 1', 'SET'],
      ['CALL close_invoice(1)', 'CALL'],
      ['INSERT INTO', 'INSERT'],
      ['CREATE INDEX', 'CREATE INDEX'],
    ];
    for (const [sql, label] of cases) assert.equal(statementLabel(sql), label, sql);
  });
});

describe('progress lines of an apply', () => {
  function change(total: number): PlannedChange {
    return { id: 'c', title: 'c', ticket: 'T-1', file: 'changes/c.yaml', destructive: false, statements: stmts(total), resumeFrom: 1, diagnostics: [] };
  }

  it('prints every statement of a short change', () => {
    const lines: string[] = [];
    const p = new ProgressLines((l) => lines.push(l), () => 0);
    for (let n = 1; n <= 3; n++) p.started(change(3), n, 3, 0);
    assert.deepEqual(lines, ['c: 1/3 starts at 0.0 s  migrations/x/up.sql:1', 'c: 2/3 starts at 0.0 s  migrations/x/up.sql:2', 'c: 3/3 starts at 0.0 s  migrations/x/up.sql:3']);
  });

  it('prints a long change about once a second, its slow statements, and the last one', () => {
    const lines: string[] = [];
    let now = 0;
    const p = new ProgressLines((l) => lines.push(l), () => now);
    const c = change(1000);
    for (let n = 1; n <= 1000; n++) {
      p.started(c, n, 1000, now);
      now += n === 500 ? 2500 : 3; // statement 500 takes 2.5 s, the rest 3 ms
    }
    assert.deepEqual(lines, [
      'c: 1/1000 starts at 0.0 s  migrations/x/up.sql:1',
      'c: 335/1000 starts at 1.0 s  migrations/x/up.sql:335',
      'c: statement 500 took 2.5 s  migrations/x/up.sql:500',
      'c: 501/1000 starts at 4.0 s  migrations/x/up.sql:501',
      'c: 835/1000 starts at 5.0 s  migrations/x/up.sql:835',
      'c: 1000/1000 starts at 5.5 s  migrations/x/up.sql:1000',
    ]);
  });
});
