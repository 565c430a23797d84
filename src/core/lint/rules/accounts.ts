// GRANT / REVOKE / user and role management: accounts belong to the server, not to a schema change.
import type { Analyzer } from '../analyzer.js';
import { isWord } from '../syntax.js';

const rule = { code: 'CG206', severity: 'error', destructive: false, summary: 'manages accounts or privileges' } as const;

export const accountsAnalyzer: Analyzer = {
  name: 'accounts',
  rules: [rule],
  analyze(statements, report) {
    for (const st of statements) {
      const t = st.tokens;
      const k = st.verb;
      const next = t[k + 1];
      let head: string | undefined;
      if (st.verbWord === 'GRANT' || st.verbWord === 'REVOKE') head = st.verbWord;
      else if (['CREATE', 'DROP', 'ALTER', 'RENAME'].includes(st.verbWord) && isWord(next, 'USER', 'ROLE')) head = `${st.verbWord} ${next!.value}`;
      else if (st.verbWord === 'SET' && isWord(next, 'PASSWORD')) head = 'SET PASSWORD';
      else if (st.verbWord === 'SET' && isWord(next, 'DEFAULT') && isWord(t[k + 2], 'ROLE')) head = 'SET DEFAULT ROLE';
      if (!head) continue;
      report({
        code: rule.code,
        statement: st,
        message: `${head} changes accounts or privileges, which belong to the server, not to the schema this change runs in; manage accounts and privileges outside changegate`,
      });
    }
  },
};
