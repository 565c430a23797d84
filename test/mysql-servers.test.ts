// Where Oracle MySQL and MariaDB answer differently, tested on the server this run uses
// (CHANGEGATE_TEST_SERVER): each test asks the server which one it is and states both answers, so the
// same spec passes on both and fails on either when the behaviour it pins breaks.
import { strict as assert } from 'node:assert';
import { rmSync } from 'node:fs';
import mysql from 'mysql2/promise';
import { connectTarget, parseTargetUrl } from '../src/adapters/mysql/connect.js';
import { StatementError } from '../src/core/ports.js';
import { RefusedError } from '../src/core/errors.js';
import { compareVersions, describeVersion, parseServerVersion } from '../src/adapters/mysql/version.js';
import { getServer, startServer, type TestServer } from './helpers/mysql-server.js';
import { localConfig, makeRepo, manifest, runCli, writeFiles } from './helpers/cli.js';

const opts = { minVersion: '5.0', lockWaitTimeout: 2, label: 'local' };

function isMaria(server: TestServer): boolean {
  return parseServerVersion(server.version).flavor === 'mariadb';
}

describe('servers: logins', function () {
  let server: TestServer;
  let schema: { name: string; url: string; drop(): Promise<void> };

  before(async () => {
    server = await getServer();
    schema = await server.freshSchema('logins');
  });
  after(async () => {
    await server.adminQuery("DROP USER IF EXISTS 'cg_sha2'@'%'");
    await schema.drop();
  });

  it('caching_sha2_password: full authentication over plain TCP (RSA key exchange) and over TLS on MySQL; MariaDB has no such plugin', async () => {
    if (isMaria(server)) {
      await assert.rejects(server.adminQuery("CREATE USER 'cg_sha2'@'%' IDENTIFIED VIA caching_sha2_password"), { message: "Plugin 'caching_sha2_password' is not loaded" });
      return;
    }
    await server.adminQuery("CREATE USER 'cg_sha2'@'%' IDENTIFIED WITH caching_sha2_password BY 'sha2-pass-1'");
    await server.adminQuery(`GRANT ALL ON \`${schema.name}\`.* TO 'cg_sha2'@'%'`);
    const [user] = await server.adminQuery<{ plugin: string }>("SELECT plugin FROM mysql.user WHERE user = 'cg_sha2'");
    assert.equal(user!.plugin, 'caching_sha2_password');
    const url = `mysql://cg_sha2:sha2-pass-1@${server.host}:${server.port}/${schema.name}`;
    for (const [u, tls] of [[url, false], [`${url}?ssl=true&ssl-ca=${encodeURIComponent(server.caFile!)}`, true]] as const) {
      // An empty authentication cache: the login cannot take the fast path, it must do the full exchange.
      await server.adminQuery('FLUSH PRIVILEGES');
      const t = await connectTarget(parseTargetUrl(u), opts);
      try {
        const r = await t.session.run("SELECT CURRENT_USER(), (SELECT VARIABLE_VALUE FROM performance_schema.session_status WHERE VARIABLE_NAME = 'Ssl_cipher') <> ''");
        assert.deepEqual(r.rows, [['cg_sha2@%', tls ? 1 : 0]]);
      } finally {
        await t.close();
      }
    }
  });

  it('refuses a floor one patch release above the server, naming the server as it reports itself', async () => {
    const v = parseServerVersion(server.version);
    const [a, b, c] = v.version.split('.').map(Number);
    const floor = `${a}.${b}.${(c ?? 0) + 1}`;
    assert.equal(compareVersions(v.version, floor), -1);
    await assert.rejects(connectTarget(parseTargetUrl(schema.url), { ...opts, minVersion: floor }), (e: unknown) => {
      assert.ok(e instanceof RefusedError);
      assert.equal(e.message, `refused: local runs ${describeVersion(v)}, below the configured floor ${floor} (server.min_version)`);
      return true;
    });
    const at = await connectTarget(parseTargetUrl(schema.url), { ...opts, minVersion: v.version });
    await at.close();
  });
});

describe('servers: atomic DDL and what the history records', function () {
  this.timeout(120_000);
  let server: TestServer;
  let schema: { name: string; url: string; drop(): Promise<void> };
  let repo: string;
  const env = () => ({ TEST_URL: schema.url });

  before(async () => {
    server = await getServer();
  });
  beforeEach(async () => {
    schema = await server.freshSchema('atomic');
  });
  afterEach(async () => {
    await schema.drop();
    rmSync(repo, { recursive: true, force: true });
  });

  async function tables(): Promise<string[]> {
    const rows = await server.adminQuery<{ t: string }>(
      "SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME <> 'changegate_history' ORDER BY 1",
      [schema.name],
    );
    return rows.map((r) => r.t);
  }

  async function history(): Promise<{ status: string; applied: number; failed: number | null; error: string | null }> {
    const [row] = await server.adminQuery<{ status: string; applied: number; failed: number | null; error: string | null }>(
      `SELECT status, statements_applied AS applied, failed_statement AS failed, error FROM \`${schema.name}\`.changegate_history`,
    );
    return row!;
  }

  it('a failed DROP TABLE of several tables: MySQL drops none, MariaDB drops those it found, and the record says which', async () => {
    repo = makeRepo({
      'changegate.yaml': localConfig(),
      ...manifest('2026-11-01-drop', { destructive: true }),
      'migrations/2026-11-01-drop/up.sql':
        'CREATE TABLE a (id INT PRIMARY KEY);\nCREATE TABLE c (id INT PRIMARY KEY);\nDROP TABLE a, missing_b, c;\n',
    });
    const r = await runCli(['apply', '--env', 'local'], { cwd: repo, env: env() });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const serverError = `Unknown table '${schema.name}.missing_b'`;
    const error = isMaria(server)
      ? `${serverError} (MariaDB dropped the tables it found before it reported the missing one: a, c are gone)`
      : serverError;
    assert.match(
      r.stderr,
      new RegExp(`^error: 2026-11-01-drop: statement 3 of 3 failed at migrations/2026-11-01-drop/up\\.sql:3: ${error.replace(/[.()]/g, '\\$&')}\\. Statements 1-2 are applied and recorded; nothing after them ran\\.`, 'm'),
    );
    assert.deepEqual(await tables(), isMaria(server) ? [] : ['a', 'c']);
    assert.deepEqual(await history(), { status: 'failed', applied: 2, failed: 3, error });
  });

  it('a failed CREATE TABLE ... SELECT leaves no table on either server; the fixed statement then runs once', async () => {
    repo = makeRepo({
      'changegate.yaml': localConfig(),
      ...manifest('2026-11-01-ctas'),
      'migrations/2026-11-01-ctas/up.sql': 'CREATE TABLE src (id INT PRIMARY KEY);\nCREATE TABLE copy1 (id INT PRIMARY KEY) SELECT 1 AS id UNION ALL SELECT 1;\n',
    });
    const r = await runCli(['apply', '--env', 'local'], { cwd: repo, env: env() });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const key = isMaria(server) ? "'PRIMARY'" : "'copy1.PRIMARY'";
    assert.match(r.stderr, new RegExp(`statement 2 of 2 failed at migrations/2026-11-01-ctas/up\\.sql:2: Duplicate entry '1' for key ${key.replace('.', '\\.')}\\. Statement 1 is applied and recorded`));
    assert.deepEqual(await tables(), ['src']);
    assert.equal((await history()).applied, 1);
    writeFiles(repo, { 'migrations/2026-11-01-ctas/up.sql': 'CREATE TABLE src (id INT PRIMARY KEY);\nCREATE TABLE copy1 (id INT PRIMARY KEY) SELECT 1 AS id UNION ALL SELECT 2;\n' });
    const again = await runCli(['apply', '--env', 'local'], { cwd: repo, env: env() });
    assert.equal(again.code, 0, again.stdout + again.stderr);
    assert.deepEqual(await tables(), ['copy1', 'src']);
    assert.deepEqual(await history(), { status: 'applied', applied: 2, failed: null, error: null });
  });
});

describe('servers: a target that requires primary keys', function () {
  this.timeout(120_000);
  let server: TestServer;
  let schema: { name: string; url: string; drop(): Promise<void> };
  let repo: string;
  // MySQL 8.0.13+: sql_require_primary_key; MariaDB's counterpart is innodb_force_primary_key.
  let variable: string;

  before(async () => {
    server = await getServer();
    variable = isMaria(server) ? 'innodb_force_primary_key' : 'sql_require_primary_key';
    schema = await server.freshSchema('pk');
    await server.adminQuery(`SET GLOBAL ${variable} = ON`);
  });
  after(async () => {
    await server.adminQuery(`SET GLOBAL ${variable} = OFF`);
    await schema.drop();
    rmSync(repo, { recursive: true, force: true });
  });

  it('creates the history table and applies tables with keys; a table without one fails with the server\'s reason', async () => {
    const [row] = await server.adminQuery<{ v: number }>(`SELECT @@GLOBAL.${variable} AS v`);
    assert.equal(Number(row!.v), 1);
    repo = makeRepo({
      'changegate.yaml': localConfig(),
      ...manifest('2026-11-01-keyed'),
      'migrations/2026-11-01-keyed/up.sql': 'CREATE TABLE keyed (id INT PRIMARY KEY, v INT);\nINSERT INTO keyed VALUES (1, 1);\n',
      ...manifest('2026-11-02-keyless'),
      'migrations/2026-11-02-keyless/up.sql': 'CREATE TABLE keyless (v INT);\n',
    });
    const r = await runCli(['apply', '--env', 'local'], { cwd: repo, env: { TEST_URL: schema.url } });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /^ {2}applied {2}2026-11-01-keyed {2}T-1 {2}/m);
    const reason = isMaria(server)
      ? "This table type requires a primary key"
      : 'Unable to create or change a table without a primary key, when the system variable \'sql_require_primary_key\' is set. Add a primary key to the table or unset this variable to avoid this message. Note that tables without a primary key can cause performance problems in row-based replication, so please consult your DBA before changing this setting';
    assert.match(r.stderr, new RegExp(`^error: 2026-11-02-keyless: statement 1 of 1 failed at migrations/2026-11-02-keyless/up\\.sql:1: ${reason.replace(/[.()']/g, '\\$&')}\\. No statement of this change is applied`, 'm'));
  });
});

describe('servers: who holds the metadata lock a statement waited for', function () {
  this.timeout(120_000);
  let server: TestServer;
  let schema: { name: string; url: string; drop(): Promise<void> };

  before(async () => {
    // Its own server, with the performance schema on (the shared one runs with it off, which the
    // processlist fallback in mysql-connect.test.ts covers). MariaDB ships the MDL instrument disabled.
    server = await startServer(['--performance-schema=ON', '--performance-schema-instrument=wait/lock/metadata/sql/mdl=ON']);
    schema = await server.freshSchema('mdl');
  });
  after(async () => server?.stop());

  it('names the session holding it, and the lock, from performance_schema.metadata_locks', async () => {
    const [ps] = await server.adminQuery<{ on: number }>('SELECT @@performance_schema AS `on`');
    assert.equal(Number(ps!.on), 1);
    const t = await connectTarget(parseTargetUrl(schema.url), opts);
    const blocker = await mysql.createConnection(schema.url);
    try {
      await t.session.run('CREATE TABLE mdl (id INT PRIMARY KEY)');
      await t.session.run('CREATE TABLE other (id INT PRIMARY KEY)');
      const [[idRow]] = (await blocker.query('SELECT CONNECTION_ID() AS id')) as unknown as [[{ id: number }]];
      await blocker.query('BEGIN');
      await blocker.query('SELECT * FROM mdl');
      // A second session that holds a lock on another table only is not named.
      const bystander = await mysql.createConnection(schema.url);
      await bystander.query('BEGIN');
      await bystander.query('SELECT * FROM other');
      try {
        const e = await t.session.run('ALTER TABLE mdl ADD COLUMN x INT').catch((x: unknown) => x);
        assert.ok(e instanceof StatementError);
        assert.equal(e.errno, 1205);
        assert.match(
          e.message,
          new RegExp(`^Lock wait timeout exceeded; try restarting transaction \\(sessions holding a metadata lock it needs: connection ${idRow!.id}, idle in a transaction for \\d+ s, holds SHARED_READ on ${schema.name}\\.mdl\\)$`),
        );
      } finally {
        await bystander.end();
      }
    } finally {
      await blocker.end();
      await t.close();
    }
  });
});

describe('servers: drift introspection', function () {
  this.timeout(120_000);
  let server: TestServer;
  let schema: { name: string; url: string; drop(): Promise<void> };
  let repo: string;

  before(async () => {
    server = await getServer();
    schema = await server.freshSchema('drift');
  });
  after(async () => {
    await schema.drop();
    rmSync(repo, { recursive: true, force: true });
  });

  it('reports no drift for display widths, expression defaults, invisible columns and invisible (ignored) indexes', async () => {
    // MySQL 8 drops integer display widths and says INVISIBLE; MariaDB keeps int(11) and says IGNORED.
    const invisibleIndex = isMaria(server) ? 'IGNORED' : 'INVISIBLE';
    repo = makeRepo({
      'changegate.yaml': localConfig(),
      ...manifest('2026-11-01-types'),
      'migrations/2026-11-01-types/up.sql':
        'CREATE TABLE t (\n' +
        '  id INT(11) NOT NULL PRIMARY KEY,\n' +
        '  n TINYINT(1) NOT NULL DEFAULT 0,\n' +
        '  token VARCHAR(36) NOT NULL DEFAULT (UUID()),\n' +
        "  created DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),\n" +
        '  secret_note VARCHAR(20) NULL INVISIBLE,\n' +
        `  KEY idx_n (n) ${invisibleIndex}\n` +
        ');\n',
    });
    const env = { TEST_URL: schema.url };
    const applied = await runCli(['apply', '--env', 'local'], { cwd: repo, env });
    assert.equal(applied.code, 0, applied.stdout + applied.stderr);
    const drift = await runCli(['drift', '--env', 'local'], { cwd: repo, env });
    assert.equal(drift.code, 0, drift.stdout + drift.stderr);
    assert.match(drift.stdout, /^no drift in local: 1 applied change\(s\) match their files and the live schema$/m);
    // The same by hand is noticed: making the index visible is drift on both servers.
    await server.adminQuery(`ALTER TABLE \`${schema.name}\`.t ALTER INDEX idx_n ${isMaria(server) ? 'NOT IGNORED' : 'VISIBLE'}`);
    const after = await runCli(['drift', '--env', 'local'], { cwd: repo, env });
    assert.equal(after.code, 1, after.stdout + after.stderr);
    assert.match(after.stdout, /idx_n/);
  });
});
