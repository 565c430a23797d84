// What the destructive rules (CG101-CG113, CG199) say about each kind of statement, word for word:
// the object and table they name, the clause they point at, and what to do. Every statement a rule
// cannot classify counts as destructive; every verb and ALTER TABLE clause that keeps every row does not.
import { strict as assert } from 'node:assert';
import { lintStatements } from '../src/core/lint/index.js';
import { classifyDestructive } from '../src/core/lint/rules/destructive.js';

const D = 'declare destructive: true so PROD is snapshotted first';
const unknown = (what: string) => `lint cannot tell what ${what} does to data, so it counts as destructive (any chance); ${D}, or replace it with the statements it runs`;

// Each destructive finding as `code@column message`.
function destructive(sql: string): string[] {
  return lintStatements([{ file: 'm/up.sql', line: 1, column: 1, sql }])
    .filter((d) => d.destructive)
    .map((d) => `${d.code}@${d.column} ${d.message}`);
}

const STATEMENTS: Array<[string, string[]]> = [
  ['WITH x AS (SELECT 1)', [`CG199@1 ${unknown('WITH')}`]],
  ['TRUNCATE TABLE t', [`CG102@1 TRUNCATE TABLE deletes every row of \`t\` and cannot be rolled back; ${D}, or DELETE with a WHERE clause if only some rows should go`]],
  ['UPDATE t SET a = 1', [`CG104@1 UPDATE overwrites values in \`t\`, and the old values are gone once it commits; ${D}`]],
  ['REPLACE INTO t VALUES (1)', [`CG105@1 REPLACE deletes every existing row of \`t\` that has the same primary or unique key as a new row, then inserts the new one; ${D}, or use INSERT (INSERT IGNORE to keep existing rows)`]],
  ['LOAD INDEX INTO CACHE t', []],
  ["LOAD DATA INFILE 'f' INTO TABLE t", []],
  ["LOAD DATA INFILE 'f' REPLACE INTO TABLE t", [`CG105@22 LOAD DATA ... REPLACE replaces existing rows of \`t\` that share a primary or unique key with a row of the file; ${D}, or use IGNORE to keep existing rows`]],
  ['REPAIR TABLE t', [`CG113@1 REPAIR TABLE \`t\` can drop rows it cannot read (and USE_FRM rebuilds the table from its definition); ${D}`]],
  ['REPAIR TABLE', [`CG113@1 REPAIR TABLE can drop rows it cannot read (and USE_FRM rebuilds the table from its definition); ${D}`]],
  ['EXPLAIN ANALYZE FORMAT=TREE DELETE FROM t', [`CG103@29 DELETE removes rows from \`t\`; ${D}`]],
  ['EXPLAIN DELETE FROM t', []],
  ['START TRANSACTION', []],
  ['START REPLICA', []],
  ['START SLAVE', []],
  ['START GROUP_REPLICATION', []],
  ['START FOO', [`CG199@1 ${unknown('START FOO')}`]],
  ['START', [`CG199@1 ${unknown('START')}`]],
  ['BEGIN', []],
  ['BEGIN WORK', []],
  ['BEGIN WORK x', [`CG199@1 ${unknown('BEGIN ... END')}`]],
  ['SELECT 1', []],
  ['FOO', [`CG199@1 ${unknown('FOO')}`]],
  ["DROP USER 'a'@'%', 'b'@'h'", [`CG101@1 DROP USER deletes 'a'@'%', 'b'@'h', and clients that log in as them fail; ${D}`]],
  ['DROP TABLE a, b', [`CG101@1 DROP TABLE deletes \`a\`, \`b\` and every row in them; ${D}`]],
  ['DROP TABLE IF EXISTS db.t', [`CG101@1 DROP TABLE deletes \`db\`.\`t\` and every row in it; ${D}`]],
  ['DROP SPATIAL REFERENCE SYSTEM 4120', [`CG101@1 DROP SPATIAL REFERENCE SYSTEM deletes spatial reference system 4120; ${D}`]],
  ['DROP TEMPORARY TABLE t', []],
  ['DROP PREPARE p', []],
  ['DROP FOO x', [`CG101@1 DROP FOO deletes foo \`x\`; ${D}`]],
  ['DROP TABLESPACE', [`CG101@1 DROP TABLESPACE deletes tablespace; ${D}`]],
  ['DROP VIEW a, b', [`CG101@1 DROP VIEW deletes \`a\`, \`b\`, and queries that read them fail; ${D}`]],
  ['DROP VIEW v', [`CG101@1 DROP VIEW deletes \`v\`, and queries that read it fail; ${D}`]],
  ['DROP DATABASE d', [`CG101@1 DROP DATABASE deletes schema \`d\` with every table and row in it; ${D}`]],
  ['DROP INDEX i ON t', [`CG101@1 DROP INDEX deletes index \`i\` on \`t\`: queries that use it slow down, and a UNIQUE index stops keeping values unique; ${D}`]],
  ['DROP PROCEDURE p', [`CG101@1 DROP PROCEDURE deletes \`p\`, and its callers fail; ${D}`]],
  ['DROP FUNCTION f', [`CG101@1 DROP FUNCTION deletes \`f\`, and its callers fail; ${D}`]],
  ['DROP TRIGGER tr', [`CG101@1 DROP TRIGGER deletes \`tr\`, and what it did on every write stops; ${D}`]],
  ['DROP EVENT e', [`CG101@1 DROP EVENT deletes \`e\`, and its scheduled work stops; ${D}`]],
  ['DROP ROLE r', [`CG101@1 DROP ROLE deletes \`r\` and the privileges it grants; ${D}`]],
  ['DROP USER u', [`CG101@1 DROP USER deletes \`u\`, and clients that log in as it fail; ${D}`]],
  ['CREATE FOO', [`CG199@1 ${unknown('CREATE FOO')}`]],
  ['CREATE OR REPLACE VIEW v AS SELECT 1', [`CG111@8 CREATE OR REPLACE VIEW replaces \`v\` if it exists, and its previous definition is lost; ${D}, or use CREATE VIEW (it fails when the object exists)`]],
  ['CREATE EVENT e ON SCHEDULE EVERY 1 DAY DO INSERT INTO t VALUES (1)', []],
  ['CREATE EVENT e ON SCHEDULE EVERY 1 DAY DO DELETE FROM t', [`CG112@43 CREATE EVENT \`e\` schedules DELETE, which the server runs on its own and which can change or delete data; ${D}, or run the data change as a statement of the change`]],
  // Incomplete statements (the server refuses them) still count, and say "the table".
  ['TRUNCATE TABLE', [`CG102@1 TRUNCATE TABLE deletes every row of the table and cannot be rolled back; ${D}, or DELETE with a WHERE clause if only some rows should go`]],
  ['UPDATE', [`CG104@1 UPDATE overwrites values in the table, and the old values are gone once it commits; ${D}`]],
  ['DELETE', [`CG103@1 DELETE removes rows from the table; ${D}`]],
  ['REPLACE', [`CG105@1 REPLACE deletes every existing row of the table that has the same primary or unique key as a new row, then inserts the new one; ${D}, or use INSERT (INSERT IGNORE to keep existing rows)`]],
  // Other forms: EXPLAIN ANALYZE runs the statement it explains; accounts and spatial systems as written.
  ['INSERT INTO t VALUES (1) ON DUPLICATE KEY UPDATE a = 1', [`CG105@26 INSERT ... ON DUPLICATE KEY UPDATE overwrites existing rows of \`t\` that share a primary or unique key with a new row; ${D}, or use INSERT (INSERT IGNORE to keep existing rows)`]],
  ["LOAD XML INFILE 'f' REPLACE INTO TABLE t", [`CG105@21 LOAD XML ... REPLACE replaces existing rows of \`t\` that share a primary or unique key with a row of the file; ${D}, or use IGNORE to keep existing rows`]],
  ['EXPLAIN ANALYZE DELETE FROM t', [`CG103@17 DELETE removes rows from \`t\`; ${D}`]],
  ['EXPLAIN FORMAT=TREE DELETE FROM t', []],
  ['EXPLAIN ANALYZE FORMAT = TREE UPDATE t SET a = 1', [`CG104@31 UPDATE overwrites values in \`t\`, and the old values are gone once it commits; ${D}`]],
  ['DROP USER `a`@`%`', [`CG101@1 DROP USER deletes \`a\`@\`%\`, and clients that log in as it fail; ${D}`]],
  ['DROP SPATIAL REFERENCE SYSTEM IF EXISTS 4120', [`CG101@1 DROP SPATIAL REFERENCE SYSTEM deletes spatial reference system 4120; ${D}`]],
  ['DROP INDEX i', [`CG101@1 DROP INDEX deletes index \`i\` on its table: queries that use it slow down, and a UNIQUE index stops keeping values unique; ${D}`]],
  ['CREATE', [`CG199@1 ${unknown('CREATE')}`]],
  ['RENAME', [`CG199@1 ${unknown('RENAME')}`]],
  ['ALTER OFFLINE TABLESPACE x', [`CG199@1 ${unknown('ALTER TABLESPACE')}`]],
  ['CREATE EVENT e ON SCHEDULE EVERY 1 DAY DO BEGIN INSERT INTO t VALUES (1); DELETE FROM t; END', [`CG112@75 CREATE EVENT \`e\` schedules DELETE, which the server runs on its own and which can change or delete data; ${D}, or run the data change as a statement of the change`]],
];

const ALTERS: Array<[string, string[]]> = [
  ['ALTER DATABASE d CHARACTER SET utf8mb4', [`CG109@7 ALTER DATABASE changes the schema's defaults (character set, collation, encryption, read-only): tables created later follow them; ${D}`]],
  ['ALTER SCHEMA d READ ONLY = 1', [`CG109@7 ALTER SCHEMA changes the schema's defaults (character set, collation, encryption, read-only): tables created later follow them; ${D}`]],
  ['ALTER USER u ACCOUNT LOCK', []],
  ['ALTER INSTANCE ROTATE INNODB MASTER KEY', []],
  ['ALTER VIEW v AS SELECT 1', [`CG111@7 ALTER VIEW replaces the definition of view \`v\`, and the previous one is lost; ${D}`]],
  ["ALTER PROCEDURE p COMMENT 'x'", [`CG111@7 ALTER PROCEDURE changes the characteristics of procedure \`p\`; ${D}`]],
  ["ALTER FUNCTION f COMMENT 'x'", [`CG111@7 ALTER FUNCTION changes the characteristics of function \`f\`; ${D}`]],
  ['ALTER EVENT e DISABLE', [`CG111@7 ALTER EVENT changes event \`e\` (its schedule, body, name or state); ${D}`]],
  ['ALTER ONLINE IGNORE TABLESPACE ts', [`CG199@1 ${unknown('ALTER TABLESPACE')}`]],
  ['ALTER', [`CG199@1 ${unknown('ALTER')}`]],
  ['ALTER TABLE t DROP PRIMARY KEY', [`CG106@15 ALTER TABLE \`t\` DROP PRIMARY KEY deletes the primary key: rows lose the key that identifies them and InnoDB rebuilds the table; ${D}`]],
  ['ALTER TABLE t DROP INDEX ix', [`CG106@15 ALTER TABLE \`t\` DROP INDEX \`ix\` deletes the index: queries that use it slow down, and a UNIQUE index stops keeping values unique; ${D}`]],
  ['ALTER TABLE t DROP KEY ix', [`CG106@15 ALTER TABLE \`t\` DROP KEY \`ix\` deletes the index: queries that use it slow down, and a UNIQUE index stops keeping values unique; ${D}`]],
  ['ALTER TABLE t DROP FOREIGN KEY fk', [`CG106@15 ALTER TABLE \`t\` DROP FOREIGN KEY \`fk\` deletes the constraint, and the data it guarded is no longer checked; ${D}`]],
  ['ALTER TABLE t DROP CONSTRAINT c1', [`CG106@15 ALTER TABLE \`t\` DROP CONSTRAINT \`c1\` deletes the constraint, and the data it guarded is no longer checked; ${D}`]],
  ['ALTER TABLE t DROP CHECK c1', [`CG106@15 ALTER TABLE \`t\` DROP CHECK \`c1\` deletes the constraint, and the data it guarded is no longer checked; ${D}`]],
  ['ALTER TABLE t DROP PARTITION p1', [`CG110@15 ALTER TABLE \`t\` DROP PARTITION deletes the partitions and every row in them; ${D}`]],
  ['ALTER TABLE t DROP COLUMN c', [`CG106@15 ALTER TABLE \`t\` DROP COLUMN \`c\` deletes the column and every value in it; ${D}, or stop using the column first and drop it in a later change`]],
  ['ALTER TABLE t DROP c', [`CG106@15 ALTER TABLE \`t\` DROP COLUMN \`c\` deletes the column and every value in it; ${D}, or stop using the column first and drop it in a later change`]],
  ['ALTER TABLE t CHANGE COLUMN a b INT', [`CG108@15 ALTER TABLE \`t\` CHANGE COLUMN \`a\` renames or redefines the column: a narrower type, a lossy character set or NOT NULL truncates or converts existing values, and lint cannot see the old definition; ${D}, or add a new column and copy the data`]],
  ['ALTER TABLE t CHANGE a b INT', [`CG108@15 ALTER TABLE \`t\` CHANGE COLUMN \`a\` renames or redefines the column: a narrower type, a lossy character set or NOT NULL truncates or converts existing values, and lint cannot see the old definition; ${D}, or add a new column and copy the data`]],
  ['ALTER TABLE t MODIFY COLUMN a BIGINT', [`CG108@15 ALTER TABLE \`t\` MODIFY COLUMN \`a\` redefines the column: a narrower type, a lossy character set or NOT NULL truncates or converts existing values, and lint cannot see the old definition; ${D}, or add a new column and copy the data`]],
  ['ALTER TABLE t MODIFY a BIGINT', [`CG108@15 ALTER TABLE \`t\` MODIFY COLUMN \`a\` redefines the column: a narrower type, a lossy character set or NOT NULL truncates or converts existing values, and lint cannot see the old definition; ${D}, or add a new column and copy the data`]],
  ['ALTER TABLE t RENAME COLUMN a TO b', [`CG107@15 ALTER TABLE \`t\` RENAME COLUMN \`a\` renames the column, and every statement that names it fails; ${D}, or add the new column, copy the data and drop the old one in a later change`]],
  ['ALTER TABLE t RENAME INDEX a TO b', [`CG107@15 ALTER TABLE \`t\` RENAME INDEX \`a\` renames the index, and hints and statements that name it fail; ${D}`]],
  ['ALTER TABLE t RENAME KEY a TO b', [`CG107@15 ALTER TABLE \`t\` RENAME KEY \`a\` renames the index, and hints and statements that name it fail; ${D}`]],
  ['ALTER TABLE t RENAME TO u', [`CG107@15 ALTER TABLE \`t\` RENAME TO \`u\` renames the table, and every statement that names the old name fails; ${D}`]],
  ['ALTER TABLE t RENAME AS u', [`CG107@15 ALTER TABLE \`t\` RENAME TO \`u\` renames the table, and every statement that names the old name fails; ${D}`]],
  ['ALTER TABLE t RENAME u', [`CG107@15 ALTER TABLE \`t\` RENAME TO \`u\` renames the table, and every statement that names the old name fails; ${D}`]],
  ['ALTER TABLE t CONVERT TO CHARACTER SET utf8mb4', [`CG109@15 ALTER TABLE \`t\` CONVERT TO CHARACTER SET rewrites every text column: characters the new set cannot hold are lost, and column types can change; ${D}`]],
  ['ALTER TABLE t ALTER COLUMN c SET DEFAULT 1', []],
  ['ALTER TABLE t ALTER c DROP DEFAULT', []],
  ['ALTER TABLE t ALTER INDEX i INVISIBLE', []],
  ['ALTER TABLE t ALTER INDEX i VISIBLE', []],
  ['ALTER TABLE t ALTER COLUMN c SET INVISIBLE', []],
  ['ALTER TABLE t ALTER COLUMN c SET VISIBLE', []],
  ['ALTER TABLE t ALTER CHECK c NOT ENFORCED', []],
  ['ALTER TABLE t ALTER CONSTRAINT c ENFORCED', []],
  ['ALTER TABLE t ALTER COLUMN c SET NULL', [`CG199@15 ${unknown('ALTER TABLE `t` ALTER COLUMN c SET')}`]],
  ['ALTER TABLE t ALTER COLUMN c DROP NOT NULL', [`CG199@15 ${unknown('ALTER TABLE `t` ALTER COLUMN c DROP')}`]],
  ['ALTER TABLE t ALTER c NOT NULL', [`CG199@15 ${unknown('ALTER TABLE `t` ALTER c NOT NULL')}`]],
  ['ALTER TABLE t ALTER c FOO DEFAULT', [`CG199@15 ${unknown('ALTER TABLE `t` ALTER c FOO DEFAULT')}`]],
  ['ALTER TABLE t DISCARD TABLESPACE', [`CG110@15 ALTER TABLE \`t\` DISCARD TABLESPACE deletes the tablespace file and every row in it; ${D}`]],
  ['ALTER TABLE t DISCARD PARTITION p TABLESPACE', [`CG110@15 ALTER TABLE \`t\` DISCARD PARTITION deletes the tablespace file of the partitions and every row in it; ${D}`]],
  ['ALTER TABLE t IMPORT TABLESPACE', [`CG110@15 ALTER TABLE \`t\` IMPORT TABLESPACE replaces the data with an imported tablespace file; ${D}`]],
  ['ALTER TABLE t IMPORT PARTITION p TABLESPACE', [`CG110@15 ALTER TABLE \`t\` IMPORT PARTITION replaces the data of the partitions with an imported tablespace file; ${D}`]],
  ['ALTER TABLE t TRUNCATE PARTITION p', [`CG110@15 ALTER TABLE \`t\` TRUNCATE PARTITION deletes every row in the partitions; ${D}`]],
  ['ALTER TABLE t REORGANIZE PARTITION p INTO (PARTITION q VALUES LESS THAN (10))', [`CG110@15 ALTER TABLE \`t\` REORGANIZE PARTITION rewrites the partitions and moves their rows; ${D}`]],
  ['ALTER TABLE t COALESCE PARTITION 2', [`CG110@15 ALTER TABLE \`t\` COALESCE PARTITION merges partitions and rewrites their rows; ${D}`]],
  ['ALTER TABLE t EXCHANGE PARTITION p WITH TABLE t2', [`CG110@15 ALTER TABLE \`t\` EXCHANGE PARTITION swaps the rows of a partition with the rows of table \`t2\`; ${D}`]],
  ['ALTER TABLE t REMOVE PARTITIONING', [`CG110@15 ALTER TABLE \`t\` REMOVE PARTITIONING rewrites the table without partitions; ${D}`]],
  ['ALTER TABLE t REPAIR PARTITION p', [`CG110@15 ALTER TABLE \`t\` REPAIR PARTITION can drop rows it cannot read; ${D}`]],
  ['ALTER TABLE t ENGINE=InnoDB', [`CG109@15 ALTER TABLE \`t\` ENGINE=InnoDB rebuilds the table in that storage engine, and an engine without transactions (or MEMORY, BLACKHOLE) can lose rows; ${D}`]],
  ['ALTER TABLE t ENGINE InnoDB', [`CG109@15 ALTER TABLE \`t\` ENGINE=InnoDB rebuilds the table in that storage engine, and an engine without transactions (or MEMORY, BLACKHOLE) can lose rows; ${D}`]],
  ['ALTER TABLE t DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin', [`CG109@15 ALTER TABLE \`t\` changes the table's default character set or collation: every column defined without its own follows it, so text written later is converted and compared differently; ${D}`]],
  ['ALTER TABLE t CHARACTER SET utf8mb4 COLLATE utf8mb4_bin', [`CG109@15 ALTER TABLE \`t\` changes the table's default character set or collation: every column defined without its own follows it, so text written later is converted and compared differently; ${D}`]],
  ['ALTER TABLE t COLLATE utf8mb4_bin', [`CG109@15 ALTER TABLE \`t\` changes the table's default character set or collation: every column defined without its own follows it, so text written later is converted and compared differently; ${D}`]],
  ["ALTER TABLE t COMMENT = 'x', AUTO_INCREMENT = 5", []],
  ['ALTER TABLE t FOO', [`CG199@15 ${unknown('ALTER TABLE `t` FOO')}`]],
  ['ALTER TABLE t ALGORITHM=INPLACE, LOCK=NONE, FORCE', []],
  ['RENAME TABLE a TO b, c TO d', [`CG107@1 RENAME TABLE renames \`a\` to \`b\`, \`c\` to \`d\`, and every statement that names the old name fails; ${D}`]],
  ['RENAME USER a TO b', [`CG107@1 RENAME USER renames an account, and clients that log in as the old name fail; ${D}`]],
  ['RENAME FOO', [`CG199@1 ${unknown('RENAME FOO')}`]],
];

describe('lint: what each destructive rule says', () => {
  for (const [sql, expected] of STATEMENTS) {
    it(sql, () => {
      assert.deepEqual(destructive(sql), expected);
    });
  }
});

describe('lint: what each destructive rule says about ALTER and RENAME', () => {
  for (const [sql, expected] of ALTERS) {
    it(sql, () => {
      assert.deepEqual(destructive(sql), expected);
    });
  }
});

describe('lint: statements that keep every row', () => {
  it('finds nothing in a statement without tokens', () => {
    assert.deepEqual(classifyDestructive([]), []);
  });

  // Reads, session, lock, transaction, account and server statements (other rules flag the ones that
  // do not belong in a change), and OPTIMIZE, an InnoDB rebuild that keeps every row.
  const HARMLESS = [
    'SELECT 1', 'VALUES ROW(1)', 'TABLE t', 'SET @a = 1', 'SHOW TABLES', 'USE d', 'LOCK TABLES t READ', 'UNLOCK TABLES',
    'GRANT SELECT ON t TO r', 'REVOKE SELECT ON t FROM r', 'COMMIT', 'ROLLBACK', 'SAVEPOINT s', 'RELEASE SAVEPOINT s',
    "XA START 'x'", 'DO 1', 'DEALLOCATE PREPARE p', 'FLUSH TABLES', "HELP 'x'", 'ANALYZE TABLE t', 'CHECK TABLE t',
    'CHECKSUM TABLE t', 'CACHE INDEX t IN c', "SIGNAL SQLSTATE '45000'", "RESIGNAL SQLSTATE '45000'", 'GET DIAGNOSTICS @n = NUMBER',
    'KILL 1', 'RESET MASTER', 'PURGE BINARY LOGS BEFORE NOW()', 'SHUTDOWN', 'RESTART', "INSTALL PLUGIN p SONAME 'p.so'",
    'UNINSTALL PLUGIN p', 'STOP REPLICA', "CHANGE REPLICATION SOURCE TO SOURCE_HOST = 'h'", 'OPTIMIZE TABLE t',
    // ALTER TABLE clauses that keep every row and value: additions, online DDL options, rebuilds, repartitioning.
    'ALTER TABLE t ADD COLUMN c INT, ALGORITHM = INSTANT, LOCK = NONE', 'ALTER TABLE t FORCE', 'ALTER TABLE t ORDER BY a',
    'ALTER TABLE t DISABLE KEYS', 'ALTER TABLE t ENABLE KEYS', 'ALTER TABLE t WITH VALIDATION', 'ALTER TABLE t WITHOUT VALIDATION',
    'ALTER TABLE t ANALYZE PARTITION p', 'ALTER TABLE t CHECK PARTITION p', 'ALTER TABLE t OPTIMIZE PARTITION p',
    'ALTER TABLE t REBUILD PARTITION p', 'ALTER TABLE t UPGRADE PARTITIONING', 'ALTER TABLE t PARTITION BY HASH (id) PARTITIONS 4',
    // Table options other than the engine and the default character set or collation.
    'ALTER TABLE t AUTO_INCREMENT = 5', 'ALTER TABLE t AVG_ROW_LENGTH = 5', 'ALTER TABLE t CHECKSUM = 1', "ALTER TABLE t COMMENT = 'x'",
    "ALTER TABLE t COMPRESSION = 'zlib'", "ALTER TABLE t CONNECTION = 'x'", "ALTER TABLE t DATA DIRECTORY = '/d'", 'ALTER TABLE t DELAY_KEY_WRITE = 1',
    "ALTER TABLE t ENCRYPTION = 'Y'", 'ALTER TABLE t INSERT_METHOD = LAST', 'ALTER TABLE t KEY_BLOCK_SIZE = 8', 'ALTER TABLE t MAX_ROWS = 5',
    'ALTER TABLE t MIN_ROWS = 5', 'ALTER TABLE t PACK_KEYS = 1', "ALTER TABLE t PASSWORD = 'x'", 'ALTER TABLE t ROW_FORMAT = DYNAMIC',
    'ALTER TABLE t STATS_AUTO_RECALC = 1', 'ALTER TABLE t STATS_PERSISTENT = 1', 'ALTER TABLE t STATS_SAMPLE_PAGES = 8',
    'ALTER TABLE t TABLESPACE ts', 'ALTER TABLE t UNION = (a, b)', 'ALTER TABLE t SECONDARY_ENGINE = x', "ALTER TABLE t SECONDARY_ENGINE_ATTRIBUTE = '{}'",
    "ALTER TABLE t ENGINE_ATTRIBUTE = '{}'", "ALTER TABLE t AUTOEXTEND_SIZE = '4M'", 'ALTER TABLE t SECONDARY_LOAD', 'ALTER TABLE t SECONDARY_UNLOAD',
    "ALTER TABLE t INDEX DIRECTORY = '/d'", 'ALTER TABLE t STORAGE DISK',
  ];
  it('finds nothing destructive in reads, session and server statements, or ALTER TABLE clauses that keep every row', () => {
    assert.deepEqual(HARMLESS.filter((sql) => destructive(sql).length > 0), []);
  });

  // An event body that can change or delete data makes creating the event destructive; INSERT only adds rows.
  const BODIES = ['DELETE FROM t', 'UPDATE t SET a = 1', 'REPLACE INTO t VALUES (1)', 'TRUNCATE t', 'DROP TABLE t', 'ALTER TABLE t FORCE',
    'RENAME TABLE t TO u', 'CALL p()', 'EXECUTE s', "PREPARE s FROM 'x'", "LOAD DATA INFILE 'f' INTO TABLE t"];
  it('flags CREATE EVENT at the first word of a body that can change or delete data', () => {
    assert.deepEqual(
      BODIES.map((body) => destructive(`CREATE EVENT e ON SCHEDULE EVERY 1 DAY DO ${body}`).map((f) => f.slice(0, f.indexOf(','))).join()),
      BODIES.map((body) => `CG112@43 CREATE EVENT \`e\` schedules ${body.split(' ')[0]}`),
    );
  });
});
