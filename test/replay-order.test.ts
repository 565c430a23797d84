import { strict as assert } from 'node:assert';
import { replayOrder } from '../src/core/sql/replay-order.js';

// Each statement's waits as `i<-a,b`, with `*` when it runs on the first connection.
function order(...sql: string[]): string[] {
  return replayOrder(sql).map((s, i) => `${i}${s.first ? '*' : ''}<-${s.after.join(',')}`);
}

describe('replayOrder: which replay statements may run at once', () => {
  it('runs CREATE TABLEs of different tables together', () => {
    assert.deepEqual(order('CREATE TABLE a (id INT)', 'CREATE TABLE b (id INT)', 'CREATE TABLE `c` (id INT)'), ['0<-', '1<-', '2<-']);
  });

  it('keeps the order of statements on the same table, whatever its spelling (case, backticks, CREATE INDEX ON)', () => {
    assert.deepEqual(
      order('CREATE TABLE a (id INT)', 'CREATE TABLE b (id INT)', 'ALTER TABLE `A` ADD COLUMN x INT', 'CREATE INDEX ix ON a (x)', 'DROP INDEX ix ON a', 'ALTER TABLE b ADD COLUMN y INT'),
      ['0<-', '1<-', '2<-0', '3<-2', '4<-3', '5<-1'],
    );
  });

  it('orders a foreign key after the table it references, and links both tables from then on', () => {
    assert.deepEqual(
      order('CREATE TABLE p (id INT PRIMARY KEY)', 'CREATE TABLE q (id INT)', 'CREATE TABLE c (id INT, pid INT, FOREIGN KEY (pid) REFERENCES p (id))', 'ALTER TABLE c DROP FOREIGN KEY c_ibfk_1', 'ALTER TABLE p MODIFY id BIGINT'),
      // c's statements and p's are one object for the whole replay, so p's ALTER waits for c's; q is free.
      ['0<-', '1<-', '2<-0', '3<-2', '4<-3'],
    );
  });

  it('links tables a foreign key joins even before the key exists (the parent ALTER waits for the child statement)', () => {
    assert.deepEqual(
      order('CREATE TABLE p (id INT PRIMARY KEY)', 'CREATE TABLE c (id INT, pid INT)', 'ALTER TABLE c ADD CONSTRAINT fk FOREIGN KEY (pid) REFERENCES p (id)'),
      ['0<-', '1<-0', '2<-1'],
    );
  });

  it('keeps statements that name constraints in order among themselves (names may be per schema)', () => {
    assert.deepEqual(
      order('CREATE TABLE a (id INT, CONSTRAINT c1 CHECK (id > 0))', 'CREATE TABLE b (id INT)', 'CREATE TABLE d (id INT, CHECK (id < 9))'),
      ['0<-', '1<-', '2<-0'],
    );
  });

  it('makes a view, a routine, a trigger, DROP TABLE and RENAME TABLE barriers', () => {
    for (const barrier of [
      'CREATE VIEW v AS SELECT id FROM a',
      'CREATE PROCEDURE p() BEGIN SELECT 1; END',
      'CREATE TRIGGER tr BEFORE INSERT ON a FOR EACH ROW SET NEW.id = 1',
      'DROP TABLE a',
      'RENAME TABLE a TO z',
      'ALTER TABLE a RENAME TO z',
      'CREATE TABLE z AS SELECT * FROM a',
      'CREATE TABLE z AS TABLE a',
      'CREATE TABLE z (id INT) ENGINE=MERGE UNION=(a, b)',
      'CREATE TABLE other.z (id INT)',
    ]) {
      assert.deepEqual(
        order('CREATE TABLE a (id INT)', 'CREATE TABLE b (id INT)', barrier, 'CREATE TABLE c (id INT)', 'CREATE TABLE d (id INT)'),
        ['0<-', '1<-', '2*<-0,1', '3<-2', '4<-2'],
        barrier,
      );
    }
  });

  it('runs everything after a statement that may change the session on the first connection, one by one', () => {
    for (const session of ['SET foreign_key_checks = 0', 'USE other', "INSERT INTO a VALUES (1)", 'CALL p()', 'CREATE TEMPORARY TABLE tmp (id INT)', 'ALTER TABLE a ADD COLUMN x INT DEFAULT @v']) {
      assert.deepEqual(
        order('CREATE TABLE a (id INT)', 'CREATE TABLE b (id INT)', session, 'CREATE TABLE c (id INT)', 'CREATE TABLE d (id INT)'),
        ['0<-', '1<-', '2*<-0,1', '3*<-2', '4*<-3'],
        session,
      );
    }
  });

  it('waits for the previous barrier only, not for every statement before it', () => {
    assert.deepEqual(
      order('CREATE TABLE a (id INT)', 'CREATE VIEW v AS SELECT 1', 'CREATE TABLE b (id INT)', 'CREATE VIEW w AS SELECT 2', 'CREATE TABLE c (id INT)'),
      ['0<-', '1*<-0', '2<-1', '3*<-1,2', '4<-3'],
    );
  });
});
