// The job summary's Markdown, pure: kept apart from actions.ts, whose @actions/core import (and the
// HTTP client under it) would otherwise load on every command that prints a report, in every format.
import type { ApplyReport, ChangeResult, Plan, PlannedChange } from '../../core/plan-types.js';
import type { ApprovalRecord } from './approvals.js';
import { impactMarkdown } from './impact-table.js';
import { formatDuration, mdCode, mdFence, mdInline, mdTable, scrub } from './markdown.js';

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
      out.push(...impactMarkdown(changes));
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
