// What one lint check is: its codes and a function over the statements of a change.
import type { Severity, Statement, StatementKind } from '../types.js';
import type { Token } from '../sql/lexer.js';
import type { Structure } from '../sql/structure.js';

/** A registered lint code: what it means and how bad it is. */
export interface RuleInfo {
  /** `CG1xx` destructive, `CG2xx` safety, `CG3xx` notes; stable once released. */
  code: string;
  severity: Severity;
  /** True when a finding with this code makes the statement destructive. */
  destructive: boolean;
  /** One line for docs and listings; each finding's message says more. */
  summary: string;
}

/** One statement, lexed once for every analyzer. */
export interface StatementContext {
  statement: Statement;
  /** 0-based position of the statement among those linted together. */
  index: number;
  /** Code tokens only (comments removed; the inside of executable comments included). */
  tokens: Token[];
  /** Comment tokens inside the statement text. */
  comments: Token[];
  /** Index in `tokens` of the verb (behind parentheses and a WITH list), -1 when there is none. */
  verb: number;
  /** The verb's upper-cased keyword, '' when the statement does not start with one. */
  verbWord: string;
  kind: StatementKind;
  /** What the statement acts on (its ALTER clauses, targets, objects), read on first use and kept for every analyzer. */
  readonly structure: Structure;
}

/** A finding before the runner adds severity, position and suppression. */
export interface Finding {
  code: string;
  statement: StatementContext;
  /** The token the finding is about; absent means the statement's start. */
  token?: Token;
  message: string;
}

/** One lint check. Its codes are registered centrally; a code may belong to one analyzer only. */
export interface Analyzer {
  name: string;
  rules: readonly RuleInfo[];
  /** Looks at all statements of one change (per-statement checks just loop). */
  analyze(statements: readonly StatementContext[], report: (f: Finding) => void): void;
}
