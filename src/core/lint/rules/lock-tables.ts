// LOCK TABLES / UNLOCK TABLES / LOCK INSTANCE: explicit locks fight the apply loop's own transactions.
import type { Analyzer } from '../analyzer.js';
import { isWord } from '../syntax.js';

const rule = { code: 'CG204', severity: 'error', destructive: false, summary: 'LOCK or UNLOCK TABLES / INSTANCE' } as const;

export const lockTablesAnalyzer: Analyzer = {
  name: 'lock-tables',
  rules: [rule],
  analyze(statements, report) {
    for (const st of statements) {
      if (st.verbWord !== 'LOCK' && st.verbWord !== 'UNLOCK') continue;
      const what = st.tokens[st.verb + 1];
      const instance = isWord(what, 'INSTANCE');
      const head = `${st.verbWord} ${instance ? 'INSTANCE' : 'TABLES'}`;
      const message = instance
        ? `${head} ${st.verbWord === 'LOCK' ? 'blocks DDL and some writes on the whole server until it is released' : 'releases a server-wide backup lock that another statement took'}; remove it: a change must not hold server-wide locks`
        : st.verbWord === 'LOCK'
          ? `${head} commits the open transaction and holds table locks across statements: while they are held changegate cannot write its per-statement progress record, and the application is blocked; remove it (each statement takes the locks it needs)`
          : `${head} commits the open transaction implicitly, ending the one in which changegate records a data statement's progress; remove it together with its LOCK TABLES`;
      report({ code: rule.code, statement: st, message });
    }
  },
};
