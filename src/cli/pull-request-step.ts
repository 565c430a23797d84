// The pull-request lifecycle's side effects inside `apply`, under the run lock and before the plan
// runs: provisional changes merged unchanged are adopted, changed ones are rolled back from their
// recorded statements (newest first) so that their new version applies afresh.
import type { ApplyContext } from '../core/apply.js';
import type { LifecycleView } from '../core/provisional.js';
import { undoChange, undoProvisional } from '../core/undo.js';
import type { HistoryRecord } from '../core/types.js';
import { UsageError } from '../core/errors.js';
import type { CommandContext } from './context.js';
import type { Scope } from './flow.js';

/** Adopts and undoes what `view` says, printing each step; a dry run only says what it would do. */
export async function settleProvisional(
  ctx: CommandContext,
  s: Scope,
  view: LifecycleView,
  history: HistoryRecord[],
  applyCtx: ApplyContext,
  dryRun: boolean,
): Promise<void> {
  const env = s.env.name;
  for (const rec of view.adopt) {
    const mark = rec.pullRequest!;
    const merge = applyCtx.operator.gitCommit;
    ctx.out.info(
      `${rec.changeId}: provisional in ${env} from pull request #${mark.number} with the same files; ` +
        `${dryRun ? 'would count' : 'counts'} as applied now${merge ? ` (merge commit ${merge.slice(0, 12)})` : ''}, nothing re-runs`,
    );
    if (dryRun) continue;
    rec.status = 'applied';
    rec.pullRequest = { ...mark, mergeCommit: merge };
    await applyCtx.session.history.put(rec);
    await applyCtx.session.commit();
  }
  for (const rec of view.undo) {
    const mark = rec.pullRequest!;
    const n = undoChange(rec)!.statements.length;
    const present = s.byId.has(rec.changeId);
    ctx.out.info(
      `${rec.changeId}: ${present ? 'its files changed since' : 'no longer in the branch since'} pull request #${mark.number} applied it in ${env}` +
        `${mark.headCommit ? ` (commit ${mark.headCommit.slice(0, 12)})` : ''}; ` +
        `${dryRun ? 'would roll' : 'rolling'} that version back with its ${n} recorded rollback statement(s)${present ? ', then applying the new version' : ''}`,
    );
    if (dryRun) continue;
    await undoProvisional(rec, history, s.env, applyCtx, 'rolled-back');
    ctx.out.info(`${rec.changeId}: the version from pull request #${mark.number} is rolled back in ${env}`);
  }
}

/** `--pull-request N`: a positive number, and only where the environment says pull_requests: true (else exit 2). */
export function pullRequestOption(s: Scope, value: string | undefined): number | null {
  if (value === undefined) return null;
  if (!/^[1-9][0-9]{0,9}$/.test(value)) throw new UsageError(`--pull-request must be a pull request number, not "${value}"`);
  if (!s.env.pull_requests) {
    throw new UsageError(
      `--pull-request: ${s.env.name} does not accept pull requests (${s.config.file}:${s.env.line}: environments.${s.env.name}.pull_requests is not true); ` +
        'unmerged changes are applied only where pull_requests: true (QA), never PROD',
    );
  }
  return Number(value);
}
