// Session settings that switch off a safety net for the statements after them.
import type { Token } from '../../sql/lexer.js';
import type { Analyzer } from '../analyzer.js';
import { isPunct, isWord } from '../syntax.js';

const rule = { code: 'CG213', severity: 'warning', destructive: false, summary: 'a session setting switches off a safety check' } as const;

const OFF = new Set(['0', 'OFF', 'FALSE']);

const EFFECTS: Record<string, { off: boolean; message: string }> = {
  foreign_key_checks: {
    off: true,
    message: 'SET foreign_key_checks = 0 turns off foreign key checks for the rest of the session, so later statements can store rows that break foreign keys; keep the checks on and order the statements so that parent rows exist first',
  },
  unique_checks: {
    off: true,
    message: 'SET unique_checks = 0 lets InnoDB skip uniqueness checks of secondary indexes for the rest of the session, so duplicates can be stored; keep it on',
  },
  sql_log_bin: {
    off: true,
    message: 'SET sql_log_bin = 0 keeps the statements after it out of the binary log, so binlog replicas and point-in-time recovery never see them; remove it',
  },
  sql_mode: {
    off: false,
    message: "SET sql_mode changes how the statements after it treat invalid and out-of-range data (outside strict mode they are stored truncated, with only a warning); remove it so every environment applies the change under the server's mode",
  },
};

// `[SESSION|LOCAL] name` or `@@[session.|local.]name`, as a lower-case name.
function variableName(t: Token[], j: number): { name: string; next: number } | undefined {
  let k = j;
  if (isWord(t[k], 'SESSION', 'LOCAL')) k++;
  const v = t[k];
  if (!v) return undefined;
  if (v.type === 'word') return { name: v.text.toLowerCase(), next: k + 1 };
  if (v.type === 'variable' && v.text.startsWith('@@')) {
    return { name: v.text.slice(2).replace(/^(session|local)\./i, '').toLowerCase(), next: k + 1 };
  }
  return undefined;
}

export const sessionSafetyAnalyzer: Analyzer = {
  name: 'session-safety',
  rules: [rule],
  analyze(statements, report) {
    for (const st of statements) {
      if (st.verbWord !== 'SET') continue;
      const t = st.tokens;
      const d = t[st.verb]!.depth;
      for (let j = st.verb + 1; j < t.length; j++) {
        if (t[j]!.depth !== d || !(j === st.verb + 1 || isPunct(t[j - 1], ','))) continue;
        const v = variableName(t, j);
        const effect = v && EFFECTS[v.name];
        if (!v || !effect) continue;
        let k = v.next;
        if (isPunct(t[k], '=') || (isPunct(t[k], ':') && isPunct(t[k + 1], '='))) k += isPunct(t[k], ':') ? 2 : 1;
        const value = t[k];
        if (effect.off && !(value && OFF.has(value.type === 'string' ? value.value.toUpperCase() : value.text.toUpperCase()))) continue;
        report({ code: rule.code, statement: st, token: t[j]!, message: effect.message });
      }
    }
  },
};
