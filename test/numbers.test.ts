// Counts in messages: the same text as en-US toLocaleString, without loading the locale data.
import { strict as assert } from 'node:assert';
import { thousands } from '../src/core/numbers.js';

describe('thousands', () => {
  it('groups digits as en-US does, for every size of count', () => {
    const samples = [0, 1, 12, 999, 1000, 9999, 10000, 123456, 1234567, 1000000, 987654321012, Number.MAX_SAFE_INTEGER];
    for (const n of [...samples, ...samples.map((x) => -x).filter((x) => x !== 0)]) assert.equal(thousands(n), n.toLocaleString('en-US'), String(n));
  });

  it('rounds a fraction to a whole count and leaves what is not a number as it is', () => {
    assert.deepEqual([thousands(1234.6), thousands(NaN), thousands(Infinity)], ['1,235', 'NaN', 'Infinity']);
  });
});
