// Names that carry a schema (`db`.`t`, `db`.`t`.`c`, `db`.f()), and statements that manage schemas:
// the schema of a change comes from its environment, so SQL that names one reaches the same schema
// in every environment.
import type { Token } from '../../sql/lexer.js';
import type { Analyzer, StatementContext } from '../analyzer.js';
import { isPunct, isWord, readName } from '../syntax.js';
import { quoteIdent } from '../../sql/quote.js';

const rule = { code: 'CG202', severity: 'error', destructive: false, summary: 'names a schema; the schema comes from the environment' } as const;

// Read-only dictionaries every schema may consult.
const SYSTEM_SCHEMAS = new Set(['information_schema', 'performance_schema', 'sys']);

// Keywords after which a table (or routine) name follows, possibly as a comma-separated list.
const TABLE_SLOTS = new Set(['JOIN', 'STRAIGHT_JOIN', 'INTO', 'TABLE', 'TABLES', 'REFERENCES', 'VIEW', 'PROCEDURE', 'FUNCTION', 'EVENT', 'TRIGGER', 'CALL', 'HANDLER']);

// Clause keywords that end a list of table references.
const LIST_END = new Set([
  'WHERE', 'SET', 'ON', 'USING', 'JOIN', 'INNER', 'LEFT', 'RIGHT', 'CROSS', 'NATURAL', 'STRAIGHT_JOIN', 'GROUP',
  'HAVING', 'ORDER', 'LIMIT', 'UNION', 'EXCEPT', 'INTERSECT', 'WINDOW', 'FOR', 'INTO', 'VALUES', 'VALUE', 'SELECT',
  'PARTITION', 'USE', 'IGNORE', 'FORCE', 'ADD', 'DROP', 'AS', 'LOCK',
]);

function message(schema: string, name: string): string {
  return `${name} names schema ${schema}: changegate runs each change in the schema its environment configures, so this statement would reach ${schema} in every environment; leave the ${schema}. qualifier out`;
}

export const schemaQualifiedAnalyzer: Analyzer = {
  name: 'schema-qualified',
  rules: [rule],
  analyze(statements, report) {
    for (const st of statements) check(st, (token, msg) => report({ code: rule.code, statement: st, token, message: msg }));
  },
};

function check(st: StatementContext, flag: (t: Token, message: string) => void): void {
  const tokens = st.tokens;
  const v = st.verbWord;
  // Privilege statements name schemas in ON db.*; they have their own (error) rule.
  if (v === 'GRANT' || v === 'REVOKE') return;
  const next = tokens[st.verb + 1];
  if ((v === 'CREATE' || v === 'ALTER' || v === 'DROP') && isWord(next, 'DATABASE', 'SCHEMA')) {
    flag(tokens[st.verb]!, `${v} ${next!.value} manages a schema, but changegate runs changes inside the schema each environment configures; create and change schemas outside changegate and name them in changegate.yaml`);
    return;
  }
  const flagged = new Set<number>();
  const at = (k: number): number => {
    const n = readName(tokens, k);
    if (!n) return k;
    if (n.parts.length >= 2 && !flagged.has(k) && !SYSTEM_SCHEMAS.has(n.parts[0]!.toLowerCase())) {
      flagged.add(k);
      flag(tokens[k]!, message(quoteIdent(n.parts[0]!), n.name));
    }
    return n.next;
  };
  // Continue a table list: `a [AS] x, db.b`, `a TO db.b` (RENAME), `a READ, b WRITE` (LOCK).
  const list = (k: number): void => {
    let j = at(k);
    for (let guard = 0; guard < 64 && j < tokens.length; guard++) {
      let skipped = 0;
      while (skipped < 3 && j < tokens.length && (tokens[j]!.type === 'word' || tokens[j]!.type === 'ident') && !LIST_END.has(tokens[j]!.value) && !isWord(tokens[j], 'TO')) {
        j++;
        skipped++;
      }
      if (!(isPunct(tokens[j], ',') || isWord(tokens[j], 'TO'))) return;
      j = at(j + 1);
    }
  };
  // The kind of each open parenthesis: a subquery (FROM lists tables) or anything else (EXTRACT(x FROM y)).
  const query: boolean[] = [];
  let createObject = '';
  for (let j = 0; j < tokens.length; j++) {
    const t = tokens[j]!;
    if (isPunct(t, '(')) {
      query.push(isWord(tokens[j + 1], 'SELECT', 'WITH', 'VALUES', 'TABLE') || isPunct(tokens[j + 1], '('));
      continue;
    }
    if (isPunct(t, ')')) {
      query.pop();
      continue;
    }
    // A qualified routine call anywhere (`db`.f(...)); three-part names (`db`.`t`.`c`) anywhere.
    if ((t.type === 'word' || t.type === 'ident') && !isPunct(tokens[j - 1], '.') && isPunct(tokens[j + 1], '.')) {
      const n = readName(tokens, j);
      if (n && ((n.parts.length === 2 && isPunct(tokens[n.next], '(')) || n.parts.length >= 3)) at(j);
    }
    if (t.type !== 'word') continue;
    if (j === st.verb && (t.value === 'CREATE' || t.value === 'DROP')) {
      for (let m = j + 1; m < Math.min(tokens.length, j + 12); m++) {
        if (isWord(tokens[m], 'INDEX', 'TRIGGER')) {
          createObject = tokens[m]!.value;
          break;
        }
      }
    }
    const inQuery = query.length === 0 || query[query.length - 1] === true;
    let from = -1;
    if (t.value === 'FROM' && inQuery) from = j + 1;
    else if (t.value === 'USING' && v === 'DELETE' && !isPunct(tokens[j + 1], '(')) from = j + 1;
    else if (t.value === 'UPDATE' && j === st.verb) from = j + 1;
    else if (t.value === 'TRUNCATE' && j === st.verb) from = j + 1;
    else if (t.value === 'RENAME' && isWord(tokens[j + 1], 'TO', 'AS')) from = j + 2;
    else if (t.value === 'LIKE' && v === 'CREATE' && !inExpression(tokens, j)) from = j + 1;
    else if (t.value === 'ON' && createObject !== '' && t.depth === 0) {
      from = j + 1;
      createObject = '';
    } else if (TABLE_SLOTS.has(t.value) && !isPunct(tokens[j - 1], '=')) from = j + 1;
    if (from < 0) continue;
    while (isWord(tokens[from], 'IF', 'NOT', 'EXISTS', 'LOW_PRIORITY', 'IGNORE', 'TABLE', 'QUICK')) from++;
    list(from);
  }
}

// CREATE TABLE a LIKE b (or (LIKE b)) names a table; LIKE anywhere else is a pattern match.
function inExpression(tokens: Token[], j: number): boolean {
  const prev = tokens[j - 1];
  return !(prev && (prev.type === 'word' || prev.type === 'ident' || isPunct(prev, '(')) && tokens[j]!.depth <= 1);
}
