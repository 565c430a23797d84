// The facts adapter against the real server: what it reads for each table is what the server holds,
// it reads fifty tables in the same handful of round trips as one, an emptied table counts 0 rows
// whatever the statistics say, and it works for a user with SELECT, SHOW VIEW and PROCESS alone.
import assert from 'node:assert/strict';
import mysql from 'mysql2/promise';
import { connectTarget, parseTargetUrl, type Target } from '../src/adapters/mysql/connect.js';
import type { MysqlConnection } from '../src/adapters/mysql/connection.js';
import { bounded, readTableFacts, serverFacts } from '../src/adapters/mysql/facts.js';
import { getServer, testServerKind, type TestServer } from './helpers/mysql-server.js';

const opts = { minVersion: '5.0', lockWaitTimeout: 3, label: 'local' };

/** Counts the round trips a connection makes. */
function counting(conn: MysqlConnection): { calls: string[] } {
  const seen = { calls: [] as string[] };
  const query = conn.query.bind(conn);
  conn.query = (async (sql: string, values?: unknown[]) => {
    seen.calls.push(sql);
    return query(sql, values);
  }) as MysqlConnection['query'];
  return seen;
}

describe('impact facts: what the target says about the tables a plan touches', function () {
  this.timeout(120_000);
  let server: TestServer;
  let schema: { name: string; url: string; drop(): Promise<void> };
  let target: Target;
  let reader: MysqlConnection;

  before(async () => {
    server = await getServer();
  });
  beforeEach(async () => {
    schema = await server.freshSchema('facts');
    const admin = await mysql.createConnection(schema.url);
    try {
      await admin.query('CREATE TABLE orgs (id INT NOT NULL PRIMARY KEY, name VARCHAR(40) NOT NULL) ENGINE=InnoDB');
      await admin.query(
        `CREATE TABLE users (
           id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
           email VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
           org_id INT NULL,
           bio TEXT,
           status ENUM('a','b') NOT NULL DEFAULT 'a',
           UNIQUE KEY uq_email (email),
           KEY idx_bio (bio(10)),
           FULLTEXT KEY ft_bio (bio),
           CONSTRAINT fk_org FOREIGN KEY (org_id) REFERENCES orgs (id)
         ) ENGINE=InnoDB ROW_FORMAT=DYNAMIC DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
      );
      await admin.query("INSERT INTO orgs VALUES (1, 'one'), (2, 'two')");
      await admin.query('CREATE TABLE emptied (id INT PRIMARY KEY) ENGINE=InnoDB');
    } finally {
      await admin.end();
    }
    target = await connectTarget(parseTargetUrl(schema.url), opts);
    reader = await target.reader();
  });
  afterEach(async () => {
    await reader?.close();
    await target?.close();
    await schema?.drop();
  });

  it('reads columns, indexes, foreign keys, size and the server flavour of each table', async () => {
    const server_ = serverFacts(target.server.version);
    assert.equal(server_.flavor, testServerKind());
    const facts = await readTableFacts(reader, server_, [
      { schema: schema.name, name: 'users' },
      { schema: schema.name, name: 'orgs' },
      { schema: schema.name, name: 'missing' },
    ]);
    assert.deepEqual([...facts.keys()].sort(), [`${schema.name}.orgs`, `${schema.name}.users`]);
    const users = facts.get(`${schema.name}.users`)!;
    assert.equal(users.source, 'live');
    assert.equal(users.engine, 'InnoDB');
    assert.equal(users.rowFormat, 'dynamic');
    assert.equal(users.charset, 'utf8mb4');
    assert.equal(users.collation, 'utf8mb4_bin');
    assert.equal(users.rows, 0);
    assert.equal(users.partitioned, false);
    assert.equal(users.hasFulltext, true);
    assert.deepEqual(users.columns.map((c) => [c.name, c.dataType, c.nullable, c.position]), [
      ['id', 'bigint', false, 1],
      ['email', 'varchar', true, 2],
      ['org_id', 'int', true, 3],
      ['bio', 'text', true, 4],
      ['status', 'enum', false, 5],
    ]);
    const email = users.columns[1]!;
    assert.equal(email.columnType, 'varchar(100)');
    assert.equal(email.maxChars, 100);
    assert.equal(email.maxBytes, 400);
    assert.equal(email.charset, 'utf8mb4');
    assert.equal(email.default, null);
    assert.equal(users.columns[0]!.extra, 'auto_increment');
    assert.equal(users.columns[4]!.columnType, "enum('a','b')");
    const byName = new Map(users.indexes.map((i) => [i.name, i]));
    assert.deepEqual([...byName.keys()].sort(), ['PRIMARY', 'fk_org', 'ft_bio', 'idx_bio', 'uq_email'].sort());
    assert.deepEqual(byName.get('PRIMARY'), { name: 'PRIMARY', primary: true, unique: true, type: 'BTREE', columns: [{ name: 'id', prefix: null }], visible: true });
    assert.deepEqual(byName.get('idx_bio')!.columns, [{ name: 'bio', prefix: 10 }]);
    assert.equal(byName.get('uq_email')!.unique, true);
    assert.equal(byName.get('ft_bio')!.type, 'FULLTEXT');
    assert.deepEqual(users.foreignKeys, [{ name: 'fk_org', columns: ['org_id'], refSchema: schema.name, refTable: 'orgs', refColumns: ['id'] }]);
    // MySQL 8.0.29+ counts row versions for INSTANT ADD/DROP COLUMN; MariaDB has no such counter.
    assert.equal(users.totalRowVersions, testServerKind() === 'mysql' ? 0 : null);
    const orgs = facts.get(`${schema.name}.orgs`)!;
    assert.ok(orgs.rows >= 1, 'a table with rows has at least one, whatever the statistics say');
    assert.ok(orgs.dataBytes > 0);
  });

  it('counts a table with no committed row as 0 rows while its statistics count the uncommitted ones', async () => {
    // Statistics are estimates: here they count 500 rows another session has inserted but not committed.
    const writer = await mysql.createConnection(schema.url);
    try {
      await writer.query('BEGIN');
      await writer.query(`INSERT INTO emptied VALUES ${Array.from({ length: 500 }, (_, i) => `(${i + 1})`).join(', ')}`);
      // The reader reads statistics fresh (MySQL's dictionary would otherwise serve a day-old copy).
      const [stats] = await reader.query<{ TABLE_ROWS: number }>(
        "SELECT TABLE_ROWS FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'emptied'",
        [schema.name],
      );
      assert.ok(Number(stats!.TABLE_ROWS) > 0, `statistics say ${stats!.TABLE_ROWS}`);
      const facts = await readTableFacts(reader, serverFacts(target.server.version), [{ schema: schema.name, name: 'emptied' }, { schema: schema.name, name: 'orgs' }]);
      assert.equal(facts.get(`${schema.name}.emptied`)!.rows, 0, `statistics say ${stats!.TABLE_ROWS}`);
      assert.ok(facts.get(`${schema.name}.orgs`)!.rows >= 1);
    } finally {
      await writer.query('ROLLBACK');
      await writer.end();
    }
  });

  it('reads the row versions of a partitioned table from its partitions, and the hidden FTS_DOC_ID a dropped FULLTEXT index leaves', async () => {
    const admin = await mysql.createConnection(schema.url);
    try {
      await admin.query('CREATE TABLE parted (id INT NOT NULL PRIMARY KEY, a INT) ENGINE=InnoDB PARTITION BY HASH(id) PARTITIONS 3');
      // Instant on both servers; MySQL counts a row version per partition.
      await admin.query('ALTER TABLE parted ADD COLUMN b INT, ALGORITHM=INSTANT');
      await admin.query('ALTER TABLE parted ADD COLUMN c INT, ALGORITHM=INSTANT');
      await admin.query('ALTER TABLE users DROP INDEX ft_bio');
    } finally {
      await admin.end();
    }
    const facts = await readTableFacts(reader, serverFacts(target.server.version), [
      { schema: schema.name, name: 'parted' },
      { schema: schema.name, name: 'users' },
      { schema: schema.name, name: 'orgs' },
    ]);
    const parted = facts.get(`${schema.name}.parted`)!;
    assert.deepEqual([parted.partitioned, parted.totalRowVersions], [true, testServerKind() === 'mysql' ? 2 : null]);
    const users = facts.get(`${schema.name}.users`)!;
    assert.deepEqual([users.hasFulltext, users.hiddenFtsDocId], [false, true]);
    assert.equal(facts.get(`${schema.name}.orgs`)!.hiddenFtsDocId, false);
  });

  it('reads fifty tables in the same few round trips as one', async () => {
    const admin = await mysql.createConnection(schema.url);
    try {
      for (let i = 0; i < 50; i++) await admin.query(`CREATE TABLE t${i} (id INT PRIMARY KEY, v VARCHAR(20), KEY idx_v (v))`);
    } finally {
      await admin.end();
    }
    const seen = counting(reader);
    const tables = Array.from({ length: 50 }, (_, i) => ({ schema: schema.name, name: `t${i}` }));
    const facts = await readTableFacts(reader, serverFacts(target.server.version), tables);
    assert.equal(facts.size, 50);
    // TABLES, COLUMNS, STATISTICS, foreign keys, InnoDB's dictionary (INNODB_TABLES, MariaDB's
    // INNODB_SYS_TABLES) and its FULLTEXT auxiliary tables, emptiness.
    assert.equal(seen.calls.length, 7);
    for (const sql of seen.calls) {
      assert.match(sql, testServerKind() === 'mysql' ? /^SELECT \/\*\+ MAX_EXECUTION_TIME\(5000\) \*\// : /^SET STATEMENT max_statement_time=5 FOR SELECT /);
    }
    assert.deepEqual(facts.get(`${schema.name}.t7`)!.indexes.map((i) => i.name).sort(), ['PRIMARY', 'idx_v']);
  });

  it('works for a user with SELECT, SHOW VIEW and PROCESS alone, and its reader cannot write', async () => {
    const user = await server.createUser('cg_facts_reader', 'pw-facts-1', [`SELECT, SHOW VIEW ON \`${schema.name}\`.*`, 'PROCESS ON *.*']);
    const t = await connectTarget(parseTargetUrl(user.url(schema.name)), opts);
    const r = await t.reader();
    try {
      const facts = await readTableFacts(r, serverFacts(t.server.version), [{ schema: schema.name, name: 'users' }]);
      assert.equal(facts.get(`${schema.name}.users`)!.columns.length, 5);
      assert.equal(facts.get(`${schema.name}.users`)!.totalRowVersions, testServerKind() === 'mysql' ? 0 : null);
      // Even the admin's reader cannot write: every transaction on it is READ ONLY.
      await assert.rejects(() => reader.exec("INSERT INTO orgs VALUES (9, 'x')"), /READ ONLY transaction/i);
    } finally {
      await r.close();
      await t.close();
    }
  });

  it('bounds every statement with the server\'s own time limit', () => {
    assert.equal(bounded('SELECT 1', { flavor: 'mysql', version: '8.0.36' }, 2.5), 'SELECT /*+ MAX_EXECUTION_TIME(2500) */ 1');
    assert.equal(bounded('SELECT 1', { flavor: 'mariadb', version: '10.11.6' }, 2.5), 'SET STATEMENT max_statement_time=2.5 FOR SELECT 1');
  });
});
