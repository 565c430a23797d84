// One word for a target's state, from its status rows: what a fleet's counts are made of. The
// worst state wins, so that a target with one failed change among ten applied ones is counted as
// failed and named.
import type { StatusRow } from '../usecases/status.js';

/** A target's state in `status` over a fleet, worst first. */
export type TargetState = 'in-doubt' | 'failed' | 'drifted' | 'running' | 'pending' | 'up-to-date';

const WORST_FIRST: TargetState[] = ['in-doubt', 'failed', 'drifted', 'running', 'pending'];

/** The state of a target and the row that decides it (none when every change is in place). */
export function targetState(rows: StatusRow[]): { state: TargetState; row: StatusRow | null; count: number } {
  for (const state of WORST_FIRST) {
    const found = rows.filter((r) => r.status === state);
    if (found.length > 0) return { state, row: found[0]!, count: found.length };
  }
  return { state: 'up-to-date', row: null, count: 0 };
}

/** Why a target is in its state, in one line: `2026-12-01-x is failed, 1 of 3 statements applied (and 2 more)`. */
export function stateReason(s: { state: TargetState; row: StatusRow | null; count: number }): string | null {
  if (!s.row) return null;
  const more = s.count > 1 ? ` (and ${s.count - 1} more)` : '';
  return `${s.row.id} is ${s.state}, ${s.row.statements_applied} of ${s.row.statements_total} statements applied${more}`;
}
