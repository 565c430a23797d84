// `--format github`: what a run tells GitHub Actions, all through @actions/core so that escaping of
// workflow commands, the GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files and masking follow the runner's rules.
import * as core from '@actions/core';
import { redact, registerSecret } from '../../core/redact.js';
import type { ApplyReport, ChangeResult, Plan, PlannedChange } from '../../core/plan-types.js';
import type { Diagnostic } from '../../core/types.js';
import type { ApprovalRecord } from './approvals.js';
import { formatDuration, mdCode, mdFence, mdInline, mdTable, scrub } from './markdown.js';

/** Writes one annotation per finding, on its file and line, titled with the rule code. */
export function annotate(diagnostics: Diagnostic[]): void {
  for (const d of diagnostics) {
    const props: core.AnnotationProperties = {
      title: d.code,
      file: d.file,
      startLine: d.line,
      startColumn: d.column,
    };
    const message = redact(d.message);
    if (d.severity === 'error') core.error(message, props);
    else if (d.severity === 'warning') core.warning(message, props);
    else core.notice(message, props);
  }
}

/** Runs `fn` inside a collapsible log group (one per change). */
export function group<T>(name: string, fn: () => Promise<T>): Promise<T> {
  return core.group(name, fn);
}

/** Step outputs for later steps: counts of changes applied and still pending, and the snapshot id. */
export function setOutputs(outputs: { applied: number; pending: number; snapshotId?: string | null }): void {
  core.setOutput('applied', String(outputs.applied));
  core.setOutput('pending', String(outputs.pending));
  core.setOutput('snapshot-id', outputs.snapshotId ?? '');
}

/**
 * Masks each value in every later log line (`setSecret`) and registers it for `redact`, so the same
 * credential is also kept out of messages, summaries and comments. Call before anything is printed.
 */
export function maskSecrets(values: (string | undefined | null)[]): void {
  for (const v of values) {
    if (!v) continue;
    core.setSecret(v);
    registerSecret(v);
  }
}

/** Marks the step failed with `message` (redacted); the CLI still sets the exit code. */
export function fail(message: string): void {
  core.setFailed(redact(message));
}

/** What a job summary shows: per environment either what ran (`report`) or what would run (`plan`). */
export interface SummaryInput {
  environments: ({ report: ApplyReport } | { plan: Plan })[];
  approvals?: ApprovalRecord;
  runUrl?: string;
}

const RESULT_LABEL: Record<string, string> = {
  applied: '✅ applied',
  failed: '❌ failed',
  'not-run': '⏸️ not run',
  pending: '⏳ pending',
};

/** The job summary as Markdown: a table per environment (change, ticket, statements, destructive, snapshot, result, duration). */
export function summaryMarkdown(input: SummaryInput): string {
  const out: string[] = ['## changegate'];
  for (const entry of input.environments) {
    const isReport = 'report' in entry;
    const env = isReport ? entry.report.environment : entry.plan.environment;
    const snapshot = isReport ? entry.report.snapshot : entry.plan.snapshot;
    const snapshotId = isReport ? entry.report.snapshot.id : undefined;
    const changes: (PlannedChange & { result?: ChangeResult; durationMs?: number })[] = isReport
      ? entry.report.changes
      : entry.plan.changes;
    out.push('', `### ${mdInline(env)}${isReport ? '' : ' (plan)'}`, '');
    if (changes.length === 0) {
      out.push('Nothing to apply.');
    } else {
      const snapshotCell = snapshotId ? mdCode(snapshotId) : snapshot.required ? 'required' : '—';
      const rows = changes.map((c) => {
        const result = c.result ?? 'pending';
        const duration = c.durationMs === undefined ? '—' : formatDuration(c.durationMs);
        const statements =
          c.resumeFrom > 1 ? `${c.statements.length} (from ${c.resumeFrom})` : String(c.statements.length);
        return [
          `${mdCode(c.id)} ${mdInline(c.title)}`,
          mdInline(c.ticket),
          statements,
          c.destructive ? '⚠️ yes' : 'no',
          snapshotCell,
          RESULT_LABEL[result] ?? mdInline(result),
          duration,
        ];
      });
      out.push(
        mdTable(['change', 'ticket', 'statements', 'destructive', 'snapshot', 'result', 'duration'], rows),
      );
    }
    out.push('', `Snapshot: ${mdInline(scrub(snapshot.reason))}`);
    if (isReport) {
      for (const c of entry.report.changes) {
        if (c.result === 'failed' && c.error) {
          out.push('', `**${mdCode(c.id)} failed:**`, '', mdFence(scrub(c.error)));
        }
      }
    }
  }
  if (input.approvals) {
    const { approver, reviewers } = input.approvals;
    out.push(
      '',
      `Approved by: ${approver ? mdInline(approver) : '—'} · PR reviewers: ${
        reviewers.length ? reviewers.map(mdInline).join(', ') : '—'
      }`,
    );
  }
  if (input.runUrl) out.push('', `[Workflow run](${input.runUrl})`);
  return out.join('\n') + '\n';
}

/** Appends the summary to the job summary file (GITHUB_STEP_SUMMARY). */
export async function writeSummary(input: SummaryInput): Promise<void> {
  await core.summary.addRaw(summaryMarkdown(input), true).write();
}
