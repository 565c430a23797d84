// `changegate apply --env E`: every guard, then the plan, the snapshot when needed, the statements.
import { applyPlan, reconcileInterrupted, type ApplyContext } from '../../core/apply.js';
import { ApplyError, UsageError } from '../../core/errors.js';
import { approvalGate } from '../../core/guards.js';
import type { ApplyReport } from '../../core/plan-types.js';
import type { CommandContext } from '../context.js';
import { announce, approverText, requireCiApproval, type Approvals } from '../announce.js';
import { lockedApplyContext, lockTarget, operator, planWithGates, refuseProblems, scope } from '../flow.js';
import { pullRequestOption, settleProvisional } from '../pull-request-step.js';
import { undoChanges } from '../../core/undo.js';
import { planText, reportText } from '../render.js';
import { assessPlan, openImpact, preflight, type ImpactSession } from '../impact-step.js';
import { protectRun } from '../backup-step.js';
import { refuseBaselineOverSchema } from '../baseline-guard.js';
import { reportSummary } from '../summary.js';
import { planJson } from './plan.js';
import { ProgressLines } from '../progress.js';

/** Applies pending changes; 0 when everything applied (or nothing was pending), 1 when a check failed. */
export default async function apply(ctx: CommandContext, opts: { env: string; dryRun?: boolean; approvedBy?: string; inFlightWait?: string; lockTimeout?: string; pullRequest?: string }): Promise<number> {
  const inFlightWaitMs = seconds('--in-flight-wait', opts.inFlightWait, 600) * 1000;
  const s = scope(ctx, opts.env);
  const pr = pullRequestOption(s, opts.pullRequest);
  const lockTimeout = seconds('--lock-timeout', opts.lockTimeout, s.env.lock_timeout);
  let approver = approvalGate(s.env, {
    inActions: ctx.env.GITHUB_ACTIONS === 'true',
    deploymentEnvironment: ctx.env.CHANGEGATE_ENVIRONMENT,
    approvedBy: opts.approvedBy,
  });
  const who = operator(ctx, approver);
  const t = await lockTarget(ctx, s, lockTimeout);
  let impact: ImpactSession | undefined;
  try {
    let group: { end(): void } | undefined;
    const progress = new ProgressLines((line) => ctx.out.info(line));
    const applyCtx: ApplyContext = lockedApplyContext(t, s, await who, {
      inFlightWaitMs,
      pollMs: 2000,
      events: {
        changeStarted: (c) => {
          group = ctx.out.group(`${c.id} (${c.ticket})`);
          ctx.out.info(`${c.id}: ${c.resumeFrom > 1 ? `resuming at statement ${c.resumeFrom}` : 'starting'} (${c.ticket}, ${c.statements.length} statement(s))`);
        },
        changeFinished: () => group?.end(),
        statementStarted: (c, n, total, ms) => progress.started(c, n, total, ms),
        statementRetry: (c, n, attempt, err) => ctx.out.warn(`${c.id}: statement ${n} hit a lock wait timeout (${err}); retry ${attempt} of ${s.env.lock_retries}`),
        verified: (c, v, actual, ok) => ctx.out.info(`${c.id}: verify "${v.name}" ${ok ? 'ok' : 'FAILED'} (expected ${JSON.stringify(v.expect)}, got ${JSON.stringify(actual ?? null)})`),
        waitingForInFlight: (id, n, p) => ctx.out.info(`${id}: statement ${n} from an interrupted run is still executing (${p.seconds ?? '?'} s); waiting for it to end`),
      },
    });
    // A dry run writes nothing, not even the in-doubt verdict on an interrupted run.
    const history = opts.dryRun ? t.history : await reconcileInterrupted(new Map([...s.byId, ...undoChanges(t.history)]), t.history, s.env.name, applyCtx);
    if (pr !== null) applyCtx.pullRequest = { number: pr, headCommit: ctx.env.CHANGEGATE_HEAD_SHA || applyCtx.operator.gitCommit };
    const { plan, problems, lifecycle } = await planWithGates(ctx, s, history, pr);
    await refuseBaselineOverSchema(s, t.open, plan);
    if (plan.changes.length > 0 && problems.length === 0) {
      impact = await openImpact(t.open);
      // A dry run reports the checks as plan does; a real run checks each change right before it starts.
      await assessPlan(ctx, s, impact, plan, { checks: !!opts.dryRun, keepFacts: !opts.dryRun });
      const session = impact;
      applyCtx.beforeChange = (c) => preflight(ctx, s, session, c);
    }
    for (const line of planText(plan, problems)) ctx.out.info(line);
    for (const note of lifecycle.notes) ctx.out.info(`note: ${note}`);
    refuseProblems(s.env.name, problems);
    await settleProvisional(ctx, s, lifecycle, history, applyCtx, !!opts.dryRun);
    ctx.out.output('pending', String(plan.changes.length));
    if (opts.dryRun || plan.changes.length === 0) {
      ctx.out.setDocument(applyJson({ environment: plan.environment, snapshot: plan.snapshot, changes: plan.changes.map((c) => ({ ...c, result: 'not-run' as const, durationMs: 0 })) }));
      ctx.out.output('applied', '0');
      if (opts.dryRun) ctx.out.info('dry run: nothing was executed');
      return 0;
    }
    const approvals: Approvals | null = await requireCiApproval(ctx, s.env, opts.approvedBy);
    approver = approver ?? (approvals ? approverText(approvals) : null);
    applyCtx.operator.approver = approver;
    const done = (r: ApplyReport) => finish(ctx, r, approvals, applyCtx.operator.runUrl);
    await announce(ctx, s.config, { phase: 'start', environment: s.env.name, plan, approver, runUrl: applyCtx.operator.runUrl });
    let report: ApplyReport;
    try {
      // Rows the lifecycle set aside (rolled back, abandoned, another pull request's) are not resumed.
      await protectRun(ctx, s, t.open, plan, lifecycle.history, applyCtx);
      report = await applyPlan(plan, s.byId, lifecycle.history, applyCtx);
    } catch (err) {
      const failedReport = (err as { report?: ApplyReport }).report;
      if (failedReport) done(failedReport);
      await announce(ctx, s.config, {
        phase: 'failure', environment: s.env.name, plan, approver, runUrl: applyCtx.operator.runUrl,
        snapshotId: applyCtx.snapshotId, error: err instanceof Error ? err.message : String(err),
        ...(err instanceof ApplyError ? { changeId: err.changeId } : {}),
      });
      if (err instanceof ApplyError && err.file) ctx.out.diagnostics([{ code: 'CG900', severity: 'error', file: err.file, line: err.line ?? 1, column: 1, message: err.message, destructive: false }]);
      throw err;
    }
    done(report);
    await announce(ctx, s.config, { phase: 'success', environment: s.env.name, plan, approver, runUrl: applyCtx.operator.runUrl, snapshotId: applyCtx.snapshotId });
    return 0;
  } finally {
    await impact?.close().catch(() => undefined);
    await t.close();
  }
}

function finish(ctx: CommandContext, report: ApplyReport, approvals: Approvals | null, runUrl: string | null): void {
  for (const line of reportText(report)) ctx.out.info(line);
  ctx.out.setDocument(applyJson(report));
  const applied = report.changes.filter((c) => c.result === 'applied').length;
  ctx.out.output('applied', String(applied));
  // Still pending after the run: later steps read the last value written.
  ctx.out.output('pending', String(report.changes.length - applied));
  ctx.out.summary(() => reportSummary(report, approvals, runUrl));
}

// A number of seconds from the command line, or exit 2 naming the flag.
function seconds(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`${flag} must be a number of seconds, not "${value}"`);
  return n;
}

/** DESIGN.md's apply shape: the plan's changes, each with its result and duration. */
export function applyJson(report: ApplyReport): object {
  return {
    environment: report.environment,
    snapshot: report.snapshot,
    changes: report.changes.map((c) => ({ ...planJson(c), result: c.result, duration_ms: c.durationMs, ...(c.error ? { error: c.error } : {}) })),
  };
}
