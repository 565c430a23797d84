// Connecting to the throwaway server: the guards that run before any statement, redaction of what the
// driver says, TLS, and the apply session's semantics (TargetSession).
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { ChangegateError, RefusedError, UsageError } from '../src/core/errors.js';
import { StatementError } from '../src/core/ports.js';
import { connectTarget, parseTargetUrl, type Target } from '../src/adapters/mysql/connect.js';
import { describeVersion, parseServerVersion } from '../src/adapters/mysql/version.js';
import { getServer, serverCa, type TestServer } from './helpers/mysql-server.js';

/** What a certificate that does not verify says, naming whom and where the URL connects. */
function tlsFailed(url: string): string {
  const u = new URL(url);
  return `cannot connect to local as ${decodeURIComponent(u.username)}@${u.hostname}:${u.port}: self-signed certificate in certificate chain ` +
    "(the server's TLS certificate did not verify; trust its CA with tls.ca_file, or ssl-ca in a URL)";
}
const opts = { minVersion: '5.0', lockWaitTimeout: 3, label: 'local' };

/** Expects the promise to reject with an error of `type` and exactly `message`; returns the error. */
async function rejectsWith<T extends Error>(p: Promise<unknown>, type: new (...a: never[]) => T, message: string): Promise<T> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof type, `expected ${type.name}, got ${inspect(e)}`);
    assert.equal(e.message, message);
    return e;
  }
  assert.fail(`expected a ${type.name}: ${message}`);
}

describe('mysql adapter: connecting and guards', function () {
  let server: TestServer;
  let schema: { name: string; url: string; drop(): Promise<void> };
  const open: Target[] = [];

  before(async () => {
    server = await getServer();
    schema = await server.freshSchema('connect');
  });
  afterEach(async () => {
    while (open.length) await open.pop()!.close();
  });
  after(async () => schema?.drop());

  async function connect(url = schema.url, o = opts): Promise<Target> {
    const t = await connectTarget(parseTargetUrl(url, o.label), o);
    open.push(t);
    return t;
  }

  it('reports the server version and sets up the apply session', async () => {
    const t = await connect();
    assert.equal(t.server.display, describeVersion(parseServerVersion(server.version)));
    assert.equal(t.schema, schema.name);
    const r = await t.session.run('SELECT @@autocommit, @@lock_wait_timeout, DATABASE(), CONNECTION_ID(), @@character_set_client');
    assert.deepEqual(r.rows, [[0, 3, schema.name, t.session.connectionId, 'utf8mb4']]);
  });

  it('refuses a server below the configured floor', async () => {
    const display = describeVersion(parseServerVersion(server.version));
    await rejectsWith(
      connect(schema.url, { ...opts, minVersion: '99.1' }),
      RefusedError,
      `refused: local runs ${display}, below the configured floor 99.1 (server.min_version)`,
    );
  });

  it('accepts a server exactly at the floor', async () => {
    const v = parseServerVersion(server.version).version;
    await connect(schema.url, { ...opts, minVersion: v });
  });

  it('rejects a floor that is not a version before connecting', async () => {
    await rejectsWith(
      connect(schema.url, { ...opts, minVersion: 'eight' }),
      UsageError,
      'server.min_version must be a dotted version such as 8.0, not "eight"',
    );
  });

  it('refuses a read-only server (a reader endpoint or replica)', async () => {
    const app = await server.createUser('cg_reader_app', 'reader-pw-1', [`ALL ON \`${schema.name}\`.*`]);
    await server.adminQuery('SET GLOBAL read_only = 1');
    try {
      await rejectsWith(
        connect(app.url(schema.name)),
        RefusedError,
        'refused: local is read-only (read_only=ON): it looks like a reader endpoint or a replica; point the environment at the writer',
      );
    } finally {
      await server.adminQuery('SET GLOBAL read_only = 0');
    }
  });

  it('refuses a schema that does not exist', async () => {
    await rejectsWith(
      connect(server.url('no_such_schema_here')),
      RefusedError,
      'refused: schema no_such_schema_here does not exist on local (or this user cannot see it); create it first',
    );
  });

  it('names the user and host of a failed login, never its password', async () => {
    await server.createUser('cg_redact_user', 'right-password-77', [`ALL ON \`${schema.name}\`.*`]);
    const url = `mysql://cg_redact_user:${encodeURIComponent('wr0ng-pa$$word-42')}@${server.host}:${server.port}/${schema.name}`;
    const e = await rejectsWith(
      connect(url),
      ChangegateError,
      `cannot connect to local as cg_redact_user@${server.host}:${server.port}: Access denied for user 'cg_redact_user'@'${server.host}' (using password: YES)`,
    );
    assert.equal(e.exitCode, 1);
    const everything = inspect(e, { depth: 10, showHidden: true }) + JSON.stringify(e) + String(e.stack);
    for (const secret of ['wr0ng-pa$$word-42', encodeURIComponent('wr0ng-pa$$word-42')]) assert.ok(!everything.includes(secret), secret);
    assert.equal(e.cause, undefined);
  });

  it('names the host and port of a refused TCP connection', async () => {
    const url = `mysql://nobody:pw-unused-1@${server.host}:1/${schema.name}`;
    const e = await rejectsWith(connect(url), ChangegateError, `cannot connect to local as nobody@${server.host}:1: connect ECONNREFUSED ${server.host}:1`);
    assert.ok(!e.message.includes('pw-unused-1'));
  });

  it('never shows the password when a statement fails, and reports errno and SQLSTATE', async () => {
    const t = await connect();
    const err = await t.session.run(`SELEC '${server.password}', 'cg_redact_user'`).then(
      () => assert.fail('expected a syntax error'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof StatementError);
    assert.equal(err.errno, 1064);
    assert.equal(err.sqlState, '42000');
    assert.equal(err.connectionLost, false);
    assert.ok(!err.message.includes(server.password));
    assert.match(err.message, /^You have an error in your SQL syntax/);
  });
});

describe('mysql adapter: TLS', function () {
  let server: TestServer;
  let schema: { name: string; url: string; drop(): Promise<void> };
  let caFile: string;

  before(async () => {
    server = await getServer();
    caFile = serverCa(server);
    schema = await server.freshSchema('tls');
  });
  after(async () => schema?.drop());

  it('uses verified TLS when the URL asks, with the CA it names', async () => {
    const t = await connectTarget(parseTargetUrl(`${schema.url}?ssl=true&ssl-ca=${encodeURIComponent(caFile)}`), opts);
    try {
      const r = await t.session.run("SHOW SESSION STATUS LIKE 'Ssl_cipher'");
      assert.notEqual(r.rows![0]![1], '');
    } finally {
      await t.close();
    }
  });

  it('fails a URL asking for TLS when the certificate does not verify', async () => {
    await rejectsWith(
      connectTarget(parseTargetUrl(`${schema.url}?ssl=true`), opts),
      ChangegateError,
      tlsFailed(schema.url),
    );
  });

  it('plain TCP when the URL does not ask', async () => {
    const t = await connectTarget(parseTargetUrl(schema.url), opts);
    try {
      const r = await t.session.run("SHOW SESSION STATUS LIKE 'Ssl_cipher'");
      assert.equal(r.rows![0]![1], '');
    } finally {
      await t.close();
    }
  });

  it('an AWS target always verifies, against the RDS bundle plus ca_file', async () => {
    const spec = parseTargetUrl(schema.url);
    await rejectsWith(
      connectTarget({ ...spec, tls: { mode: 'aws' } }, opts),
      ChangegateError,
      tlsFailed(schema.url),
    );
    const t = await connectTarget({ ...spec, tls: { mode: 'aws', caFile } }, opts);
    await t.close();
  });

  it('names an unreadable CA file', async () => {
    await rejectsWith(
      connectTarget({ ...parseTargetUrl(schema.url), tls: { mode: 'aws', caFile: '/nonexistent/ca.pem' } }, opts),
      UsageError,
      'cannot read the TLS CA file /nonexistent/ca.pem for local: ENOENT',
    );
  });
});

describe('mysql adapter: the apply session', function () {
  let server: TestServer;
  let schema: { name: string; url: string; drop(): Promise<void> };
  let t: Target;

  before(async () => {
    server = await getServer();
    schema = await server.freshSchema('session');
  });
  beforeEach(async () => {
    t = await connectTarget(parseTargetUrl(schema.url), { ...opts, lockWaitTimeout: 1 });
  });
  afterEach(async () => t?.close());
  after(async () => schema?.drop());

  it('runs DDL, DML and queries through the text protocol', async () => {
    const s = t.session;
    assert.deepEqual(await s.run('CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(20))'), { rows: null, affectedRows: 0 });
    assert.deepEqual(await s.run("INSERT INTO items VALUES (1, 'a'), (2, 'b')"), { rows: null, affectedRows: 2 });
    assert.deepEqual(await s.run('SELECT id, name FROM items ORDER BY id'), { rows: [[1, 'a'], [2, 'b']], affectedRows: 0 });
    assert.deepEqual(await s.run('SELECT id FROM items WHERE id > 5'), { rows: [], affectedRows: 0 });
    await s.commit();
  });

  it('sends a compound procedure body as one statement, and CALL returns its first result set', async () => {
    const s = t.session;
    await s.run('CREATE TABLE p_items (id INT)');
    await s.run(`CREATE PROCEDURE fill(IN n INT)
      BEGIN
        DECLARE i INT DEFAULT 0;
        WHILE i < n DO INSERT INTO p_items VALUES (i); SET i = i + 1; END WHILE;
        SELECT COUNT(*) FROM p_items;
      END`);
    assert.deepEqual(await s.run('CALL fill(3)'), { rows: [[3]], affectedRows: 0 });
  });

  it('sends a statement with question marks as written, and fills the placeholders of its own queries', async () => {
    assert.deepEqual(await t.session.run("SELECT 'why?' AS a, `??` FROM (SELECT 1 AS `??`) AS q"), { rows: [['why?', 1]], affectedRows: 0 });
    const [row] = await t.connection.query<{ a: number; b: string; c: string }>("SELECT ? AS a, 'x?' AS b, ? AS c", [5, "it's"]);
    assert.deepEqual({ ...row }, { a: 5, b: 'x?', c: "it's" });
    // A lone `?` outside quotes is the server's syntax error, not a value changegate made up.
    const e = await t.session.run('SELECT ?').catch((x: unknown) => x);
    assert.ok(e instanceof StatementError);
    assert.equal(e.errno, 1064);
  });

  it('refuses two statements in one call', async () => {
    const e = await t.session.run('SELECT 1; SELECT 2').catch((x: unknown) => x);
    assert.ok(e instanceof StatementError);
    assert.equal(e.errno, 1064);
  });

  it('keeps DML until commit, and rollback undoes it', async () => {
    const s = t.session;
    await s.run('CREATE TABLE tx (id INT PRIMARY KEY)');
    await s.run('INSERT INTO tx VALUES (1)');
    await s.rollback();
    assert.deepEqual((await s.run('SELECT COUNT(*) FROM tx')).rows, [[0]]);
    await s.run('INSERT INTO tx VALUES (2)');
    await s.commit();
    const [row] = await server.adminQuery<{ n: number }>(`SELECT COUNT(*) AS n FROM \`${schema.name}\`.tx`);
    assert.equal(row!.n, 1);
  });

  it('fails a DDL statement fast behind a metadata lock (lock_wait_timeout)', async () => {
    await t.session.run('CREATE TABLE mdl (id INT)');
    const blocker = await connectTarget(parseTargetUrl(schema.url), opts);
    try {
      await blocker.session.run('SELECT * FROM mdl'); // autocommit off: the open transaction holds the table's metadata lock
      const started = Date.now();
      const e = await t.session.run('ALTER TABLE mdl ADD COLUMN x INT').catch((x: unknown) => x);
      assert.ok(e instanceof StatementError);
      assert.equal(e.errno, 1205);
      assert.equal(e.connectionLost, false);
      assert.ok(Date.now() - started < 5000);
      assert.match(
        e.message,
        new RegExp(`^Lock wait timeout exceeded; try restarting transaction \\(sessions that may hold the lock: .*connection ${blocker.session.connectionId}, idle in a transaction for \\d+ s`),
      );
    } finally {
      await blocker.close();
    }
  });

  it('says the connection was lost when the session is killed', async () => {
    await server.adminQuery(`KILL ${t.session.connectionId}`);
    const e = await t.session.run('SELECT 1').catch((x: unknown) => x);
    assert.ok(e instanceof StatementError);
    assert.equal(e.connectionLost, true);
    const again = await t.session.run('SELECT 1').catch((x: unknown) => x);
    assert.ok(again instanceof StatementError && again.connectionLost);
  });

  it('says the connection was lost when a running statement is killed', async () => {
    const running = t.session.run('SELECT SLEEP(20)').catch((x: unknown) => x);
    await new Promise((r) => setTimeout(r, 300));
    await server.adminQuery(`KILL ${t.session.connectionId}`);
    const e = await running;
    assert.ok(e instanceof StatementError, inspect(e));
    assert.equal(e.connectionLost, true);
  });

  it('tells whether a connection is alive from the processlist', async () => {
    const other = await connectTarget(parseTargetUrl(schema.url), opts);
    const id = other.session.connectionId;
    const sleeping = other.session.run('SELECT SLEEP(4)');
    await new Promise((r) => setTimeout(r, 1200));
    const busy = await t.inspector.process(id);
    assert.equal(busy.alive, true);
    assert.equal(busy.info, 'SELECT SLEEP(4)');
    assert.ok(busy.seconds! >= 1, String(busy.seconds));
    await sleeping;
    const idle = await t.inspector.process(id);
    assert.equal(idle.alive, true);
    assert.equal(idle.info, 'Sleep');
    await other.close();
    for (let i = 0; i < 50 && (await t.inspector.process(id)).alive; i++) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(await t.inspector.process(id), { alive: false });
  });
});
