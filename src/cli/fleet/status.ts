// `status --env E` over a fleet: each target's status read `parallel` at a time, then the count
// per state and a line for each target that is not up to date or pending (failed, in-doubt,
// drifted, running, unreachable).
import { stateReason, targetState } from '../../core/fleet/status.js';
import type { CommandContext } from '../context.js';
import type { Scope } from '../flow.js';
import { readStatus } from '../target-reads.js';
import { eachTarget } from './each.js';
import { windowNow } from '../../core/usecases/window-gate.js';
import { fleetDocument, fleetMarkdown, fleetText } from './render.js';

// States a reader need not look at one by one: the counts say enough.
const ROUTINE = new Set(['up-to-date', 'pending']);

/** Prints the fleet's status; 1 when any target is failed, in-doubt, drifted or could not be read. */
export async function statusFleet(ctx: CommandContext, s: Scope, names: string[]): Promise<number> {
  const outcomes = await eachTarget(ctx, s, names, async (child, t) => {
    const { rows, backups } = await readStatus(child, t);
    const state = targetState(rows);
    const why = stateReason(state);
    return {
      result: state.state,
      detail: { changes: rows, ...(backups.length ? { backups } : {}) },
      ...(why && !ROUTINE.has(state.state) ? { error: { code: state.state, message: why } } : {}),
    };
  });
  const doc = fleetDocument(s.env.name, null, outcomes);
  const window = await windowNow(s.env, ctx.now());
  ctx.out.setDocument({ ...doc, window: window.json });
  ctx.out.info(`status of ${s.env.name}:`);
  for (const line of fleetText(doc, ROUTINE)) ctx.out.info(line);
  if (window.line) ctx.out.info(window.line);
  ctx.out.summary(() => fleetMarkdown('status', doc, ROUTINE));
  return doc.targets.some((t) => !ROUTINE.has(t.result) && t.result !== 'running') ? 1 : 0;
}
