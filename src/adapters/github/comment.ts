// The plan comment on a pull request: what each environment would run, for the reviewer. It is built
// from plan data only (never connection settings), so no host name or credential can reach it.
import type { Plan, PlannedChange } from '../../core/plan-types.js';
import type { Diagnostic } from '../../core/types.js';
import type { Octokit } from './client.js';
import { impactMarkdown } from './impact-table.js';
import { mdCode, mdDetails, mdFence, mdInline, mdTable, scrub } from './markdown.js';
import { pushAll } from '../../core/arrays.js';
import { describeCounts, digestStatements } from '../../core/statement-digest.js';
import { thousands } from '../../core/numbers.js';

/** The hidden first line that identifies changegate's comment on a pull request. */
export const PLAN_MARKER = '<!-- changegate:plan -->';

/** One environment in the comment: its plan, or why it could not be read from this job. */
export interface CommentEnvironment {
  name: string;
  plan?: Plan;
  /** Shown instead of a plan, e.g. PROD's history, which a pull request job cannot read. */
  unavailable?: string;
  /** This pull request's provisional changes there (pull_requests: true), and whether each can be rolled back. */
  provisional?: { id: string; rollback: boolean }[];
  /** Other pull requests' provisional changes on the same tables. */
  notes?: string[];
}

/** Everything the comment shows; `environments` in promotion order. */
export interface PlanCommentInput {
  repository: string;
  prNumber: number;
  runUrl?: string;
  environments: CommentEnvironment[];
  /**
   * Change ids the pull request adds or edits. The diagram always shows them, even once QA has
   * applied them and PROD cannot be read; without it, it shows only what the readable plans show in flight.
   */
  focus?: string[];
}

// GitHub rejects comments over 65,536 characters; leave room for the marker and notes.
const MAX_BODY = 60_000;
// The diagram is for the changes in flight; history beyond this many would drown them.
const MAX_DIAGRAM_CHANGES = 10;

/** Renders the comment body (Markdown with a Mermaid diagram); pure, deterministic. */
export function renderPlanComment(input: PlanCommentInput): string {
  const full = render(input, true);
  if (full.length <= MAX_BODY) return full;
  const lean = render(input, false);
  if (lean.length <= MAX_BODY) return lean;
  return `${lean.slice(0, MAX_BODY)}\n\n…truncated: the plan is too long for a comment; see the workflow run.\n`;
}

function render(input: PlanCommentInput, withSql: boolean): string {
  const out: string[] = [PLAN_MARKER, '## changegate plan', ''];
  const order = input.environments.map((e) => `**${mdInline(e.name)}**`).join(' → ');
  out.push(`Promotion order: ${order}${input.runUrl ? ` · [workflow run](${input.runUrl})` : ''}`);
  out.push('', '```mermaid', ...diagram(input.environments, input.focus ?? []), '```');
  for (const env of input.environments) {
    out.push('', `### ${mdInline(env.name)}`, '');
    if (!env.plan) {
      out.push(`_Unavailable: ${mdInline(scrub(env.unavailable ?? 'no plan for this environment'))}_`);
      continue;
    }
    pushAll(out, environmentSection(env.plan, withSql));
    pushAll(out, provisionalSection(env, input.prNumber));
  }
  if (!withSql) out.push('', '_SQL omitted: the plan is too long for a comment; see the workflow run._');
  out.push('', `<sub>changegate · ${mdInline(input.repository)}#${input.prNumber} · updated in place on every run</sub>`);
  return out.join('\n') + '\n';
}

// What is provisional in the environment, and the warning that matters: a change without rollback
// cannot be undone when the pull request is amended or closed.
function provisionalSection(env: CommentEnvironment, pr: number): string[] {
  const out: string[] = [];
  const list = env.provisional ?? [];
  if (list.length > 0) {
    out.push('', `**Provisional in ${mdInline(env.name)}** (this pull request, #${pr}): rolled back when it is amended or closed unmerged, kept when it merges unchanged`);
    for (const p of list) {
      out.push(
        p.rollback
          ? `- ${mdCode(p.id)}`
          : `- ${mdCode(p.id)} — :warning: **no rollback**: an amend or a close cannot undo it in ${mdInline(env.name)}; add \`rollback:\` to the change`,
      );
    }
  }
  for (const n of env.notes ?? []) out.push('', `Note: ${mdInline(scrub(n))}`);
  return out;
}

function environmentSection(plan: Plan, withSql: boolean): string[] {
  const out: string[] = [];
  const snap = plan.snapshot;
  out.push(`${snap.required ? '**Snapshot: required**' : 'Snapshot: not required'} — ${mdInline(scrub(snap.reason))}`);
  out.push('');
  if (plan.changes.length === 0) {
    out.push(`Nothing pending (${plan.applied.length} applied).`);
    return out;
  }
  const rows = plan.changes.map((c) => [
    `${mdCode(c.id)} ${mdInline(c.title)}`,
    mdInline(c.ticket),
    statementCount(c),
    c.destructive ? '⚠️ yes' : 'no',
    findingCount(c.diagnostics),
  ]);
  out.push(mdTable(['change', 'ticket', 'statements', 'destructive', 'findings'], rows));
  const findings = plan.changes.flatMap((c) => c.diagnostics);
  if (findings.length > 0) {
    out.push('', '**Findings**', '');
    for (const d of findings) {
      out.push(`- ${SEVERITY_ICON[d.severity]} ${mdCode(d.code)} ${mdCode(`${d.file}:${d.line}:${d.column}`)} ${mdInline(d.message)}`);
    }
  }
  out.push(...impactMarkdown(plan.changes));
  if (withSql) {
    for (const c of plan.changes) {
      const n = c.statements.length;
      out.push('', mdDetails(`SQL: ${c.id} (${n} statement${n === 1 ? '' : 's'})`, mdFence(sqlText(c), 'sql')));
    }
  }
  return out;
}

const SEVERITY_ICON: Record<Diagnostic['severity'], string> = { error: '❌', warning: '⚠️', notice: 'ℹ️' };

function statementCount(c: PlannedChange): string {
  const n = String(c.statements.length);
  if (c.resumeFrom <= 1) return n;
  const why = c.previous === 'failed' ? 'failed run' : 'interrupted run';
  return `${n} (resumes at ${c.resumeFrom} after a ${why})`;
}

function findingCount(diagnostics: Diagnostic[]): string {
  if (diagnostics.length === 0) return '—';
  const parts: string[] = [];
  for (const sev of ['error', 'warning', 'notice'] as const) {
    const k = diagnostics.filter((d) => d.severity === sev).length;
    if (k > 0) parts.push(`${k} ${sev}${k === 1 ? '' : 's'}`);
  }
  return parts.join(', ');
}

// Past the digest bound, as the text plan: counts by kind and table, then the first and last few
// statements and every one a finding points at (a comment has room for 65,536 characters).
function sqlText(c: PlannedChange): string {
  const digest = digestStatements(c.statements, c.diagnostics);
  const parts: string[] = [];
  if (digest) parts.push(`-- ${describeCounts(digest)}`);
  let last = 0;
  for (const s of digest?.shown ?? c.statements) {
    if (s.n > last + 1) parts.push(`-- … ${thousands(s.n - last - 1)} more statement(s)`);
    const done = s.n < c.resumeFrom ? ' (applied by an earlier run)' : '';
    const body = /;\s*$/.test(s.sql) ? s.sql : `${s.sql};`;
    parts.push(`-- ${s.n} · ${s.file}:${s.line}${done}\n${body}`);
    last = s.n;
  }
  return parts.join('\n\n');
}

type CellState = 'applied' | 'pending' | 'resume' | 'failed' | 'skipped' | 'unknown';

const STATE_LABEL: Record<CellState, string> = {
  applied: 'applied',
  pending: 'pending',
  resume: 'resumes',
  failed: 'failed, resumes',
  skipped: 'not planned',
  unknown: 'unknown',
};

const STATE_CLASS: Record<CellState, string> = {
  applied: 'applied',
  pending: 'pending',
  resume: 'pending',
  failed: 'failed',
  skipped: 'skipped',
  unknown: 'unknown',
};

function cellState(env: CommentEnvironment, id: string): CellState {
  if (!env.plan) return 'unknown';
  if (env.plan.applied.includes(id)) return 'applied';
  const c = env.plan.changes.find((x) => x.id === id);
  if (!c) return 'skipped';
  if (c.previous === 'failed') return 'failed';
  return c.resumeFrom > 1 ? 'resume' : 'pending';
}

// Changes in flight: the PR's own and those pending in some readable environment. Applied history
// stays out, or every PR would show the latest changes again while PROD cannot be read.
function diagramChanges(envs: CommentEnvironment[], focus: string[]): { ids: string[]; hidden: number } {
  const ids = new Set<string>(focus);
  for (const e of envs) for (const c of e.plan?.changes ?? []) ids.add(c.id);
  const sorted = [...ids].sort();
  const shown = sorted.slice(-MAX_DIAGRAM_CHANGES);
  return { ids: shown, hidden: sorted.length - shown.length };
}

// A quoted Mermaid label, one line per argument; quotes and angle brackets become entity codes.
function label(...lines: string[]): string {
  const esc = (t: string) => t.replace(/#/g, '#35;').replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');
  return `"${lines.map(esc).join('<br/>')}"`;
}

function diagram(envs: CommentEnvironment[], focus: string[]): string[] {
  const { ids, hidden } = diagramChanges(envs, focus);
  const lines = ['flowchart LR'];
  envs.forEach((env, i) => {
    lines.push(`  subgraph env${i}[${label(env.name)}]`, '    direction TB');
    if (ids.length === 0) {
      const text = env.plan ? 'up to date' : 'unknown';
      lines.push(`    env${i}_none[${label(text)}]:::${env.plan ? 'applied' : 'unknown'}`);
    }
    ids.forEach((id, j) => {
      const state = cellState(env, id);
      lines.push(`    env${i}_c${j}[${label(id, STATE_LABEL[state])}]:::${STATE_CLASS[state]}`);
    });
    if (hidden > 0 && i === 0) lines.push(`    env${i}_more[${label(`… ${hidden} earlier`)}]:::skipped`);
    lines.push('  end');
  });
  for (let i = 1; i < envs.length; i++) lines.push(`  env${i - 1} --> env${i}`);
  lines.push(
    '  classDef applied fill:#dafbe1,stroke:#1a7f37,color:#1f2328',
    '  classDef pending fill:#fff8c5,stroke:#9a6700,color:#1f2328',
    '  classDef failed fill:#ffebe9,stroke:#cf222e,color:#1f2328',
    '  classDef skipped fill:#ffffff,stroke:#d0d7de,color:#59636e',
    '  classDef unknown fill:#f6f8fa,stroke:#8c959f,color:#59636e,stroke-dasharray:4 3',
  );
  return lines;
}

/** What `upsertPlanComment` did. */
export interface UpsertResult {
  action: 'created' | 'updated' | 'unchanged';
  commentId: number;
  /** Extra marker comments (left by a past race) that were deleted. */
  removed: number;
}

/**
 * Creates the PR's plan comment, or updates the one carrying `PLAN_MARKER` in place (oldest wins;
 * extra marker comments are deleted so there is only ever one). Only comments by `author` (default
 * `github-actions[bot]`, the identity of GITHUB_TOKEN) are ever updated or deleted. Another
 * `marker` keeps another comment of its own the same way (a fleet's merged results).
 */
export async function upsertPlanComment(
  octokit: Octokit,
  args: { owner: string; repo: string; prNumber: number; body: string; author?: string; marker?: string },
): Promise<UpsertResult> {
  const { owner, repo, prNumber } = args;
  const marker = args.marker ?? PLAN_MARKER;
  const body = args.body.startsWith(marker) ? args.body : `${marker}\n${args.body}`;
  const comments = await octokit.paginate(octokit.rest.issues.listComments, {
    owner,
    repo,
    issue_number: prNumber,
    per_page: 100,
  });
  // Only a body that starts with the marker counts (a reviewer quoting the comment does not), and
  // only when the workflow's own identity wrote it: anyone can post the marker, and the reviewer
  // must never read a plan that somebody else can edit.
  const author = args.author ?? 'github-actions[bot]';
  const ours = comments
    .filter((c) => (c.body ?? '').startsWith(marker) && c.user?.login === author)
    .sort((a, b) => a.id - b.id);
  if (ours.length === 0) {
    const created = await octokit.rest.issues.createComment({ owner, repo, issue_number: prNumber, body });
    return { action: 'created', commentId: created.data.id, removed: 0 };
  }
  const [keep, ...extra] = ours;
  for (const c of extra) await octokit.rest.issues.deleteComment({ owner, repo, comment_id: c.id });
  if (keep.body === body) return { action: 'unchanged', commentId: keep.id, removed: extra.length };
  await octokit.rest.issues.updateComment({ owner, repo, comment_id: keep.id, body });
  return { action: 'updated', commentId: keep.id, removed: extra.length };
}
