// The protection port on a connected target: cluster and instance snapshots through AWS, table
// backups through the MySQL adapter. The policy (when, how, how big) is the core's (usecases/protect).
import type { Plan } from '../core/plan-types.js';
import type { HistoryRecord } from '../core/types.js';
import type { BackupTaken, ProtectionPort } from '../core/usecases/ports.js';
import { snapshotMethod } from '../core/manifest/backup-fields.js';
import { thousands } from '../core/numbers.js';
import type { CommandContext } from './context.js';
import type { Scope } from './flow.js';
import { ensureInstanceSnapshot } from './instance-snapshot-step.js';
import { ensureSnapshot } from './snapshot-step.js';
import type { OpenEnvironment } from './target.js';

/** Snapshots and table backups of `open`, reporting their progress on the command's output. */
export function protectionPort(ctx: CommandContext, s: Scope, open: OpenEnvironment): ProtectionPort {
  const conn = open.target.connection;
  const backups = () => import('../adapters/mysql/backup.js');
  return {
    clusterSnapshot: (plan, history, runUrl) => ensureSnapshot(ctx, s, open, plan, history, runUrl),
    instanceSnapshot: (plan, runUrl) => ensureInstanceSnapshot(ctx, s, open, plan, runUrl),
    backupScope: async (statements) => (await backups()).backupScope(conn, open.target.schema, statements),
    takeBackup: async (scope, req) => (await backups()).takeBackup(conn, open.target.schema, scope, req),
    listBackups: async (backupSchema, environment) => (await backups()).listBackups(conn, backupSchema, environment),
    restoreBackup: async (backup, backupSchema, by, now) => (await backups()).restoreBackup(conn, backup, open.target.schema, backupSchema, by, now),
  };
}

/** Tells what a table backup holds and how to put it back: log lines, the step output and the job summary. */
export function renderBackupTaken(ctx: CommandContext, b: BackupTaken): void {
  const tables = b.items.filter((i) => i.kind === 'table');
  const objects = b.items.filter((i) => i.kind !== 'table' && !i.onTable);
  ctx.out.info(
    `backup: ${b.id} holds ${tables.map((t) => `${t.sourceName} (${thousands(t.rows ?? 0)} row${t.rows === 1 ? '' : 's'})`).join(', ') || 'no table'}` +
      `${objects.length ? ` and the definitions of ${objects.map((o) => `${o.kind} ${o.sourceName}`).join(', ')}` : ''}`,
  );
  ctx.out.info(`to restore it: changegate restore ${b.changeId} --env ${b.environment}`);
  ctx.out.output('snapshot-id', b.id);
  ctx.out.summary(`### Backup before ${b.changeId}\n\n\`${b.id}\` holds ${tables.length} table(s). To put them back:\n\n\`\`\`sh\nchangegate restore ${b.changeId} --env ${b.environment}\n\`\`\``);
}

/** `changegate snapshot`: the snapshot step alone; a table backup is taken by `apply`, change by change. */
export async function snapshotStep(ctx: CommandContext, s: Scope, open: OpenEnvironment, plan: Plan, history: HistoryRecord[], runUrl: string | null): Promise<string | null> {
  const method = snapshotMethod(s.env);
  if (method === 'tables') {
    ctx.out.info(`snapshot: ${s.env.name} backs up tables (snapshot_method: tables): apply copies them before the first statement of each change that needs it`);
    return null;
  }
  return method === 'instance' ? ensureInstanceSnapshot(ctx, s, open, plan, runUrl) : ensureSnapshot(ctx, s, open, plan, history, runUrl);
}
