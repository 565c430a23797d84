// How a failed statement is recorded and what its message advises: shared by the loop and by the
// steps of statements that run in steps (online, batched).
import type { ApplyContext } from './apply.js';
import type { HistoryRecord } from './types.js';

/** What the user can do after statement k of `total` failed with statements 1..applied durable. */
export function goOn(total: number, applied: number): string {
  const done =
    applied === 0 ? 'No statement of this change is applied'
    : applied === 1 ? 'Statement 1 is applied and recorded; nothing after it ran'
    : `Statements 1-${applied} are applied and recorded; nothing after them ran`;
  const rest = applied + 1 === total ? `statement ${total}` : `statements ${applied + 1}-${total}`;
  return `${done}. To go on, fix forward with a new change, or edit ${rest} of this change` +
    `${applied === 0 ? '' : ' (applied ones must stay as they are)'} and run apply again`;
}

/** Records the change failed at `statement` (null: at its verify) with its error, and commits. */
export async function recordFailure(rec: HistoryRecord, statement: number | null, error: string, t0: number, ctx: Pick<ApplyContext, 'session' | 'now'>): Promise<void> {
  rec.status = 'failed';
  rec.inFlight = null;
  rec.failedStatement = statement;
  rec.error = error;
  rec.connectionId = ctx.session.connectionId;
  rec.finishedAt = (ctx.now ?? (() => new Date()))();
  rec.durationMs = Date.now() - t0;
  await ctx.session.history.put(rec);
  await ctx.session.commit();
}

