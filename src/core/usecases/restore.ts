// `restore`: puts back the tables (and dropped objects) that a change's `snapshot_method: tables`
// backup holds, under apply's guards (protected targets, version floor, approval, the run lock).
// Later changes that touched the same tables stop it unless forced, and a forced restore says what
// it undoes.
import { touchedNames } from '../backup/targets.js';
import type { Backup, RestoreResult } from '../backup/types.js';
import { RefusedError, UsageError } from '../errors.js';
import { approvalGate, type RunnerFacts } from '../guards.js';
import type { Change, HistoryRecord } from '../types.js';
import { undoId } from '../undo.js';
import { requireApproval, type Scope } from './gates.js';
import type { RunEvents, RunPorts } from './ports.js';
import { watched } from './liveness.js';
import { backupSettings, snapshotMethod } from '../manifest/backup-fields.js';

/** A change that ran after the backup was taken and touched what it holds. */
export interface LaterTouch {
  id: string;
  when: string;
  tables: string[];
}

/** What a restore did, for its report. */
export interface RestoreOutcome {
  backup: Backup;
  result: RestoreResult;
  restoredAt: Date;
  forcedOver: LaterTouch[];
}

/** Restores the backup recorded for `changeId` and records it in the history. */
export async function restoreRun(
  s: Scope,
  changeId: string,
  req: { runner: RunnerFacts; force: boolean },
  ports: RunPorts,
  events: RunEvents,
): Promise<RestoreOutcome> {
  if (snapshotMethod(s.env) !== 'tables') {
    throw new UsageError(
      `restore puts back a snapshot_method: tables backup, and ${s.env.name} takes ${snapshotMethod(s.env)} snapshots: ` +
        'restore one with the aws rds command printed when it was taken (it is in the run\'s log and job summary)',
    );
  }
  const known = approvalGate(s.env, req.runner);
  const { schema: backupSchema } = backupSettings(s.env);
  const target = await ports.lock(s.env, s.env.lock_timeout);
  try {
    return await watched(target, s.env, events, async (check, events) => {
      const rec = target.history.find((r) => r.changeId === changeId);
      if (!rec) throw new RefusedError(`refused: ${changeId} has no history in ${s.env.name}; there is no backup of it to restore`);
      if (rec.status === 'restored') {
        throw new RefusedError(`refused: ${changeId} is already restored in ${s.env.name} (${rec.error ?? rec.snapshotId}); apply it again before restoring it again`);
      }
      if (rec.status === 'running') {
        throw new RefusedError(`refused: ${changeId} is running in ${s.env.name}; run apply first (it settles an interrupted run), then restore`);
      }
      if (!rec.snapshotId) {
        throw new RefusedError(`refused: ${changeId} ran in ${s.env.name} without a backup (no snapshot is recorded for it); there is nothing to restore`);
      }
      const backup = (await target.protection.listBackups(backupSchema, s.env.name)).find((b) => b.id === rec.snapshotId);
      if (!backup) {
        throw new RefusedError(`refused: the backup recorded for ${changeId} in ${s.env.name} (${rec.snapshotId}) is not in ${backupSchema}; nothing was changed`);
      }
      const { approver } = await requireApproval(s.env, req.runner, ports.approvals, known);
      const later = laterTouches(backup, rec, target.history, s.byId, target.schema);
      if (later.length > 0 && !req.force) {
        throw new RefusedError(
          `refused: ${later.map((l) => `${l.id} (${l.when}) touched ${l.tables.join(', ')}`).join('; ')} after the backup of ${changeId} was taken; ` +
            `restoring would undo ${later.length === 1 ? 'it' : 'them'} too. Deal with ${later.length === 1 ? 'that change' : 'those changes'} first, or pass --force to restore anyway (recorded in the history)`,
        );
      }
      const op = await ports.operator(approver);
      events.restoring?.(backup, later);
      const now = ports.now();
      const who = `${op.user}${approver ? ` (approved by ${approver})` : ''}`;
      const result = await target.protection.restoreBackup(backup, backupSchema, who, now);
      rec.status = 'restored';
      rec.statementsApplied = 0;
      rec.inFlight = null;
      rec.failedStatement = null;
      rec.finishedAt = now;
      rec.approver = approver ?? rec.approver;
      rec.error = `restored from ${backup.id} by ${who}` + (later.length ? ` with --force over ${later.map((l) => `${l.id} (${l.tables.join(', ')})`).join(', ')}` : '');
      await target.session.history.put(rec);
      await target.session.commit();
      return { backup, result, restoredAt: now, forcedOver: later };
    });
  } finally {
    await target.close();
  }
}

/** Changes (and rollbacks) that ran after the backup and touched a table or object it holds. */
export function laterTouches(backup: Pick<Backup, 'createdAt' | 'items'>, rec: HistoryRecord, history: HistoryRecord[], byId: Map<string, Change>, schema: string): LaterTouch[] {
  const held = new Map(backup.items.filter((i) => !i.onTable).map((i) => [`${i.sourceSchema.toLowerCase()}.${i.sourceName.toLowerCase()}`, i.sourceName]));
  const out: LaterTouch[] = [];
  for (const r of history) {
    if (r.changeId === rec.changeId || r.statementsApplied === 0 || r.startedAt.getTime() < backup.createdAt.getTime()) continue;
    const [base, suffix] = r.changeId.split(':');
    const change = byId.get(base!);
    // A pull request's rollback ran the statements recorded on the row it undid (while that row is still there).
    const undone = suffix?.startsWith('undo@') ? history.find((h) => h.changeId === base && undoId(h) === r.changeId) : undefined;
    const statements = suffix?.startsWith('undo@') ? (undone?.pullRequest?.rollback ?? null)
      : !change ? null : suffix === 'rollback' ? change.rollbackStatements : change.statements;
    const hit = new Set<string>();
    if (!statements) {
      hit.add('(its files are no longer in the repository)');
    } else {
      for (const st of statements.slice(0, r.statementsApplied)) {
        for (const n of touchedNames(st.sql)) {
          const name = held.get(`${(n.schema ?? schema).toLowerCase()}.${n.name.toLowerCase()}`);
          if (name) hit.add(name);
        }
      }
    }
    if (hit.size) out.push({ id: r.changeId, when: `${r.status} ${(r.finishedAt ?? r.startedAt).toISOString()}`, tables: [...hit] });
  }
  return out;
}
