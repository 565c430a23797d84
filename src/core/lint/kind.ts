// Which statements the apply loop may treat as transactional data statements.
import type { StatementKind } from '../types.js';
import { codeTokens, type Token } from '../sql/lexer.js';
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
  return kindOfTokens(codeTokens(sql));
}

// The objects whose CREATE/ALTER/DROP commits implicitly on every engine (MySQL's "Statements That
// Cause an Implicit Commit", MariaDB's too). DROP PREPARE, ALTER INSTANCE and the TEMPORARY forms
// commit nothing, so they are not here.
const IMPLICIT_COMMIT_OBJECTS = new Set([
  'TABLE', 'INDEX', 'VIEW', 'PROCEDURE', 'FUNCTION', 'TRIGGER', 'EVENT', 'DATABASE', 'SCHEMA', 'USER', 'ROLE',
  'TABLESPACE', 'SERVER', 'SEQUENCE',
]);
const OBJECT_VERBS = new Set(['CREATE', 'ALTER', 'DROP', 'RENAME']);
// How far past the verb the object word may stand (OR REPLACE, DEFINER = x@y, ALGORITHM = x, ...).
const OBJECT_LOOKAHEAD = 12;

/**
 * True only for statements known to commit implicitly before they run (schema DDL, TRUNCATE). The
 * apply loop lets their implicit commit make its marker durable; any other non-DML statement gets
 * explicit commits around it instead, so when unsure, say false (that costs two round trips).
 */
export function commitsImplicitly(sql: string): boolean {
  return commitsImplicitlyTokens(codeTokens(sql));
}

/** `commitsImplicitly` over a statement's tokens without comments. */
export function commitsImplicitlyTokens(code: Token[]): boolean {
  const k = verbIndex(code);
  if (k < 0) return false;
  const verb = code[k]!;
  if (verb.type !== 'word') return false;
  if (verb.value === 'TRUNCATE') return true;
  if (!OBJECT_VERBS.has(verb.value)) return false;
  for (const t of code.slice(k + 1, k + 1 + OBJECT_LOOKAHEAD)) {
    if (t.type !== 'word') continue;
    if (t.value === 'TEMPORARY' || t.value === 'PREPARE') return false;
    if (IMPLICIT_COMMIT_OBJECTS.has(t.value)) return true;
  }
  return false;
}

/** A `SET` of session state (variables, sql_mode, foreign_key_checks): lost when a new session resumes. */
export function setsSessionState(sql: string): boolean {
  const code = codeTokens(sql);
  const k = verbIndex(code);
  if (k < 0 || !isWord(code[k], 'SET')) return false;
  return !code.slice(k + 1, k + 3).some((t) => isWord(t, 'GLOBAL', 'PERSIST', 'PERSIST_ONLY', 'PASSWORD', 'ROLE', 'DEFAULT'));
}
