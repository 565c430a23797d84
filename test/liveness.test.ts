// The watchdog's decisions over its readings, with a clock the test moves: a silent server, a frozen
// runner, a lost lock connection; the one line a run stops with; and the apply loop's check before
// each statement. The real silence, freeze and idle bound are in silent-server.test.ts.
import { strict as assert } from 'node:assert';
import { applyPlan } from '../src/core/apply.js';
import { planEnvironment } from '../src/core/plan.js';
import type { EnvironmentConfig } from '../src/core/types.js';
import { Liveness, LivenessError, watched } from '../src/core/usecases/liveness.js';
import { MemoryServer, memoryChange } from './helpers/memory-target.js';

const env: EnvironmentConfig = { name: 'qa', snapshot: 'never', lock_wait_timeout: 5, lock_retries: 0, lock_timeout: 10, snapshot_timeout: 60, snapshot_poll_seconds: 1, line: 1 };

describe('liveness: the watchdog of a run', () => {
  let t: number;
  const now = () => t;
  beforeEach(() => {
    t = 1_000_000;
  });

  it('passes while the server answers, and stops after the bound of silence, saying how long', async () => {
    let answer = true;
    const live = new Liveness({ ping: () => (answer ? Promise.resolve() : new Promise(() => undefined)), now }, 2000);
    assert.equal(live.intervalMs, 500);
    const tick = () => (live as unknown as { tick(): void }).tick();
    for (let i = 0; i < 10; i++) {
      t += 500;
      tick();
      await Promise.resolve();
      live.check();
    }
    answer = false;
    t += 500;
    tick();
    t += 500;
    tick();
    t += 500;
    tick();
    assert.doesNotThrow(() => live.check());
    t += 500;
    assert.throws(() => live.check(), (e: unknown) => e instanceof LivenessError && e.kind === 'silent' && e.message === 'the server has not answered for 2 s');
  });

  it('knows it was frozen when its own clock stood still for the bound', () => {
    const live = new Liveness({ ping: () => Promise.resolve(), now }, 2000);
    t += 1999;
    assert.doesNotThrow(() => live.check());
    t += 1;
    assert.throws(() => live.check(), {
      message: 'this runner was frozen for 2 s (its process did not run), long enough for the server to end its sessions and for another run to take over; it stops here without running another statement',
    });
  });

  it('stops once the lock connection is gone', async () => {
    const live = new Liveness({ ping: () => Promise.reject(new Error('its connection ended')), now }, 2000);
    t += 500;
    (live as unknown as { tick(): void }).tick();
    await new Promise((r) => setImmediate(r));
    assert.throws(() => live.check(), { message: "the run lock's connection was lost (its connection ended); another run may hold the target now" });
  });

  it('a watched run that stops names the statement last started, and drops its connections', async () => {
    let aborted = 0;
    const target = { heartbeat: () => Promise.resolve(), abort: () => void aborted++ };
    const change = memoryChange('2026-12-07-a', ['CREATE TABLE a (id INT)', 'CREATE TABLE b (id INT)']);
    const { plan } = planEnvironment([change], [], env);
    await assert.rejects(
      watched(target, { name: 'qa', unreachable_timeout: 2 }, {}, async (_check, events) => {
        events.statementStarted?.(plan.changes[0]!, 2, 2, 0);
        throw new LivenessError('the server has not answered for 2 s', 'silent');
      }),
      {
        message:
          'qa: the server has not answered for 2 s; statement 2 of 2026-12-07-a (migrations/2026-12-07-a/up.sql:2) was the last one started, and its outcome is unknown. ' +
          'Run apply again: it resumes where the history says, and settles an unknown statement as it does after a crash',
      },
    );
    assert.equal(aborted, 1);
    await assert.rejects(watched(target, { name: 'qa', unreachable_timeout: 2 }, {}, async () => Promise.reject(new LivenessError('the server has not answered for 2 s', 'silent'))), /; no statement was running\. Run apply again/);
    // Any other failure is the work's own, passed on as it is.
    await assert.rejects(watched(target, { name: 'qa', unreachable_timeout: 2 }, {}, async () => Promise.reject(new Error('boom'))), /^Error: boom$/);
    assert.equal(aborted, 2);
  });

  it('the apply loop asks before each statement, before its marker: a refusal sends nothing more', async () => {
    const server = new MemoryServer();
    const change = memoryChange('2026-12-07-b', ['CREATE TABLE b1 (id INT)', "INSERT INTO trace VALUES ('b2')", 'CREATE TABLE b3 (id INT)']);
    const { plan } = planEnvironment([change], [], env);
    let asked = 0;
    const ctx = {
      session: server.connect(), inspector: server, snapshotId: null, lockRetries: 0, inFlightWaitMs: 0, pollMs: 0,
      operator: { user: 'test', gitCommit: null, runUrl: null, approver: null },
      beforeStatement: () => {
        if (++asked === 3) throw new LivenessError('the server has not answered for 2 s', 'silent');
      },
    };
    await assert.rejects(applyPlan(plan, new Map([[change.id, change]]), [], ctx), LivenessError);
    assert.equal(asked, 3);
    assert.deepEqual(server.committed.trace, ['b1']);
    const row = server.committed.history.get(change.id)!;
    // Statement 2's effect and record were never committed; no marker names statement 3.
    assert.notEqual(row.inFlight, 3);
  });
});
