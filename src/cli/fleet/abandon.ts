// `abandon --pull-request N --env E` over a fleet: the pull request's provisional changes rolled
// back on every target (`parallel` at a time), each under its own lock and history; a target that
// needs a person is named, the others go on.
import { abandonRun } from '../../core/usecases/abandon.js';
import type { CommandContext } from '../context.js';
import type { Scope } from '../flow.js';
import { commonEvents, runPorts } from '../run-ports.js';
import { eachTarget } from './each.js';
import { fleetDocument, fleetMarkdown, fleetText } from './render.js';

const DONE = new Set(['abandoned', 'nothing-to-abandon']);

/** Abandons the pull request on each target; 0 when every target is clean of it, 1 when one needs a person. */
export async function abandonFleet(ctx: CommandContext, s: Scope, names: string[], pr: number): Promise<number> {
  const outcomes = await eachTarget(ctx, s, names, async (child, t) => {
    try {
      const rows = await abandonRun(t, pr, runPorts(child, t), commonEvents(child));
      return { result: rows.length === 0 ? 'nothing-to-abandon' : 'abandoned', detail: { pull_request: pr, changes: rows } };
    } catch (err) {
      const partial = (err as { abandoned?: unknown[] }).abandoned;
      if (partial) Object.assign(err as object, { detail: { pull_request: pr, changes: partial } });
      throw err;
    }
  });
  const doc = fleetDocument(s.env.name, null, outcomes);
  ctx.out.setDocument({ ...doc, pull_request: pr });
  for (const line of fleetText(doc, DONE)) ctx.out.info(line);
  ctx.out.summary(() => fleetMarkdown(`abandon of pull request #${pr}`, doc, DONE));
  return doc.targets.every((t) => DONE.has(t.result)) ? 0 : 1;
}
