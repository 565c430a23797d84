// Text renderings of plans, reports and status: what a person reads in a terminal or a CI log.
import type { ApplyReport, Plan } from '../core/plan-types.js';
import { oneLine, type IntegrityProblem } from '../core/plan.js';
import { formatDiagnostic } from '../core/manifest/format.js';
import type { Diagnostic } from '../core/types.js';
import { describeCounts, digestStatements } from '../core/statement-digest.js';

/** The core's `file:line:column  field-or-CODE  message`, with the severity named unless it is an error. */
export function diagnosticLine(d: Diagnostic): string {
  return formatDiagnostic(d.severity === 'error' ? d : { ...d, message: `${d.severity}: ${d.message}` });
}

/** The plan as the reviewer reads it. */
export function planText(plan: Plan, problems: IntegrityProblem[]): string[] {
  const lines: string[] = [];
  lines.push(`plan for ${plan.environment}: ${plan.changes.length === 0 ? 'nothing to apply' : `${plan.changes.length} change(s) to apply`}`);
  for (const c of plan.changes) {
    const resume = c.resumeFrom > 1 ? `, resumes at statement ${c.resumeFrom} (was ${c.previous})` : c.previous ? ` (was ${c.previous})` : '';
    lines.push(`  ${c.id}  ${c.ticket}  ${c.statements.length} statement(s)${c.destructive ? ', DESTRUCTIVE' : ''}${resume}`);
    lines.push(`    ${c.title}`);
    const digest = digestStatements(c.statements, c.diagnostics);
    if (digest) lines.push(`    ${describeCounts(digest)}`);
    let last = 0;
    for (const s of digest?.shown ?? c.statements) {
      if (s.n > last + 1) lines.push(`    ${'…'.padStart(4)}  ${(s.n - last - 1).toLocaleString('en-US')} more statement(s)`);
      const mark = s.n < c.resumeFrom ? 'done' : `${s.n}`.padStart(4);
      lines.push(`    ${mark}  ${s.file}:${s.line}  ${oneLine(s.sql)}`);
      last = s.n;
    }
    for (const d of c.diagnostics) lines.push(`    ${d.severity} ${d.code} ${d.file}:${d.line}: ${d.message}`);
  }
  lines.push(`snapshot: ${plan.snapshot.required ? 'required' : 'not required'} (${plan.snapshot.reason})`);
  for (const p of problems) lines.push(`blocked: ${p.message}`);
  return lines;
}

/** The result of an `apply` run, one line per change. */
export function reportText(report: ApplyReport): string[] {
  const lines = [`apply to ${report.environment}:`];
  for (const c of report.changes) {
    lines.push(`  ${c.result.padEnd(7)}  ${c.id}  ${c.ticket}  ${(c.durationMs / 1000).toFixed(1)} s${c.error ? `  ${c.error}` : ''}`);
  }
  if (report.snapshot.id) lines.push(`snapshot: ${report.snapshot.id}`);
  return lines;
}

