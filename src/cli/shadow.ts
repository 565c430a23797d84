// Replays changes into a throwaway schema: `validate --shadow` proves they run, `drift` compares the
// result with the live schema. The shadow schema is always dropped afterwards.
import { UsageError } from '../core/errors.js';
import { StatementError } from '../core/ports.js';
import { refuseProtected } from '../core/guards.js';
import type { Change, Config, Diagnostic, EnvironmentConfig } from '../core/types.js';
import type { MysqlConnection, TargetSpec } from '../adapters/mysql/connection.js';
import type { CommandContext } from './context.js';
import { diagnosticLine } from './render.js';

/** Runs every statement of `changes`, in order, on `conn` (already in the shadow schema); the first failure is returned. */
export async function replay(conn: MysqlConnection, changes: Change[]): Promise<Diagnostic | null> {
  for (const change of changes) {
    for (const stmt of change.statements) {
      try {
        await conn.run(stmt.sql);
      } catch (err) {
        const message = err instanceof StatementError ? err.message : String(err);
        return {
          code: 'CG090', severity: 'error', file: stmt.file, line: stmt.line, column: stmt.column,
          message: `shadow replay of ${change.id} failed: ${message}`, destructive: false,
        };
      }
    }
  }
  return null;
}

/** Opens `spec`'s server, creates a shadow schema named after `base`, runs `fn` in it and drops it. */
export async function withShadow<T>(spec: TargetSpec, base: string, label: string, fn: (conn: MysqlConnection, name: string) => Promise<T>): Promise<T> {
  const { openConnection, useSchema } = await import('../adapters/mysql/connection.js');
  const { createShadowSchema, dropSchema } = await import('../adapters/mysql/introspect.js');
  const conn = await openConnection(spec, label);
  try {
    const name = await createShadowSchema(conn, base);
    try {
      await useSchema(conn, name);
      return await fn(conn, name);
    } finally {
      await dropSchema(conn, name).catch(() => undefined);
    }
  } finally {
    await conn.close();
  }
}

/** `validate --shadow`: replays every change into a throwaway schema; 1 when one fails. */
export async function shadowReplay(ctx: CommandContext, config: Config, changes: Change[], url?: string): Promise<number> {
  const { parseTargetUrl } = await import('../adapters/mysql/connect.js');
  const urlEnv = config.environments.find((e) => e.url || e.url_env);
  const source = url ?? urlEnv?.url ?? (urlEnv?.url_env ? ctx.env[urlEnv.url_env] : undefined);
  if (!source) {
    throw new UsageError('validate --shadow needs a server: pass --shadow-url, or configure a URL environment whose variable is set');
  }
  const spec = parseTargetUrl(source, 'the shadow server');
  ctx.out.secret(spec.password);
  refuseProtected(config, { name: 'shadow' } as EnvironmentConfig, spec.host, 'points at host');
  const failure = await withShadow(spec, config.database, 'the shadow server', async (conn, name) => {
    ctx.out.info(`shadow: replaying ${changes.length} change(s) into ${name}`);
    return replay(conn, changes);
  });
  if (failure) {
    ctx.out.diagnostics([failure], diagnosticLine);
    ctx.out.setDocument({ diagnostics: [failure], errors: 1, warnings: 0 });
    return 1;
  }
  ctx.out.info(`shadow: all ${changes.length} change(s) replayed cleanly`);
  return 0;
}
