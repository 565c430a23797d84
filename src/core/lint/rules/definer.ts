// DEFINER = account: the account may not exist in every environment.
import type { Analyzer } from '../analyzer.js';
import { isPunct, isWord } from '../syntax.js';

const rule = { code: 'CG212', severity: 'warning', destructive: false, summary: 'DEFINER names an account that may not exist everywhere' } as const;

export const definerAnalyzer: Analyzer = {
  name: 'definer',
  rules: [rule],
  analyze(statements, report) {
    for (const st of statements) {
      if (st.verbWord !== 'CREATE' && st.verbWord !== 'ALTER') continue;
      const t = st.tokens;
      for (let j = st.verb + 1; j < t.length && j < st.verb + 12; j++) {
        if (!isWord(t[j], 'DEFINER') || !isPunct(t[j + 1], '=')) continue;
        const user = t[j + 2];
        if (!user || isWord(user, 'CURRENT_USER')) break;
        const host = t[j + 3]?.type === 'variable' ? t[j + 3]!.text : '';
        report({
          code: rule.code,
          statement: st,
          token: t[j]!,
          message: `DEFINER = ${user.text}${host} ties the object to an account that may not exist in every environment, and the object fails when used where it does not; leave DEFINER out (the object then belongs to the account changegate runs as) or write DEFINER = CURRENT_USER`,
        });
        break;
      }
    }
  },
};
