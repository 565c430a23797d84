// The min-heap behind the manifest graph's order and the replay's start order: any pushes, in any
// order, pop back sorted.
import { strict as assert } from 'node:assert';
import { MinHeap } from '../src/core/min-heap.js';

describe('min-heap', () => {
  it('pops numbers pushed in any order smallest first, repeats included', () => {
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) % 50;
    const h = new MinHeap<number>();
    const all: number[] = [];
    const popped: number[] = [];
    for (let i = 0; i < 300; i++) {
      const x = next();
      h.push(x);
      all.push(x);
    }
    assert.equal(h.size, 300);
    while (h.size > 0) popped.push(h.pop()!);
    assert.deepEqual(popped, [...all].sort((a, b) => a - b));
    assert.equal(h.pop(), undefined);
    assert.equal(h.peek(), undefined);
  });

  it('interleaves pushes and pops: each pop is the smallest value still held', () => {
    const h = new MinHeap<string>();
    const held: string[] = [];
    const ids = ['2026-12-03-c', '2026-12-01-a', '2026-12-05-e', '2026-12-02-b', '2026-12-04-d', '2026-12-01-a'];
    for (const id of ids) {
      h.push(id);
      held.push(id);
      held.sort();
      assert.equal(h.peek(), held[0]);
      if (held.length % 2 === 0) assert.equal(h.pop(), held.shift());
    }
    while (held.length) assert.equal(h.pop(), held.shift());
  });
});
