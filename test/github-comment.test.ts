import assert from 'node:assert/strict';
import { getOctokit } from '@actions/github';
import { PLAN_MARKER, renderPlanComment, upsertPlanComment, type PlanCommentInput } from '../src/adapters/github/comment.js';
import type { Plan } from '../src/core/plan-types.js';
import { Recorder } from './helpers/recorder.js';

const qaPlan: Plan = {
  environment: 'qa',
  snapshot: { required: false, reason: 'qa takes no snapshots (snapshot: never).' },
  applied: ['2026-11-20-create-invoices'],
  changes: [
    {
      id: '2026-11-24-add-invoice-due-date',
      title: 'Add due_date to invoices',
      ticket: 'INV-1234',
      file: 'changes/2026-11-24-add-invoice-due-date.yaml',
      destructive: false,
      resumeFrom: 1,
      statements: [
        { n: 1, file: 'migrations/2026-11-24-add-invoice-due-date/up.sql', line: 1, sql: 'ALTER TABLE invoices ADD COLUMN due_date DATE NULL' },
        { n: 2, file: 'migrations/2026-11-24-add-invoice-due-date/up.sql', line: 3, sql: "UPDATE invoices SET due_date = DATE_ADD(issued_on, INTERVAL 30 DAY) WHERE note <> '|`x`|'" },
      ],
      diagnostics: [
        {
          code: 'CG201',
          severity: 'warning',
          file: 'migrations/2026-11-24-add-invoice-due-date/up.sql',
          line: 3,
          column: 1,
          message: 'UPDATE touches every row of a large table in one transaction',
          destructive: false,
        },
      ],
    },
  ],
};

const input: PlanCommentInput = {
  repository: 'acme/invoicing',
  prNumber: 42,
  runUrl: 'https://github.com/acme/invoicing/actions/runs/7',
  environments: [
    { name: 'qa', plan: qaPlan },
    { name: 'prod', unavailable: 'PROD history is not readable from a pull request job.' },
  ],
};

const GOLDEN = `<!-- changegate:plan -->
## changegate plan

Promotion order: **qa** → **prod** · [workflow run](https://github.com/acme/invoicing/actions/runs/7)

\`\`\`mermaid
flowchart LR
  subgraph env0["qa"]
    direction TB
    env0_c0["2026-11-24-add-invoice-due-date<br/>pending"]:::pending
  end
  subgraph env1["prod"]
    direction TB
    env1_c0["2026-11-24-add-invoice-due-date<br/>unknown"]:::unknown
  end
  env0 --> env1
  classDef applied fill:#dafbe1,stroke:#1a7f37,color:#1f2328
  classDef pending fill:#fff8c5,stroke:#9a6700,color:#1f2328
  classDef failed fill:#ffebe9,stroke:#cf222e,color:#1f2328
  classDef skipped fill:#ffffff,stroke:#d0d7de,color:#59636e
  classDef unknown fill:#f6f8fa,stroke:#8c959f,color:#59636e,stroke-dasharray:4 3
\`\`\`

### qa

Snapshot: not required — qa takes no snapshots (snapshot: never).

| change | ticket | statements | destructive | findings |
| --- | --- | --- | --- | --- |
| \`2026-11-24-add-invoice-due-date\` Add due\\_date to invoices | INV-1234 | 2 | no | 1 warning |

**Findings**

- ⚠️ \`CG201\` \`migrations/2026-11-24-add-invoice-due-date/up.sql:3:1\` UPDATE touches every row of a large table in one transaction

<details><summary>SQL: 2026-11-24-add-invoice-due-date (2 statements)</summary>

\`\`\`sql
-- 1 · migrations/2026-11-24-add-invoice-due-date/up.sql:1
ALTER TABLE invoices ADD COLUMN due_date DATE NULL;

-- 2 · migrations/2026-11-24-add-invoice-due-date/up.sql:3
UPDATE invoices SET due_date = DATE_ADD(issued_on, INTERVAL 30 DAY) WHERE note <> '|\`x\`|';
\`\`\`

</details>

### prod

_Unavailable: PROD history is not readable from a pull request job._

<sub>changegate · acme/invoicing#42 · updated in place on every run</sub>
`;

describe('github plan comment', () => {
  it('renders a small plan word for word', () => {
    assert.equal(renderPlanComment(input), GOLDEN);
  });
});

describe('github plan comment: diagram and safety', () => {
  it('keeps the pull request\'s change in the diagram after QA applied it and PROD is unreadable', () => {
    const applied: Plan = { ...qaPlan, changes: [], applied: ['2026-11-20-create-invoices', '2026-11-24-add-invoice-due-date'] };
    const body = renderPlanComment({
      ...input,
      focus: ['2026-11-24-add-invoice-due-date'],
      environments: [{ name: 'qa', plan: applied }, input.environments[1]],
    });
    assert.ok(body.includes('    env0_c0["2026-11-24-add-invoice-due-date<br/>applied"]:::applied\n'));
    assert.ok(body.includes('    env1_c0["2026-11-24-add-invoice-due-date<br/>unknown"]:::unknown\n'));
    assert.ok(!body.includes('2026-11-20-create-invoices'), 'applied history stays out of the diagram');
    assert.ok(body.includes('Nothing pending (2 applied).'));
  });

  it('shows a resumed change and a destructive one with its snapshot decision', () => {
    const prod: Plan = {
      environment: 'prod',
      snapshot: { required: true, reason: 'a change is destructive and prod takes snapshots before destructive changes.' },
      applied: [],
      changes: [{ ...qaPlan.changes[0], destructive: true, resumeFrom: 2, previous: 'failed', diagnostics: [] }],
    };
    const body = renderPlanComment({ ...input, environments: [{ name: 'prod', plan: prod }] });
    assert.ok(body.includes('**Snapshot: required** — a change is destructive and prod takes snapshots before destructive changes.'));
    assert.ok(body.includes('| 2 (resumes at 2 after a failed run) | ⚠️ yes | — |'));
    assert.ok(body.includes('-- 1 · migrations/2026-11-24-add-invoice-due-date/up.sql:1 (applied by an earlier run)'));
    assert.ok(body.includes('<br/>failed, resumes"]:::failed'));
  });

  it('never shows a host name or a password from an unavailable environment\'s reason', () => {
    const body = renderPlanComment({
      ...input,
      environments: [
        {
          name: 'prod',
          unavailable: "connect ETIMEDOUT prodinvoicingdb.cluster-abc.us-east-2.rds.amazonaws.com:3306 (mysql://admin:hunter22@10.1.2.3:3306/x) for 'admin'@'10.1.2.3'",
        },
      ],
    });
    for (const secret of ['prodinvoicingdb.cluster', 'hunter22', '10.1.2.3', 'amazonaws']) assert.ok(!body.includes(secret), secret);
    // Who it tried to log in as stays, as in the terminal: a user name is no secret, and it is what to check.
    assert.ok(body.includes('_Unavailable: connect ETIMEDOUT &lt;host&gt; (mysql://admin:\\*\\*\\*@&lt;host&gt;/x) for \'admin\'@\'&lt;host&gt;\'_'), body);
  });

  it('drops the SQL, not the plan, when the comment would be too long for GitHub', () => {
    const huge = 'INSERT INTO t VALUES ' + '(1),'.repeat(20_000) + '(1)';
    const plan: Plan = { ...qaPlan, changes: [{ ...qaPlan.changes[0], statements: [{ n: 1, file: 'm.sql', line: 1, sql: huge }] }] };
    const body = renderPlanComment({ ...input, environments: [{ name: 'qa', plan }] });
    assert.ok(body.length < 65_536);
    assert.ok(body.includes('_SQL omitted: the plan is too long for a comment; see the workflow run._'));
    assert.ok(body.includes('| `2026-11-24-add-invoice-due-date` Add due\\_date to invoices | INV-1234 | 1 | no | 1 warning |'));
  });
});

describe('github plan comment: upsert through the real octokit', () => {
  let rec: Recorder;
  beforeEach(async () => {
    rec = await new Recorder().start();
  });
  afterEach(() => rec.close());

  const octokit = () => getOctokit('ghs_test_token', { baseUrl: rec.url });
  const args = (body: string) => ({ owner: 'acme', repo: 'invoicing', prNumber: 42, body });

  it('creates the comment once, then updates it in place, finding it past the first page', async () => {
    // 150 comments from people first, so the marker comment sits on page 2 of the listing.
    for (let i = 0; i < 150; i++) rec.seedComment(42, `looks good ${i}`);
    const first = await upsertPlanComment(octokit(), args(GOLDEN));
    assert.equal(first.action, 'created');
    for (let i = 0; i < 10; i++) rec.seedComment(42, `> ${PLAN_MARKER}\n> quoted by a reviewer`);
    const second = await upsertPlanComment(octokit(), args(GOLDEN.replace('2 statements', 'two statements')));
    assert.deepEqual(second, { action: 'updated', commentId: first.commentId, removed: 0 });
    const third = await upsertPlanComment(octokit(), args(GOLDEN.replace('2 statements', 'two statements')));
    assert.equal(third.action, 'unchanged');

    const ours = rec.commentsOn(42).filter((c) => c.body.startsWith(PLAN_MARKER));
    assert.equal(ours.length, 1);
    assert.equal(ours[0].id, first.commentId);
    assert.ok(ours[0].body.includes('two statements'));
    assert.equal(rec.find('/repos/acme/invoicing/issues/42/comments').filter((r) => r.method === 'POST').length, 1);
    assert.equal(rec.find('/repos/acme/invoicing/issues/comments/').filter((r) => r.method === 'PATCH').length, 1);
    const lists = rec.find('/repos/acme/invoicing/issues/42/comments').filter((r) => r.method === 'GET');
    assert.ok(lists.some((r) => r.path.includes('page=2')), 'paginated');
    assert.equal(lists[0].headers.authorization, 'token ghs_test_token');
  });

  it('heals duplicates left by a race: keeps the oldest, deletes the rest', async () => {
    const a = rec.seedComment(42, `${PLAN_MARKER}\nold`, 'github-actions[bot]');
    rec.seedComment(42, `${PLAN_MARKER}\nolder race`, 'github-actions[bot]');
    const r = await upsertPlanComment(octokit(), args('plan without a marker'));
    assert.deepEqual(r, { action: 'updated', commentId: a.id, removed: 1 });
    assert.deepEqual(rec.commentsOn(42).map((c) => c.body), [`${PLAN_MARKER}\nplan without a marker`]);
  });

  it('never updates or deletes a marker comment that somebody else wrote', async () => {
    const forged = rec.seedComment(42, `${PLAN_MARKER}\nnot destructive, no snapshot needed`, 'mallory');
    const r = await upsertPlanComment(octokit(), args(GOLDEN));
    assert.equal(r.action, 'created');
    assert.notEqual(r.commentId, forged.id);
    assert.deepEqual(rec.commentsOn(42).map((c) => [c.user.login, c.body === `${PLAN_MARKER}\nnot destructive, no snapshot needed`]), [
      ['mallory', true],
      ['github-actions[bot]', false],
    ]);
    assert.equal(rec.requests.filter((q) => q.method === 'DELETE' || q.method === 'PATCH').length, 0);
  });
});

