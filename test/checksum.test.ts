// Checksums are stored in every target's history: a new version of the normalization must give the
// very text the old one gave, or every applied change would read as drifted.
import { strict as assert } from 'node:assert';
import { normalizeForChecksum, statementHash } from '../src/core/checksum.js';

// The normalization as CHECKSUM_VERSION 1 first wrote it, without the shortcut for clean texts.
function reference(text: string): string {
  return text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').replace(/[ \t\f\v]+$/gm, '').replace(/\n+$/, '');
}

describe('checksum normalization', () => {
  it('gives the reference text for every mix of line ends, blanks and separators', () => {
    const alphabet = ['a', ' ', '\t', '\f', '\v', '\n', '\r', '\u2028', '\u2029', '\uFEFF', ';'];
    // Every text of up to four of these characters, all 16,105 of them (a shortcut bug shows on short ones).
    let texts = [''];
    let all: string[] = [''];
    for (let len = 1; len <= 4; len++) {
      texts = texts.flatMap((t) => alphabet.map((c) => t + c));
      all = all.concat(texts);
    }
    for (const t of all) assert.equal(normalizeForChecksum(t), reference(t), JSON.stringify(t));
  });

  it('hashes a statement as before', () => {
    assert.equal(statementHash('SELECT 1'), 'e004ebd5b5532a4b');
    assert.equal(statementHash('SELECT 1 \r\n'), statementHash('SELECT 1'));
  });
});
