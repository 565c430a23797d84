// Invariant 4 for every kind of target: before destructive work, a cluster snapshot, an instance
// snapshot, or (`snapshot_method: tables`) a copy of the tables each destructive change may write or
// drop, taken right before that change's first statement so that it holds what the changes before
// it left behind.
import type { ApplyContext } from '../core/apply.js';
import { RefusedError } from '../core/errors.js';
import type { Plan, PlannedChange } from '../core/plan-types.js';
import type { EnvironmentConfig, HistoryRecord } from '../core/types.js';
import { backupSettings, snapshotMethod } from '../core/manifest/backup-fields.js';
import type { BackupScope } from '../adapters/mysql/backup.js';
import type { CommandContext } from './context.js';
import type { Scope } from './flow.js';
import { ensureInstanceSnapshot } from './instance-snapshot-step.js';
import { ensureSnapshot } from './snapshot-step.js';
import type { OpenEnvironment } from './target.js';
import { binaryScale, thousands } from '../core/numbers.js';

/** Whether the policy backs up this change: every change under `always`, destructive ones otherwise. */
function needsBackup(env: EnvironmentConfig, c: PlannedChange): boolean {
  return env.snapshot === 'always' || (env.snapshot === 'destructive' && c.destructive);
}

/** Bytes as people read them: `16.0 KiB`, `1.2 GiB`. */
export function size(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  const [v, u] = binaryScale(bytes, units.length);
  return u === 0 ? `${v} bytes` : `${v.toFixed(1)} ${units[u]}`;
}

function tablesText(scope: BackupScope): string {
  return scope.tables.map((t) => `${t.name} ${thousands(t.rows)} row${t.rows === 1 ? '' : 's'}`).join(', ') || 'no existing table';
}

// Refuses (exit 1) a backup that cannot be taken or is bigger than the environment allows.
function refuseScope(env: EnvironmentConfig, changeId: string, scope: BackupScope, when: string): void {
  if (scope.unknown) {
    throw new RefusedError(
      `refused: ${changeId} cannot be backed up table by table (${scope.unknown}); ${when}. ` +
        `Back up ${env.name} another way (a cluster or instance snapshot: snapshot_method: cluster | instance), or set snapshot: never for it`,
    );
  }
  const { maxRows } = backupSettings(env);
  if (scope.rows > maxRows) {
    throw new RefusedError(
      `refused: the backup of ${changeId} would copy ${thousands(scope.rows)} rows (${tablesText(scope)}; ${size(scope.bytes)}), ` +
        `more than backup_max_rows (${thousands(maxRows)}) of ${env.name}; ${when}. ` +
        `Raise backup_max_rows in the config, or protect ${env.name} with a cluster or instance snapshot (snapshot_method: cluster | instance)`,
    );
  }
}

/**
 * Takes the protection the plan requires before `applyPlan` runs: a snapshot now (cluster, instance),
 * or, for tables, a size check of every backup now and the copy itself in `applyCtx.backupChange`.
 */
export async function protectRun(
  ctx: CommandContext,
  s: Scope,
  open: OpenEnvironment,
  plan: Plan,
  history: HistoryRecord[],
  applyCtx: ApplyContext,
): Promise<void> {
  if (!plan.snapshot.required) return;
  const method = snapshotMethod(s.env);
  if (method === 'instance') {
    applyCtx.snapshotId = await ensureInstanceSnapshot(ctx, s, open, plan, applyCtx.operator.runUrl);
    return;
  }
  if (method === 'cluster') {
    applyCtx.snapshotId = await ensureSnapshot(ctx, s, open, plan, history, applyCtx.operator.runUrl);
    return;
  }
  const { backupScope, takeBackup } = await import('../adapters/mysql/backup.js');
  const { schema: backupSchema } = backupSettings(s.env);
  const conn = open.target.connection;
  const chosen = new Set(plan.changes.filter((c) => needsBackup(s.env, c) && c.resumeFrom === 1).map((c) => c.id));
  const sqlOf = (c: { statements: { sql: string }[] }) => c.statements.map((st) => st.sql);
  // Every bound is checked before the first statement of the run; tables that earlier changes of
  // this run create are empty now and measured again before their own change.
  for (const planned of plan.changes.filter((c) => chosen.has(c.id))) {
    const id = planned.id;
    const scope = await backupScope(conn, open.target.schema, sqlOf(planned));
    refuseScope(s.env, id, scope, 'nothing was executed');
    ctx.out.info(`backup: ${id} will be backed up to ${backupSchema} before its first statement (${tablesText(scope)}; ${size(scope.bytes)})`);
  }
  const runStarted = ctx.now();
  applyCtx.backupChange = async (change) => {
    if (!chosen.has(change.id)) return null;
    const scope = await backupScope(conn, open.target.schema, sqlOf(change));
    refuseScope(s.env, change.id, scope, `nothing of ${change.id} was executed`);
    if (scope.tables.length === 0 && scope.objects.length === 0) {
      ctx.out.info(`backup: ${change.id} may write or drop no existing table or object; nothing to copy`);
      return null;
    }
    const { id, items } = await takeBackup(conn, scope, {
      schema: open.target.schema,
      backupSchema,
      changeId: change.id,
      environment: s.env.name,
      operator: applyCtx.operator.user,
      runUrl: applyCtx.operator.runUrl,
      runStarted,
      now: ctx.now(),
    });
    const tables = items.filter((i) => i.kind === 'table');
    const objects = items.filter((i) => i.kind !== 'table' && !i.onTable);
    ctx.out.info(
      `backup: ${id} holds ${tables.map((t) => `${t.sourceName} (${thousands(t.rows ?? 0)} row${t.rows === 1 ? '' : 's'})`).join(', ') || 'no table'}` +
        `${objects.length ? ` and the definitions of ${objects.map((o) => `${o.kind} ${o.sourceName}`).join(', ')}` : ''}`,
    );
    ctx.out.info(`to restore it: changegate restore ${change.id} --env ${s.env.name}`);
    ctx.out.output('snapshot-id', id);
    ctx.out.summary(`### Backup before ${change.id}\n\n\`${id}\` holds ${tables.length} table(s). To put them back:\n\n\`\`\`sh\nchangegate restore ${change.id} --env ${s.env.name}\n\`\`\``);
    return id;
  };
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
