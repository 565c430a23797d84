// Protection before destructive work, for every kind of target: a cluster snapshot, an instance
// snapshot, or (`snapshot_method: tables`) a copy of the tables each destructive change may write or
// drop, taken right before that change's first statement so that it holds what the changes before
// it left behind. No destructive change runs in an environment that asks for protection without it.
import type { ApplyContext } from '../apply.js';
import type { BackupScope } from '../backup/types.js';
import { RefusedError } from '../errors.js';
import { binaryScale, thousands } from '../numbers.js';
import type { Plan, PlannedChange } from '../plan-types.js';
import type { EnvironmentConfig, HistoryRecord } from '../types.js';
import { backupSettings, snapshotMethod } from '../manifest/backup-fields.js';
import type { LockedTarget, RunEvents } from './ports.js';

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
  env: EnvironmentConfig,
  target: LockedTarget,
  plan: Plan,
  history: HistoryRecord[],
  applyCtx: ApplyContext,
  events: RunEvents,
  now: () => Date,
): Promise<void> {
  if (!plan.snapshot.required) return;
  const method = snapshotMethod(env);
  const p = target.protection;
  if (method === 'instance') {
    applyCtx.snapshotId = await p.instanceSnapshot(plan, applyCtx.operator.runUrl);
    return;
  }
  if (method === 'cluster') {
    applyCtx.snapshotId = await p.clusterSnapshot(plan, history, applyCtx.operator.runUrl);
    return;
  }
  const { schema: backupSchema } = backupSettings(env);
  const chosen = new Set(plan.changes.filter((c) => needsBackup(env, c) && c.resumeFrom === 1).map((c) => c.id));
  const sqlOf = (c: { statements: { sql: string }[] }) => c.statements.map((st) => st.sql);
  // Every bound is checked before the first statement of the run; tables that earlier changes of
  // this run create are empty now and measured again before their own change.
  for (const planned of plan.changes.filter((c) => chosen.has(c.id))) {
    const scope = await p.backupScope(sqlOf(planned));
    refuseScope(env, planned.id, scope, 'nothing was executed');
    events.info?.(`backup: ${planned.id} will be backed up to ${backupSchema} before its first statement (${tablesText(scope)}; ${size(scope.bytes)})`);
  }
  const runStarted = now();
  applyCtx.backupChange = async (change) => {
    if (!chosen.has(change.id)) return null;
    const scope = await p.backupScope(sqlOf(change));
    refuseScope(env, change.id, scope, `nothing of ${change.id} was executed`);
    if (scope.tables.length === 0 && scope.objects.length === 0) {
      events.info?.(`backup: ${change.id} may write or drop no existing table or object; nothing to copy`);
      return null;
    }
    const { id, items } = await p.takeBackup(scope, {
      schema: target.schema,
      backupSchema,
      changeId: change.id,
      environment: env.name,
      operator: applyCtx.operator.user,
      runUrl: applyCtx.operator.runUrl,
      runStarted,
      now: now(),
    });
    events.backupTaken?.({ changeId: change.id, environment: env.name, id, items });
    return id;
  };
}
