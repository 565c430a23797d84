// Tables in a storage engine other than InnoDB: no transactions, so no exactly-once apply.
import type { Analyzer } from '../analyzer.js';
import { isPunct, isWord, nameOf } from '../syntax.js';
import { refText } from '../../sql/structure.js';

const rule = { code: 'CG208', severity: 'error', destructive: false, summary: 'a table in a storage engine other than InnoDB' } as const;

export const engineAnalyzer: Analyzer = {
  name: 'engine',
  rules: [rule],
  analyze(statements, report) {
    for (const st of statements) {
      const tokens = st.tokens;
      let subject: string;
      if (st.verbWord === 'CREATE') {
        if (st.structure.object !== 'table') continue;
        subject = `CREATE TABLE ${st.structure.targets[0] ? refText(st.structure.targets[0]) : ''} uses`;
      } else {
        if (st.verbWord !== 'ALTER' || !st.structure.alter) continue;
        subject = `ALTER TABLE ${st.structure.targets[0] ? refText(st.structure.targets[0]) : ''} moves the table to`;
      }
      for (let j = st.verb + 1; j < tokens.length; j++) {
        if (!isWord(tokens[j], 'ENGINE') || isPunct(tokens[j - 1], '=')) continue;
        const v = isPunct(tokens[j + 1], '=') ? j + 2 : j + 1;
        const value = tokens[v];
        if (!value) continue;
        const engine = value.type === 'string' ? value.value : nameOf(value);
        if (engine.toLowerCase() === 'innodb') continue;
        report({
          code: rule.code,
          statement: st,
          token: tokens[j]!,
          message: `${subject} ENGINE=${engine}, which has no transactions (and Aurora MySQL supports only InnoDB): a data statement on it cannot be rolled back, so changegate cannot apply it exactly once; use ENGINE=InnoDB or leave ENGINE out`,
        });
        break;
      }
    }
  },
};
