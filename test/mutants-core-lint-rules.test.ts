// What the rules about a change's own safety say, word for word, and where they look: CG201 (a NOT
// NULL column added without a DEFAULT), CG208 (a storage engine without transactions), CG210
// (transaction control), CG211 (server administration), CG213 (session settings that switch a
// safety check off) and CG302 (a table without a primary key).
import { strict as assert } from 'node:assert';
import { lintStatements } from '../src/core/lint/index.js';

// The findings of these rules as `code@column message` (CG202 and CG301 have their own tests).
function findings(sql: string): string[] {
  return lintStatements([{ file: 'm/up.sql', line: 1, column: 1, sql }])
    .filter((d) => !d.destructive && d.code !== 'CG202' && d.code !== 'CG301')
    .map((d) => `${d.code}@${d.column} ${d.message}`);
}

const notNull = (table: string, column: string) =>
  `ALTER TABLE ${table} ADD COLUMN ${column} is NOT NULL without a DEFAULT: existing rows get the type's implicit default (0, '' or a zero date, which strict mode rejects, failing the ALTER); ` +
  'give the column an explicit DEFAULT, or add it NULL, backfill it, and make it NOT NULL in a later change';
const txn = (head: string) =>
  `${head} controls the transaction in which changegate records each data statement's progress, so a crash could make a rerun repeat or skip statements; remove it: changegate commits after every statement itself`;
const admin = (head: string) => `${head} acts on the whole server, not on the schema this change runs in (and Aurora allows little of it); run server administration outside changegate`;
const noKey = (name: string) =>
  `CREATE TABLE ${name} has no PRIMARY KEY: InnoDB then clusters rows on a hidden key, and row-based replication, online schema change tools and any fix of a single row need a real one; add a PRIMARY KEY`;
const engine = (table: string, name: string) =>
  `CREATE TABLE ${table} uses ENGINE=${name}, which has no transactions (and Aurora MySQL supports only InnoDB): a data statement on it cannot be rolled back, so changegate cannot apply it exactly once; use ENGINE=InnoDB or leave ENGINE out`;
const FOREIGN_KEYS = 'SET foreign_key_checks = 0 turns off foreign key checks for the rest of the session, so later statements can store rows that break foreign keys; keep the checks on and order the statements so that parent rows exist first';
const UNIQUE = 'SET unique_checks = 0 lets InnoDB skip uniqueness checks of secondary indexes for the rest of the session, so duplicates can be stored; keep it on';
const LOG_BIN = 'SET sql_log_bin = 0 keeps the statements after it out of the binary log, so binlog replicas and point-in-time recovery never see them; remove it';
const SQL_MODE = "SET sql_mode changes how the statements after it treat invalid and out-of-range data (outside strict mode they are stored truncated, with only a warning); remove it so every environment applies the change under the server's mode";

const CASES: Array<[string, string[]]> = [
  ['ALTER TABLE t ADD COLUMN (a INT NOT NULL, b INT), ALGORITHM=INSTANT', [`CG201@27 ${notNull('`t`', '`a`')}`]],
  ['ALTER TABLE t ADD (`a` INT NOT NULL), ALGORITHM=INSTANT', [`CG201@20 ${notNull('`t`', '`a`')}`]],
  ['ALTER TABLE t ADD PARTITION (PARTITION p VALUES LESS THAN (10))', []],
  ['ALTER TABLE t ADD CHECK (a IS NOT NULL)', []],
  ['ALTER TABLE t ADD COLUMN a INT CHECK (a IS NOT NULL), ALGORITHM=INSTANT', []],
  ['ALTER TABLE t ADD COLUMN a INT NULL, ALGORITHM=INSTANT', []],
  ['CREATE TABLE k (id INT PRIMARY KEY, a INT NOT NULL)', []],
  ['SET LOCAL autocommit = 0', [`CG210@1 ${txn('SET autocommit')}`]],
  ['SET @@local.autocommit = 0', [`CG210@1 ${txn('SET autocommit')}`]],
  ['SET x = 1, SESSION autocommit = 0', [`CG210@1 ${txn('SET autocommit')}`]],
  ['COMMIT', [`CG210@1 ${txn('COMMIT')}`]],
  ['RELEASE', []],
  ['START', []],
  ['SET @x = autocommit', []],
  ['SET foreign_key_checks := 0', [`CG213@5 ${FOREIGN_KEYS}`]],
  ["SET unique_checks = 'OFF'", [`CG213@5 ${UNIQUE}`]],
  ['SET sql_log_bin = FALSE', [`CG213@5 ${LOG_BIN}`]],
  ['SET LOCAL foreign_key_checks = 0', [`CG213@5 ${FOREIGN_KEYS}`]],
  ['SET @@local.unique_checks = 0', [`CG213@5 ${UNIQUE}`]],
  ["SET sql_mode = ''", [`CG213@5 ${SQL_MODE}`]],
  ['SET @a = IF(1, 2, 3), unique_checks = 0', [`CG213@23 ${UNIQUE}`]],
  ['SET foreign_key_checks', []],
  ['SET @a = (SELECT foreign_key_checks), b = 1', []],
  ['CREATE TABLE IF NOT EXISTS k (id INT)', [`CG302@1 ${noKey('`k`')}`]],
  ['CREATE TABLE db.k (id INT)', [`CG302@1 ${noKey('`db`.`k`')}`]],
  ['CREATE TABLE k (id SERIAL)', []],
  ['CREATE TABLE k (LIKE t)', []],
  ['CREATE TABLE k (SELECT 1 AS id)', []],
  ["CREATE TABLE m (id INT PRIMARY KEY) ENGINE = 'MyISAM'", [`CG208@37 ${engine('`m`', 'MyISAM')}`]],
  ['CREATE TABLE m (id INT PRIMARY KEY) ENGINE=InnoDB', []],
  ['CREATE TABLE m (id INT PRIMARY KEY) ENGINE', []],
  ['CREATE TABLE m (id INT PRIMARY KEY) ENGINE=MEMORY, ENGINE=MyISAM', [`CG208@37 ${engine('`m`', 'MEMORY')}`]],
  ['CREATE VIEW v AS SELECT 1 AS engine', []],
  ['UPDATE t SET engine = 1 WHERE id = 1', []],
  ['FLUSH TABLES', [`CG211@1 ${admin('FLUSH')}`]],
  ["CHANGE MASTER TO MASTER_HOST = 'h'", [`CG211@1 ${admin('CHANGE MASTER')}`]],
  ['STOP GROUP_REPLICATION', [`CG211@1 ${admin('STOP GROUP_REPLICATION')}`]],
  ['LOAD INDEX INTO CACHE t', [`CG211@1 ${admin('LOAD INDEX')}`]],
  ['ALTER INSTANCE ROTATE INNODB MASTER KEY', [`CG211@1 ${admin('ALTER INSTANCE')}`]],
  ['CHANGE COLUMN x', []],
  ['START TRANSACTION', [`CG210@1 ${txn('START TRANSACTION')}`]],
  ["XA COMMIT 'x'", [`CG210@1 ${txn('XA')}`]],
  ['RELEASE SAVEPOINT s', [`CG210@1 ${txn('RELEASE SAVEPOINT')}`]],
  // CG201 is about added columns only, each of a parenthesised list, split at its own commas.
  ['ALTER TABLE t MODIFY a INT NOT NULL, ALGORITHM=INPLACE', []],
  ['ALTER TABLE t ADD COLUMN (a INT, b INT NOT NULL, c INT NOT NULL DEFAULT 0), ALGORITHM=INSTANT', [`CG201@34 ${notNull('`t`', '`b`')}`]],
  ['ALTER TABLE t ADD COLUMN (a DECIMAL(10, 2) NOT NULL), ALGORITHM=INSTANT', [`CG201@27 ${notNull('`t`', '`a`')}`]],
  // Reading a setting, or a column named engine in a view, is none of these.
  ['SELECT @@sql_mode', []],
  ['CREATE VIEW v AS SELECT engine FROM t', []],
  ['ALTER VIEW v AS SELECT engine FROM t', []],
];

describe('lint: what the rules about a change\'s own safety say', () => {
  for (const [sql, expected] of CASES) {
    it(sql, () => {
      assert.deepEqual(findings(sql), expected);
    });
  }
});
