// Replays changes into a throwaway schema: `validate --shadow` proves they run, `drift` compares the
// result with the live schema. The shadow schema is always dropped afterwards.
import { UsageError } from '../core/errors.js';
import { StatementError } from '../core/ports.js';
import { refuseProtected } from '../core/guards.js';
import type { Change, Config, Diagnostic, EnvironmentConfig } from '../core/types.js';
import type { MysqlConnection, TargetSpec } from '../adapters/mysql/connection.js';
import type { CommandContext } from './context.js';
import type { Scope } from './flow.js';
import type { SchemaShape } from '../core/drift.js';
import { diagnosticLine } from './render.js';
import { replayOrder } from '../core/sql/replay-order.js';
import { runSchedule } from '../core/sql/replay-schedule.js';

/** How many connections a shadow replay uses at most: statements that touch different objects run on them at once. */
export const REPLAY_CONNECTIONS = 8;

/** How many connections read a schema's description at most: its five queries that open every table each get one (see `describeSchema`). */
export const DESCRIBE_CONNECTIONS = 6;

/** Opens one more connection in the shadow schema (closed by `withShadow`). */
export type MoreConnections = () => Promise<MysqlConnection>;

/**
 * Runs every statement of `changes` on `conn` (already in the shadow schema) and, when `more` is
 * given, on up to REPLAY_CONNECTIONS connections at once where `replayOrder` allows; the outcome is
 * that of running them one by one in order: the first failure in that order is returned.
 */
export async function replay(conn: MysqlConnection, changes: Change[], more?: MoreConnections): Promise<Diagnostic | null> {
  const flat = changes.flatMap((change) => change.statements.map((stmt) => ({ change, stmt })));
  const slots = replayOrder(flat.map((f) => f.stmt.sql));
  const failures = new Map<number, Diagnostic>();
  const runOne = async (c: MysqlConnection, i: number): Promise<boolean> => {
    const { change, stmt } = flat[i]!;
    try {
      await c.run(stmt.sql);
      return true;
    } catch (err) {
      const message = err instanceof StatementError ? err.message : String(err);
      failures.set(i, {
        code: 'CG090', severity: 'error', file: stmt.file, line: stmt.line, column: stmt.column,
        message: `shadow replay of ${change.id} failed: ${message}`, destructive: false,
      });
      return false;
    }
  };
  const parallel = more !== undefined && slots.filter((s) => !s.first).length > 1;
  if (!parallel) {
    for (let i = 0; i < flat.length; i++) if (!(await runOne(conn, i))) return failures.get(i)!;
    return null;
  }
  // The first connection starts at once; the others join as they open (one that cannot open is done without).
  const joining = Array.from({ length: REPLAY_CONNECTIONS - 1 }, () => more().catch(() => null));
  const first = await runSchedule(slots, conn, joining, runOne);
  return first === null ? null : failures.get(first)!;
}

/**
 * Opens `spec`'s server, creates a shadow schema named after `base`, runs `fn` in it (with a way to open
 * more connections there, and the ones opened so far) and drops it.
 */
export async function withShadow<T>(
  spec: TargetSpec, base: string, label: string,
  fn: (conn: MysqlConnection, name: string, more: MoreConnections, opened: () => readonly MysqlConnection[]) => Promise<T>,
): Promise<T> {
  const { openConnection, useSchema } = await import('../adapters/mysql/connection.js');
  const { createShadowSchema, dropSchema } = await import('../adapters/mysql/introspect.js');
  const conn = await openConnection(spec, label);
  try {
    const name = await createShadowSchema(conn, base);
    const extra: MysqlConnection[] = [];
    const more: MoreConnections = async () => {
      const c = await openConnection(spec, label);
      extra.push(c);
      await useSchema(c, name);
      return c;
    };
    try {
      await useSchema(conn, name);
      return await fn(conn, name, more, () => extra);
    } finally {
      await dropSchema(conn, name, extra).catch(() => undefined);
      await Promise.all(extra.map((c) => c.close().catch(() => undefined)));
    }
  } finally {
    await conn.close();
  }
}

/**
 * Replays `changes` for environment `s.env` into a throwaway schema (on `shadowUrl`'s server, else on the
 * environment's own) made like `base`, and describes the result; `failure` names the statement that failed.
 */
export async function replayDescribed(ctx: CommandContext, s: Scope, changes: Change[], base: string, shadowUrl: string | undefined): Promise<{ failure: string } | { shape: SchemaShape }> {
  const { describeSchema } = await import('../adapters/mysql/introspect.js');
  const spec = shadowUrl
    ? (await import('../adapters/mysql/connect.js')).parseTargetUrl(shadowUrl, 'the shadow server')
    : (await (await import('./target.js')).resolveEnvironment(ctx, s.config, s.env)).spec;
  ctx.out.secret(spec.password);
  refuseProtected(s.config, s.env, spec.host, 'has a shadow server at host');
  return withShadow(spec, base, `${s.env.name} (shadow)`, async (conn, name, more, opened) => {
    const failure = await replay(conn, changes, more);
    if (failure) return { failure: `${failure.file}:${failure.line}: ${failure.message}` };
    return { shape: await describeSchema([conn, ...opened().slice(0, DESCRIBE_CONNECTIONS - 1)], name) };
  });
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
  const failure = await withShadow(spec, config.database, 'the shadow server', async (conn, name, more) => {
    ctx.out.info(`shadow: replaying ${changes.length} change(s) into ${name}`);
    return replay(conn, changes, more);
  });
  if (failure) {
    ctx.out.diagnostics([failure], diagnosticLine);
    ctx.out.setDocument({ diagnostics: [failure], errors: 1, warnings: 0 });
    return 1;
  }
  ctx.out.info(`shadow: all ${changes.length} change(s) replayed cleanly`);
  return 0;
}
