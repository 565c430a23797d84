// How an impact reads in every output (terminal, PR comment, job summary, annotations): the same
// words and the same order everywhere, riskiest first, so a reviewer meets one vocabulary.
import type { PlannedChange, PlannedStatement } from '../plan-types.js';
import { blocksWrites } from './blocking.js';
import type { Impact } from './types.js';
import { binaryScale, thousands } from '../numbers.js';

/** A statement with a judged impact. */
export type JudgedStatement = PlannedStatement & { impact: Impact };

/** The change's judged statements, riskiest first: blocking (or unknown), then rebuilds, in place, instant; longer first. */
export function byRisk(change: PlannedChange): JudgedStatement[] {
  const judged = change.statements.filter((s): s is JudgedStatement => !!s.impact && s.n >= change.resumeFrom);
  return judged.sort((a, b) => risk(a.impact) - risk(b.impact) || (b.impact.seconds ?? Infinity) - (a.impact.seconds ?? Infinity) || a.n - b.n);
}

function risk(i: Impact): number {
  if (blocksWrites(i)) return 0;
  if (i.rebuild !== false) return 1;
  return i.algorithm === 'inplace' ? 2 : 3;
}

/** `1,234 rows`, `? rows`. */
export function rowsText(rows: number | null): string {
  return rows === null ? '? rows' : `${thousands(rows)} ${rows === 1 ? 'row' : 'rows'}`;
}

/** `16 KB`, `340 MB`, `1.2 GB`, `?`. */
export function bytesText(bytes: number | null): string {
  if (bytes === null) return '?';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  const [v, u] = binaryScale(bytes, units.length);
  return `${u === 0 || v >= 10 ? Math.round(v) : v.toFixed(1)} ${units[u]}`;
}

/** `0 s`, `~12 s`, `~5 min`, `~2.1 h`, `? s`. */
export function secondsText(seconds: number | null): string {
  if (seconds === null) return '? s';
  if (seconds === 0) return '0 s';
  if (seconds < 60) return `~${Math.max(1, Math.round(seconds))} s`;
  if (seconds < 3600) return `~${Math.round(seconds / 60)} min`;
  return `~${(seconds / 3600).toFixed(1)} h`;
}

/** `copy, lock shared, rebuild` / `instant, lock none` / `unknown algorithm, lock unknown`. */
export function howText(i: Impact): string {
  const parts = [i.algorithm ?? 'unknown algorithm', `lock ${i.lock ?? 'unknown'}`];
  if (i.rebuild) parts.push('rebuilds');
  return parts.join(', ');
}

/** One line: `shop.invoices  1,200 rows  16 KB  copy, lock shared, rebuilds  ~3 s  BLOCKS WRITES`. */
export function impactLine(i: Impact): string {
  return [i.table ?? '—', rowsText(i.rows), bytesText(i.bytes), howText(i), secondsText(i.seconds), blocksWrites(i) ? 'BLOCKS WRITES' : '']
    .filter(Boolean)
    .join('  ');
}
