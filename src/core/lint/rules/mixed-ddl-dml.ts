// Schema changes and data changes in one change: DDL commits implicitly, so the change is not atomic.
import type { Analyzer, StatementContext } from '../analyzer.js';
import { isWord } from '../syntax.js';

const rule = { code: 'CG207', severity: 'warning', destructive: false, summary: 'mixes schema (DDL) and data (DML) changes in one change' } as const;

const SCHEMA_VERBS = new Set(['CREATE', 'ALTER', 'DROP', 'RENAME', 'TRUNCATE']);
const DATA_VERBS = new Set(['INSERT', 'UPDATE', 'DELETE', 'REPLACE']);

function side(st: StatementContext): 'schema' | 'data' | undefined {
  if (SCHEMA_VERBS.has(st.verbWord)) return 'schema';
  if (DATA_VERBS.has(st.verbWord)) return 'data';
  if (st.verbWord === 'LOAD' && isWord(st.tokens[st.verb + 1], 'DATA', 'XML')) return 'data';
  return undefined;
}

export const mixedDdlDmlAnalyzer: Analyzer = {
  name: 'mixed-ddl-dml',
  rules: [rule],
  analyze(statements, report) {
    let first: StatementContext | undefined;
    let firstSide: 'schema' | 'data' | undefined;
    for (const st of statements) {
      const s = side(st);
      if (!s) continue;
      if (!first) {
        first = st;
        firstSide = s;
        continue;
      }
      if (s === firstSide) continue;
      const where = `${first.statement.file}:${first.statement.line}`;
      const message = s === 'data'
        ? `${st.verbWord} changes data in a change that also changes the schema (${first.verbWord} at ${where}): MySQL commits DDL implicitly, so a failure between them leaves the change half applied; move the data statements to a change of their own`
        : `${st.verbWord} changes the schema in a change that also changes data (${first.verbWord} at ${where}): MySQL commits DDL implicitly, so a failure between them leaves the change half applied; move the schema statements to a change of their own`;
      report({ code: rule.code, statement: st, message });
      return;
    }
  },
};
