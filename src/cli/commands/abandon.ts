// `changegate abandon --pull-request N --env E`: a pull request closed unmerged; its provisional
// changes are rolled back from the statements their history rows recorded (the branch that had them
// may be gone) and recorded `abandoned`, so that they never block another run.
import { reconcileInterrupted, type ApplyContext } from '../../core/apply.js';
import { RefusedError, UsageError } from '../../core/errors.js';
import { newestFirst } from '../../core/provisional.js';
import { undoChange, undoProvisional, markUndone } from '../../core/undo.js';
import type { CommandContext } from '../context.js';
import { lockedApplyContext, lockTarget, operator, scope } from '../flow.js';

/** Rolls back and records; 0 when every change of the pull request was undone (or there was none), 1 when one needs a person. */
export default async function abandon(ctx: CommandContext, opts: { env: string; pullRequest: string }): Promise<number> {
  const s = scope(ctx, opts.env);
  if (!/^[1-9][0-9]{0,9}$/.test(opts.pullRequest)) throw new UsageError(`--pull-request must be a pull request number, not "${opts.pullRequest}"`);
  const pr = Number(opts.pullRequest);
  if (!s.env.pull_requests) {
    throw new UsageError(
      `abandon: ${s.env.name} does not accept pull requests (${s.config.file}:${s.env.line}: environments.${s.env.name}.pull_requests is not true), so it holds no provisional change`,
    );
  }
  const t = await lockTarget(ctx, s);
  try {
    const op = await operator(ctx, null);
    const applyCtx: ApplyContext = lockedApplyContext(t, s, op, {
      inFlightWaitMs: 0,
      pollMs: 1000,
      events: { statementStarted: (c, n, total) => ctx.out.info(`${c.id}: rollback statement ${n}/${total}`) },
    });
    const ours = (r: { pullRequest?: { number: number } | null; changeId: string }) => r.pullRequest?.number === pr && !r.changeId.includes(':');
    // An interrupted run of this pull request is settled first: its statement is waited for or in doubt.
    await reconcileInterrupted(new Map(), t.history.filter(ours), s.env.name, applyCtx);
    let history = await applyCtx.session.history.load();
    const open = newestFirst(history.filter((r) => ours(r) && r.status !== 'abandoned' && r.status !== 'rolled-back'));
    if (open.length === 0) {
      ctx.out.info(`pull request #${pr} has no provisional change in ${s.env.name}; nothing to abandon`);
      ctx.out.setDocument({ environment: s.env.name, pull_request: pr, changes: [] });
      return 0;
    }
    const rows: { id: string; result: 'rolled-back' | 'left'; objects: string[] }[] = [];
    const left: string[] = [];
    for (const rec of open) {
      const mark = rec.pullRequest!;
      const complete = rec.status === 'provisional';
      if (rec.statementsApplied === 0 && rec.status !== 'in-doubt') {
        await markUndone(rec, 'abandoned', `abandoned with pull request #${pr} by ${op.user}; none of its statements had run`, applyCtx);
        ctx.out.info(`${rec.changeId}: abandoned; none of its statements had run in ${s.env.name}`);
        rows.push({ id: rec.changeId, result: 'rolled-back', objects: [] });
        continue;
      }
      if (complete && undoChange(rec)) {
        ctx.out.info(`${rec.changeId}: rolling back with its ${undoChange(rec)!.statements.length} recorded rollback statement(s) (pull request #${pr})`);
        await undoProvisional(rec, history, s.env, applyCtx, 'abandoned');
        history = await applyCtx.session.history.load();
        ctx.out.info(`${rec.changeId}: rolled back and recorded abandoned in ${s.env.name}`);
        rows.push({ id: rec.changeId, result: 'rolled-back', objects: [] });
        continue;
      }
      // Recorded rollback statements undo a whole change: a partly applied one, or one without any,
      // is left to a person, with what it touched.
      const why = complete ? 'it has no rollback statements' : `${rec.status === 'in-doubt' ? 'it is in doubt' : `it is ${rec.status}`} with ${rec.statementsApplied} of ${rec.statementsTotal} statement(s) applied`;
      const objects = mark.objects.length > 0 ? mark.objects.join(', ') : 'unknown objects';
      await markUndone(rec, 'abandoned', `abandoned with pull request #${pr} by ${op.user} but not rolled back (${why}); clean up by hand: ${objects}`, applyCtx);
      left.push(`  ${rec.changeId}: ${why}; it touched ${objects}`);
      rows.push({ id: rec.changeId, result: 'left', objects: mark.objects });
    }
    ctx.out.setDocument({ environment: s.env.name, pull_request: pr, changes: rows });
    if (left.length > 0) {
      throw new RefusedError(
        `pull request #${pr}: ${left.length} change(s) recorded abandoned in ${s.env.name} but not rolled back; clean up what they left by hand:\n${left.join('\n')}`,
      );
    }
    ctx.out.info(`pull request #${pr}: ${rows.length} change(s) rolled back and recorded abandoned in ${s.env.name}`);
    return 0;
  } finally {
    await t.close();
  }
}
