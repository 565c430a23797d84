// `changegate snapshot --env E`: the snapshot step alone; a no-op when the plan needs none.
import type { CommandContext } from '../context.js';
import { operator, planWithGates, readTarget, refuseProblems, scope } from '../flow.js';
import { snapshotStep } from '../backup-step.js';

/** Takes (or finds) the snapshot the plan requires. */
export default async function snapshot(ctx: CommandContext, opts: { env: string }): Promise<number> {
  const s = scope(ctx, opts.env);
  if (s.env.fleet) {
    // Over a fleet, apply takes one snapshot per server before the first destructive change there.
    ctx.out.info(`snapshot: ${s.env.name} has several targets; apply takes one snapshot per server, before the first destructive change there, shared by its schemas`);
    ctx.out.setDocument({ environment: s.env.name, snapshot: { required: false, reason: 'taken by apply, one per server, over a fleet' } });
    return 0;
  }
  const { open, history } = await readTarget(ctx, s);
  try {
    const { plan, problems } = await planWithGates(ctx, s, history);
    refuseProblems(s.env.name, problems);
    if (!plan.snapshot.required) {
      ctx.out.info(`snapshot: not required (${plan.snapshot.reason})`);
      ctx.out.setDocument({ environment: s.env.name, snapshot: { required: false, reason: plan.snapshot.reason } });
      return 0;
    }
    const id = await snapshotStep(ctx, s, open, plan, history, (await operator(ctx, null)).runUrl);
    ctx.out.setDocument({ environment: s.env.name, snapshot: { required: true, reason: plan.snapshot.reason, id } });
    return 0;
  } finally {
    await open.close();
  }
}
