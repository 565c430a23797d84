// The impact pass's results as findings a reader acts on: each statement that blocks writes and each
// failed or warning pre-check, on the SQL line of its statement; and checks in a stable order.
import { blocksWrites } from './blocking.js';
import { impactLine } from './present.js';
import type { CheckResult } from './types.js';
import type { PlannedChange } from '../plan-types.js';
import type { Diagnostic } from '../types.js';

/** The code of the annotation on a statement that blocks writes. */
export const BLOCKING_CODE = 'CG400';

/** Checks by statement, then code. */
export function sortChecks(checks: CheckResult[]): CheckResult[] {
  return [...checks].sort((a, b) => a.statement - b.statement || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
}

/**
 * The risks as findings on the SQL line of their statement, for `--format github` annotations: each
 * statement that blocks writes (CG400), and each failed or warning check.
 */
export function riskDiagnostics(change: PlannedChange): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const st of change.statements) {
    if (!st.impact || st.n < change.resumeFrom || !blocksWrites(st.impact)) continue;
    out.push({ code: BLOCKING_CODE, severity: 'warning', file: st.file, line: st.line, column: 1, message: `${impactLine(st.impact)}${st.reason ? `: ${st.reason}` : ''}`, destructive: false });
  }
  out.push(...checkDiagnostics(change));
  return out;
}

/** The failed and warning checks as findings on their statement's line. */
export function checkDiagnostics(change: PlannedChange): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const k of change.checks ?? []) {
    if (k.outcome === 'pass') continue;
    const st = change.statements[k.statement - 1];
    if (!st) continue;
    out.push({ code: k.code, severity: k.outcome === 'fail' ? 'error' : 'warning', file: st.file, line: st.line, column: 1, message: k.message, destructive: false });
  }
  return out;
}
