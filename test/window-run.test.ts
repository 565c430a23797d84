// apply's maintenance window over in-memory ports with an injected clock and sleep: refused outside
// before connecting, waiting for an opening then running, a change too long for what is left of the
// window refused before its first statement, and an emergency with an approver recorded and announced.
import { strict as assert } from 'node:assert';
import type { Change, Config, EnvironmentConfig } from '../src/core/types.js';
import { applyRun, type ApplyRequest } from '../src/core/usecases/apply-run.js';
import type { ImpactPort, RunEvents } from '../src/core/usecases/ports.js';
import { MemoryServer, memoryChange } from './helpers/memory-target.js';
import { memoryPorts } from './helpers/memory-ports.js';

const base = { snapshot: 'never' as const, lock_wait_timeout: 5, lock_retries: 0, lock_timeout: 10, snapshot_timeout: 60, snapshot_poll_seconds: 1, line: 1 };
// Saturday and Sunday 02:00-05:00 in New York: 07:00-10:00 UTC in December.
const windows = [{ days: ['sat' as const, 'sun' as const], from: '02:00', to: '05:00', timezone: 'America/New_York' }];
const prod: EnvironmentConfig = { ...base, name: 'prod', windows };
const config: Config = { root: '/repo', file: 'changegate.yaml', database: 'app', server: { min_version: '8.0' }, protected_clusters: [], environments: [prod] };
const A: Change = memoryChange('2026-12-01-a', ["INSERT INTO trace VALUES ('a1')"]);
const B: Change = memoryChange('2026-12-02-b', ["INSERT INTO trace VALUES ('b1')", "INSERT INTO trace VALUES ('b2')"]);
const scopeOf = (env: EnvironmentConfig, changes: Change[] = [A]) => ({ config: { ...config, environments: [env] }, changes, byId: new Map(changes.map((c) => [c.id, c])), env });
const request = (over: Partial<ApplyRequest> = {}): ApplyRequest => ({
  runner: { inActions: false, deploymentEnvironment: undefined, approvedBy: undefined },
  dryRun: false, pullRequest: null, lockTimeoutSec: 0, inFlightWaitMs: 0, pollMs: 0, ...over,
});

// A clock the test moves: sleeping advances it, and every sleep is recorded.
function clock(iso: string) {
  let t = new Date(iso).getTime();
  const slept: number[] = [];
  return { slept, now: () => new Date(t), sleep: async (ms: number) => void (slept.push(ms), (t += ms)) };
}

// What the run said, in order.
function recorder() {
  const lines: string[] = [];
  const events: RunEvents = { info: (l) => lines.push(`info: ${l}`), warn: (l) => lines.push(`warn: ${l}`) };
  return { lines, events };
}

// An impact reader that gives each statement of a change the seconds the test names.
function secondsImpact(seconds: Record<string, number[]>): ImpactPort {
  return {
    assess: async (plan) => {
      for (const c of plan.changes) {
        c.statements.forEach((s, i) => {
          const sec = seconds[c.id]?.[i];
          s.impact = sec === undefined ? null : { table: 'app.t', rows: 1, bytes: 1, algorithm: 'copy', lock: 'shared', rebuild: true, seconds: sec };
        });
      }
    },
    close: async () => undefined,
  };
}

describe('apply in maintenance windows (in-memory ports, injected clock)', () => {
  it('refuses outside every window before connecting, naming the next opening in its zone and in UTC', async () => {
    const c = clock('2026-12-07T12:00:00Z'); // Monday
    const ports = memoryPorts(new MemoryServer(), { ports: { now: c.now, sleep: c.sleep } });
    await assert.rejects(applyRun(scopeOf(prod), request(), ports, {}), {
      message:
        'refused: prod is outside its maintenance windows; the next opens Sat 2026-12-12 02:00 America/New_York (2026-12-12 07:00 UTC). ' +
        'Nothing was contacted; run it then, or override with --emergency "<reason>" and an approver',
    });
    assert.equal(ports.locks, 0);
    await assert.rejects(applyRun(scopeOf({ ...prod, window_wait: 3600 }), request(), ports, {}), {
      message:
        'refused: prod is outside its maintenance windows; the next opens Sat 2026-12-12 02:00 America/New_York (2026-12-12 07:00 UTC), in 414000 s, longer than window_wait (3600 s). ' +
        'Nothing was contacted; run it then, or override with --emergency "<reason>" and an approver',
    });
    assert.deepEqual([ports.locks, c.slept], [0, []]);
  });

  it('a dry run outside a window plans without refusing, and an emergency dry run asks nothing', async () => {
    const c = clock('2026-12-07T12:00:00Z');
    const out = await applyRun(scopeOf(prod), request({ dryRun: true }), memoryPorts(new MemoryServer(), { ports: { now: c.now } }), {});
    assert.equal(out.kind, 'dry-run');
    const { lines, events } = recorder();
    const urgent = await applyRun(scopeOf(prod), request({ dryRun: true, emergency: 'disk full' }), memoryPorts(new MemoryServer(), { ports: { now: c.now } }), events);
    assert.deepEqual([urgent.kind, lines], ['dry-run', []]);
  });

  it('waits for the next opening when window_wait allows it, saying until when, then runs', async () => {
    const c = clock('2026-12-12T06:30:00Z'); // Saturday 01:30 in New York
    const server = new MemoryServer();
    let lockedAt: Date | null = null;
    const ports = memoryPorts(server, { ports: { now: c.now, sleep: c.sleep } });
    const lock = ports.lock;
    ports.lock = (env, t) => ((lockedAt = c.now()), lock(env, t));
    const { lines, events } = recorder();
    const out = await applyRun(scopeOf({ ...prod, window_wait: 3600 }), request(), ports, events);
    assert.equal(out.kind, 'applied');
    assert.deepEqual(c.slept, [1_800_000]);
    assert.equal(lockedAt!.toISOString(), '2026-12-12T07:00:00.000Z', 'connects only once the window is open');
    assert.deepEqual(server.committed.trace, ['a1']);
    assert.deepEqual(lines, [
      'info: prod is outside its maintenance windows; waiting 1800 s (window_wait 3600 s) until Sat 2026-12-12 02:00 America/New_York (2026-12-12 07:00 UTC)',
      'info: 2026-12-01-a: its time cannot be estimated (1 statement(s) without an estimate), so the window does not hold it back; 10800 s are left, until Sat 2026-12-12 05:00 America/New_York (2026-12-12 10:00 UTC)',
    ]);
  });

  it('runs inside a window and says until when', async () => {
    const c = clock('2026-12-12T08:00:00Z');
    const server = new MemoryServer();
    const { lines, events } = recorder();
    const ports = memoryPorts(server, { ports: { now: c.now }, target: { impact: async () => secondsImpact({ [A.id]: [5] }) } });
    await applyRun(scopeOf(prod), request(), ports, events);
    assert.deepEqual(server.committed.trace, ['a1']);
    assert.deepEqual(lines, ['info: prod is inside a maintenance window until Sat 2026-12-12 05:00 America/New_York (2026-12-12 10:00 UTC)']);
    // The ticket's start and end comments say which window the run is in.
    const note = 'inside a maintenance window until Sat 2026-12-12 05:00 America/New_York (2026-12-12 10:00 UTC)';
    assert.deepEqual(ports.announced.map((a) => [a.phase, a.windowNote]), [['start', note], ['success', note]]);
  });

  it('does not start a change whose estimate exceeds what is left of the window, with both numbers', async () => {
    const c = clock('2026-12-12T09:00:00Z'); // an hour left
    const server = new MemoryServer();
    const ports = memoryPorts(server, { ports: { now: c.now }, target: { impact: async () => secondsImpact({ [A.id]: [10], [B.id]: [3000, 1000] }) } });
    const reported: string[] = [];
    await assert.rejects(applyRun(scopeOf(prod, [A, B]), request(), ports, { reported: (r) => reported.push(r.changes.map((x) => `${x.id} ${x.result}`).join(', ')) }), {
      message:
        'refused: 2026-12-02-b was not started: it is estimated at 4000 s and 3600 s are left in the prod maintenance window, ' +
        'which closes Sat 2026-12-12 05:00 America/New_York (2026-12-12 10:00 UTC)',
    });
    assert.deepEqual(server.committed.trace, ['a1']);
    assert.equal(server.committed.history.has(B.id), false, 'nothing is written for the change that did not start');
    assert.deepEqual(reported, ['2026-12-01-a applied, 2026-12-02-b not-run']);
    assert.deepEqual(ports.announced.map((a) => a.phase), ['start', 'failure']);
  });

  it('counts only what it can estimate, says what it left out, and starts nothing once the window has closed', async () => {
    const c = clock('2026-12-12T09:00:00Z');
    const server = new MemoryServer();
    const partly = secondsImpact({ [A.id]: [3000] }); // B's statements: no estimate
    const impact: ImpactPort = {
      ...partly,
      // B is judged after A ran: A took 3601 s of the clock.
      assess: async (plan, opts) => {
        if (opts.checks && plan.changes[0]?.id === B.id) await c.sleep(3_601_000);
        await partly.assess(plan, opts);
      },
    };
    const { lines, events } = recorder();
    await assert.rejects(applyRun(scopeOf(prod, [A, B]), request(), memoryPorts(server, { ports: { now: c.now }, target: { impact: async () => impact } }), events), {
      message: 'refused: 2026-12-02-b was not started: prod is outside its maintenance windows now; the next opens Sun 2026-12-13 02:00 America/New_York (2026-12-13 07:00 UTC)',
    });
    assert.deepEqual(server.committed.trace, ['a1']);
    assert.deepEqual(lines.slice(1), []);
    const mixed = new MemoryServer();
    const half = secondsImpact({ [B.id]: [3000] });
    const told = recorder();
    await applyRun(scopeOf(prod, [B]), request(), memoryPorts(mixed, { ports: { now: clock('2026-12-12T09:00:00Z').now }, target: { impact: async () => half } }), told.events);
    assert.deepEqual(mixed.committed.trace, ['b1', 'b2']);
    assert.equal(told.lines[1], 'info: 2026-12-02-b: estimated at 3000 s without 1 statement(s) that have no estimate; 3600 s are left, until Sat 2026-12-12 05:00 America/New_York (2026-12-12 10:00 UTC)');
  });

  it('an emergency with an approver runs outside the windows, recorded on each change and announced', async () => {
    const c = clock('2026-12-07T12:00:00Z');
    const server = new MemoryServer();
    const ports = memoryPorts(server, { ports: { now: c.now, sleep: c.sleep } });
    const { lines, events } = recorder();
    const runner = { inActions: false, deploymentEnvironment: undefined, approvedBy: 'alice' };
    const out = await applyRun(scopeOf(prod, [A, B]), request({ runner, emergency: 'invoices stuck: INV-1302' }), ports, events);
    assert.equal(out.kind, 'applied');
    assert.deepEqual(server.committed.trace, ['a1', 'b1', 'b2']);
    assert.deepEqual([A.id, B.id].map((id) => [server.committed.history.get(id)!.emergency, server.committed.history.get(id)!.approver]), [
      ['invoices stuck: INV-1302', 'alice'],
      ['invoices stuck: INV-1302', 'alice'],
    ]);
    assert.deepEqual(ports.announced.map((a) => [a.phase, a.emergency]), [['start', 'invoices stuck: INV-1302'], ['success', 'invoices stuck: INV-1302']]);
    assert.deepEqual(lines, ['warn: emergency: prod runs regardless of its maintenance windows: invoices stuck: INV-1302 (approved by alice); recorded in the history and announced']);
    assert.deepEqual(c.slept, []);
  });

  it('an emergency takes the approver from GitHub; without one, or without windows, it is refused before connecting', async () => {
    const c = clock('2026-12-07T12:00:00Z');
    const inActions = { inActions: true, deploymentEnvironment: 'prod', approvedBy: undefined };
    const approved = new MemoryServer();
    const ports = memoryPorts(approved, { ports: { now: c.now, approvals: async () => ({ approver: 'bob', reviewers: [] }) } });
    await applyRun(scopeOf(prod), request({ runner: inActions, emergency: 'disk full' }), ports, {});
    assert.equal(approved.committed.history.get(A.id)!.emergency, 'disk full');

    const none = memoryPorts(new MemoryServer(), { ports: { now: c.now } });
    await assert.rejects(applyRun(scopeOf(prod), request({ runner: inActions, emergency: 'disk full' }), none, {}), {
      message: 'refused: --emergency needs an approver: pass --approved-by <the teammate who approved it>, or run it in a GitHub Actions job whose prod deployment a reviewer approved',
    });
    const alice = { inActions: false, deploymentEnvironment: undefined, approvedBy: 'alice' };
    await assert.rejects(applyRun(scopeOf({ ...prod, windows: undefined }), request({ runner: alice, emergency: 'disk full' }), none, {}), {
      message: '--emergency overrides a maintenance window, and prod has none; run without it',
    });
    await assert.rejects(applyRun(scopeOf(prod), request({ runner: alice, emergency: '  ' }), none, {}), {
      message: '--emergency needs a reason: --emergency "<why this cannot wait for the window>"',
    });
    assert.equal(none.locks, 0);
  });
});
