// The nightly drift check's single issue. drift.yml's last job calls `reportDrift` from
// actions/github-script with the reports the matrix jobs left as artifacts.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Octokit } from './client.js';
import { mdCode, mdDetails, mdFence, mdInline, mdTable, scrub } from './markdown.js';

/** The label that identifies the drift issue; there is at most one open issue with it. */
export const DRIFT_LABEL = 'changegate-drift';

/** The hidden first line of the drift issue's body. */
export const DRIFT_MARKER = '<!-- changegate:drift -->';

/** Title of the drift issue. */
export const DRIFT_TITLE = 'changegate: schema drift detected';

/** One environment's drift check: the CLI's exit code (null when no report came back) and its JSON report. */
export interface DriftResult {
  environment: string;
  exitCode: number | null;
  report: string;
}

/** Reads `<env>.exit` and `<env>.json` pairs from `dir`; environments in `expected` without files get exit code null. */
export async function readDriftResults(dir: string, expected: string[] = []): Promise<DriftResult[]> {
  let names: string[] = [];
  try {
    names = await readdir(dir);
  } catch {
    // No artifact at all (every matrix job failed early): each expected environment is reported missing.
  }
  const envs = new Set([...expected, ...names.filter((n) => n.endsWith('.exit')).map((n) => n.slice(0, -5))]);
  const results: DriftResult[] = [];
  for (const environment of [...envs].sort()) {
    const exit = await readFile(join(dir, `${environment}.exit`), 'utf8').catch(() => null);
    const report = await readFile(join(dir, `${environment}.json`), 'utf8').catch(() => '');
    const code = exit === null ? null : Number.parseInt(exit.trim(), 10);
    results.push({ environment, exitCode: code === null || Number.isNaN(code) ? null : code, report });
  }
  return results;
}

function outcome(r: DriftResult): string {
  if (r.exitCode === 0) return 'no drift';
  if (r.exitCode === 1) return '**drift**';
  if (r.exitCode === null) return 'not checked (the job failed before reporting)';
  return `check failed (exit ${r.exitCode})`;
}

/** True when any environment drifted or could not be checked: the cases that need a person. */
export function needsAttention(results: DriftResult[]): boolean {
  return results.some((r) => r.exitCode !== 0);
}

/** The issue body: a table of environments and each non-clean environment's report, folded. */
export function renderDriftIssue(input: { results: DriftResult[]; runUrl?: string }): string {
  const out = [
    DRIFT_MARKER,
    'The nightly drift check found live schemas that differ from what their applied changes should have produced, or could not check them.',
    'Drift is never re-applied automatically: find who changed the schema outside changegate, then either revert that change or record it as a new change.',
    '',
    mdTable(
      ['environment', 'result'],
      input.results.map((r) => [mdCode(r.environment), outcome(r)]),
    ),
  ];
  for (const r of input.results) {
    if (r.exitCode === 0 || !r.report.trim()) continue;
    out.push('', `### ${mdInline(r.environment)}`, '', mdDetails('report', mdFence(scrub(prettyJson(r.report)), 'json')));
  }
  if (input.runUrl) out.push('', `Last checked by [this run](${input.runUrl}).`);
  return out.join('\n') + '\n';
}

function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** Updates the open issue labelled `DRIFT_LABEL` (the oldest, if several) or opens one. */
export async function upsertDriftIssue(
  octokit: Octokit,
  args: { owner: string; repo: string; body: string },
): Promise<{ action: 'created' | 'updated'; number: number }> {
  const { owner, repo, body } = args;
  const open = await octokit.paginate(octokit.rest.issues.listForRepo, {
    owner,
    repo,
    state: 'open',
    labels: DRIFT_LABEL,
    per_page: 100,
  });
  // The issues endpoint also lists pull requests; a PR carrying the label is not the drift issue.
  const issues = open.filter((i) => !i.pull_request).sort((a, b) => a.number - b.number);
  if (issues.length > 0) {
    const number = issues[0].number;
    await octokit.rest.issues.update({ owner, repo, issue_number: number, body });
    return { action: 'updated', number };
  }
  const { data } = await octokit.rest.issues.create({ owner, repo, title: DRIFT_TITLE, body, labels: [DRIFT_LABEL] });
  return { action: 'created', number: data.number };
}

/**
 * Reads the matrix's reports from `dir` and, when any environment drifted or was not checked, opens
 * or updates the drift issue. A clean night leaves an open issue alone: a person closes it.
 */
export async function reportDrift(
  octokit: Octokit,
  args: { owner: string; repo: string; dir: string; expected?: string[]; runUrl?: string },
): Promise<{ action: 'created' | 'updated' | 'none'; number?: number }> {
  const results = await readDriftResults(args.dir, args.expected ?? []);
  if (!needsAttention(results)) return { action: 'none' };
  const body = renderDriftIssue({ results, runUrl: args.runUrl });
  return upsertDriftIssue(octokit, { owner: args.owner, repo: args.repo, body });
}
