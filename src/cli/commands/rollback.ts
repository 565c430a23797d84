// `changegate rollback <change> --env E`: the flags, the core's rollbackRun, and what it says.
import { rollbackRun } from '../../core/usecases/rollback.js';
import type { CommandContext } from '../context.js';
import { runnerFacts, scope } from '../flow.js';
import { oneTarget } from '../fleet/options.js';
import { ProgressLines } from '../progress.js';
import { planText, reportText } from '../render.js';
import { commonEvents, runPorts } from '../run-ports.js';
import { applyJson } from '../json-shapes.js';

/** Runs the rollback and records both rows. */
export default async function rollback(ctx: CommandContext, changeId: string, opts: { env: string; target?: string; approvedBy?: string }): Promise<number> {
  const s = await oneTarget(ctx, scope(ctx, opts.env), opts.target, 'rollback');
  const progress = new ProgressLines((line) => ctx.out.info(line));
  const report = await rollbackRun(
    s,
    changeId,
    runnerFacts(ctx, opts.approvedBy),
    runPorts(ctx, s),
    {
      ...commonEvents(ctx),
      planned: (plan, problems) => {
        for (const line of planText(plan, problems)) ctx.out.info(line);
      },
      statementStarted: (c, n, total, ms) => progress.started(c, n, total, ms),
    },
  );
  if (!report) return 0;
  for (const line of reportText(report)) ctx.out.info(line);
  ctx.out.info(`${changeId} is rolled back in ${s.env.name}; apply will not run it again (put new work in a new change)`);
  ctx.out.setDocument(applyJson(report));
  return 0;
}
