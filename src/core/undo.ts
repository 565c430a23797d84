// Rolling back a provisional change from the rollback statements its history row recorded, with the
// apply loop's own exactly-once protocol: the rollback runs as a change of its own, under an id
// derived from the row it undoes, so a crash anywhere resumes it (or asks about an in-doubt
// statement) and a rollback that finished is never run again, even before the row is marked.
import { applyPlan, reconcileInterrupted, type ApplyContext } from './apply.js';
import { checksum, combinedChecksum } from './checksum.js';
import { RefusedError } from './errors.js';
import { planEnvironment } from './plan.js';
import type { Change, EnvironmentConfig, HistoryRecord } from './types.js';

/** The history id of the rollback of one applied version of a change (its start time tells versions apart). */
export function undoId(rec: HistoryRecord): string {
  return `${rec.changeId}:undo@${rec.startedAt.getTime().toString(36)}`;
}

/** The recorded rollback of `rec` as a change the apply loop can run; null when none was recorded. */
export function undoChange(rec: HistoryRecord): Change | null {
  const stmts = rec.pullRequest?.rollback;
  if (!stmts || stmts.length === 0) return null;
  const fileChecksums: Record<string, string> = {};
  for (const s of stmts) fileChecksums[`${s.file}:${s.line}`] = checksum(s.sql);
  return {
    id: undoId(rec),
    file: stmts[0]!.file,
    title: `rollback of ${rec.changeId}`,
    ticket: `pull request #${rec.pullRequest!.number}`,
    destructive: true,
    apply: [],
    rollback: [],
    verify: [],
    depends_on: [],
    lint: { ignore: [] },
    statements: stmts,
    rollbackStatements: [],
    fileChecksums,
    checksum: combinedChecksum(Object.entries(fileChecksums).map(([name, checksum]) => ({ name, checksum }))),
  };
}

/**
 * The rollbacks the history's provisional rows may have in progress, by their history id: what
 * `reconcileInterrupted` needs to tell a resumable interrupted rollback from an in-doubt one.
 */
export function undoChanges(history: HistoryRecord[]): Map<string, Change> {
  const out = new Map<string, Change>();
  for (const rec of history) {
    const undo = rec.pullRequest && !rec.changeId.includes(':') ? undoChange(rec) : null;
    if (undo) out.set(undo.id, undo);
  }
  return out;
}

/** How the undone row ends: `rolled-back` before a new version (amend, merge), `abandoned` when its pull request closed. */
export type UndoOutcome = 'rolled-back' | 'abandoned';

/**
 * Runs `rec`'s recorded rollback exactly once and marks `rec` with `outcome`. `history` is the whole
 * history as loaded under the run lock. Resolves with the number of statements that ran now (0 when
 * an earlier run had finished them). Rejects like apply: an ApplyError for a failed statement, a
 * RefusedError for an in-doubt one.
 */
export async function undoProvisional(
  rec: HistoryRecord,
  history: HistoryRecord[],
  env: EnvironmentConfig,
  ctx: ApplyContext,
  outcome: UndoOutcome,
): Promise<number> {
  const undo = undoChange(rec);
  if (!undo) throw new Error(`${rec.changeId} has no recorded rollback statements`);
  // The rollback is not itself provisional, and it is no change a backup or pre-check was planned for.
  const runCtx: ApplyContext = { ...ctx, pullRequest: undefined, backupChange: undefined, beforeChange: undefined };
  const changes = new Map([[undo.id, undo]]);
  let own = history.filter((r) => r.changeId === undo.id);
  let ran = 0;
  if (own[0]?.status !== 'applied') {
    own = await reconcileInterrupted(changes, own, env.name, runCtx);
    own = own.filter((r) => r.changeId === undo.id);
    const { plan, problems } = planEnvironment([undo], own, env);
    if (problems.length > 0) {
      throw new RefusedError(`refused: the rollback of ${rec.changeId} in ${env.name} cannot go on: ${problems.map((p) => p.message).join('; ')}`);
    }
    if (plan.changes.length > 0) {
      ran = undo.statements.length - plan.changes[0]!.resumeFrom + 1;
      await applyPlan(plan, changes, own, runCtx);
    }
  }
  await markUndone(rec, outcome, `rolled back from its ${undo.statements.length} recorded rollback statement(s) by ${ctx.operator.user}`, ctx);
  return ran;
}

/** Marks a provisional row as ended without running anything (`error` says why and what is left). */
export async function markUndone(rec: HistoryRecord, outcome: UndoOutcome, note: string, ctx: ApplyContext): Promise<void> {
  rec.status = outcome;
  rec.finishedAt = (ctx.now ?? (() => new Date()))();
  rec.error = note;
  await ctx.session.history.put(rec);
  await ctx.session.commit();
}
