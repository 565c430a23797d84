import { strict as assert } from 'node:assert';
import type { Analyzer } from '../src/core/lint/analyzer.js';
import { commitsImplicitly, isDestructive, lintStatements, RULES, statementKind } from '../src/core/lint/index.js';
import { buildRegistry } from '../src/core/lint/registry.js';
import { splitSql } from '../src/core/sql/split.js';
import type { Statement } from '../src/core/types.js';
import { CORPUS } from './lint-corpus.js';

function stmt(sql: string, extra: Partial<Statement> = {}): Statement {
  return { file: 'migrations/x/up.sql', line: 1, column: 1, sql, ...extra };
}

/** Lints split text, the way validate and lint see a file. */
function lintText(text: string, file = 'migrations/x/up.sql', ignore?: string[]) {
  const { statements, errors } = splitSql(file, text);
  assert.deepEqual(errors, []);
  return lintStatements(statements, ignore ? { ignore } : {});
}

function codes(text: string, ignore?: string[]): string[] {
  return lintText(text, undefined, ignore).map((d) => d.code);
}

describe('lint corpus: destructive or not', () => {
  it('holds at least 120 statements, both kinds', () => {
    assert.ok(CORPUS.length >= 120, `${CORPUS.length} cases`);
    assert.ok(CORPUS.filter((c) => c.destructive).length >= 60);
    assert.ok(CORPUS.filter((c) => !c.destructive).length >= 60);
  });
  for (const c of CORPUS) {
    it(`${c.destructive ? 'destructive' : 'additive'}: ${c.sql}`, () => {
      const diags = lintStatements([stmt(c.sql)]);
      assert.deepEqual(diags.filter((x) => x.destructive).map((x) => x.code), c.codes);
      assert.equal(isDestructive(diags), c.destructive);
    });
  }
});

describe('statementKind', () => {
  const dml = [
    'INSERT INTO t VALUES (1)',
    "insert ignore into t values ('CREATE TABLE x')",
    'UPDATE t SET a = 1',
    'DELETE FROM t',
    'REPLACE INTO t VALUES (1)',
    "LOAD DATA INFILE 'x' INTO TABLE t",
    "load xml infile 'x' into table t",
    'SELECT 1',
    'WITH x AS (SELECT 1) SELECT * FROM x',
    'WITH x AS (SELECT 1), y (n) AS (SELECT 2) UPDATE t SET a = 1',
    'with recursive x (n) as (select 1 union all select n + 1 from x) delete from t where id in (select n from x)',
    'VALUES ROW(1)',
    'TABLE t',
    '(SELECT 1) UNION (SELECT 2)',
    '-- CREATE TABLE x\nINSERT INTO t VALUES (1)',
    '/* ALTER */ UPDATE t SET a = 1',
    '/*!40000 INSERT INTO t VALUES (1) */',
    '# DROP\nDELETE FROM t',
  ];
  const ddl = [
    'CREATE TABLE t (a INT)',
    'CREATE TABLE t AS SELECT 1',
    'ALTER TABLE t ADD COLUMN a INT',
    'DROP TABLE t',
    'RENAME TABLE a TO b',
    'TRUNCATE TABLE t',
    'SET NAMES utf8mb4',
    'SET @x = (SELECT 1)',
    'CALL p()',
    'DO SLEEP(1)',
    'LOCK TABLES t WRITE',
    'GRANT SELECT ON t TO u',
    'START TRANSACTION',
    'COMMIT',
    'ANALYZE TABLE t',
    "LOAD INDEX INTO CACHE t",
    'EXPLAIN SELECT 1',
    'FROBNICATE',
    '/*!40101 SET NAMES utf8 */',
    '-- INSERT INTO t VALUES (1)\nCREATE INDEX i ON t (a)',
    '/* SELECT */ DROP VIEW v',
    '`select` 1',
    "'INSERT'",
    'WITH x AS (SELECT 1)',
    '(CREATE TABLE t (a INT))',
    '',
  ];
  for (const sql of dml) it(`dml: ${sql}`, () => assert.equal(statementKind(sql), 'dml'));
  for (const sql of ddl) it(`ddl: ${sql}`, () => assert.equal(statementKind(sql), 'ddl'));
});

// Every message a user can read, word for word: one case per message form of every rule.
const MESSAGES: Array<[string, string, string]> = [
  ["CG101", "DROP TABLE invoices_old",
    "DROP TABLE deletes `invoices_old` and every row in it; declare destructive: true so PROD is snapshotted first"],
  ["CG101", "DROP TABLE a, b",
    "DROP TABLE deletes `a`, `b` and every row in them; declare destructive: true so PROD is snapshotted first"],
  ["CG101", "DROP DATABASE invoicing",
    "DROP DATABASE deletes schema `invoicing` with every table and row in it; declare destructive: true so PROD is snapshotted first"],
  ["CG101", "DROP INDEX idx_due ON invoices",
    "DROP INDEX deletes index `idx_due` on `invoices`: queries that use it slow down, and a UNIQUE index stops keeping values unique; declare destructive: true so PROD is snapshotted first"],
  ["CG101", "DROP VIEW v",
    "DROP VIEW deletes `v`, and queries that read it fail; declare destructive: true so PROD is snapshotted first"],
  ["CG101", "DROP PROCEDURE p",
    "DROP PROCEDURE deletes `p`, and its callers fail; declare destructive: true so PROD is snapshotted first"],
  ["CG101", "DROP FUNCTION f",
    "DROP FUNCTION deletes `f`, and its callers fail; declare destructive: true so PROD is snapshotted first"],
  ["CG101", "DROP TRIGGER tr",
    "DROP TRIGGER deletes `tr`, and what it did on every write stops; declare destructive: true so PROD is snapshotted first"],
  ["CG101", "DROP EVENT e",
    "DROP EVENT deletes `e`, and its scheduled work stops; declare destructive: true so PROD is snapshotted first"],
  ["CG101", "DROP TABLESPACE ts",
    "DROP TABLESPACE deletes tablespace `ts`; declare destructive: true so PROD is snapshotted first"],
  ["CG101", "DROP USER 'a'@'%'",
    "DROP USER deletes 'a'@'%', and clients that log in as it fail; declare destructive: true so PROD is snapshotted first"],
  ["CG101", "DROP ROLE r",
    "DROP ROLE deletes `r` and the privileges it grants; declare destructive: true so PROD is snapshotted first"],
  ["CG102", "TRUNCATE TABLE t",
    "TRUNCATE TABLE deletes every row of `t` and cannot be rolled back; declare destructive: true so PROD is snapshotted first, or DELETE with a WHERE clause if only some rows should go"],
  ["CG103", "DELETE FROM invoices WHERE id = 1",
    "DELETE removes rows from `invoices`; declare destructive: true so PROD is snapshotted first"],
  ["CG103", "DELETE t1, t2 FROM t1 JOIN t2 ON t1.id = t2.id",
    "DELETE removes rows from `t1`, `t2`; declare destructive: true so PROD is snapshotted first"],
  ["CG103", "DELETE i FROM inv.invoices i JOIN customers c ON c.id = i.customer_id WHERE c.closed = 1",
    "DELETE removes rows from `inv`.`invoices`; declare destructive: true so PROD is snapshotted first"],
  ["CG103", "DELETE FROM i USING invoices AS i LEFT JOIN customers c ON c.id = i.customer_id WHERE c.id IS NULL",
    "DELETE removes rows from `invoices`; declare destructive: true so PROD is snapshotted first"],
  ["CG104", "UPDATE a JOIN b ON a.id = b.id SET a.x = b.x",
    "UPDATE overwrites values in `a`, `b`, and the old values are gone once it commits; declare destructive: true so PROD is snapshotted first"],
  ["CG105", "REPLACE INTO t VALUES (1)",
    "REPLACE deletes every existing row of `t` that has the same primary or unique key as a new row, then inserts the new one; declare destructive: true so PROD is snapshotted first, or use INSERT (INSERT IGNORE to keep existing rows)"],
  ["CG105", "INSERT INTO t VALUES (1) ON DUPLICATE KEY UPDATE a = 1",
    "INSERT ... ON DUPLICATE KEY UPDATE overwrites existing rows of `t` that share a primary or unique key with a new row; declare destructive: true so PROD is snapshotted first, or use INSERT (INSERT IGNORE to keep existing rows)"],
  ["CG105", "LOAD DATA INFILE 'f' REPLACE INTO TABLE t",
    "LOAD DATA ... REPLACE replaces existing rows of `t` that share a primary or unique key with a row of the file; declare destructive: true so PROD is snapshotted first, or use IGNORE to keep existing rows"],
  ["CG106", "ALTER TABLE t DROP COLUMN c",
    "ALTER TABLE `t` DROP COLUMN `c` deletes the column and every value in it; declare destructive: true so PROD is snapshotted first, or stop using the column first and drop it in a later change"],
  ["CG106", "ALTER TABLE t DROP INDEX i",
    "ALTER TABLE `t` DROP INDEX `i` deletes the index: queries that use it slow down, and a UNIQUE index stops keeping values unique; declare destructive: true so PROD is snapshotted first"],
  ["CG106", "ALTER TABLE t DROP PRIMARY KEY",
    "ALTER TABLE `t` DROP PRIMARY KEY deletes the primary key: rows lose the key that identifies them and InnoDB rebuilds the table; declare destructive: true so PROD is snapshotted first"],
  ["CG106", "ALTER TABLE t DROP FOREIGN KEY fk",
    "ALTER TABLE `t` DROP FOREIGN KEY `fk` deletes the constraint, and the data it guarded is no longer checked; declare destructive: true so PROD is snapshotted first"],
  ["CG106", "ALTER TABLE t DROP CONSTRAINT c",
    "ALTER TABLE `t` DROP CONSTRAINT `c` deletes the constraint, and the data it guarded is no longer checked; declare destructive: true so PROD is snapshotted first"],
  ["CG107", "ALTER TABLE t RENAME TO u",
    "ALTER TABLE `t` RENAME TO `u` renames the table, and every statement that names the old name fails; declare destructive: true so PROD is snapshotted first"],
  ["CG107", "ALTER TABLE t RENAME COLUMN a TO b",
    "ALTER TABLE `t` RENAME COLUMN `a` renames the column, and every statement that names it fails; declare destructive: true so PROD is snapshotted first, or add the new column, copy the data and drop the old one in a later change"],
  ["CG107", "ALTER TABLE t RENAME INDEX a TO b",
    "ALTER TABLE `t` RENAME INDEX `a` renames the index, and hints and statements that name it fail; declare destructive: true so PROD is snapshotted first"],
  ["CG107", "RENAME TABLE a TO b, c TO d",
    "RENAME TABLE renames `a` to `b`, `c` to `d`, and every statement that names the old name fails; declare destructive: true so PROD is snapshotted first"],
  ["CG107", "RENAME USER a TO b",
    "RENAME USER renames an account, and clients that log in as the old name fail; declare destructive: true so PROD is snapshotted first"],
  ["CG108", "ALTER TABLE t CHANGE a b INT",
    "ALTER TABLE `t` CHANGE COLUMN `a` renames or redefines the column: a narrower type, a lossy character set or NOT NULL truncates or converts existing values, and lint cannot see the old definition; declare destructive: true so PROD is snapshotted first, or add a new column and copy the data"],
  ["CG108", "ALTER TABLE t MODIFY a INT",
    "ALTER TABLE `t` MODIFY COLUMN `a` redefines the column: a narrower type, a lossy character set or NOT NULL truncates or converts existing values, and lint cannot see the old definition; declare destructive: true so PROD is snapshotted first, or add a new column and copy the data"],
  ["CG109", "ALTER TABLE t CONVERT TO CHARACTER SET latin1",
    "ALTER TABLE `t` CONVERT TO CHARACTER SET rewrites every text column: characters the new set cannot hold are lost, and column types can change; declare destructive: true so PROD is snapshotted first"],
  ["CG109", "ALTER TABLE t DEFAULT CHARSET latin1",
    "ALTER TABLE `t` changes the table's default character set or collation: every column defined without its own follows it, so text written later is converted and compared differently; declare destructive: true so PROD is snapshotted first"],
  ["CG109", "ALTER TABLE t ENGINE = MyISAM",
    "ALTER TABLE `t` ENGINE=MyISAM rebuilds the table in that storage engine, and an engine without transactions (or MEMORY, BLACKHOLE) can lose rows; declare destructive: true so PROD is snapshotted first"],
  ["CG109", "ALTER DATABASE CHARACTER SET latin1",
    "ALTER DATABASE changes the schema's defaults (character set, collation, encryption, read-only): tables created later follow them; declare destructive: true so PROD is snapshotted first"],
  ["CG110", "ALTER TABLE t DROP PARTITION p0",
    "ALTER TABLE `t` DROP PARTITION deletes the partitions and every row in them; declare destructive: true so PROD is snapshotted first"],
  ["CG110", "ALTER TABLE t TRUNCATE PARTITION p0",
    "ALTER TABLE `t` TRUNCATE PARTITION deletes every row in the partitions; declare destructive: true so PROD is snapshotted first"],
  ["CG110", "ALTER TABLE t DISCARD TABLESPACE",
    "ALTER TABLE `t` DISCARD TABLESPACE deletes the tablespace file and every row in it; declare destructive: true so PROD is snapshotted first"],
  ["CG110", "ALTER TABLE t IMPORT PARTITION p0 TABLESPACE",
    "ALTER TABLE `t` IMPORT PARTITION replaces the data of the partitions with an imported tablespace file; declare destructive: true so PROD is snapshotted first"],
  ["CG110", "ALTER TABLE t REORGANIZE PARTITION p0 INTO (PARTITION p1 VALUES LESS THAN (1))",
    "ALTER TABLE `t` REORGANIZE PARTITION rewrites the partitions and moves their rows; declare destructive: true so PROD is snapshotted first"],
  ["CG110", "ALTER TABLE t COALESCE PARTITION 1",
    "ALTER TABLE `t` COALESCE PARTITION merges partitions and rewrites their rows; declare destructive: true so PROD is snapshotted first"],
  ["CG110", "ALTER TABLE t EXCHANGE PARTITION p0 WITH TABLE u",
    "ALTER TABLE `t` EXCHANGE PARTITION swaps the rows of a partition with the rows of table `u`; declare destructive: true so PROD is snapshotted first"],
  ["CG110", "ALTER TABLE t REMOVE PARTITIONING",
    "ALTER TABLE `t` REMOVE PARTITIONING rewrites the table without partitions; declare destructive: true so PROD is snapshotted first"],
  ["CG110", "ALTER TABLE t REPAIR PARTITION p0",
    "ALTER TABLE `t` REPAIR PARTITION can drop rows it cannot read; declare destructive: true so PROD is snapshotted first"],
  ["CG111", "CREATE OR REPLACE VIEW v AS SELECT 1",
    "CREATE OR REPLACE VIEW replaces `v` if it exists, and its previous definition is lost; declare destructive: true so PROD is snapshotted first, or use CREATE VIEW (it fails when the object exists)"],
  ["CG111", "ALTER VIEW v AS SELECT 1",
    "ALTER VIEW replaces the definition of view `v`, and the previous one is lost; declare destructive: true so PROD is snapshotted first"],
  ["CG111", "ALTER PROCEDURE p COMMENT 'x'",
    "ALTER PROCEDURE changes the characteristics of procedure `p`; declare destructive: true so PROD is snapshotted first"],
  ["CG111", "ALTER EVENT e DISABLE",
    "ALTER EVENT changes event `e` (its schedule, body, name or state); declare destructive: true so PROD is snapshotted first"],
  ["CG112", "CREATE EVENT e ON SCHEDULE EVERY 1 DAY DO DELETE FROM t",
    "CREATE EVENT `e` schedules DELETE, which the server runs on its own and which can change or delete data; declare destructive: true so PROD is snapshotted first, or run the data change as a statement of the change"],
  ["CG113", "REPAIR TABLE t",
    "REPAIR TABLE `t` can drop rows it cannot read (and USE_FRM rebuilds the table from its definition); declare destructive: true so PROD is snapshotted first"],
  ["CG199", "CALL p()",
    "lint cannot tell what CALL does to data, so it counts as destructive (any chance); declare destructive: true so PROD is snapshotted first, or replace it with the statements it runs"],
  ["CG199", "ALTER TABLE t FROBNICATE",
    "lint cannot tell what ALTER TABLE `t` FROBNICATE does to data, so it counts as destructive (any chance); declare destructive: true so PROD is snapshotted first, or replace it with the statements it runs"],
  ["CG199", "(1)",
    "lint cannot tell what a statement that starts with 1 does to data, so it counts as destructive (any chance); declare destructive: true so PROD is snapshotted first, or replace it with the statements it runs"],
  ["CG201", "ALTER TABLE t ADD d DATETIME NOT NULL, ALGORITHM = INSTANT",
    "ALTER TABLE `t` ADD COLUMN `d` is NOT NULL without a DEFAULT: existing rows get the type's implicit default (0, '' or a zero date, which strict mode rejects, failing the ALTER); give the column an explicit DEFAULT, or add it NULL, backfill it, and make it NOT NULL in a later change"],
  ["CG202", "ALTER TABLE invoicing.t ADD COLUMN a INT NULL, ALGORITHM=INSTANT",
    "`invoicing`.`t` names schema `invoicing`: changegate runs each change in the schema its environment configures, so this statement would reach `invoicing` in every environment; leave the `invoicing`. qualifier out"],
  ["CG202", "CREATE DATABASE reporting",
    "CREATE DATABASE manages a schema, but changegate runs changes inside the schema each environment configures; create and change schemas outside changegate and name them in changegate.yaml"],
  ["CG203", "USE invoicing",
    "USE `invoicing` switches the session to another schema, so the statements after it run outside the schema the environment configures; remove it"],
  ["CG204", "LOCK TABLES t WRITE",
    "LOCK TABLES commits the open transaction and holds table locks across statements: while they are held changegate cannot write its per-statement progress record, and the application is blocked; remove it (each statement takes the locks it needs)"],
  ["CG204", "UNLOCK TABLES",
    "UNLOCK TABLES commits the open transaction implicitly, ending the one in which changegate records a data statement's progress; remove it together with its LOCK TABLES"],
  ["CG204", "LOCK INSTANCE FOR BACKUP",
    "LOCK INSTANCE blocks DDL and some writes on the whole server until it is released; remove it: a change must not hold server-wide locks"],
  ["CG204", "UNLOCK INSTANCE",
    "UNLOCK INSTANCE releases a server-wide backup lock that another statement took; remove it: a change must not hold server-wide locks"],
  ["CG205", "SET GLOBAL max_connections = 10",
    "SET GLOBAL max_connections changes the server for every session and every schema on it (PERSIST keeps it across restarts); change server settings in the DB cluster parameter group, and use SET SESSION for this change's own session"],
  ["CG205", "SET @@persist.max_connections = 10",
    "SET @@persist.max_connections changes the server for every session and every schema on it (PERSIST keeps it across restarts); change server settings in the DB cluster parameter group, and use SET SESSION for this change's own session"],
  ["CG206", "GRANT SELECT ON t TO r",
    "GRANT changes accounts or privileges, which belong to the server, not to the schema this change runs in; manage accounts and privileges outside changegate"],
  ["CG206", "CREATE USER 'u'@'%'",
    "CREATE USER changes accounts or privileges, which belong to the server, not to the schema this change runs in; manage accounts and privileges outside changegate"],
  ["CG206", "SET PASSWORD FOR 'u' = 'x'",
    "SET PASSWORD changes accounts or privileges, which belong to the server, not to the schema this change runs in; manage accounts and privileges outside changegate"],
  ["CG208", "CREATE TABLE t (a INT PRIMARY KEY) ENGINE = 'MEMORY'",
    "CREATE TABLE `t` uses ENGINE=MEMORY, which has no transactions (and Aurora MySQL supports only InnoDB): a data statement on it cannot be rolled back, so changegate cannot apply it exactly once; use ENGINE=InnoDB or leave ENGINE out"],
  ["CG208", "ALTER TABLE t ENGINE=MyISAM",
    "ALTER TABLE `t` moves the table to ENGINE=MyISAM, which has no transactions (and Aurora MySQL supports only InnoDB): a data statement on it cannot be rolled back, so changegate cannot apply it exactly once; use ENGINE=InnoDB or leave ENGINE out"],
  ["CG209", "DELETE FROM invoices",
    "DELETE without WHERE removes every row of `invoices`; add the WHERE clause you mean, or use TRUNCATE TABLE if emptying the table is the point"],
  ["CG209", "UPDATE invoices SET a = 1",
    "UPDATE without WHERE overwrites the columns it sets in every row of `invoices`; add the WHERE clause you mean (WHERE TRUE when every row is intended)"],
  ["CG210", "COMMIT",
    "COMMIT controls the transaction in which changegate records each data statement's progress, so a crash could make a rerun repeat or skip statements; remove it: changegate commits after every statement itself"],
  ["CG210", "SET autocommit = 0",
    "SET autocommit controls the transaction in which changegate records each data statement's progress, so a crash could make a rerun repeat or skip statements; remove it: changegate commits after every statement itself"],
  ["CG211", "FLUSH PRIVILEGES",
    "FLUSH acts on the whole server, not on the schema this change runs in (and Aurora allows little of it); run server administration outside changegate"],
  ["CG212", "CREATE DEFINER='admin'@'%' PROCEDURE p() SELECT 1",
    "DEFINER = 'admin'@'%' ties the object to an account that may not exist in every environment, and the object fails when used where it does not; leave DEFINER out (the object then belongs to the account changegate runs as) or write DEFINER = CURRENT_USER"],
  ["CG213", "SET foreign_key_checks = 0",
    "SET foreign_key_checks = 0 turns off foreign key checks for the rest of the session, so later statements can store rows that break foreign keys; keep the checks on and order the statements so that parent rows exist first"],
  ["CG213", "SET unique_checks = OFF",
    "SET unique_checks = 0 lets InnoDB skip uniqueness checks of secondary indexes for the rest of the session, so duplicates can be stored; keep it on"],
  ["CG213", "SET sql_log_bin = 0",
    "SET sql_log_bin = 0 keeps the statements after it out of the binary log, so binlog replicas and point-in-time recovery never see them; remove it"],
  ["CG213", "SET SESSION sql_mode = 'ANSI'",
    "SET sql_mode changes how the statements after it treat invalid and out-of-range data (outside strict mode they are stored truncated, with only a warning); remove it so every environment applies the change under the server's mode"],
  ["CG301", "ALTER TABLE t ADD COLUMN a INT NULL",
    "ALTER TABLE `t` does not state ALGORITHM=INSTANT or ALGORITHM=INPLACE: MySQL may copy the table instead, blocking writes for as long as the copy runs; state the algorithm you expect, so that the statement fails rather than copies"],
  ["CG302", "CREATE TABLE nopk (a INT)",
    "CREATE TABLE `nopk` has no PRIMARY KEY: InnoDB then clusters rows on a hidden key, and row-based replication, online schema change tools and any fix of a single row need a real one; add a PRIMARY KEY"],
  ["CG303", "SELECT 1 /* changegate:nolint CG999 */",
    "changegate:nolint names CG999, which is not a lint code, so it suppresses nothing; check the code against changegate lint's output"],
  ["CG303", "SELECT 1 /* changegate:nolint */",
    "changegate:nolint names no code, so it suppresses nothing; write the codes to suppress, as in changegate:nolint CG201,CG209"],
  ["CG304", "DROP TABLE t /* changegate:nolint CG101 */",
    "changegate:nolint CG101 has no effect: destructive findings decide the PROD snapshot and cannot be suppressed; declare destructive: true in the manifest instead"],

];

describe('lint messages, word for word', () => {
  for (const [code, sql, message] of MESSAGES) {
    it(`${code}: ${sql}`, () => {
      const found = lintStatements([stmt(sql)]).filter((d) => d.code === code);
      assert.deepEqual(found.map((d) => d.message), [message]);
    });
  }
  it('CG207, data after schema, names the first statement of the other kind', () => {
    const a = stmt('ALTER TABLE t ADD COLUMN a INT NULL, ALGORITHM=INSTANT', { file: 'migrations/c/up.sql', line: 3 });
    const b = stmt('UPDATE t SET a = 1 WHERE a IS NULL', { file: 'migrations/c/backfill.sql', line: 7, column: 5 });
    const found = lintStatements([a, b]).filter((d) => d.code === 'CG207');
    assert.deepEqual(found, [{
      code: 'CG207', severity: 'warning', file: 'migrations/c/backfill.sql', line: 7, column: 5, destructive: false,
      message: 'UPDATE changes data in a change that also changes the schema (ALTER at migrations/c/up.sql:3): MySQL commits DDL implicitly, so a failure between them leaves the change half applied; move the data statements to a change of their own',
    }]);
  });
  it('CG207, schema after data', () => {
    const found = lintText("INSERT INTO t VALUES (1);\nSELECT 1;\nCREATE INDEX i ON t (a);\nDROP TABLE u;").filter((d) => d.code === 'CG207');
    assert.deepEqual(found.map((d) => [d.line, d.message]), [[3,
      'CREATE changes the schema in a change that also changes data (INSERT at migrations/x/up.sql:1): MySQL commits DDL implicitly, so a failure between them leaves the change half applied; move the schema statements to a change of their own']]);
  });
  it('CG214, a marked statement that cannot be batched, with the marker on the comment line before it', () => {
    const found = lintText('-- changegate:batch rows=500\nUPDATE t SET a = 1 WHERE b = 2 LIMIT 10;').filter((d) => d.code === 'CG214');
    assert.deepEqual(found.map((d) => [d.severity, d.line, d.message]), [
      ['error', 2, 'cannot be batched: it has LIMIT: batches walk the key in order and cover every row the statement reaches; remove it'],
    ]);
    assert.deepEqual(lintText('-- changegate:batch rows=500\nUPDATE t SET a = 1 WHERE b = 2;').filter((d) => d.code === 'CG214'), []);
  });
  it('every registered code has at least one message case', () => {
    const covered = new Set([...MESSAGES.map((m) => m[0]), 'CG207', 'CG214']);
    assert.deepEqual(Object.keys(RULES).filter((c) => !covered.has(c)), []);
  });
});

describe('lint findings: shape and positions', () => {
  it('a destructive finding is a full Diagnostic at the offending token', () => {
    const diags = lintText('SELECT 1;\n\n  ALTER TABLE invoices\n    ADD COLUMN a INT NULL,\n    DROP COLUMN legacy,\n    ALGORITHM=INPLACE;');
    assert.deepEqual(diags, [{
      code: 'CG106', severity: 'warning', file: 'migrations/x/up.sql', line: 5, column: 5, destructive: true,
      message: 'ALTER TABLE `invoices` DROP COLUMN `legacy` deletes the column and every value in it; declare destructive: true so PROD is snapshotted first, or stop using the column first and drop it in a later change',
    }]);
  });
  it('a finding about the whole statement sits at its start', () => {
    const [d] = lintText('\n   USE other;');
    assert.deepEqual([d!.code, d!.line, d!.column], ['CG203', 2, 4]);
  });
  it('a token on the statement\'s first line is offset from its column', () => {
    const [d] = lintText('SELECT 1;   SELECT * FROM other.t;');
    assert.deepEqual([d!.code, d!.line, d!.column], ['CG202', 1, 27]);
  });
  it('findings come in statement order, then position', () => {
    const diags = lintText('DELETE FROM t;\nUSE x;\nDROP TABLE y;');
    assert.deepEqual(diags.map((d) => `${d.line}:${d.code}`), ['1:CG103', '1:CG209', '2:CG203', '3:CG101', '3:CG207']);
  });
  it('severities follow the registry: CG1xx warning and destructive, CG3xx notice', () => {
    for (const r of Object.values(RULES)) {
      if (r.code.startsWith('CG1')) assert.deepEqual([r.severity, r.destructive], ['warning', true], r.code);
      else assert.equal(r.destructive, false, r.code);
      if (r.code.startsWith('CG3')) assert.equal(r.severity, 'notice', r.code);
    }
  });
  it('an empty list has no findings', () => {
    assert.deepEqual(lintStatements([]), []);
  });
});

describe('lint suppression', () => {
  it('options.ignore drops the codes it names', () => {
    assert.deepEqual(codes('USE x;\nLOCK TABLES t WRITE;', ['CG203']), ['CG204']);
  });
  it('a -- changegate:nolint comment just before the statement', () => {
    assert.deepEqual(codes('-- changegate:nolint CG203\nUSE x;\nUSE y;'), ['CG203']);
  });
  it('a comment on the statement\'s line after its delimiter, with a list of codes', () => {
    assert.deepEqual(codes('SET GLOBAL a = 1, foreign_key_checks = 0; -- changegate:nolint CG205, cg213\nUSE y;'), ['CG203']);
  });
  it('a /* changegate:nolint */ comment inside the statement', () => {
    assert.deepEqual(codes('UPDATE t /* changegate:nolint CG209 */ SET a = 1'), ['CG104']);
  });
  it('a marker suppresses only the codes it names, and only for its statement', () => {
    assert.deepEqual(codes('USE x; -- changegate:nolint CG204\nUSE y;'), ['CG203', 'CG203']);
  });
  it('a marker in a string is not a marker', () => {
    assert.deepEqual(codes("INSERT INTO t VALUES ('changegate:nolint CG209');\nUSE x;"), ['CG203']);
  });
  it('destructive codes cannot be suppressed, by ignore or by a marker, and a marker says so', () => {
    assert.deepEqual(codes('DROP TABLE t', ['CG101']), ['CG101']);
    const diags = lintText('-- changegate:nolint CG101\nDROP TABLE t;');
    assert.deepEqual(diags.map((d) => [d.code, d.line]), [['CG101', 2], ['CG304', 2]]);
    assert.equal(isDestructive(diags), true);
  });
  it('a marker naming an unknown code is reported where it is', () => {
    const diags = lintText('SELECT 1,\n  2 /* changegate:nolint CG299 */;');
    assert.deepEqual(diags.map((d) => [d.code, d.line, d.column]), [['CG303', 2, 8]]);
  });
});

describe('rules that must not fire', () => {
  const clean = [
    'SELECT t.a, x.b FROM t JOIN x ON t.id = x.id WHERE t.c = x.d',
    'SELECT EXTRACT(YEAR FROM t.created_at), TRIM(LEADING 0 FROM t.code) FROM t',
    'SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()',
    "SELECT * FROM t WHERE a LIKE b.c",
    "INSERT INTO t (note) VALUES ('db.t; USE x; LOCK TABLES; SET GLOBAL x = 1')",
    'UPDATE t JOIN u ON u.id = t.id SET t.a = u.a',
    'DELETE t FROM t JOIN u ON u.id = t.id',
    'SET SESSION foreign_key_checks = 1, unique_checks = ON',
    "CREATE DEFINER = CURRENT_USER TRIGGER tr BEFORE INSERT ON t FOR EACH ROW SET NEW.a = 1",
    'ALTER TABLE t ADD COLUMN a INT NOT NULL AUTO_INCREMENT, ADD COLUMN b INT AS (a + 1) NOT NULL, ADD COLUMN c DATE NOT NULL DEFAULT (CURRENT_DATE), ADD (d INT NULL, e INT NOT NULL DEFAULT 0), ALGORITHM=INPLACE',
    'ALTER TABLE t ADD CONSTRAINT chk CHECK (x IS NOT NULL), ALGORITHM = INSTANT',
    'CREATE TABLE t (a INT, PRIMARY KEY (a)) ENGINE=InnoDB',
    "CREATE TABLE t (a INT PRIMARY KEY) ENGINE = 'innodb'",
    'CREATE TABLE t (id SERIAL)',
    'SELECT t.delete, `t`.`drop` FROM t WHERE t.truncate = 1',
  ];
  // Destructive findings aside (UPDATE and DELETE always have one): no safety rule or note fires.
  for (const sql of clean) it(sql, () => assert.deepEqual(lintStatements([stmt(sql)]).filter((d) => !d.destructive), []));
});

describe('lint registry', () => {
  const analyzer = (name: string, code: string, destructive = false): Analyzer => ({
    name,
    rules: [{ code, severity: 'warning', destructive, summary: 's' }],
    analyze: () => undefined,
  });
  it('registers every code of every analyzer once', () => {
    assert.ok(Object.keys(RULES).length >= 30);
    assert.equal(RULES['CG101']!.summary, 'DROP deletes an object (and the data in it)');
  });
  it('throws on a code registered twice', () => {
    assert.throws(() => buildRegistry([analyzer('a', 'CG201'), analyzer('b', 'CG201')]), {
      message: 'lint code CG201 is registered twice: by a and by b',
    });
  });
  it('throws on a code outside CG100-CG399', () => {
    assert.throws(() => buildRegistry([analyzer('a', 'CG010')]), { message: 'lint rule CG010 of a: codes are CG100-CG399' });
  });
  it('throws when the destructive flag disagrees with the code range', () => {
    assert.throws(() => buildRegistry([analyzer('a', 'CG150', false)]), {
      message: 'lint rule CG150 of a: CG1xx codes, and only they, are destructive',
    });
  });
});

describe('lint speed', () => {
  it('lints 20,000 statements in one pass each', () => {
    const sqls = ['ALTER TABLE invoices ADD COLUMN a INT NULL, ALGORITHM=INSTANT', "INSERT INTO t VALUES (1, 'x')", 'UPDATE t SET a = 1 WHERE id = 2', 'CREATE TABLE t (id INT PRIMARY KEY)'];
    const statements = Array.from({ length: 20000 }, (_, k) => stmt(sqls[k % sqls.length]!));
    const t0 = process.hrtime.bigint();
    lintStatements(statements);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    // A guard against a quadratic rule, not a timing assertion.
    assert.ok(ms < 10000, `took ${ms} ms`);
  });
});

describe('commitsImplicitly (the apply loop skips a savepoint only for these)', () => {
  const cases: [string, boolean][] = [
    ['CREATE TABLE t (id INT)', true],
    ['create or replace view v as select 1', true],
    ['CREATE DEFINER=`app`@`%` TRIGGER trg BEFORE INSERT ON t FOR EACH ROW SET NEW.a = 1', true],
    ['ALTER TABLE t ADD COLUMN c INT', true],
    ['ALTER ONLINE TABLE t ADD COLUMN c INT', true],
    ['/* why */ DROP INDEX i ON t', true],
    ['RENAME TABLE a TO b', true],
    ['TRUNCATE TABLE t', true],
    ['CREATE USER u', true],
    ['CREATE TEMPORARY TABLE tmp (id INT)', false],
    ['DROP TEMPORARY TABLE IF EXISTS tmp', false],
    ['DROP PREPARE stmt', false],
    ['ALTER INSTANCE ROTATE INNODB MASTER KEY', false],
    ['INSERT INTO t VALUES (1)', false],
    ['SET @a = 1', false],
    ['CALL p()', false],
  ];
  for (const [sql, expected] of cases) {
    it(`${sql} -> ${expected}`, () => assert.equal(commitsImplicitly(sql), expected));
  }
});
