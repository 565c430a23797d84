// The schemas of a fleet's server that a `schemas: { like }` pattern matches, read at run time on a
// connection that passed the same guards as any other (version floor, read-only server).
import { checkServer, type ConnectOptions } from './connect.js';
import { openConnection, type TargetSpec } from './connection.js';
import { SHADOW_PREFIX } from './introspect.js';

// The server's own schemas are never a tenant's, whatever the pattern says.
const SYSTEM_SCHEMAS = ['information_schema', 'mysql', 'performance_schema', 'sys'];

/** The schemas on the server of `spec` whose names match `like`, sorted, leaving out the system schemas, changegate's shadow schemas and `exclude`. */
export async function matchingSchemas(spec: TargetSpec, opts: ConnectOptions, like: string, exclude: string[]): Promise<string[]> {
  const conn = await openConnection(spec, opts.label);
  try {
    await checkServer(conn, opts);
    const skip = [...SYSTEM_SCHEMAS, ...exclude];
    const rows = await conn.query<{ name: string }>(
      `SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE ? AND SCHEMA_NAME NOT IN (${skip.map(() => '?').join(', ')}) AND SCHEMA_NAME NOT LIKE ? ORDER BY SCHEMA_NAME`,
      // A drift check's shadow replay of a tenant is named after it: never a target, whatever matches.
      [like, ...skip, `${SHADOW_PREFIX.replace(/_/g, '\\_')}%`],
    );
    return rows.map((r) => r.name);
  } finally {
    await conn.close().catch(() => undefined);
  }
}
