// An environment's maintenance windows and window_wait: what the schema cannot check alone (a time
// zone the time library knows, a window that opens and closes at the same minute, a wait with no
// window to wait for). No time library is loaded here: `validate` stays fast; the zone test is the
// one luxon itself makes (Intl knows the zone), so a zone accepted here is one the run can use.
import type { Diagnostic, MaintenanceWindow, Weekday } from '../types.js';
import { CODES, diagnostic } from './codes.js';
import type { YamlSource } from './yaml.js';

const ALL_DAYS: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** Whether `zone` is an IANA time zone this runtime knows (the test luxon's IANAZone.isValidZone makes). */
export function knownTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone }).format();
    return true;
  } catch {
    return false;
  }
}

/** The windows as the run reads them: `days` absent means every day. */
export function windowSettings(raw: { days?: Weekday[]; from: string; to: string; timezone: string }[] | undefined): MaintenanceWindow[] | undefined {
  if (!raw) return undefined;
  return raw.map((w) => ({ days: w.days ?? [...ALL_DAYS], from: w.from, to: w.to, timezone: w.timezone }));
}

/** Each window's unknown time zone or empty span, and a window_wait without windows, at its field. */
export function checkWindowFields(env: Record<string, unknown>, source: YamlSource, name: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const windows = env['windows'];
  if (Array.isArray(windows)) {
    windows.forEach((w, i) => {
      if (w === null || typeof w !== 'object' || Array.isArray(w)) return;
      const o = w as Record<string, unknown>;
      const at = (f: string) => source.position(['environments', name, 'windows', i, f]);
      const field = (f: string) => `environments.${name}.windows[${i}].${f}`;
      if (typeof o['timezone'] === 'string' && !knownTimeZone(o['timezone'])) {
        out.push(diagnostic(CODES.badValue, source.file, at('timezone'), field('timezone'), `"${o['timezone']}" is not an IANA time zone (for example America/New_York, Europe/Berlin, UTC)`));
      }
      if (typeof o['from'] === 'string' && o['from'] === o['to']) {
        out.push(diagnostic(CODES.badValue, source.file, at('to'), field('to'), `is the same time as from (${o['from']}): the window would never be open; a window whose to is before its from crosses midnight`));
      }
    });
  }
  if (env['window_wait'] !== undefined && windows === undefined) {
    out.push(diagnostic(CODES.envShape, source.file, source.position(['environments', name, 'window_wait']), `environments.${name}.window_wait`, 'has no windows to wait for; add windows or remove window_wait'));
  }
  return out;
}
