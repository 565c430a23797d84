// Reading every target's history of a fleet environment, `parallel` at a time: for the promotion
// gate of an environment that comes after the fleet, and for status over the fleet.
import { fleetHistoryView } from '../../core/fleet/history.js';
import { mapLimited } from '../../core/fleet/run.js';
import type { HistoryRecord } from '../../core/types.js';
import type { CommandContext } from '../context.js';
import type { Scope } from '../../core/usecases/gates.js';
import { fleetMembers } from './members.js';

/** The fleet's history as a gate reads it: a change counts only where every target applied it; a target that cannot be read has applied nothing. */
export async function sharedHistory(ctx: CommandContext, s: Scope, readOne: (s: Scope) => Promise<HistoryRecord[]>): Promise<HistoryRecord[]> {
  const members = await fleetMembers(ctx, s);
  const histories = await mapLimited(members, s.env.fleet!.parallel, async (m) => (m.env ? readOne({ ...s, env: m.env }).catch(() => []) : []));
  return fleetHistoryView(histories);
}
