// What a baseline record means to the rest of the core: a change whose schema was already in place
// when changegate arrived. History says `baseline` (not `applied`) so that nobody mistakes it for a
// run, but every gate that asks "is it in this environment" treats the two alike.
import { newRecord, type Operator } from './history-record.js';
import type { Change, HistoryRecord, HistoryStatus } from './types.js';

/** True for a status whose change's schema is in the environment: `applied`, or recorded by `baseline`. */
export function inPlace(status: HistoryStatus | undefined): boolean {
  return status === 'applied' || status === 'baseline';
}

/** The repository's baseline change, if it has one (validate refuses a second). */
export function baselineChange(changes: Change[]): Change | undefined {
  return changes.find((c) => c.baseline === true);
}

/** The history row `changegate baseline` writes: every statement counted as in place, none run. */
export function baselineRecord(change: Change, op: Operator, now: Date): HistoryRecord {
  const rec = newRecord(change, op, null, now);
  rec.status = 'baseline';
  rec.statementsApplied = change.statements.length;
  rec.inFlight = null;
  rec.finishedAt = now;
  rec.durationMs = 0;
  return rec;
}

/** The message apply stops with when an environment that already has a schema lacks the baseline record. */
export function missingBaselineMessage(env: string, changeId: string): string {
  return `refused: ${env} has no record of the baseline change ${changeId} and its schema is not empty; ` +
    `apply never runs a baseline over an existing schema: run changegate baseline --env ${env} first`;
}
