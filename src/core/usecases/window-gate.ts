// The maintenance window's two gates in a run. Before anything connects: outside every window a run
// is refused, or waits for the next opening when `window_wait` allows it, unless `--emergency` with
// an approver overrides the windows (recorded in the history and announced). Right before each change
// starts: a change whose estimate does not fit in what is left of the window is not started.
// The time library is loaded only for an environment that has windows.
import { RefusedError, UsageError } from '../errors.js';
import type { RunnerFacts } from '../guards.js';
import { onlineSeconds } from '../impact/online.js';
import type { PlannedChange } from '../plan-types.js';
import type { EnvironmentConfig } from '../types.js';
import type { WindowJson } from '../window.js';
import type { RunEvents, RunPorts } from './ports.js';

/** What the window gate decided for a run: an emergency's reason and approver, or none. */
export interface WindowPass {
  /** `--emergency`'s reason; null when the run keeps to the windows. */
  emergency: string | null;
  /** Who approved the emergency (null without one). */
  approver: string | null;
  /** The window the run is in, as the ticket's start comment says it; absent without windows. */
  note?: string;
}

/** The wait between batches a backfill aims at when `throttle.chunk_time` is unset. */
const DEFAULT_CHUNK_TIME = 0.5;

/**
 * The window gate before connecting. An emergency needs a reason and an approver (`--approved-by`,
 * or the GitHub deployment approval) and overrides the windows. Otherwise, outside every window:
 * waits for the next opening when it comes within `window_wait` seconds, else refuses (exit 1)
 * naming it in the window's zone and in UTC. A dry run writes nothing, so the gate passes it (an
 * emergency's too: there is nothing to record).
 */
export async function windowGate(
  env: EnvironmentConfig,
  req: { emergency?: string | undefined; runner: RunnerFacts; dryRun: boolean },
  ports: Pick<RunPorts, 'now' | 'approvals' | 'sleep'>,
  events: RunEvents,
): Promise<WindowPass> {
  if (req.dryRun) return { emergency: null, approver: null };
  if (req.emergency !== undefined) return emergency(env, req.emergency, req.runner, ports, events);
  if (!env.windows || env.windows.length === 0) return { emergency: null, approver: null };
  const { bothZones, windowState } = await import('../window.js');
  const now = ports.now();
  const state = windowState(env.windows, now);
  if (state.open) {
    const until = bothZones(state.closes!, state.zone!);
    events.info?.(`${env.name} is inside a maintenance window until ${until}`);
    return { emergency: null, approver: null, note: `inside a maintenance window until ${until}` };
  }
  const next = state.nextOpen!;
  const waitSec = Math.ceil((next.getTime() - now.getTime()) / 1000);
  const when = bothZones(next, state.nextZone!);
  if (env.window_wait !== undefined && waitSec <= env.window_wait) {
    events.info?.(`${env.name} is outside its maintenance windows; waiting ${waitSec} s (window_wait ${env.window_wait} s) until ${when}`);
    await (ports.sleep ?? realSleep)(waitSec * 1000);
    const opened = windowState(env.windows, ports.now());
    if (opened.open) return { emergency: null, approver: null, note: `inside a maintenance window until ${bothZones(opened.closes!, opened.zone!)}` };
    throw new RefusedError(`refused: ${env.name} waited until ${when}, but its maintenance window is still not open; nothing was contacted`);
  }
  const beyond = env.window_wait !== undefined ? `, in ${waitSec} s, longer than window_wait (${env.window_wait} s)` : '';
  throw new RefusedError(
    `refused: ${env.name} is outside its maintenance windows; the next opens ${when}${beyond}. Nothing was contacted; ` +
      'run it then, or override with --emergency "<reason>" and an approver',
  );
}

/**
 * Right before a change starts: refuses (exit 1) a change whose estimate exceeds the seconds left in
 * the window, or any change once the window has closed. Statements without an estimate are not
 * counted and never cause a refusal (a lower bound that already does not fit is refused; an unknown
 * is said). Nothing is checked without windows or in an emergency.
 */
export async function fitsWindow(env: EnvironmentConfig, pass: WindowPass, change: PlannedChange, now: Date, events: RunEvents): Promise<void> {
  if (!env.windows || env.windows.length === 0 || pass.emergency !== null) return;
  const { bothZones, changeEstimate, windowState } = await import('../window.js');
  const state = windowState(env.windows, now);
  if (!state.open) {
    const next = state.nextOpen ? `; the next opens ${bothZones(state.nextOpen, state.nextZone!)}` : '';
    throw new RefusedError(`refused: ${change.id} was not started: ${env.name} is outside its maintenance windows now${next}`);
  }
  const left = Math.floor((state.closes!.getTime() - now.getTime()) / 1000);
  const est = changeEstimate(change, env.throttle?.chunk_time ?? DEFAULT_CHUNK_TIME, onlineSeconds);
  const closes = bothZones(state.closes!, state.zone!);
  if (est.seconds !== null && est.seconds > left) {
    throw new RefusedError(
      `refused: ${change.id} was not started: it is estimated at ${est.seconds} s and ${left} s are left in the ${env.name} maintenance window, which closes ${closes}` +
        `${est.unknown > 0 ? `; ${est.unknown} statement(s) without an estimate are not counted` : ''}`,
    );
  }
  if (est.seconds === null) {
    events.info?.(`${change.id}: its time cannot be estimated (${est.unknown} statement(s) without an estimate), so the window does not hold it back; ${left} s are left, until ${closes}`);
  } else if (est.unknown > 0) {
    events.info?.(`${change.id}: estimated at ${est.seconds} s without ${est.unknown} statement(s) that have no estimate; ${left} s are left, until ${closes}`);
  }
}

/** `plan`'s and `status`' view of the window now: its JSON and the line to print (null without windows). */
export async function windowNow(env: EnvironmentConfig, now: Date): Promise<{ json: WindowJson; line: string | null }> {
  if (!env.windows || env.windows.length === 0) return { json: { open: true, closes: null, next_open: null }, line: null };
  const w = await import('../window.js');
  const state = w.windowState(env.windows, now);
  return { json: w.windowJson(state), line: w.windowLine(env.name, env.windows, state) };
}

/** The ports with the emergency's reason and the window the run is in on every announcement of the run. */
export function announcingEmergency<P extends Pick<RunPorts, 'announce'>>(ports: P, pass: WindowPass): P {
  if (pass.emergency === null && pass.note === undefined) return ports;
  const { emergency: reason, note } = pass;
  return {
    ...ports,
    announce: (a) => ports.announce({ ...a, ...(reason !== null ? { emergency: reason } : {}), ...(note !== undefined ? { windowNote: note } : {}) }),
  };
}

async function emergency(
  env: EnvironmentConfig,
  reason: string,
  runner: RunnerFacts,
  ports: Pick<RunPorts, 'approvals'>,
  events: RunEvents,
): Promise<WindowPass> {
  const why = reason.trim();
  if (why === '') throw new UsageError('--emergency needs a reason: --emergency "<why this cannot wait for the window>"');
  if (!env.windows || env.windows.length === 0) {
    throw new UsageError(`--emergency overrides a maintenance window, and ${env.name} has none; run without it`);
  }
  const approver = runner.approvedBy ?? (await ports.approvals())?.approver ?? null;
  if (!approver) {
    throw new RefusedError(
      `refused: --emergency needs an approver: pass --approved-by <the teammate who approved it>, or run it in a GitHub Actions job whose ${env.name} deployment a reviewer approved`,
    );
  }
  events.warn?.(`emergency: ${env.name} runs regardless of its maintenance windows: ${why} (approved by ${approver}); recorded in the history and announced`);
  return { emergency: why, approver };
}

function realSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
