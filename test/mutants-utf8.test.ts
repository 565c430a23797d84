// Where a file that is not UTF-8 goes wrong (CG004 names its first bad byte), written against the
// mutants `npm run mutate` found alive in the position finder: each kind of bad sequence, after
// valid sequences of every length, across lines.
import { strict as assert } from 'node:assert';
import { decodeUtf8 } from '../src/core/manifest/paths.js';

const bytes = (...parts: Array<string | number[]>) =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...Buffer.from(p, 'utf8')] : p)));

describe('manifest: the first bad byte of a file that is not UTF-8', () => {
  const CASES: Array<[string, Uint8Array, { line: number; column: number }]> = [
    ['a continuation byte where a character starts', bytes('a', [0x80]), { line: 1, column: 2 }],
    ['an overlong 2-byte form', bytes([0xc0, 0x80]), { line: 1, column: 1 }],
    ['an overlong 2-byte form (0xc1)', bytes('ab', [0xc1, 0xbf]), { line: 1, column: 3 }],
    ['an overlong 3-byte form', bytes([0xe0, 0x80, 0x80]), { line: 1, column: 1 }],
    ['an overlong 4-byte form', bytes([0xf0, 0x80, 0x80, 0x80]), { line: 1, column: 1 }],
    ['a surrogate', bytes('x', [0xed, 0xa0, 0x80]), { line: 1, column: 2 }],
    ['the last surrogate', bytes('x', [0xed, 0xbf, 0xbf]), { line: 1, column: 2 }],
    ['a code point past U+10FFFF', bytes([0xf4, 0x90, 0x80, 0x80]), { line: 1, column: 1 }],
    ['a lead byte no sequence has', bytes('é', [0xf5, 0x80, 0x80, 0x80]), { line: 1, column: 2 }],
    ['0xff', bytes('€', [0xff]), { line: 1, column: 2 }],
    ['a sequence cut by the end of the file', bytes('ab', [0xe2, 0x82]), { line: 1, column: 3 }],
    ['a 2-byte sequence cut by the end', bytes('ab', [0xc3]), { line: 1, column: 3 }],
    ['a 4-byte sequence cut by the end', bytes('😀', [0xf0, 0x9f, 0x98]), { line: 1, column: 2 }],
    ['a sequence whose second byte is no continuation', bytes([0xe2, 0x28, 0xa1]), { line: 1, column: 1 }],
    ['a sequence whose last byte is no continuation', bytes('a', [0xf0, 0x9f, 0x98, 0x41]), { line: 1, column: 2 }],
    ['after the largest 2-, 3- and 4-byte characters', bytes([0xdf, 0xbf], [0xef, 0xbf, 0xbf], [0xf4, 0x8f, 0xbf, 0xbf], [0xc0]), { line: 1, column: 4 }],
    ['after the smallest 2-, 3- and 4-byte characters', bytes([0xc2, 0x80], [0xe0, 0xa0, 0x80], [0xf0, 0x90, 0x80, 0x80], [0xff]), { line: 1, column: 4 }],
    ['after the characters around the surrogates', bytes([0xed, 0x9f, 0xbf], [0xee, 0x80, 0x80], [0xfe]), { line: 1, column: 3 }],
    ['on a later line', bytes('x\ny\n', 'zé', [0xff]), { line: 3, column: 3 }],
    ['at the start of a line', bytes('-- a\r\n', [0x80]), { line: 2, column: 1 }],
  ];
  for (const [what, b, at] of CASES) {
    it(what, () => assert.deepEqual(decodeUtf8(b), at));
  }

  it('decodes valid UTF-8 and drops a leading byte order mark', () => {
    assert.equal(decodeUtf8(bytes([0xef, 0xbb, 0xbf], 'SELECT 1; -- é€😀\n')), 'SELECT 1; -- é€😀\n');
  });
});
