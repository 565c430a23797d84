// `apply`: every guard in its one order, then the plan, the protection, the statements. The order is
// the safety argument, so it is written here once and every caller (the CLI, the tests) runs it:
//   1. the approval gate that needs no connection (approval: risky waits for the plan, step 6); the
//      maintenance window (refuse, wait, or an emergency);
//   2. connect (protected-cluster, read-only and version guards) and take the run lock;
//   3. settle what an interrupted run left in flight;
//   4. plan with the pull-request lifecycle and the promotion gate; a baseline never over a schema;
//   5. judge the impact (each change's pre-checks run again right before it starts);
//   6. refuse a plan with problems; approval: risky's gate on this plan; adopt or roll back provisional changes;
//   7. the approval GitHub recorded; tell the team;
//   8. snapshot or back up when the policy asks, then the apply loop; tell the team how it ended.
// From the lock on, a watchdog stops the run when the server goes silent or this runner was frozen.
import { applyPlan, reconcileInterrupted, type ApplyContext } from '../apply.js';
import { ApplyError, RefusedError } from '../errors.js';
import type { RunnerFacts } from '../guards.js';
import { checkDiagnostics } from '../impact/findings.js';
import type { ApplyReport, Plan, PlannedChange } from '../plan-types.js';
import { undoChanges } from '../undo.js';
import { planWithGates, refuseBaselineOverSchema, refuseProblems, requireApproval, type Scope } from './gates.js';
import type { ImpactPort, LockedTarget, RunEvents, RunPorts } from './ports.js';
import { protectRun } from './protect.js';
import { settleProvisional } from './settle.js';
import { watched } from './liveness.js';
import { plansOnline } from '../online.js';
import { approvalBeforePlan, environmentApproval, riskGate } from '../risk.js';
import { announcingEmergency, fitsWindow, windowGate } from './window-gate.js';

/** What one `apply` is asked to do. */
export interface ApplyRequest {
  /** Where the CLI runs, for the approval gate. */
  runner: RunnerFacts;
  /** Plan and check, write nothing. */
  dryRun: boolean;
  /** `--pull-request N`: apply that pull request's changes as provisional; null on the default branch. */
  pullRequest: number | null;
  /** The pull request's head commit, recorded with its provisional changes. */
  headCommit?: string | null;
  /** Seconds to wait for another run's lock. */
  lockTimeoutSec: number;
  /** How long to wait for an interrupted run's statement still executing on the server. */
  inFlightWaitMs: number;
  /** Poll interval of that wait. */
  pollMs: number;
  /** `--emergency "<reason>"`: run outside the maintenance windows (with an approver); recorded and announced. */
  emergency?: string;
  /** Settings of the apply loop itself (timers, clocks), for tests that reach its every branch. */
  loop?: Partial<Pick<ApplyContext, 'recordAppliedAfterMs' | 'now' | 'sleep'>>;
}

/** How an apply ended when it did not throw. */
export interface ApplyOutcome {
  /** `dry-run` and `nothing-pending` ran no statement; `applied` ran the whole plan. */
  kind: 'dry-run' | 'nothing-pending' | 'applied';
  plan: Plan;
  /** The report of the run: every change `not-run` for a dry run or an empty plan. */
  report: ApplyReport;
}

/**
 * Applies the pending changes of one environment with every guard. Resolves with the outcome;
 * rejects with a RefusedError when a guard stops the run (nothing of the refused change ran) or an
 * ApplyError after recording a failed statement; a failure after statements ran carries `report`.
 */
export async function applyRun(s: Scope, req: ApplyRequest, ports: RunPorts, events: RunEvents): Promise<ApplyOutcome> {
  let approver = approvalBeforePlan(s.env, req.runner);
  const pass = await windowGate(s.env, req, ports, events);
  ports = announcingEmergency(ports, pass);
  const operator = ports.operator(approver);
  const target = await ports.lock(s.env, req.lockTimeoutSec);
  let impact: ImpactPort | undefined;
  // The plan of a run a guard refuses before it starts: its tickets are told why.
  let refusable: Plan | undefined;
  try {
    return await watched(target, s.env, events, async (check, events) => {
      const applyCtx: ApplyContext = { ...lockedApplyContext(target, s, await operator, { inFlightWaitMs: req.inFlightWaitMs, pollMs: req.pollMs, events }), beforeStatement: check, ...req.loop };
      if (pass.emergency !== null) applyCtx.operator.emergency = pass.emergency;
      // A dry run writes nothing, not even the in-doubt verdict on an interrupted run.
      const history = req.dryRun ? target.history : await reconcileInterrupted(new Map([...s.byId, ...undoChanges(target.history)]), target.history, s.env.name, applyCtx);
      if (req.pullRequest !== null) applyCtx.pullRequest = { number: req.pullRequest, headCommit: req.headCommit || applyCtx.operator.gitCommit };
      const { plan, problems, lifecycle } = await planWithGates(s, history, req.pullRequest, ports.readHistory);
      await refuseBaselineOverSchema(s, plan, () => target.schemaIsEmpty());
      if (plan.changes.length > 0 && problems.length === 0) {
        impact = await target.impact();
        // A dry run reports the checks as plan does; a real run checks each change right before it starts
        // (and now too under approval: risky, whose decision counts the checks' warnings).
        const checks = req.dryRun || s.env.approval === 'risky';
        await impact.assess(plan, { checks, keepFacts: !checks });
        const session = impact;
        applyCtx.beforeChange = (c) => preflight(s.env.name, session, c, events).then(() => fitsWindow(s.env, pass, c, ports.now(), events));
      }
      events.planned?.(plan, problems, lifecycle.notes);
      if (!req.dryRun) refusable = plan;
      refuseProblems(s.env.name, problems);
      // A tool that cannot run here is said now, never after half of the run.
      if (plansOnline(plan.changes)) {
        if (!target.online) throw new RefusedError(`refused: the plan runs statements online in ${s.env.name}, but the run has no online schema change tool`);
        await target.online.check();
      }
      // approval: risky decides on this run's own plan, before anything is written; never on a plan job's word.
      const gated = req.dryRun ? { env: s.env } : riskGate(s.env, environmentApproval(s.env, plan), req.runner);
      await settleProvisional(s.env, s.byId, lifecycle, history, applyCtx, req.dryRun, events);
      const runUrl = applyCtx.operator.runUrl;
      if (req.dryRun || plan.changes.length === 0) {
        const report: ApplyReport = { environment: plan.environment, snapshot: plan.snapshot, changes: plan.changes.map((c) => ({ ...c, result: 'not-run' as const, durationMs: 0 })) };
        return { kind: req.dryRun ? 'dry-run' : 'nothing-pending', plan, report };
      }
      const approved = await requireApproval(gated.env, req.runner, ports.approvals, approver);
      approver = approved.approver;
      applyCtx.operator.approver = approver;
      await ports.announce({ phase: 'start', environment: s.env.name, plan, approver, runUrl });
      refusable = undefined;
      let report: ApplyReport;
      try {
        // Rows the lifecycle set aside (rolled back, abandoned, another pull request's) are not resumed.
        await protectRun(s.env, target, plan, lifecycle.history, applyCtx, events, ports.now);
        report = await applyPlan(plan, s.byId, lifecycle.history, applyCtx);
      } catch (err) {
        const failedReport = (err as { report?: ApplyReport }).report;
        if (failedReport) events.reported?.(failedReport, approved.approvals, runUrl);
        await ports.announce({
          phase: 'failure', environment: s.env.name, plan, approver, runUrl, snapshotId: applyCtx.snapshotId, report: failedReport,
          error: err instanceof Error ? err.message : String(err),
          ...(err instanceof ApplyError ? { changeId: err.changeId, failedAt: { statement: err.statement, file: err.file, line: err.line } } : {}),
        });
        if (err instanceof ApplyError && err.file) {
          events.diagnostics?.([{ code: 'CG900', severity: 'error', file: err.file, line: err.line ?? 1, column: 1, message: err.message, destructive: false }]);
        }
        throw err;
      }
      events.reported?.(report, approved.approvals, runUrl);
      await ports.announce({ phase: 'success', environment: s.env.name, plan, approver, runUrl, snapshotId: applyCtx.snapshotId, report });
      return { kind: 'applied', plan, report };
    });
  } catch (err) {
    if (refusable && err instanceof RefusedError) await ports.announce({ phase: 'refused', environment: s.env.name, plan: refusable, approver, runUrl: (await operator).runUrl, error: err.message });
    throw err;
  } finally {
    await impact?.close().catch(() => undefined);
    await target.close();
  }
}

/**
 * Right before a change starts: its impact judged again and its pre-checks run (the changes before
 * it have run since the plan). A failing check refuses the change before its first statement, with
 * the numbers; nothing is written for it. Warnings are told once.
 */
export async function preflight(env: string, impact: ImpactPort, change: PlannedChange, events: RunEvents): Promise<void> {
  await impact.assess({ environment: env, snapshot: { required: false, reason: '' }, changes: [change], applied: [] }, { checks: true });
  const failed = (change.checks ?? []).filter((k) => k.outcome === 'fail');
  for (const k of change.checks ?? []) if (k.outcome === 'warn') events.warn?.(`${change.id}: statement ${k.statement} ${k.code}: ${k.message}`);
  if (failed.length > 0) {
    events.diagnostics?.(checkDiagnostics(change));
    throw new RefusedError(
      `refused: ${change.id} stops before its first statement: ${failed.length} pre-check(s) failed in ${env}:\n` +
        failed.map((k) => `  statement ${k.statement} ${k.code}: ${k.message}`).join('\n'),
    );
  }
}

/** The apply loop's context on a locked target: its session, processlist, run lock and retries. */
export function lockedApplyContext(
  target: LockedTarget,
  s: Scope,
  operator: ApplyContext['operator'],
  opts: { inFlightWaitMs: number; pollMs: number; events: RunEvents },
): ApplyContext {
  return {
    session: target.session,
    inspector: target.inspector,
    lockHeld: () => target.lockHeld(),
    ...(target.recordApplied ? { recordApplied: target.recordApplied.bind(target) } : {}),
    operator,
    snapshotId: null,
    lockRetries: s.env.lock_retries,
    ...(target.online ? { online: target.online } : {}),
    ...(s.env.throttle ? { throttle: s.env.throttle } : {}),
    ...opts,
  };
}
