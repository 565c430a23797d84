import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getOctokit } from '@actions/github';
import { parse } from 'yaml';
import { DRIFT_LABEL, DRIFT_TITLE, readDriftResults, renderDriftIssue, reportDrift } from '../src/adapters/github/drift-issue.js';
import { Recorder } from './helpers/recorder.js';

describe('github drift issue', () => {
  let rec: Recorder;
  let dir: string;
  beforeEach(async () => {
    rec = await new Recorder().start();
    dir = mkdtempSync(join(tmpdir(), 'changegate-drift-'));
  });
  afterEach(async () => {
    await rec.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const octokit = () => getOctokit('ghs_test_token', { baseUrl: rec.url });
  const write = (env: string, code: number, report: unknown) => {
    writeFileSync(join(dir, `${env}.exit`), `${code}\n`);
    writeFileSync(join(dir, `${env}.json`), JSON.stringify(report));
  };
  const args = () => ({ owner: 'acme', repo: 'invoicing', dir, expected: ['qa', 'prod'], runUrl: 'https://github.com/acme/invoicing/actions/runs/9' });

  it('reads each environment, marking one whose job left no report', async () => {
    write('qa', 0, { environment: 'qa', drifted: [] });
    assert.deepEqual(await readDriftResults(dir, ['qa', 'prod']), [
      { environment: 'prod', exitCode: null, report: '' },
      { environment: 'qa', exitCode: 0, report: '{"environment":"qa","drifted":[]}' },
    ]);
  });

  it('renders a table and folds each drifted report, without host names', () => {
    const body = renderDriftIssue({
      results: [
        { environment: 'prod', exitCode: 1, report: '{"drifted":[{"object":"invoices.due_date","host":"prodinvoicingdb.cluster-x.us-east-2.rds.amazonaws.com"}]}' },
        { environment: 'qa', exitCode: 0, report: '{}' },
      ],
      runUrl: 'https://github.com/acme/invoicing/actions/runs/9',
    });
    assert.equal(
      body,
      `<!-- changegate:drift -->
The nightly drift check found live schemas that differ from what their applied changes should have produced, or could not check them.
Drift is never re-applied automatically: find who changed the schema outside changegate, then either revert that change or record it as a new change.

| environment | result |
| --- | --- |
| \`prod\` | **drift** |
| \`qa\` | no drift |

### prod

<details><summary>report</summary>

\`\`\`json
{
  "drifted": [
    {
      "object": "invoices.due_date",
      "host": "<host>"
    }
  ]
}
\`\`\`

</details>

Last checked by [this run](https://github.com/acme/invoicing/actions/runs/9).
`,
    );
  });

  it('opens one issue on drift, updates it the next night, and leaves it alone when clean', async () => {
    write('qa', 0, {});
    write('prod', 1, { drifted: ['invoices'] });
    assert.deepEqual(await reportDrift(octokit(), args()), { action: 'created', number: 1 });
    write('prod', 2, { error: 'could not connect' });
    assert.deepEqual(await reportDrift(octokit(), args()), { action: 'updated', number: 1 });
    write('prod', 0, {});
    assert.deepEqual(await reportDrift(octokit(), args()), { action: 'none' });

    assert.equal(rec.issues.length, 1);
    assert.equal(rec.issues[0].title, DRIFT_TITLE);
    assert.deepEqual(rec.issues[0].labels, [DRIFT_LABEL]);
    assert.ok(rec.issues[0].body.includes('| `prod` | check failed (exit 2) |'));
    const listed = rec.find('/repos/acme/invoicing/issues').filter((r) => r.method === 'GET');
    assert.ok(listed.every((r) => r.path.includes('labels=changegate-drift') && r.path.includes('state=open')));
  });

  it('updates the oldest open drift issue, never a pull request that carries the label', async () => {
    rec.seedIssue({ title: 'a PR', body: '', state: 'open', labels: [DRIFT_LABEL], pull_request: {} });
    rec.seedIssue({ title: 'closed', body: '', state: 'closed', labels: [DRIFT_LABEL] });
    const open = rec.seedIssue({ title: DRIFT_TITLE, body: 'old', state: 'open', labels: [DRIFT_LABEL] });
    write('prod', 1, {});
    assert.deepEqual(await reportDrift(octokit(), { ...args(), expected: ['prod'] }), { action: 'updated', number: open.number });
    assert.equal(rec.issues.length, 3);
  });

  it("drift.yml's github-script step files the issue through the built module", async () => {
    const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
    const workflow = parse(readFileSync(join(root, '.github/workflows/drift.yml'), 'utf8')) as {
      jobs: { issue: { steps: { uses?: string; env?: Record<string, string>; with?: { script?: string } }[] } };
    };
    const step = workflow.jobs.issue.steps.find((x) => x.uses?.startsWith('actions/github-script@'))!;
    assert.deepEqual(Object.keys(step.env ?? {}), ['DRIFT_MODULE', 'DRIFT_DIR', 'DRIFT_MATRIX', 'RUN_URL']);
    write('prod', 1, { drifted: ['invoices'] });
    const stepEnv = {
      DRIFT_MODULE: join(root, 'dist/src/adapters/github/drift-issue.js'),
      DRIFT_DIR: dir,
      DRIFT_MATRIX: JSON.stringify({ include: [{ environment: 'qa', role: 'arn:a' }, { environment: 'prod', role: 'arn:b' }] }),
      RUN_URL: 'https://github.com/acme/invoicing/actions/runs/9',
    };
    Object.assign(process.env, stepEnv);
    const logged: string[] = [];
    try {
      // github-script runs the script as the body of an async function with these names in scope.
      const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (...a: string[]) => (...v: unknown[]) => Promise<unknown>;
      const fn = new AsyncFunction('github', 'context', 'core', step.with!.script!);
      await fn(octokit(), { repo: { owner: 'acme', repo: 'invoicing' } }, { info: (l: string) => logged.push(l) });
    } finally {
      for (const k of Object.keys(stepEnv)) delete process.env[k];
    }
    assert.deepEqual(logged, ['drift issue: created #1']);
    assert.ok(rec.issues[0].body.includes('| `qa` | not checked (the job failed before reporting) |'));
    assert.ok(rec.issues[0].body.includes('| `prod` | **drift** |'));
  });

  it("drift.yml's matrix keeps the environments that have a drift role and names the others", () => {
    // jq ships on GitHub's runners, and the set-up installs it here: without it the step cannot run.
    try {
      execFileSync('jq', ['--version']);
    } catch (e) {
      throw new Error(`jq is missing (${(e as Error).message}): run scripts/ensure-mysql.sh, which installs it`);
    }
    const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
    const workflow = parse(readFileSync(join(root, '.github/workflows/drift.yml'), 'utf8')) as {
      jobs: { environments: { steps: { id?: string; run?: string }[] } };
    };
    const script = workflow.jobs.environments.steps.find((x) => x.id === 'matrix')!.run!;
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    // Stands in for `changegate envs --json`, whose output is the GitHub Actions matrix `{ include: [...] }`.
    writeFileSync(
      join(bin, 'changegate'),
      `#!/bin/sh\necho '{"include":[{"environment":"qa"},{"environment":"prod"},{"environment":"local"},{"environment":"eu-prod"}]}'\n`,
    );
    chmodSync(join(bin, 'changegate'), 0o755);
    const output = join(dir, 'github_output');
    writeFileSync(output, '');
    // The shell GitHub runs `run:` steps with.
    const log = execFileSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], {
      env: {
        PATH: `${bin}:${process.env.PATH}`,
        RUNNER_TEMP: dir,
        GITHUB_OUTPUT: output,
        VARS_JSON: JSON.stringify({ AWS_DRIFT_ROLE_QA: 'arn:aws:iam::1:role/qa-drift', aws_drift_role_eu_prod: 'arn:aws:iam::1:role/eu', AWS_ROLE_PROD: 'arn:aws:iam::1:role/prod' }),
      },
      encoding: 'utf8',
    });
    assert.equal(log, 'skipped prod: no AWS_DRIFT_ROLE_PROD variable\nskipped local: no AWS_DRIFT_ROLE_LOCAL variable\n');
    assert.equal(
      readFileSync(output, 'utf8'),
      'matrix={"include":[{"environment":"qa","role":"arn:aws:iam::1:role/qa-drift"},{"environment":"eu-prod","role":"arn:aws:iam::1:role/eu"}]}\ncount=2\n',
    );
  });
});
