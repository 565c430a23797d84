// The one message a fleet run sends the team: at its end, with the count per result and the
// targets that did not apply. A sharded run is told by the job that merges its shards.
import type { Plan, PlannedChange } from '../../core/plan-types.js';
import type { Announcement } from '../../core/usecases/ports.js';
import type { FleetDocument } from './render.js';
import { oneLine } from './render.js';

// Results that count as not applied for the team.
const NOT_APPLIED = new Set(['failed', 'refused', 'in-doubt', 'not-run']);

/** The announcement of a fleet run: success when every target applied or had nothing pending, else failure naming the others. */
export function fleetAnnouncement(doc: FleetDocument, changes: Pick<PlannedChange, 'id' | 'ticket' | 'title'>[], runUrl: string | null): Announcement {
  const odd = doc.targets.filter((t) => NOT_APPLIED.has(t.result));
  // Only the ids, tickets and titles of the changes are told; a plan's other fields stay empty.
  const plan = { environment: doc.environment, snapshot: { required: false, reason: '' }, changes: changes.map((c) => ({ ...c, statements: [] })), applied: [] } as unknown as Plan;
  return {
    phase: odd.length > 0 ? 'failure' : 'success',
    environment: doc.environment,
    plan,
    approver: null,
    runUrl,
    fleet: { targets: doc.targets.length, counts: doc.summary, odd: odd.map((t) => `${t.target}: ${t.result}${t.error ? ` (${oneLine(t.error.message)})` : ''}`) },
    ...(odd.length > 0 ? { error: `${odd.length} of ${doc.targets.length} targets did not apply` } : {}),
  };
}

/** The changes a fleet document names, each once, in the order first seen. */
export function changesOf(doc: FleetDocument): Pick<PlannedChange, 'id' | 'ticket' | 'title'>[] {
  const seen = new Map<string, Pick<PlannedChange, 'id' | 'ticket' | 'title'>>();
  for (const t of doc.targets) {
    for (const c of (t['changes'] as { id?: unknown; ticket?: unknown; title?: unknown }[] | undefined) ?? []) {
      if (typeof c.id === 'string' && !seen.has(c.id)) seen.set(c.id, { id: c.id, ticket: String(c.ticket ?? ''), title: String(c.title ?? '') });
    }
  }
  return [...seen.values()];
}
