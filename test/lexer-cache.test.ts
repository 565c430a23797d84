// The lexer's cache: every reader of a statement gets what tokenize gives, in an array of its own.
import { strict as assert } from 'node:assert';
import { codeTokens, tokenize, tokensOf } from '../src/core/sql/lexer.js';

describe('lexed once per text', () => {
  const sql = "/* why */ INSERT INTO t (a) VALUES ('x;y') -- done";

  it('gives what tokenize gives, with and without comments', () => {
    assert.deepEqual(tokensOf(sql), tokenize(sql));
    assert.deepEqual(codeTokens(sql), tokenize(sql).filter((t) => t.type !== 'comment'));
    assert.deepEqual(codeTokens(sql).map((t) => t.value), ['INSERT', 'INTO', 'T', '(', 'A', ')', 'VALUES', '(', 'x;y', ')']);
  });

  it('hands each caller its own array: one caller changing it changes nothing for the next', () => {
    const first = codeTokens(sql);
    first.pop();
    first.length = 2;
    tokensOf(sql).splice(0);
    assert.equal(codeTokens(sql).length, 10);
    assert.equal(tokensOf(sql).length, 12);
  });

  it('lexes a text bigger than the whole cache like any other, and still serves the small ones', () => {
    const big = `INSERT INTO t VALUES ${Array.from({ length: 70_000 }, (_, i) => `(${i})`).join(', ')}`;
    assert.equal(codeTokens(big).length, 4 + 70_000 * 4 - 1);
    assert.deepEqual(codeTokens(sql).length, 10);
  });
});
