// `restore`: puts back the tables (and dropped objects) that a change's `snapshot_method: tables`
// backup holds, under apply's guards (protected targets, version floor, approval, the run lock).
// Later changes that touched the same tables stop it unless forced; a forced restore records each
// change it undid as restored too, so that status shows it and apply runs it again in order.
import { touchedNames, type ObjectName } from '../backup/targets.js';
import type { Backup, RestoreResult } from '../backup/types.js';
import { RefusedError, UsageError } from '../errors.js';
import { structureOfSql } from '../sql/structure.js';
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
  /** What its applied statements also changed that the backup does not hold; null when its files are gone. */
  outside: string[] | null;
}

/** A later change a forced restore undid, recorded `restored` with `note` as its reason. */
export interface UndoneChange {
  id: string;
  note: string;
}

/** What a restore did, for its report. */
export interface RestoreOutcome {
  backup: Backup;
  result: RestoreResult;
  restoredAt: Date;
  forcedOver: LaterTouch[];
  /** The later changes recorded restored with it (a forced restore over them). */
  undone: UndoneChange[];
}

// A later change whose effect the restore took away, and which is not set aside already (rolled
// back, abandoned) nor an in-flight run that apply must settle first. A rollback's own row is not a
// change that apply could run again.
const UNDOABLE = new Set(['applied', 'provisional', 'failed']);

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
      // The later changes lost what they did to these tables: left `applied`, apply would never run
      // them again and status would claim what the tables no longer hold.
      const undone: UndoneChange[] = [];
      for (const l of later) {
        const row = target.history.find((r) => r.changeId === l.id);
        // Without its files nothing tells what it did; status already names such a row drifted.
        if (!row || l.id.includes(':') || l.outside === null || !UNDOABLE.has(row.status)) continue;
        const what = undoneConsequence(changeId, l);
        row.status = 'restored';
        row.statementsApplied = 0;
        row.inFlight = null;
        row.failedStatement = null;
        row.finishedAt = now;
        row.error = `undone by the restore of ${changeId} from ${backup.id} by ${who} (--force): ${what}`;
        await target.session.history.put(row);
        undone.push({ id: l.id, note: row.error });
        events.info?.(`restore: ${l.id} is recorded restored too: ${what}`);
      }
      await target.session.commit();
      return { backup, result, restoredAt: now, forcedOver: later, undone };
    });
  } finally {
    await target.close();
  }
}

// What became of a later change the restore undid, and what to do before it runs again.
function undoneConsequence(restored: string, l: LaterTouch): string {
  const back = `${l.tables.join(', ')} ${l.tables.length === 1 ? 'is' : 'are'} back as ${l.tables.length === 1 ? 'it was' : 'they were'} before ${restored}`;
  if (!l.outside || l.outside.length === 0) return `${back}; apply runs it again after ${restored}`;
  const them = l.outside.length === 1 ? 'which it also changed, is' : 'which it also changed, are';
  return `${back}, but ${l.outside.join(', ')}, ${them} not: undo that by hand (or put it back in the state before ${l.id}) before apply runs it again after ${restored}`;
}

// Everything a statement changes, by name: the tables restore compares, and the views, routines and
// events it creates (a restore of tables never takes those away). A trigger goes with its table.
function changedNames(sql: string): ObjectName[] {
  const out = touchedNames(sql);
  const s = structureOfSql(sql);
  if (s.kind === 'create' && !s.temporary && ['view', 'procedure', 'function', 'event'].includes(s.object ?? '')) {
    out.push(...s.targets.map((t) => ({ ...(t.schema !== null ? { schema: t.schema } : {}), name: t.name })));
  }
  return out;
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
    const outside = new Map<string, string>();
    if (!statements) {
      hit.add('(its files are no longer in the repository)');
    } else {
      for (const st of statements.slice(0, r.statementsApplied)) {
        for (const n of changedNames(st.sql)) {
          const key = `${(n.schema ?? schema).toLowerCase()}.${n.name.toLowerCase()}`;
          const name = held.get(key);
          if (name) hit.add(name);
          else if (!outside.has(key)) outside.set(key, n.schema !== undefined && n.schema.toLowerCase() !== schema.toLowerCase() ? `${n.schema}.${n.name}` : n.name);
        }
      }
    }
    if (hit.size) out.push({ id: r.changeId, when: `${r.status} ${(r.finishedAt ?? r.startedAt).toISOString()}`, tables: [...hit], outside: statements ? [...outside.values()] : null });
  }
  return out;
}
