// A run that holds a target must notice when the server goes silent (a partition, a frozen writer, a
// failover in progress) and when this runner itself was frozen (its process stopped): a silent server
// would hang the run until the CI job's timeout, and a runner that wakes after the server ended its
// sessions (their idle bound is twice the silence bound) may have lost its lock to another run.
// Collecting (a ping on the run's idle connections at a fixed pace) is kept apart from deciding
// (check), which reads only the last readings and says why in words.
import { ChangegateError } from '../errors.js';
import { ENVIRONMENT_DEFAULTS } from '../manifest/config.js';
import type { EnvironmentConfig } from '../types.js';
import type { RunEvents } from './ports.js';

/** Seconds the server may stay silent before a run on `env` stops: its `unreachable_timeout`, else the config's default. */
export function unreachableSeconds(env: Pick<EnvironmentConfig, 'unreachable_timeout'>): number {
  return env.unreachable_timeout ?? ENVIRONMENT_DEFAULTS.unreachable_timeout;
}

/** Seconds a changegate session may stay idle before the server ends it: twice the silence bound, kept alive by the heartbeat. */
export function idleBoundSeconds(unreachableSeconds: number): number {
  return 2 * unreachableSeconds;
}

/** The run stopped because the server stopped answering, or because this runner was frozen. */
export class LivenessError extends ChangegateError {
  constructor(message: string, readonly kind: 'silent' | 'frozen' | 'lock-lost') {
    super(message, 1);
    this.name = 'LivenessError';
  }
}

/** What the watchdog reads: a ping of the run's idle connections and a clock. */
export interface LivenessProbe {
  /** Resolves when the server answered; rejects when the run's lock connection is gone; may never settle on a silent server. */
  ping(): Promise<void>;
  now(): number;
}

/** The last readings and the decision over them. */
export class Liveness {
  private lastAnswer: number;
  private lastTick: number;
  private inFlight = false;
  private lost: string | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private stopped = false;
  private fail: (e: LivenessError) => void = () => undefined;
  /** Rejects with the reason once a check fails on the watchdog's own clock; never resolves. */
  readonly failed: Promise<never>;

  constructor(
    private readonly probe: LivenessProbe,
    /** Silence longer than this stops the run. */
    readonly timeoutMs: number,
    /** The pace of the pings: a quarter of the bound, at least every 15 s, at most every 100 ms. */
    readonly intervalMs = Math.min(15_000, Math.max(100, Math.floor(timeoutMs / 4))),
  ) {
    this.lastAnswer = this.lastTick = probe.now();
    this.failed = new Promise<never>((_, reject) => {
      this.fail = reject;
    });
    // A rejection nobody awaits (the run ended first) is not an error of the process.
    this.failed.catch(() => undefined);
  }

  /** Starts the pings; the timer does not keep the process alive. */
  start(): void {
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    this.timer.unref();
  }

  /** Stops the pings; later checks pass. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Throws a LivenessError when the run must stop: called before each statement and on each tick. */
  check(): void {
    if (this.stopped) return;
    const now = this.probe.now();
    const gap = now - this.lastTick;
    // The watchdog's own clock stood still: this process did not run (SIGSTOP, a frozen VM) for as long
    // as the server may have taken to end its sessions and hand the lock to another run.
    if (gap >= this.timeoutMs) {
      throw new LivenessError(
        `this runner was frozen for ${Math.round(gap / 1000)} s (its process did not run), long enough for the server to end its sessions and for another run to take over; ` +
          'it stops here without running another statement',
        'frozen',
      );
    }
    if (this.lost !== null) throw new LivenessError(`the run lock's connection was lost (${this.lost}); another run may hold the target now`, 'lock-lost');
    if (now - this.lastAnswer >= this.timeoutMs) {
      throw new LivenessError(`the server has not answered for ${Math.round((now - this.lastAnswer) / 1000)} s`, 'silent');
    }
  }

  private tick(): void {
    try {
      this.check();
    } catch (e) {
      this.stop();
      this.fail(e as LivenessError);
      return;
    }
    this.lastTick = this.probe.now();
    if (this.inFlight) return;
    this.inFlight = true;
    this.probe.ping().then(
      () => {
        this.inFlight = false;
        this.lastAnswer = this.probe.now();
      },
      (e: unknown) => {
        this.inFlight = false;
        this.lost = e instanceof Error ? e.message : String(e);
      },
    );
  }
}

/** What a watched run needs of its target. */
export interface Watchable {
  /** Pings the run's idle connections; see LivenessProbe.ping. */
  heartbeat(): Promise<void>;
  /** Drops every connection of the run at once: nothing more is sent, nothing waits on a silent socket. */
  abort(): void;
}

/**
 * Runs `work` under a watchdog on `target`: when the server stays silent for the environment's
 * `unreachable_timeout`, when this
 * runner was frozen that long, or when the lock's connection is gone, the run's connections are dropped
 * and the run stops with one line that names the environment, the statement last started and what to
 * do. `work` gets the check to call before each statement and the events to pass on.
 */
export async function watched<T>(
  target: Watchable,
  env: Pick<EnvironmentConfig, 'name' | 'unreachable_timeout'>,
  events: RunEvents,
  work: (check: () => void, events: RunEvents) => Promise<T>,
  now: () => number = Date.now,
): Promise<T> {
  const live = new Liveness({ ping: () => target.heartbeat(), now }, unreachableSeconds(env) * 1000);
  const seen: { last: { change: string; n: number; file: string; line: number } | null } = { last: null };
  const tracked: RunEvents = {
    ...events,
    statementStarted: (c, n, total, ms) => {
      const st = c.statements[n - 1];
      seen.last = { change: c.id, n, file: st?.file ?? c.id, line: st?.line ?? 0 };
      events.statementStarted?.(c, n, total, ms);
    },
    changeFinished: (c, result, ms) => {
      if (result === 'applied') seen.last = null;
      events.changeFinished?.(c, result, ms);
    },
  };
  live.start();
  const running = work(() => live.check(), tracked);
  running.catch(() => undefined);
  try {
    return await Promise.race([running, live.failed]);
  } catch (err) {
    // A failure of the work itself while the server is silent (or after a freeze) has the watchdog's reason behind it.
    let reason: LivenessError | null = err instanceof LivenessError ? err : null;
    if (!reason) {
      try {
        live.check();
      } catch (e) {
        reason = e as LivenessError;
      }
    }
    if (!reason) throw err;
    target.abort();
    const at = seen.last;
    const where = at
      ? `; statement ${at.n} of ${at.change} (${at.file}:${at.line}) was the last one started, and its outcome is unknown`
      : '; no statement was running';
    throw new LivenessError(
      `${env.name}: ${reason.message}${where}. Run apply again: it resumes where the history says, and settles an unknown statement as it does after a crash`,
      reason.kind,
    );
  } finally {
    live.stop();
  }
}
