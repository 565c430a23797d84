// How a fleet is applied: the canary targets first, one at a time, then the rest `parallel` at a
// time. After `stop_after_failures` failed targets no new target starts and the running ones
// finish; a failed canary starts nothing else. Each target runs the whole single-target apply with
// its own lock and history, so this only decides what starts when.

/** How one target's run ended. */
export type TargetResult = 'applied' | 'nothing-pending' | 'dry-run' | 'failed' | 'refused' | 'in-doubt' | 'not-run';

/** One target's result, with its timing and, when it did not apply, why. */
export interface TargetOutcome<D = unknown> {
  target: string;
  result: TargetResult;
  durationMs: number;
  error?: { code: string; message: string };
  /** The single-target document (the plan's changes with their results), when the run got that far. */
  detail?: D;
}

/** The fleet's pace. */
export interface FleetPace {
  parallel: number;
  canary: number;
  stop_after_failures: number;
}

/** Whether a result counts against `stop_after_failures`. */
export function isFailure(result: TargetResult): boolean {
  return result === 'failed' || result === 'refused' || result === 'in-doubt';
}

/**
 * Runs `runOne` over the targets in order, at the fleet's pace; resolves with one outcome per
 * target in the order given. `runOne` should not throw; if it does, the target counts as failed.
 */
export async function runFleet<D>(
  targets: string[],
  pace: FleetPace,
  runOne: (target: string) => Promise<Omit<TargetOutcome<D>, 'target'>>,
  events: { finished?(outcome: TargetOutcome<D>, done: number, total: number): void } = {},
): Promise<TargetOutcome<D>[]> {
  const outcomes = new Map<string, TargetOutcome<D>>();
  let failures = 0;
  let stopReason: string | null = null;
  const one = async (target: string): Promise<void> => {
    const started = Date.now();
    let outcome: TargetOutcome<D>;
    try {
      outcome = { target, ...(await runOne(target)) };
    } catch (err) {
      outcome = { target, result: 'failed', durationMs: Date.now() - started, error: { code: 'internal', message: err instanceof Error ? err.message : String(err) } };
    }
    outcomes.set(target, outcome);
    if (isFailure(outcome.result)) failures++;
    events.finished?.(outcome, outcomes.size, targets.length);
  };
  const canaries = targets.slice(0, Math.min(pace.canary, targets.length));
  for (const t of canaries) {
    await one(t);
    if (isFailure(outcomes.get(t)!.result)) {
      stopReason = `not started: canary ${t} did not apply`;
      break;
    }
  }
  if (stopReason === null) {
    // A target is started only while the failures stay under the bound; the ones after are left not-run.
    await mapLimited(targets.slice(canaries.length), pace.parallel, async (t) => {
      if (failures < pace.stop_after_failures) return one(t);
      stopReason ??= `not started: ${failures} target(s) failed (stop_after_failures: ${pace.stop_after_failures})`;
    });
  }
  return targets.map(
    (t) => outcomes.get(t) ?? { target: t, result: 'not-run' as const, durationMs: 0, error: { code: 'not-run', message: stopReason ?? 'not started' } },
  );
}

/** Counts per result, in the order the results first appear, leaving out results no target has. */
export function summarize(outcomes: { result: string }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of outcomes) counts[o.result] = (counts[o.result] ?? 0) + 1;
  return counts;
}

/** Runs `f` over `items`, at most `parallel` at once; the results in the order of `items`. */
export async function mapLimited<T, R>(items: T[], parallel: number, f: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await f(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(parallel, items.length)) }, worker));
  return out;
}
