// The steps commands that touch a target share: load and validate, gate, connect, lock, read history,
// plan. Each command composes them; the order is the guards' order and never changes.
import os from 'node:os';
import type { Operator } from '../core/apply.js';
import type { RunnerFacts } from '../core/guards.js';
import type { PlanResult } from '../core/plan.js';
import type { HistoryRecord } from '../core/types.js';
import type { LifecycleView } from '../core/provisional.js';
import { planWithGates as planCore, type Scope } from '../core/usecases/gates.js';
import type { RunLock } from '../adapters/mysql/lock.js';
import { gitHead } from '../adapters/git/head.js';
import type { CommandContext } from './context.js';
import { environment, loadRepoOrFail, refuseProtectedEarly } from './load.js';
import { openEnvironment, type OpenEnvironment } from './target.js';
import { sharedHistory } from './fleet/history.js';

export { refuseProblems } from '../core/usecases/gates.js';

export type { Scope } from '../core/usecases/gates.js';

/** Loads and validates the repository and picks the environment: nothing has connected yet. */
export function scope(ctx: CommandContext, envName: string): Scope {
  refuseProtectedEarly(ctx, envName);
  const { config, changes } = loadRepoOrFail(ctx);
  return { config, changes, byId: new Map(changes.map((c) => [c.id, c])), env: environment(config, envName) };
}

/** Connects read-only and reads the history (none yet when the table does not exist). */
export async function readTarget(ctx: CommandContext, s: Scope): Promise<{ open: OpenEnvironment; history: HistoryRecord[] }> {
  const open = await openEnvironment(ctx, s.config, s.env);
  try {
    const { readHistory } = await import('../adapters/mysql/history.js');
    return { open, history: await readHistory(open.target) };
  } catch (e) {
    await open.close();
    throw e;
  }
}

/** Connects, takes the run lock, creates or upgrades the history table and reads it. */
export async function lockTarget(
  ctx: CommandContext,
  s: Scope,
  lockTimeoutSec: number = s.env.lock_timeout,
): Promise<{ open: OpenEnvironment; lock: RunLock; history: HistoryRecord[]; close(): Promise<void> }> {
  const open = await openEnvironment(ctx, s.config, s.env);
  let lock: RunLock | undefined;
  try {
    lock = await open.target.lock(lockTimeoutSec);
    const session = open.target.session;
    await session.history.ensure();
    await session.rollback(); // a fresh read view: see what the previous runner committed
    const history = await session.history.load();
    const held = lock;
    return {
      open,
      lock: held,
      history,
      // The session first: its transaction must be over before another run may take the lock.
      close: async () => {
        await open.close().catch(() => undefined);
        await held.release().catch(() => undefined);
      },
    };
  } catch (e) {
    await lock?.release().catch(() => undefined);
    await open.close();
    throw e;
  }
}

/** Plans with the pull-request lifecycle and the promotion gate (see the core's planWithGates), reading the `after` environment. */
export function planWithGates(ctx: CommandContext, s: Scope, history: HistoryRecord[], pr: number | null = null): Promise<PlanResult & { lifecycle: LifecycleView }> {
  return planCore(s, history, pr, (env) => readHistoryOf(ctx, { ...s, env }));
}

/**
 * The history of an environment, read without its lock; the connection is closed again. A fleet's
 * is the view its promotion gate reads: a change counts only where every target applied it.
 */
export async function readHistoryOf(ctx: CommandContext, s: Scope): Promise<HistoryRecord[]> {
  if (s.env.fleet) return sharedHistory(ctx, s, (one) => readHistoryOf(ctx, one));
  const { open, history } = await readTarget(ctx, s);
  await open.close();
  return history;
}

/** Where the CLI runs, for the approval gate: GitHub Actions' variables and `--approved-by`. */
export function runnerFacts(ctx: CommandContext, approvedBy: string | undefined): RunnerFacts {
  return { inActions: ctx.env.GITHUB_ACTIONS === 'true', deploymentEnvironment: ctx.env.CHANGEGATE_ENVIRONMENT, approvedBy };
}

/** Who runs this: from GitHub Actions' variables in CI, from the OS and git on a workstation. */
export async function operator(ctx: CommandContext, approver: string | null): Promise<Operator> {
  const e = ctx.env;
  const runUrl = e.GITHUB_RUN_ID && e.GITHUB_REPOSITORY
    ? `${e.GITHUB_SERVER_URL ?? 'https://github.com'}/${e.GITHUB_REPOSITORY}/actions/runs/${e.GITHUB_RUN_ID}`
    : null;
  let user = e.GITHUB_ACTOR;
  if (!user) {
    try {
      user = os.userInfo().username;
    } catch {
      user = 'unknown';
    }
  }
  return { user, gitCommit: e.GITHUB_SHA ?? (await gitHead(ctx.root, e)), runUrl, approver };
}
