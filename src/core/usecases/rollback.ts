// `rollback`: runs a change's rollback files, explicitly only, under apply's rules (lock,
// per-statement history, protection policy, approval), then marks the change rolled-back so that
// apply never runs it again silently. The rollback's own progress is a history row of its own.
import { applyPlan, reconcileInterrupted } from '../apply.js';
import { combinedChecksum } from '../checksum.js';
import { ApplyError, RefusedError, UsageError } from '../errors.js';
import { approvalGate, type RunnerFacts } from '../guards.js';
import { planEnvironment } from '../plan.js';
import type { ApplyReport } from '../plan-types.js';
import { StatementError, type TargetSession } from '../ports.js';
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
        // A restored change's note says what undid it and what runs it again.
        const why = main?.status === 'restored' && main.error ? ` (${main.error})` : '';
        throw new RefusedError(`refused: ${changeId} is ${main?.status ?? 'not applied'} in ${s.env.name}${why}; only an applied or failed change can be rolled back`);
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
      let report: ApplyReport;
      try {
        report = await applyPlan(plan, new Map([[undo.id, undo]]), history, applyCtx);
      } catch (err) {
        throw await rollbackFailure(err, main, undo, s.env.name, target.session);
      }
      await markRolledBack(main, op.user, ports.now(), target.session);
      return report;
    });
  } finally {
    await target.close();
  }
}

// The loop's advice after a failed statement is an apply's (edit this change, run apply again); a
// rollback's is to edit its rollback file and run rollback again, which resumes where it stopped.
async function rollbackFailure(err: unknown, main: HistoryRecord, undo: Change, env: string, session: TargetSession): Promise<unknown> {
  if (!(err instanceof ApplyError) || err.statement === undefined) return err;
  const k = err.statement;
  const total = undo.statements.length;
  const stmt = undo.statements[k - 1]!;
  const again = `changegate rollback ${main.changeId} --env ${env}`;
  const cause = (err as { cause?: unknown }).cause;
  let message: string;
  if (cause instanceof StatementError && cause.connectionLost) {
    message =
      `${main.changeId}: the connection was lost while rollback statement ${k} (${stmt.file}:${stmt.line}) was in flight: ${cause.message}. ` +
      `Run ${again} again: it checks whether the statement is still running and stops for a decision if its outcome is unknown`;
  } else {
    const what = cause instanceof Error ? cause.message : String(cause);
    // The record says how many statements stayed applied (a failed DML batch undoes its own); when
    // it cannot be read, the failure itself is the news, so it is not hidden behind that.
    const own = await session.history.load().then((h) => h.find((r) => r.changeId === undo.id), () => undefined);
    const applied = own?.statementsApplied ?? k - 1;
    const done =
      applied === 0 ? 'No rollback statement is applied'
      : applied === 1 ? 'Rollback statement 1 is applied and recorded; nothing after it ran'
      : `Rollback statements 1-${applied} are applied and recorded; nothing after them ran`;
    const keep = applied === 0 ? '' : applied === 1 ? ' (statement 1 must stay as it is)' : ` (statements 1-${applied} must stay as they are)`;
    message =
      `${main.changeId}: rollback statement ${k} of ${total} failed at ${stmt.file}:${stmt.line}: ${what.replace(/\.$/, '')}. ` +
      `${done}, and ${main.changeId} is still recorded ${main.status}. ` +
      `To go on, edit statement ${k} of ${stmt.file}${keep}, then run ${again} again: it resumes at statement ${applied + 1}`;
  }
  const out = new ApplyError(message, main.changeId, stmt.file, stmt.line, k, { cause: err });
  (out as { report?: unknown }).report = (err as { report?: unknown }).report;
  return out;
}

async function markRolledBack(main: HistoryRecord, user: string, now: Date, session: TargetSession): Promise<void> {
  main.status = 'rolled-back';
  main.finishedAt = now;
  main.error = `rolled back by ${user}`;
  await session.history.put(main);
  await session.commit();
}
