// `changegate resolve <change> --env E --statement N --applied|--not-applied`: a person's decision
// about a statement whose outcome is unknown, recorded with who decided.
import { UsageError } from '../../core/errors.js';
import { resolveRun } from '../../core/usecases/resolve.js';
import type { CommandContext } from '../context.js';
import { scope } from '../flow.js';
import { oneTarget } from '../fleet/options.js';
import { commonEvents, runPorts } from '../run-ports.js';

/** Records the decision under the run lock. */
export default async function resolve(ctx: CommandContext, change: string, opts: { env: string; target?: string; statement: string; applied?: boolean; notApplied?: boolean }): Promise<number> {
  if (opts.applied === opts.notApplied) throw new UsageError('resolve needs exactly one of --applied or --not-applied');
  const n = Number(opts.statement);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--statement must be a statement number (1, 2, ...), not "${opts.statement}"`);
  const s = await oneTarget(ctx, scope(ctx, opts.env), opts.target, 'resolve');
  const { record, decidedBy } = await resolveRun(s, change, n, !!opts.applied, runPorts(ctx, s), commonEvents(ctx));
  ctx.out.info(`${change}: statement ${n} recorded as ${opts.applied ? 'applied' : 'not applied'} by ${decidedBy}; apply resumes at statement ${record.statementsApplied + 1}`);
  ctx.out.setDocument({ environment: s.env.name, change, statement: n, applied: !!opts.applied, resolved_by: decidedBy });
  return 0;
}
