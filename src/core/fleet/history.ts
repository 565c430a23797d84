// The history of a fleet as another environment's promotion gate reads it: a change has succeeded in
// a fleet only where it succeeded on every target, so that PROD never runs what failed on one
// tenant of QA.
import { inPlace } from '../baseline.js';
import type { HistoryRecord } from '../types.js';

/**
 * One history standing for the histories of every target: per change, the record of a target where
 * it is not in place when there is one (so the gate names that status), else the first target's
 * record; a change missing from any target is left out (it has not run everywhere).
 */
export function fleetHistoryView(histories: HistoryRecord[][]): HistoryRecord[] {
  if (histories.length === 0) return [];
  const maps = histories.map((h) => new Map(h.map((r) => [r.changeId, r])));
  const out: HistoryRecord[] = [];
  for (const first of histories[0]!) {
    const records = maps.map((m) => m.get(first.changeId));
    if (records.some((r) => r === undefined)) continue;
    out.push(records.find((r) => !inPlace(r!.status)) ?? first);
  }
  return out;
}
