// The steps commands that touch a target share: load and validate, gate, connect, lock, read history,
// plan. Each command composes them; the order is the guards' order and never changes.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RefusedError } from '../core/errors.js';
import type { ApplyContext, ApplyEvents, Operator } from '../core/apply.js';
import { planEnvironment, promotionProblems, type IntegrityProblem, type PlanResult } from '../core/plan.js';
import type { Change, Config, EnvironmentConfig, HistoryRecord } from '../core/types.js';
import type { RunLock } from '../adapters/mysql/lock.js';
import type { CommandContext } from './context.js';
import { environment, loadRepoOrFail, refuseProtectedEarly } from './load.js';
import { openEnvironment, type OpenEnvironment } from './target.js';
import { pushAll } from '../core/arrays.js';
import { lifecycleView, type LifecycleView } from '../core/provisional.js';

/** A loaded repository and one environment of it. */
export interface Scope {
  config: Config;
  changes: Change[];
  byId: Map<string, Change>;
  env: EnvironmentConfig;
}

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

/**
 * Plans and adds the promotion gate's problems when the environment comes `after` another. The
 * history is first sorted by the pull-request lifecycle (`pr`: the pull request this run is for,
 * null on the default branch): what to undo, what to adopt, whose provisional changes to ignore.
 */
export async function planWithGates(ctx: CommandContext, s: Scope, history: HistoryRecord[], pr: number | null = null): Promise<PlanResult & { lifecycle: LifecycleView }> {
  const lifecycle = lifecycleView(s.changes, history, s.env, pr);
  const result = { ...planEnvironment(s.changes, lifecycle.history, s.env), lifecycle };
  pushAll(result.problems, lifecycle.problems);
  if (s.env.after && result.plan.changes.length > 0) {
    const afterEnv = environment(s.config, s.env.after);
    const { open, history: afterHistory } = await readTarget(ctx, { ...s, env: afterEnv });
    await open.close();
    pushAll(result.problems, promotionProblems(result.plan, s.byId, afterHistory, afterEnv.name));
  }
  return result;
}

/** Stops with exit 1 listing every problem, when there is any. */
export function refuseProblems(env: string, problems: IntegrityProblem[]): void {
  if (problems.length === 0) return;
  const lines = problems.map((p) => `  ${p.message}`).join('\n');
  throw new RefusedError(`${env}: ${problems.length} problem(s) stop this run before anything executes:\n${lines}`);
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

/**
 * The commit checked out in `root`: read from the repository's files (a process spawn costs more than
 * a whole short apply), with `git rev-parse` for whatever the files do not answer plainly; null, and
 * no git run, outside any repository (unless GIT_DIR names one elsewhere).
 */
export function gitHead(root: string, env: Record<string, string | undefined>): Promise<string | null> {
  const fromFiles = headFromFiles(root);
  if (fromFiles) return Promise.resolve(fromFiles);
  if (!env.GIT_DIR && dotGit(root) === null) return Promise.resolve(null);
  return new Promise((resolve) => {
    execFile('git', ['rev-parse', 'HEAD'], { cwd: root }, (err, stdout) => resolve(err ? null : stdout.trim() || null));
  });
}

const OBJECT_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

// The `.git` of the repository `root` is in (a folder, or a worktree's file), null outside any.
function dotGit(root: string): string | null {
  let dir = path.resolve(root);
  while (!existsSync(path.join(dir, '.git'))) {
    const up = path.dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
  return path.join(dir, '.git');
}

/** HEAD's commit from `.git` (a folder, or a worktree's `gitdir:` file), loose refs and packed-refs; null when unsure. */
export function headFromFiles(root: string): string | null {
  try {
    const found = dotGit(root);
    if (found === null) return null;
    const dir = path.dirname(found);
    let gitDir = found;
    if (statSync(gitDir).isFile()) {
      const m = /^gitdir: (.+)$/m.exec(readFileSync(gitDir, 'utf8'));
      if (!m) return null;
      gitDir = path.resolve(dir, m[1]!.trim());
    }
    const head = readFileSync(path.join(gitDir, 'HEAD'), 'utf8').trim();
    if (OBJECT_ID.test(head)) return head;
    const ref = /^ref: (refs\/\S+)$/.exec(head)?.[1];
    if (!ref) return null;
    // A linked worktree keeps its HEAD but shares refs with the main repository.
    const common = existsSync(path.join(gitDir, 'commondir'))
      ? path.resolve(gitDir, readFileSync(path.join(gitDir, 'commondir'), 'utf8').trim())
      : gitDir;
    const loose = path.join(common, ref);
    if (existsSync(loose)) {
      const id = readFileSync(loose, 'utf8').trim();
      return OBJECT_ID.test(id) ? id : null;
    }
    const packed = path.join(common, 'packed-refs');
    if (!existsSync(packed)) return null;
    for (const line of readFileSync(packed, 'utf8').split('\n')) {
      const [id, name] = line.trim().split(' ');
      if (name === ref && id && OBJECT_ID.test(id)) return id;
    }
    return null;
  } catch {
    return null;
  }
}

/** The apply loop's context on a locked target: its session, processlist, run lock and retries. */
export function lockedApplyContext(
  t: { open: OpenEnvironment; lock: RunLock },
  s: Scope,
  op: Operator,
  opts: { inFlightWaitMs: number; pollMs: number; events: ApplyEvents },
): ApplyContext {
  return {
    session: t.open.target.session,
    inspector: t.open.target.inspector,
    lockHeld: () => t.lock.held(),
    recordApplied: (id, applied, inFlight, conn) => t.lock.recordApplied(id, applied, inFlight, conn),
    operator: op,
    snapshotId: null,
    lockRetries: s.env.lock_retries,
    ...opts,
  };
}
