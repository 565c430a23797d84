// The pure helpers of the impact pre-checks, written against the mutants `npm run mutate` found
// alive (the checks themselves run against a real server in impact-prechecks.test.ts): the range
// of each numeric type a narrowing is checked against, and the SELECT an UPDATE or DELETE is
// explained through; and how an impact reads in every output.
import { strict as assert } from 'node:assert';
import { numericRange, selectOf } from '../src/core/impact/checks.js';
import { byRisk, bytesText, howText, impactLine, rowsText, secondsText } from '../src/core/impact/present.js';
import type { Impact } from '../src/core/impact/types.js';
import type { PlannedChange } from '../src/core/plan-types.js';

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

describe('impact: how an impact reads', () => {
  const impact = (more: Partial<Impact>): Impact => ({ table: 's.t', rows: 1200, bytes: 16 * 1024, algorithm: 'inplace', lock: 'none', rebuild: false, seconds: 3, ...more });

  it('words rows, sizes, durations and the way a statement runs', () => {
    assert.deepEqual([null, 0, 1, 2, 1234567].map(rowsText), ['? rows', '0 rows', '1 row', '2 rows', '1,234,567 rows']);
    assert.deepEqual([null, 0, 1023, 1024, 1536, 9.5 * 1024, 10 * 1024, 340 * 1024 * 1024, 1.2 * 1024 ** 3, 3 * 1024 ** 4].map(bytesText),
      ['?', '0 B', '1023 B', '1.0 KB', '1.5 KB', '9.5 KB', '10 KB', '340 MB', '1.2 GB', '3.0 TB']);
    assert.deepEqual([null, 0, 0.2, 12.4, 59.4, 60, 299, 3599, 3600, 7560].map(secondsText),
      ['? s', '0 s', '~1 s', '~12 s', '~59 s', '~1 min', '~5 min', '~60 min', '~1.0 h', '~2.1 h']);
    assert.deepEqual([
      howText(impact({ algorithm: 'copy', lock: 'shared', rebuild: true })),
      howText(impact({ algorithm: 'instant' })),
      howText(impact({ algorithm: null, lock: null, rebuild: null })),
    ], ['copy, lock shared, rebuilds', 'instant, lock none', 'unknown algorithm, lock unknown']);
  });

  it('puts one impact on one line, and says when it blocks writes', () => {
    assert.equal(impactLine(impact({ algorithm: 'copy', lock: 'shared', rebuild: true })), 's.t  1,200 rows  16 KB  copy, lock shared, rebuilds  ~3 s  BLOCKS WRITES');
    assert.equal(impactLine(impact({ table: null, rows: null, bytes: null, seconds: null })), '—  ? rows  ?  inplace, lock none  ? s');
    assert.equal(impactLine(impact({ lock: 'exclusive' })), 's.t  1,200 rows  16 KB  inplace, lock exclusive  ~3 s  BLOCKS WRITES');
    assert.equal(impactLine(impact({ algorithm: null })), 's.t  1,200 rows  16 KB  unknown algorithm, lock none  ~3 s  BLOCKS WRITES');
    assert.equal(impactLine(impact({ lock: null })), 's.t  1,200 rows  16 KB  inplace, lock unknown  ~3 s  BLOCKS WRITES');
  });

  it('orders a change\'s judged statements riskiest first, then longest, then in order, from where it resumes', () => {
    const st = (n: number, i: Partial<Impact> | null) => ({ n, file: 'm.sql', line: n, sql: `S${n}`, ...(i ? { impact: impact(i) } : {}) });
    const change = {
      resumeFrom: 2,
      statements: [
        st(1, { algorithm: 'copy', lock: 'shared' }),
        st(2, { algorithm: 'instant', seconds: 0 }),
        st(3, { rebuild: true, seconds: 5 }),
        st(4, null),
        st(5, { seconds: 9 }),
        st(6, { algorithm: 'copy', lock: 'shared', seconds: 1 }),
        st(7, { rebuild: null, seconds: 1 }),
        st(8, { seconds: null }),
        st(9, { algorithm: 'copy', lock: 'shared', seconds: 1 }),
        st(10, { rebuild: true, seconds: 50 }),
      ],
    } as unknown as PlannedChange;
    assert.deepEqual(byRisk(change).map((s) => s.n), [6, 9, 10, 3, 7, 8, 5, 2]);
  });
});
