// The backup fields of an environment that a schema cannot check alone: which target the method
// needs, and a backup schema that must not be the schema it protects.
import type { Diagnostic, SnapshotMethod } from '../types.js';
import { CODES, diagnostic, type Position } from './codes.js';

/** `tables` for a URL environment, `instance` for an RDS instance, `cluster` otherwise. */
export function defaultSnapshotMethod(e: { url_env?: unknown; url?: unknown; instance?: unknown }): SnapshotMethod {
  if (e.url_env !== undefined || e.url !== undefined) return 'tables';
  return e.instance !== undefined ? 'instance' : 'cluster';
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
