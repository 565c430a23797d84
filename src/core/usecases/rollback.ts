// `rollback`: runs a change's rollback files, explicitly only, under apply's rules (lock,
// per-statement history, protection policy, approval), then marks the change rolled-back so that
// apply never runs it again silently. The rollback's own progress is a history row of its own.
import { applyPlan, reconcileInterrupted } from '../apply.js';
import { combinedChecksum } from '../checksum.js';
import { RefusedError, UsageError } from '../errors.js';
import { approvalGate, type RunnerFacts } from '../guards.js';
import { planEnvironment } from '../plan.js';
import type { ApplyReport } from '../plan-types.js';
import type { TargetSession } from '../ports.js';
import type { Change, HistoryRecord } from '../types.js';
import { lockedApplyContext } from './apply-run.js';
import { refuseProblems, type Scope } from './gates.js';
import type { RunEvents, RunPorts } from './ports.js';
import { watched } from './liveness.js';
import { protectRun } from './protect.js';

/** The id under which a rollback's own progress is recorded. */
export function rollbackId(changeId: string): string {
  return `${changeId}:rollback`;
}

/** The rollback files of `change` as a change the apply loop runs. */
export function rollbackChange(change: Change): Change {
  const fileChecksums = Object.fromEntries(change.rollback.map((f) => [f.path, f.checksum]));
  return {
    ...change,
    id: rollbackId(change.id),
    rollbackOf: change.id,
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
}

/**
 * Runs the rollback of `changeId` and records both rows. Resolves with the rollback's report, or
 * null when an earlier run had already run it all (the change is then only marked).
 */
export async function rollbackRun(s: Scope, changeId: string, runner: RunnerFacts, ports: RunPorts, events: RunEvents): Promise<ApplyReport | null> {
  const change = s.byId.get(changeId);
  if (!change) throw new UsageError(`no change ${changeId} in changes/`);
  if (change.rollback.length === 0) throw new UsageError(`${changeId} has no rollback files (rollback: in ${change.file})`);
  const approver = approvalGate(s.env, runner);
  const target = await ports.lock(s.env, s.env.lock_timeout);
  try {
    return await watched(target, s.env, events, async (check, events) => {
      const main = target.history.find((r) => r.changeId === changeId);
      if (!main || (main.status !== 'applied' && main.status !== 'failed')) {
        throw new RefusedError(`refused: ${changeId} is ${main?.status ?? 'not applied'} in ${s.env.name}; only an applied or failed change can be rolled back`);
      }
      const undo = rollbackChange(change);
      const op = await ports.operator(approver);
      const applyCtx = { ...lockedApplyContext(target, s, op, { inFlightWaitMs: 0, pollMs: 1000, events }), beforeStatement: check };
      // An earlier rollback that died mid-statement is settled first, as apply does.
      const own = target.history.filter((r) => r.changeId === undo.id);
      const history = await reconcileInterrupted(new Map([[undo.id, undo]]), own, s.env.name, applyCtx);
      const { plan, problems } = planEnvironment([undo], history.filter((r) => r.changeId === undo.id), s.env);
      events.planned?.(plan, problems, []);
      refuseProblems(s.env.name, problems);
      if (plan.changes.length === 0) {
        // The rollback ran but its run stopped before marking the change: finish that record now.
        await markRolledBack(main, op.user, ports.now(), target.session);
        events.info?.(`${changeId}: its rollback had already run in ${s.env.name}; the change is now recorded as rolled back`);
        return null;
      }
      await protectRun(s.env, target, plan, target.history, applyCtx, events, ports.now);
      const report = await applyPlan(plan, new Map([[undo.id, undo]]), history, applyCtx);
      await markRolledBack(main, op.user, ports.now(), target.session);
      return report;
    });
  } finally {
    await target.close();
  }
}

async function markRolledBack(main: HistoryRecord, user: string, now: Date, session: TargetSession): Promise<void> {
  main.status = 'rolled-back';
  main.finishedAt = now;
  main.error = `rolled back by ${user}`;
  await session.history.put(main);
  await session.commit();
}
