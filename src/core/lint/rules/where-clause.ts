// UPDATE / DELETE without WHERE: every row of the table.
import type { Analyzer } from '../analyzer.js';
import { isWord } from '../syntax.js';
import { refText } from '../../sql/structure.js';

const rule = { code: 'CG209', severity: 'warning', destructive: false, summary: 'UPDATE or DELETE without WHERE changes every row' } as const;

export const whereClauseAnalyzer: Analyzer = {
  name: 'where-clause',
  rules: [rule],
  analyze(statements, report) {
    for (const st of statements) {
      if (st.verbWord !== 'UPDATE' && st.verbWord !== 'DELETE') continue;
      const tokens = st.tokens;
      const d = tokens[st.verb]!.depth;
      // A WHERE, or a join condition (ON), at the statement's own level limits the rows.
      let limited = false;
      for (let j = st.verb + 1; j < tokens.length && !limited; j++) {
        if (tokens[j]!.depth === d && isWord(tokens[j], 'WHERE', 'ON')) limited = true;
      }
      if (limited) continue;
      const n = st.structure.targets[0];
      const table = n ? refText(n) : 'the table';
      const message = st.verbWord === 'DELETE'
        ? `DELETE without WHERE removes every row of ${table}; add the WHERE clause you mean, or use TRUNCATE TABLE if emptying the table is the point`
        : `UPDATE without WHERE overwrites the columns it sets in every row of ${table}; add the WHERE clause you mean (WHERE TRUE when every row is intended)`;
      report({ code: rule.code, statement: st, message });
    }
  },
};
