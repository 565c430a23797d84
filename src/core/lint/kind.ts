// Which statements the apply loop may treat as transactional data statements.
import type { StatementKind } from '../types.js';
import { tokenize, type Token } from '../sql/lexer.js';
import { isWord, verbIndex } from './syntax.js';

// The verbs of statements that run inside a transaction and never commit implicitly.
const DML_VERBS = new Set(['INSERT', 'UPDATE', 'DELETE', 'REPLACE', 'SELECT', 'VALUES', 'TABLE']);

/**
 * `dml` only for statements known to be transactional data statements that do not commit
 * implicitly; everything else, unknown text included, is `ddl`.
 *
 * Why the bias: the apply loop's exactly-once protocol makes the in-flight marker of a `dml`
 * statement durable on its own (a commit before the statement) and relies on the implicit commit
 * of a `ddl` statement to make its marker durable. A DDL statement taken for `dml` would commit
 * between marker and progress in ways the protocol does not expect, and a crash there could run it
 * twice; a DML statement taken for `ddl` only costs a savepoint. So when unsure, say `ddl`.
 */
export function kindOfTokens(code: Token[]): StatementKind {
  const k = verbIndex(code);
  if (k < 0) return 'ddl';
  const verb = code[k]!;
  if (verb.type !== 'word') return 'ddl';
  if (DML_VERBS.has(verb.value)) return 'dml';
  // LOAD DATA and LOAD XML insert rows transactionally; LOAD INDEX INTO CACHE is administration.
  if (verb.value === 'LOAD' && isWord(code[k + 1], 'DATA', 'XML')) return 'dml';
  return 'ddl';
}

/** The kind of one statement's text (comments and executable comments allowed anywhere). */
export function kindOfSql(sql: string): StatementKind {
  return kindOfTokens(tokenize(sql).filter((t) => t.type !== 'comment'));
}

// Statements that MySQL always commits around, on every engine: CREATE/ALTER/DROP/RENAME/TRUNCATE,
// except the TEMPORARY forms, which commit nothing.
const IMPLICIT_COMMIT_VERBS = new Set(['CREATE', 'ALTER', 'DROP', 'RENAME', 'TRUNCATE']);

/**
 * True only for statements known to commit implicitly before they run (schema DDL). The apply loop
 * then needs no savepoint before them: whatever they fail on, the transaction before them is kept.
 */
export function commitsImplicitly(sql: string): boolean {
  const code = tokenize(sql).filter((t) => t.type !== 'comment');
  const k = verbIndex(code);
  if (k < 0) return false;
  const verb = code[k]!;
  if (verb.type !== 'word' || !IMPLICIT_COMMIT_VERBS.has(verb.value)) return false;
  return !code.slice(k + 1, k + 4).some((t) => isWord(t, 'TEMPORARY'));
}
