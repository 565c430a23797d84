// The shadow replay's scheduler without a server: statements start only after those they wait for,
// barriers and session statements run on the first worker, the earliest ready statement starts
// first, and the failure reported is the first in statement order, with nothing after it started.
import { strict as assert } from 'node:assert';
import type { ReplaySlot } from '../src/core/sql/replay-order.js';
import { runSchedule } from '../src/core/sql/replay-schedule.js';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Runs `slots` on workers 'w0' (first) and `extra` more; statement i takes `ms[i]` and fails when in `fail`.
async function schedule(slots: ReplaySlot[], opts: { extra?: (string | null)[]; ms?: number[]; fail?: number[] } = {}) {
  const log: string[] = [];
  const done = new Set<number>();
  const first = await runSchedule(slots, 'w0', (opts.extra ?? ['w1', 'w2']).map((w) => tick(1).then(() => w)), async (w, i) => {
    for (const a of slots[i]!.after) assert.ok(done.has(a), `statement ${i} started before ${a} finished`);
    log.push(`${w}:start ${i}`);
    await tick(opts.ms?.[i] ?? 2);
    done.add(i);
    log.push(`${w}:end ${i}`);
    return !(opts.fail ?? []).includes(i);
  });
  return { first, log, started: log.filter((l) => l.includes(':start')).map((l) => Number(l.split(' ')[1])) };
}

describe('replay scheduler', () => {
  it('runs independent statements on several workers, and waits where a statement waits', async () => {
    const slots: ReplaySlot[] = [{ after: [], first: false }, { after: [], first: false }, { after: [], first: false }, { after: [0, 1, 2], first: false }];
    const { first, log, started } = await schedule(slots, { ms: [10, 10, 10, 1] });
    assert.equal(first, null);
    assert.deepEqual([...started].sort(), [0, 1, 2, 3]);
    const workers = new Set(log.filter((l) => /start [012]$/.test(l)).map((l) => l.split(':')[0]));
    assert.ok(workers.size >= 2, `statements 0-2 ran on ${[...workers].join(', ')}`);
  });

  it('runs first-only statements on the first worker, in order', async () => {
    const slots: ReplaySlot[] = [{ after: [], first: false }, { after: [], first: true }, { after: [1], first: true }];
    // Statement 0 keeps the first worker busy while the others are idle: they still may not take 1.
    const { log } = await schedule(slots, { ms: [20, 1, 1] });
    assert.deepEqual(log.filter((l) => /start [12]$/.test(l)), ['w0:start 1', 'w0:start 2']);
  });

  it('reports the first failure in statement order, though a later one failed sooner, and starts nothing after it', async () => {
    const slots: ReplaySlot[] = Array.from({ length: 6 }, () => ({ after: [], first: false }));
    const { first, started } = await schedule(slots, { ms: [1, 20, 1, 1, 1, 1], fail: [1, 2], extra: ['w1', 'w2'] });
    assert.equal(first, 1);
    assert.ok(!started.includes(5), `started ${started.join(', ')}`);
  });

  it('does without a worker that could not be had, and with none at all', async () => {
    const slots: ReplaySlot[] = [{ after: [], first: false }, { after: [], first: false }];
    assert.equal((await schedule(slots, { extra: [null, null] })).first, null);
    assert.deepEqual((await schedule(slots, { extra: [] })).started, [0, 1]);
  });
});
