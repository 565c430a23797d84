// Whose snapshot it is, in its identifier: snapshot identifiers are unique per account and region,
// so the servers of one fleet environment must not take the same one at the same second.
import type { EnvironmentConfig } from '../../core/types.js';

/** The environment's name, with the server's for a target of a fleet (`prod-tenants-b`). */
export function snapshotOwner(env: EnvironmentConfig): string {
  return env.target ? `${env.name}-${env.target.server.name}` : env.name;
}
