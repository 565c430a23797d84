// The text form of a finding. Two spaces between parts so that the location stays clickable in
// terminals and editors, and the middle part says which field (YAML) or which rule (SQL) it is about.
import type { Diagnostic } from '../types.js';

/**
 * `file:line:column  field.path  message` for findings about a YAML field, and
 * `file:line:column  CODE  message` for findings without a field (SQL, whole files).
 * Severity is left to the caller, which groups or colours by it.
 */
export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.column}  ${d.field ?? d.code}  ${d.message}`;
}

/** Orders findings by file, line, column, code and field: the order every command prints them in. */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  if (a.line !== b.line) return a.line - b.line;
  if (a.column !== b.column) return a.column - b.column;
  if (a.code !== b.code) return a.code < b.code ? -1 : 1;
  const fa = a.field ?? '';
  const fb = b.field ?? '';
  return fa < fb ? -1 : fa > fb ? 1 : 0;
}
