// Which statements each non-destructive lint rule flags, and where: every keyword a rule keys on
// (table slots and list ends of CG202, the verbs of CG210 and CG211, what makes CG201 a column),
// written against the mutants `npm run mutate` found alive. Destructive findings (CG1xx) are left out:
// the corpus in lint-corpus.ts covers them. Each finding reads `code@column`, and for the rules
// whose message names what they found, the message up to its first colon or semicolon.
import { strict as assert } from 'node:assert';
import { commitsImplicitly, lintStatements, setsSessionState, statementKind } from '../src/core/lint/index.js';

const NAMED = new Set(['CG201', 'CG202', 'CG205', 'CG206', 'CG208', 'CG210', 'CG211', 'CG212', 'CG213']);

function findings(sql: string): string[] {
  return lintStatements([{ file: 'm/up.sql', line: 1, column: 1, sql }])
    .filter((d) => !d.destructive)
    .map((d) => `${d.code}@${d.column}${NAMED.has(d.code) ? ` ${d.message.split(/[:;]/)[0]}` : ''}`);
}

const CASES: Array<[string, string[]]> = [
    ['SELECT * FROM a JOIN s.b ON a.id = b.id', ['CG202@22 `s`.`b` names schema `s`']],
    ['SELECT * FROM a STRAIGHT_JOIN s.b ON a.id = b.id', ['CG202@31 `s`.`b` names schema `s`']],
    ['INSERT INTO s.t VALUES (1)', ['CG202@13 `s`.`t` names schema `s`']],
    ['INSERT INTO t SELECT * FROM s.u', ['CG202@29 `s`.`u` names schema `s`']],
    ['INSERT INTO t VALUES ((SELECT MAX(id) FROM s.u))', ['CG202@44 `s`.`u` names schema `s`']],
    ['OPTIMIZE TABLE s.t', ['CG202@16 `s`.`t` names schema `s`']],
    ['LOCK TABLES s.t READ', ['CG204@1', 'CG202@13 `s`.`t` names schema `s`']],
    ['CREATE TABLE t (id INT PRIMARY KEY, p INT, FOREIGN KEY (p) REFERENCES s.p (id))', ['CG202@71 `s`.`p` names schema `s`']],
    ['CREATE VIEW s.v AS SELECT 1', ['CG202@13 `s`.`v` names schema `s`']],
    ['CREATE PROCEDURE s.p() SELECT 1', ['CG202@18 `s`.`p` names schema `s`']],
    ['CREATE FUNCTION s.f() RETURNS INT DETERMINISTIC RETURN 1', ['CG202@17 `s`.`f` names schema `s`']],
    ['CREATE EVENT s.e ON SCHEDULE EVERY 1 DAY DO SELECT 1', ['CG202@14 `s`.`e` names schema `s`']],
    ['DROP TRIGGER s.tr', ['CG202@14 `s`.`tr` names schema `s`']],
    ['CALL s.p()', ['CG202@6 `s`.`p` names schema `s`']],
    ['HANDLER s.t OPEN', ['CG202@9 `s`.`t` names schema `s`']],
    ['SELECT * FROM a, s.b', ['CG202@18 `s`.`b` names schema `s`']],
    ['SELECT * FROM a x, s.b y WHERE x.id = y.id', ['CG202@20 `s`.`b` names schema `s`']],
    ['SELECT * FROM a WHERE id IN (SELECT id FROM s.b)', ['CG202@45 `s`.`b` names schema `s`']],
    ['SELECT s.f(1)', ['CG202@8 `s`.`f` names schema `s`']],
    ['SELECT a.b.c FROM t', ['CG202@8 `a`.`b`.`c` names schema `a`']],
    ['SELECT * FROM information_schema.TABLES', []],
    ['SELECT * FROM performance_schema.threads, sys.x', []],
    ['SELECT x.id FROM t x', []],
    ['DELETE FROM a USING a JOIN s.b ON a.id = b.id WHERE a.id = 1', ['CG202@28 `s`.`b` names schema `s`']],
    ['DELETE FROM s.t WHERE id = 1', ['CG202@13 `s`.`t` names schema `s`']],
    ['UPDATE s.t SET a = 1 WHERE id = 1', ['CG202@8 `s`.`t` names schema `s`']],
    ['TRUNCATE TABLE s.t', ['CG202@16 `s`.`t` names schema `s`']],
    ['TRUNCATE s.t', ['CG202@10 `s`.`t` names schema `s`']],
    ['ALTER TABLE t RENAME TO s.t2', ['CG301@1', 'CG202@25 `s`.`t2` names schema `s`']],
    ['ALTER TABLE t RENAME AS s.t2', ['CG301@1', 'CG202@25 `s`.`t2` names schema `s`']],
    ['RENAME TABLE t TO s.t2, u TO v', ['CG202@19 `s`.`t2` names schema `s`']],
    ['CREATE TABLE t2 LIKE s.t', ['CG202@22 `s`.`t` names schema `s`']],
    ['CREATE TABLE t2 (id INT PRIMARY KEY, n VARCHAR(9) DEFAULT \'a\' COMMENT \'LIKE s.x\')', []],
    ['CREATE INDEX i ON s.t (a)', ['CG202@19 `s`.`t` names schema `s`']],
    ['CREATE TRIGGER tr BEFORE INSERT ON s.t FOR EACH ROW SET NEW.a = 1', ['CG202@36 `s`.`t` names schema `s`']],
    ['CREATE DATABASE IF NOT EXISTS reporting', ['CG202@1 CREATE DATABASE manages a schema, but changegate runs changes inside the schema each environment configures']],
    ['ALTER SCHEMA reporting DEFAULT CHARACTER SET utf8mb4', ['CG202@1 ALTER SCHEMA manages a schema, but changegate runs changes inside the schema each environment configures']],
    ['DROP SCHEMA reporting', ['CG202@1 DROP SCHEMA manages a schema, but changegate runs changes inside the schema each environment configures']],
    ['GRANT SELECT ON s.t TO r', ['CG206@1 GRANT changes accounts or privileges, which belong to the server, not to the schema this change runs in']],
    ['REVOKE SELECT ON s.t FROM r', ['CG206@1 REVOKE changes accounts or privileges, which belong to the server, not to the schema this change runs in']],
    ['SELECT * FROM a LEFT JOIN s.b USING (id)', ['CG202@27 `s`.`b` names schema `s`']],
    ['SELECT * FROM a FOR UPDATE', []],
    ['SELECT * FROM a GROUP BY x HAVING y ORDER BY z LIMIT 1', []],
    ['SELECT * FROM a UNION SELECT * FROM s.b', ['CG202@37 `s`.`b` names schema `s`']],
    ['SELECT * FROM a EXCEPT SELECT * FROM s.b', ['CG202@38 `s`.`b` names schema `s`']],
    ['SELECT * FROM a INTERSECT SELECT * FROM s.b', ['CG202@41 `s`.`b` names schema `s`']],
    ['DROP TABLE IF EXISTS s.t', ['CG202@22 `s`.`t` names schema `s`']],
    ['DROP TABLE a, s.b', ['CG202@15 `s`.`b` names schema `s`']],
    ['REPLACE INTO s.t VALUES (1)', ['CG202@14 `s`.`t` names schema `s`']],
    ['INSERT LOW_PRIORITY IGNORE INTO s.t VALUES (1)', ['CG202@33 `s`.`t` names schema `s`']],
    ['DELETE QUICK FROM s.t WHERE id = 1', ['CG202@19 `s`.`t` names schema `s`']],
    ['FLUSH TABLES', ['CG211@1 FLUSH acts on the whole server, not on the schema this change runs in (and Aurora allows little of it)']],
    ['RESET MASTER', ['CG211@1 RESET acts on the whole server, not on the schema this change runs in (and Aurora allows little of it)']],
    ['PURGE BINARY LOGS BEFORE NOW()', ['CG211@1 PURGE acts on the whole server, not on the schema this change runs in (and Aurora allows little of it)']],
    ['KILL 12', ['CG211@1 KILL acts on the whole server, not on the schema this change runs in (and Aurora allows little of it)']],
    ['SHUTDOWN', ['CG211@1 SHUTDOWN acts on the whole server, not on the schema this change runs in (and Aurora allows little of it)']],
    ['RESTART', ['CG211@1 RESTART acts on the whole server, not on the schema this change runs in (and Aurora allows little of it)']],
    ['CLONE LOCAL DATA DIRECTORY = \'/x\'', ['CG211@1 CLONE acts on the whole server, not on the schema this change runs in (and Aurora allows little of it)']],
    ['INSTALL PLUGIN p SONAME \'p.so\'', ['CG211@1 INSTALL acts on the whole server, not on the schema this change runs in (and Aurora allows little of it)']],
    ['UNINSTALL PLUGIN p', ['CG211@1 UNINSTALL acts on the whole server, not on the schema this change runs in (and Aurora allows little of it)']],
    ['BINLOG \'x\'', ['CG211@1 BINLOG acts on the whole server, not on the schema this change runs in (and Aurora allows little of it)']],
    ['CACHE INDEX t IN c', ['CG211@1 CACHE acts on the whole server, not on the schema this change runs in (and Aurora allows little of it)']],
    ['CHANGE MASTER TO MASTER_HOST = \'h\'', ['CG211@1 CHANGE MASTER acts on the whole server, not on the schema this change runs in (and Aurora allows little of it)']],
    ['CHANGE REPLICATION SOURCE TO SOURCE_HOST = \'h\'', ['CG211@1 CHANGE REPLICATION acts on the whole server, not on the schema this change runs in (and Aurora allows little of it)']],
    ['START REPLICA', ['CG211@1 START REPLICA acts on the whole server, not on the schema this change runs in (and Aurora allows little of it)']],
    ['STOP SLAVE', ['CG211@1 STOP SLAVE acts on the whole server, not on the schema this change runs in (and Aurora allows little of it)']],
    ['START GROUP_REPLICATION', ['CG211@1 START GROUP_REPLICATION acts on the whole server, not on the schema this change runs in (and Aurora allows little of it)']],
    ['LOAD INDEX INTO CACHE t', ['CG211@1 LOAD INDEX acts on the whole server, not on the schema this change runs in (and Aurora allows little of it)']],
    ['ALTER INSTANCE ROTATE INNODB MASTER KEY', ['CG211@1 ALTER INSTANCE acts on the whole server, not on the schema this change runs in (and Aurora allows little of it)']],
    ['CHANGE COLUMN x', []],
    ['START TRANSACTION', ['CG210@1 START TRANSACTION controls the transaction in which changegate records each data statement\'s progress, so a crash could make a rerun repeat or skip statements']],
    ['BEGIN', ['CG210@1 BEGIN controls the transaction in which changegate records each data statement\'s progress, so a crash could make a rerun repeat or skip statements']],
    ['BEGIN WORK', ['CG210@1 BEGIN controls the transaction in which changegate records each data statement\'s progress, so a crash could make a rerun repeat or skip statements']],
    ['BEGIN NOT ATOMIC SELECT 1; END', []],
    ['ROLLBACK', ['CG210@1 ROLLBACK controls the transaction in which changegate records each data statement\'s progress, so a crash could make a rerun repeat or skip statements']],
    ['SAVEPOINT s1', ['CG210@1 SAVEPOINT controls the transaction in which changegate records each data statement\'s progress, so a crash could make a rerun repeat or skip statements']],
    ['RELEASE SAVEPOINT s1', ['CG210@1 RELEASE SAVEPOINT controls the transaction in which changegate records each data statement\'s progress, so a crash could make a rerun repeat or skip statements']],
    ['XA START \'x\'', ['CG210@1 XA controls the transaction in which changegate records each data statement\'s progress, so a crash could make a rerun repeat or skip statements']],
    ['SET SESSION autocommit = 1', ['CG210@1 SET autocommit controls the transaction in which changegate records each data statement\'s progress, so a crash could make a rerun repeat or skip statements']],
    ['SET @@session.autocommit = 1', ['CG210@1 SET autocommit controls the transaction in which changegate records each data statement\'s progress, so a crash could make a rerun repeat or skip statements']],
    ['SET @@autocommit = 1', ['CG210@1 SET autocommit controls the transaction in which changegate records each data statement\'s progress, so a crash could make a rerun repeat or skip statements']],
    ['SET a = 1, autocommit = 0', ['CG210@1 SET autocommit controls the transaction in which changegate records each data statement\'s progress, so a crash could make a rerun repeat or skip statements']],
    ['SET @autocommit = 1', []],
    ['ALTER TABLE t ADD COLUMN (a INT NOT NULL, b INT NOT NULL DEFAULT 0), ALGORITHM=INSTANT', ['CG201@27 ALTER TABLE `t` ADD COLUMN `a` is NOT NULL without a DEFAULT']],
    ['ALTER TABLE t ADD COLUMN a INT NOT NULL AUTO_INCREMENT, ALGORITHM=INSTANT', []],
    ['ALTER TABLE t ADD COLUMN a SERIAL, ALGORITHM=INSTANT', []],
    ['ALTER TABLE t ADD COLUMN a INT NOT NULL AS (b + 1), ALGORITHM=INSTANT', []],
    ['ALTER TABLE t ADD COLUMN a INT NOT NULL GENERATED ALWAYS AS (b + 1) STORED, ALGORITHM=INSTANT', []],
    ['ALTER TABLE t ADD INDEX nn (a), ADD KEY k2 (b), ADD UNIQUE u (c), ADD PRIMARY KEY (id), ADD CONSTRAINT c1 CHECK (a > 0), ALGORITHM=INPLACE', []],
    ['ALTER TABLE t ADD FULLTEXT f (a), ADD SPATIAL s (g), ADD FOREIGN KEY (a) REFERENCES p (id), ALGORITHM=INPLACE', []],
    ['ALTER TABLE t ADD a INT NOT NULL, ALGORITHM=INSTANT', ['CG201@19 ALTER TABLE `t` ADD COLUMN `a` is NOT NULL without a DEFAULT']],
    ['ALTER TABLE t ADD a INT NOT NULL CHECK (a > 0), ALGORITHM=INSTANT', ['CG201@19 ALTER TABLE `t` ADD COLUMN `a` is NOT NULL without a DEFAULT']],
    ['ALTER TABLE t ADD a ENUM(\'NOT\', \'NULL\') NOT NULL DEFAULT \'NOT\', ALGORITHM=INSTANT', []],
    ['CREATE TABLE m (id INT PRIMARY KEY) ENGINE=MyISAM', ['CG208@37 CREATE TABLE `m` uses ENGINE=MyISAM, which has no transactions (and Aurora MySQL supports only InnoDB)']],
    ['CREATE TABLE m (id INT PRIMARY KEY) ENGINE InnoDB', []],
    ['ALTER TABLE m ENGINE = Aria', ['CG301@1', 'CG208@15 ALTER TABLE `m` moves the table to ENGINE=Aria, which has no transactions (and Aurora MySQL supports only InnoDB)']],
    ['CREATE TEMPORARY TABLE tmp (id INT)', []],
    ['CREATE TABLE k (id INT, PRIMARY KEY (id))', []],
    ['CREATE TABLE k (id INT, CONSTRAINT pk PRIMARY KEY (id))', []],
    ['CREATE TABLE k (id INT UNIQUE NOT NULL)', ['CG302@1']],
    ['CREATE TABLE k AS SELECT 1 AS id', []],
    ['CREATE TABLE k LIKE t', []],
    ['SET GLOBAL sql_mode = \'\'', ['CG205@5 SET GLOBAL sql_mode changes the server for every session and every schema on it (PERSIST keeps it across restarts)']],
    ['SET PERSIST max_connections = 10', ['CG205@5 SET PERSIST max_connections changes the server for every session and every schema on it (PERSIST keeps it across restarts)']],
    ['SET PERSIST_ONLY max_connections = 10', ['CG205@5 SET PERSIST_ONLY max_connections changes the server for every session and every schema on it (PERSIST keeps it across restarts)']],
    ['SET @@global.max_connections = 10', ['CG205@5 SET @@global.max_connections changes the server for every session and every schema on it (PERSIST keeps it across restarts)']],
    ['SET SESSION foreign_key_checks = 0, unique_checks = 0', ['CG213@5 SET foreign_key_checks = 0 turns off foreign key checks for the rest of the session, so later statements can store rows that break foreign keys', 'CG213@37 SET unique_checks = 0 lets InnoDB skip uniqueness checks of secondary indexes for the rest of the session, so duplicates can be stored']],
    ['SET foreign_key_checks = 1', []],
    ['SET @@session.sql_log_bin = OFF', ['CG213@5 SET sql_log_bin = 0 keeps the statements after it out of the binary log, so binlog replicas and point-in-time recovery never see them']],
    ['SET NAMES utf8mb4', []],
    ['SET time_zone = \'+00:00\'', []],
    ['CREATE USER u', ['CG206@1 CREATE USER changes accounts or privileges, which belong to the server, not to the schema this change runs in']],
    ['ALTER USER u ACCOUNT LOCK', ['CG206@1 ALTER USER changes accounts or privileges, which belong to the server, not to the schema this change runs in']],
    ['DROP USER u', ['CG206@1 DROP USER changes accounts or privileges, which belong to the server, not to the schema this change runs in']],
    ['RENAME USER u TO v', ['CG206@1 RENAME USER changes accounts or privileges, which belong to the server, not to the schema this change runs in']],
    ['CREATE ROLE r', ['CG206@1 CREATE ROLE changes accounts or privileges, which belong to the server, not to the schema this change runs in']],
    ['DROP ROLE r', ['CG206@1 DROP ROLE changes accounts or privileges, which belong to the server, not to the schema this change runs in']],
    ['SET ROLE r', []],
    ['SET DEFAULT ROLE r TO u', ['CG206@1 SET DEFAULT ROLE changes accounts or privileges, which belong to the server, not to the schema this change runs in']],
    ['REVOKE ALL ON *.* FROM u', ['CG206@1 REVOKE changes accounts or privileges, which belong to the server, not to the schema this change runs in']],
    ['CREATE DEFINER = CURRENT_USER VIEW v AS SELECT 1', []],
    ['CREATE DEFINER=`a`@`%` TRIGGER trg BEFORE INSERT ON t FOR EACH ROW SET NEW.a = 1', ['CG212@8 DEFINER = `a`@`%` ties the object to an account that may not exist in every environment, and the object fails when used where it does not']],
    ['CREATE ALGORITHM=MERGE DEFINER=app@localhost SQL SECURITY DEFINER VIEW v AS SELECT 1', ['CG212@24 DEFINER = app@localhost ties the object to an account that may not exist in every environment, and the object fails when used where it does not']],
    ['ALTER DEFINER = \'x\'@\'%\' EVENT e DISABLE', ['CG212@7 DEFINER = \'x\'@\'%\' ties the object to an account that may not exist in every environment, and the object fails when used where it does not']],
    ['LOCK TABLE t WRITE', ['CG204@1']],
    ['USE other', ['CG203@1']],
    ['ALTER TABLE t ADD COLUMN a INT NULL, ALGORITHM=COPY', ['CG301@1']],
    ['ALTER TABLE t ADD COLUMN a INT NULL, ALGORITHM = DEFAULT', ['CG301@1']],
    ['ALTER TABLE t ADD COLUMN a INT NULL, LOCK=NONE', ['CG301@1']],
];

describe('lint: what each rule keys on', () => {
  for (const [sql, expected] of CASES) {
    it(sql, () => {
      assert.deepEqual(findings(sql), expected);
    });
  }
});

describe('lint: which statements commit implicitly, and which set session state', () => {
  it('commits implicitly for DDL on every object kind, not for TEMPORARY, PREPARE or other verbs', () => {
    const yes = ['CREATE INDEX i ON t (a)', 'ALTER VIEW v AS SELECT 1', 'DROP PROCEDURE p', 'CREATE FUNCTION f() RETURNS INT RETURN 1', 'DROP TRIGGER tr',
      'ALTER EVENT e DISABLE', 'CREATE DATABASE d', 'DROP SCHEMA d', 'CREATE USER u', 'DROP ROLE r', 'CREATE TABLESPACE ts ADD DATAFILE \'ts.ibd\'',
      'DROP SERVER s', 'CREATE SEQUENCE sq', 'RENAME TABLE a TO b', 'TRUNCATE t',
      'CREATE OR REPLACE ALGORITHM = MERGE DEFINER = CURRENT_USER SQL SECURITY INVOKER VIEW v AS SELECT 1'];
    const no = ['CREATE TEMPORARY TABLE x (id INT)', 'DROP PREPARE p', 'ALTER INSTANCE ROTATE INNODB MASTER KEY', 'INSERT INTO t VALUES (1)',
      'SET @a = 1', '(SELECT 1)', '', 'CREATE', 'ALTER x y z w v u t s r q p o n TABLE'];
    assert.deepEqual(yes.filter((s) => !commitsImplicitly(s)), []);
    assert.deepEqual(no.filter((s) => commitsImplicitly(s)), []);
  });

  it('sets session state with SET of a session variable, not of a global, a password or a role', () => {
    const yes = ["SET sql_mode = ''", 'SET @a = 1', 'SET SESSION x = 1', 'SET NAMES utf8mb4', '/* c */ set time_zone = 1', 'SET x = 1, GLOBAL y = 2'];
    const no = ['SET GLOBAL x = 1', 'SET PERSIST x = 1', 'SET PERSIST_ONLY x = 1', "SET PASSWORD = 'x'", 'SET ROLE r', 'SET DEFAULT ROLE r TO u',
      'SELECT 1', '', 'UPDATE t SET a = 1'];
    assert.deepEqual(yes.filter((s) => !setsSessionState(s)), []);
    assert.deepEqual(no.filter((s) => setsSessionState(s)), []);
  });

  it('counts LOAD DATA and LOAD XML as data statements', () => {
    assert.deepEqual(["LOAD DATA INFILE 'x' INTO TABLE t", "LOAD XML INFILE 'x' INTO TABLE t"].map(statementKind), ['dml', 'dml']);
    assert.notEqual(statementKind('LOAD INDEX INTO CACHE t'), 'dml');
  });
});
