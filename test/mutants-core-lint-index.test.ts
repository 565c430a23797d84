// The lint runner's own duties: the file position of a finding inside a statement that spans lines
// (or starts with a newline), statements with no code at all, and the traits the apply loop reads
// of each statement (a data statement, or one that commits implicitly).
import { strict as assert } from 'node:assert';
import { lintStatements, statementTraits } from '../src/core/lint/index.js';

describe('lint: where a finding is in the file', () => {
  it('counts lines and columns from the statement\'s own position, a leading newline included', () => {
    const found = lintStatements([
      { file: 'm/up.sql', line: 3, column: 5, sql: '\nDROP TABLE t' },
      { file: 'm/up.sql', line: 9, column: 2, sql: 'ALTER TABLE t\n  ADD COLUMN c INT NOT NULL,\n  DROP COLUMN d, ALGORITHM=INPLACE' },
      { file: 'm/up.sql', line: 12, column: 1, sql: '-- only a comment' },
    ]);
    assert.deepEqual(found.map((d) => [d.code, d.line, d.column]), [['CG101', 4, 1], ['CG201', 10, 14], ['CG106', 11, 3]]);
  });
});

describe('lint: what the apply loop reads of a statement', () => {
  // A data statement runs in the loop's transaction; schema DDL and TRUNCATE commit implicitly;
  // anything else (and an empty statement) is neither, and gets commits around it.
  const CASES: Array<[string, { kind: string; implicit: boolean }]> = [
    ['CREATE TABLE t (id INT)', { kind: 'ddl', implicit: true }],
    ['TRUNCATE t', { kind: 'ddl', implicit: true }],
    ['CREATE TEMPORARY TABLE x (id INT)', { kind: 'ddl', implicit: false }],
    ['ANALYZE TABLE t', { kind: 'ddl', implicit: false }],
    ['SET @a = 1', { kind: 'ddl', implicit: false }],
    ['INSERT INTO t VALUES (1)', { kind: 'dml', implicit: false }],
    ["LOAD DATA INFILE 'f' INTO TABLE t", { kind: 'dml', implicit: false }],
    ['', { kind: 'ddl', implicit: false }],
  ];
  for (const [sql, traits] of CASES) {
    it(`${sql || '(empty)'}: ${traits.kind}${traits.implicit ? ', commits implicitly' : ''}`, () => {
      assert.deepEqual(statementTraits({ file: 'f', line: 1, column: 1, sql }), traits);
    });
  }
});
