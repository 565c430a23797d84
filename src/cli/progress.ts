// Progress lines of an apply. A short change prints a line per statement; a long one (a data load of
// 40,000 INSERTs) prints about once a second, plus every statement that took longer than a second
// and the last one, so that the log stays readable and the slow statement is still named.
import type { PlannedChange } from '../core/plan-types.js';
import { DIGEST_BOUND } from '../core/statement-digest.js';

/** Turns the apply loop's `statementStarted` events into the lines worth printing. */
export class ProgressLines {
  private lastPrinted = -Infinity;
  private prev: { n: number; at: number } | null = null;

  constructor(
    private readonly print: (line: string) => void,
    private readonly clock: () => number = Date.now,
    private readonly intervalMs = 1000,
    private readonly slowMs = 1000,
  ) {}

  /** Statement `n` of `total` starts, `ms` after the change started. */
  started(c: PlannedChange, n: number, total: number, ms: number): void {
    const now = this.clock();
    // Printed as the statement starts, so it says "starts": a bare "2/2 0.0 s" read like a statement
    // that got through, right above the error of one that did not.
    const line = (k: number) =>
      `${c.id}: ${k}/${total} starts at ${(ms / 1000).toFixed(1)} s  ${c.statements[k - 1]!.file}:${c.statements[k - 1]!.line}`;
    if (total <= DIGEST_BOUND) {
      this.print(line(n));
      return;
    }
    const prev = this.prev;
    if (prev && prev.n === n - 1 && now - prev.at >= this.slowMs) {
      const s = c.statements[prev.n - 1]!;
      this.print(`${c.id}: statement ${prev.n} took ${((now - prev.at) / 1000).toFixed(1)} s  ${s.file}:${s.line}`);
    }
    const show = n === c.resumeFrom || n === total || now - this.lastPrinted >= this.intervalMs;
    if (show) {
      this.print(line(n));
      this.lastPrinted = now;
    }
    this.prev = { n, at: now };
  }
}
