// Runs a replay's statements on several workers (connections) as `replayOrder` allows, with the outcome
// of running them one by one in order: the statement reported as failed is the first one in statement
// order that fails, and nothing after it starts once it has failed (a statement before it may still
// run, since it may fail first). The next statement to start is always the earliest ready one.
import { MinHeap } from '../min-heap.js';
import type { ReplaySlot } from './replay-order.js';

/**
 * Runs statements `0..slots.length-1` with `run(worker, i)` (true when it succeeded) on `first` and on
 * each worker of `joining` as it arrives (null: that one could not be had); statements whose slot says
 * `first` run on `first` only. Returns the index of the first failed statement in order, or null.
 */
export async function runSchedule<W>(slots: readonly ReplaySlot[], first: W, joining: Promise<W | null>[], run: (w: W, i: number) => Promise<boolean>): Promise<number | null> {
  // Dependants of each statement, and how many of its own waits are still open.
  const waiting = slots.map((s) => s.after.length);
  const dependants: number[][] = slots.map(() => []);
  slots.forEach((s, i) => s.after.forEach((a) => dependants[a]!.push(i)));
  const ready = new MinHeap<number>();
  const readyFirst = new MinHeap<number>();
  const markReady = (i: number) => (slots[i]!.first ? readyFirst : ready).push(i);
  waiting.forEach((w, i) => w === 0 && markReady(i));
  let stopAt = Infinity;
  const failed: number[] = [];
  const take = (mayFirst: boolean): number | undefined => {
    const a = ready.peek();
    const b = mayFirst ? readyFirst.peek() : undefined;
    const i = b !== undefined && (a === undefined || b < a) ? b : a;
    if (i === undefined || i >= stopAt) return undefined;
    return i === b ? readyFirst.pop() : ready.pop();
  };
  // Every finished statement wakes the idle workers: it may have made others ready.
  const signal = () => {
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    return { promise, resolve };
  };
  let wake = signal();
  const notify = (): void => {
    const w = wake;
    wake = signal();
    w.resolve();
  };
  let running = 0;
  const worker = async (w: W, mayFirst: boolean): Promise<void> => {
    for (;;) {
      const i = take(mayFirst);
      if (i === undefined) {
        if (running === 0) return notify();
        await wake.promise;
        continue;
      }
      running++;
      const ok = await run(w, i);
      running--;
      if (!ok) {
        failed.push(i);
        stopAt = Math.min(stopAt, i);
      } else for (const d of dependants[i]!) if (--waiting[d]! === 0) markReady(d);
      notify();
    }
  };
  const workers: Promise<void>[] = [worker(first, true)];
  await Promise.all(joining.map((p) => p.then((w) => void (w !== null && workers.push(worker(w, false))), () => undefined)));
  while (workers.length > 0) await Promise.all(workers.splice(0));
  return failed.length ? Math.min(...failed) : null;
}
