// SET GLOBAL / PERSIST / PERSIST_ONLY and @@global.x: server settings are not part of a schema change.
import type { Token } from '../../sql/lexer.js';
import type { Analyzer } from '../analyzer.js';
import { isPunct, isWord } from '../syntax.js';

const rule = { code: 'CG205', severity: 'error', destructive: false, summary: 'SET GLOBAL / SET PERSIST changes the server' } as const;

const SCOPED = /^@@(global|persist|persist_only)\./i;

export const globalVariablesAnalyzer: Analyzer = {
  name: 'global-variables',
  rules: [rule],
  analyze(statements, report) {
    for (const st of statements) {
      if (st.verbWord !== 'SET') continue;
      const tokens = st.tokens;
      const d = tokens[st.verb]!.depth;
      for (let j = st.verb + 1; j < tokens.length; j++) {
        const t = tokens[j]!;
        if (t.depth !== d) continue;
        // A scope keyword opens an assignment: right after SET or after a comma.
        const opens = j === st.verb + 1 || isPunct(tokens[j - 1], ',');
        let what: string | undefined;
        let at: Token = t;
        if (opens && isWord(t, 'GLOBAL', 'PERSIST', 'PERSIST_ONLY')) {
          what = `SET ${t.value} ${tokens[j + 1]?.text ?? ''}`.trimEnd();
        } else if (t.type === 'variable' && SCOPED.test(t.text)) {
          what = `SET ${t.text}`;
          at = t;
        }
        if (!what) continue;
        report({
          code: rule.code,
          statement: st,
          token: at,
          message: `${what} changes the server for every session and every schema on it (PERSIST keeps it across restarts); change server settings in the DB cluster parameter group, and use SET SESSION for this change's own session`,
        });
        break;
      }
    }
  },
};
