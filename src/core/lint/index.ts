// PLACEHOLDER: lint is being written (issue 3). Signatures are the contract.
import type { Diagnostic, Statement, StatementKind } from '../types.js';

/** Options for one lint run over the statements of a change (or loose files). */
export interface LintOptions {
  /** Codes suppressed by the manifest's `lint.ignore`. */
  ignore?: string[];
}

/** Runs every registered analyzer over the statements, applying suppressions once. */
export function lintStatements(statements: Statement[], options: LintOptions = {}): Diagnostic[] {
  void statements; void options;
  throw new Error('lintStatements: not implemented yet');
}

/** Whether a statement runs in a transaction (`dml`) or commits implicitly / is unknown (`ddl`). */
export function statementKind(sql: string): StatementKind {
  void sql;
  throw new Error('statementKind: not implemented yet');
}
