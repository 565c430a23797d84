// Fleets through the real executable against throwaway servers: 200 tenant schemas applied 8 at a
// time, one tenant prepared to fail, stop_after_failures and a failing canary starting nothing
// more, a run killed with SIGKILL halfway and run again (every tenant applied exactly once), a fleet
// of two servers, --target, one Slack message per fleet run, and the configuration's refusals.
import { strict as assert } from 'node:assert';
import { rmSync } from 'node:fs';
import mysql from 'mysql2/promise';
import { getServer, startServer, type TestServer } from './helpers/mysql-server.js';
import { makeRepo, manifest, runCli, startCli, writeFiles } from './helpers/cli.js';
import { Recorder } from './helpers/recorder.js';

const ID = '2026-12-01-tenant-notes';

// A fleet config over the servers in `urls` (variable name -> URL), tenants matching `like`.
function fleetConfig(vars: string[], like: string, fleet: string, extra = ''): string {
  const targets = vars.map((v) => `      - { url_env: ${v} }`).join('\n');
  return [
    'database: tenantdb',
    'server: { min_version: "5.5" }',
    'ticket_pattern: "^T-[0-9]+$"',
    'environments:',
    '  prod:',
    '    targets:',
    targets,
    `    schemas: { like: "${like}" }`,
    `    fleet: ${fleet}`,
    '    lock_timeout: 1',
    extra,
  ].join('\n') + '\n';
}

interface FleetJson {
  environment: string;
  shard: string | null;
  targets: { target: string; result: string; duration_ms: number; error?: { code: string; message: string }; changes?: { id: string; result: string }[] }[];
  summary: Record<string, number>;
}

describe('fleets: one change over many tenant schemas (CLI, real servers)', function () {
  this.timeout(300_000);
  let server: TestServer;
  let repo: string;
  let prefix: string;
  let run = 0;

  before(async () => {
    server = await getServer();
  });
  beforeEach(() => {
    run++;
    prefix = `fl${run}_`;
    repo = makeRepo({});
  });
  afterEach(async () => {
    rmSync(repo, { recursive: true, force: true });
    for (const r of await server.adminQuery<{ n: string }>('SELECT SCHEMA_NAME AS n FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE ?', [`${prefix}%`])) {
      await server.adminQuery(`DROP DATABASE \`${r.n}\``);
    }
  });

  // `count` tenant schemas `<prefix>t000`.. on `on`, each with a notes table.
  async function tenants(on: TestServer, count: number, p = prefix): Promise<string[]> {
    const names = Array.from({ length: count }, (_, i) => `${p}t${String(i).padStart(3, '0')}`);
    const conn = await mysql.createConnection({ host: on.host, port: on.port, user: on.user, password: on.password, multipleStatements: true });
    try {
      for (const n of names) {
        await conn.query(`CREATE DATABASE \`${n}\`; CREATE TABLE \`${n}\`.notes (id INT NOT NULL PRIMARY KEY, body VARCHAR(40) NOT NULL) ENGINE=InnoDB`);
      }
    } finally {
      await conn.end();
    }
    return names;
  }
  async function q<T = Record<string, unknown>>(on: TestServer, sql: string, values: unknown[] = []): Promise<T[]> {
    return on.adminQuery<T>(sql, values);
  }
  // The change: a column, then two rows; rerunning any statement would fail or double a row.
  function change(sql = 'ALTER TABLE notes ADD COLUMN author VARCHAR(20) NULL;\nINSERT INTO notes (id, body) VALUES (1, \'one\');\nINSERT INTO notes (id, body) VALUES (2, \'two\');\n'): void {
    writeFiles(repo, { ...manifest(ID), [`migrations/${ID}/up.sql`]: sql });
  }
  function config(fleet: string, vars = ['FLEET_URL'], extra = ''): void {
    writeFiles(repo, { 'changegate.yaml': fleetConfig(vars, `${prefix.replace(/_/g, '\\\\_')}t%`, fleet, extra) });
  }
  const env = (extra: Record<string, string> = {}) => ({ FLEET_URL: server.url(), ...extra });
  async function historyOf(on: TestServer, schema: string): Promise<{ status: string; applied: number } | undefined> {
    const has = await q(on, "SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'changegate_history'", [schema]);
    if (has.length === 0) return undefined;
    const rows = await q<{ status: string; applied: number }>(on, `SELECT status, statements_applied AS applied FROM \`${schema}\`.changegate_history WHERE change_id = ?`, [ID]);
    return rows[0] ? { status: rows[0].status, applied: Number(rows[0].applied) } : undefined;
  }
  const notes = async (on: TestServer, schema: string) => (await q<{ c: number }>(on, `SELECT COUNT(*) AS c FROM \`${schema}\`.notes`))[0]!.c;
  const target = (schema: string) => `FLEET_URL/${schema}`;

  it('applies 200 tenants 8 at a time; the one prepared to fail is named, the others applied, exit 1', async () => {
    const names = await tenants(server, 200);
    const bad = names[117]!;
    await q(server, `ALTER TABLE \`${bad}\`.notes ADD COLUMN author VARCHAR(20) NULL`);
    config('{ parallel: 8, stop_after_failures: 5 }');
    change();
    const res = await runCli(['--format', 'json', 'apply', '--env', 'prod'], { cwd: repo, env: env() });
    assert.equal(res.code, 1, res.stderr);
    const doc = JSON.parse(res.stdout) as FleetJson;
    assert.deepEqual(doc.summary, { applied: 199, failed: 1 });
    assert.equal(doc.targets.length, 200);
    assert.deepEqual(doc.targets.map((t) => t.target), names.map(target));
    const failed = doc.targets.find((t) => t.result === 'failed')!;
    assert.equal(failed.target, target(bad));
    assert.equal(failed.error!.code, 'failed');
    const why = "2026-12-01-tenant-notes: statement 1 of 3 failed at migrations/2026-12-01-tenant-notes/up.sql:1: Duplicate column name 'author'. No statement of this change is applied. To go on, fix forward with a new change, or edit statements 1-3 of this change and run apply again";
    assert.equal(failed.error!.message, why);
    assert.deepEqual(failed.changes!.map((c) => c.result), ['failed']);
    for (const n of names) {
      const h = await historyOf(server, n);
      if (n === bad) assert.deepEqual(h, { status: 'failed', applied: 0 });
      else assert.deepEqual(h, { status: 'applied', applied: 3 }, n);
      assert.equal(Number(await notes(server, n)), n === bad ? 0 : 2, n);
    }
    // The text: a line for the target that failed, and the counts.
    const text = await runCli(['apply', '--env', 'prod'], { cwd: repo, env: env() });
    assert.equal(text.code, 1);
    const lines = text.stdout.trim().split('\n');
    assert.equal(lines[0], 'prod: 200 target(s), 8 at a time');
    assert.equal(lines[1], `${target(bad)}: failed: ${why}`);
    assert.equal(lines[2], 'prod: 200 targets: 199 nothing-pending, 1 failed');
    assert.equal(lines.length, 3, text.stdout);
  });

  it('after stop_after_failures failures starts no new target, and a rerun applies only what is pending', async () => {
    const names = await tenants(server, 30);
    await q(server, `ALTER TABLE \`${names[3]}\`.notes ADD COLUMN author VARCHAR(20) NULL`);
    config('{ parallel: 2, stop_after_failures: 1 }');
    change();
    const res = await runCli(['--format', 'json', 'apply', '--env', 'prod'], { cwd: repo, env: env() });
    assert.equal(res.code, 1, res.stderr);
    const doc = JSON.parse(res.stdout) as FleetJson;
    const by = (r: string) => doc.targets.filter((t) => t.result === r).map((t) => t.target);
    assert.deepEqual(by('failed'), [target(names[3]!)]);
    // Targets 0-2 ran before the failure, at most one more beside it: two at a time.
    assert.ok(by('applied').length >= 3 && by('applied').length <= 4, JSON.stringify(doc.summary));
    assert.equal(by('not-run').length, 30 - 1 - by('applied').length);
    for (const t of doc.targets.filter((t) => t.result === 'not-run')) {
      assert.deepEqual(t.error, { code: 'not-run', message: 'not started: 1 target(s) failed (stop_after_failures: 1)' });
      assert.equal(await historyOf(server, t.target.split('/')[1]!), undefined, t.target);
    }
    // Fixed, the rerun applies what is still pending anywhere and nothing twice.
    await q(server, `ALTER TABLE \`${names[3]}\`.notes DROP COLUMN author`);
    writeFiles(repo, {});
    const again = await runCli(['--format', 'json', 'apply', '--env', 'prod'], { cwd: repo, env: env() });
    const second = JSON.parse(again.stdout) as FleetJson;
    assert.equal(again.code, 0, again.stderr);
    // The failed tenant had no statement applied, so its change runs again from the first.
    assert.deepEqual(second.summary, { applied: by('not-run').length + 1, 'nothing-pending': by('applied').length });
    for (const n of names) assert.deepEqual(await historyOf(server, n), { status: 'applied', applied: 3 }, n);
    for (const n of names) assert.equal(Number(await notes(server, n)), 2, n);
  });

  it('a canary that fails runs nothing else', async () => {
    const names = await tenants(server, 12);
    await q(server, `ALTER TABLE \`${names[0]}\`.notes ADD COLUMN author VARCHAR(20) NULL`);
    config('{ parallel: 4, canary: 1, stop_after_failures: 10 }');
    change();
    const res = await runCli(['--format', 'json', 'apply', '--env', 'prod'], { cwd: repo, env: env() });
    assert.equal(res.code, 1);
    const doc = JSON.parse(res.stdout) as FleetJson;
    assert.deepEqual(doc.summary, { failed: 1, 'not-run': 11 });
    assert.equal(doc.targets[0]!.target, target(names[0]!));
    assert.deepEqual(doc.targets[1]!.error, { code: 'not-run', message: `not started: canary ${target(names[0]!)} did not apply` });
    for (const n of names.slice(1)) assert.equal(await historyOf(server, n), undefined, n);
  });

  it('killed with SIGKILL halfway, then run again: every tenant applied exactly once', async () => {
    const names = await tenants(server, 60);
    config('{ parallel: 6 }');
    // Rows only: each commits with its progress record, so the kill leaves nothing in doubt.
    change("INSERT INTO notes (id, body) VALUES (1, 'one');\nINSERT INTO notes (id, body) VALUES (2, 'two');\nINSERT INTO notes (id, body) SELECT 3, CONCAT(body, '+') FROM notes WHERE id = 1;\n");
    const { child, done } = startCli(['apply', '--env', 'prod'], { cwd: repo, env: env() });
    let ended = false;
    void done.then(() => (ended = true));
    // Kill once about half of the tenants have recorded the change.
    for (;;) {
      assert.ok(!ended, 'the run ended before it was killed');
      const rows = await q<{ c: number }>(server, "SELECT COUNT(*) AS c FROM information_schema.TABLES WHERE TABLE_NAME = 'changegate_history' AND TABLE_SCHEMA LIKE ?", [`${prefix}%`]);
      if (Number(rows[0]!.c) >= 30) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGKILL');
    const killed = await done;
    assert.equal(killed.signal, 'SIGKILL');
    const untouched = [];
    for (const n of names) if ((await historyOf(server, n))?.status !== 'applied') untouched.push(n);
    assert.ok(untouched.length > 0, 'the kill came before the end');
    const again = await runCli(['--format', 'json', 'apply', '--env', 'prod'], { cwd: repo, env: env() });
    assert.equal(again.code, 0, again.stdout + again.stderr);
    const doc = JSON.parse(again.stdout) as FleetJson;
    assert.equal(doc.summary['applied'], untouched.length, JSON.stringify(doc.summary));
    for (const n of names) {
      assert.deepEqual(await historyOf(server, n), { status: 'applied', applied: 3 }, n);
      assert.deepEqual(await q(server, `SELECT id, body FROM \`${n}\`.notes ORDER BY id`), [{ id: 1, body: 'one' }, { id: 2, body: 'two' }, { id: 3, body: 'one+' }], n);
    }
  });

  it('a fleet of two servers: the schemas on each are targets named server/schema; --target picks some', async () => {
    const other = await startServer();
    try {
      const here = await tenants(server, 5);
      const there = await tenants(other, 4);
      config('{ parallel: 3, stop_after_failures: 2 }', ['FLEET_URL', 'OTHER_URL']);
      change();
      const e = env({ OTHER_URL: other.url() });
      // The same schema names on both servers: a bare schema name is ambiguous.
      const ambiguous = await runCli(['apply', '--env', 'prod', '--target', here[1]!], { cwd: repo, env: e });
      assert.equal(ambiguous.code, 2);
      assert.equal(ambiguous.stderr, `error: --target ${here[1]} names 2 targets of prod (FLEET_URL/${here[1]}, OTHER_URL/${here[1]}); give server/schema\n`);
      const one = await runCli(['--format', 'json', 'apply', '--env', 'prod', '--target', `OTHER_URL/${there[2]}`, '--target', `FLEET_URL/${here[1]}`], { cwd: repo, env: e });
      assert.equal(one.code, 0, one.stdout + one.stderr);
      assert.deepEqual((JSON.parse(one.stdout) as FleetJson).targets.map((t) => [t.target, t.result]), [[`FLEET_URL/${here[1]}`, 'applied'], [`OTHER_URL/${there[2]}`, 'applied']]);
      const all = await runCli(['--format', 'json', 'apply', '--env', 'prod'], { cwd: repo, env: e });
      assert.equal(all.code, 0, all.stderr);
      const doc = JSON.parse(all.stdout) as FleetJson;
      assert.deepEqual(doc.targets.map((t) => t.target), [...here.map((n) => `FLEET_URL/${n}`), ...there.map((n) => `OTHER_URL/${n}`)]);
      assert.deepEqual(doc.summary, { applied: 7, 'nothing-pending': 2 });
      for (const n of there) assert.deepEqual(await historyOf(other, n), { status: 'applied', applied: 3 }, n);
      // A server that cannot be reached is one failed entry; the other server's targets still run.
      writeFiles(repo, { [`changes/2026-12-02-more.yaml`]: 'title: more\nticket: T-2\ndestructive: false\napply:\n  - migrations/2026-12-02-more/up.sql\n', 'migrations/2026-12-02-more/up.sql': "INSERT INTO notes (id, body) VALUES (9, 'nine');\n" });
      await other.stop();
      const half = await runCli(['--format', 'json', 'apply', '--env', 'prod'], { cwd: repo, env: e });
      assert.equal(half.code, 1, half.stderr);
      const hd = JSON.parse(half.stdout) as FleetJson;
      assert.deepEqual(hd.summary, { applied: 5, failed: 1 });
      assert.equal(hd.targets[0]!.target, 'OTHER_URL/*');
      assert.equal(hd.targets[0]!.error!.message, `cannot connect to prod (OTHER_URL) as ${other.user}@127.0.0.1:${other.port} (URL from OTHER_URL): connect ECONNREFUSED 127.0.0.1:${other.port}`);
    } finally {
      await other.stop().catch(() => undefined);
    }
  });

  it('tells Slack once per fleet run, with the counts and the targets that did not apply', async () => {
    const rec = await new Recorder().start();
    try {
      const names = await tenants(server, 10);
      await q(server, `ALTER TABLE \`${names[4]}\`.notes ADD COLUMN author VARCHAR(20) NULL`);
      config('{ parallel: 3, stop_after_failures: 3 }', ['FLEET_URL'], 'notify:\n  slack: { webhook_env: SLACK_URL }');
      change();
      const res = await runCli(['apply', '--env', 'prod'], { cwd: repo, env: env({ SLACK_URL: rec.slackUrl }) });
      assert.equal(res.code, 1, res.stderr);
      const posts = rec.requests.filter((r) => r.path.startsWith('/slack/'));
      assert.equal(posts.length, 1);
      const body = posts[0]!.body as { text: string; blocks: { text?: { text: string } }[] };
      assert.equal(body.text, 'changegate: FAILED on 1 of 10 targets of prod (tenantdb) (T-1)');
      assert.ok(body.blocks.some((b) => b.text?.text.startsWith(`*Targets*: 9 applied, 1 failed\n• FLEET_URL/${names[4]}: failed (`)), JSON.stringify(body.blocks));
    } finally {
      await rec.close();
    }
  });

  it('refuses a wrong fleet configuration, a --target that names nothing and a --shard that is not i/N, exit 2', async () => {
    await tenants(server, 2);
    change();
    writeFiles(repo, { 'changegate.yaml': fleetConfig(['FLEET_URL'], 'x%', '{ parallel: 2 }').replace('    targets:\n', '    url_env: FLEET_URL\n    targets:\n') });
    const both = await runCli(['validate'], { cwd: repo, env: env() });
    assert.equal(both.code, 2);
    assert.ok(both.stdout.includes('changegate.yaml:6:14  error CG024  environments.prod.url_env  cannot stand beside targets: each target names its own server; move it into targets'), both.stdout);
    writeFiles(repo, { 'changegate.yaml': fleetConfig(['FLEET_URL'], 'x%', '{ parallel: 2 }').replace('      - { url_env: FLEET_URL }', '      - { url_env: FLEET_URL, cluster: abc }') });
    const two = await runCli(['validate'], { cwd: repo, env: env() });
    assert.ok(two.stdout.includes('error CG024  environments.prod.targets[0]  names cluster and url_env; each target names exactly one: cluster, instance or url_env'), two.stdout);
    config('{ parallel: 2 }');
    const unknown = await runCli(['apply', '--env', 'prod', '--target', 'nosuch'], { cwd: repo, env: env() });
    assert.equal(unknown.code, 2);
    assert.equal(unknown.stderr, `error: --target nosuch is not a target of prod; its 2 target(s) are named server/schema, such as FLEET_URL/${prefix}t000, FLEET_URL/${prefix}t001\n`);
    const shard = await runCli(['apply', '--env', 'prod', '--shard', '3/2'], { cwd: repo, env: env() });
    assert.equal(shard.code, 2);
    assert.equal(shard.stderr, 'error: --shard must be i/N with 1 <= i <= N, such as 2/8, not "3/2"\n');
  });
});
