// Maintenance windows through the real executable against the throwaway server. The CLI reads the
// real clock, so each window is placed relative to the time the test runs: one that opened an hour
// ago, and one three days ahead (at noon, away from any daylight saving change).
import { strict as assert } from 'node:assert';
import { rmSync } from 'node:fs';
import mysql from 'mysql2/promise';
import { DateTime } from 'luxon';
import { getServer, type TestServer } from './helpers/mysql-server.js';
import { makeRepo, manifest, runCli } from './helpers/cli.js';
import { Recorder } from './helpers/recorder.js';

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const ZONE = 'America/New_York';

// A window opening three days from now at noon in New York, and when it opens.
function closedWindow(): { yaml: string; opens: DateTime } {
  const day = DateTime.now().setZone(ZONE).plus({ days: 3 }).startOf('day');
  return { yaml: `{ days: [${DAYS[day.weekday - 1]}], from: "12:00", to: "13:00", timezone: ${ZONE} }`, opens: day.set({ hour: 12 }) };
}

// A UTC window that opened an hour ago (to the minute) and closes two hours from now.
function openWindow(): { yaml: string; opened: DateTime } {
  const opened = DateTime.utc().minus({ hours: 1 }).startOf('minute');
  const closes = opened.plus({ hours: 3 });
  return { yaml: `{ days: [${DAYS[opened.weekday - 1]}], from: "${opened.toFormat('HH:mm')}", to: "${closes.toFormat('HH:mm')}", timezone: UTC }`, opened };
}

const both = (t: DateTime, zone: string) => `${t.setZone(zone).setLocale('en-US').toFormat('ccc yyyy-LL-dd HH:mm')} ${zone} (${t.toUTC().toFormat('yyyy-LL-dd HH:mm')} UTC)`;

describe('maintenance windows against a real server (CLI)', function () {
  this.timeout(120_000);
  let server: TestServer;
  let schema: { name: string; url: string; drop(): Promise<void> };
  let repo: string;
  let slack: Recorder;
  const env = () => ({ TEST_URL: schema.url, SLACK_WEBHOOK_URL: slack.slackUrl });
  // One target, or a fleet of one server listing the test's schema.
  const repoWith = (windowYaml: string, fleet = false) =>
    makeRepo({
      'changegate.yaml': [
        'database: testdb',
        'server: { min_version: "5.5" }',
        'environments:',
        '  local:',
        ...(fleet ? ['    targets:', '      - { url_env: TEST_URL }', `    schemas: [${schema.name}]`] : ['    url_env: TEST_URL']),
        '    lock_timeout: 1',
        '    windows:',
        `      - ${windowYaml}`,
        'notify:',
        '  slack: { webhook_env: SLACK_WEBHOOK_URL }',
      ].join('\n') + '\n',
      ...manifest('2026-11-01-create-invoices'),
      'migrations/2026-11-01-create-invoices/up.sql': 'CREATE TABLE invoices (id BIGINT NOT NULL PRIMARY KEY) ENGINE=InnoDB;\n',
    });

  before(async () => {
    server = await getServer();
  });
  beforeEach(async () => {
    schema = await server.freshSchema('win');
    slack = await new Recorder().start();
  });
  afterEach(async () => {
    await schema.drop();
    await slack.close();
    rmSync(repo, { recursive: true, force: true });
  });

  async function tables(): Promise<string[]> {
    const conn = await mysql.createConnection(schema.url);
    try {
      const [rows] = await conn.query('SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY 1');
      return (rows as { t: string }[]).map((r) => r.t);
    } finally {
      await conn.end();
    }
  }

  it('outside: plan says when the next window opens, apply is refused before connecting, --emergency runs and is recorded', async () => {
    const { yaml, opens } = closedWindow();
    repo = repoWith(yaml);
    const next = both(opens, ZONE);

    const plan = await runCli(['plan', '--env', 'local'], { cwd: repo, env: env() });
    assert.equal(plan.code, 0, plan.stderr);
    assert.match(plan.stdout, new RegExp(`^window: local is outside its maintenance windows; the next opens ${escape(next)}$`, 'm'));
    const json = JSON.parse((await runCli(['--format', 'json', 'plan', '--env', 'local'], { cwd: repo, env: env() })).stdout);
    assert.deepEqual(json.window, { open: false, closes: null, next_open: opens.toUTC().toISO() });

    const refused = await runCli(['apply', '--env', 'local'], { cwd: repo, env: env() });
    assert.equal(refused.code, 1);
    assert.equal(
      refused.stderr,
      `error: refused: local is outside its maintenance windows; the next opens ${next}. Nothing was contacted; run it then, or override with --emergency "<reason>" and an approver\n`,
    );
    assert.deepEqual(await tables(), [], 'nothing was written, not even the history table');

    const noApprover = await runCli(['apply', '--env', 'local', '--emergency', 'invoices stuck'], { cwd: repo, env: env() });
    assert.equal(noApprover.code, 1);
    assert.equal(noApprover.stderr, 'error: refused: --emergency needs an approver: pass --approved-by <the teammate who approved it>, or run it in a GitHub Actions job whose local deployment a reviewer approved\n');

    const urgent = await runCli(['apply', '--env', 'local', '--emergency', 'invoices stuck: T-9', '--approved-by', 'alice'], { cwd: repo, env: env() });
    assert.equal(urgent.code, 0, urgent.stderr);
    assert.match(urgent.stderr, /^warning: emergency: local runs regardless of its maintenance windows: invoices stuck: T-9 \(approved by alice\); recorded in the history and announced$/m);
    assert.deepEqual(await tables(), ['changegate_history', 'invoices']);

    const status = await runCli(['--format', 'json', 'status', '--env', 'local'], { cwd: repo, env: env() });
    const doc = JSON.parse(status.stdout);
    assert.deepEqual(doc.changes.map((c: { id: string; status: string; emergency?: string }) => [c.id, c.status, c.emergency]), [['2026-11-01-create-invoices', 'applied', 'invoices stuck: T-9']]);
    assert.deepEqual(doc.window, { open: false, closes: null, next_open: opens.toUTC().toISO() });
    const text = await runCli(['status', '--env', 'local'], { cwd: repo, env: env() });
    assert.match(text.stdout, /^ {6}emergency: invoices stuck: T-9$/m);
    assert.match(text.stdout, new RegExp(`^window: local is outside its maintenance windows; the next opens ${escape(next)}$`, 'm'));

    const posted = slack.requests.filter((r) => r.path.startsWith('/slack/')).map((r) => (r.body as { text: string; blocks: { text?: { text: string } }[] }));
    assert.deepEqual(posted.map((m) => m.text), ['EMERGENCY changegate: applying 1 change to local (testdb) (T-1)', 'EMERGENCY changegate: applied 1 change to local (testdb) (T-1)']);
    assert.deepEqual(posted[0]!.blocks[1], { type: 'section', text: { type: 'mrkdwn', text: ':rotating_light: *Emergency, outside the maintenance windows*\ninvoices stuck: T-9' } });
  });

  it('inside: plan says until when, and apply runs', async () => {
    const { yaml, opened } = openWindow();
    repo = repoWith(yaml);
    const json = JSON.parse((await runCli(['--format', 'json', 'plan', '--env', 'local'], { cwd: repo, env: env() })).stdout);
    assert.deepEqual(json.window, { open: true, closes: opened.plus({ hours: 3 }).toISO(), next_open: opened.plus({ days: 7 }).toISO() });
    const r = await runCli(['apply', '--env', 'local'], { cwd: repo, env: env() });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^local is inside a maintenance window until ${escape(both(opened.plus({ hours: 3 }), 'UTC'))}$`, 'm'));
    assert.deepEqual(await tables(), ['changegate_history', 'invoices']);
    const status = JSON.parse((await runCli(['--format', 'json', 'status', '--env', 'local'], { cwd: repo, env: env() })).stdout);
    assert.equal(status.changes[0].emergency, undefined);
    assert.equal(status.window.open, true);
  });

  it('over a fleet: plan and status carry the window, and apply outside it is refused', async () => {
    const { yaml, opens } = closedWindow();
    repo = repoWith(yaml, true);
    const line = `window: local is outside its maintenance windows; the next opens ${both(opens, ZONE)}`;
    const plan = await runCli(['plan', '--env', 'local'], { cwd: repo, env: env() });
    assert.equal(plan.code, 0, plan.stderr);
    assert.equal(plan.stdout.split('\n')[1], line);
    const json = JSON.parse((await runCli(['--format', 'json', 'plan', '--env', 'local'], { cwd: repo, env: env() })).stdout);
    assert.deepEqual(json.window, { open: false, closes: null, next_open: opens.toUTC().toISO() });
    const refused = await runCli(['apply', '--env', 'local'], { cwd: repo, env: env() });
    assert.equal(refused.code, 1);
    assert.equal(
      refused.stderr,
      `error: refused: local is outside its maintenance windows; the next opens ${both(opens, ZONE)}. Nothing was contacted; run it then, or override with --emergency "<reason>" and an approver\n`,
    );
    assert.equal(refused.stdout, '', 'refused before any target was listed');
    assert.deepEqual(await tables(), []);
    const status = JSON.parse((await runCli(['--format', 'json', 'status', '--env', 'local'], { cwd: repo, env: env() })).stdout);
    assert.deepEqual(status.window, json.window);

    const urgent = await runCli(['apply', '--env', 'local', '--emergency', 'disk full', '--approved-by', 'alice'], { cwd: repo, env: env() });
    assert.equal(urgent.code, 0, urgent.stderr + urgent.stdout);
    assert.deepEqual(await tables(), ['changegate_history', 'invoices']);
    const posted = slack.requests.filter((r) => r.path.startsWith('/slack/')).map((r) => (r.body as { text: string }).text);
    assert.deepEqual(posted, ['EMERGENCY changegate: applied 1 change to local (testdb) on 1 target (T-1)']);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
