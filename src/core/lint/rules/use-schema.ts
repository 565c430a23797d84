// USE: the schema of a change comes from its environment, never from the SQL.
import type { Analyzer } from '../analyzer.js';
import { nameOf } from '../syntax.js';
import { quoteIdent } from '../../sql/quote.js';

const rule = { code: 'CG203', severity: 'error', destructive: false, summary: 'USE switches to another schema' } as const;

export const useSchemaAnalyzer: Analyzer = {
  name: 'use-schema',
  rules: [rule],
  analyze(statements, report) {
    for (const st of statements) {
      if (st.verbWord !== 'USE') continue;
      const target = st.tokens[st.verb + 1];
      const name = target ? quoteIdent(nameOf(target)) : '';
      report({
        code: rule.code,
        statement: st,
        message: `USE ${name} switches the session to another schema, so the statements after it run outside the schema the environment configures; remove it`,
      });
    }
  },
};
