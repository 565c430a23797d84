// The PR comment says which of the pull request's changes are provisional in QA, warns on one that
// has no rollback, and names another pull request's provisional change on the same table.
import { strict as assert } from 'node:assert';
import { renderPlanComment } from '../src/adapters/github/comment.js';
import type { Plan } from '../src/core/plan-types.js';

const plan: Plan = { environment: 'qa', snapshot: { required: false, reason: 'qa is configured with snapshot: never' }, changes: [], applied: ['2026-12-02-add-a', '2026-12-04-add-c'] };

describe('PR comment: provisional changes', () => {
  it('lists them, warns on a missing rollback and shows the overlap note', () => {
    const body = renderPlanComment({
      repository: 'acme/invoicing', prNumber: 7,
      environments: [
        {
          name: 'qa', plan,
          provisional: [{ id: '2026-12-02-add-a', rollback: true }, { id: '2026-12-04-add-c', rollback: false }],
          notes: ["2026-12-03-add-b of pull request #8 is provisional in qa and touches invoices too; this pull request's changes run after it, on the table as it left it"],
        },
        { name: 'prod', unavailable: 'not readable from this job' },
      ],
    });
    const lines = body.split('\n');
    const at = lines.indexOf('**Provisional in qa** (this pull request, #7): rolled back when it is amended or closed unmerged, kept when it merges unchanged');
    assert.ok(at > 0, body);
    assert.deepEqual(lines.slice(at + 1, at + 5), [
      '- `2026-12-02-add-a`',
      '- `2026-12-04-add-c` — :warning: **no rollback**: an amend or a close cannot undo it in qa; add `rollback:` to the change',
      '',
      // mdInline escapes # so that GitHub does not link it
      "Note: 2026-12-03-add-b of pull request \\#8 is provisional in qa and touches invoices too; this pull request's changes run after it, on the table as it left it",
    ]);
    assert.equal(body.split('Provisional in').length, 2, 'prod shows no provisional section');
  });
});
