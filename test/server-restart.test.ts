// The other side fails too: the server is SIGKILLed in the middle of an apply (inside a DDL statement,
// inside a DML batch, during verify, at moments in between) and restarted on the same datadir, and a
// dozen clients of the same user reconnect at once and take the low connection ids, as applications
// do. Or the server kills the runner's own connection. Every statement must take effect exactly once,
// and the rerun must never wait for, or advise killing, a connection that is not ours.
import { strict as assert } from 'node:assert';
import { rmSync } from 'node:fs';
import mysql from 'mysql2/promise';
import { startServer, type TestServer } from './helpers/mysql-server.js';
import { localConfig, makeRepo, manifest, runCli, startCli } from './helpers/cli.js';

const PAIRS = 12;
const ID = '2026-01-02-mix';

// Slow on purpose, so a kill lands inside them: a DDL statement (CREATE ... SELECT) and a DML
// statement, each about 0.15 s, alternating; each leaves a mark that shows it took effect.
function statements(): string[] {
  const out: string[] = ['CREATE TABLE trace (v VARCHAR(20) NOT NULL)'];
  for (let i = 1; i <= PAIRS; i++) {
    out.push(`CREATE TABLE t_${i} (id INT PRIMARY KEY) SELECT ${i} AS id FROM DUAL WHERE SLEEP(0.15) = 0`);
    out.push(`INSERT INTO trace (v) SELECT 'd_${i}' FROM DUAL WHERE SLEEP(0.15) = 0`);
  }
  return out;
}

describe('server crashes and restarts during apply', function () {
  this.timeout(600_000);
  let server: TestServer;
  let schema: { name: string; url: string; drop(): Promise<void> };
  let repo: string;
  const env = () => ({ TEST_URL: schema.url });
  const strangers: mysql.Connection[] = [];

  before(async () => {
    server = await startServer();
    schema = await server.freshSchema('restart');
    repo = makeRepo({
      'changegate.yaml': localConfig(),
      ...manifest(ID, {
        extra: 'lint: { ignore: [CG207, CG301] }',
        verify: `verify:\n  - name: every mark\n    sql: SELECT COUNT(*) + SLEEP(0.3) FROM trace\n    expect: ${PAIRS}`,
      }),
      [`migrations/${ID}/up.sql`]: statements().join(';\n') + ';\n',
    });
  });
  after(async () => {
    for (const c of strangers) c.destroy();
    await server?.stop();
    if (repo) rmSync(repo, { recursive: true, force: true });
  });

  async function processWith(text: string): Promise<number | undefined> {
    const rows = await server.adminQuery<{ ID: number }>('SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE ? AND ID <> CONNECTION_ID()', [`${text}%`]);
    return rows[0]?.ID;
  }

  async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      const v = await probe().catch(() => undefined);
      if (v !== undefined) return v;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  // After a restart, applications reconnect at once as the same user: they take the low ids, and
  // some run a long query, as the one that held the dead runner's id in the report did.
  async function reconnectApplications(): Promise<void> {
    for (const c of strangers.splice(0)) c.destroy();
    for (let i = 0; i < 12; i++) {
      const c = await mysql.createConnection(server.url(schema.name));
      strangers.push(c);
      if (i % 2 === 0) void c.query('SELECT SLEEP(8)').catch(() => undefined);
    }
  }

  /** Runs apply until it finishes, resolving an in-doubt DDL statement by looking at the schema. */
  async function finish(): Promise<string> {
    let transcript = '';
    for (let attempt = 0; attempt < 4; attempt++) {
      const r = await runCli(['apply', '--env', 'local', '--in-flight-wait', '3'], { cwd: repo, env: env() });
      transcript += r.stdout + r.stderr;
      assert.doesNotMatch(r.stdout + r.stderr, /still executing|KILL|this is a bug/, r.stdout + r.stderr);
      if (r.code === 0) return transcript;
      const doubt = /statement (\d+) of \d+ was in flight in local when its connection \d+ was lost/.exec(r.stderr);
      assert.ok(doubt, `apply failed without an in-doubt statement: ${r.stderr}`);
      const n = Number(doubt[1]);
      const table = /CREATE TABLE (\w+)/.exec(statements()[n - 1]!)![1]!;
      const [exists] = await server.adminQuery<{ n: number }>('SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?', [schema.name, table]);
      const status = await runCli(['--format', 'json', 'status', '--env', 'local'], { cwd: repo, env: env() });
      assert.equal((JSON.parse(status.stdout) as { changes: { status: string }[] }).changes[0]!.status, 'in-doubt');
      const resolved = await runCli(['resolve', ID, '--env', 'local', '--statement', String(n), Number(exists!.n) === 1 ? '--applied' : '--not-applied'], { cwd: repo, env: env() });
      assert.equal(resolved.code, 0, resolved.stderr);
    }
    assert.fail(`apply did not finish: ${transcript}`);
  }

  async function assertExactlyOnce(): Promise<void> {
    const tables = await server.adminQuery<{ t: string }>("SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME LIKE 't\\_%'", [schema.name]);
    assert.equal(tables.length, PAIRS);
    const marks = await server.adminQuery<{ v: string; n: number }>(`SELECT v, COUNT(*) AS n FROM \`${schema.name}\`.trace GROUP BY v ORDER BY v`);
    assert.deepEqual(marks.map((m) => [m.v, Number(m.n)]).sort(), Array.from({ length: PAIRS }, (_, i) => [`d_${i + 1}`, 1]).sort());
  }

  async function reset(): Promise<void> {
    await server.adminQuery(`DROP DATABASE \`${schema.name}\``);
    await server.adminQuery(`CREATE DATABASE \`${schema.name}\``);
  }

  // Where the server dies: while a statement whose text starts so runs, `after` ms into it; or at a
  // moment of the run (ms after the apply started), which lands between statements as often as not.
  const points: { name: string; text?: string; after: number }[] = [
    { name: 'inside DDL statement 2', text: 'CREATE TABLE t_1 ', after: 100 },
    { name: 'inside a DML statement after a DDL one', text: "INSERT INTO trace (v) SELECT 'd_2'", after: 100 },
    { name: 'right as a DDL statement starts', text: 'CREATE TABLE t_4 ', after: 0 },
    { name: 'inside DDL statement 11', text: 'CREATE TABLE t_5 ', after: 120 },
    { name: 'at the end of a DML statement', text: "INSERT INTO trace (v) SELECT 'd_6'", after: 140 },
    { name: 'inside DDL statement 15', text: 'CREATE TABLE t_7 ', after: 50 },
    { name: 'inside the last DML statement', text: `INSERT INTO trace (v) SELECT 'd_${PAIRS}'`, after: 100 },
    { name: 'during verify', text: 'SELECT COUNT(*) + SLEEP', after: 100 },
    { name: 'at 600 ms', after: 600 },
    { name: 'at 1,500 ms', after: 1500 },
    { name: 'at 2,700 ms', after: 2700 },
  ];

  for (const p of points) {
    it(`server SIGKILLed ${p.name}, restarted, applications take the low ids: every statement once`, async () => {
      await reset();
      const run = startCli(['apply', '--env', 'local'], { cwd: repo, env: env() });
      const started = Date.now();
      if (p.text) await waitFor(p.text, () => processWith(p.text!));
      await new Promise((r) => setTimeout(r, p.text ? p.after : Math.max(0, p.after - (Date.now() - started))));
      await server.crash!();
      const first = await run.done;
      if (first.code !== 0) {
        // The server went away under the run: one line that says which statement and that a rerun resumes
        // (or, on a slow machine where the crash comes before the first change, that the lock went with it).
        assert.equal(first.code, 1, first.stderr);
        assert.doesNotMatch(first.stderr, /this is a bug|\n {4}at /);
        assert.match(
          first.stderr.trim(),
          /^error: (\S+: the connection was lost while (statement \d+ \(\S+\) was in flight|verify "every mark" ran): .*\. (Run apply again|All \d+ statements are applied and recorded; run apply again to verify).*|the connection to the server was lost \(.*\); what ran is recorded in history: run the command again|refused: the run lock on local was lost \(its connection ended\); stopping before \S+, with everything before it recorded\. Run apply again)$/,
        );
        assert.equal(first.stderr.trim().split('\n').length, 1, first.stderr);
      }
      await server.restart!();
      await reconnectApplications();
      await finish();
      await assertExactlyOnce();
    });
  }

  for (const text of ['CREATE TABLE t_3 ', "INSERT INTO trace (v) SELECT 'd_8'", 'SELECT COUNT(*) + SLEEP']) {
    it(`the server kills the runner's connection while it runs ${text.trim()}: the rerun finishes, every statement once`, async () => {
      await reset();
      const run = startCli(['apply', '--env', 'local'], { cwd: repo, env: env() });
      const id = await waitFor(text, () => processWith(text));
      await new Promise((r) => setTimeout(r, 80));
      await server.adminQuery(`KILL ${id}`);
      const first = await run.done;
      assert.equal(first.code, 1, first.stdout + first.stderr);
      assert.doesNotMatch(first.stderr, /this is a bug|\n {4}at /);
      await finish();
      await assertExactlyOnce();
    });
  }
});
