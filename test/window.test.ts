// Maintenance windows as pure functions of the windows and a clock: inside, outside, across midnight,
// across a daylight saving change in both directions (America/New_York and Europe/Berlin), the next
// opening across a week boundary, the estimate a change is held to, and the config's refusals.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/core/manifest/config.js';
import { formatDiagnostic } from '../src/core/manifest/format.js';
import type { PlannedChange } from '../src/core/plan-types.js';
import type { MaintenanceWindow } from '../src/core/types.js';
import { bothZones, changeEstimate, windowJson, windowLine, windowState } from '../src/core/window.js';

const at = (iso: string) => new Date(iso);
const state = (windows: MaintenanceWindow[], iso: string) => windowJson(windowState(windows, at(iso)));
const NY = 'America/New_York';
const BERLIN = 'Europe/Berlin';

describe('maintenance windows (pure, injected clock)', () => {
  // Saturday and Sunday 02:00-05:00 in New York: EST (UTC-5) in December.
  const weekend: MaintenanceWindow[] = [{ days: ['sat', 'sun'], from: '02:00', to: '05:00', timezone: NY }];

  it('is always open without windows', () => {
    assert.deepEqual(state([], '2026-12-07T12:00:00Z'), { open: true, closes: null, next_open: null });
    assert.equal(windowLine('prod', undefined, windowState(undefined, at('2026-12-07T12:00:00Z'))), null);
  });

  it('inside: open, when it closes, and the opening after it', () => {
    const s = windowState(weekend, at('2026-12-12T08:00:00Z')); // Sat 03:00 EST
    assert.deepEqual(windowJson(s), { open: true, closes: '2026-12-12T10:00:00.000Z', next_open: '2026-12-13T07:00:00.000Z' });
    assert.equal(
      windowLine('prod', weekend, s),
      'window: prod is inside a maintenance window until Sat 2026-12-12 05:00 America/New_York (2026-12-12 10:00 UTC); the next opens Sun 2026-12-13 02:00 America/New_York (2026-12-13 07:00 UTC)',
    );
  });

  it('outside: closed, and the next opening in the zone and in UTC', () => {
    const s = windowState(weekend, at('2026-12-07T12:00:00Z')); // Mon 07:00 EST
    assert.deepEqual(windowJson(s), { open: false, closes: null, next_open: '2026-12-12T07:00:00.000Z' });
    assert.equal(windowLine('prod', weekend, s), 'window: prod is outside its maintenance windows; the next opens Sat 2026-12-12 02:00 America/New_York (2026-12-12 07:00 UTC)');
  });

  it('opens at from and is closed at to (a half-open interval)', () => {
    assert.equal(windowState(weekend, at('2026-12-12T07:00:00Z')).open, true);
    assert.equal(windowState(weekend, at('2026-12-12T06:59:59Z')).open, false);
    assert.equal(windowState(weekend, at('2026-12-12T10:00:00Z')).open, false);
    assert.equal(windowState(weekend, at('2026-12-12T09:59:59Z')).open, true);
  });

  it('across midnight: the window belongs to the day it opens', () => {
    const night: MaintenanceWindow[] = [{ days: ['fri'], from: '22:00', to: '02:00', timezone: BERLIN }]; // CET, UTC+1
    // Saturday 01:30 in Berlin: inside Friday's window.
    assert.deepEqual(state(night, '2026-12-12T00:30:00Z'), { open: true, closes: '2026-12-12T01:00:00.000Z', next_open: '2026-12-18T21:00:00.000Z' });
    // Friday 01:30 in Berlin: Thursday opened nothing, so closed.
    assert.deepEqual(state(night, '2026-12-11T00:30:00Z'), { open: false, closes: null, next_open: '2026-12-11T21:00:00.000Z' });
    // to 00:00 closes at the midnight that ends the day.
    const toMidnight: MaintenanceWindow[] = [{ days: ['mon'], from: '23:00', to: '00:00', timezone: 'UTC' }];
    assert.deepEqual(state(toMidnight, '2026-12-07T23:30:00Z'), { open: true, closes: '2026-12-08T00:00:00.000Z', next_open: '2026-12-14T23:00:00.000Z' });
  });

  it('finds the next opening across a week boundary', () => {
    const monday: MaintenanceWindow[] = [{ days: ['mon'], from: '01:00', to: '02:00', timezone: 'UTC' }];
    // Monday 03:00, just after this week's window: next Monday.
    assert.deepEqual(state(monday, '2026-12-07T03:00:00Z'), { open: false, closes: null, next_open: '2026-12-14T01:00:00.000Z' });
    // Sunday night: the next day, in the next week.
    assert.deepEqual(state(monday, '2026-12-13T23:00:00Z'), { open: false, closes: null, next_open: '2026-12-14T01:00:00.000Z' });
  });

  it('merges windows that touch or overlap, even in different zones', () => {
    const chained: MaintenanceWindow[] = [
      { days: ['sat'], from: '01:00', to: '03:00', timezone: 'UTC' },
      { days: ['sat'], from: '04:00', to: '06:00', timezone: BERLIN }, // 03:00-05:00 UTC
    ];
    assert.deepEqual(state(chained, '2026-12-12T02:00:00Z'), { open: true, closes: '2026-12-12T05:00:00.000Z', next_open: '2026-12-19T01:00:00.000Z' });
  });

  describe('daylight saving', () => {
    it('spring forward, New York: a skipped opening time is the moment of the jump', () => {
      // 2026-03-08: 02:00 EST jumps to 03:00 EDT (07:00 UTC); 02:30 never shows.
      const w: MaintenanceWindow[] = [{ days: ['sun'], from: '02:30', to: '03:15', timezone: NY }];
      const before = windowState(w, at('2026-03-08T06:00:00Z'));
      assert.deepEqual(windowJson(before), { open: false, closes: null, next_open: '2026-03-08T07:00:00.000Z' });
      assert.equal(bothZones(before.nextOpen!, NY), 'Sun 2026-03-08 03:00 America/New_York (2026-03-08 07:00 UTC)');
      // Open 03:00-03:15 EDT: never a window that closes before it opens.
      assert.deepEqual(state(w, '2026-03-08T07:05:00Z'), { open: true, closes: '2026-03-08T07:15:00.000Z', next_open: '2026-03-15T06:30:00.000Z' });
      // The week after, the same wall times in EDT.
      assert.deepEqual(state(w, '2026-03-15T06:45:00Z'), { open: true, closes: '2026-03-15T07:15:00.000Z', next_open: '2026-03-22T06:30:00.000Z' });
    });

    it('spring forward, New York: 02:00-05:00 lasts two hours that night', () => {
      assert.deepEqual(state(weekend, '2026-03-08T06:30:00Z'), { open: false, closes: null, next_open: '2026-03-08T07:00:00.000Z' });
      assert.deepEqual(state(weekend, '2026-03-08T07:00:00Z'), { open: true, closes: '2026-03-08T09:00:00.000Z', next_open: '2026-03-14T06:00:00.000Z' });
    });

    it('fall back, New York: a time shown twice opens at its first showing', () => {
      // 2026-11-01: 02:00 EDT falls back to 01:00 EST; 01:30 shows at 05:30 and 06:30 UTC.
      const w: MaintenanceWindow[] = [{ days: ['sun'], from: '01:30', to: '02:30', timezone: NY }];
      assert.deepEqual(state(w, '2026-11-01T05:00:00Z'), { open: false, closes: null, next_open: '2026-11-01T05:30:00.000Z' });
      // Open from the first 01:30 (EDT) to 02:30 EST: two hours by the clock on the wall.
      assert.deepEqual(state(w, '2026-11-01T06:45:00Z'), { open: true, closes: '2026-11-01T07:30:00.000Z', next_open: '2026-11-08T06:30:00.000Z' });
    });

    it('spring forward, Berlin: 02:30 is the jump to 03:00 CEST', () => {
      // 2026-03-29: 02:00 CET jumps to 03:00 CEST (01:00 UTC).
      const w: MaintenanceWindow[] = [{ days: ['sun'], from: '02:30', to: '04:00', timezone: BERLIN }];
      assert.deepEqual(state(w, '2026-03-29T00:30:00Z'), { open: false, closes: null, next_open: '2026-03-29T01:00:00.000Z' });
      assert.deepEqual(state(w, '2026-03-29T01:00:00Z'), { open: true, closes: '2026-03-29T02:00:00.000Z', next_open: '2026-04-05T00:30:00.000Z' });
    });

    it('fall back, Berlin: a window across the repeated hour is an hour longer', () => {
      // 2026-10-25: 03:00 CEST falls back to 02:00 CET (01:00 UTC); 02:30 shows at 00:30 and 01:30 UTC.
      const w: MaintenanceWindow[] = [{ days: ['sun'], from: '02:30', to: '03:30', timezone: BERLIN }];
      assert.deepEqual(state(w, '2026-10-25T00:00:00Z'), { open: false, closes: null, next_open: '2026-10-25T00:30:00.000Z' });
      assert.deepEqual(state(w, '2026-10-25T01:45:00Z'), { open: true, closes: '2026-10-25T02:30:00.000Z', next_open: '2026-11-01T01:30:00.000Z' });
    });
  });

  describe('what a change is expected to take', () => {
    const stmt = (n: number, extra: Partial<PlannedChange['statements'][number]>) => ({ n, file: 'a.sql', line: n, sql: `S${n}`, ...extra });
    const impact = (seconds: number | null, bytes: number | null = null) => ({ table: 't', rows: 1, bytes, algorithm: 'copy' as const, lock: 'shared' as const, rebuild: true, seconds });
    const change = (statements: PlannedChange['statements'], resumeFrom = 1): PlannedChange =>
      ({ id: 'c', title: 't', ticket: 'T-1', file: 'c.yaml', destructive: false, statements, resumeFrom, diagnostics: [] });
    const online = (bytes: number) => bytes / 1000;

    it('sums the impact, the online tool and the batch estimates from the statement it starts at', () => {
      const c = change([
        stmt(1, { impact: impact(999) }),
        stmt(2, { impact: impact(120) }),
        stmt(3, { impact: impact(60, 400_000), online: { tool: 'pt-online-schema-change', reason: 'r' } }),
        stmt(4, { impact: null, batch: { rows: 1000, key: ['id'], numeric: [true], sleep: 1, estimate_rows: 10_000, batches: 10 } }),
      ], 2);
      // 120 + 400 (the tool's, not the server's 60) + 10 batches of (0.5 + 1) s.
      assert.deepEqual(changeEstimate(c, 0.5, online), { seconds: 535, unknown: 0 });
    });

    it('counts statements without an estimate apart, and is null when none has one', () => {
      assert.deepEqual(changeEstimate(change([stmt(1, { impact: impact(30) }), stmt(2, { impact: null }), stmt(3, {})]), 0.5, online), { seconds: 30, unknown: 2 });
      assert.deepEqual(changeEstimate(change([stmt(1, { impact: impact(null) })]), 0.5, online), { seconds: null, unknown: 1 });
    });
  });
});

describe('windows in changegate.yaml', () => {
  let root: string;
  const load = (envYaml: string) => {
    writeFileSync(path.join(root, 'changegate.yaml'), `database: d\nenvironments:\n  prod:\n    url_env: U\n${envYaml}`);
    return loadConfig(root);
  };
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'cg-window-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('reads windows (days default to every day) and window_wait', () => {
    const { config, diagnostics } = load(
      '    windows:\n      - { days: [sat, sun], from: "02:00", to: "05:00", timezone: America/New_York }\n      - { from: "23:00", to: "01:00", timezone: UTC }\n    window_wait: 3600\n',
    );
    assert.deepEqual(diagnostics, []);
    const env = config!.environments[0]!;
    assert.deepEqual(env.windows, [
      { days: ['sat', 'sun'], from: '02:00', to: '05:00', timezone: 'America/New_York' },
      { days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], from: '23:00', to: '01:00', timezone: 'UTC' },
    ]);
    assert.equal(env.window_wait, 3600);
  });

  it('refuses bad days, times, zones, an empty window, a long wait and a wait without windows, each at its field', () => {
    const { config, diagnostics } = load(
      '    windows:\n' +
        '      - { days: [sat, sunday], from: "2:00", to: "05:00", timezone: America/New_York }\n' +
        '      - { days: [mon], from: "03:00", to: "03:00", timezone: Mars/Olympus_Mons }\n' +
        '      - { days: [tue], from: "24:00", to: "01:00", timezone: UTC }\n' +
        '    window_wait: 21601\n',
    );
    assert.equal(config, undefined);
    assert.deepEqual(diagnostics.map(formatDiagnostic), [
      'changegate.yaml:6:23  environments.prod.windows[0].days[1]  must be one of mon, tue, wed, thu, fri, sat, sun, not the string "sunday"',
      'changegate.yaml:6:38  environments.prod.windows[0].from  must be a time HH:MM on a 24-hour clock, like "02:00", not the string "2:00"',
      'changegate.yaml:7:43  environments.prod.windows[1].to  is the same time as from (03:00): the window would never be open; a window whose to is before its from crosses midnight',
      'changegate.yaml:7:62  environments.prod.windows[1].timezone  "Mars/Olympus_Mons" is not an IANA time zone (for example America/New_York, Europe/Berlin, UTC)',
      'changegate.yaml:8:30  environments.prod.windows[2].from  must be a time HH:MM on a 24-hour clock, like "02:00", not the string "24:00"',
      'changegate.yaml:9:18  environments.prod.window_wait  must be at most 21600, not the number 21601',
    ]);
    const alone = load('    window_wait: 60\n');
    assert.deepEqual(alone.diagnostics.map(formatDiagnostic), ['changegate.yaml:5:18  environments.prod.window_wait  has no windows to wait for; add windows or remove window_wait']);
  });
});
