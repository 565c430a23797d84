// The JSON shapes of `plan` and `apply` (and of each target of a fleet): a contract with the scripts
// that read them, written once.
import type { ApplyReport, Plan, PlannedChange } from '../core/plan-types.js';
import type { ApprovalDecision } from '../core/risk.js';

/** The fields of `plan --format json` after the environment: snapshot, approval (when decided), changes, problems and notes. */
export function planDocument(p: Plan, problems: { message: string }[], notes: string[], approval?: ApprovalDecision): object {
  return { snapshot: p.snapshot, ...(approval ? { approval } : {}), changes: p.changes.map(planJson), problems: problems.map((x) => x.message), ...(notes.length ? { notes } : {}) };
}

/** One change of `plan --format json` (id, destructive, statements with impact, diagnostics, checks); a contract with the scripts that read it. */
export function planJson(c: PlannedChange): object {
  return {
    id: c.id, title: c.title, ticket: c.ticket, destructive: c.destructive, resume_from: c.resumeFrom,
    statements: c.statements.map((s) => ({ file: s.file, line: s.line, sql: s.sql, impact: s.impact ?? null, ...(s.online ? { online: s.online } : {}), ...(s.batch ? { batch: s.batch } : {}) })), diagnostics: c.diagnostics,
    checks: c.checks ?? [],
  };
}

/** The apply JSON shape: the plan's changes, each with its result and duration. */
export function applyJson(report: ApplyReport): object {
  return {
    environment: report.environment,
    snapshot: report.snapshot,
    changes: report.changes.map((c) => ({ ...planJson(c), result: c.result, duration_ms: c.durationMs, ...(c.error ? { error: c.error } : {}) })),
  };
}
