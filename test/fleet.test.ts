// Fleets through the real executable against throwaway servers: 200 tenant schemas applied 8 at a
// time, one tenant prepared to fail, stop_after_failures and a failing canary starting nothing
// more, a run killed with SIGKILL halfway and run again (every tenant applied exactly once), a fleet
// of two servers, --target, one Slack message and one ticket comment per fleet run, and the
// configuration's refusals.
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
  async function tenants(on: TestServer, count: number, p = prefix, table = true): Promise<string[]> {
    const names = Array.from({ length: count }, (_, i) => `${p}t${String(i).padStart(3, '0')}`);
    const conn = await mysql.createConnection({ host: on.host, port: on.port, user: on.user, password: on.password, multipleStatements: true });
    try {
      for (const n of names) {
        await conn.query(`CREATE DATABASE \`${n}\`${table ? `; CREATE TABLE \`${n}\`.notes (id INT NOT NULL PRIMARY KEY, body VARCHAR(40) NOT NULL) ENGINE=InnoDB` : ''}`);
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
      // Across shards the unreachable server is reported once, so that the merge names it once.
      const files: string[] = [];
      for (const shard of ['1/3', '2/3', '3/3']) {
        const r = await runCli(['--format', 'json', 'apply', '--env', 'prod', '--shard', shard], { cwd: repo, env: e });
        writeFiles(repo, { [`s${shard[0]}.json`]: r.stdout });
        files.push(`s${shard[0]}.json`);
      }
      const merged = await runCli(['--format', 'json', 'merge', ...files], { cwd: repo, env: e });
      assert.equal(merged.code, 1, merged.stderr);
      const md = JSON.parse(merged.stdout) as FleetJson;
      assert.deepEqual(md.targets.filter((t) => t.target === 'OTHER_URL/*').length, 1);
      assert.deepEqual(md.summary, { failed: 1, 'nothing-pending': 5 });
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

  it('shards say nothing to Slack; the merge of their results sends the fleet\'s one message', async () => {
    const rec = await new Recorder().start();
    try {
      await tenants(server, 6);
      config('{ parallel: 2 }', ['FLEET_URL'], 'notify:\n  slack: { webhook_env: SLACK_URL }');
      change();
      const e = env({ SLACK_URL: rec.slackUrl });
      for (const shard of ['1/2', '2/2']) {
        const r = await runCli(['--format', 'json', 'apply', '--env', 'prod', '--shard', shard], { cwd: repo, env: e });
        assert.equal(r.code, 0, r.stderr);
        writeFiles(repo, { [`shard-${shard[0]}.json`]: r.stdout });
      }
      assert.equal(rec.requests.filter((r) => r.path.startsWith('/slack/')).length, 0);
      const merged = await runCli(['merge', 'shard-1.json', 'shard-2.json'], { cwd: repo, env: e });
      assert.equal(merged.code, 0, merged.stdout + merged.stderr);
      const posts = rec.requests.filter((r) => r.path.startsWith('/slack/'));
      assert.equal(posts.length, 1);
      assert.equal((posts[0]!.body as { text: string }).text, 'changegate: applied 1 change to prod (tenantdb) on 6 targets (T-1)');
    } finally {
      await rec.close();
    }
  });

  it('writes one ticket comment per fleet run at its end, and the merge of shards writes it once', async () => {
    const rec = await new Recorder().start();
    try {
      const names = await tenants(server, 4);
      await q(server, `ALTER TABLE \`${names[2]}\`.notes ADD COLUMN author VARCHAR(20) NULL`);
      const jira = `notify:\n  ticket:\n    jira: { url: "${rec.url}", token_env: JIRA_PAT }`;
      config('{ parallel: 2, stop_after_failures: 3 }', ['FLEET_URL'], jira);
      change();
      const e = env({ JIRA_PAT: 'pat-for-the-fleet' });
      const res = await runCli(['apply', '--env', 'prod'], { cwd: repo, env: e });
      assert.equal(res.code, 1, res.stderr);
      assert.deepEqual(rec.jiraComments.map((c) => [c.version, c.issue, c.authorization]), [[2, 'T-1', 'Bearer pat-for-the-fleet']]);
      const lines = String(rec.jiraComments[0]!.body).split('\n');
      assert.deepEqual(lines.slice(0, 3), ['changegate: FAILED on 1 of 4 targets of prod (tenantdb)', `* ${ID}: ${ID}`, 'Targets: 4 targets: 3 applied, 1 failed']);
      assert.ok(lines[3]!.startsWith(`Not applied: FLEET_URL/${names[2]}: failed (`), lines[3]);
      assert.deepEqual(lines.slice(4), ['Error:', '{noformat}', '1 of 4 targets did not apply', '{noformat}']);

      // Shards say nothing; their merge writes the run's one comment.
      await q(server, `ALTER TABLE \`${names[2]}\`.notes DROP COLUMN author`);
      for (const shard of ['1/2', '2/2']) {
        const r = await runCli(['--format', 'json', 'apply', '--env', 'prod', '--shard', shard], { cwd: repo, env: e });
        assert.ok(r.code === 0, r.stderr);
        writeFiles(repo, { [`shard-${shard[0]}.json`]: r.stdout });
      }
      assert.equal(rec.jiraComments.length, 1);
      const merged = await runCli(['merge', 'shard-1.json', 'shard-2.json'], { cwd: repo, env: e });
      assert.equal(merged.code, 0, merged.stdout + merged.stderr);
      assert.deepEqual(rec.jiraComments.slice(1).map((c) => c.body), [`changegate: applied 1 change to prod (tenantdb) on 4 targets\n* ${ID}: ${ID}\nTargets: 4 targets: 1 applied, 3 nothing-pending`]);
    } finally {
      await rec.close();
    }
  });

  it('a destructive change backs up each tenant in the shared backup schema; status and restore --target see only that tenant\'s', async () => {
    const backupSchema = `${prefix}bk`;
    const names = await tenants(server, 3);
    for (const n of names) await q(server, `INSERT INTO \`${n}\`.notes (id, body) VALUES (7, '${n}')`);
    config('{ parallel: 3 }', ['FLEET_URL'], `    snapshot: destructive\n    backup_schema: ${backupSchema}`);
    writeFiles(repo, { ...manifest(ID, { destructive: true }), [`migrations/${ID}/up.sql`]: 'DELETE FROM notes WHERE id = 7;\n' });
    const r = await runCli(['apply', '--env', 'prod'], { cwd: repo, env: env() });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    for (const n of names) assert.equal(Number(await notes(server, n)), 0, n);
    const st = await runCli(['--format', 'json', 'status', '--env', 'prod', '--target', target(names[1]!)], { cwd: repo, env: env() });
    const doc = JSON.parse(st.stdout) as FleetJson & { targets: { backups?: { id: string; change: string; rows: number }[] }[] };
    assert.equal(doc.targets.length, 1);
    assert.deepEqual(doc.targets[0]!.backups!.map((b) => [b.change, b.rows]), [[ID, 1]]);
    const restored = await runCli(['restore', ID, '--env', 'prod', '--target', target(names[1]!)], { cwd: repo, env: env() });
    assert.equal(restored.code, 0, restored.stdout + restored.stderr);
    assert.deepEqual(await q(server, `SELECT id, body FROM \`${names[1]}\`.notes`), [{ id: 7, body: names[1] }]);
    for (const n of [names[0]!, names[2]!]) assert.equal(Number(await notes(server, n)), 0, `${n} is not restored`);
    const none = await runCli(['restore', ID, '--env', 'prod'], { cwd: repo, env: env() });
    assert.equal(none.code, 2);
    assert.equal(none.stderr, 'error: prod has several targets; restore runs on one of them: add --target server/schema\n');
    await q(server, `DROP DATABASE IF EXISTS \`${backupSchema}\``);
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

  it('plan groups the targets by identical plan with the largest table per statement; status counts and names the odd ones', async () => {
    const names = await tenants(server, 12);
    await q(server, `INSERT INTO \`${names[5]}\`.notes (id, body) SELECT seq, 'x' FROM (SELECT a.n * 100 + b.n * 10 + c.n + 10 AS seq FROM (SELECT 0 n UNION SELECT 1 UNION SELECT 2 UNION SELECT 3 UNION SELECT 4 UNION SELECT 5 UNION SELECT 6 UNION SELECT 7 UNION SELECT 8 UNION SELECT 9) a, (SELECT 0 n UNION SELECT 1 UNION SELECT 2 UNION SELECT 3 UNION SELECT 4 UNION SELECT 5 UNION SELECT 6 UNION SELECT 7 UNION SELECT 8 UNION SELECT 9) b, (SELECT 0 n UNION SELECT 1 UNION SELECT 2 UNION SELECT 3 UNION SELECT 4 UNION SELECT 5 UNION SELECT 6 UNION SELECT 7 UNION SELECT 8 UNION SELECT 9) c) s`);
    await q(server, `ANALYZE TABLE \`${names[5]}\`.notes`);
    config('{ parallel: 4 }');
    change();
    assert.equal((await runCli(['apply', '--env', 'prod', '--target', target(names[1]!), '--target', target(names[3]!)], { cwd: repo, env: env() })).code, 0);
    // Tenant 3's record no longer matches the files: drift.
    await q(server, `UPDATE \`${names[3]}\`.changegate_history SET checksum = 'sha256:0000' WHERE change_id = ?`, [ID]);
    const plan = await runCli(['plan', '--env', 'prod'], { cwd: repo, env: env() });
    assert.equal(plan.code, 1, plan.stderr);
    const lines = plan.stdout.split('\n');
    assert.deepEqual(lines.slice(0, 4), [
      'plan for prod: 12 targets',
      '  10 targets: 1 change pending (2026-12-01-tenant-notes)',
      '  1 target: up to date',
      `  1 target: drifted (${target(names[3]!)}): 2026-12-01-tenant-notes was applied in prod but changes/2026-12-01-tenant-notes.yaml changed since; an applied change is never re-run: revert the edit and put the new work in a new change`,
    ]);
    assert.ok(plan.stdout.includes(`\nthe plan of 10 targets (each statement with its largest table among them):\nplan for prod: 1 change(s) to apply\n`), plan.stdout);
    assert.ok(plan.stdout.includes(`    impact (riskiest first):\n       1  ${names[5]}.notes  1,000 rows  `), plan.stdout);
    const pj = JSON.parse((await runCli(['--format', 'json', 'plan', '--env', 'prod'], { cwd: repo, env: env() })).stdout) as FleetJson & { groups: { result: string; targets: number; names?: string[] }[] };
    assert.deepEqual(pj.summary, { pending: 10, 'up-to-date': 1, drifted: 1 });
    assert.deepEqual(pj.groups.map((g) => [g.result, g.targets, g.names ?? null]), [['pending', 10, null], ['up-to-date', 1, null], ['drifted', 1, [target(names[3]!)]]]);

    const status = await runCli(['status', '--env', 'prod'], { cwd: repo, env: env() });
    assert.equal(status.code, 1);
    assert.equal(status.stdout, [
      'status of prod:',
      `${target(names[3]!)}: drifted: 2026-12-01-tenant-notes is drifted, 3 of 3 statements applied`,
      'prod: 12 targets: 1 up-to-date, 10 pending, 1 drifted',
      '',
    ].join('\n'));
  });

  it('drift over a fleet: the clean targets counted, the drifted one named with what drifted', async () => {
    const names = await tenants(server, 3, prefix, false);
    config('{ parallel: 2 }');
    change('CREATE TABLE notes (id INT NOT NULL PRIMARY KEY, body VARCHAR(40) NOT NULL);\n');
    assert.equal((await runCli(['apply', '--env', 'prod'], { cwd: repo, env: env() })).code, 0);
    const clean = await runCli(['drift', '--env', 'prod'], { cwd: repo, env: env() });
    assert.equal(clean.code, 0, clean.stdout + clean.stderr);
    assert.equal(clean.stdout, 'prod: 3 targets: 3 clean\n');
    await q(server, `ALTER TABLE \`${names[1]}\`.notes ADD COLUMN extra VARCHAR(5) NULL`);
    const drift = await runCli(['drift', '--env', 'prod'], { cwd: repo, env: env() });
    assert.equal(drift.code, 1);
    assert.equal(drift.stdout, `${target(names[1]!)}: drifted: schema drift: + column notes.extra VARCHAR(5) NULL\nprod: 3 targets: 2 clean, 1 drifted\n`);
  });

  it('a fleet `after` environment: PROD runs a change only once every QA tenant applied it', async () => {
    const qa = await tenants(server, 3, `${prefix}q`);
    const prod = await tenants(server, 2, `${prefix}p`);
    const like = (p: string) => `${p.replace(/_/g, '\\\\_')}%`;
    writeFiles(repo, {
      'changegate.yaml': [
        'database: tenantdb', 'server: { min_version: "5.5" }', 'ticket_pattern: "^T-[0-9]+$"', 'environments:',
        '  qa:', '    url_env: FLEET_URL', `    schemas: { like: "${like(`${prefix}q`)}" }`, '    lock_timeout: 1',
        '  prod:', '    url_env: FLEET_URL', `    schemas: { like: "${like(`${prefix}p`)}" }`, '    after: qa', '    lock_timeout: 1', '',
      ].join('\n'),
    });
    change();
    await q(server, `ALTER TABLE \`${qa[1]}\`.notes ADD COLUMN author VARCHAR(20) NULL`);
    assert.equal((await runCli(['apply', '--env', 'qa'], { cwd: repo, env: env() })).code, 1);
    const early = await runCli(['apply', '--env', 'prod'], { cwd: repo, env: env() });
    assert.equal(early.code, 1);
    // QA's tenant 1 failed: for PROD the change is failed in QA, whatever the other tenants say.
    for (const p of prod) assert.ok(early.stdout.includes(`\nFLEET_URL/${p}: refused: prod: 1 problem(s) stop this run before anything executes: refused: 2026-12-01-tenant-notes is failed in qa; prod runs only what succeeded in qa first (after: qa)\n`), early.stdout);
    await q(server, `ALTER TABLE \`${qa[1]}\`.notes DROP COLUMN author`);
    assert.equal((await runCli(['apply', '--env', 'qa'], { cwd: repo, env: env() })).code, 0);
    const now = await runCli(['apply', '--env', 'prod'], { cwd: repo, env: env() });
    assert.equal(now.code, 0, now.stdout);
    assert.equal(now.stdout.trim().split('\n').pop(), 'prod: 2 targets: 2 applied');
  });
});
