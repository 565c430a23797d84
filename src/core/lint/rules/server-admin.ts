// Server administration: acts on the whole server (and is mostly not allowed on Aurora).
import type { Analyzer } from '../analyzer.js';
import { isWord } from '../syntax.js';

const rule = { code: 'CG211', severity: 'error', destructive: false, summary: 'administers the server, not the schema' } as const;

const ADMIN_VERBS = new Set(['FLUSH', 'RESET', 'PURGE', 'KILL', 'SHUTDOWN', 'RESTART', 'CLONE', 'INSTALL', 'UNINSTALL', 'BINLOG', 'CACHE']);

export const serverAdminAnalyzer: Analyzer = {
  name: 'server-admin',
  rules: [rule],
  analyze(statements, report) {
    for (const st of statements) {
      const t = st.tokens;
      const next = t[st.verb + 1];
      let head: string | undefined;
      if (ADMIN_VERBS.has(st.verbWord)) head = st.verbWord;
      else if (st.verbWord === 'CHANGE' && isWord(next, 'MASTER', 'REPLICATION')) head = `CHANGE ${next!.value}`;
      else if ((st.verbWord === 'START' || st.verbWord === 'STOP') && isWord(next, 'REPLICA', 'SLAVE', 'GROUP_REPLICATION')) head = `${st.verbWord} ${next!.value}`;
      else if (st.verbWord === 'LOAD' && isWord(next, 'INDEX')) head = 'LOAD INDEX';
      else if (st.verbWord === 'ALTER' && isWord(next, 'INSTANCE')) head = 'ALTER INSTANCE';
      if (!head) continue;
      report({
        code: rule.code,
        statement: st,
        message: `${head} acts on the whole server, not on the schema this change runs in (and Aurora allows little of it); run server administration outside changegate`,
      });
    }
  },
};
