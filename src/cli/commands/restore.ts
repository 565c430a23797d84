// `changegate restore <change> --env E`: puts back the tables (and dropped objects) that the change's
// `snapshot_method: tables` backup holds, under apply's guards: protected targets, version floor,
// approval, the run lock. Later changes that touched the same tables stop it unless --force.
import { RefusedError, UsageError } from '../../core/errors.js';
import { touchedNames } from '../../core/backup/targets.js';
import { approvalGate } from '../../core/guards.js';
import type { Change, HistoryRecord } from '../../core/types.js';
import type { CommandContext } from '../context.js';
import { approverText, requireCiApproval } from '../announce.js';
import { backupSettings, snapshotMethod } from '../../core/manifest/backup-fields.js';
import { thousands } from '../../core/numbers.js';
import { lockTarget, operator, scope } from '../flow.js';
import { undoId } from '../../core/undo.js';

/** Restores the backup recorded for the change; 0 when the tables are back. */
export default async function restore(ctx: CommandContext, changeId: string, opts: { env: string; approvedBy?: string; force?: boolean }): Promise<number> {
  const s = scope(ctx, opts.env);
  if (snapshotMethod(s.env) !== 'tables') {
    throw new UsageError(
      `restore puts back a snapshot_method: tables backup, and ${s.env.name} takes ${snapshotMethod(s.env)} snapshots: ` +
        'restore one with the aws rds command printed when it was taken (it is in the run\'s log and job summary)',
    );
  }
  let approver = approvalGate(s.env, { inActions: ctx.env.GITHUB_ACTIONS === 'true', deploymentEnvironment: ctx.env.CHANGEGATE_ENVIRONMENT, approvedBy: opts.approvedBy });
  const { schema: backupSchema } = backupSettings(s.env);
  const t = await lockTarget(ctx, s);
  try {
    const rec = t.history.find((r) => r.changeId === changeId);
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
    const conn = t.open.target.connection;
    const { listBackups, restoreBackup } = await import('../../adapters/mysql/backup.js');
    const backup = (await listBackups(conn, backupSchema, s.env.name)).find((b) => b.id === rec.snapshotId);
    if (!backup) {
      throw new RefusedError(`refused: the backup recorded for ${changeId} in ${s.env.name} (${rec.snapshotId}) is not in ${backupSchema}; nothing was changed`);
    }
    const approvals = await requireCiApproval(ctx, s.env, opts.approvedBy);
    approver = approver ?? (approvals ? approverText(approvals) : null);
    const later = laterTouches(backup, rec, t.history, s.byId, t.open.target.schema);
    if (later.length > 0 && !opts.force) {
      throw new RefusedError(
        `refused: ${later.map((l) => `${l.id} (${l.when}) touched ${l.tables.join(', ')}`).join('; ')} after the backup of ${changeId} was taken; ` +
          `restoring would undo ${later.length === 1 ? 'it' : 'them'} too. Deal with ${later.length === 1 ? 'that change' : 'those changes'} first, or pass --force to restore anyway (recorded in the history)`,
      );
    }
    const op = await operator(ctx, approver);
    const tables = backup.items.filter((i) => i.kind === 'table');
    ctx.out.info(
      `restore: putting back ${tables.map((i) => `${i.sourceName} (${thousands(i.rows ?? 0)} row${i.rows === 1 ? '' : 's'})`).join(', ') || 'no table'} ` +
        `in ${s.env.name} as they were at ${backup.createdAt.toISOString()}, from ${backup.id}`,
    );
    if (later.length > 0) ctx.out.warn(`restore: --force: undoing what ${later.map((l) => l.id).join(', ')} did to ${[...new Set(later.flatMap((l) => l.tables))].join(', ')}`);
    const now = ctx.now();
    const who = `${op.user}${approver ? ` (approved by ${approver})` : ''}`;
    const result = await restoreBackup(conn, backup, t.open.target.schema, backupSchema, who, now);
    for (const o of result.objects) ctx.out.info(`restore: ${o.kind} ${o.name} re-created`);
    rec.status = 'restored';
    rec.statementsApplied = 0;
    rec.inFlight = null;
    rec.failedStatement = null;
    rec.finishedAt = now;
    rec.approver = approver ?? rec.approver;
    rec.error = `restored from ${backup.id} by ${who}` + (later.length ? ` with --force over ${later.map((l) => `${l.id} (${l.tables.join(', ')})`).join(', ')}` : '');
    await t.open.target.session.history.put(rec);
    await t.open.target.session.commit();
    ctx.out.info(`${changeId} is restored in ${s.env.name}; status shows it restored, and apply runs it again when it is next applied`);
    ctx.out.setDocument({
      environment: s.env.name,
      change: changeId,
      backup: backup.id,
      restored_at: now.toISOString(),
      tables: result.tables.map((x) => ({ table: x.name, rows: x.rows })),
      objects: result.objects.map((o) => ({ kind: o.kind, name: o.name })),
      forced_over: later.map((l) => l.id),
    });
    return 0;
  } finally {
    await t.close();
  }
}

interface LaterTouch {
  id: string;
  when: string;
  tables: string[];
}

// Changes (and rollbacks) that ran after the backup and touched a table or object it holds.
function laterTouches(backup: { createdAt: Date; items: { kind: string; sourceSchema: string; sourceName: string; onTable: string | null }[] }, rec: HistoryRecord, history: HistoryRecord[], byId: Map<string, Change>, schema: string): LaterTouch[] {
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
