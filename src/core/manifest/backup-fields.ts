// The backup fields of an environment: their defaults, and what a schema cannot check alone (which
// target the method needs, and a backup schema that must not be the schema it protects).
import type { Diagnostic, EnvironmentConfig, SnapshotMethod } from '../types.js';
import { CODES, diagnostic, type Position } from './codes.js';
import { environmentKind } from './environments.js';

/** Where `snapshot_method: tables` copies go and how many rows one backup may copy, when the config does not say. */
export const BACKUP_DEFAULTS = { backup_schema: 'changegate_backup', backup_max_rows: 1_000_000 } as const;

/**
 * The environment's backup method; when it names none, `tables` for a URL environment (nothing else
 * can be snapshotted there), `instance` for an RDS instance, `cluster` otherwise.
 */
export function snapshotMethod(env: Pick<EnvironmentConfig, 'snapshot_method' | 'url_env' | 'url' | 'instance'>): SnapshotMethod {
  if (env.snapshot_method) return env.snapshot_method;
  if (environmentKind(env) === 'url') return 'tables';
  return env.instance !== undefined ? 'instance' : 'cluster';
}

/** `backup_schema` and `backup_max_rows`, with their defaults. */
export function backupSettings(env: Pick<EnvironmentConfig, 'backup_schema' | 'backup_max_rows'>): { schema: string; maxRows: number } {
  return { schema: env.backup_schema ?? BACKUP_DEFAULTS.backup_schema, maxRows: env.backup_max_rows ?? BACKUP_DEFAULTS.backup_max_rows };
}

/** Contradictions between cluster:, instance:, snapshot_method and backup_schema, each at its field. */
export function checkBackupFields(
  env: Record<string, unknown>,
  at: (field: string) => Position,
  field: (f: string) => string,
  file: string,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (env['cluster'] !== undefined && env['instance'] !== undefined) {
    out.push(diagnostic(CODES.envShape, file, at('instance'), field('instance'), 'give either cluster or instance, not both'));
  }
  const method = env['snapshot_method'];
  if (method === 'cluster' && env['instance'] !== undefined && env['cluster'] === undefined) {
    out.push(diagnostic(CODES.envShape, file, at('snapshot_method'), field('snapshot_method'), 'is cluster, but this environment is an RDS instance; use instance or tables'));
  }
  if (method === 'instance' && env['cluster'] !== undefined && env['instance'] === undefined) {
    out.push(diagnostic(CODES.envShape, file, at('snapshot_method'), field('snapshot_method'), 'is instance, but this environment is a cluster; use cluster or tables'));
  }
  if (typeof env['backup_schema'] === 'string' && typeof env['schema'] === 'string' && env['backup_schema'].toLowerCase() === env['schema'].toLowerCase()) {
    out.push(diagnostic(CODES.envShape, file, at('backup_schema'), field('backup_schema'), `is the schema the changes run in (${env['schema']}); backups go to a schema of their own`));
  }
  return out;
}
