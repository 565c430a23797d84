// The statement parser behind table backups: which tables and objects a statement may write or
// drop, as a table of cases (pure, no server).
import { strict as assert } from 'node:assert';
import { bodyWrites, statementTargets, touchedNames, viewBaseTables, type ObjectName } from '../src/core/backup/targets.js';

const names = (ns: ObjectName[]) => ns.map((n) => (n.schema ? `${n.schema}.${n.name}` : n.name));

describe('backup targets: what a statement may write or drop', () => {
  const cases: [string, string[], string[]?][] = [
    ['ALTER TABLE customers DROP COLUMN email', ['customers']],
    ['ALTER ONLINE IGNORE TABLE `inv`.`customers` ADD UNIQUE (email)', ['inv.customers']],
    ['ALTER TABLE t EXCHANGE PARTITION p0 WITH TABLE t_archive', ['t', 't_archive']],
    ['DROP TABLE IF EXISTS a, `b`, inv.c CASCADE', ['a', 'b', 'inv.c']],
    ['DROP TEMPORARY TABLE scratch', []],
    ['TRUNCATE TABLE audit', ['audit']],
    ['TRUNCATE audit', ['audit']],
    ['RENAME TABLE a TO a_old, b TO a', ['a', 'b']],
    ["UPDATE invoices SET status = 'void' WHERE id = 1", ['invoices']],
    ['UPDATE LOW_PRIORITY invoices i JOIN customers c ON c.id = i.customer_id SET i.note = c.name', ['invoices', 'customers']],
    ['UPDATE a, b AS bb SET a.x = bb.y', ['a', 'b']],
    ['DELETE FROM invoice_lines WHERE invoice_id IN (SELECT id FROM invoices)', ['invoice_lines']],
    ['DELETE i, l FROM invoices i JOIN invoice_lines l ON l.invoice_id = i.id WHERE i.status = 0', ['invoices', 'invoice_lines']],
    ['DELETE FROM i USING invoices AS i LEFT JOIN customers c ON c.id = i.customer_id WHERE c.id IS NULL', ['invoices']],
    ["REPLACE INTO settings (k, v) VALUES ('a', 'b')", ['settings']],
    ['INSERT INTO t (id) VALUES (1) ON DUPLICATE KEY UPDATE id = id', ['t']],
    ['INSERT INTO t (id) SELECT id FROM s', []],
    ["LOAD DATA INFILE 'x.csv' REPLACE INTO TABLE t", ['t']],
    ['CREATE OR REPLACE TABLE t (id INT)', ['t']],
    ['CREATE TABLE t (id INT)', []],
    ['WITH x AS (SELECT 1 AS id) UPDATE t JOIN x ON x.id = t.id SET t.v = 0', ['t']],
  ];
  for (const [sql, tables] of cases) {
    it(sql, () => assert.deepEqual(names(statementTargets(sql).tables), tables));
  }

  it('keeps the definitions of dropped or replaced views, routines, triggers and events', () => {
    const objs = (sql: string) => statementTargets(sql).objects.map((o) => `${o.kind} ${names([o.name])[0]}`);
    assert.deepEqual(objs('DROP VIEW IF EXISTS v1, inv.v2'), ['view v1', 'view inv.v2']);
    assert.deepEqual(objs('DROP PROCEDURE IF EXISTS p'), ['procedure p']);
    assert.deepEqual(objs('DROP FUNCTION f'), ['function f']);
    assert.deepEqual(objs('DROP TRIGGER inv.tr'), ['trigger inv.tr']);
    assert.deepEqual(objs('DROP EVENT e'), ['event e']);
    assert.deepEqual(objs('CREATE OR REPLACE ALGORITHM = MERGE DEFINER = `a`@`%` VIEW v AS SELECT 1'), ['view v']);
    assert.deepEqual(objs('ALTER DEFINER = CURRENT_USER VIEW v AS SELECT 2'), ['view v']);
    assert.deepEqual(names(statementTargets('DROP INDEX ix ON invoices').tables), ['invoices']);
  });

  it('names what it cannot know, and the procedures a CALL runs', () => {
    assert.equal(statementTargets('DROP DATABASE invoicing').unknown, 'it drops a whole schema');
    assert.equal(statementTargets('EXECUTE stmt').unknown, 'it runs SQL built at run time');
    assert.deepEqual(names(statementTargets('CALL inv.purge_old()').calls), ['inv.purge_old']);
  });

  it('reads what trigger and procedure bodies write, and the tables behind a view', () => {
    assert.deepEqual(
      names(bodyWrites("BEGIN INSERT INTO audit (w) VALUES ('x'); UPDATE totals SET n = n + 1; DELETE FROM cache WHERE k = NEW.id; END")),
      ['audit', 'totals', 'cache'],
    );
    assert.deepEqual(names(viewBaseTables('select `i`.`id` AS `id` from (`inv`.`invoices` `i` join `inv`.`customers` `c` on(`c`.`id` = `i`.`customer_id`))')), ['inv.invoices', 'inv.customers']);
  });

  it('counts additive statements as touching a table, for restore', () => {
    assert.deepEqual(names(touchedNames('INSERT INTO invoices (id) VALUES (1)')), ['invoices']);
    assert.deepEqual(names(touchedNames('CREATE UNIQUE INDEX ix ON invoices (number)')), ['invoices']);
    assert.deepEqual(names(touchedNames('CREATE TRIGGER tr BEFORE INSERT ON invoices FOR EACH ROW SET NEW.n = 1')), ['invoices']);
    assert.deepEqual(names(touchedNames('CREATE TABLE IF NOT EXISTS notes (id INT)')), ['notes']);
  });
});
