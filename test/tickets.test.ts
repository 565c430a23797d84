// The work ticket: what a run writes on it when (the notes), how each system renders a note, the
// comments going through the real jira.js and octokit to a loopback server that speaks Jira's and
// GitHub's REST APIs, and a ticket system that is down or refuses becoming one warning.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { jiraClient, jiraDocument, jiraText } from '../src/adapters/ticket/jira.js';
import { githubMarkdown, githubTicketClient } from '../src/adapters/ticket/github.js';
import { ticketNotes, type NoteContext, type TicketNote } from '../src/core/ticket-notes.js';
import { countsText } from '../src/cli/fleet/render.js';
import type { ApplyReport, Plan, PlannedChange } from '../src/core/plan-types.js';
import type { Announcement } from '../src/core/usecases/ports.js';
import type { Config } from '../src/core/types.js';
import { Output } from '../src/cli/output.js';
import { tellTickets } from '../src/cli/tickets.js';
import type { CommandContext } from '../src/cli/context.js';
import { validateRepository, formatDiagnostic } from '../src/core/validate.js';
import { makeRepo } from './helpers/cli.js';
import { Recorder } from './helpers/recorder.js';

const RUN = 'https://github.com/acme/invoicing/actions/runs/7';

function planned(id: string, ticket: string, title: string, statements: number, extra: Partial<PlannedChange> = {}): PlannedChange {
  return {
    id,
    title,
    ticket,
    file: `changes/${id}.yaml`,
    destructive: false,
    statements: Array.from({ length: statements }, (_, i) => ({ n: i + 1, file: `migrations/${id}/up.sql`, line: 1 + 3 * i, sql: `SELECT ${i + 1}` })),
    resumeFrom: 1,
    diagnostics: [],
    ...extra,
  };
}

const A = planned('2026-11-24-add-invoice-due-date', 'INV-1234', 'Add due_date to invoices', 2);
const B = planned('2026-11-25-index-due-date', 'INV-1234', 'Index due_date', 1);
const C = planned('2026-11-26-drop-legacy-totals', 'INV-1240', 'Drop legacy totals', 3, { destructive: true, resumeFrom: 2, previous: 'failed' });
const plan: Plan = { environment: 'prod', snapshot: { required: true, reason: 'a change is destructive' }, changes: [A, B, C], applied: [] };

function report(results: [PlannedChange, 'applied' | 'failed' | 'not-run', number, string?][]): ApplyReport {
  return {
    environment: 'prod',
    snapshot: { required: true, reason: 'a change is destructive', id: 'changegate-prodinvoicingdb-20261125-0412' },
    changes: results.map(([c, result, durationMs, error]) => ({ ...c, result, durationMs, ...(error ? { error } : {}) })),
  };
}

const ctx: NoteContext = { database: 'invoicingdb', ticketOf: (c: PlannedChange) => c.ticket };

describe('ticket notes: what a run writes on each ticket', () => {
  it('start: one note per ticket listing its changes and statements, the approver, the window and the snapshot to come', () => {
    const a: Announcement = { phase: 'start', environment: 'prod', plan, approver: 'erin', runUrl: RUN, windowNote: 'Sat 02:00-05:00 America/New_York, closes 05:00 (10:00 UTC)' };
    assert.deepEqual(ticketNotes(a, ctx), [
      {
        ticket: 'INV-1234',
        headline: 'changegate: applying 2 changes to prod (invoicingdb)',
        changes: ['2026-11-24-add-invoice-due-date: Add due_date to invoices (2 statements)', '2026-11-25-index-due-date: Index due_date (1 statement)'],
        facts: [
          { label: 'Also in this run', value: '1 other change' },
          { label: 'Window', value: 'Sat 02:00-05:00 America/New_York, closes 05:00 (10:00 UTC)' },
          { label: 'Approved by', value: 'erin' },
          { label: 'Snapshot', value: 'taken before the first statement (a change is destructive)' },
        ],
        runUrl: RUN,
      },
      {
        ticket: 'INV-1240',
        headline: 'changegate: applying 1 change to prod (invoicingdb)',
        changes: ['2026-11-26-drop-legacy-totals: Drop legacy totals (resuming at statement 2 of 3, destructive)'],
        facts: [
          { label: 'Also in this run', value: '2 other changes' },
          { label: 'Window', value: 'Sat 02:00-05:00 America/New_York, closes 05:00 (10:00 UTC)' },
          { label: 'Approved by', value: 'erin' },
          { label: 'Snapshot', value: 'taken before the first statement (a change is destructive)' },
        ],
        runUrl: RUN,
      },
    ]);
  });

  it('an emergency says so in the headline and gives the reason', () => {
    const a: Announcement = { phase: 'start', environment: 'prod', plan: { ...plan, changes: [B], snapshot: { required: false, reason: '' } }, approver: 'erin', runUrl: null, emergency: 'invoices failing to post (INC-77)' };
    assert.deepEqual(ticketNotes(a, ctx), [
      {
        ticket: 'INV-1234',
        headline: 'changegate: applying 1 change to prod (invoicingdb) as an EMERGENCY, outside its window',
        changes: ['2026-11-25-index-due-date: Index due_date (1 statement)'],
        facts: [
          { label: 'Emergency', value: 'invoices failing to post (INC-77)' },
          { label: 'Approved by', value: 'erin' },
        ],
      },
    ]);
  });

  it('success: each change applied with its duration and backup, the snapshot id and the run', () => {
    const a: Announcement = {
      phase: 'success', environment: 'prod', plan, approver: 'erin', runUrl: RUN, snapshotId: 'changegate-prodinvoicingdb-20261125-0412',
      report: report([[A, 'applied', 1234], [B, 'applied', 50], [C, 'applied', 61_000]]),
    };
    const notes = ticketNotes(a, { ...ctx, backups: new Map([['2026-11-26-drop-legacy-totals', 'cg_20261126_drop_legacy_totals']]) });
    assert.deepEqual(notes.map((n) => [n.ticket, n.headline, n.changes, n.facts]), [
      ['INV-1234', 'changegate: applied 2 changes to prod (invoicingdb)',
        ['2026-11-24-add-invoice-due-date: Add due_date to invoices: applied in 1.2 s', '2026-11-25-index-due-date: Index due_date: applied in 0.1 s'],
        [{ label: 'Also in this run', value: '1 other change' }, { label: 'Approved by', value: 'erin' }, { label: 'Snapshot', value: 'changegate-prodinvoicingdb-20261125-0412' }]],
      ['INV-1240', 'changegate: applied 1 change to prod (invoicingdb)',
        ['2026-11-26-drop-legacy-totals: Drop legacy totals: applied in 61.0 s, backup cg_20261126_drop_legacy_totals'],
        [{ label: 'Also in this run', value: '2 other changes' }, { label: 'Approved by', value: 'erin' }, { label: 'Snapshot', value: 'changegate-prodinvoicingdb-20261125-0412' }]],
    ]);
  });

  it('failure: the statement, its file and line, and the error (redacted); what never ran says so', () => {
    const a: Announcement = {
      phase: 'failure', environment: 'prod', plan, approver: null, runUrl: RUN,
      report: report([[A, 'applied', 800], [B, 'failed', 300, 'boom'], [C, 'not-run', 0]]),
      changeId: B.id, failedAt: { statement: 1, file: 'migrations/2026-11-25-index-due-date/up.sql', line: 4 },
      error: "2026-11-25-index-due-date: statement 1 failed: Duplicate key name 'idx_due' (ER_DUP_KEYNAME) mysql://deployer:s3cr3t-pw@db:3306/x",
    };
    const notes = ticketNotes(a, ctx);
    assert.deepEqual(notes.map((n) => [n.headline, n.changes, n.detail]), [
      ['changegate: FAILED applying to prod (invoicingdb)',
        ['2026-11-24-add-invoice-due-date: Add due_date to invoices: applied in 0.8 s', '2026-11-25-index-due-date: Index due_date: FAILED at statement 1 (migrations/2026-11-25-index-due-date/up.sql:4) after 0.3 s'],
        { label: 'Error', text: "2026-11-25-index-due-date: statement 1 failed: Duplicate key name 'idx_due' (ER_DUP_KEYNAME) mysql://deployer:***@db:3306/x" }],
      ['changegate: FAILED applying to prod (invoicingdb)', ['2026-11-26-drop-legacy-totals: Drop legacy totals: not run'],
        { label: 'Error', text: "2026-11-25-index-due-date: statement 1 failed: Duplicate key name 'idx_due' (ER_DUP_KEYNAME) mysql://deployer:***@db:3306/x" }],
    ]);
  });

  it('a change its pre-checks refused mid-run, and a run refused before it started', () => {
    const mid: Announcement = { phase: 'failure', environment: 'prod', plan: { ...plan, changes: [C] }, approver: null, runUrl: null, report: report([[C, 'not-run', 0, 'refused: ...']]), error: 'refused: 2026-11-26-drop-legacy-totals stops before its first statement' };
    assert.deepEqual(ticketNotes(mid, ctx)[0]!.changes, ['2026-11-26-drop-legacy-totals: Drop legacy totals: refused before its first statement']);
    const before: Announcement = { phase: 'refused', environment: 'prod', plan: { ...plan, changes: [C] }, approver: null, runUrl: RUN, error: 'refused: prod requires approval' };
    assert.deepEqual(ticketNotes(before, ctx), [
      {
        ticket: 'INV-1240',
        headline: 'changegate: refused to apply to prod (invoicingdb); nothing was executed',
        changes: ['2026-11-26-drop-legacy-totals: Drop legacy totals: not run'],
        facts: [],
        detail: { label: 'Reason', text: 'refused: prod requires approval' },
        runUrl: RUN,
      },
    ]);
  });

  it('a fleet: the targets and the ones that did not apply', () => {
    const a: Announcement = {
      phase: 'failure', environment: 'prod', plan: { ...plan, changes: [A] }, approver: null, runUrl: null,
      fleet: { targets: 3, counts: { failed: 1, applied: 2 }, odd: ['s1/tenant_3: failed (boom)'] }, error: '1 of 3 targets did not apply',
    };
    assert.deepEqual(ticketNotes(a, ctx)[0]!.facts[0], { label: 'Targets', value: '3 targets: 1 failed, 2 applied' });
    assert.deepEqual(ticketNotes(a, { ...ctx, countsText }), [
      {
        ticket: 'INV-1234',
        headline: 'changegate: FAILED on 1 of 3 targets of prod (invoicingdb)',
        changes: ['2026-11-24-add-invoice-due-date: Add due_date to invoices'],
        facts: [{ label: 'Targets', value: '3 targets: 2 applied, 1 failed' }, { label: 'Not applied', value: 's1/tenant_3: failed (boom)' }],
        detail: { label: 'Error', text: '1 of 3 targets did not apply' },
      },
    ]);
  });

  it('per-environment tickets: the resolver decides which ticket a change goes to', () => {
    const a: Announcement = { phase: 'start', environment: 'prod', plan: { ...plan, changes: [A, B] }, approver: null, runUrl: null };
    const notes = ticketNotes(a, { database: 'invoicingdb', ticketOf: (c) => (c.id === B.id ? 'INV-1301' : c.ticket) });
    assert.deepEqual(notes.map((n) => [n.ticket, n.changes.length]), [['INV-1234', 1], ['INV-1301', 1]]);
  });
});

const NOTE: TicketNote = {
  ticket: 'INV-1234',
  headline: 'changegate: FAILED applying to prod (invoicingdb)',
  changes: ['a: A: applied in 0.8 s', 'b: B: FAILED at statement 1 (m/up.sql:4) after 0.3 s'],
  facts: [{ label: 'Approved by', value: 'erin' }],
  detail: { label: 'Error', text: 'statement 1 failed:\n```ER_DUP```' },
  runUrl: RUN,
};

describe('ticket notes rendered for each system', () => {
  it('Jira Cloud: an Atlassian Document Format document', () => {
    assert.deepEqual(jiraDocument(NOTE), {
      type: 'doc',
      version: 1,
      content: [
        { type: 'paragraph', content: [{ type: 'text', text: 'changegate: FAILED applying to prod (invoicingdb)', marks: [{ type: 'strong' }] }] },
        {
          type: 'bulletList',
          content: [
            { type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'a: A: applied in 0.8 s' }] }] },
            { type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'b: B: FAILED at statement 1 (m/up.sql:4) after 0.3 s' }] }] },
          ],
        },
        { type: 'paragraph', content: [{ type: 'text', text: 'Approved by: ', marks: [{ type: 'strong' }] }, { type: 'text', text: 'erin' }] },
        { type: 'paragraph', content: [{ type: 'text', text: 'Error:', marks: [{ type: 'strong' }] }] },
        { type: 'codeBlock', content: [{ type: 'text', text: 'statement 1 failed:\n```ER_DUP```' }] },
        { type: 'paragraph', content: [{ type: 'text', text: 'Workflow run', marks: [{ type: 'link', attrs: { href: RUN } }] }] },
      ],
    });
  });

  it('Jira Data Center: wiki text', () => {
    assert.equal(
      jiraText(NOTE),
      'changegate: FAILED applying to prod (invoicingdb)\n* a: A: applied in 0.8 s\n* b: B: FAILED at statement 1 (m/up.sql:4) after 0.3 s\nApproved by: erin\n' +
        `Error:\n{noformat}\nstatement 1 failed:\n\`\`\`ER_DUP\`\`\`\n{noformat}\nWorkflow run: ${RUN}`,
    );
  });

  it('GitHub: Markdown, with a fence inside the error defused', () => {
    assert.equal(
      githubMarkdown(NOTE),
      '**changegate: FAILED applying to prod (invoicingdb)**\n\n- a: A: applied in 0.8 s\n- b: B: FAILED at statement 1 (m/up.sql:4) after 0.3 s\n\n**Approved by:** erin\n\n' +
        `**Error:**\n\n\`\`\`\nstatement 1 failed:\n'''ER_DUP'''\n\`\`\`\n\n[Workflow run](${RUN})`,
    );
  });
});

describe('ticket comments through the real clients to a loopback Jira and GitHub', () => {
  let rec: Recorder;
  beforeEach(async () => {
    rec = await new Recorder().start();
  });
  afterEach(() => rec.close());

  it('Jira Cloud: REST v3, the document, basic auth with the email and API token', async () => {
    const jira = await jiraClient({ url: rec.url, user: 'deployer@example.com', userEnv: 'JIRA_USER', token: 'cloud-token-123', tokenEnv: 'JIRA_TOKEN' });
    assert.equal(await jira.comment(NOTE), undefined);
    assert.deepEqual(rec.jiraComments, [
      { version: 3, issue: 'INV-1234', body: jiraDocument(NOTE), authorization: `Basic ${Buffer.from('deployer@example.com:cloud-token-123').toString('base64')}` },
    ]);
  });

  it('Jira Data Center: REST v2, the text, the personal access token as a bearer token', async () => {
    const jira = await jiraClient({ url: `${rec.url}/jira`, token: 'dc-pat-456', tokenEnv: 'JIRA_PAT' });
    assert.equal(await jira.comment(NOTE), undefined);
    assert.deepEqual(rec.jiraComments, [{ version: 2, issue: 'INV-1234', body: jiraText(NOTE), authorization: 'Bearer dc-pat-456' }]);
    assert.deepEqual(rec.requests.map((r) => `${r.method} ${r.path}`), ['POST /jira/rest/api/2/issue/INV-1234/comment']);
  });

  it('Jira answering 500, 401, slowly, or not at all: a reason without the credentials', async () => {
    const jira = (timeoutMs?: number) => jiraClient({ url: rec.url, user: 'deployer@example.com', userEnv: 'JIRA_USER', token: 'cloud-token-123', tokenEnv: 'JIRA_TOKEN', ...(timeoutMs ? { timeoutMs } : {}) });
    rec.jiraStatus = 500;
    assert.equal(await (await jira()).comment(NOTE), 'HTTP 500 (Internal server error)');
    rec.jiraStatus = 401;
    assert.equal(await (await jira()).comment(NOTE), 'HTTP 401; check JIRA_USER and JIRA_TOKEN');
    rec.jiraStatus = 201;
    rec.jiraDelayMs = 1000;
    assert.equal(await (await jira(200)).comment(NOTE), 'no answer within 0.2 s');
    const url = rec.url;
    await rec.close();
    const down = await jiraClient({ url, token: 't0ken-xyz', tokenEnv: 'JIRA_PAT' });
    assert.equal(await down.comment(NOTE), 'ECONNREFUSED');
  });

  it('GitHub issues: the comment on the issue through octokit, and a refusal as a reason', async () => {
    const gh = githubTicketClient('acme/invoicing', 'ghs_token', rec.url);
    assert.equal(await gh.comment({ ...NOTE, ticket: '#42' }), undefined);
    assert.deepEqual(rec.commentsOn(42).map((c) => c.body), [githubMarkdown(NOTE)]);
    assert.equal(rec.find('/repos/acme/invoicing/issues/42/comments')[0]!.headers.authorization, 'token ghs_token');
    rec.issueCommentStatus = 403;
    assert.equal(await gh.comment({ ...NOTE, ticket: '#42' }), 'HTTP 403 (Resource not accessible by integration); check that GITHUB_TOKEN may write issues (permissions: issues: write)');
  });

  it('GitHub silent or unreachable: a reason, after the timeout at most', async () => {
    const silent = http.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
      assert.equal(await githubTicketClient('acme/invoicing', 'ghs_token', url, 200).comment({ ...NOTE, ticket: '#42' }), 'no answer within 0.2 s');
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
    const url = rec.url;
    await rec.close();
    assert.equal(await githubTicketClient('acme/invoicing', 'ghs_token', url).comment({ ...NOTE, ticket: '#42' }), `connect ECONNREFUSED ${new URL(url).host}`);
  });
});

describe('tellTickets: credentials from their variables, problems as one warning', () => {
  let rec: Recorder;
  let lines: string[];
  const TOKEN = 'cloud-token-very-secret';
  const config = (ticket: Config['notify']): Config => ({ root: '/r', file: 'changegate.yaml', database: 'invoicingdb', server: { min_version: '8.0' }, protected_clusters: [], environments: [], notify: ticket });
  const context = (env: Record<string, string>): CommandContext => {
    lines = [];
    const sink = (t: string) => lines.push(t);
    return { root: '/r', configFile: 'changegate.yaml', out: new Output('text', sink, sink), env, now: () => new Date() };
  };
  const start: Announcement = { phase: 'start', environment: 'prod', plan: { ...plan, changes: [A, C] }, approver: 'erin', runUrl: RUN };
  const success: Announcement = { phase: 'success', environment: 'prod', plan: { ...plan, changes: [A, C] }, approver: 'erin', runUrl: RUN, report: report([[A, 'applied', 10], [C, 'applied', 10]]) };
  beforeEach(async () => {
    rec = await new Recorder().start();
  });
  afterEach(() => rec.close());

  it('writes one comment per ticket and phase, each to its environment ticket', async () => {
    const ctx = context({ JIRA_USER: 'deployer@example.com', JIRA_TOKEN: TOKEN });
    const cfg = config({ ticket: { jira: { url: rec.url, user_env: 'JIRA_USER', token_env: 'JIRA_TOKEN' } } });
    const changes = new Map([[A.id, { ticket: 'INV-1234', tickets: { prod: 'INV-1301' } }], [C.id, { ticket: 'INV-1240' }]]) as never;
    await tellTickets(ctx, cfg, start, changes);
    await tellTickets(ctx, cfg, success, changes);
    assert.deepEqual(rec.jiraComments.map((c) => `${c.issue} ${(c.body as { content: { content: { text: string }[] }[] }).content[0]!.content[0]!.text}`), [
      'INV-1301 changegate: applying 1 change to prod (invoicingdb)',
      'INV-1240 changegate: applying 1 change to prod (invoicingdb)',
      'INV-1301 changegate: applied 1 change to prod (invoicingdb)',
      'INV-1240 changegate: applied 1 change to prod (invoicingdb)',
    ]);
    assert.deepEqual(lines, []);
  });

  it('a 500 is one warning for the whole run, without the token; nothing more is sent', async () => {
    rec.jiraStatus = 500;
    const ctx = context({ JIRA_USER: 'deployer@example.com', JIRA_TOKEN: TOKEN });
    const cfg = config({ ticket: { jira: { url: rec.url, user_env: 'JIRA_USER', token_env: 'JIRA_TOKEN' } } });
    await tellTickets(ctx, cfg, start);
    await tellTickets(ctx, cfg, success);
    assert.deepEqual(lines, ['warning: Jira comment on INV-1234 (start, prod) not written: HTTP 500 (Internal server error); the run goes on without ticket comments\n']);
    assert.equal(rec.find('/rest/api/').length, 1);
    // The token and the basic header made from it are both registered secrets now.
    ctx.out.info(`leak ${TOKEN} ${Buffer.from(`deployer@example.com:${TOKEN}`).toString('base64')}`);
    assert.equal(lines[1], 'leak *** ***\n');
  });

  it('an unset variable is one warning naming it, and nothing is sent', async () => {
    const ctx = context({ JIRA_TOKEN: TOKEN });
    await tellTickets(ctx, config({ ticket: { jira: { url: rec.url, user_env: 'JIRA_USER', token_env: 'JIRA_TOKEN' } } }), start);
    await tellTickets(ctx, config({ ticket: { jira: { url: rec.url, user_env: 'JIRA_USER', token_env: 'JIRA_TOKEN' } } }), success);
    const gh = context({});
    await tellTickets(gh, config({ ticket: { github: { repository: 'acme/invoicing' } } }), start);
    assert.deepEqual(lines, ['warning: ticket comments are not written: GITHUB_TOKEN is not set (the job passes it to comment on GitHub issues); the run goes on\n']);
    assert.equal(rec.requests.length, 0);
  });
});

describe('notify.ticket and tickets: in validation', () => {
  let repo: string;
  afterEach(() => rmSync(repo, { recursive: true, force: true }));
  const validate = (config: string, change: string): string[] => {
    repo = makeRepo({
      'changegate.yaml': `database: d\nticket_pattern: "^(INV-[0-9]+|#[0-9]+)$"\nenvironments:\n  qa: { url_env: QA_URL }\n  prod: { url_env: PROD_URL, after: qa }\n${config}`,
      'changes/2026-11-24-a.yaml': `title: A\n${change}destructive: false\napply: [migrations/a.sql]\n`,
      'migrations/a.sql': 'CREATE TABLE t (id INT PRIMARY KEY);\n',
    });
    return validateRepository(repo).diagnostics.map(formatDiagnostic);
  };

  it('accepts Jira Cloud, Data Center on a loopback http test server, and GitHub issues', () => {
    assert.deepEqual(validate('notify:\n  ticket:\n    jira: { url: "https://example.atlassian.net", user_env: JIRA_USER, token_env: JIRA_TOKEN }\n', 'ticket: INV-1\ntickets: { prod: INV-1301 }\n'), []);
    assert.deepEqual(validate('notify:\n  ticket:\n    jira: { url: "http://127.0.0.1:8080/jira", token_env: JIRA_PAT }\n', 'ticket: INV-1\n'), []);
    assert.deepEqual(validate('notify:\n  ticket:\n    github: { repository: acme/invoicing }\n', 'ticket: "#12"\ntickets: { prod: "#13" }\n'), []);
  });

  it('refuses http, credentials in the URL, a value where a variable name goes, both systems or none', () => {
    assert.deepEqual(validate('notify:\n  ticket:\n    jira: { url: "http://jira.example.com", token_env: JIRA_PAT }\n', 'ticket: INV-1\n'), [
      'changegate.yaml:8:18  notify.ticket.jira.url  must be https (the token travels with every request), not http; http is accepted only for a loopback test server',
    ]);
    assert.deepEqual(validate('notify:\n  ticket:\n    jira: { url: "https://me:tok3n@jira.example.com", token_env: "abc-123" }\n', 'ticket: INV-1\n'), [
      'changegate.yaml:8:18  notify.ticket.jira.url  contains credentials; name the variables holding them in user_env and token_env',
      'changegate.yaml:8:66  notify.ticket.jira.token_env  must be the name of an environment variable (letters, digits and _), not its value, not the string "abc-123"',
    ]);
    assert.deepEqual(validate('notify:\n  ticket:\n    jira: { url: "https://j.example.com", token_env: T }\n    github: { repository: acme/x }\n', 'ticket: INV-1\n'), [
      'changegate.yaml:9:5  notify.ticket.github  cannot be given with jira: the tickets live in one system; keep one of them',
    ]);
    assert.deepEqual(validate('notify:\n  ticket: {}\n', 'ticket: INV-1\n'), [
      'changegate.yaml:7:3  notify.ticket  needs jira or github: the system the tickets live in',
    ]);
  });

  it('a ticket of the wrong form for the system, a tickets: entry for no environment or off the pattern', () => {
    assert.deepEqual(validate('notify:\n  ticket:\n    github: { repository: acme/invoicing }\n', 'ticket: INV-1\ntickets: { prod: "#0", stage: "#4", qa: "X-1" }\n'), [
      'changes/2026-11-24-a.yaml:2:9  ticket  "INV-1" is not a GitHub issue number like #123, which notify.ticket.github needs',
      'changes/2026-11-24-a.yaml:3:18  tickets.prod  "#0" is not a GitHub issue number like #123, which notify.ticket.github needs',
      'changes/2026-11-24-a.yaml:3:24  tickets.stage  "stage" is not an environment in changegate.yaml; environments: qa, prod',
      'changes/2026-11-24-a.yaml:3:41  tickets.qa  "X-1" does not match ticket_pattern ^(INV-[0-9]+|#[0-9]+)$',
      'changes/2026-11-24-a.yaml:3:41  tickets.qa  "X-1" is not a GitHub issue number like #123, which notify.ticket.github needs',
    ]);
    assert.deepEqual(validate('notify:\n  ticket:\n    jira: { url: "https://j.example.com", token_env: T }\n', 'ticket: "#12"\n'), [
      'changes/2026-11-24-a.yaml:2:9  ticket  "#12" is not a Jira issue key like INV-1234, which notify.ticket.jira needs',
    ]);
  });
});
