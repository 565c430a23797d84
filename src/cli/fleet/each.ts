// A read-only command over every target of a fleet (`parallel` at a time): each target runs the
// single-target work on an output of its own, and a target that fails to answer is one failed
// entry, never the end of the command.
import { mapLimited } from '../../core/fleet/run.js';
import type { CommandContext } from '../context.js';
import { describeFailure } from '../failure.js';
import type { Scope } from '../flow.js';
import { fleetMembers } from './members.js';
import type { OutcomeLike } from './render.js';

/** What the work on one target found: its result word, its document, and why it is odd. */
export interface TargetFinding {
  result: string;
  detail: object;
  error?: { code: string; message: string };
}

/** Runs `work` on each selected target of the fleet; one outcome per target, in fleet order. */
export async function eachTarget(
  ctx: CommandContext,
  s: Scope,
  names: string[],
  work: (child: CommandContext, target: Scope) => Promise<TargetFinding>,
): Promise<OutcomeLike[]> {
  const members = await fleetMembers(ctx, s, { names });
  return mapLimited(members, s.env.fleet!.parallel, async (m): Promise<OutcomeLike> => {
    if (!m.env) return { target: m.name, result: 'failed', durationMs: 0, error: { code: m.error!.code, message: m.error!.message } };
    const started = Date.now();
    const child: CommandContext = { ...ctx, out: ctx.out.silent() };
    try {
      const found = await work(child, { ...s, env: m.env });
      return { target: m.name, result: found.result, durationMs: Date.now() - started, detail: found.detail, ...(found.error ? { error: found.error } : {}) };
    } catch (err) {
      const f = describeFailure(err);
      if (!f) throw err;
      return { target: m.name, result: 'failed', durationMs: Date.now() - started, error: { code: f.code, message: f.message } };
    }
  });
}
