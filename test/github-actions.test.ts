import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { annotate, fail, group, maskSecrets, setOutputs, writeSummary } from '../src/adapters/github/actions.js';
import { summaryMarkdown } from '../src/adapters/github/job-summary.js';
import { githubSurface, stderrMask, stdoutMask } from '../src/adapters/github/surface.js';
import type { ApplyReport, Plan, PlannedChange } from '../src/core/plan-types.js';
import { redact } from '../src/core/redact.js';

// @actions/core writes workflow commands to stdout; capture them for the duration of `fn`.
async function stdoutOf(fn: () => unknown): Promise<string> {
  const original = process.stdout.write.bind(process.stdout);
  let text = '';
  process.stdout.write = ((chunk: string | Uint8Array) => {
    text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  }) as typeof process.stdout.write;
  try {
    await fn();
  } finally {
    process.stdout.write = original;
  }
  return text;
}

// GITHUB_OUTPUT holds `name<<delimiter\nvalue\ndelimiter` blocks.
function outputs(file: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /^([\w-]+)<<(\S+)\n([\s\S]*?)\n\2$/gm;
  for (const m of readFileSync(file, 'utf8').matchAll(re)) out[m[1]] = m[3];
  return out;
}

const change = (over: Partial<PlannedChange>): PlannedChange => ({
  id: '2026-11-24-add-invoice-due-date',
  title: 'Add due_date to invoices',
  ticket: 'INV-1234',
  file: 'changes/2026-11-24-add-invoice-due-date.yaml',
  destructive: false,
  resumeFrom: 1,
  statements: [{ n: 1, file: 'migrations/2026-11-24-add-invoice-due-date/up.sql', line: 1, sql: 'SELECT 1' }],
  diagnostics: [],
  ...over,
});

const report: ApplyReport = {
  environment: 'prod',
  snapshot: { required: true, reason: 'a change is destructive.', id: 'changegate-prodinvoicingdb-20261125' },
  changes: [
    { ...change({}), result: 'applied', durationMs: 1234 },
    {
      ...change({ id: '2026-11-25-drop-legacy|totals', title: 'Drop <b>legacy</b> *totals*', ticket: 'INV-1240', destructive: true, resumeFrom: 2 }),
      result: 'failed',
      durationMs: 61_000,
      error: 'Statement 2 failed: ```DROP``` at prodinvoicingdb.cluster-x.us-east-2.rds.amazonaws.com',
    },
    { ...change({ id: '2026-11-26-add-index', ticket: 'INV-1250' }), result: 'not-run', durationMs: 0 },
  ],
};

const plan: Plan = {
  environment: 'qa',
  snapshot: { required: false, reason: 'qa takes no snapshots (snapshot: never).' },
  applied: [],
  changes: [],
};

const SUMMARY = `## changegate

### prod

| change | ticket | statements | destructive | snapshot | result | duration |
| --- | --- | --- | --- | --- | --- | --- |
| \`2026-11-24-add-invoice-due-date\` Add due\\_date to invoices | INV-1234 | 1 | no | \`changegate-prodinvoicingdb-20261125\` | ✅ applied | 1.2 s |
| \`2026-11-25-drop-legacy\\|totals\` Drop &lt;b&gt;legacy&lt;/b&gt; \\*totals\\* | INV-1240 | 1 (from 2) | ⚠️ yes | \`changegate-prodinvoicingdb-20261125\` | ❌ failed | 1 min 01 s |
| \`2026-11-26-add-index\` Add due\\_date to invoices | INV-1250 | 1 | no | \`changegate-prodinvoicingdb-20261125\` | ⏸️ not run | 0 ms |

Snapshot: a change is destructive.

**\`2026-11-25-drop-legacy\\|totals\` failed:**

\`\`\`\`
Statement 2 failed: \`\`\`DROP\`\`\` at <host>
\`\`\`\`

### qa (plan)

Nothing to apply.

Snapshot: qa takes no snapshots (snapshot: never).

Approved by: erin · PR reviewers: frank, grace

[Workflow run](https://github.com/acme/invoicing/actions/runs/7)
`;

describe('github actions output', () => {
  let dir: string;
  const saved = { summary: process.env.GITHUB_STEP_SUMMARY, output: process.env.GITHUB_OUTPUT };
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'changegate-gh-'));
    process.env.GITHUB_STEP_SUMMARY = join(dir, 'summary.md');
    process.env.GITHUB_OUTPUT = join(dir, 'output');
  });
  beforeEach(() => {
    writeFileSync(join(dir, 'summary.md'), '');
    writeFileSync(join(dir, 'output'), '');
  });
  after(() => {
    for (const [k, v] of [['GITHUB_STEP_SUMMARY', saved.summary], ['GITHUB_OUTPUT', saved.output]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    process.exitCode = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('annotates each finding on its file, line and column, titled with its code', async () => {
    const text = await stdoutOf(() =>
      annotate([
        { code: 'CG101', severity: 'error', file: 'migrations/a/up.sql', line: 3, column: 5, message: 'DROP COLUMN loses data', destructive: true },
        { code: 'CG201', severity: 'warning', file: 'migrations/a/up.sql', line: 7, column: 1, message: 'no WHERE: 100%, every row', destructive: false },
        { code: 'CG301', severity: 'notice', file: 'changes/a.yaml', line: 1, column: 1, message: 'line one\nline two', destructive: false },
      ]),
    );
    assert.equal(
      text,
      [
        '::error title=CG101,file=migrations/a/up.sql,line=3,col=5::DROP COLUMN loses data',
        '::warning title=CG201,file=migrations/a/up.sql,line=7,col=1::no WHERE: 100%25, every row',
        '::notice title=CG301,file=changes/a.yaml,line=1,col=1::line one%0Aline two',
        '',
      ].join('\n'),
    );
  });

  it('groups log lines and returns what the group returned', async () => {
    let value = 0;
    const text = await stdoutOf(async () => {
      value = await group('2026-11-24-add-invoice-due-date', async () => 42);
    });
    assert.equal(value, 42);
    assert.equal(text, '::group::2026-11-24-add-invoice-due-date\n::endgroup::\n');
  });

  it('writes the step outputs applied, pending and snapshot-id', () => {
    setOutputs({ applied: 2, pending: 1, snapshotId: 'snap-1' });
    assert.deepEqual(outputs(join(dir, 'output')), { applied: '2', pending: '1', 'snapshot-id': 'snap-1' });
    writeFileSync(join(dir, 'output'), '');
    setOutputs({ applied: 0, pending: 0 });
    assert.deepEqual(outputs(join(dir, 'output')), { applied: '0', pending: '0', 'snapshot-id': '' });
  });

  it('masks secrets in the log and keeps them out of later messages', async () => {
    const text = await stdoutOf(() => maskSecrets(['Sup3r-Secret-Pw', undefined, '', null]));
    assert.equal(text, '::add-mask::Sup3r-Secret-Pw\n');
    assert.equal(redact('login failed with Sup3r-Secret-Pw'), 'login failed with ***');
    const failed = await stdoutOf(() => fail('could not connect using Sup3r-Secret-Pw'));
    assert.equal(failed, '::error::could not connect using ***\n');
    assert.equal(process.exitCode, 1);
    process.exitCode = undefined;
  });

  it('builds the job summary word for word, escaping titles, ids and errors', () => {
    const md = summaryMarkdown({
      environments: [{ report }, { plan }],
      approvals: { approver: 'erin', reviewers: ['frank', 'grace'] },
      runUrl: 'https://github.com/acme/invoicing/actions/runs/7',
    });
    assert.equal(md, SUMMARY);
  });

  it('appends the summary to GITHUB_STEP_SUMMARY', async () => {
    await writeSummary({ environments: [{ plan }] });
    await writeSummary({ environments: [{ report }] });
    const text = readFileSync(join(dir, 'summary.md'), 'utf8');
    assert.equal(text.split('## changegate').length, 3);
    assert.ok(text.includes('| ❌ failed | 1 min 01 s |'));
  });

  it('gives the CLI a GithubSurface bound to @actions/core', async () => {
    const gh = githubSurface();
    const text = await stdoutOf(async () => {
      stdoutMask('An0ther-Secret');
      gh.info('hello An0ther-Secret');
      gh.startGroup('g');
      gh.warning('careful');
      gh.endGroup();
      gh.setOutput('pending', '3');
      await gh.appendSummary('| a |\n| --- |\n| b |');
    });
    assert.equal(text, '::add-mask::An0ther-Secret\nhello An0ther-Secret\n::group::g\n::warning::careful\n::endgroup::\n');
    assert.equal(outputs(join(dir, 'output')).pending, '3');
    assert.equal(readFileSync(join(dir, 'summary.md'), 'utf8'), '| a |\n| --- |\n| b |\n');
  });

  it('writes the json format\'s mask command to stderr, escaped as @actions/core escapes command data', async () => {
    let err = '';
    const viaCore = await stdoutOf(() => stdoutMask('a%b\r\nc-Secret'));
    stderrMask((t) => (err += t))('a%b\r\nc-Secret');
    assert.equal(err, '::add-mask::a%25b%0D%0Ac-Secret\n');
    assert.equal(err, viaCore, 'the same line @actions/core writes to stdout');
  });
});
