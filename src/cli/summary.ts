// The job summary's table, built by the GitHub adapter's pure markdown helper. Text and json formats
// ignore summaries (Output.summary is a no-op there), so the import cost is paid only when rendered.
import type { ApplyReport, Plan } from '../core/plan-types.js';
import { summaryMarkdown } from '../adapters/github/actions.js';
import type { ApprovalRecord } from '../adapters/github/approvals.js';

/** Markdown for an apply run's report, with who approved it and the run's link when known. */
export function reportSummary(report: ApplyReport, approvals?: ApprovalRecord | null, runUrl?: string | null): string {
  return summaryMarkdown({ environments: [{ report }], ...(approvals ? { approvals } : {}), ...(runUrl ? { runUrl } : {}) });
}

/** Markdown for a plan. */
export function planSummary(plan: Plan): string {
  return summaryMarkdown({ environments: [{ plan }] });
}
