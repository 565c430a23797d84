// The work ticket through the real executable against the throwaway server: `apply` comments on each
// change's ticket when it starts and when it ends (applied, failed, refused), through jira.js and
// octokit to a loopback Jira and GitHub; a Jira that answers 500 or 401 leaves the changes applied
// with one warning, and no credential reaches any output.
import { strict as assert } from 'node:assert';
import { rmSync } from 'node:fs';
import { getServer, type TestServer } from './helpers/mysql-server.js';
import { localConfig, makeRepo, runCli, writeFiles, type CliResult } from './helpers/cli.js';
import { Recorder } from './helpers/recorder.js';

const RUN = 'https://github.com/acme/invoicing/actions/runs/7';
const TOKEN = 'jira-api-token-Zq81xv';
const USER = 'deployer@example.com';
const BASIC = Buffer.from(`${USER}:${TOKEN}`).toString('base64');

const CREATE = '2026-11-01-create-invoices';
const SEED = '2026-11-02-seed';

function change(id: string, ticket: string, extra = ''): Record<string, string> {
  return { [`changes/${id}.yaml`]: `title: ${id}\nticket: "${ticket}"\n${extra}destructive: false\napply:\n  - migrations/${id}/up.sql\n` };
}

// The text of an ADF document as lines: a paragraph per line, a list item as "- ", a code block as is.
function adfText(doc: unknown): string {
  const text = (n: { text?: string; content?: unknown[] }): string => n.text ?? (n.content ?? []).map((c) => text(c as never)).join('');
  return ((doc as { content: { type: string; content?: unknown[] }[] }).content)
    .map((b) => (b.type === 'bulletList' ? b.content!.map((li) => `- ${text(li as never)}`).join('\n') : b.type === 'codeBlock' ? `[code]\n${text(b)}` : text(b)))
    .join('\n');
}

// The message of the error that ended a run, as stderr shows it.
const errorOf = (r: CliResult) => r.stderr.slice(r.stderr.indexOf('error: ') + 'error: '.length).trimEnd();

// Durations differ from run to run; everything else in a comment is exact.
const seconds = (s: string) => s.replace(/\d+\.\d s\b/g, 'N s');

describe('tickets: apply comments on each change ticket (CLI)', function () {
  this.timeout(120_000);
  let server: TestServer;
  let schema: { name: string; url: string; drop(): Promise<void> };
  let rec: Recorder;
  let repo: string;
  const env = (extra: Record<string, string> = {}) => ({
    TEST_URL: schema.url, JIRA_USER: USER, JIRA_TOKEN: TOKEN, GITHUB_REPOSITORY: 'acme/invoicing', GITHUB_RUN_ID: '7', GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_ACTIONS: undefined as unknown as string, ...extra,
  });
  const jira = () => `notify:\n  ticket:\n    jira: { url: "${rec.url}", user_env: JIRA_USER, token_env: JIRA_TOKEN }\n`;
  const apply = (extra: Record<string, string> = {}): Promise<CliResult> => runCli(['apply', '--env', 'local', '--approved-by', 'erin'], { cwd: repo, env: env(extra) });
  const noCredential = (r: CliResult) => {
    for (const secret of [TOKEN, BASIC]) assert.ok(!r.stdout.includes(secret) && !r.stderr.includes(secret), `a credential leaked:\n${r.stdout}\n${r.stderr}`);
  };

  before(async () => {
    server = await getServer();
  });
  beforeEach(async () => {
    schema = await server.freshSchema('tickets');
    rec = await new Recorder().start();
    repo = makeRepo({
      'changegate.yaml': localConfig(jira()),
      ...change(CREATE, 'T-1'),
      [`migrations/${CREATE}/up.sql`]: 'CREATE TABLE invoices (\n  id BIGINT NOT NULL PRIMARY KEY,\n  amount DECIMAL(10,2) NOT NULL DEFAULT 0\n) ENGINE=InnoDB;\n\nCREATE INDEX idx_amount ON invoices (amount);\n',
      ...change(SEED, 'T-1', 'tickets: { local: T-9 }\n'),
      [`migrations/${SEED}/up.sql`]: 'INSERT INTO invoices (id, amount) VALUES (1, 10.00);\nINSERT INTO invoices (id, amount) VALUES (2, 20.00);\n',
    });
  });
  afterEach(async () => {
    await rec.close();
    await schema.drop();
    rmSync(repo, { recursive: true, force: true });
  });

  it('Jira Cloud: a start and an end comment on each ticket, its environment ticket for the second change', async () => {
    const r = await apply();
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    noCredential(r);
    assert.deepEqual(rec.jiraComments.map((c) => [c.version, c.issue, c.authorization]), [
      [3, 'T-1', `Basic ${BASIC}`], [3, 'T-9', `Basic ${BASIC}`], [3, 'T-1', `Basic ${BASIC}`], [3, 'T-9', `Basic ${BASIC}`],
    ]);
    assert.deepEqual(rec.jiraComments.map((c) => seconds(adfText(c.body))), [
      `changegate: applying 1 change to local (testdb)\n- ${CREATE}: ${CREATE} (2 statements)\nAlso in this run: 1 other change\nApproved by: erin\nWorkflow run`,
      `changegate: applying 1 change to local (testdb)\n- ${SEED}: ${SEED} (2 statements)\nAlso in this run: 1 other change\nApproved by: erin\nWorkflow run`,
      `changegate: applied 1 change to local (testdb)\n- ${CREATE}: ${CREATE}: applied in N s\nAlso in this run: 1 other change\nApproved by: erin\nWorkflow run`,
      `changegate: applied 1 change to local (testdb)\n- ${SEED}: ${SEED}: applied in N s\nAlso in this run: 1 other change\nApproved by: erin\nWorkflow run`,
    ]);
    const link = (rec.jiraComments[0]!.body as { content: { content: { marks?: { attrs?: { href: string } }[] }[] }[] }).content.at(-1)!.content[0]!.marks![0]!.attrs!.href;
    assert.equal(link, RUN);
    // Nothing pending: no run, no comment.
    const again = await apply();
    assert.equal(again.code, 0, again.stderr);
    assert.equal(rec.jiraComments.length, 4);
  });

  it('a failed statement: the end comment names it with its file and line, and the error', async () => {
    writeFiles(repo, { [`migrations/${SEED}/up.sql`]: 'INSERT INTO invoices (id, amount) VALUES (1, 10.00);\nINSERT INTO no_such_table (id) VALUES (2);\n' });
    const r = await apply();
    assert.equal(r.code, 1, r.stderr);
    noCredential(r);
    const error = errorOf(r);
    assert.match(error, /^2026-11-02-seed: statement 2 .*no_such_table/);
    assert.deepEqual(rec.jiraComments.slice(2).map((c) => [c.issue, seconds(adfText(c.body))]), [
      ['T-1', `changegate: FAILED applying to local (testdb)\n- ${CREATE}: ${CREATE}: applied in N s\nAlso in this run: 1 other change\nApproved by: erin\nError:\n[code]\n${error}\nWorkflow run`],
      ['T-9', `changegate: FAILED applying to local (testdb)\n- ${SEED}: ${SEED}: FAILED at statement 2 (migrations/${SEED}/up.sql:2) after N s\nAlso in this run: 1 other change\nApproved by: erin\nError:\n[code]\n${error}\nWorkflow run`],
    ]);
  });

  it('a run refused after its plan (an applied change was edited): the reason on the pending change ticket', async () => {
    writeFiles(repo, { 'changegate.yaml': localConfig() });
    rmSync(`${repo}/changes/${SEED}.yaml`);
    assert.equal((await apply()).code, 0);
    writeFiles(repo, {
      'changegate.yaml': localConfig(jira()),
      ...change(SEED, 'T-1', 'tickets: { local: T-9 }\n'),
      [`migrations/${CREATE}/up.sql`]: 'CREATE TABLE invoices (id BIGINT NOT NULL PRIMARY KEY) ENGINE=InnoDB;\n',
    });
    const r = await apply();
    assert.equal(r.code, 1, r.stderr);
    const error = errorOf(r);
    assert.match(error, /^local: 1 problem\(s\) stop this run before anything executes:\n  2026-11-01-create-invoices was applied in local but/);
    assert.deepEqual(rec.jiraComments.map((c) => [c.issue, adfText(c.body)]), [
      ['T-9', `changegate: refused to apply to local (testdb); nothing was executed\n- ${SEED}: ${SEED}: not run\nApproved by: erin\nReason:\n[code]\n${error}\nWorkflow run`],
    ]);
  });

  it('a destructive change backed up first: its end comment names the backup', async () => {
    writeFiles(repo, { 'changegate.yaml': localConfig(`    snapshot: destructive\n${jira()}`) });
    assert.equal((await apply()).code, 0);
    const DROP = '2026-11-03-drop-amount';
    writeFiles(repo, {
      [`changes/${DROP}.yaml`]: `title: ${DROP}\nticket: T-3\ndestructive: true\napply:\n  - migrations/${DROP}/up.sql\n`,
      [`migrations/${DROP}/up.sql`]: 'ALTER TABLE invoices DROP COLUMN amount;\n',
    });
    const r = await apply();
    assert.equal(r.code, 0, r.stderr);
    const backup = /^backup: (\S+) holds /m.exec(r.stdout)![1]!;
    assert.deepEqual(rec.jiraComments.slice(4).map((c) => [c.issue, seconds(adfText(c.body))]), [
      ['T-3', `changegate: applying 1 change to local (testdb)\n- ${DROP}: ${DROP} (1 statement, destructive)\nApproved by: erin\nSnapshot: taken before the first statement (${/^snapshot: required \((.*)\)$/m.exec(r.stdout)![1]})\nWorkflow run`],
      ['T-3', `changegate: applied 1 change to local (testdb)\n- ${DROP}: ${DROP}: applied in N s, backup ${backup}\nApproved by: erin\nWorkflow run`],
    ]);
  });

  for (const [status, reason] of [
    [500, 'HTTP 500 (Internal server error)'],
    [401, 'HTTP 401; check JIRA_USER and JIRA_TOKEN'],
  ] as const) {
    it(`Jira answering ${status}: the changes apply, with one warning and no credential anywhere`, async () => {
      rec.jiraStatus = status;
      const r = await apply();
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, `warning: Jira comment on T-1 (start, local) not written: ${reason}; the run goes on without ticket comments\n`);
      noCredential(r);
      assert.match(r.stdout, new RegExp(`applied  ${CREATE}  T-1 `));
      assert.match(r.stdout, new RegExp(`applied  ${SEED}  T-1 `));
      // One attempt: a system that refused once is not asked again in this run.
      assert.equal(rec.find('/rest/api/3/').length, 1);
      const json = await runCli(['status', '--env', 'local', '--format', 'json'], { cwd: repo, env: env() });
      assert.deepEqual(JSON.parse(json.stdout).changes.map((c: { status: string }) => c.status), ['applied', 'applied']);
    });
  }

  it('Jira Data Center: REST v2 with the personal access token as a bearer token', async () => {
    writeFiles(repo, { 'changegate.yaml': localConfig(`notify:\n  ticket:\n    jira: { url: "${rec.url}/jira", token_env: JIRA_PAT }\n`) });
    const r = await apply({ JIRA_PAT: TOKEN });
    assert.equal(r.code, 0, r.stderr);
    noCredential(r);
    assert.deepEqual(rec.jiraComments.map((c) => [c.version, c.issue, c.authorization]), [[2, 'T-1', `Bearer ${TOKEN}`], [2, 'T-9', `Bearer ${TOKEN}`], [2, 'T-1', `Bearer ${TOKEN}`], [2, 'T-9', `Bearer ${TOKEN}`]]);
    assert.equal(rec.jiraComments[0]!.body, `changegate: applying 1 change to local (testdb)\n* ${CREATE}: ${CREATE} (2 statements)\nAlso in this run: 1 other change\nApproved by: erin\nWorkflow run: ${RUN}`);
  });

  it('GitHub issues: the comments on the issues through octokit with GITHUB_TOKEN', async () => {
    writeFiles(repo, {
      'changegate.yaml': localConfig('notify:\n  ticket:\n    github: { repository: acme/invoicing }\n').replace('^T-[0-9]+$', '^#[0-9]+$'),
      ...change(CREATE, '#12'),
      ...change(SEED, '#12'),
    });
    const r = await apply({ GITHUB_TOKEN: 'ghs_secret_token_xyz', GITHUB_API_URL: rec.url });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.ok(!r.stdout.includes('ghs_secret_token_xyz'));
    assert.deepEqual(rec.commentsOn(12).map((c) => seconds(c.body)), [
      `**changegate: applying 2 changes to local (testdb)**\n\n- ${CREATE}: ${CREATE} (2 statements)\n- ${SEED}: ${SEED} (2 statements)\n\n**Approved by:** erin\n\n[Workflow run](${RUN})`,
      `**changegate: applied 2 changes to local (testdb)**\n\n- ${CREATE}: ${CREATE}: applied in N s\n- ${SEED}: ${SEED}: applied in N s\n\n**Approved by:** erin\n\n[Workflow run](${RUN})`,
    ]);
  });
});
