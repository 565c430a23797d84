// `max_dml_rows`: an UPDATE or DELETE that is not batched runs as one transaction, locking every row
// it reaches until it ends; over the bound it is refused before the change's first statement, with
// the marker that makes it safe.
import type { PlannedChange } from '../plan-types.js';
import type { CheckResult } from '../impact/types.js';
import { thousands } from '../numbers.js';

/** The code of the `max_dml_rows` refusal. */
export const DML_BOUND_CODE = 'CG402';

// The pre-check whose count is EXPLAIN's estimate of the rows an UPDATE/DELETE reaches.
const ROWS_TOUCHED = 'CG506';

/** The refusals of the change's unbatched UPDATE/DELETE statements whose estimate exceeds `maxRows`. */
export function dmlBound(change: PlannedChange, maxRows: number | undefined, environment: string): CheckResult[] {
  if (maxRows === undefined) return [];
  const out: CheckResult[] = [];
  for (const k of change.checks ?? []) {
    if (k.code !== ROWS_TOUCHED || k.count === null || k.count <= maxRows) continue;
    const s = change.statements[k.statement - 1];
    if (!s || s.marker) continue;
    out.push({
      code: DML_BOUND_CODE,
      statement: k.statement,
      outcome: 'fail',
      count: k.count,
      message:
        `statement ${k.statement} reaches about ${thousands(k.count)} rows in one transaction, over max_dml_rows (${thousands(maxRows)}) of ${environment}: ` +
        'it would lock every one of them until it ends; put the line -- changegate:batch right before it to run it in batches that each commit with their progress',
    });
  }
  return out;
}
