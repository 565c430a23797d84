// The pure helpers of the impact pre-checks, written against the mutants `npm run mutate` found
// alive (the checks themselves run against a real server in impact-prechecks.test.ts): the range
// of each numeric type a narrowing is checked against, and the SELECT an UPDATE or DELETE is
// explained through.
import { strict as assert } from 'node:assert';
import { numericRange, selectOf } from '../src/core/impact/checks.js';

describe('impact checks: numericRange', () => {
  const CASES: Array<[string, { min: string; max: string } | null]> = [
    ['tinyint', { min: '-128', max: '127' }],
    ['tinyint unsigned', { min: '0', max: '255' }],
    ['smallint', { min: '-32768', max: '32767' }],
    ['mediumint unsigned', { min: '0', max: '16777215' }],
    ['int', { min: '-2147483648', max: '2147483647' }],
    ['int(11) unsigned zerofill', { min: '0', max: '4294967295' }],
    ['bigint', { min: '-9223372036854775808', max: '9223372036854775807' }],
    ['bigint unsigned', { min: '0', max: '18446744073709551615' }],
    ['decimal', { min: '-9999999999', max: '9999999999' }],
    ['decimal(5)', { min: '-99999', max: '99999' }],
    ['decimal(5,2)', { min: '-999.99', max: '999.99' }],
    ['decimal(4, 4) unsigned', { min: '0', max: '0.9999' }],
    ['decimal(3,0)', { min: '-999', max: '999' }],
    ['varchar(10)', null],
    ['double', null],
  ];
  for (const [type, range] of CASES) {
    it(type, () => assert.deepEqual(numericRange(type), range));
  }
});

describe('impact checks: selectOf', () => {
  const CASES: Array<[string, string | null]> = [
    ['UPDATE t SET a = 1 WHERE id = 2', 'SELECT 1 FROM t WHERE id = 2'],
    ['UPDATE LOW_PRIORITY IGNORE s.t AS x JOIN u ON x.id = u.id SET x.a = 1 WHERE u.b > 0 ORDER BY x.id LIMIT 10', 'SELECT 1 FROM s.t AS x JOIN u ON x.id = u.id WHERE u.b > 0'],
    ['UPDATE t SET a = 1', 'SELECT 1 FROM t'],
    ['UPDATE t SET a = (SELECT MAX(b) FROM u WHERE u.c = 1) LIMIT 5', 'SELECT 1 FROM t'],
    ['DELETE FROM t WHERE id < 10 ORDER BY id LIMIT 100;', 'SELECT 1 FROM t WHERE id < 10'],
    ['DELETE FROM t', 'SELECT 1 FROM t'],
    ['DELETE FROM t LIMIT 3', 'SELECT 1 FROM t'],
    ['DELETE a FROM a JOIN b ON a.id = b.id WHERE b.x = 1', 'SELECT 1 FROM a JOIN b ON a.id = b.id WHERE b.x = 1'],
    ['DELETE FROM a USING a JOIN b ON a.id = b.id WHERE b.x = 1', 'SELECT 1 FROM a JOIN b ON a.id = b.id WHERE b.x = 1'],
    ['/* c */ update t set a = 1 where (b = 2) ;', 'SELECT 1 FROM t where (b = 2)'],
    ['DELETE t', null],
    ['UPDATE t', null],
    ['INSERT INTO t VALUES (1)', null],
    ['  ', null],
  ];
  for (const [sql, select] of CASES) {
    it(sql, () => assert.equal(selectOf(sql), select));
  }
});
