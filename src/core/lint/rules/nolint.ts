// Checks the `changegate:nolint` markers themselves, so that a typo or a hope does not pass silently.
import type { Token } from '../../sql/lexer.js';
import type { Analyzer, RuleInfo } from '../analyzer.js';
import { isSuppressible, nolintMarkers } from '../suppression.js';

const unknownRule = { code: 'CG303', severity: 'notice', destructive: false, summary: 'a changegate:nolint marker names no known code' } as const;
const destructiveRule = { code: 'CG304', severity: 'notice', destructive: false, summary: 'a changegate:nolint marker names a destructive code, which cannot be suppressed' } as const;

/** The marker check needs every registered code; the runner hands it the registry. */
export function nolintAnalyzer(known: () => Readonly<Record<string, RuleInfo>>): Analyzer {
  return {
    name: 'nolint',
    rules: [unknownRule, destructiveRule],
    analyze(statements, report) {
      for (const st of statements) {
        for (const m of nolintMarkers(st)) {
          // A marker inside the statement is reported where it is; one outside, at the statement.
          const token: Token | undefined = m.inside ? { type: 'comment', text: '', value: '', start: m.offset, depth: 0 } : undefined;
          if (m.codes.length === 0) {
            report({ code: unknownRule.code, statement: st, token, message: 'changegate:nolint names no code, so it suppresses nothing; write the codes to suppress, as in changegate:nolint CG201,CG209' });
          }
          for (const code of m.codes) {
            if (code === 'CG010' || !known()[code]) {
              report({ code: unknownRule.code, statement: st, token, message: `changegate:nolint names ${code}, which is not a lint code, so it suppresses nothing; check the code against changegate lint's output` });
            } else if (!isSuppressible(code)) {
              report({ code: destructiveRule.code, statement: st, token, message: `changegate:nolint ${code} has no effect: destructive findings decide the PROD snapshot and cannot be suppressed; declare destructive: true in the manifest instead` });
            }
          }
        }
      }
    },
  };
}
