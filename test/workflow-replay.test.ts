// The pipeline as GitHub Actions runs it: the repository's own workflow
// files are parsed and their `changegate` steps replayed in order (test/helpers/replay.ts) with the
// GITHUB_* variables, step summary and output files the runner sets, against the throwaway MySQL-compatible
// server, the loopback AWS fake (through the simulated aws-actions/configure-aws-credentials) and a
// loopback recorder standing in for the GitHub API and the Slack webhook.
//
// Simulated vs skipped: actions/checkout (the workspace is the test repository) and
// configure-aws-credentials (the fake's static keys and CHANGEGATE_AWS_ENDPOINT, after checking the job
// may mint an OIDC token) are simulated; setup-node and the install step (`npm ci && npm run build &&
// npm link`) are skipped, a `changegate` shim on PATH runs the built CLI instead. The `mysql:8.0`
// service container of the validate job is the throwaway server: the shadow step's literal
// `mysql://root@127.0.0.1:3306/` is rewritten to that server's URL (recorded on the step).
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { AwsFake, TEST_CREDENTIALS } from './helpers/aws-fake.js';
import { awsConfig, fakeAwsChildEnv, filesUnder } from './helpers/aws-env.js';
import { BIN, makeRepo, writeFiles } from './helpers/cli.js';
import { getServer, serverCa, type TestServer } from './helpers/mysql-server.js';
import { Recorder } from './helpers/recorder.js';
import { shardOf } from '../src/core/fleet/targets.js';
import { condition, evaluate, expand, fakeSha, parseExpression, replayWorkflow, type ReplayEvent, type ReplayOptions, type StepRecord, type WorkflowRun } from './helpers/replay.js';
import { initRepository } from '../src/core/init.js';
import { ROUTINE_REASON } from '../src/core/risk.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const REPO = 'acme/invoicing';
const TOKEN = `ghs_replay${randomBytes(12).toString('hex')}`;
const PR = 7;

const CREATE = '2026-11-01-create-invoices';
const DUE = '2026-11-02-add-invoice-due-date';
const DROP = '2026-11-03-drop-legacy-note';
const BAD = '2026-11-04-add-invoice-lines';

function change(id: string, c: { title: string; ticket: string; destructive?: boolean; sql: string; verify?: string }): Record<string, string> {
  return {
    [`changes/${id}.yaml`]: [
      `title: ${JSON.stringify(c.title)}`,
      `ticket: ${c.ticket}`,
      'owner: "@jdoe"',
      `destructive: ${c.destructive ?? false}`,
      'apply:',
      `  - migrations/${id}/up.sql`,
      ...(c.verify ? [c.verify] : []),
    ].join('\n') + '\n',
    [`migrations/${id}/up.sql`]: c.sql,
  };
}

const createFiles = change(CREATE, {
  title: 'Create invoices',
  ticket: 'T-101',
  sql: 'CREATE TABLE invoices (\n  id BIGINT NOT NULL PRIMARY KEY,\n  legacy_note VARCHAR(200) NULL\n) ENGINE=InnoDB;\n',
});
const dueFiles = change(DUE, {
  title: 'Add due_date to invoices',
  ticket: 'T-102',
  sql: 'ALTER TABLE invoices ADD COLUMN due_date DATE NULL;\n',
  verify: [
    'verify:',
    '  - name: due_date exists',
    '    sql: >-',
    '      SELECT COUNT(*) FROM information_schema.COLUMNS',
    "      WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'invoices' AND COLUMN_NAME = 'due_date'",
    '    expect: 1',
  ].join('\n'),
});
const dropFiles = change(DROP, {
  title: 'Drop invoices.legacy_note',
  ticket: 'T-103',
  destructive: true,
  sql: 'ALTER TABLE invoices DROP COLUMN legacy_note;\n',
});
// Statement 2, on line 3 of its file, fails on the server.
const badFiles = change(BAD, {
  title: 'Add invoice_lines',
  ticket: 'T-104',
  sql: 'CREATE TABLE invoice_lines (id BIGINT NOT NULL PRIMARY KEY);\n\nINSERT INTO invoice_lines (id, no_such_column) VALUES (1, 2);\n',
});

const filesOf = (...sets: Record<string, string>[]) => sets.flatMap((s) => Object.keys(s)).map((filename) => ({ filename }));

describe('workflow replay: the pipeline as GitHub Actions runs it', function () {
  this.timeout(120_000);
  let server: TestServer;
  let caFile: string;
  let fake: AwsFake;
  let stopFake: () => Promise<void>;
  let fakeUrl: string;
  let rec: Recorder;
  let qa: { name: string; drop(): Promise<void> };
  let prod: { name: string; drop(): Promise<void> };
  let repo: string;
  let scratch: string;
  let username: string;
  let password: string;
  let runId = 9000;
  const host = 'localhost';
  const runs: WorkflowRun[] = [];

  before(async () => {
    server = await getServer();
    caFile = serverCa(server); // AWS environments always use TLS
  });

  beforeEach(async () => {
    runs.length = 0;
    qa = await server.freshSchema('cgreplay_qa');
    prod = await server.freshSchema('cgreplay_prod');
    username = `cg_replay_${randomBytes(4).toString('hex')}`;
    password = `Rp9-${randomBytes(12).toString('hex')}-xQ`;
    await server.createUser(username, password, [`ALL PRIVILEGES ON \`${qa.name}\`.*`, `ALL PRIVILEGES ON \`${prod.name}\`.*`, 'PROCESS ON *.*']);
    fake = new AwsFake({
      clusters: [
        { id: 'qainvoicingdb', host, port: server.port },
        { id: 'prodinvoicingdb', host, port: server.port },
      ],
    });
    for (const c of ['qainvoicingdb', 'prodinvoicingdb']) {
      fake.setSecret(`rds-admin-credentials-${c}`, JSON.stringify({ username, password, host, port: server.port, engine: 'mysql' }));
      fake.setSecretRotation(`rds-admin-credentials-${c}`, { rotationEnabled: true });
    }
    const started = await fake.start();
    fakeUrl = started.url;
    stopFake = started.stop;
    rec = await new Recorder().start();
    scratch = mkdtempSync(path.join(tmpdir(), 'changegate-replay-'));
    mkdirSync(path.join(scratch, 'home'));
    mkdirSync(path.join(scratch, 'tmp'));
    repo = makeRepo({ 'changegate.yaml': config() });
  });

  afterEach(async () => {
    await stopFake?.();
    await rec?.close();
    await qa?.drop();
    await prod?.drop();
    await server.adminQuery('DROP USER IF EXISTS ?@?', [username, '%']);
    rmSync(repo, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  });

  /** qa and prod as in the README's example (prod after qa), pointing at the fake, with Slack from SLACK_WEBHOOK_URL. */
  function config(): string {
    return (
      awsConfig(caFile, {
        qa: { cluster: 'qainvoicingdb', schema: qa.name, snapshot: 'never', pullRequests: true },
        prod: { cluster: 'prodinvoicingdb', schema: prod.name, after: 'qa', approval: 'required', snapshot: 'destructive' },
      }) + 'notify:\n  slack: { webhook_env: SLACK_WEBHOOK_URL, channel: "#invoicing-dev" }\n'
    );
  }

  function prEvent(sha: string, headRepo = REPO): ReplayEvent {
    return {
      name: 'pull_request',
      ref: `refs/pull/${PR}/merge`,
      sha,
      actor: 'jdoe',
      payload: {
        action: 'synchronize',
        number: PR,
        pull_request: {
          number: PR,
          head: { ref: 'inv-101', sha: fakeSha(), repo: { full_name: headRepo } },
          base: { ref: 'main', sha: fakeSha(), repo: { full_name: REPO } },
        },
        repository: { full_name: REPO, default_branch: 'main' },
      },
    };
  }

  function pushEvent(sha: string): ReplayEvent {
    return {
      name: 'push',
      ref: 'refs/heads/main',
      sha,
      actor: 'jdoe',
      payload: { ref: 'refs/heads/main', before: fakeSha(), after: sha, head_commit: { id: sha }, repository: { full_name: REPO, default_branch: 'main' } },
    };
  }

  function dispatchEvent(environment: string, command: string, extra: Record<string, unknown> = {}, ref = 'refs/heads/main'): ReplayEvent {
    const inputs = { environment, command, ...extra };
    return { name: 'workflow_dispatch', ref, sha: fakeSha(), actor: 'oncall', inputs, payload: { inputs, ref, repository: { full_name: REPO, default_branch: 'main' } } };
  }

  async function replay(file: string, event: ReplayEvent, id = ++runId, over: Partial<ReplayOptions> = {}): Promise<WorkflowRun> {
    const base = fakeAwsChildEnv(fakeUrl);
    const run = await replayWorkflow(file, {
      workflowsRoot: ROOT,
      workspace: repo,
      cli: BIN,
      repository: REPO,
      event,
      runId: id,
      apiUrl: rec.url,
      token: TOKEN,
      secrets: { SLACK_WEBHOOK_URL: rec.slackUrl },
      vars: { AWS_ROLE_QA: 'arn:aws:iam::123456789012:role/changegate-qa', AWS_ROLE_PROD: 'arn:aws:iam::123456789012:role/changegate-prod' },
      // No AWS credentials until configure-aws-credentials runs.
      baseEnv: {
        ...base,
        AWS_ACCESS_KEY_ID: undefined,
        AWS_SECRET_ACCESS_KEY: undefined,
        CHANGEGATE_AWS_ENDPOINT: undefined,
        HOME: path.join(scratch, 'home'),
        TMPDIR: path.join(scratch, 'tmp'),
        NODE_NO_WARNINGS: '1',
      },
      awsEnv: { AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey, CHANGEGATE_AWS_ENDPOINT: fakeUrl },
      scratch: path.join(scratch, 'runner'),
      rewriteRun: (script, where) => {
        if (!where.services.includes('mysql') || !script.includes('--shadow-url')) return { script };
        const from = 'mysql://root@127.0.0.1:3306/';
        assert.ok(script.includes(from), `the shadow step no longer targets the service container as expected:\n${script}`);
        return { script: script.split(from).join(server.url('')), note: 'the mysql service container is the throwaway server' };
      },
      ...over,
    });
    runs.push(run);
    return run;
  }

  /** The jobs of an apply in shards, skipped in a call with shards: 1. */
  const unsharded = (call: string): [string, string][] => ['shards', 'apply-shard', 'merge'].map((j) => [`${call}/${j}`, 'skipped']);
  const ran = (run: WorkflowRun, job: string) => run.job(job).steps.filter((s) => s.status === 'ran').map((s) => s.name);
  const noMask = (text: string) => text.split('\n').filter((l) => !l.startsWith('::add-mask::')).join('\n');
  const dump = (s: StepRecord) => `${s.job} / ${s.name} (exit ${s.exitCode})\n${s.stdout}${s.stderr}`;

  async function history(schema: string): Promise<{ change_id: string; status: string; snapshot_id: string | null; approver: string | null }[]> {
    const exists = await server.adminQuery('SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?', [schema, 'changegate_history']);
    if (exists.length === 0) return [];
    return server.adminQuery(
      `SELECT change_id, status, snapshot_id, approver FROM \`${schema}\`.changegate_history WHERE change_id NOT LIKE '%:%' ORDER BY change_id`,
    );
  }

  /** Slack payloads the recorder received, in order. */
  const slack = () => rec.find('/slack/').map((r) => r.body as { text: string; blocks: unknown[]; channel?: string });

  /** Nothing recorded anywhere holds a credential. */
  function assertNoCredentials(): void {
    const secrets: [string, string][] = [
      ['the secret\'s password', password],
      ['the secret\'s username', username],
      ['the secret\'s host', host],
      ['the AWS secret key', TEST_CREDENTIALS.secretAccessKey],
      ['the GitHub token', TOKEN],
      ['the Slack webhook path', new URL(rec.slackUrl).pathname],
    ];
    const texts: [string, string][] = [];
    for (const run of runs) {
      for (const s of run.steps) {
        const where = `${run.workflow} ${s.job} / ${s.name}`;
        // The runner takes workflow commands from both streams (a json run masks on stderr, keeping stdout one document).
        texts.push([`${where} stdout`, noMask(s.stdout)], [`${where} stderr`, noMask(s.stderr)], [`${where} summary`, s.summary], [`${where} outputs`, JSON.stringify(s.outputs)]);
      }
      for (const j of run.jobs) texts.push([`${run.workflow} ${j.key} outputs`, JSON.stringify(j.outputs)]);
    }
    for (const r of rec.requests) {
      // The webhook path is where Slack requests go, and the token is their Authorization header: both
      // belong there; neither may appear in a body.
      texts.push([`${r.method} ${r.path} body`, r.raw]);
      if (!r.path.startsWith('/slack/')) texts.push([`${r.method} path`, r.path]);
    }
    for (const c of rec.comments) texts.push([`comment ${c.id}`, c.body]);
    for (const f of [...filesUnder(repo), ...filesUnder(scratch)]) texts.push([f.file, f.content]);
    assert.ok(texts.some(([, t]) => t.length > 0), 'something was recorded');
    for (const [what, text] of texts) {
      for (const [name, value] of secrets) assert.ok(!text.includes(value), `${what} holds ${name}:\n${text}`);
    }
  }

  it('pull request from this repository: validate, apply to qa, one plan comment updated in place', async () => {
    writeFiles(repo, { ...createFiles, ...dueFiles });
    rec.pullFiles.set(PR, filesOf(createFiles, dueFiles));
    const first = await replay('pull-request.yml', prEvent(fakeSha()));

    assert.equal(first.job('validate/validate').result, 'success', first.steps.map(dump).join('\n'));
    assert.deepEqual(ran(first, 'validate/validate'), ['Validate', 'Validate with a shadow replay on MySQL 8.0']);
    const shadow = first.step('validate/validate', 'Validate with a shadow replay on MySQL 8.0');
    assert.match(shadow.stdout, /^shadow: all 2 change\(s\) replayed cleanly$/m, dump(shadow));
    assert.equal(first.step('validate/validate', 'Install changegate').status, 'skipped');
    // shards: 1 (the default): the jobs of an apply in shards are skipped and the deploy job does it all.
    assert.deepEqual(first.jobs.map((j) => [j.key, j.result]), [['validate/validate', 'success'], ['qa/deploy', 'success'], ...unsharded('qa'), ['abandon-qa', 'skipped']]);

    const deploy = first.job('qa/deploy');
    assert.equal(deploy.result, 'success', deploy.steps.map(dump).join('\n'));
    assert.equal(deploy.environment, 'qa');
    assert.deepEqual(deploy.concurrency, { group: `changegate-qa-pr-${PR}`, cancelInProgress: false }, 'a pull request never replaces a pending deploy');
    assert.deepEqual(deploy.permissions, { contents: 'read', 'id-token': 'write', actions: 'read', 'pull-requests': 'write' });
    assert.deepEqual(first.job('validate/validate').permissions, { contents: 'read' });
    assert.deepEqual(ran(first, 'qa/deploy'), ['Plan', 'Snapshot (when the plan requires one)', 'Apply', 'Report status', 'Plan comment on the pull request']);
    assert.equal(first.step('qa/deploy', 'AWS credentials (OIDC)').status, 'simulated');
    // Provisional until the pull request merges (or rolled back when it closes unmerged).
    assert.deepEqual((await history(qa.name)).map((r) => [r.change_id, r.status]), [[CREATE, 'provisional'], [DUE, 'provisional']]);
    assert.deepEqual(await history(prod.name), [], 'a pull request never touches prod');

    assert.equal(rec.commentsOn(PR).length, 1);
    const comment = rec.commentsOn(PR)[0]!;
    const posts = () => rec.requests.filter((r) => r.method === 'POST' && r.path.startsWith(`/repos/${REPO}/issues/${PR}/comments`));
    const patches = () => rec.requests.filter((r) => r.method === 'PATCH' && r.path.startsWith(`/repos/${REPO}/issues/comments/`));
    assert.equal(posts().length, 1);
    assert.equal(patches().length, 0);
    assert.match(first.step('qa/deploy', 'Plan comment on the pull request').stdout, new RegExp(`^plan comment created on pull request #${PR}$`, 'm'));
    const body1 = comment.body;
    assert.ok(body1.startsWith('<!-- changegate:plan -->\n## changegate plan\n'), body1);
    assert.ok(body1.includes('Promotion order: **qa** → **prod**'), body1);
    assert.ok(body1.includes(`[workflow run](https://github.com/${REPO}/actions/runs/${runId})`), body1);

    // A new commit adds the destructive change: QA applies it, the same comment is updated.
    writeFiles(repo, dropFiles);
    rec.pullFiles.set(PR, filesOf(createFiles, dueFiles, dropFiles));
    const second = await replay('pull-request.yml', prEvent(fakeSha()));
    assert.equal(second.job('qa/deploy').result, 'success', second.job('qa/deploy').steps.map(dump).join('\n'));
    assert.deepEqual((await history(qa.name)).map((r) => [r.change_id, r.status]), [[CREATE, 'provisional'], [DUE, 'provisional'], [DROP, 'provisional']]);
    assert.equal(rec.commentsOn(PR).length, 1, 'still one comment');
    assert.equal(rec.commentsOn(PR)[0]!.id, comment.id, 'the same comment');
    assert.equal(posts().length, 1, 'never created again');
    assert.equal(patches().length, 1, 'updated in place');
    assert.match(second.step('qa/deploy', 'Plan comment on the pull request').stdout, new RegExp(`^plan comment updated on pull request #${PR}$`, 'm'));
    const body2 = rec.commentsOn(PR)[0]!.body;
    assert.notEqual(body2, body1);
    assert.ok(body2.startsWith('<!-- changegate:plan -->\n'), body2);
    assert.ok(body2.includes(DROP), body2);
    for (const hostish of [/localhost/, /127\.0\.0\.1/, /rds\.amazonaws\.com/, /cluster-/]) assert.doesNotMatch(body2, hostish, body2);

    assertNoCredentials();
  });

  it('the life of a pull request in qa: open, amend, a second pull request closed unmerged, merge, prod after merge', async () => {
    const prEventFor = (n: number, action: string, headSha: string, merged = false): ReplayEvent => {
      const e = prEvent(fakeSha());
      const pr = { ...(e.payload.pull_request as Record<string, unknown>), number: n, merged, head: { ref: `b${n}`, sha: headSha, repo: { full_name: REPO } } };
      return { ...e, ref: `refs/pull/${n}/merge`, payload: { ...e.payload, action, number: n, pull_request: pr } };
    };
    const columns = async () =>
      (await server.adminQuery(`SELECT COLUMN_NAME AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'invoices' ORDER BY ORDINAL_POSITION`, [qa.name]))
        .map((r) => (r as { c: string }).c);
    const withRollback = (files: Record<string, string>, id: string, down: string) => ({
      ...files,
      [`changes/${id}.yaml`]: files[`changes/${id}.yaml`]! + `rollback:\n  - migrations/${id}/down.sql\n`,
      [`migrations/${id}/down.sql`]: down,
    });
    const deployRun = (sha: string) => {
      const id = ++runId;
      rec.runApprovals.set(id, [{ state: 'approved', user: { login: 'alice' }, environments: [{ name: 'prod' }], comment: 'verified on qa' }]);
      return replay('deploy.yml', pushEvent(sha), id);
    };
    // main already has invoices in qa and prod.
    writeFiles(repo, createFiles);
    const base = await deployRun(fakeSha());
    assert.equal(base.result, 'success', base.steps.map(dump).join('\n'));

    // Open #7: due_date, provisional in qa.
    const due1 = withRollback(dueFiles, DUE, 'ALTER TABLE invoices DROP COLUMN due_date;\n');
    writeFiles(repo, due1);
    rec.pullFiles.set(PR, filesOf(due1));
    const head1 = fakeSha();
    const open = await replay('pull-request.yml', prEventFor(PR, 'opened', head1));
    assert.equal(open.job('qa/deploy').result, 'success', open.steps.map(dump).join('\n'));
    assert.match(open.step('qa/deploy', 'apply').script ?? '', /apply --env "\$ENVIRONMENT" --lock-timeout 900 "\$\{pr\[@\]\}"/);
    assert.deepEqual((await history(qa.name)).map((r) => [r.change_id, r.status]), [[CREATE, 'applied'], [DUE, 'provisional']]);
    const body = rec.commentsOn(PR)[0]!.body;
    assert.ok(body.includes(`**Provisional in qa** (this pull request, #${PR})`), body);
    assert.ok(body.includes(`- \`${DUE}\``), body);

    // Amend #7 (a new push): new SQL and a new rollback; the old version goes with the rollback recorded for it.
    const due2 = withRollback(
      { ...dueFiles, [`migrations/${DUE}/up.sql`]: 'ALTER TABLE invoices ADD COLUMN due_on DATE NULL;\n', [`changes/${DUE}.yaml`]: dueFiles[`changes/${DUE}.yaml`]!.replace("'due_date'", "'due_on'") },
      DUE, 'ALTER TABLE invoices DROP COLUMN due_on;\n');
    writeFiles(repo, due2);
    const amend = await replay('pull-request.yml', prEventFor(PR, 'synchronize', fakeSha()));
    const amendApply = amend.step('qa/deploy', 'apply');
    assert.equal(amend.job('qa/deploy').result, 'success', amend.steps.map(dump).join('\n'));
    assert.match(amendApply.stdout, new RegExp(`^${DUE}: its files changed since pull request #${PR} applied it in qa \\(commit ${head1.slice(0, 12)}\\); rolling that version back with its 1 recorded rollback statement\\(s\\), then applying the new version$`, 'm'), dump(amendApply));
    assert.deepEqual(await columns(), ['id', 'legacy_note', 'due_on']);

    // #8 beside it, on the same table: not blocked by #7, and told about it; then closed unmerged.
    const other = '2026-11-05-add-invoice-currency';
    const cur = change(other, { title: 'Add currency', ticket: 'T-105', sql: 'ALTER TABLE invoices ADD COLUMN currency CHAR(3) NULL;\n' });
    const curFiles = withRollback(cur, other, 'ALTER TABLE invoices DROP COLUMN currency;\n');
    rmSync(path.join(repo, 'changes', `${DUE}.yaml`));
    writeFiles(repo, curFiles);
    rec.pullFiles.set(8, filesOf(curFiles));
    const second = await replay('pull-request.yml', prEventFor(8, 'opened', fakeSha()));
    const secondApply = second.step('qa/deploy', 'apply');
    assert.equal(second.job('qa/deploy').result, 'success', second.steps.map(dump).join('\n'));
    assert.match(second.step('qa/deploy', 'plan').stdout, new RegExp(`^note: ${DUE} of pull request #${PR} is provisional in qa and touches invoices too; this pull request's changes run after it, on the table as it left it$`, 'm'));
    assert.match(secondApply.stdout, /^note: /m);
    assert.deepEqual(await columns(), ['id', 'legacy_note', 'due_on', 'currency']);
    // Closed unmerged: the abandon job runs on the base branch, which never had the change.
    rmSync(path.join(repo, 'changes', `${other}.yaml`));
    const closed = await replay('pull-request.yml', prEventFor(8, 'closed', fakeSha()));
    assert.deepEqual(closed.jobs.map((j) => [j.key, j.result]), [['validate', 'skipped'], ['qa', 'skipped'], ['abandon-qa/deploy', 'success'], ...unsharded('abandon-qa')], closed.steps.map(dump).join('\n'));
    assert.deepEqual(ran(closed, 'abandon-qa/deploy'), ['Abandon (a pull request closed unmerged)', 'Report status']);
    assert.deepEqual(closed.job('abandon-qa/deploy').concurrency, { group: 'changegate-qa-pr-8', cancelInProgress: false });
    const abandon = closed.step('abandon-qa/deploy', 'abandon');
    assert.match(abandon.stdout, new RegExp(`^pull request #8: 1 change\\(s\\) rolled back and recorded abandoned in qa$`, 'm'), dump(abandon));
    assert.match(closed.step('abandon-qa/deploy', 'Report status').stdout, new RegExp(`^ {2}abandoned {3}${other} {2}1/1 {2}pull request #8$`, 'm'));
    assert.deepEqual(await columns(), ['id', 'legacy_note', 'due_on']);

    // Merge #7 as amended: no abandon; deploy.yml's qa adopts it without running it again, then prod applies it.
    writeFiles(repo, due2);
    const mergedClose = await replay('pull-request.yml', prEventFor(PR, 'closed', fakeSha(), true));
    assert.equal(mergedClose.job('abandon-qa').result, 'skipped');
    const mergeSha = fakeSha();
    const deploy = await deployRun(mergeSha);
    assert.equal(deploy.result, 'success', deploy.steps.map(dump).join('\n'));
    const qaApply = deploy.step('qa/deploy', 'apply');
    assert.match(qaApply.stdout, new RegExp(`^${DUE}: provisional in qa from pull request #${PR} with the same files; counts as applied now \\(merge commit ${mergeSha.slice(0, 12)}\\), nothing re-runs$`, 'm'), dump(qaApply));
    assert.equal(qaApply.outputs['applied'], '0');
    assert.deepEqual((await history(qa.name)).map((r) => [r.change_id, r.status]), [[CREATE, 'applied'], [DUE, 'applied'], [other, 'abandoned']]);
    assert.equal(deploy.step('prod/deploy', 'apply').outputs['applied'], '1');
    assert.deepEqual((await history(prod.name)).map((r) => [r.change_id, r.status]), [[CREATE, 'applied'], [DUE, 'applied']]);
    assertNoCredentials();
  });

  it('pull request from a fork: validate runs, the qa job does not, qa stays empty', async () => {
    writeFiles(repo, { ...createFiles, ...dueFiles });
    rec.pullFiles.set(PR, filesOf(createFiles, dueFiles));
    const run = await replay('pull-request.yml', prEvent(fakeSha(), 'mallory/invoicing'));
    assert.equal(run.job('validate/validate').result, 'success', run.steps.map(dump).join('\n'));
    const job = run.job('qa');
    assert.equal(job.result, 'skipped');
    assert.match(job.reason ?? '', /github\.event\.pull_request\.head\.repo\.full_name == github\.repository/);
    assert.ok(!run.jobs.some((j) => j.key.startsWith('qa/')), 'no job of the qa call ran');
    assert.deepEqual(await history(qa.name), []);
    assert.deepEqual(fake.calls, [], 'no AWS call');
    assert.deepEqual(rec.requests, [], 'no comment, no Slack message');
  });

  it('push to main: qa, then prod behind its environment: plan, one snapshot, apply; summary, outputs, approver, Slack', async () => {
    writeFiles(repo, { ...createFiles, ...dueFiles, ...dropFiles });
    const sha = fakeSha();
    const id = ++runId;
    rec.runApprovals.set(id, [{ state: 'approved', user: { login: 'alice' }, environments: [{ name: 'prod' }], comment: 'verified on qa' }]);
    rec.commitPulls.set(sha, [{ number: PR, merge_commit_sha: sha, merged_at: '2026-11-24T10:00:00Z' }]);
    rec.reviews.set(PR, [{ id: 1, user: { login: 'bob' }, state: 'APPROVED' }]);
    fake.snapshotCreatingPolls(2);
    const run = await replay('deploy.yml', pushEvent(sha), id);

    assert.equal(run.result, 'success', run.steps.map(dump).join('\n'));
    assert.deepEqual(run.jobs.map((j) => [j.key, j.result]), [['qa/deploy', 'success'], ...unsharded('qa'), ['prod/deploy', 'success'], ...unsharded('prod')]);
    assert.equal(run.job('prod/deploy').environment, 'prod');
    assert.deepEqual(run.job('prod/deploy').concurrency, { group: 'changegate-prod', cancelInProgress: false });
    assert.deepEqual(ran(run, 'prod/deploy'), ['Plan', 'Snapshot (when the plan requires one)', 'Apply', 'Report status']);
    assert.match(run.step('prod/deploy', 'Plan comment on the pull request').reason ?? '', /is false/);

    // Exactly one snapshot, by the snapshot step; apply reused it.
    const creates = fake.callsTo('CreateDBClusterSnapshot');
    assert.equal(creates.length, 1);
    assert.equal(creates[0]!.params['DBClusterIdentifier'], 'prodinvoicingdb');
    const snap = String(creates[0]!.params['DBClusterSnapshotIdentifier']);
    assert.match(snap, new RegExp(`^changegate-prod-${CREATE}-\\d{14}$`));
    const apply = run.step('prod/deploy', 'apply');
    assert.match(apply.stdout, new RegExp(`^snapshot: reusing ${snap}, taken after the last change applied in prod$`, 'm'), dump(apply));

    // Step outputs.
    assert.deepEqual(run.step('prod/deploy', 'plan').outputs, { pending: '3', 'snapshot-required': 'true', 'online-tool': '' });
    assert.deepEqual(run.step('prod/deploy', 'snapshot').outputs, { 'snapshot-id': snap });
    assert.equal(apply.outputs['applied'], '3');
    assert.equal(apply.outputs['snapshot-id'], snap);
    assert.equal(run.job('prod/deploy').outputs['applied'], '3');
    assert.equal(run.job('prod/deploy').outputs['snapshot-id'], snap);

    // The job summary's table rows, word for word (durations vary).
    const lines = apply.summary.split('\n').filter((l) => l.startsWith('| `'));
    const rows = lines.slice(0, 3).map((l) => l.replace(/ \| [^|]+ \|$/, ' | <duration> |'));
    // Then the impact table: each statement as judged right before its change ran (sizes vary by server).
    const t = `\`${prod.name}.invoices\``;
    assert.deepEqual(lines.slice(3).map((l) => l.replace(/ \| \d+ (B|KB) \| /, ' | <size> | ')), [
      `| \`${CREATE}\` 1 | ${t} | 0 rows | <size> | instant, lock none | 0 s | — |`,
      `| \`${DUE}\` 1 | ${t} | 0 rows | <size> | instant, lock none | 0 s | — |`,
      `| \`${DROP}\` 1 | ${t} | 0 rows | <size> | instant, lock none | 0 s | — |`,
    ], apply.summary);
    assert.deepEqual(rows, [
      `| \`${CREATE}\` Create invoices | T-101 | 1 | no | \`${snap}\` | ✅ applied | <duration> |`,
      `| \`${DUE}\` Add due\\_date to invoices | T-102 | 1 | no | \`${snap}\` | ✅ applied | <duration> |`,
      `| \`${DROP}\` Drop invoices.legacy\\_note | T-103 | 1 | ⚠️ yes | \`${snap}\` | ✅ applied | <duration> |`,
    ], apply.summary);
    assert.ok(apply.summary.includes('| change | ticket | statements | destructive | snapshot | result | duration |'), apply.summary);
    const planRows = run.step('prod/deploy', 'plan').summary.split('\n').filter((l) => l.startsWith('| `'));
    assert.equal(planRows.length, 6, run.step('prod/deploy', 'plan').summary);

    // The approver (the deployment's reviewer) and the PR's reviewer, in prod's history.
    const rowsProd = await history(prod.name);
    assert.deepEqual(rowsProd.map((r) => [r.change_id, r.status, r.snapshot_id]), [[CREATE, 'applied', snap], [DUE, 'applied', snap], [DROP, 'applied', snap]]);
    for (const r of rowsProd) {
      assert.ok((r.approver ?? '').split(', ').includes('alice'), `approver of ${r.change_id}: ${r.approver}`);
      assert.equal(r.approver, 'alice, reviewer:bob');
    }
    assert.match(apply.stdout, /^approvals: deployment approved by alice; PR reviewed by bob$/m);

    // Slack: qa start and success, then prod start and success.
    const runUrl = `https://github.com/${REPO}/actions/runs/${id}`;
    const list = [
      `• \`${CREATE}\` T-101 Create invoices`,
      `• \`${DUE}\` T-102 Add due_date to invoices`,
      `• \`${DROP}\` T-103 Drop invoices.legacy_note`,
    ].join('\n');
    const payloads = slack();
    assert.deepEqual(payloads.map((p) => p.text), [
      'changegate: applying 3 changes to qa (invoicingdb) (T-101, T-102, T-103)',
      'changegate: applied 3 changes to qa (invoicingdb) (T-101, T-102, T-103)',
      'changegate: applying 3 changes to prod (invoicingdb) (T-101, T-102, T-103)',
      'changegate: applied 3 changes to prod (invoicingdb) (T-101, T-102, T-103)',
    ]);
    assert.deepEqual(payloads[2], {
      text: 'changegate: applying 3 changes to prod (invoicingdb) (T-101, T-102, T-103)',
      channel: '#invoicing-dev',
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: ':arrow_forward: *changegate: applying 3 changes to prod (invoicingdb)*' } },
        { type: 'section', text: { type: 'mrkdwn', text: list } },
        { type: 'section', fields: [{ type: 'mrkdwn', text: '*Approved by*\nalice, reviewer:bob' }] },
        { type: 'context', elements: [{ type: 'mrkdwn', text: `<${runUrl}|Workflow run>` }] },
      ],
    });
    assert.deepEqual(payloads[3], {
      text: 'changegate: applied 3 changes to prod (invoicingdb) (T-101, T-102, T-103)',
      channel: '#invoicing-dev',
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: ':white_check_mark: *changegate: applied 3 changes to prod (invoicingdb)*' } },
        { type: 'section', text: { type: 'mrkdwn', text: list } },
        { type: 'section', fields: [{ type: 'mrkdwn', text: '*Approved by*\nalice, reviewer:bob' }, { type: 'mrkdwn', text: `*Snapshot*\n\`${snap}\`` }] },
        { type: 'context', elements: [{ type: 'mrkdwn', text: `<${runUrl}|Workflow run>` }] },
      ],
    });

    assertNoCredentials();

    // Checked last and together, because they fail today: the workflow's `pending` output is "number of
    // changes still pending after the run" (apply sets it before it runs anything), and the PROD approver
    // must be "recorded in the history rows of what ran and shown in the summary".
    const gaps: string[] = [];
    const qaPending = run.step('qa/deploy', 'apply').outputs['pending'];
    if (qaPending !== '0') gaps.push(`qa apply step output pending is ${qaPending} after applying everything, not 0`);
    if (apply.outputs['pending'] !== '0') gaps.push(`prod apply step output pending is ${apply.outputs['pending']} after applying everything, not 0`);
    if (run.job('prod/deploy').outputs['pending'] !== '0') gaps.push(`prod job output pending is ${run.job('prod/deploy').outputs['pending']}, not 0`);
    if (!/Approved by: alice\b/.test(run.job('prod/deploy').summary)) gaps.push('the prod job summary does not show the approver alice');
    assert.deepEqual(gaps, [], run.job('prod/deploy').summary);
  });

  it('push to main with a failing statement: qa fails with an annotation on the SQL line, Slack hears it, prod never starts', async () => {
    writeFiles(repo, { ...createFiles, ...badFiles });
    const run = await replay('deploy.yml', pushEvent(fakeSha()));
    assert.equal(run.result, 'failure');
    assert.equal(run.job('qa/deploy').result, 'failure');
    const apply = run.step('qa/deploy', 'apply');
    assert.equal(apply.outcome, 'failure');
    assert.equal(apply.exitCode, 1, dump(apply));
    const annotation = apply.commands.find((c) => c.command === 'error' && c.properties['file'] === `migrations/${BAD}/up.sql`);
    assert.ok(annotation, `an error annotation on the SQL file:\n${apply.stdout}`);
    assert.equal(annotation.properties['line'], '3', JSON.stringify(annotation));
    assert.match(apply.stdout, new RegExp(`^::error [^:]*file=migrations/${BAD}/up\\.sql,line=3\\b`, 'm'));
    assert.equal(run.step('qa/deploy', 'Report status').status, 'ran', 'status still reports (always())');

    // Prod: the job is skipped because it needs qa; nothing happened there.
    const prodJob = run.job('prod');
    assert.equal(prodJob.result, 'skipped');
    assert.match(prodJob.reason ?? '', /needed job did not succeed \(qa\)/);
    assert.ok(!run.jobs.some((j) => j.key.startsWith('prod/')));
    assert.deepEqual(await history(prod.name), []);
    assert.deepEqual(fake.calls.filter((c) => JSON.stringify(c.params).includes('prod')), [], 'no AWS call about prod');

    const payloads = slack();
    assert.deepEqual(payloads.map((p) => p.text), [
      'changegate: applying 2 changes to qa (invoicingdb) (T-101, T-104)',
      'changegate: FAILED applying to qa (invoicingdb) (T-101, T-104)',
    ]);
    const failure = JSON.stringify(payloads[1]!.blocks);
    assert.ok(failure.includes(':x: *changegate: FAILED applying to qa (invoicingdb)*'), failure);
    assert.ok(failure.includes('*Error*'), failure);
    assert.ok(failure.includes(BAD), failure);
    assert.deepEqual((await history(qa.name)).map((r) => [r.change_id, r.status]), [[CREATE, 'applied'], [BAD, 'failed']]);
    assert.equal(apply.outputs['applied'], '1');

    assertNoCredentials();

    // Last, because it fails today: after the run only the failed change is still pending.
    assert.equal(apply.outputs['pending'], '1', 'pending after the run');
  });

  it('workflow_dispatch: runs one environment from the default branch only', async () => {
    writeFiles(repo, createFiles);
    const dispatch = (environment: string, command: string, ref = 'refs/heads/main'): ReplayEvent => ({
      name: 'workflow_dispatch',
      ref,
      sha: fakeSha(),
      actor: 'oncall',
      inputs: { environment, command },
      payload: { inputs: { environment, command }, ref, repository: { full_name: REPO, default_branch: 'main' } },
    });
    const branch = await replay('dispatch.yml', dispatch('qa', 'apply', 'refs/heads/inv-101'));
    assert.equal(branch.job('run').result, 'skipped');
    assert.deepEqual(await history(qa.name), []);

    const qaRun = await replay('dispatch.yml', dispatch('qa', 'apply'));
    assert.equal(qaRun.job('run/deploy').result, 'success', qaRun.steps.map(dump).join('\n'));
    // The role is looked up by name: vars[format('AWS_ROLE_{0}', inputs.environment)].
    assert.match(qaRun.step('run/deploy', 'AWS credentials (OIDC)').reason ?? '', /role\/changegate-qa /);
    assert.deepEqual((await history(qa.name)).map((r) => [r.change_id, r.status]), [[CREATE, 'applied']]);

    const plan = await replay('dispatch.yml', dispatch('prod', 'plan'));
    assert.equal(plan.job('run/deploy').result, 'success', plan.steps.map(dump).join('\n'));
    assert.equal(plan.job('run/deploy').environment, 'prod');
    assert.deepEqual(ran(plan, 'run/deploy'), ['Plan', 'Report status']);
    assert.deepEqual(plan.step('run/deploy', 'plan').outputs, { pending: '1', 'snapshot-required': 'false', 'online-tool': '' });
    assert.deepEqual(await history(prod.name), [], 'plan applies nothing');
    assert.equal(fake.callsTo('CreateDBClusterSnapshot').length, 0);
    assertNoCredentials();
  });

  it('an apply in shards of an environment of one target: the matrix job refuses it and nothing runs', async () => {
    writeFiles(repo, createFiles);
    const run = await replay('dispatch.yml', dispatchEvent('qa', 'apply', { shards: 3 }));
    assert.deepEqual(run.jobs.map((j) => [j.key, j.result]), [['run/deploy', 'skipped'], ['run/shards', 'failure'], ['run/apply-shard', 'skipped'], ['run/merge', 'skipped']], run.steps.map(dump).join('\n'));
    const matrix = run.step('run/shards', 'matrix');
    assert.equal(matrix.exitCode, 1, dump(matrix));
    assert.equal(matrix.stdout, '::error::shards: 3, but environment qa has one target; shards split a fleet (targets: or schemas:), so call it with shards: 1\n');
    assert.deepEqual(run.job('run/shards').permissions, { contents: 'read' });
    assert.equal(run.job('run/shards').environment, undefined, 'the matrix is read without reviewers or AWS');
    assert.deepEqual(await history(qa.name), []);
    assert.deepEqual(fake.calls, [], 'no AWS call');
  });

  describe('a fleet in shards', () => {
    // Seven tenant schemas on the prod cluster; by the stable hash of their names, shards of three
    // hold t2, t4, t7 / t1, t6 / t3, t5.
    const TENANTS = Array.from({ length: 7 }, (_, i) => `cgshard_t${i + 1}`);
    const SHARDS: Record<string, string[]> = { '1/3': ['t2', 't4', 't7'], '2/3': ['t1', 't6'], '3/3': ['t3', 't5'] };
    const NOTES = '2026-12-01-tenant-notes';
    const target = (t: string) => `prodinvoicingdb/cgshard_${t}`;
    const dropTenants = async () => {
      for (const t of TENANTS) await server.adminQuery(`DROP DATABASE IF EXISTS \`${t}\``);
    };
    interface ShardJson { environment: string; shard: string | null; targets: { target: string; result: string; error?: { message: string } }[]; summary: Record<string, number> }

    beforeEach(async () => {
      await dropTenants();
      for (const t of TENANTS) {
        await server.adminQuery(`CREATE DATABASE \`${t}\``);
        await server.adminQuery(`CREATE TABLE \`${t}\`.notes (id INT NOT NULL PRIMARY KEY, body VARCHAR(40) NULL) ENGINE=InnoDB`);
      }
      await server.adminQuery('GRANT ALL PRIVILEGES ON `cgshard\\_%`.* TO ?@?', [username, '%']);
      // prod is a fleet: every cgshard_t* schema on its cluster, four at a time, not stopping at one failure.
      const prodFleet = [
        '  prod:',
        '    targets:',
        '      - { cluster: prodinvoicingdb }',
        '    region: us-east-2',
        '    secret: "rds-admin-credentials-prodinvoicingdb"',
        `    tls: { ca_file: ${JSON.stringify(caFile)} }`,
        '    schemas: { like: "cgshard\\\\_t%" }',
        '    fleet: { parallel: 4, stop_after_failures: 7 }',
        '    snapshot: never',
        '    lock_timeout: 2',
        '    approval: required',
      ];
      writeFiles(repo, {
        'changegate.yaml': awsConfig(caFile, { qa: { cluster: 'qainvoicingdb', schema: qa.name } }) + prodFleet.join('\n') + '\n',
        ...change(NOTES, {
          title: 'Notes get an author',
          ticket: 'T-201',
          sql: 'ALTER TABLE notes ADD COLUMN author VARCHAR(20) NULL;\nINSERT INTO notes (id, body) VALUES (1, \'welcome\');\n',
        }),
      });
    });
    afterEach(dropTenants);

    // Dispatched by hand as on-call would: prod, apply, in three shards; alice approves the deployment.
    const shardedRun = () => {
      const id = ++runId;
      rec.runApprovals.set(id, [{ state: 'approved', user: { login: 'alice' }, environments: [{ name: 'prod' }], comment: 'go' }]);
      return replay('dispatch.yml', dispatchEvent('prod', 'apply', { shards: 3 }), id);
    };
    const shardFiles = (): Record<string, ShardJson> => {
      const dir = path.join(repo, 'changegate-shards');
      return Object.fromEntries(readdirSync(dir).sort().map((f) => [f, JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as ShardJson]));
    };
    const notesRows = async (t: string) => (await server.adminQuery<{ n: number }>(`SELECT COUNT(*) AS n FROM \`${t}\`.notes`))[0]!.n;

    it('envs matrix, a job per shard writing its JSON, one merge: every tenant applied exactly once, one summary', async () => {
      // The names the test expects are the ones the stable hash gives.
      for (const [shard, ts] of Object.entries(SHARDS)) for (const t of ts) assert.equal(`${shardOf(target(t), 3)}/3`, shard, t);
      // t6 already has the column: its shard's job fails, the other shards go on, the merge still runs.
      await server.adminQuery('ALTER TABLE `cgshard_t6`.notes ADD COLUMN author VARCHAR(20) NULL');
      const run = await shardedRun();

      assert.deepEqual(run.jobs.map((j) => [j.key, j.result]), [
        ['run/deploy', 'skipped'],
        ['run/shards', 'success'],
        ['run/apply-shard[0]', 'success'],
        ['run/apply-shard[1]', 'failure'],
        ['run/apply-shard[2]', 'success'],
        ['run/merge', 'failure'],
      ], run.steps.map(dump).join('\n'));
      assert.equal(run.step('run/shards', 'matrix').outputs['matrix'], JSON.stringify({
        include: ['1', '2', '3'].map((i) => ({ shard: `${i}/3`, online_tool: '', slug: `${i}-of-3` })),
      }));
      for (const [i, shard] of ['1/3', '2/3', '3/3'].entries()) {
        const job = run.job(`run/apply-shard[${i}]`);
        assert.equal(job.name, `apply prod shard ${shard}`);
        assert.equal(job.environment, 'prod');
        assert.deepEqual(job.concurrency, { group: `changegate-prod-shard-${i + 1}-of-3`, cancelInProgress: false });
        assert.deepEqual(job.permissions, { contents: 'read', 'id-token': 'write', actions: 'read', 'pull-requests': 'read' });
        assert.match(run.step(`run/apply-shard[${i}]`, 'apply').script ?? '', /--format json apply --env "\$ENVIRONMENT" --shard "\$SHARD" --lock-timeout 900 "\$\{pr\[@\]\}" > "\$RESULT"$/m);
        // Uploaded whatever the apply's exit code.
        assert.equal(run.step(`run/apply-shard[${i}]`, "Upload the shard's result").outcome, 'success');
      }
      assert.equal(run.step('run/apply-shard[1]', 'apply').exitCode, 1);
      assert.deepEqual(run.job('run/merge').permissions, { contents: 'read', 'pull-requests': 'write' });

      // Each shard's document holds exactly its targets; together they hold every tenant once.
      const docs = shardFiles();
      assert.deepEqual(Object.keys(docs), ['shard-1-of-3.json', 'shard-2-of-3.json', 'shard-3-of-3.json']);
      for (const [i, shard] of ['1/3', '2/3', '3/3'].entries()) {
        const d = docs[`shard-${i + 1}-of-3.json`]!;
        assert.equal(d.environment, 'prod');
        assert.equal(d.shard, shard);
        assert.deepEqual(d.targets.map((x) => x.target).sort(), SHARDS[shard]!.map(target).sort());
      }
      const all = Object.values(docs).flatMap((d) => d.targets.map((x) => x.target));
      assert.deepEqual(all.slice().sort(), TENANTS.map((t) => `prodinvoicingdb/${t}`).sort(), 'every target in exactly one shard');

      // The merge: one line for the tenant that failed, the counts of the whole fleet, one summary.
      const merge = run.step('run/merge', 'merge');
      assert.equal(merge.exitCode, 1, dump(merge));
      const why = "2026-12-01-tenant-notes: statement 1 of 2 failed at migrations/2026-12-01-tenant-notes/up.sql:1: Duplicate column name 'author'. No statement of this change is applied. To go on, fix forward with a new change, or edit statements 1-2 of this change and run apply again";
      assert.equal(merge.stdout, [
        `prodinvoicingdb/cgshard_t6: failed: ${why}`,
        'prod: 7 targets: 6 applied, 1 failed',
        '::error::changegate merge failed (exit 1); see the annotations above',
        '',
      ].join('\n'));
      assert.equal(merge.summary, [
        '## changegate apply: prod (7 targets)',
        '',
        '| result | targets |',
        '| --- | --- |',
        '| applied | 6 |',
        '| failed | 1 |',
        '',
        '| target | result | why |',
        '| --- | --- | --- |',
        `| prodinvoicingdb/cgshard\\_t6 | failed | ${why} |`,
        '',
      ].join('\n'));
      assert.equal(run.job('run/merge').outputs['applied'], '6');

      // Applied exactly once in each tenant but t6, whose history says it failed and which ran nothing twice.
      for (const t of TENANTS) {
        const rows = (await history(t)).map((r) => [r.change_id, r.status]);
        assert.deepEqual(rows, [[NOTES, t === 'cgshard_t6' ? 'failed' : 'applied']], t);
        assert.equal(await notesRows(t), t === 'cgshard_t6' ? 0 : 1, t);
      }

      // t6 fixed by hand; the same dispatch again: only t6 runs, the others have nothing pending.
      await server.adminQuery('ALTER TABLE `cgshard_t6`.notes DROP COLUMN author');
      const again = await shardedRun();
      assert.equal(again.result, 'success', again.steps.map(dump).join('\n'));
      const merged = again.step('run/merge', 'merge');
      assert.equal(merged.stdout.split('\n').filter((l) => l !== '' && !l.startsWith('::')).join('\n'), 'prod: 7 targets: 1 applied, 6 nothing-pending');
      for (const t of TENANTS) {
        assert.deepEqual((await history(t)).map((r) => [r.change_id, r.status]), [[NOTES, 'applied']], t);
        assert.equal(await notesRows(t), 1, `${t}: the INSERT ran once`);
      }
      assertNoCredentials();
    });
  });

  it('approval: risky, as the deploy workflow init writes it: a routine change reaches prod with no reviewer, a risky one waits for prod\'s', async () => {
    // The caller `init --approval risky` writes, calling this repository's reusable workflow.
    const root = mkdtempSync(path.join(scratch, 'init-'));
    initRepository(root, { version: '0.1.0', approval: 'risky' });
    const callerFile = path.join(root, '.github/workflows/changegate-deploy.yml');
    const caller = readFileSync(callerFile, 'utf8');
    assert.ok(caller.includes('uses: OWNER/changegate/.github/workflows/changegate.yml@v0.1.0'), caller);
    writeFileSync(callerFile, caller.split('OWNER/changegate/.github/workflows/changegate.yml@v0.1.0').join('./.github/workflows/changegate.yml'));
    writeFileSync(path.join(root, '.github/workflows/changegate.yml'), readFileSync(path.join(ROOT, '.github/workflows/changegate.yml')));
    const withRollback = (files: Record<string, string>, id: string) => ({
      ...files,
      [`changes/${id}.yaml`]: files[`changes/${id}.yaml`]! + `rollback:\n  - migrations/${id}/down.sql\n`,
      [`migrations/${id}/down.sql`]: 'SELECT 1;\n',
    });
    writeFiles(repo, {
      'changegate.yaml': awsConfig(caFile, {
        qa: { cluster: 'qainvoicingdb', schema: qa.name, snapshot: 'never' },
        prod: { cluster: 'prodinvoicingdb', schema: prod.name, after: 'qa', approval: 'risky', snapshot: 'destructive' },
      }),
      ...withRollback(createFiles, CREATE),
    });
    const asked: string[] = [];
    const deploy = (approve: (environment: string) => boolean, id = ++runId) =>
      replay('changegate-deploy.yml', pushEvent(fakeSha()), id, { workflowsRoot: root, approveEnvironment: (e) => (asked.push(e), approve(e)) });
    const calls = ['qa', 'prod-plan', 'prod'];
    const jobs = (prodResult: string) => calls.flatMap((c) => [[`${c}/deploy`, c === 'prod' ? prodResult : 'success'], ...unsharded(c)]);

    // Routine: CREATE TABLE with a rollback file. No one approves prod, and no one needs to.
    const routine = await deploy((e) => e !== 'prod');
    assert.equal(routine.result, 'success', routine.steps.map(dump).join('\n'));
    assert.deepEqual(routine.jobs.map((j) => [j.key, j.result]), jobs('success'));
    assert.deepEqual(asked, ['qa', 'prod-routine', 'prod-routine'], 'prod\'s reviewers are never asked');
    const plan = routine.step('prod-plan/deploy', 'plan');
    assert.deepEqual(plan.outputs, { pending: '1', 'snapshot-required': 'false', 'online-tool': '', 'approval-required': 'false' });
    assert.match(plan.stdout, new RegExp(`^approval: not needed \\(routine\\): ${ROUTINE_REASON}$`, 'm'), dump(plan));
    assert.deepEqual(ran(routine, 'prod-plan/deploy'), ['Plan', 'Report status']);
    assert.deepEqual(routine.job('prod-plan/deploy').concurrency, { group: 'changegate-prod-plan', cancelInProgress: false });
    const applyJob = routine.job('prod/deploy');
    assert.equal(applyJob.environment, 'prod-routine');
    assert.deepEqual(applyJob.concurrency, { group: 'changegate-prod', cancelInProgress: false }, 'one queue for prod, whichever GitHub environment');
    assert.equal(routine.step('prod/deploy', 'apply').env?.['CHANGEGATE_ENVIRONMENT'], 'prod-routine');
    assert.deepEqual(await history(prod.name), [{ change_id: CREATE, status: 'applied', snapshot_id: null, approver: null }]);

    // Risky: a destructive change. prod's reviewers are asked; rejected, nothing reaches prod.
    writeFiles(repo, withRollback(dropFiles, DROP));
    asked.length = 0;
    const rejected = await deploy((e) => e !== 'prod');
    assert.deepEqual(rejected.jobs.map((j) => [j.key, j.result]), jobs('failure'));
    assert.deepEqual(asked, ['qa', 'prod-routine', 'prod']);
    assert.equal(rejected.job('prod/deploy').reason, 'deployment to environment prod was rejected');
    const riskyPlan = rejected.step('prod-plan/deploy', 'plan');
    assert.equal(riskyPlan.outputs['approval-required'], 'true');
    assert.ok(noMask(riskyPlan.stdout).includes(`approval: required (risky):\n  ${DROP}: a destructive change\n`), dump(riskyPlan));
    assert.deepEqual((await history(prod.name)).map((r) => r.change_id), [CREATE]);

    // Approved by alice: it runs in prod, and she is recorded.
    asked.length = 0;
    const id = ++runId;
    rec.runApprovals.set(id, [{ state: 'approved', user: { login: 'alice' }, environments: [{ name: 'prod' }], comment: 'read the plan' }]);
    const approved = await deploy(() => true, id);
    assert.equal(approved.result, 'success', approved.steps.map(dump).join('\n'));
    assert.deepEqual(asked, ['qa', 'prod-routine', 'prod']);
    assert.equal(approved.job('prod/deploy').environment, 'prod');
    assert.equal(approved.step('prod/deploy', 'apply').env?.['CHANGEGATE_ENVIRONMENT'], 'prod');
    assert.deepEqual((await history(prod.name)).map((r) => [r.change_id, r.status, r.approver]), [[CREATE, 'applied', null], [DROP, 'applied', 'alice']]);
    assertNoCredentials();
  });
});

describe('workflow replay: the expression evaluator', () => {
  /** Every expression of every workflow file: `if:` values and `${{ }}` fragments. */
  function expressions(): { file: string; expr: string }[] {
    const dir = path.join(ROOT, '.github', 'workflows');
    const out: { file: string; expr: string }[] = [];
    for (const file of readdirSync(dir).filter((f) => /\.ya?ml$/.test(f))) {
      const walk = (v: unknown, key?: string) => {
        if (typeof v === 'string') {
          if (key === 'if') out.push({ file, expr: v.replace(/^\s*\$\{\{([\s\S]*)\}\}\s*$/, '$1').trim() });
          else for (const m of v.matchAll(/\$\{\{([\s\S]*?)\}\}/g)) out.push({ file, expr: m[1]!.trim() });
        } else if (Array.isArray(v)) v.forEach((x) => walk(x));
        else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, k);
      };
      walk(parseYaml(readFileSync(path.join(dir, file), 'utf8')));
    }
    return out;
  }

  it('parses every expression the workflow files use', () => {
    const all = expressions();
    assert.ok(all.length > 30, `found ${all.length}`);
    for (const { file, expr } of all) assert.doesNotThrow(() => parseExpression(expr), `${file}: ${expr}`);
  });

  it('evaluates them as Actions does, and refuses what it does not know', () => {
    const scope = {
      contexts: {
        github: { repository: 'acme/invoicing', event: { pull_request: { head: { repo: { full_name: 'acme/invoicing' } } } } },
        inputs: { command: 'apply', 'pr-number': 7, environment: 'qa', 'comment-environments': '', shadow: true, 'aws-role': '' },
        vars: { AWS_ROLE_QA: 'arn:qa' },
        steps: { plan: { outcome: 'success', outputs: {} } },
      },
    };
    assert.equal(evaluate("inputs.command == 'plan' || inputs.command == 'APPLY'", scope), true, 'strings compare case-insensitively');
    assert.equal(evaluate('github.event.pull_request.head.repo.full_name == github.repository', scope), true);
    assert.equal(evaluate("vars[format('AWS_ROLE_{0}', inputs.environment)]", scope), 'arn:qa', 'context keys are case-insensitive');
    assert.equal(evaluate("inputs.aws-role != ''", scope), false);
    assert.equal(evaluate("'7' == 7", scope), true);
    assert.equal(expand('${{ inputs.comment-environments || inputs.environment }}', scope), 'qa');
    assert.equal(expand('${{ inputs.pr-number }}', scope), 7, 'a whole-string expression keeps its type');
    assert.equal(expand('x-${{ inputs.pr-number }}-${{ inputs.shadow }}', scope), 'x-7-true');
    assert.equal(condition("always() && inputs.pr-number > 0 && steps.plan.outcome != 'skipped'", { ...scope, failed: true }), true);
    assert.equal(condition("inputs.command == 'apply'", { ...scope, failed: true }), false, 'implicit success()');
    assert.equal(condition('${{ inputs.shadow }}', scope), true);
    assert.throws(() => evaluate("contains(inputs.command, 'a')", scope), /contains\(\) is not supported/);
    assert.throws(() => evaluate("hashFiles('x')", scope), /not supported/);
    assert.throws(() => evaluate('foo.bar', scope), /unknown context "foo"/);
    assert.throws(() => evaluate('needs.qa.result', scope), /context "needs" is not available here/);
    assert.throws(() => evaluate('github.event.*.x', scope), /object filters/);
    assert.throws(() => evaluate('always()', scope), /only allowed in if:/);
  });
});
