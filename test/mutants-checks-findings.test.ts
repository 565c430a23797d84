// The impact pass's results as findings on the SQL line of their statement (`--format github`
// annotations): a statement that blocks writes, a failed check as an error, a warning as a warning,
// a pass as nothing; and checks in a stable order.
import assert from 'node:assert/strict';
import { BLOCKING_CODE, checkDiagnostics, riskDiagnostics, sortChecks } from '../src/core/impact/findings.js';
import { byRisk } from '../src/core/impact/present.js';
import type { CheckResult, Impact } from '../src/core/impact/types.js';
import type { PlannedChange } from '../src/core/plan-types.js';

const impact = (more: Partial<Impact>): Impact => ({ table: 'shop.users', rows: 1200, bytes: 16 * 1024, algorithm: 'inplace', lock: 'none', rebuild: false, seconds: 3, ...more });
const check = (statement: number, code: string, outcome: CheckResult['outcome'] = 'warn'): CheckResult => ({ code, statement, outcome, count: 1, message: `${code} of ${statement}` });

function change(statements: Array<{ impact?: Impact | null; reason?: string }>, checks?: CheckResult[], resumeFrom = 1): PlannedChange {
  return {
    id: 'c1', title: 'c1', ticket: 'T-1', file: 'changes/c1.yaml', destructive: false, resumeFrom, diagnostics: [],
    statements: statements.map((s, i) => ({ n: i + 1, file: 'migrations/c1/up.sql', line: 10 * (i + 1), sql: `S${i + 1}`, ...s })),
    ...(checks ? { checks } : {}),
  };
}

describe('impact findings', () => {
  it('orders checks by statement, then code, without touching the list it is given', () => {
    const checks = [check(2, 'CG502'), check(1, 'CG506'), check(2, 'CG401'), check(1, 'CG501'), check(2, 'CG502', 'fail')];
    const copy = [...checks];
    assert.deepEqual(sortChecks(checks), [checks[3], checks[1], checks[2], checks[0], checks[4]]);
    assert.deepEqual(checks, copy);
  });

  it('annotates each statement that blocks writes, with its reason, from where the change resumes', () => {
    const c = change([
      { impact: impact({ algorithm: 'copy', lock: 'shared', rebuild: true }), reason: 'copies' },
      { impact: impact({ algorithm: 'copy', lock: 'shared', rebuild: true }), reason: 'copies the table' },
      { impact: impact({ algorithm: 'instant' }), reason: 'instant' },
      { impact: null },
      { impact: impact({ algorithm: null, lock: null, rebuild: null, seconds: null }) },
      {},
    ], undefined, 2);
    assert.deepEqual(riskDiagnostics(c), [
      { code: BLOCKING_CODE, severity: 'warning', file: 'migrations/c1/up.sql', line: 20, column: 1, message: 'shop.users  1,200 rows  16 KB  copy, lock shared, rebuilds  ~3 s  BLOCKS WRITES: copies the table', destructive: false },
      { code: BLOCKING_CODE, severity: 'warning', file: 'migrations/c1/up.sql', line: 50, column: 1, message: 'shop.users  1,200 rows  16 KB  unknown algorithm, lock unknown  ? s  BLOCKS WRITES', destructive: false },
    ]);
    assert.equal(BLOCKING_CODE, 'CG400');
  });

  it('annotates failed checks as errors and warnings as warnings on their statement\'s line, after the blocking statements', () => {
    const c = change([{ impact: impact({ lock: 'exclusive' }) }, {}], [check(2, 'CG501', 'fail'), check(1, 'CG505', 'pass'), check(1, 'CG502', 'warn'), check(3, 'CG503', 'fail')]);
    assert.deepEqual(riskDiagnostics(c), [
      { code: 'CG400', severity: 'warning', file: 'migrations/c1/up.sql', line: 10, column: 1, message: 'shop.users  1,200 rows  16 KB  inplace, lock exclusive  ~3 s  BLOCKS WRITES', destructive: false },
      { code: 'CG501', severity: 'error', file: 'migrations/c1/up.sql', line: 20, column: 1, message: 'CG501 of 2', destructive: false },
      { code: 'CG502', severity: 'warning', file: 'migrations/c1/up.sql', line: 10, column: 1, message: 'CG502 of 1', destructive: false },
    ]);
    assert.deepEqual(checkDiagnostics(change([{}])), []);
  });
});

describe('impact: riskiest first', () => {
  it('puts a statement in place before an instant one, however long either takes', () => {
    const c = change([{ impact: impact({ algorithm: 'instant', seconds: 50 }) }, { impact: impact({ algorithm: 'inplace', seconds: 0 }) }, { impact: impact({ algorithm: 'instant', seconds: 90 }) }]);
    assert.deepEqual(byRisk(c).map((s) => s.n), [2, 3, 1]);
  });
});
