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
    announce: (a) => announce(ctx, s.config, a),
    now: () => ctx.now(),
  };
}

/** The events every run renders the same way: lines, findings, backups. */
export function commonEvents(ctx: CommandContext): RunEvents {
  return {
    info: (line) => ctx.out.info(line),
    warn: (line) => ctx.out.warn(line),
    diagnostics: (found) => ctx.out.diagnostics(found),
    backupTaken: (b) => renderBackupTaken(ctx, b),
  };
}
