// PLACEHOLDER: the splitter is being written (issue 3). Signature is the contract.
import type { Diagnostic, Statement } from '../types.js';

/** Splits MySQL script text into statements; unterminated strings/comments become error diagnostics. */
export function splitSql(file: string, text: string): { statements: Statement[]; errors: Diagnostic[] } {
  void file; void text;
  throw new Error('splitSql: not implemented yet');
}
