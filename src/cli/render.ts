// Text renderings of plans, reports and status: what a person reads in a terminal or a CI log.
import type { ApplyReport, Plan, PlannedChange } from '../core/plan-types.js';
import type { IntegrityProblem } from '../core/plan.js';
import { oneLine } from '../core/text.js';
import type { Diagnostic } from '../core/types.js';
import { DIGEST_BOUND, describeCounts, digestStatements } from '../core/statement-digest.js';
import { pushAll } from '../core/arrays.js';
import { blocksWrites } from '../core/impact/assess.js';
import { byRisk, impactLine } from '../core/impact/present.js';
import { batchText } from '../core/backfill/plan.js';
import type { CheckResult } from '../core/impact/types.js';
import { thousands } from '../core/numbers.js';

/**
 * `file:line:column  severity CODE  field  message` (no field for SQL and whole files): every line
 * says how bad it is and which code to look up or suppress, whatever its severity.
 */
export function diagnosticLine(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.column}  ${d.severity} ${d.code}  ${d.field ? `${d.field}  ` : ''}${d.message}`;
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
      if (s.n > last + 1) lines.push(`    ${'…'.padStart(4)}  ${thousands(s.n - last - 1)} more statement(s)`);
      const mark = s.n < c.resumeFrom ? 'done' : `${s.n}`.padStart(4);
      lines.push(`    ${mark}  ${s.file}:${s.line}  ${oneLine(s.sql)}`);
      last = s.n;
    }
    for (const d of c.diagnostics) lines.push(`    ${d.severity} ${d.code} ${d.file}:${d.line}: ${d.message}`);
    pushAll(lines, impactText(c));
  }
  lines.push(`snapshot: ${plan.snapshot.required ? 'required' : 'not required'} (${plan.snapshot.reason})`);
  for (const p of problems) lines.push(`blocked: ${p.message}`);
  return lines;
}

/** A change's impact, riskiest statement first, and its pre-checks that did not pass; nothing before facts were read. */
export function impactText(c: PlannedChange): string[] {
  const lines: string[] = [];
  const judged = byRisk(c);
  if (judged.length > 0) lines.push('    impact (riskiest first):');
  // A long change lists every statement that blocks writes and the riskiest others up to the digest
  // bound; what is left is the least risky, and said as a count.
  const blocking = judged.filter((s) => blocksWrites(s.impact)).length;
  const shown = judged.slice(0, Math.max(blocking, DIGEST_BOUND));
  for (const s of shown) {
    lines.push(`    ${String(s.n).padStart(4)}  ${impactLine(s.impact)}`);
    if (s.reason && (blocksWrites(s.impact) || s.impact.rebuild !== false)) lines.push(`          ${s.reason}`);
    if (s.online) lines.push(`          ${s.online.reason}`);
  }
  if (judged.length > shown.length) lines.push(`       …  ${thousands(judged.length - shown.length)} more statement(s) that block no writes`);
  for (const s of c.statements) if (s.batch && s.n >= c.resumeFrom) lines.push(`    ${String(s.n).padStart(4)}  ${batchText(s.batch)}`);
  for (const k of c.checks ?? []) if (k.outcome !== 'pass') lines.push(checkLine(k));
  return lines;
}

/** `    fail CG501 statement 2: ...`. */
export function checkLine(k: CheckResult): string {
  return `    ${k.outcome} ${k.code} statement ${k.statement}: ${k.message}`;
}

/**
 * The result of an `apply` run, one line per change. A pull request's run (`pullRequest`) says
 * `provisional` for what it applied, as `status` shows it: applied for good happens at the merge.
 */
export function reportText(report: ApplyReport, pullRequest: number | null = null): string[] {
  const lines = [`apply to ${report.environment}:`];
  for (const c of report.changes) {
    const provisional = pullRequest !== null && c.result === 'applied';
    const result = provisional ? 'provisional' : c.result;
    const note = provisional ? `  pull request #${pullRequest}` : c.error ? `  ${c.error}` : '';
    lines.push(`  ${result.padEnd(7)}  ${c.id}  ${c.ticket}  ${(c.durationMs / 1000).toFixed(1)} s${note}`);
  }
  if (report.snapshot.id) lines.push(`snapshot: ${report.snapshot.id}`);
  return lines;
}

