// The job summary's table, built by the GitHub adapter's pure markdown helper. Text and json formats
// ignore summaries (Output.summary is a no-op there), so the import cost is paid only when rendered.
import type { ApplyReport, Plan } from '../core/plan-types.js';
import { summaryMarkdown } from '../adapters/github/job-summary.js';
import type { ApprovalRecord } from '../adapters/github/approvals.js';
import { mdInline, mdTable } from '../adapters/github/markdown.js';
import type { Diagnostic } from '../core/types.js';

/** Markdown for an apply run's report, with who approved it and the run's link when known. */
export function reportSummary(report: ApplyReport, approvals?: ApprovalRecord | null, runUrl?: string | null): string {
  return summaryMarkdown({ environments: [{ report }], ...(approvals ? { approvals } : {}), ...(runUrl ? { runUrl } : {}) });
}

/** Markdown for a plan. */
export function planSummary(plan: Plan): string {
  return summaryMarkdown({ environments: [{ plan }] });
}

/** Markdown for validate and lint: the counts and one table row per finding. */
export function findingsSummary(title: string, diagnostics: Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.filter((d) => d.severity === 'warning').length;
  const head = `## changegate ${title}\n\n${errors} error(s), ${warnings} warning(s), ${diagnostics.length - errors - warnings} notice(s)`;
  if (diagnostics.length === 0) return head;
  const rows = diagnostics.map((d) => [mdInline(`${d.file}:${d.line}`), d.code, d.severity, mdInline(d.message)]);
  return `${head}\n\n${mdTable(['where', 'code', 'severity', 'finding'], rows)}`;
}
