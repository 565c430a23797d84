// Transaction control inside a change: the apply loop owns the transactions around each statement.
import type { Analyzer } from '../analyzer.js';
import { isPunct, isWord } from '../syntax.js';

const rule = { code: 'CG210', severity: 'error', destructive: false, summary: 'controls transactions that changegate owns' } as const;

const AUTOCOMMIT = /^@@((session|local)\.)?autocommit$/i;

export const transactionControlAnalyzer: Analyzer = {
  name: 'transaction-control',
  rules: [rule],
  analyze(statements, report) {
    for (const st of statements) {
      const t = st.tokens;
      const k = st.verb;
      let head: string | undefined;
      switch (st.verbWord) {
        case 'START':
          if (isWord(t[k + 1], 'TRANSACTION')) head = 'START TRANSACTION';
          break;
        case 'BEGIN':
          // Only BEGIN [WORK] on its own; BEGIN ... END is a compound statement.
          if (!t[k + 1] || (isWord(t[k + 1], 'WORK') && !t[k + 2])) head = 'BEGIN';
          break;
        case 'COMMIT':
        case 'ROLLBACK':
        case 'SAVEPOINT':
        case 'XA':
          head = st.verbWord;
          break;
        case 'RELEASE':
          if (isWord(t[k + 1], 'SAVEPOINT')) head = 'RELEASE SAVEPOINT';
          break;
        case 'SET':
          for (let j = k + 1; j < t.length; j++) {
            const opens = j === k + 1 || isPunct(t[j - 1], ',') || isWord(t[j - 1], 'SESSION', 'LOCAL');
            if ((opens && isWord(t[j], 'AUTOCOMMIT')) || (t[j]!.type === 'variable' && AUTOCOMMIT.test(t[j]!.text))) {
              head = 'SET autocommit';
              break;
            }
          }
          break;
      }
      if (!head) continue;
      report({
        code: rule.code,
        statement: st,
        message: `${head} controls the transaction in which changegate records each data statement's progress, so a crash could make a rerun repeat or skip statements; remove it: changegate commits after every statement itself`,
      });
    }
  },
};
