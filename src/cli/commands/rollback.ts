// `changegate rollback <change> --env E`: runs the change's rollback files, explicitly only, under
// the same rules as apply (lock, per-statement history, snapshot policy, approval), then marks the
// change rolled-back so apply never re-runs it silently.
import { applyPlan, reconcileInterrupted, type ApplyContext } from '../../core/apply.js';
import { combinedChecksum } from '../../core/checksum.js';
import { RefusedError, UsageError } from '../../core/errors.js';
import { approvalGate } from '../../core/guards.js';
import { planEnvironment } from '../../core/plan.js';
import type { Change, HistoryRecord } from '../../core/types.js';
import type { TargetSession } from '../../core/ports.js';
import type { CommandContext } from '../context.js';
import { lockedApplyContext, lockTarget, operator, refuseProblems, scope } from '../flow.js';
import { planText, reportText } from '../render.js';
import { protectRun } from '../backup-step.js';
import { applyJson } from './apply.js';

/** The id under which a rollback's own progress is recorded. */
export function rollbackId(changeId: string): string {
  return `${changeId}:rollback`;
}

/** Runs the rollback and records both rows. */
export default async function rollback(ctx: CommandContext, changeId: string, opts: { env: string; approvedBy?: string }): Promise<number> {
  const s = scope(ctx, opts.env);
  const change = s.byId.get(changeId);
  if (!change) throw new UsageError(`no change ${changeId} in changes/`);
  if (change.rollback.length === 0) throw new UsageError(`${changeId} has no rollback files (rollback: in ${change.file})`);
  const approver = approvalGate(s.env, { inActions: ctx.env.GITHUB_ACTIONS === 'true', deploymentEnvironment: ctx.env.CHANGEGATE_ENVIRONMENT, approvedBy: opts.approvedBy });
  const t = await lockTarget(ctx, s);
  try {
    const main = t.history.find((r) => r.changeId === changeId);
    if (!main || (main.status !== 'applied' && main.status !== 'failed')) {
      throw new RefusedError(`refused: ${changeId} is ${main?.status ?? 'not applied'} in ${s.env.name}; only an applied or failed change can be rolled back`);
    }
    const fileChecksums = Object.fromEntries(change.rollback.map((f) => [f.path, f.checksum]));
    const undo: Change = {
      ...change,
      id: rollbackId(changeId),
      apply: change.rollback,
      statements: change.rollbackStatements,
      rollback: [],
      rollbackStatements: [],
      verify: [],
      depends_on: [],
      environments: undefined,
      fileChecksums,
      checksum: combinedChecksum(Object.entries(fileChecksums).map(([name, checksum]) => ({ name, checksum }))),
    };
    const op = await operator(ctx, approver);
    const applyCtx: ApplyContext = lockedApplyContext(t, s, op, {
      inFlightWaitMs: 0,
      pollMs: 1000,
      events: { statementStarted: (c, n, total, ms) => ctx.out.info(`${c.id}: ${n}/${total} ${(ms / 1000).toFixed(1)} s`) },
    });
    // An earlier rollback that died mid-statement is settled first, as apply does.
    const own = t.history.filter((r) => r.changeId === undo.id);
    const history = await reconcileInterrupted(new Map([[undo.id, undo]]), own, s.env.name, applyCtx);
    const { plan, problems } = planEnvironment([undo], history.filter((r) => r.changeId === undo.id), s.env);
    for (const line of planText(plan, problems)) ctx.out.info(line);
    refuseProblems(s.env.name, problems);
    if (plan.changes.length === 0) {
      // The rollback ran but its run stopped before marking the change: finish that record now.
      await markRolledBack(main, op.user, ctx.now(), t.open.target.session);
      ctx.out.info(`${changeId}: its rollback had already run in ${s.env.name}; the change is now recorded as rolled back`);
      return 0;
    }
    await protectRun(ctx, s, t.open, plan, t.history, applyCtx);
    const report = await applyPlan(plan, new Map([[undo.id, undo]]), history, applyCtx);
    await markRolledBack(main, op.user, ctx.now(), t.open.target.session);
    for (const line of reportText(report)) ctx.out.info(line);
    ctx.out.info(`${changeId} is rolled back in ${s.env.name}; apply will not run it again (put new work in a new change)`);
    ctx.out.setDocument(applyJson(report));
    return 0;
  } finally {
    await t.close();
  }
}

async function markRolledBack(main: HistoryRecord, user: string, now: Date, session: TargetSession): Promise<void> {
  main.status = 'rolled-back';
  main.finishedAt = now;
  main.error = `rolled back by ${user}`;
  await session.history.put(main);
  await session.commit();
}
