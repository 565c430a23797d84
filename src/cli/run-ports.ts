// The use cases' ports on the real world: a locked MySQL target with its impact reader and its
// protections, the promotion gate's read of another environment, the operator, GitHub's approvals
// and Slack. The one place where a command's context becomes ports.
import type { EnvironmentConfig } from '../core/types.js';
import type { LockedTarget, RunEvents, RunPorts } from '../core/usecases/ports.js';
import type { MysqlConnection } from '../adapters/mysql/connection.js';
import { idleBoundSeconds, unreachableSeconds } from '../core/usecases/liveness.js';
import { announce, ciApprovals } from './announce.js';
import { protectionPort, renderBackupTaken } from './backup-step.js';
import type { CommandContext } from './context.js';
import { lockTarget, operator, readHistoryOf, type Scope } from './flow.js';
import { impactPort } from './impact-step.js';
import { noteBackup } from './tickets.js';
import type { OpenEnvironment } from './target.js';

/** A locked MySQL target: the core's port, plus its connection for the commands that read the schema. */
export interface MysqlLockedTarget extends LockedTarget {
  readonly connection: MysqlConnection;
}

/** The ports of a run over `s`, as the CLI provides them. */
export function runPorts(ctx: CommandContext, s: Scope): Omit<RunPorts, 'lock'> & { lock(env: EnvironmentConfig, lockTimeoutSec: number): Promise<MysqlLockedTarget> } {
  return {
    lock: async (env, lockTimeoutSec) => {
      const scoped = { ...s, env };
      const t = await lockTarget(ctx, scoped, lockTimeoutSec);
      const target = t.open.target;
      const locked: MysqlLockedTarget = {
        connection: target.connection,
        schema: target.schema,
        session: target.session,
        inspector: target.inspector,
        history: t.history,
        lockHeld: () => t.lock.held(),
        recordApplied: (id, applied, inFlight, conn) => t.lock.recordApplied(id, applied, inFlight, conn),
        schemaIsEmpty: async () => (await import('../adapters/mysql/baseline-sql.js')).schemaIsEmpty(target.connection, target.schema),
        impact: () => impactPort(ctx, scoped, t.open),
        protection: protectionPort(ctx, scoped, t.open),
        ...(env.online_schema_change ? { online: await onlinePort(ctx, env, t.open, t.lock.connectionId) } : {}),
        heartbeat: async () => {
          const bound = idleBoundSeconds(unreachableSeconds(env)) * 1000;
          // Every idle connection of the run answers, which also keeps it under the server's idle bound.
          const others = target.connections().filter((c) => !c.busy).map((c) => c.ping(bound).catch(() => undefined));
          await Promise.all([t.lock.ping(bound), ...others]);
        },
        abort: () => {
          for (const c of target.connections()) c.destroy();
          t.lock.destroy();
        },
        close: () => t.close(),
      };
      return locked;
    },
    readHistory: (env) => readHistoryOf(ctx, { ...s, env }),
    operator: (approver) => operator(ctx, approver),
    approvals: () => ciApprovals(ctx),
    announce: (a) => announce(ctx, s.config, a, s.byId),
    now: () => ctx.now(),
  };
}

// The environment's online schema change tool on the open target.
async function onlinePort(ctx: CommandContext, env: EnvironmentConfig, open: OpenEnvironment, lockId: number) {
  const { onlineTool } = await import('../adapters/online/tool.js');
  const { serverFacts } = await import('../adapters/mysql/facts.js');
  const { openConnection } = await import('../adapters/mysql/connection.js');
  const target = open.target;
  return onlineTool({
    settings: env.online_schema_change!,
    throttle: env.throttle ?? {},
    spec: open.spec,
    label: env.name,
    server: serverFacts(target.server.version),
    // A connection of its own that may write (the readers are read-only): the probe, the leftovers.
    connect: async () => {
      const c = await openConnection(open.spec, env.name);
      try {
        await c.exec(`SET SESSION lock_wait_timeout = ${Number(env.lock_wait_timeout)}`);
      } catch (e) {
        await c.close().catch(() => undefined);
        throw e;
      }
      return c;
    },
    ownIds: () => [target.session.connectionId, lockId, ...target.connections().map((c) => c.threadId)],
    env: ctx.env as NodeJS.ProcessEnv,
  });
}

/** The events every run renders the same way: lines, findings, backups. */
export function commonEvents(ctx: CommandContext): RunEvents {
  return {
    info: (line) => ctx.out.info(line),
    warn: (line) => ctx.out.warn(line),
    diagnostics: (found) => ctx.out.diagnostics(found),
    backupTaken: (b) => {
      renderBackupTaken(ctx, b);
      noteBackup(ctx, b.changeId, b.id);
    },
  };
}
