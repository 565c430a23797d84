// The life of a pull request's changes in QA (`apply --pull-request`, `pull_requests: true`), through the real executable against the
// throwaway server: open, a second pull request on the same table, amend with new SQL and a new
// rollback, close unmerged from a branch that never had the change, merge, PROD after merge, and
// the refusals, word for word.
import { strict as assert } from 'node:assert';
import { rmSync } from 'node:fs';
import mysql from 'mysql2/promise';
import { getServer, type TestServer } from './helpers/mysql-server.js';
import { makeRepo, runCli, writeFiles, type CliResult } from './helpers/cli.js';

const CONFIG = [
  'database: testdb',
  'server: { min_version: "5.5" }',
  'ticket_pattern: "^T-[0-9]+$"',
  'environments:',
  '  qa:',
  '    url_env: QA_URL',
  '    lock_timeout: 1',
  '    pull_requests: true',
  '  prod:',
  '    url_env: PROD_URL',
  '    lock_timeout: 1',
  '    after: qa',
  '',
].join('\n');

function change(id: string, up: string, down: string | null): Record<string, string> {
  return {
    [`changes/${id}.yaml`]: [`title: ${id}`, 'ticket: T-1', 'destructive: false', 'apply:', `  - migrations/${id}/up.sql`,
      ...(down === null ? [] : ['rollback:', `  - migrations/${id}/down.sql`])].join('\n') + '\n',
    [`migrations/${id}/up.sql`]: up,
    ...(down === null ? {} : { [`migrations/${id}/down.sql`]: down }),
  };
}

const BASE = change('2026-12-01-invoices', 'CREATE TABLE invoices (id INT PRIMARY KEY) ENGINE=InnoDB;\n', null);
const A1 = change('2026-12-02-add-a', 'ALTER TABLE invoices ADD COLUMN a INT;\n', 'ALTER TABLE invoices DROP COLUMN a;\n');
const A2 = change('2026-12-02-add-a', 'ALTER TABLE invoices ADD COLUMN a2 INT;\n', 'ALTER TABLE invoices DROP COLUMN a2;\n');
const B = change('2026-12-03-add-b', 'ALTER TABLE invoices ADD COLUMN b INT;\n', 'ALTER TABLE invoices DROP COLUMN b;\n');

describe('pull requests in QA: provisional, amended, abandoned, merged (CLI)', function () {
  this.timeout(180_000);
  let server: TestServer;
  let qa: { name: string; url: string; drop(): Promise<void> };
  let prod: { name: string; url: string; drop(): Promise<void> };
  const repos: string[] = [];
  const env = (sha: string, head?: string) => ({ QA_URL: qa.url, PROD_URL: prod.url, GITHUB_SHA: sha, CHANGEGATE_HEAD_SHA: head });
  const repo = (files: Record<string, string>) => {
    const dir = makeRepo({ 'changegate.yaml': CONFIG, ...files });
    repos.push(dir);
    return dir;
  };
  const cli = (dir: string, args: string[], sha = 'c'.repeat(40), head?: string): Promise<CliResult> => runCli(args, { cwd: dir, env: env(sha, head) });

  before(async () => {
    server = await getServer();
  });
  beforeEach(async () => {
    qa = await server.freshSchema('prqa');
    prod = await server.freshSchema('prprod');
  });
  afterEach(async () => {
    await qa.drop();
    await prod.drop();
    for (const d of repos.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  async function columns(url: string): Promise<string[]> {
    const conn = await mysql.createConnection(url);
    try {
      const [rows] = await conn.query("SELECT COLUMN_NAME AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'invoices' ORDER BY ORDINAL_POSITION");
      return (rows as { c: string }[]).map((r) => r.c);
    } finally {
      await conn.end();
    }
  }
  async function status(dir: string, e = 'qa'): Promise<[string, string, number | undefined][]> {
    const r = await cli(dir, ['--format', 'json', 'status', '--env', e]);
    return JSON.parse(r.stdout).changes.map((c: { id: string; status: string; pull_request?: number }) => [c.id, c.status, c.pull_request]);
  }
  const ok = (r: CliResult, code = 0) => assert.equal(r.code, code, r.stdout + r.stderr);

  it('open, second pull request, amend, close unmerged, merge, PROD after merge', async () => {
    const main = repo(BASE);
    ok(await cli(main, ['apply', '--env', 'qa']));
    const pr7 = repo({ ...BASE, ...A1 });
    const open = await cli(pr7, ['apply', '--env', 'qa', '--pull-request', '7'], 'm'.repeat(40), 'a1'.repeat(20));
    ok(open);
    // The run sums its changes up as status will show them: provisional, with their pull request.
    assert.match(open.stdout, /^ {2}provisional {2}2026-12-02-add-a {2}\S+ {2}\d+\.\d s {2}pull request #7$/m);
    assert.doesNotMatch(open.stdout, /^ {2}applied /m);
    assert.deepEqual(await columns(qa.url), ['id', 'a']);
    assert.deepEqual(await status(pr7), [['2026-12-01-invoices', 'applied', undefined], ['2026-12-02-add-a', 'provisional', 7]]);

    // A second pull request on the same table: not blocked by #7's change, and told about it.
    const pr8 = repo({ ...BASE, ...B });
    const second = await cli(pr8, ['apply', '--env', 'qa', '--pull-request', '8']);
    ok(second);
    assert.match(second.stdout, /^note: 2026-12-02-add-a of pull request #7 is provisional in qa and touches invoices too; this pull request's changes run after it, on the table as it left it$/m);
    assert.deepEqual(await columns(qa.url), ['id', 'a', 'b']);

    // Amend #7: new SQL and a new rollback; the old version goes with the rollback recorded for it.
    writeFiles(pr7, A2);
    const amend = await cli(pr7, ['apply', '--env', 'qa', '--pull-request', '7'], 'm'.repeat(40), 'a2'.repeat(20));
    ok(amend);
    assert.match(amend.stdout, new RegExp(`^2026-12-02-add-a: its files changed since pull request #7 applied it in qa \\(commit ${'a1'.repeat(6)}\\); rolling that version back with its 1 recorded rollback statement\\(s\\), then applying the new version$`, 'm'));
    assert.match(amend.stdout, /^2026-12-02-add-a: the version from pull request #7 is rolled back in qa$/m);
    assert.deepEqual(await columns(qa.url), ['id', 'b', 'a2']);
    // Nothing to do the second time.
    const again = await cli(pr7, ['apply', '--env', 'qa', '--pull-request', '7']);
    ok(again);
    assert.match(again.stdout, /^plan for qa: nothing to apply$/m);

    // #8 closes unmerged: rolled back from history alone, by a run on main that never had it.
    const closed = await cli(main, ['abandon', '--pull-request', '8', '--env', 'qa']);
    ok(closed);
    assert.match(closed.stdout, /^2026-12-03-add-b: rolling back with its 1 recorded rollback statement\(s\) \(pull request #8\)$/m);
    assert.match(closed.stdout, /^pull request #8: 1 change\(s\) rolled back and recorded abandoned in qa$/m);
    assert.deepEqual(await columns(qa.url), ['id', 'a2']);
    const st = await cli(main, ['status', '--env', 'qa']);
    assert.equal(st.code, 0, st.stdout);
    assert.match(st.stdout, /^ {2}abandoned {3}2026-12-03-add-b {2}1\/1 {2}pull request #8$/m);
    assert.match(st.stdout, /^ {2}provisional 2026-12-02-add-a {2}1\/1 {2}pull request #7$/m);
    // An abandoned change and another pull request's provisional change block nothing on main.
    const mainRun = await cli(main, ['apply', '--env', 'qa']);
    ok(mainRun);
    // Abandoning twice finds nothing.
    const twice = await cli(main, ['abandon', '--pull-request', '8', '--env', 'qa']);
    ok(twice);
    assert.match(twice.stdout, /^pull request #8 has no provisional change in qa; nothing to abandon$/m);

    // PROD refuses before the merge (the provisional change has not succeeded in qa), and refuses --pull-request always.
    const refused = await cli(pr7, ['apply', '--env', 'prod', '--pull-request', '7']);
    assert.equal(refused.code, 2, refused.stdout + refused.stderr);
    assert.match(refused.stderr, /--pull-request: prod does not accept pull requests \(changegate\.yaml:9: environments\.prod\.pull_requests is not true\); unmerged changes are applied only where pull_requests: true \(QA\), never PROD/);

    const early = await cli(pr7, ['apply', '--env', 'prod']);
    assert.equal(early.code, 1, early.stdout + early.stderr);
    assert.match(early.stderr, /^ {2}refused: 2026-12-02-add-a is provisional in qa; prod runs only what succeeded in qa first \(after: qa\)$/m);

    // Merge #7 as amended: qa adopts it (nothing re-runs), then PROD applies it.
    writeFiles(main, A2);
    const merged = await cli(main, ['apply', '--env', 'qa'], 'f'.repeat(40));
    ok(merged);
    assert.match(merged.stdout, new RegExp(`^2026-12-02-add-a: provisional in qa from pull request #7 with the same files; counts as applied now \\(merge commit ${'f'.repeat(12)}\\), nothing re-runs$`, 'm'));
    assert.match(merged.stdout, /^plan for qa: nothing to apply$/m);
    assert.deepEqual(await columns(qa.url), ['id', 'a2']);
    assert.deepEqual(await status(main), [['2026-12-01-invoices', 'applied', undefined], ['2026-12-02-add-a', 'applied', 7], ['2026-12-03-add-b', 'abandoned', 8]]);
    ok(await cli(main, ['apply', '--env', 'prod']));
    assert.deepEqual(await columns(prod.url), ['id', 'a2']);
    const drift = await cli(main, ['drift', '--env', 'qa']);
    ok(drift);
    assert.match(drift.stdout, /^abandoned: 2026-12-03-add-b from pull request #8 was rolled back in qa$/m);
    assert.match(drift.stdout, /^no drift in qa: 2 applied change\(s\) match their files and the live schema$/m);
  });

  it('a merge whose files differ from the provisional version rolls it back and applies the merged one', async () => {
    const main = repo(BASE);
    ok(await cli(main, ['apply', '--env', 'qa']));
    ok(await cli(repo({ ...BASE, ...A1 }), ['apply', '--env', 'qa', '--pull-request', '7']));
    writeFiles(main, A2);
    const merged = await cli(main, ['apply', '--env', 'qa']);
    ok(merged);
    assert.match(merged.stdout, /^2026-12-02-add-a: its files changed since pull request #7 applied it in qa \(commit c{12}\); rolling that version back with its 1 recorded rollback statement\(s\), then applying the new version$/m);
    assert.deepEqual(await columns(qa.url), ['id', 'a2']);
    assert.deepEqual((await status(main)).slice(1), [['2026-12-02-add-a', 'applied', undefined]]);
  });

  it('a provisional change without rollback stops an amend, and abandon lists what it left', async () => {
    const main = repo(BASE);
    ok(await cli(main, ['apply', '--env', 'qa']));
    const pr9 = repo({ ...BASE, ...change('2026-12-04-add-c', 'ALTER TABLE invoices ADD COLUMN c INT;\n', null) });
    ok(await cli(pr9, ['apply', '--env', 'qa', '--pull-request', '9'], 'c'.repeat(40), '9'.repeat(40)));
    writeFiles(pr9, change('2026-12-04-add-c', 'ALTER TABLE invoices ADD COLUMN c2 INT;\n', null));
    const amend = await cli(pr9, ['apply', '--env', 'qa', '--pull-request', '9']);
    assert.equal(amend.code, 1, amend.stdout + amend.stderr);
    assert.match(amend.stderr, new RegExp(
      `^ {2}2026-12-04-add-c is provisional in qa from pull request #9 \\(commit ${'9'.repeat(12)}\\) and its files changed since, but it was applied without rollback statements, so that version cannot be undone\\. ` +
        'Restore its files as they were applied and fix forward with a new change, or undo it by hand \\(it touched invoices\\) and record that with changegate abandon --pull-request 9 --env qa; give changes a rollback: so that qa can undo them$', 'm'));
    assert.deepEqual(await columns(qa.url), ['id', 'c']);
    const closed = await cli(main, ['abandon', '--pull-request', '9', '--env', 'qa']);
    assert.equal(closed.code, 1, closed.stdout + closed.stderr);
    assert.match(closed.stderr, /pull request #9: 1 change\(s\) recorded abandoned in qa but not rolled back; clean up what they left by hand:\n {2}2026-12-04-add-c: it has no rollback statements; it touched invoices/);
    assert.deepEqual(await status(main), [['2026-12-01-invoices', 'applied', undefined], ['2026-12-04-add-c', 'abandoned', 9]]);
    const drift = await cli(main, ['drift', '--env', 'qa']);
    assert.equal(drift.code, 1, drift.stdout + drift.stderr);
    assert.match(drift.stdout, /^abandoned: 2026-12-04-add-c from pull request #9 was not rolled back in qa; clean up by hand: invoices$/m);
    // Abandoned, it blocks nothing: the amended version now applies afresh.
    ok(await cli(pr9, ['apply', '--env', 'qa', '--pull-request', '9']));
    assert.deepEqual(await columns(qa.url), ['id', 'c', 'c2']);
  });

  it('a change removed from the pull request is rolled back; abandon where pull requests are not accepted is exit 2', async () => {
    const main = repo(BASE);
    ok(await cli(main, ['apply', '--env', 'qa']));
    const pr11 = repo({ ...BASE, ...A1 });
    ok(await cli(pr11, ['apply', '--env', 'qa', '--pull-request', '11'], 'c'.repeat(40), 'b'.repeat(40)));
    rmSync(`${pr11}/changes/2026-12-02-add-a.yaml`);
    const removed = await cli(pr11, ['apply', '--env', 'qa', '--pull-request', '11']);
    ok(removed);
    assert.match(removed.stdout, new RegExp(`^2026-12-02-add-a: no longer in the branch since pull request #11 applied it in qa \\(commit ${'b'.repeat(12)}\\); rolling that version back with its 1 recorded rollback statement\\(s\\)$`, 'm'));
    assert.deepEqual(await columns(qa.url), ['id']);
    assert.deepEqual(await status(main), [['2026-12-01-invoices', 'applied', undefined], ['2026-12-02-add-a', 'rolled-back', 11]]);
    const prodAbandon = await cli(main, ['abandon', '--pull-request', '11', '--env', 'prod']);
    assert.equal(prodAbandon.code, 2, prodAbandon.stdout + prodAbandon.stderr);
    assert.match(prodAbandon.stderr, /abandon: prod does not accept pull requests \(changegate\.yaml:9: environments\.prod\.pull_requests is not true\), so it holds no provisional change/);
  });

  it('refuses pull_requests: true with approval: required, naming the line', async () => {
    const dir = repo({ ...BASE });
    writeFiles(dir, { 'changegate.yaml': CONFIG.replace('    after: qa\n', '    after: qa\n    approval: required\n    pull_requests: true\n') });
    const r = await cli(dir, ['validate']);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stdout + r.stderr, /changegate\.yaml:14:.*environments\.prod\.pull_requests.*cannot be true with approval: required: an environment behind an approval \(PROD\) runs merged changes only/);
  });
});
