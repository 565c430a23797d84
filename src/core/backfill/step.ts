// The apply loop's side of a batched statement: its plan, the context the walk runs in, and what a
// stopped walk's message says it kept.
import type { ApplyContext } from '../apply.js';
import type { PlannedChange } from '../plan-types.js';
import type { HistoryRecord } from '../types.js';
import { thousands } from '../numbers.js';
import type { BatchPlan } from './plan.js';
import type { BackfillContext } from './run.js';

/** The plan's batch plan of statement k; a marked statement the plan has not read cannot run unbatched. */
export function batchPlanOf(planned: PlannedChange, k: number): BatchPlan | null {
  const s = planned.statements[k - 1];
  if (!s?.marker) return null;
  if (!s.batch) throw new Error(`${planned.id}: statement ${k} is marked -- changegate:batch, but the plan has not read the table it walks`);
  return s.batch;
}

/** What a run's batched statement needs from the loop's context. */
export function backfillContext(ctx: ApplyContext): BackfillContext {
  return {
    session: ctx.session,
    ...(ctx.throttle ? { throttle: ctx.throttle } : {}),
    ...(ctx.events ? { events: ctx.events } : {}),
    ...(ctx.beforeStatement ? { beforeBatch: ctx.beforeStatement } : {}),
    sleep: ctx.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms))),
    clock: ctx.batchClock ?? Date.now,
    lockRetries: ctx.lockRetries,
  };
}

/** `120,000 rows in 120 batches are committed and recorded. ` for a batched statement that stopped. */
export function committedBatches(rec: HistoryRecord, k: number): string {
  const b = rec.backfill;
  if (!b || b.statement !== k || b.batches === 0) return '';
  return `${thousands(b.rowsDone)} rows in ${thousands(b.batches)} batches are committed and recorded. `;
}

