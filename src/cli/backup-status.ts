// The backups `status` lists for a `snapshot_method: tables` environment, with their sizes.
import type { EnvironmentConfig } from '../core/types.js';
import type { MysqlConnection } from '../adapters/mysql/connection.js';
import { size } from '../core/usecases/protect.js';
import { backupSettings, snapshotMethod } from '../core/manifest/backup-fields.js';
import { thousands } from '../core/numbers.js';

/** One backup in `status --format json`. */
export interface BackupRow {
  id: string;
  change: string;
  created_at: string;
  tables: { table: string; rows: number; bytes: number }[];
  objects: { kind: string; name: string }[];
  rows: number;
  bytes: number;
  restored_at: string | null;
}

/** The environment's table backups, oldest first; none for a cluster or instance environment. */
export async function backupRows(env: EnvironmentConfig, conn: MysqlConnection, warn: (line: string) => void): Promise<BackupRow[]> {
  if (snapshotMethod(env) !== 'tables') return [];
  const { listBackups } = await import('../adapters/mysql/backup.js');
  const { StatementError } = await import('../core/ports.js');
  let backups: Awaited<ReturnType<typeof listBackups>>;
  try {
    backups = await listBackups(conn, backupSettings(env).schema, env.name);
  } catch (e) {
    // A user that may read the target but not the backup schema still gets its status.
    if (e instanceof StatementError && !e.connectionLost) {
      warn(`backups: cannot read ${backupSettings(env).schema}: ${e.message}`);
      return [];
    }
    throw e;
  }
  // The tenants of a fleet share one backup schema per server and the environment's name: a
  // target's backups are those of its own schema.
  if (env.target) backups = backups.filter((b) => b.items.some((i) => i.sourceSchema === env.schema));
  return backups.map((b) => ({
    id: b.id,
    change: b.changeId,
    created_at: b.createdAt.toISOString(),
    tables: b.items.filter((i) => i.kind === 'table').map((i) => ({ table: i.sourceName, rows: i.rows ?? 0, bytes: i.bytes ?? 0 })),
    objects: b.items.filter((i) => i.kind !== 'table' && !i.onTable).map((i) => ({ kind: i.kind, name: i.sourceName })),
    rows: b.rows,
    bytes: b.bytes,
    restored_at: b.restoredAt ? b.restoredAt.toISOString() : null,
  }));
}

/** The text lines under the status table. */
export function backupLines(env: EnvironmentConfig, rows: BackupRow[]): string[] {
  if (rows.length === 0) return [];
  const lines = [`backups in ${backupSettings(env).schema} (never deleted by changegate):`];
  for (const b of rows) {
    const what = `${b.tables.length} table${b.tables.length === 1 ? '' : 's'}, ${thousands(b.rows)} row${b.rows === 1 ? '' : 's'}, ${size(b.bytes)}`;
    lines.push(`  ${b.id}  ${b.change}  ${what}  ${b.created_at}${b.restored_at ? `  restored ${b.restored_at}` : ''}`);
  }
  return lines;
}
