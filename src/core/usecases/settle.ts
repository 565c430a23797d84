// The pull-request lifecycle's side effects inside a run, under the run lock and before the plan
// runs: provisional changes merged unchanged are adopted, changed ones are rolled back from their
// recorded statements (newest first, as the lifecycle view lists them) so their new version applies afresh.
import type { ApplyContext } from '../apply.js';
import type { LifecycleView } from '../provisional.js';
import type { Change, EnvironmentConfig, HistoryRecord } from '../types.js';
import { undoChange, undoProvisional } from '../undo.js';
import type { RunEvents } from './ports.js';

/** Adopts and undoes what `view` says, telling each step; a dry run only says what it would do. */
export async function settleProvisional(
  env: EnvironmentConfig,
  byId: Map<string, Change>,
  view: LifecycleView,
  history: HistoryRecord[],
  applyCtx: ApplyContext,
  dryRun: boolean,
  events: RunEvents,
): Promise<void> {
  for (const rec of view.adopt) {
    const mark = rec.pullRequest!;
    const merge = applyCtx.operator.gitCommit;
    events.info?.(
      `${rec.changeId}: provisional in ${env.name} from pull request #${mark.number} with the same files; ` +
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
    const present = byId.has(rec.changeId);
    events.info?.(
      `${rec.changeId}: ${present ? 'its files changed since' : 'no longer in the branch since'} pull request #${mark.number} applied it in ${env.name}` +
        `${mark.headCommit ? ` (commit ${mark.headCommit.slice(0, 12)})` : ''}; ` +
        `${dryRun ? 'would roll' : 'rolling'} that version back with its ${n} recorded rollback statement(s)${present ? ', then applying the new version' : ''}`,
    );
    if (dryRun) continue;
    await undoProvisional(rec, history, env, applyCtx, 'rolled-back');
    events.info?.(`${rec.changeId}: the version from pull request #${mark.number} is rolled back in ${env.name}`);
  }
}
