// ALTER TABLE without ALGORITHM=INSTANT|INPLACE: MySQL may silently copy the table.
import type { Analyzer } from '../analyzer.js';
import { isPunct, isWord } from '../syntax.js';
import { refText } from '../../sql/structure.js';

const rule = { code: 'CG301', severity: 'notice', destructive: false, summary: 'ALTER TABLE does not state ALGORITHM=INSTANT or INPLACE' } as const;

export const alterAlgorithmAnalyzer: Analyzer = {
  name: 'alter-algorithm',
  rules: [rule],
  analyze(statements, report) {
    for (const st of statements) {
      const alter = st.verbWord === 'ALTER' ? st.structure.alter : null;
      if (!alter || alter.clauses.length === 0) continue;
      const t = st.tokens;
      const stated = alter.clauses.some(([s]) => {
        if (!isWord(t[s], 'ALGORITHM')) return false;
        const v = isPunct(t[s + 1], '=') ? t[s + 2] : t[s + 1];
        return isWord(v, 'INSTANT', 'INPLACE');
      });
      if (stated) continue;
      report({
        code: rule.code,
        statement: st,
        message: `ALTER TABLE ${st.structure.targets[0] ? refText(st.structure.targets[0]) : ''} does not state ALGORITHM=INSTANT or ALGORITHM=INPLACE: MySQL may copy the table instead, blocking writes for as long as the copy runs; state the algorithm you expect, so that the statement fails rather than copies`,
      });
    }
  },
};
