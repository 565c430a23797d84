// `abandon`: a pull request closed unmerged. Its provisional changes are rolled back from the
// statements their history rows recorded (the branch that had them may be gone) and recorded
// `abandoned`, so that they never block another run. What cannot be rolled back whole is recorded
// too, and left to a person with what it touched.
import { reconcileInterrupted } from '../apply.js';
import { RefusedError } from '../errors.js';
import { newestFirst } from '../provisional.js';
import type { HistoryRecord } from '../types.js';
import { markUndone, undoChange, undoProvisional } from '../undo.js';
import { lockedApplyContext } from './apply-run.js';
import type { Scope } from './gates.js';
import type { RunEvents, RunPorts } from './ports.js';
import { watched } from './liveness.js';

/** What became of one provisional change of the pull request. */
export interface AbandonedChange {
  id: string;
  /** `rolled-back`: undone (or nothing of it had run); `left`: recorded abandoned, to clean up by hand. */
  result: 'rolled-back' | 'left';
  objects: string[];
}

/**
 * Rolls back and records every open provisional change of pull request `pr` in the environment,
 * newest first. Resolves with what became of each; rejects with a RefusedError listing the changes
 * left to a person (recorded abandoned all the same).
 */
export async function abandonRun(s: Scope, pr: number, ports: RunPorts, events: RunEvents): Promise<AbandonedChange[]> {
  const target = await ports.lock(s.env, s.env.lock_timeout);
  try {
    return await watched(target, s.env, events, async (check, events) => {
      const op = await ports.operator(null);
      const applyCtx = { ...lockedApplyContext(target, s, op, { inFlightWaitMs: 0, pollMs: 1000, events }), beforeStatement: check };
      const ours = (r: HistoryRecord) => r.pullRequest?.number === pr && !r.changeId.includes(':');
      // An interrupted run of this pull request is settled first: its statement is waited for or in doubt.
      await reconcileInterrupted(new Map(), target.history.filter(ours), s.env.name, applyCtx);
      let history = await applyCtx.session.history.load();
      const open = newestFirst(history.filter((r) => ours(r) && r.status !== 'abandoned' && r.status !== 'rolled-back'));
      const rows: AbandonedChange[] = [];
      const left: string[] = [];
      for (const rec of open) {
        const mark = rec.pullRequest!;
        const complete = rec.status === 'provisional';
        // In doubt with 0 applied: statement 1 may have run, so it is not "nothing ran".
        if (rec.statementsApplied === 0 && rec.status !== 'in-doubt') {
          await markUndone(rec, 'abandoned', `abandoned with pull request #${pr} by ${op.user}; none of its statements had run`, applyCtx);
          events.info?.(`${rec.changeId}: abandoned; none of its statements had run in ${s.env.name}`);
          rows.push({ id: rec.changeId, result: 'rolled-back', objects: [] });
          continue;
        }
        const undo = complete ? undoChange(rec) : null;
        if (undo) {
          events.info?.(`${rec.changeId}: rolling back with its ${undo.statements.length} recorded rollback statement(s) (pull request #${pr})`);
          await undoProvisional(rec, history, s.env, applyCtx, 'abandoned');
          history = await applyCtx.session.history.load();
          events.info?.(`${rec.changeId}: rolled back and recorded abandoned in ${s.env.name}`);
          rows.push({ id: rec.changeId, result: 'rolled-back', objects: [] });
          continue;
        }
        // Recorded rollback statements undo a whole change: a partly applied one, or one without any,
        // is left to a person, with what it touched.
        const why = complete ? 'it has no rollback statements' : `${rec.status === 'in-doubt' ? 'it is in doubt' : `it is ${rec.status}`} with ${rec.statementsApplied} of ${rec.statementsTotal} statement(s) applied`;
        const objects = mark.objects.length > 0 ? mark.objects.join(', ') : 'unknown objects';
        await markUndone(rec, 'abandoned', `abandoned with pull request #${pr} by ${op.user} but not rolled back (${why}); clean up by hand: ${objects}`, applyCtx);
        left.push(`  ${rec.changeId}: ${why}; it touched ${objects}`);
        rows.push({ id: rec.changeId, result: 'left', objects: mark.objects });
      }
      if (left.length > 0) {
        throw Object.assign(
          new RefusedError(`pull request #${pr}: ${left.length} change(s) recorded abandoned in ${s.env.name} but not rolled back; clean up what they left by hand:\n${left.join('\n')}`),
          { abandoned: rows },
        );
      }
      return rows;
    });
  } finally {
    await target.close();
  }
}
