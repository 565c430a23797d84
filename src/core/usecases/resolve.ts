// `resolve`: a person's decision about a statement whose outcome is unknown, recorded under the run
// lock with who decided.
import { reconcileInterrupted, resolveInDoubt } from '../apply.js';
import type { HistoryRecord } from '../types.js';
import { lockedApplyContext } from './apply-run.js';
import type { Scope } from './gates.js';
import type { RunEvents, RunPorts } from './ports.js';

/** Records that statement `statement` of `changeId` was (or was not) applied; resolves with the row and who decided. */
export async function resolveRun(
  s: Scope,
  changeId: string,
  statement: number,
  applied: boolean,
  ports: RunPorts,
  events: RunEvents,
): Promise<{ record: HistoryRecord; decidedBy: string }> {
  const target = await ports.lock(s.env, s.env.lock_timeout);
  try {
    const op = await ports.operator(null);
    // What `status` calls in-doubt (a `running` row whose connection is gone) is settled here with
    // apply's own checks, under the same lock; a statement still running is refused without waiting.
    const loaded = s.byId.get(changeId);
    if (loaded) {
      const settle = lockedApplyContext(target, s, op, { inFlightWaitMs: 0, pollMs: 0, events });
      await reconcileInterrupted(new Map([[loaded.id, loaded]]), target.history.filter((r) => r.changeId === loaded.id), s.env.name, settle);
    }
    const record = await resolveInDoubt(target.session, changeId, s.env.name, statement, applied, op.user, ports.now());
    return { record, decidedBy: op.user };
  } finally {
    await target.close();
  }
}
