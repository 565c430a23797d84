// A server that goes silent and a runner that vanishes, through the real executable: a loopback proxy
// that stops forwarding without closing anything stands for a partition or a failover in progress,
// SIGSTOP for a frozen runner. The run stops within its bound with one line, the server ends the
// sessions of a runner that vanished within the idle bound (twice unreachable_timeout), and every
// statement ends up applied exactly once.
import { strict as assert } from 'node:assert';
import { rmSync } from 'node:fs';
import mysql from 'mysql2/promise';
import { getServer, type TestServer } from './helpers/mysql-server.js';
import { localConfig, makeRepo, manifest, runCli, startCli } from './helpers/cli.js';
import { SilentProxy } from './helpers/silent-proxy.js';

const ID = '2026-12-07-trace';
// Statement 3 takes a second on the server, so that the test can silence the network (or freeze the
// runner) while it runs; every statement leaves one row in trace, so a statement run twice shows.
const UP = [
  'CREATE TABLE trace (v VARCHAR(8) NOT NULL)',
  "INSERT INTO trace VALUES ('s2')",
  "INSERT INTO trace SELECT 's3' FROM (SELECT SLEEP(1) AS z) AS pause",
  'CREATE TABLE done4 (id INT)',
  "INSERT INTO trace VALUES ('s5')",
].join(';\n') + ';\n';

describe('a server that goes silent, a runner that vanishes (CLI)', function () {
  this.timeout(120_000);
  let server: TestServer;
  let schema: { name: string; url: string; drop(): Promise<void> };
  let repo: string;

  before(async () => {
    server = await getServer();
  });
  beforeEach(async () => {
    schema = await server.freshSchema('silent');
    // unreachable_timeout 2: the run stops after 2 s of silence; the server ends idle sessions after 4 s.
    repo = makeRepo({
      'changegate.yaml': localConfig('    unreachable_timeout: 2'),
      ...manifest(ID),
      [`migrations/${ID}/up.sql`]: UP,
    });
  });
  afterEach(async () => {
    await schema.drop();
    rmSync(repo, { recursive: true, force: true });
  });

  async function trace(): Promise<string[]> {
    const conn = await mysql.createConnection(schema.url);
    try {
      const [rows] = await conn.query('SELECT v FROM trace ORDER BY v');
      return (rows as { v: string }[]).map((r) => r.v);
    } finally {
      await conn.end();
    }
  }

  // Resolves once the child has printed a line matching `re` on stdout.
  function printed(child: ReturnType<typeof startCli>['child'], re: RegExp, what: string): Promise<void> {
    return new Promise((resolve, reject) => {
      let seen = '';
      const onData = (d: Buffer) => {
        seen += d.toString();
        if (re.test(seen)) {
          child.stdout!.off('data', onData);
          resolve();
        }
      };
      child.stdout!.on('data', onData);
      child.once('close', () => reject(new Error(`the run ended before printing ${what}:\n${seen}`)));
    });
  }

  it('stops within the bound when the server goes silent mid-statement, naming it; the rerun finishes exactly once', async () => {
    const proxy = await SilentProxy.start('127.0.0.1', Number(new URL(schema.url).port));
    try {
      const run = startCli(['apply', '--env', 'local'], { cwd: repo, env: { TEST_URL: proxy.url(schema.url) } });
      await printed(run.child, /3\/5/, 'the start of statement 3');
      proxy.silence();
      const r = await run.done;
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(
        r.stderr,
        new RegExp(
          '^error: local: the server has not answered for [23] s; statement 3 of 2026-12-07-trace \\(migrations/2026-12-07-trace/up\\.sql:3\\) ' +
            'was the last one started, and its outcome is unknown\\. Run apply again: it resumes where the history says, and settles an unknown ' +
            'statement as it does after a crash$',
          'm',
        ),
      );
      assert.doesNotMatch(r.stderr, /at .*\.js:\d+/, 'no stack');
      // The silenced runner's sessions still hold the lock on the server; the server ends them within
      // the idle bound (4 s), so a rerun that waits at most 6 s for the lock gets it.
      const again = await runCli(['apply', '--env', 'local', '--lock-timeout', '6'], { cwd: repo, env: { TEST_URL: schema.url } });
      assert.equal(again.code, 0, again.stdout + again.stderr);
      assert.deepEqual(await trace(), ['s2', 's3', 's5']);
      const status = await runCli(['status', '--env', 'local', '--format', 'json'], { cwd: repo, env: { TEST_URL: schema.url } });
      assert.equal(JSON.parse(status.stdout).changes[0].status, 'applied');
    } finally {
      proxy.resume();
      await proxy.close();
    }
  });

  it('a frozen runner is taken over within the idle bound, and stops without running another statement when it wakes', async () => {
    const first = startCli(['apply', '--env', 'local'], { cwd: repo, env: { TEST_URL: schema.url } });
    await printed(first.child, /3\/5/, 'the start of statement 3');
    first.child.kill('SIGSTOP');
    try {
      // The frozen runner's sessions end once idle for 4 s: the second run waits for its lock, no longer.
      const second = await runCli(['apply', '--env', 'local', '--lock-timeout', '6'], { cwd: repo, env: { TEST_URL: schema.url } });
      assert.equal(second.code, 0, second.stdout + second.stderr);
      assert.deepEqual(await trace(), ['s2', 's3', 's5']);
    } finally {
      first.child.kill('SIGCONT');
    }
    const woke = await first.done;
    assert.equal(woke.code, 1, woke.stdout + woke.stderr);
    assert.match(
      woke.stderr,
      /^error: local: (this runner was frozen for \d+ s \(its process did not run\), long enough for the server to end its sessions and for another run to take over; it stops here without running another statement|the run lock's connection was lost \(.+\); another run may hold the target now); statement 3 of 2026-12-07-trace \(migrations\/2026-12-07-trace\/up\.sql:3\) was the last one started, and its outcome is unknown\. Run apply again: it resumes where the history says, and settles an unknown statement as it does after a crash$/m,
    );
    assert.deepEqual(await trace(), ['s2', 's3', 's5'], 'the woken runner ran nothing more');
    const status = await runCli(['status', '--env', 'local', '--format', 'json'], { cwd: repo, env: { TEST_URL: schema.url } });
    assert.equal(JSON.parse(status.stdout).changes[0].status, 'applied');
  });

  it('a read-only command stops within its bound when the server is silent from the start', async () => {
    const proxy = await SilentProxy.start('127.0.0.1', Number(new URL(schema.url).port));
    proxy.silence();
    try {
      const r = await runCli(['status', '--env', 'local'], { cwd: repo, env: { TEST_URL: proxy.url(schema.url) } });
      assert.equal(r.code, 1, r.stdout + r.stderr);
      const u = new URL(proxy.url(schema.url));
      assert.equal(r.stderr.trim(), `error: cannot connect to local as ${decodeURIComponent(u.username)}@${u.hostname}:${u.port} (URL from TEST_URL): connect ETIMEDOUT`);
    } finally {
      await proxy.close();
    }
  });
});
