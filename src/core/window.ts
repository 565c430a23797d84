// Maintenance windows: given an environment's weekly windows and the time now, whether one is open,
// when it closes and when the next opens. Pure: the clock is an argument. Time zones and daylight
// saving come from luxon (the IANA database through Intl), never from arithmetic on offsets.
//
// A window is read on the wall clock of its time zone, so it is as long as its wall-clock span says
// except on the nights the clock changes. Two rules settle those nights:
//   - a time the clock skips (spring forward: 02:30 in New York on the second Sunday of March) is
//     the moment of the jump, the first moment the clock shows a later time (03:00 daylight time);
//     a window can then never end before it opens;
//   - a time the clock shows twice (fall back: 01:30 in New York on the first Sunday of November) is
//     its first showing, so a window opens (or closes) the first time the clock reads it.
// A window whose `to` is not after its `from` crosses midnight: it belongs to the day it opens
// (`sat 22:00-02:00` opens Saturday night and closes Sunday at 02:00). Windows that overlap or touch
// count as one opening.
import { DateTime } from 'luxon';
import type { PlannedChange } from './plan-types.js';
import type { MaintenanceWindow, Weekday } from './types.js';

/** Whether an environment is in a window at a moment, and the openings around it. */
export interface WindowState {
  /** True inside a window, and always for an environment without windows. */
  open: boolean;
  /** When the window open now closes (null when closed, or without windows). */
  closes: Date | null;
  /** The next opening after now (after the current one when open); null without windows. */
  nextOpen: Date | null;
  /** The time zone of the window open now (when open) or opening next, for messages. */
  zone: string | null;
  /** The time zone of the next opening, for messages. */
  nextZone: string | null;
}

/** `"window"` of `plan --format json` and `status --format json`. */
export interface WindowJson {
  open: boolean;
  closes: string | null;
  next_open: string | null;
}

const WEEKDAYS: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

interface Opening {
  start: number;
  end: number;
  zone: string;
}

/** The state of `windows` at `now`: always open when there is none. */
export function windowState(windows: MaintenanceWindow[] | undefined, now: Date): WindowState {
  if (!windows || windows.length === 0) return { open: true, closes: null, nextOpen: null, zone: null, nextZone: null };
  const t = now.getTime();
  const merged = openings(windows, now);
  const current = merged.find((o) => o.start <= t && t < o.end);
  const next = merged.find((o) => o.start > t);
  return {
    open: current !== undefined,
    closes: current ? new Date(current.end) : null,
    nextOpen: next ? new Date(next.start) : null,
    zone: current?.zone ?? next?.zone ?? null,
    nextZone: next?.zone ?? null,
  };
}

/** The JSON shape of a state: ISO times in UTC. */
export function windowJson(s: WindowState): WindowJson {
  return { open: s.open, closes: s.closes?.toISOString() ?? null, next_open: s.nextOpen?.toISOString() ?? null };
}

/** `Sat 2026-12-12 02:00 America/New_York (2026-12-12 07:00 UTC)`: a moment in a window's zone and in UTC. */
export function bothZones(at: Date, zone: string): string {
  const local = DateTime.fromJSDate(at, { zone }).setLocale('en-US').toFormat('ccc yyyy-LL-dd HH:mm');
  const utc = DateTime.fromJSDate(at, { zone: 'UTC' }).toFormat('yyyy-LL-dd HH:mm');
  return `${local} ${zone} (${utc} UTC)`;
}

/** The line `plan` and `status` print for an environment with windows; null without windows. */
export function windowLine(env: string, windows: MaintenanceWindow[] | undefined, s: WindowState): string | null {
  if (!windows || windows.length === 0) return null;
  const next = s.nextOpen && s.nextZone ? `; the next opens ${bothZones(s.nextOpen, s.nextZone)}` : '';
  if (s.open) return `window: ${env} is inside a maintenance window until ${bothZones(s.closes!, s.zone!)}${next}`;
  return `window: ${env} is outside its maintenance windows${next}`;
}

/**
 * What a change is expected to take, in seconds, from the statement it starts at: per statement the
 * online tool's estimate when a tool runs it, the batch estimate (batches at the first size, each
 * taking `chunkTime` plus its pause) when batched, else the impact's seconds. `seconds` sums the
 * statements with an estimate; `unknown` counts those without one (statements the impact rules do
 * not judge, such as DML, and tables whose size is unknown). Null seconds: no statement has one.
 */
export function changeEstimate(change: PlannedChange, chunkTime: number, onlineSeconds: (bytes: number) => number): { seconds: number | null; unknown: number } {
  let seconds: number | null = null;
  let unknown = 0;
  for (const s of change.statements) {
    if (s.n < change.resumeFrom) continue;
    let est: number | null = null;
    if (s.online?.tool && typeof s.impact?.bytes === 'number') est = onlineSeconds(s.impact.bytes);
    else if (s.batch) est = Math.ceil(s.batch.batches * (chunkTime + s.batch.sleep));
    else if (s.impact && s.impact.seconds !== null) est = s.impact.seconds;
    if (est === null) unknown++;
    else seconds = (seconds ?? 0) + est;
  }
  return { seconds, unknown };
}

// Every opening from the day before `now` to eight days after it (a week is enough to find the next
// one, the day before catches a window that opened yesterday and crosses midnight), merged.
function openings(windows: MaintenanceWindow[], now: Date): Opening[] {
  const all: Opening[] = [];
  for (const w of windows) {
    const today = DateTime.fromJSDate(now, { zone: w.timezone }).startOf('day');
    const [fh, fm] = hhmm(w.from);
    const [th, tm] = hhmm(w.to);
    const crosses = th * 60 + tm <= fh * 60 + fm;
    for (let i = -1; i <= 8; i++) {
      const day = today.plus({ days: i });
      if (!w.days.includes(WEEKDAYS[day.weekday - 1]!)) continue;
      const endDay = crosses ? day.plus({ days: 1 }) : day;
      all.push({ start: firstShowing(day, fh, fm, w.timezone), end: firstShowing(endDay, th, tm, w.timezone), zone: w.timezone });
    }
  }
  all.sort((a, b) => a.start - b.start);
  const merged: Opening[] = [];
  for (const o of all) {
    const last = merged[merged.length - 1];
    if (last && o.start <= last.end) last.end = Math.max(last.end, o.end);
    else merged.push({ ...o });
  }
  return merged;
}

function hhmm(text: string): [number, number] {
  const [h, m] = text.split(':').map(Number);
  return [h!, m!];
}

// The instant the wall clock of `zone` first shows hour:minute on `day` (see the rules above).
function firstShowing(day: DateTime, hour: number, minute: number, zone: string): number {
  const dt = DateTime.fromObject({ year: day.year, month: day.month, day: day.day, hour, minute }, { zone });
  if (dt.hour !== hour || dt.minute !== minute) {
    // Skipped: luxon moved it forward by the gap; the jump is the first instant at dt's offset.
    let lo = dt.toMillis() - 6 * 3600_000;
    let hi = dt.toMillis();
    while (hi - lo > 60_000) {
      const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
      if (DateTime.fromMillis(mid, { zone }).offset === dt.offset) hi = mid;
      else lo = mid;
    }
    return hi;
  }
  // Shown twice: an earlier instant with the earlier offset shows the same wall time.
  const before = dt.minus({ hours: 6 }).offset;
  if (before !== dt.offset) {
    const earlier = dt.toMillis() - (before - dt.offset) * 60_000;
    const e = DateTime.fromMillis(earlier, { zone });
    if (earlier < dt.toMillis() && e.hour === hour && e.minute === minute && e.day === day.day) return earlier;
  }
  return dt.toMillis();
}
