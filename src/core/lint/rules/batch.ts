// `-- changegate:batch`: a statement marked to run in key-range batches must be one that batches
// safely, which a reader of the SQL alone can tell; what needs the table (its key) is the plan's.
import type { Analyzer } from '../analyzer.js';
import { batchMarker, batchShape } from '../../backfill/statement.js';

const rule = { code: 'CG214', severity: 'error', destructive: false, summary: 'a statement marked -- changegate:batch that cannot be batched safely' } as const;

export const batchAnalyzer: Analyzer = {
  name: 'batch',
  rules: [rule],
  analyze(statements, report) {
    for (const st of statements) {
      const marker = batchMarker(st.statement);
      if (!marker) continue;
      if ('error' in marker) {
        report({ code: rule.code, statement: st, message: marker.error });
        continue;
      }
      const shape = batchShape(st.statement.sql);
      if ('error' in shape) {
        report({ code: rule.code, statement: st, message: `cannot be batched: ${shape.error}` });
        continue;
      }
      const moved = (marker.key ?? []).find((k) => shape.assigns.includes(k.toLowerCase()));
      if (moved) {
        report({ code: rule.code, statement: st, message: `cannot be batched: its SET changes ${moved}, a column of the key the batches walk, so rows would move behind or ahead of the walk` });
      }
    }
  },
};
