// CREATE TABLE without a PRIMARY KEY.
import type { Analyzer } from '../analyzer.js';
import { closeParen, isPunct, isWord, readName } from '../syntax.js';

const rule = { code: 'CG302', severity: 'notice', destructive: false, summary: 'CREATE TABLE without a PRIMARY KEY' } as const;

export const primaryKeyAnalyzer: Analyzer = {
  name: 'primary-key',
  rules: [rule],
  analyze(statements, report) {
    for (const st of statements) {
      if (st.verbWord !== 'CREATE') continue;
      const t = st.tokens;
      let j = st.verb + 1;
      // Temporary tables live for a session; a key matters for tables that stay.
      if (!isWord(t[j], 'TABLE')) continue;
      j++;
      if (isWord(t[j], 'IF') && isWord(t[j + 1], 'NOT') && isWord(t[j + 2], 'EXISTS')) j += 3;
      const n = readName(t, j);
      if (!n || !isPunct(t[n.next], '(') || isWord(t[n.next + 1], 'LIKE', 'SELECT')) continue;
      const close = closeParen(t, n.next);
      let hasKey = false;
      for (let k = n.next + 1; k < close && !hasKey; k++) if (isWord(t[k], 'PRIMARY', 'SERIAL')) hasKey = true;
      if (hasKey) continue;
      report({
        code: rule.code,
        statement: st,
        message: `CREATE TABLE ${n.name} has no PRIMARY KEY: InnoDB then clusters rows on a hidden key, and row-based replication, online schema change tools and any fix of a single row need a real one; add a PRIMARY KEY`,
      });
    }
  },
};
