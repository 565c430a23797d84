// `changegate resolve <change> --env E --statement N --applied|--not-applied`: a person's decision
// about a statement whose outcome is unknown, recorded with who decided.
import { reconcileInterrupted, resolveInDoubt } from '../../core/apply.js';
import { UsageError } from '../../core/errors.js';
import type { CommandContext } from '../context.js';
import { lockedApplyContext, lockTarget, operator, scope } from '../flow.js';

/** Records the decision under the run lock. */
export default async function resolve(ctx: CommandContext, change: string, opts: { env: string; statement: string; applied?: boolean; notApplied?: boolean }): Promise<number> {
  if (opts.applied === opts.notApplied) throw new UsageError('resolve needs exactly one of --applied or --not-applied');
  const n = Number(opts.statement);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--statement must be a statement number (1, 2, ...), not "${opts.statement}"`);
  const s = scope(ctx, opts.env);
  const t = await lockTarget(ctx, s);
  try {
    const op = await operator(ctx, null);
    const who = op.user;
    // What `status` calls in-doubt (a `running` row whose connection is gone) is settled here with
    // apply's own checks, under the same lock; a statement still running is refused without waiting.
    const loaded = s.byId.get(change);
    if (loaded) {
      const settle = lockedApplyContext(t, s, op, { inFlightWaitMs: 0, pollMs: 0, events: {} });
      await reconcileInterrupted(new Map([[loaded.id, loaded]]), t.history.filter((r) => r.changeId === loaded.id), s.env.name, settle);
    }
    const rec = await resolveInDoubt(t.open.target.session, change, s.env.name, n, !!opts.applied, who, ctx.now());
    ctx.out.info(`${change}: statement ${n} recorded as ${opts.applied ? 'applied' : 'not applied'} by ${who}; apply resumes at statement ${rec.statementsApplied + 1}`);
    ctx.out.setDocument({ environment: s.env.name, change, statement: n, applied: !!opts.applied, resolved_by: who });
    return 0;
  } finally {
    await t.close();
  }
}
