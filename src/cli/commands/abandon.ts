// `changegate abandon --pull-request N --env E`: the flags, the core's abandonRun, and what it says.
import { UsageError } from '../../core/errors.js';
import { abandonRun, type AbandonedChange } from '../../core/usecases/abandon.js';
import type { CommandContext } from '../context.js';
import { scope } from '../flow.js';
import { fleetOptions } from '../fleet/options.js';
import { commonEvents, runPorts } from '../run-ports.js';

/** Rolls back and records; 0 when every change of the pull request was undone (or there was none), 1 when one needs a person. */
export default async function abandon(ctx: CommandContext, opts: { env: string; pullRequest: string; target?: string[] }): Promise<number> {
  const s = scope(ctx, opts.env);
  if (!/^[1-9][0-9]{0,9}$/.test(opts.pullRequest)) throw new UsageError(`--pull-request must be a pull request number, not "${opts.pullRequest}"`);
  const pr = Number(opts.pullRequest);
  if (!s.env.pull_requests) {
    throw new UsageError(
      `abandon: ${s.env.name} does not accept pull requests (${s.config.file}:${s.env.line}: environments.${s.env.name}.pull_requests is not true), so it holds no provisional change`,
    );
  }
  const fleet = fleetOptions(s, opts);
  if (fleet) return (await import('../fleet/abandon.js')).abandonFleet(ctx, s, fleet.names, pr);
  const document = (rows: AbandonedChange[]) => ({ environment: s.env.name, pull_request: pr, changes: rows });
  let rows: AbandonedChange[];
  try {
    rows = await abandonRun(s, pr, runPorts(ctx, s), {
      ...commonEvents(ctx),
      statementStarted: (c, n, total) => ctx.out.info(`${c.id}: rollback statement ${n}/${total}`),
    });
  } catch (err) {
    const partial = (err as { abandoned?: AbandonedChange[] }).abandoned;
    if (partial) ctx.out.setDocument(document(partial));
    throw err;
  }
  ctx.out.setDocument(document(rows));
  ctx.out.info(rows.length === 0
    ? `pull request #${pr} has no provisional change in ${s.env.name}; nothing to abandon`
    : `pull request #${pr}: ${rows.length} change(s) rolled back and recorded abandoned in ${s.env.name}`);
  return 0;
}
