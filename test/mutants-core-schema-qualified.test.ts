// Where CG202 looks for a schema qualifier and where it must not: the table lists it follows (and
// where they end), qualified routine calls and names of three or more parts, LIKE as a table slot
// only in CREATE TABLE, and two-part names that are a table and its column.
import { strict as assert } from 'node:assert';
import { lintStatements } from '../src/core/lint/index.js';

// Each non-destructive finding as `code@column`, with CG202's message in full.
function findings(sql: string): string[] {
  return lintStatements([{ file: 'm/up.sql', line: 1, column: 1, sql }])
    .filter((d) => !d.destructive)
    .map((d) => `${d.code}@${d.column}${d.code === 'CG202' ? ` ${d.message}` : ''}`);
}

const names = (name: string, schema: string) =>
  `${name} names schema ${schema}: changegate runs each change in the schema its environment configures, so this statement would reach ${schema} in every environment; leave the ${schema}. qualifier out`;

const CASES: Array<[string, string, string[]]> = [
  ['privileges name schemas under their own rule (CG206), even ON TABLE', 'GRANT SELECT ON TABLE s.t TO r', ['CG206@1']],
  ['privileges name schemas under their own rule (CG206), even ON TABLE', 'REVOKE SELECT ON TABLE s.t FROM r', ['CG206@1']],
  ['the DATABASE() and SCHEMA() functions manage no schema', 'SELECT DATABASE(), SCHEMA()', []],
  ['a table list goes on past a quoted alias', 'SELECT * FROM a `x`, s.b', [`CG202@22 ${names('`s`.`b`', '`s`')}`]],
  ['a table list ends after three words that are no comma', 'SELECT * FROM a x1 x2 x3 x4, s.b', []],
  ['a subquery that starts with WITH lists tables after FROM', 'SELECT * FROM a WHERE id IN (WITH q AS (SELECT 1) SELECT id FROM s.b)', [`CG202@66 ${names('`s`.`b`', '`s`')}`]],
  ['FROM inside a function call is no table list', 'SELECT EXTRACT(YEAR FROM a.d) FROM a', []],
  ['a name of four parts is one finding, at its first part', 'SELECT w.x.y.z FROM t', [`CG202@8 ${names('`w`.`x`.`y`.`z`', '`w`')}`]],
  ['a quoted schema before a routine call', 'SELECT `s`.f(1)', [`CG202@8 ${names('`s`.`f`', '`s`')}`]],
  ['a table\'s star is no qualified name', 'SELECT a.* FROM a', []],
  ['a quoted keyword is a name, not a table slot', 'SELECT `JOIN`, s.x FROM s', []],
  ['ON after an index hint is a join condition', 'SELECT * FROM a FORCE INDEX (i) JOIN b ON b.id = a.id', []],
  ['ON in CREATE TABLE ... SELECT is a join condition', 'CREATE TABLE t2 (id INT PRIMARY KEY) SELECT * FROM a JOIN b ON b.id = a.id', []],
  ['ON in DROP INDEX names the table', 'DROP INDEX i ON s.t', [`CG202@17 ${names('`s`.`t`', '`s`')}`]],
  ['DELETE ... USING lists tables', 'DELETE FROM a USING a, s.b WHERE a.id = b.id', [`CG202@24 ${names('`s`.`b`', '`s`')}`]],
  ['UPDATE after ON DUPLICATE KEY assigns columns', 'INSERT INTO t (a) VALUES (1) ON DUPLICATE KEY UPDATE t.a = 2', []],
  ['RENAME TO in a later clause of ALTER TABLE names a table', 'ALTER TABLE t ADD COLUMN c INT, RENAME TO s.u', ['CG301@1', `CG202@43 ${names('`s`.`u`', '`s`')}`]],
  ['ORDER BY ends a table list', 'SELECT * FROM a ORDER BY x, a.y', []],
  ['GROUP BY ends a table list', 'SELECT * FROM a GROUP BY x, a.y', []],
  ['SELECT ends the table list of INSERT INTO', 'INSERT INTO t SELECT x, a.y FROM a', []],
  ['LIKE after a quoted table name in CREATE TABLE names a table', 'CREATE TABLE `t` LIKE s.u', [`CG202@23 ${names('`s`.`u`', '`s`')}`]],
  ['LIKE in parentheses in CREATE TABLE names a table', 'CREATE TABLE t (LIKE s.u)', [`CG202@22 ${names('`s`.`u`', '`s`')}`]],
  ['LIKE after a string is a pattern match', "CREATE VIEW v AS SELECT * FROM a WHERE 'x' LIKE a.p", []],
  ['LIKE after a function call is a pattern match', 'CREATE VIEW v AS SELECT * FROM a WHERE LOWER(a.n) LIKE a.p', []],
  ['LIKE nested in parentheses is a pattern match', 'CREATE VIEW v AS SELECT * FROM a WHERE ((x LIKE a.p))', []],
  ['a routine name after CALL, DROP PROCEDURE or DROP FUNCTION, without parentheses', 'CALL s.p', [`CG202@6 ${names('`s`.`p`', '`s`')}`]],
  ['a routine name after CALL, DROP PROCEDURE or DROP FUNCTION, without parentheses', 'DROP PROCEDURE s.p', [`CG202@16 ${names('`s`.`p`', '`s`')}`]],
  ['a routine name after CALL, DROP PROCEDURE or DROP FUNCTION, without parentheses', 'DROP FUNCTION s.f', [`CG202@15 ${names('`s`.`f`', '`s`')}`]],
];

describe('lint: where CG202 looks for a schema qualifier', () => {
  for (const [name, sql, expected] of CASES) {
    it(`${name}: ${sql}`, () => {
      assert.deepEqual(findings(sql), expected);
    });
  }
});
