// Approval by risk: `approval: risky` asks a reviewer only for a run whose plan holds something a
// reviewer must read, judged from the live impact the plan already carries. The decision is pure and
// computed again by every apply on its own plan: a plan job's decision is never trusted, since the
// target or the change set may have moved between plan and apply.
import { RefusedError } from './errors.js';
import { approvalGate, type RunnerFacts } from './guards.js';
import { blocksWrites } from './impact/blocking.js';
import { howText, rowsText, secondsText } from './impact/present.js';
import type { Impact } from './impact/types.js';
import type { Plan, PlannedChange, PlannedStatement } from './plan-types.js';
import type { EnvironmentConfig } from './types.js';

/** Whether a run needs a reviewer, and why: `plan --format json`'s `approval`. */
export interface ApprovalDecision {
  required: boolean;
  /** What a reviewer reads: each risk with its change and statement, or why the run is routine. */
  reasons: string[];
}

/** The one reason of a routine plan that has changes: everything `approval: risky` looks for, absent. */
export const ROUTINE_REASON =
  'no destructive change, no statement that blocks writes or whose impact is unknown, no online or batched statement, no pre-check warning, and every change has rollback files';

/**
 * What `approval: risky` finds in a plan: a destructive change, a change without rollback files, a
 * statement that blocks writes or whose impact is unknown (not judged, or facts not read), a
 * statement that runs online or in batches, and a pre-check that warns. Only what this run still
 * executes counts (statements before a resumed change's `resumeFrom` ran already). A statement on a
 * table the same change created empty blocks no one, so it is not a risk.
 */
export function approvalDecision(plan: Plan): ApprovalDecision {
  const reasons = plan.changes.flatMap(changeRisks);
  if (reasons.length > 0) return { required: true, reasons };
  return { required: false, reasons: [plan.changes.length === 0 ? 'nothing to apply' : ROUTINE_REASON] };
}

/** The decision for an environment: `required` always asks, `none` (the default) never, `risky` by the plan. */
export function environmentApproval(env: Pick<EnvironmentConfig, 'approval'>, plan: Plan): ApprovalDecision {
  if (env.approval === 'risky') return approvalDecision(plan);
  if (env.approval === 'required') return { required: true, reasons: ['approval: required'] };
  return { required: false, reasons: ['approval: none'] };
}

/** The plan's line(s) on the decision, for `approval: risky` only (the other settings decide nothing). */
export function approvalText(env: Pick<EnvironmentConfig, 'approval'>, d: ApprovalDecision): string[] {
  if (env.approval !== 'risky') return [];
  if (!d.required) return [`approval: not needed (routine): ${d.reasons.join('; ')}`];
  return ['approval: required (risky):', ...d.reasons.map((r) => `  ${r}`)];
}

/**
 * apply's approval gate before anything connects: `approval: risky` cannot decide before the live
 * plan exists, so it takes only what the runner says (`--approved-by`); the others gate as always.
 */
export function approvalBeforePlan(env: EnvironmentConfig, facts: RunnerFacts): string | null {
  return env.approval === 'risky' ? (facts.approvedBy ?? null) : approvalGate(env, facts);
}

/**
 * apply's gate on the live plan under `approval: risky`: a risky plan asks exactly as `approval:
 * required` does (the GitHub environment of the environment's name, whose reviewers approved, or
 * `--approved-by` outside Actions), naming the risks; a routine one goes on. Returns the environment
 * as the later gates must see it (`approval: required` when this plan is risky, else `none`) and the
 * approver known so far.
 */
export function riskGate(env: EnvironmentConfig, decision: ApprovalDecision, facts: RunnerFacts): { env: EnvironmentConfig; approver: string | null } {
  if (env.approval !== 'risky') return { env, approver: facts.approvedBy ?? null };
  if (!decision.required) return { env: { ...env, approval: 'none' }, approver: facts.approvedBy ?? null };
  const required: EnvironmentConfig = { ...env, approval: 'required' };
  try {
    return { env: required, approver: approvalGate(required, facts) };
  } catch (err) {
    if (!(err instanceof RefusedError)) throw err;
    throw new RefusedError(`${err.message}\n${env.name} says approval: risky, and this run's plan is risky:\n${decision.reasons.map((r) => `  ${r}`).join('\n')}`);
  }
}

function changeRisks(c: PlannedChange): string[] {
  const out: string[] = [];
  if (c.destructive) out.push(`${c.id}: a destructive change`);
  if (c.hasRollback !== true) out.push(`${c.id}: no rollback files (rollback: in ${c.file})`);
  for (const s of c.statements) {
    if (s.n < c.resumeFrom) continue;
    const risk = statementRisk(s);
    if (risk) out.push(`${c.id} statement ${s.n}: ${risk}`);
  }
  for (const k of c.checks ?? []) if (k.outcome === 'warn') out.push(`${c.id} statement ${k.statement}: pre-check ${k.code} warns: ${k.message}`);
  return out;
}

// One reason per statement, the one a reviewer acts on: a tool or batches replace the blocking run.
function statementRisk(s: PlannedStatement): string | null {
  if (s.online?.tool) return `runs online with ${s.online.tool}${s.impact?.table ? ` on ${s.impact.table}` : ''} (${rowsText(s.impact?.rows ?? null)})`;
  if (s.batch) return `runs in batches (about ${rowsText(s.batch.estimate_rows)} in ${s.batch.batches} batches)`;
  if (s.marker) return 'runs in batches';
  if (s.impact === undefined) return "its impact is unknown (the target's tables were not read)";
  if (s.impact === null) return 'its impact is unknown (the impact rules do not judge this kind of statement)';
  const i = s.impact;
  // A table the same change created empty: whatever the statement takes, no one waits for it.
  if (i.fresh) return null;
  if (i.algorithm === null || i.lock === null || i.rebuild === null) return `its impact is unknown: ${impactWords(i)}`;
  if (blocksWrites(i)) return `blocks writes: ${impactWords(i)}`;
  // In place, but the whole table is rewritten: long, and its end waits for every open transaction.
  if (i.rebuild) return `rebuilds the table: ${impactWords(i)}`;
  return null;
}

// `shop.invoices (1,200 rows, copy, lock shared, rebuilds, ~3 s)`.
function impactWords(i: Impact): string {
  return `${i.table ?? 'no single table'} (${rowsText(i.rows)}, ${howText(i)}, ${secondsText(i.seconds)})`;
}
