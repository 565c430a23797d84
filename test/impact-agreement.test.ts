// The impact rules against the server itself. For each case the test builds the table on the running
// server (empty), reads its facts from information_schema, asks the rules, then tries the statement
// with ALGORITHM=INSTANT, then INPLACE with LOCK=NONE, SHARED, EXCLUSIVE, then COPY with SHARED and
// EXCLUSIVE: the first the server accepts is the truth. Whether it rebuilt the table is read from
// InnoDB's table id (information_schema.INNODB_TABLES on MySQL, INNODB_SYS_TABLES on MariaDB): a
// rebuild or copy creates a new table and so a new id; instant and in-place-without-rebuild keep it.
// The facts come from the production adapter (src/adapters/mysql/facts.ts), so a fact it misreads
// fails here as a disagreement. Statements that state ALGORITHM/LOCK run as written: the rules must say whether the server accepts
// them (null when it refuses) and whether they rebuild.
import assert from 'node:assert/strict';
import mysql from 'mysql2/promise';
import { parseDdl } from '../src/core/impact/ddl.js';
import { decideImpact } from '../src/core/impact/rules.js';
import type { ImpactDecision, ServerFacts } from '../src/core/impact/types.js';
import { parseTargetUrl } from '../src/adapters/mysql/connect.js';
import { openConnection, type MysqlConnection } from '../src/adapters/mysql/connection.js';
import { readTableFacts } from '../src/adapters/mysql/facts.js';
import { getServer, type TestServer } from './helpers/mysql-server.js';

type Algo = 'instant' | 'inplace' | 'copy';
type Lock = 'none' | 'shared' | 'exclusive';

const BASE = `CREATE TABLE t (
  id INT NOT NULL PRIMARY KEY,
  a VARCHAR(10),
  b INT,
  c INT NOT NULL DEFAULT 0,
  n VARCHAR(50) NULL,
  l VARCHAR(100) CHARACTER SET latin1,
  l2 VARCHAR(200) CHARACTER SET latin1,
  m VARCHAR(60) CHARACTER SET utf8mb3,
  d DECIMAL(10,2),
  tx TEXT,
  e ENUM('x','y'),
  si SMALLINT,
  KEY kb (b),
  KEY ka (a)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`;
const GENERATED = 'CREATE TABLE t (id INT NOT NULL PRIMARY KEY, b INT, c INT NOT NULL DEFAULT 0, gs INT AS (c + 1) STORED, gv INT AS (c + 2) VIRTUAL) ENGINE=InnoDB';
/** The base table after `n` instant ADD COLUMNs: n row versions on MySQL 8.0.29+ (MariaDB has no such count). */
const versions = (n: number): string[] => [NO_PK, ...Array.from({ length: n }, (_, i) => `ALTER TABLE t ADD COLUMN v${i} INT`)];
const SETS = "CREATE TABLE t (id INT NOT NULL PRIMARY KEY, s SET('a','b','c','d','e','f','g'), vb VARBINARY(100)) ENGINE=InnoDB";
const ONE_ROW = 'INSERT INTO t (id) VALUES (1)';
const COMPOSITE = 'CREATE TABLE t (id INT NOT NULL PRIMARY KEY, b INT, c INT, d INT, KEY kbc (b, c)) ENGINE=InnoDB';
const MEMBERS = (n: number): string => Array.from({ length: n }, (_, i) => `'v${i}'`).join(',');
const BIG_ENUM = `CREATE TABLE t (id INT NOT NULL PRIMARY KEY, e ENUM(${MEMBERS(255)})) ENGINE=InnoDB`;
const INDEXED_MB3 = 'CREATE TABLE t (id INT NOT NULL PRIMARY KEY, m VARCHAR(60) CHARACTER SET utf8mb3, KEY km (m)) ENGINE=InnoDB';
const PARTITIONED = "CREATE TABLE t (id INT NOT NULL, b INT, c INT NOT NULL DEFAULT 0, a VARCHAR(10), PRIMARY KEY (id), KEY kb (b)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 PARTITION BY HASH(id) PARTITIONS 3";
const AUTO_ID = 'CREATE TABLE t (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, b INT, c INT NOT NULL DEFAULT 0) ENGINE=InnoDB';
const NO_PK = 'CREATE TABLE t (id INT NOT NULL, b INT, c INT NOT NULL DEFAULT 0) ENGINE=InnoDB';
const FULLTEXT = 'CREATE TABLE t (id INT NOT NULL PRIMARY KEY, a VARCHAR(100), n VARCHAR(100), c INT, FULLTEXT KEY ft1 (a)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4';
const FULLTEXT_SETUP = [FULLTEXT];
const GEO = 'CREATE TABLE t (id INT NOT NULL PRIMARY KEY, g POINT NOT NULL) ENGINE=InnoDB';
const PARENT = 'CREATE TABLE p (id INT NOT NULL PRIMARY KEY) ENGINE=InnoDB';
const WITH_FK = 'CREATE TABLE t (id INT NOT NULL PRIMARY KEY, b INT, KEY kb (b), CONSTRAINT fk_b FOREIGN KEY (b) REFERENCES p (id)) ENGINE=InnoDB';
const COMPRESSED = 'CREATE TABLE t (id INT NOT NULL PRIMARY KEY, b INT) ENGINE=InnoDB ROW_FORMAT=COMPRESSED KEY_BLOCK_SIZE=8';

/**
 * One case: the table(s) to build and the statement; `refused` names the servers that refuse it
 * whatever the algorithm; `rulesUnknown` marks what the rules deliberately leave unknown (null, which
 * counts as blocking): the server's answer is recorded, and the rules must say null.
 */
interface Case {
  sql: string;
  setup?: string[];
  refused?: Array<'mysql' | 'mariadb'>;
  rulesUnknown?: boolean;
  /** A shorter name for the test title than the statement. */
  title?: string;
}

// Statements without ALGORITHM/LOCK: the ladder finds the truth.
const LADDER: Case[] = [
  // ADD COLUMN
  { sql: 'ALTER TABLE t ADD COLUMN z INT' },
  { sql: 'ALTER TABLE t ADD COLUMN z INT FIRST' },
  { sql: 'ALTER TABLE t ADD COLUMN z INT AFTER a' },
  { sql: 'ALTER TABLE t ADD COLUMN z INT NOT NULL' },
  { sql: 'ALTER TABLE t ADD COLUMN z INT NOT NULL DEFAULT 5' },
  { sql: "ALTER TABLE t ADD COLUMN z VARCHAR(20) NOT NULL DEFAULT 'none'" },
  { sql: 'ALTER TABLE t ADD COLUMN z INT DEFAULT (1 + 1)' },
  { sql: 'ALTER TABLE t ADD COLUMN z DOUBLE DEFAULT (RAND())', refused: ['mysql'] },
  // A default that reads another column, or that MariaDB deems nondeterministic (UUID(), SYSDATE()),
  // is computed row by row: both servers copy. Other expressions MariaDB adds instantly.
  { sql: 'ALTER TABLE t ADD COLUMN z INT NULL DEFAULT (a + 1)' },
  { sql: 'ALTER TABLE t ADD COLUMN z INT DEFAULT (`b`) AFTER id' },
  { sql: 'ALTER TABLE t ADD COLUMN z VARCHAR(40) DEFAULT (UUID())', refused: ['mysql'] },
  { sql: 'ALTER TABLE t ADD COLUMN z DATETIME DEFAULT (NOW() + INTERVAL 1 DAY)' },
  { sql: 'ALTER TABLE t ADD COLUMN z JSON' },
  { sql: 'ALTER TABLE t ADD COLUMN z INT AS (b + 1) VIRTUAL' },
  { sql: 'ALTER TABLE t ADD COLUMN z INT AS (b + 1) STORED' },
  { sql: 'ALTER TABLE t ADD COLUMN z DATETIME NOT NULL' },
  { sql: 'ALTER TABLE t ADD COLUMN z DATE NOT NULL' },
  { sql: "ALTER TABLE t ADD COLUMN z DATETIME NOT NULL DEFAULT '2000-01-01 00:00:00'" },
  { sql: 'ALTER TABLE t ADD COLUMN z TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP' },
  { sql: 'ALTER TABLE t ADD COLUMN z INT NOT NULL AUTO_INCREMENT UNIQUE' },
  { sql: 'ALTER TABLE t ADD COLUMN z INT UNIQUE' },
  { sql: 'ALTER TABLE t ADD COLUMN z INT', setup: [FULLTEXT] },
  { sql: 'ALTER TABLE t ADD COLUMN z INT', setup: [COMPRESSED] },
  { sql: 'ALTER TABLE t ADD COLUMN z INT', setup: versions(63) },
  { sql: 'ALTER TABLE t ADD COLUMN z INT', setup: versions(64) },
  { sql: 'ALTER TABLE t ADD COLUMN z INT', setup: versions(255) },
  { sql: "ALTER TABLE t ADD COLUMN z INT NULL COMMENT 'why'" },
  { sql: "ALTER TABLE t ADD COLUMN z SET('a','b') NOT NULL DEFAULT 'a' AFTER id" },
  // DROP / RENAME / CHANGE COLUMN
  { sql: 'ALTER TABLE t DROP COLUMN si' },
  { sql: 'ALTER TABLE t DROP COLUMN b' },
  { sql: 'ALTER TABLE t DROP COLUMN c', setup: [COMPOSITE] },
  { sql: 'ALTER TABLE t RENAME COLUMN c TO c2', setup: [COMPOSITE] },
  { sql: 'ALTER TABLE t RENAME COLUMN b TO b2', setup: [PARENT, WITH_FK] },
  { sql: 'ALTER TABLE t DROP COLUMN gs', setup: [GENERATED] },
  { sql: 'ALTER TABLE t DROP COLUMN gv', setup: [GENERATED] },
  { sql: 'ALTER TABLE t MODIFY b INT NOT NULL', setup: [GENERATED] },
  { sql: 'ALTER TABLE t MODIFY c INT NULL DEFAULT 0', setup: [GENERATED] },
  { sql: 'ALTER TABLE t ADD COLUMN z INT', setup: [GENERATED] },
  // c is read by both generated columns: MySQL refuses to rename or drop it, MariaDB only to drop it.
  { sql: 'ALTER TABLE t RENAME COLUMN c TO c2', setup: [GENERATED], refused: ['mysql'] },
  { sql: 'ALTER TABLE t CHANGE c c2 INT NOT NULL DEFAULT 0', setup: [GENERATED], refused: ['mysql'] },
  { sql: 'ALTER TABLE t DROP COLUMN c', setup: [GENERATED], refused: ['mysql', 'mariadb'] },
  { sql: 'ALTER TABLE t MODIFY c INT NOT NULL DEFAULT 5', setup: [GENERATED] },
  { sql: 'ALTER TABLE t DROP COLUMN gs, DROP COLUMN gv, DROP COLUMN c', setup: [GENERATED] },
  { sql: 'ALTER TABLE t RENAME COLUMN b TO b2', setup: [GENERATED] },
  { sql: 'ALTER TABLE t DROP COLUMN n', setup: [FULLTEXT] },
  // The last FULLTEXT index dropped: InnoDB keeps its hidden FTS_DOC_ID until a rebuild.
  { sql: 'ALTER TABLE t ADD COLUMN z INT', setup: [FULLTEXT, 'ALTER TABLE t DROP INDEX ft1'] },
  { sql: 'ALTER TABLE t DROP COLUMN n', setup: [FULLTEXT, 'ALTER TABLE t DROP INDEX ft1'] },
  { sql: 'ALTER TABLE t ADD COLUMN z INT', setup: [FULLTEXT, 'ALTER TABLE t DROP INDEX ft1', 'ALTER TABLE t FORCE'] },
  { sql: 'ALTER TABLE t RENAME COLUMN si TO si2' },
  { sql: 'ALTER TABLE t RENAME COLUMN b TO b2' },
  { sql: 'ALTER TABLE t CHANGE si si SMALLINT' },
  { sql: 'ALTER TABLE t CHANGE si si2 SMALLINT' },
  { sql: 'ALTER TABLE t CHANGE b b2 INT' },
  { sql: 'ALTER TABLE t ALTER COLUMN c SET DEFAULT 7' },
  { sql: 'ALTER TABLE t ALTER COLUMN c DROP DEFAULT' },
  // indexes
  { sql: 'ALTER TABLE t ADD INDEX kc (c)' },
  { sql: 'ALTER TABLE t ADD UNIQUE KEY uc (c)' },
  { sql: 'ALTER TABLE t ADD INDEX kan (a(5), n)' },
  { sql: 'CREATE INDEX kc ON t (c)' },
  { sql: 'CREATE UNIQUE INDEX uc ON t (c, b)' },
  { sql: 'ALTER TABLE t DROP INDEX kb' },
  { sql: 'DROP INDEX kb ON t' },
  { sql: 'ALTER TABLE t DROP INDEX kb, ADD INDEX kb (b, c)' },
  { sql: 'ALTER TABLE t RENAME INDEX kb TO kb2' },
  { sql: 'ALTER TABLE t ALTER INDEX kb INVISIBLE', refused: ['mariadb'] },
  { sql: 'ALTER TABLE t ADD FULLTEXT INDEX ft (a)' },
  { sql: 'ALTER TABLE t ADD FULLTEXT INDEX ft2 (n)', setup: [FULLTEXT] },
  { sql: 'ALTER TABLE t DROP INDEX ft1', setup: [FULLTEXT] },
  { sql: 'ALTER TABLE t ADD SPATIAL INDEX sg (g)', setup: [GEO] },
  // column types
  { sql: 'ALTER TABLE t MODIFY a VARCHAR(63)' },
  { sql: 'ALTER TABLE t MODIFY a VARCHAR(64)' },
  { sql: 'ALTER TABLE t MODIFY n VARCHAR(63)' },
  { sql: 'ALTER TABLE t MODIFY n VARCHAR(100)' },
  { sql: 'ALTER TABLE t MODIFY l VARCHAR(255) CHARACTER SET latin1' },
  { sql: 'ALTER TABLE t MODIFY l VARCHAR(300) CHARACTER SET latin1' },
  { sql: 'ALTER TABLE t MODIFY l2 VARCHAR(300) CHARACTER SET latin1' },
  { sql: 'ALTER TABLE t MODIFY m VARCHAR(85) CHARACTER SET utf8mb3' },
  { sql: 'ALTER TABLE t MODIFY m VARCHAR(86) CHARACTER SET utf8mb3' },
  { sql: 'ALTER TABLE t MODIFY a VARCHAR(5)' },
  { sql: 'ALTER TABLE t MODIFY b BIGINT' },
  { sql: 'ALTER TABLE t MODIFY si INT' },
  { sql: 'ALTER TABLE t MODIFY b INT UNSIGNED' },
  { sql: 'ALTER TABLE t MODIFY d DECIMAL(12,2)' },
  { sql: 'ALTER TABLE t MODIFY d DECIMAL(10,4)' },
  { sql: 'ALTER TABLE t MODIFY tx MEDIUMTEXT' },
  { sql: 'ALTER TABLE t MODIFY n TEXT' },
  { sql: 'ALTER TABLE t MODIFY b INT NOT NULL' },
  { sql: 'ALTER TABLE t MODIFY c INT NULL DEFAULT 0' },
  { sql: "ALTER TABLE t MODIFY e ENUM('x','y','z')" },
  { sql: "ALTER TABLE t MODIFY e ENUM('y','x')" },
  { sql: "ALTER TABLE t MODIFY e ENUM('x')" },
  { sql: "ALTER TABLE t MODIFY e ENUM('x','y','z') NOT NULL" },
  { sql: 'ALTER TABLE t CHANGE b b2 BIGINT' },
  { sql: 'ALTER TABLE t MODIFY d DECIMAL(10,2) NOT NULL DEFAULT 0' },
  { sql: "ALTER TABLE t MODIFY s SET('a','b','c','d','e','f','g','h')", setup: [SETS] },
  { sql: "ALTER TABLE t MODIFY s SET('a','b','c','d','e','f','g','h','i')", setup: [SETS] },
  { sql: `ALTER TABLE t MODIFY e ENUM(${MEMBERS(256)})`, setup: [BIG_ENUM], title: "ALTER TABLE t MODIFY e ENUM('v0', ..., 'v255') (255 → 256 members)" },
  { sql: 'ALTER TABLE t MODIFY m VARCHAR(60) CHARACTER SET utf8mb4', setup: [INDEXED_MB3] },
  { sql: 'ALTER TABLE t MODIFY vb VARBINARY(200)', setup: [SETS] },
  { sql: 'ALTER TABLE t MODIFY vb VARBINARY(300)', setup: [SETS] },
  // What the rules leave unknown on purpose.
  { sql: 'ALTER TABLE t MODIFY a VARCHAR(10) COLLATE utf8mb4_bin', rulesUnknown: true },
  { sql: 'ALTER TABLE t MODIFY gs INT AS (c + 2) STORED', setup: [GENERATED], rulesUnknown: true },
  { sql: 'ALTER TABLE t MODIFY m VARCHAR(60) CHARACTER SET utf8mb4' },
  { sql: 'ALTER TABLE t MODIFY l VARCHAR(100) CHARACTER SET utf8mb4' },
  { sql: 'ALTER TABLE t MODIFY a VARCHAR(10) CHARACTER SET latin1' },
  { sql: 'ALTER TABLE t MODIFY c INT NOT NULL DEFAULT 0 AFTER id' },
  { sql: 'ALTER TABLE t MODIFY c INT NOT NULL DEFAULT 0 FIRST' },
  { sql: 'ALTER TABLE t MODIFY c INT NOT NULL DEFAULT 0 AFTER b' },
  { sql: "ALTER TABLE t MODIFY c INT NOT NULL DEFAULT 0 COMMENT 'a note'" },
  { sql: 'ALTER TABLE t MODIFY c INT NOT NULL DEFAULT 0 UNIQUE' },
  { sql: 'ALTER TABLE t MODIFY c INT NOT NULL DEFAULT 9' },
  // table options
  { sql: 'ALTER TABLE t DEFAULT CHARSET=latin1' },
  { sql: 'ALTER TABLE t CONVERT TO CHARACTER SET utf8mb3' },
  { sql: "ALTER TABLE t COMMENT='hello'" },
  { sql: 'ALTER TABLE t ENGINE=InnoDB' },
  { sql: 'ALTER TABLE t FORCE' },
  { sql: 'ALTER TABLE t ROW_FORMAT=COMPACT' },
  { sql: 'ALTER TABLE t ROW_FORMAT=DYNAMIC' },
  { sql: 'ALTER TABLE t AUTO_INCREMENT=100' },
  { sql: 'ALTER TABLE t STATS_PERSISTENT=0' },
  { sql: 'ALTER TABLE t MAX_ROWS=1000 MIN_ROWS=10 AVG_ROW_LENGTH=100' },
  { sql: 'ALTER TABLE t PACK_KEYS=1, CHECKSUM=1, DELAY_KEY_WRITE=1' },
  { sql: 'ALTER TABLE t STATS_SAMPLE_PAGES=10, STATS_AUTO_RECALC=0' },
  { sql: 'ALTER TABLE t COLLATE=utf8mb4_bin' },
  { sql: 'ALTER TABLE t KEY_BLOCK_SIZE=8' },
  { sql: "ALTER TABLE t ENCRYPTION='Y'", rulesUnknown: true, refused: ['mariadb', 'mysql'] },
  { sql: 'ALTER TABLE t ALTER COLUMN c SET INVISIBLE', refused: ['mariadb'] },
  { sql: 'ALTER TABLE t MODIFY c INT NOT NULL DEFAULT 0 INVISIBLE' },
  { sql: 'ALTER TABLE t FORCE', setup: [FULLTEXT] },
  // keys and constraints
  { sql: 'ALTER TABLE t ADD PRIMARY KEY (id)', setup: [NO_PK] },
  { sql: 'ALTER TABLE t ADD PRIMARY KEY (id, c)', setup: [NO_PK] },
  { sql: 'ALTER TABLE t DROP PRIMARY KEY' },
  { sql: 'ALTER TABLE t DROP PRIMARY KEY, ADD PRIMARY KEY (id, c)' },
  { sql: 'ALTER TABLE t MODIFY id INT NOT NULL, DROP PRIMARY KEY' },
  // An AUTO_INCREMENT column must stay the first column of a key: dropping its primary key takes
  // dropping AUTO_INCREMENT in the same statement.
  { sql: 'ALTER TABLE t MODIFY id INT NOT NULL, DROP PRIMARY KEY', setup: [AUTO_ID] },
  { sql: 'ALTER TABLE t DROP PRIMARY KEY', setup: [AUTO_ID], refused: ['mysql', 'mariadb'] },
  { sql: 'ALTER TABLE t MODIFY id INT NOT NULL', setup: [AUTO_ID] },
  { sql: 'ALTER TABLE t MODIFY id INT NOT NULL AUTO_INCREMENT' },
  { sql: 'ALTER TABLE t MODIFY b INT AUTO_INCREMENT' },
  { sql: 'ALTER TABLE t MODIFY c INT NOT NULL AUTO_INCREMENT', refused: ['mysql', 'mariadb'] },
  { sql: 'ALTER TABLE t ADD PRIMARY KEY (c)', refused: ['mysql', 'mariadb'] },
  { sql: 'ALTER TABLE t ADD COLUMN z INT NOT NULL AUTO_INCREMENT PRIMARY KEY', setup: [NO_PK] },
  { sql: 'ALTER TABLE t ADD CONSTRAINT fk_b FOREIGN KEY (b) REFERENCES p (id)', setup: [PARENT, BASE] },
  { sql: 'ALTER TABLE t DROP FOREIGN KEY fk_b', setup: [PARENT, WITH_FK] },
  { sql: 'ALTER TABLE t ADD CONSTRAINT ck CHECK (c >= 0)' },
  // a partitioned table: the same rules for columns and indexes (partition maintenance, which the rules
  // leave unknown, takes no ALGORITHM clause on MariaDB, so it has no ladder)
  ...[
    'ALTER TABLE t ADD COLUMN z INT',
    'ALTER TABLE t ADD COLUMN z INT FIRST',
    'ALTER TABLE t ADD COLUMN v INT AS (c + 1) VIRTUAL',
    'ALTER TABLE t DROP COLUMN c',
    'ALTER TABLE t DROP COLUMN b',
    'ALTER TABLE t RENAME COLUMN c TO c2',
    'ALTER TABLE t ADD INDEX kc (c)',
    'ALTER TABLE t ADD UNIQUE KEY u (id, c)',
    'ALTER TABLE t DROP INDEX kb',
    'ALTER TABLE t RENAME INDEX kb TO kb2',
    'ALTER TABLE t MODIFY b BIGINT',
    'ALTER TABLE t MODIFY b INT NOT NULL',
    'ALTER TABLE t MODIFY a VARCHAR(20)',
    'ALTER TABLE t MODIFY c INT NOT NULL DEFAULT 0 AFTER id',
    "ALTER TABLE t COMMENT='x'",
    'ALTER TABLE t FORCE',
  ].map((sql): Case => ({ sql, setup: [PARTITIONED] })),
  // mixed clauses
  { sql: 'ALTER TABLE t ADD COLUMN z INT, ADD INDEX kc (c)' },
  { sql: 'ALTER TABLE t ADD COLUMN z INT, ALTER COLUMN c SET DEFAULT 3' },
  { sql: 'ALTER TABLE t ADD COLUMN z INT, MODIFY b BIGINT' },
  { sql: 'ALTER TABLE t ADD COLUMN z INT, DROP COLUMN si' },
  { sql: 'ALTER TABLE t ADD INDEX kc (c), DROP INDEX ka, RENAME INDEX kb TO kb2' },
  { sql: "ALTER TABLE t MODIFY e ENUM('x','y','z'), MODIFY a VARCHAR(63)" },
  { sql: 'ALTER TABLE t ADD INDEX kc (c), ADD FULLTEXT INDEX ft (a)' },
  { sql: 'ALTER TABLE t ADD COLUMN z INT, FORCE' },
];

// Statements that state ALGORITHM/LOCK: run as written.
const STATED: Case[] = [
  { sql: 'ALTER TABLE t ADD COLUMN z INT, ALGORITHM=INSTANT' },
  { sql: 'ALTER TABLE t ADD COLUMN z INT, ALGORITHM=INPLACE' },
  { sql: 'ALTER TABLE t ADD COLUMN z INT, ALGORITHM=COPY' },
  { sql: 'ALTER TABLE t ADD COLUMN z INT, LOCK=NONE' },
  { sql: 'ALTER TABLE t ADD COLUMN z INT, LOCK=SHARED' },
  { sql: 'ALTER TABLE t ADD COLUMN z INT, LOCK=EXCLUSIVE' },
  // With a row in it, MySQL runs an instant change instantly whatever the LOCK clause (empty, it rebuilds).
  { sql: 'ALTER TABLE t ADD COLUMN z INT, LOCK=NONE', setup: [BASE, ONE_ROW] },
  { sql: 'ALTER TABLE t ADD COLUMN z INT, LOCK=SHARED', setup: [BASE, ONE_ROW] },
  { sql: 'ALTER TABLE t ADD COLUMN z INT, ALGORITHM=INPLACE', setup: [BASE, ONE_ROW] },
  { sql: 'ALTER TABLE t ADD COLUMN z INT, ALGORITHM=INSTANT, LOCK=NONE', refused: ['mysql'] },
  { sql: 'ALTER TABLE t ADD COLUMN z INT, ALGORITHM=INPLACE, LOCK=NONE' },
  { sql: 'ALTER TABLE t ADD COLUMN z INT, ALGORITHM=NOCOPY', refused: ['mysql'] },
  { sql: 'ALTER TABLE t MODIFY b BIGINT, ALGORITHM=INPLACE', refused: ['mysql', 'mariadb'] },
  { sql: 'ALTER TABLE t MODIFY b BIGINT, LOCK=NONE', refused: ['mysql', 'mariadb'] },
  { sql: 'ALTER TABLE t MODIFY b BIGINT, ALGORITHM=COPY, LOCK=SHARED' },
  { sql: 'ALTER TABLE t ADD INDEX kc (c), LOCK=NONE' },
  { sql: 'ALTER TABLE t ADD INDEX kc (c), ALGORITHM=INSTANT', refused: ['mysql', 'mariadb'] },
  { sql: 'ALTER TABLE t ADD INDEX kc (c), ALGORITHM=COPY' },
  { sql: 'ALTER TABLE t ADD FULLTEXT INDEX ft (a), LOCK=NONE', refused: ['mysql', 'mariadb'] },
  { sql: 'ALTER TABLE t ADD FULLTEXT INDEX ft (a), ALGORITHM=INPLACE, LOCK=SHARED' },
  { sql: 'CREATE INDEX kc ON t (c) ALGORITHM=INPLACE LOCK=NONE' },
  { sql: 'DROP INDEX kb ON t ALGORITHM=INSTANT', refused: ['mysql', 'mariadb'] },
  { sql: 'DROP INDEX kb ON t ALGORITHM=INPLACE LOCK=NONE', refused: ['mariadb'] },
  { sql: 'ALTER TABLE t DROP COLUMN si, ALGORITHM=INPLACE' },
  { sql: 'ALTER TABLE t MODIFY b INT NOT NULL, LOCK=EXCLUSIVE' },
  { sql: 'ALTER TABLE t DROP PRIMARY KEY, LOCK=NONE', refused: ['mysql', 'mariadb'] },
  { sql: 'ALTER TABLE t ADD CONSTRAINT fk_b FOREIGN KEY (b) REFERENCES p (id), ALGORITHM=INPLACE', setup: [PARENT, BASE], refused: ['mysql', 'mariadb'] },
  { sql: 'ALTER TABLE t RENAME COLUMN si TO si2, ALGORITHM=INSTANT' },
  { sql: 'ALTER ONLINE TABLE t ADD INDEX kc (c)', refused: ['mysql'] },
  { sql: 'ALTER ONLINE TABLE t MODIFY b BIGINT', refused: ['mysql', 'mariadb'] },
  { sql: 'ALTER TABLE t ALTER COLUMN c SET DEFAULT 1, ALGORITHM=INSTANT' },
];

const LADDER_STEPS: Array<{ algorithm: Algo; lock: Lock | null }> = [
  { algorithm: 'instant', lock: null },
  { algorithm: 'inplace', lock: 'none' },
  { algorithm: 'inplace', lock: 'shared' },
  { algorithm: 'inplace', lock: 'exclusive' },
  { algorithm: 'copy', lock: 'shared' },
  { algorithm: 'copy', lock: 'exclusive' },
];

/** Names a case's table for the test title. */
function setupName(setup: string[] | undefined): string {
  if (!setup) return '';
  const alters = setup.filter((x) => x.startsWith('ALTER')).length;
  if (alters) return ` (after ${alters} ADD COLUMNs)`;
  const t = setup.find((x) => x.startsWith('CREATE TABLE t'))!;
  if (/PARTITION BY/.test(t)) return ' (partitioned)';
  return ` (on ${/CREATE TABLE t \(([^,]*,[^,]*)/.exec(t)?.[1]}...)`;
}

/**
 * The statement with ALGORITHM/LOCK added: after a comma in ALTER TABLE, plain in CREATE/DROP INDEX.
 * MariaDB takes no options on DROP INDEX ... ON (a syntax error), so there the ladder runs the same
 * change as ALTER TABLE ... DROP INDEX.
 */
function withOptions(sql: string, algorithm: Algo, lock: Lock | null, flavor: 'mysql' | 'mariadb'): string {
  const opts = [`ALGORITHM=${algorithm.toUpperCase()}`, ...(lock ? [`LOCK=${lock.toUpperCase()}`] : [])];
  const dropIndex = /^\s*DROP\s+INDEX\s+(\S+)\s+ON\s+(\S+)\s*$/i.exec(sql);
  if (dropIndex && flavor === 'mariadb') return `ALTER TABLE ${dropIndex[2]} DROP INDEX ${dropIndex[1]}, ${opts.join(', ')}`;
  return /^\s*ALTER\s/i.test(sql) ? `${sql}, ${opts.join(', ')}` : `${sql} ${opts.join(' ')}`;
}

describe('impact rules agree with the server (ALGORITHM ladder on an empty table)', function () {
  this.timeout(600_000);
  let server: TestServer;
  let schema: { name: string; drop(): Promise<void> };
  let conn: mysql.Connection;
  let reader: MysqlConnection;
  let facts: ServerFacts;
  let flavor: 'mysql' | 'mariadb';

  before(async function () {
    server = await getServer();
    schema = await server.freshSchema('impact_agree');
    conn = await mysql.createConnection({ host: server.host, port: server.port, user: server.user, password: server.password, database: schema.name });
    reader = await openConnection(parseTargetUrl(server.url(schema.name)), 'agreement');
    flavor = /mariadb/i.test(server.version) ? 'mariadb' : 'mysql';
    facts = { flavor, version: /^(\d+\.\d+\.\d+)/.exec(server.version)![1]! };
  });

  after(async function () {
    // CHANGEGATE_IMPACT_LOG=1 prints what the server did for each case (the table of truths).
    if (process.env.CHANGEGATE_IMPACT_LOG) process.stdout.write(results.join('\n') + '\n');
    await conn?.end();
    await reader?.close();
    await schema?.drop();
  });

  async function build(setup: string[]): Promise<void> {
    await conn.query('SET foreign_key_checks = 0');
    await conn.query('DROP TABLE IF EXISTS t, p');
    await conn.query('SET foreign_key_checks = 1');
    for (const s of setup) await conn.query(s);
  }

  async function tableId(): Promise<string> {
    // A partitioned table is one InnoDB table per partition (`t#p#p0`, MariaDB `t#P#p0`): their ids together.
    const view = flavor === 'mariadb' ? 'INNODB_SYS_TABLES' : 'INNODB_TABLES';
    const [rows] = await conn.query(`SELECT GROUP_CONCAT(TABLE_ID ORDER BY TABLE_ID) AS id FROM information_schema.${view} WHERE NAME = ? OR NAME LIKE ?`, [
      `${schema.name}/t`,
      `${schema.name}/t#%`,
    ]);
    const id = (rows as Array<{ id: string | null }>)[0]!.id;
    assert.ok(id, 'InnoDB knows the table');
    return id;
  }

  async function attempt(sql: string): Promise<string | null> {
    try {
      await conn.query(sql);
      return null;
    } catch (e) {
      return (e as Error).message;
    }
  }

  /** The rules' verdict for `sql` on the table as it is now. */
  async function rules(sql: string): Promise<ImpactDecision> {
    const spec = parseDdl(sql);
    assert.ok(spec, sql);
    // The production facts adapter, so that what the plan reads is checked against the server too.
    const table = (await readTableFacts(reader, facts, [{ schema: schema.name, name: 't' }])).get(`${schema.name}.t`);
    assert.ok(table, `facts of ${schema.name}.t`);
    return decideImpact(spec, table, facts);
  }

  const results: string[] = [];

  for (const c of LADDER) {
    it(`ladder: ${c.title ?? c.sql}${setupName(c.setup)}`, async function () {
      await build(c.setup ?? [BASE]);
      const decision = await rules(c.sql);
      const before = await tableId();
      let truth: { algorithm: Algo; lock: Lock; rebuild: boolean } | null = null;
      const errors: string[] = [];
      for (const step of LADDER_STEPS) {
        const err = await attempt(withOptions(c.sql, step.algorithm, step.lock, flavor));
        if (err === null) {
          truth = { algorithm: step.algorithm, lock: step.lock ?? 'none', rebuild: (await tableId()) !== before };
          break;
        }
        errors.push(err);
      }
      const got = { algorithm: decision.algorithm, lock: decision.lock, rebuild: decision.rebuild };
      results.push(`${flavor} ${c.sql}: server ${truth ? `${truth.algorithm}/${truth.lock}/${truth.rebuild}` : 'refuses'}`);
      if (truth === null) {
        assert.ok(c.refused?.includes(flavor), `the server refused every form of ${c.sql}: ${errors[errors.length - 1]}`);
        assert.deepEqual(got, { algorithm: null, lock: null, rebuild: null }, `rules: ${decision.reason}`);
        return;
      }
      assert.ok(!c.refused?.includes(flavor), `the case says ${flavor} refuses it, but it ran ${truth.algorithm}`);
      if (c.rulesUnknown) {
        assert.deepEqual(got, { algorithm: null, lock: null, rebuild: null }, `rules: ${decision.reason}`);
        return;
      }
      assert.deepEqual(got, truth, `${c.sql}\nrules: ${decision.reason}\nserver errors before: ${errors.join(' | ')}`);
    });
  }

  // OPTIMIZE takes no ALGORITHM: it runs as written, and the rebuild is what can be checked.
  for (const setup of [[BASE], FULLTEXT_SETUP]) {
    it(`OPTIMIZE TABLE t${setupName(setup === FULLTEXT_SETUP ? setup : undefined)}`, async function () {
      await build(setup);
      const decision = await rules('OPTIMIZE TABLE t');
      const before = await tableId();
      await conn.query('OPTIMIZE TABLE t');
      assert.deepEqual([decision.rebuild, decision.algorithm === null], [(await tableId()) !== before, false], decision.reason);
    });
  }

  for (const c of STATED) {
    it(`stated: ${c.sql}${c.setup?.includes(ONE_ROW) ? ' (one row)' : ''}`, async function () {
      await build(c.setup ?? [BASE]);
      const decision = await rules(c.sql);
      const before = await tableId();
      const err = await attempt(c.sql);
      if (err !== null) {
        assert.ok(c.refused?.includes(flavor), `the server refused ${c.sql}: ${err}`);
        assert.deepEqual({ algorithm: decision.algorithm, lock: decision.lock, rebuild: decision.rebuild }, { algorithm: null, lock: null, rebuild: null }, `rules: ${decision.reason}`);
        return;
      }
      assert.ok(!c.refused?.includes(flavor), `the case says ${flavor} refuses it, but it ran`);
      const rebuilt = (await tableId()) !== before;
      assert.notEqual(decision.algorithm, null, `the server ran it, the rules say: ${decision.reason}`);
      assert.equal(decision.rebuild, rebuilt, `rebuild: ${decision.reason}`);
      const stated = /ALGORITHM\s*=\s*(\w+)/i.exec(c.sql)?.[1]?.toLowerCase();
      // MariaDB takes a stated algorithm as the slowest it accepts, and NOCOPY is its in-place without rebuild.
      if (stated && flavor === 'mysql') assert.equal(decision.algorithm, stated);
    });
  }
});
