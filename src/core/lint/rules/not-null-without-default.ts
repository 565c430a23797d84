// ADD COLUMN ... NOT NULL without DEFAULT: existing rows need a value the statement does not give.
import type { Token } from '../../sql/lexer.js';
import type { Analyzer } from '../analyzer.js';
import { closeParen, isName, isPunct, isWord, nameOf } from '../syntax.js';
import { quoteIdent } from '../../sql/quote.js';
import { refText } from '../../sql/structure.js';

const rule = { code: 'CG201', severity: 'warning', destructive: false, summary: 'ADD COLUMN ... NOT NULL without a DEFAULT' } as const;

// What follows ADD when it adds something other than a column.
const NOT_A_COLUMN = new Set(['INDEX', 'KEY', 'FULLTEXT', 'SPATIAL', 'UNIQUE', 'PRIMARY', 'CONSTRAINT', 'FOREIGN', 'CHECK', 'PARTITION']);

/** Whether a column definition [s, e) says NOT NULL and gives existing rows no value of its own. */
function needsDefault(tokens: Token[], s: number, e: number): boolean {
  const d = tokens[s]!.depth;
  let notNull = false;
  for (let j = s + 1; j < e; j++) {
    const t = tokens[j]!;
    if (t.depth !== d) continue;
    if (isWord(t, 'NOT') && isWord(tokens[j + 1], 'NULL')) notNull = true;
    // DEFAULT gives the value; AUTO_INCREMENT numbers the rows; a generated column computes it.
    if (isWord(t, 'DEFAULT', 'AUTO_INCREMENT', 'GENERATED', 'AS', 'SERIAL')) return false;
  }
  return notNull;
}

export const notNullWithoutDefaultAnalyzer: Analyzer = {
  name: 'not-null-without-default',
  rules: [rule],
  analyze(statements, report) {
    for (const st of statements) {
      const alter = st.verbWord === 'ALTER' ? st.structure.alter : null;
      if (!alter) continue;
      const tokens = st.tokens;
      const table = st.structure.targets[0] ? refText(st.structure.targets[0]) : '';
      for (const [s, e] of alter.clauses) {
        if (!isWord(tokens[s], 'ADD')) continue;
        let j = s + 1;
        if (isWord(tokens[j], 'COLUMN')) j++;
        else if (tokens[j]?.type === 'word' && NOT_A_COLUMN.has(tokens[j]!.value)) continue;
        const defs: Array<[number, number]> = [];
        if (isPunct(tokens[j], '(')) {
          // ADD [COLUMN] (a INT NOT NULL, b INT): the definitions inside, split at their commas.
          const close = Math.min(closeParen(tokens, j), e);
          let from = j + 1;
          for (let m = j + 1; m <= close; m++) {
            if (m === close || (tokens[m]!.depth === tokens[j]!.depth + 1 && isPunct(tokens[m], ','))) {
              if (m > from) defs.push([from, m]);
              from = m + 1;
            }
          }
        } else {
          defs.push([j, e]);
        }
        for (const [ds, de] of defs) {
          const name = tokens[ds]!;
          if (!isName(name) || !needsDefault(tokens, ds, de)) continue;
          report({
            code: rule.code,
            statement: st,
            token: name,
            message:
              `ALTER TABLE ${table} ADD COLUMN ${quoteIdent(nameOf(name))} is NOT NULL without a DEFAULT: existing rows get the type's ` +
              `implicit default (0, '' or a zero date, which strict mode rejects, failing the ALTER); give the column an explicit ` +
              'DEFAULT, or add it NULL, backfill it, and make it NOT NULL in a later change',
          });
        }
      }
    }
  },
};
