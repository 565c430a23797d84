// `changegate apply --env E`: the flags, the core's applyRun (every guard in its order), and what it says.
import { UsageError } from '../../core/errors.js';
import type { ApplyReport } from '../../core/plan-types.js';
import { applyJson } from '../json-shapes.js';
import { applyRun } from '../../core/usecases/apply-run.js';
import type { Approvals } from '../../core/usecases/ports.js';
import type { CommandContext } from '../context.js';
import { runnerFacts, scope } from '../flow.js';
import { pullRequestOption } from '../pull-request-step.js';
import { planText, reportText } from '../render.js';
import { commonEvents, runPorts } from '../run-ports.js';
import { reportSummary } from '../summary.js';
import { ProgressLines } from '../progress.js';
import { fleetOptions } from '../fleet/options.js';
import { approvalText, environmentApproval } from '../../core/risk.js';

/** Applies pending changes; 0 when everything applied (or nothing was pending), 1 when a check failed. */
export default async function apply(ctx: CommandContext, opts: { env: string; dryRun?: boolean; approvedBy?: string; emergency?: string; inFlightWait?: string; lockTimeout?: string; pullRequest?: string; target?: string[]; shard?: string }): Promise<number> {
  const inFlightWaitMs = seconds('--in-flight-wait', opts.inFlightWait, 600) * 1000;
  const s = scope(ctx, opts.env);
  const pr = pullRequestOption(s, opts.pullRequest);
  const lockTimeoutSec = seconds('--lock-timeout', opts.lockTimeout, s.env.lock_timeout);
  const request = {
    runner: runnerFacts(ctx, opts.approvedBy),
    dryRun: !!opts.dryRun,
    pullRequest: pr,
    headCommit: ctx.env.CHANGEGATE_HEAD_SHA || null,
    lockTimeoutSec,
    inFlightWaitMs,
    pollMs: 2000,
    ...(opts.emergency !== undefined ? { emergency: opts.emergency } : {}),
  };
  const fleet = fleetOptions(s, opts);
  if (fleet) return (await import('../fleet/apply.js')).applyFleet(ctx, s, { request, ...fleet });
  let group: { end(): void } | undefined;
  const progress = new ProgressLines((line) => ctx.out.info(line));
  const outcome = await applyRun(
    s,
    request,
    runPorts(ctx, s),
    {
      ...commonEvents(ctx),
      planned: (plan, problems, notes) => {
        for (const line of [...planText(plan, problems), ...approvalText(s.env, environmentApproval(s.env, plan))]) ctx.out.info(line);
        for (const note of notes) ctx.out.info(`note: ${note}`);
        if (problems.length === 0) ctx.out.output('pending', String(plan.changes.length));
      },
      changeStarted: (c) => {
        group = ctx.out.group(`${c.id} (${c.ticket})`);
        ctx.out.info(`${c.id}: ${c.resumeFrom > 1 ? `resuming at statement ${c.resumeFrom}` : 'starting'} (${c.ticket}, ${c.statements.length} statement(s))`);
      },
      changeFinished: () => group?.end(),
      statementStarted: (c, n, total, ms) => progress.started(c, n, total, ms),
      statementRetry: (c, n, attempt, err) => ctx.out.warn(`${c.id}: statement ${n} hit a lock wait timeout (${err}); retry ${attempt} of ${s.env.lock_retries}`),
      verified: (c, v, actual, ok) => ctx.out.info(`${c.id}: verify "${v.name}" ${ok ? 'ok' : 'FAILED'} (expected ${JSON.stringify(v.expect)}, got ${JSON.stringify(actual ?? null)})`),
      onlineProgress: (c, n, line) => ctx.out.info(`${c.id}: statement ${n}: ${line}`),
      onlineFinished: (c, n, table, copy, swap) =>
        ctx.out.info(`${c.id}: statement ${n}: ${table} altered online: copied in ${copy.toFixed(1)} s${swap === null ? '' : `, tables swapped in ${swap.toFixed(1)} s`}`),
      onlineSettled: (_id, _n, text) => ctx.out.info(text),
      backfillProgress: (c, n, line) => ctx.out.info(`${c.id}: statement ${n}: ${line}`),
      backfillPaused: (c, n, reason) => ctx.out.info(`${c.id}: statement ${n}: ${reason}`),
      waitingForOnline: (id, n, ids) => ctx.out.info(`${id}: statement ${n} from an interrupted run is still being applied online (the tool's sessions ${ids.join(', ')} are on the server); waiting for them to end`),
      waitingForInFlight: (id, n, p) => ctx.out.info(`${id}: statement ${n} from an interrupted run is still executing (${p.seconds ?? '?'} s); waiting for it to end`),
      reported: (report, approvals, runUrl) => finish(ctx, report, approvals, runUrl, pr),
    },
  );
  if (outcome.kind !== 'applied') {
    ctx.out.setDocument(applyJson(outcome.report));
    ctx.out.output('applied', '0');
    if (outcome.kind === 'dry-run') ctx.out.info('dry run: nothing was executed');
  }
  return 0;
}

function finish(ctx: CommandContext, report: ApplyReport, approvals: Approvals | null, runUrl: string | null, pr: number | null): void {
  for (const line of reportText(report, pr)) ctx.out.info(line);
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
