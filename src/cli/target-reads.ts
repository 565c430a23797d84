// What a read-only command learns from one target, for the command itself and for each target of a
// fleet: its status rows and backups, and both kinds of drift.
import { refuseProtected } from '../core/guards.js';
import { diffSchemas, type SchemaShape } from '../core/drift.js';
import { driftRun, type DriftReport } from '../core/usecases/drift.js';
import { inDoubtNow, statusRows, type StatusRow } from '../core/usecases/status.js';
import { backupRows, type BackupRow } from './backup-status.js';
import type { CommandContext } from './context.js';
import { readTarget, type Scope } from './flow.js';
import { replay, withShadow } from './shadow.js';

/** The status rows and backups of one target, read on a connection that is closed again. */
export async function readStatus(ctx: CommandContext, s: Scope): Promise<{ rows: StatusRow[]; backups: BackupRow[] }> {
  const { open, history } = await readTarget(ctx, s);
  let gone = new Set<string>();
  let backups: BackupRow[] = [];
  try {
    backups = await backupRows(s.env, open.target.connection, (l) => ctx.out.warn(l));
    gone = await inDoubtNow(s, history, open.target.inspector, open.target.session);
  } finally {
    await open.close();
  }
  return { rows: statusRows(s, history, gone), backups };
}

/** Both kinds of drift of one target: its files against its history, its live schema against a replay on a shadow schema. */
export async function driftOf(ctx: CommandContext, s: Scope, shadowUrl: string | undefined): Promise<DriftReport> {
  const { open, history } = await readTarget(ctx, s);
  try {
    const { describeSchema } = await import('../adapters/mysql/introspect.js');
    return await driftRun<SchemaShape>(s, {
      read: async () => ({ history, live: await describeSchema(open.target.connection, open.target.schema) }),
      compare: async (applied, live) => {
        const shadowSpec = shadowUrl
          ? (await import('../adapters/mysql/connect.js')).parseTargetUrl(shadowUrl, 'the shadow server')
          : (await (await import('./target.js')).resolveEnvironment(ctx, s.config, s.env)).spec;
        refuseProtected(s.config, s.env, shadowSpec.host, 'has a shadow server at host');
        return withShadow(shadowSpec, open.target.schema, `${s.env.name} (shadow)`, async (conn, name, more) => {
          const failure = await replay(conn, applied, more);
          if (failure) return { failure: `${failure.file}:${failure.line}: ${failure.message}`, diff: [] };
          return { failure: null, diff: diffSchemas(await describeSchema(conn, name), live) };
        });
      },
    });
  } finally {
    await open.close();
  }
}
