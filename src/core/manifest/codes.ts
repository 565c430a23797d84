// The validation codes (CG000-CG099). A code is part of the product once released: never renumber
// one, never reuse a retired one. CG010 belongs to the SQL splitter (src/core/sql/split.ts);
// CG083-CG099 are free.
import type { Diagnostic, Severity } from '../types.js';

/**
 * Every validation code, what it means and its severity.
 *
 * | code  | severity | finding |
 * | ----- | -------- | ------- |
 * | CG001 | error    | changegate.yaml is missing or unreadable |
 * | CG002 | error    | YAML syntax error (the parser's message and position) |
 * | CG003 | warning  | YAML the parser accepted with a warning (an unknown tag, for example) |
 * | CG004 | error    | a file is not valid UTF-8 (position of the first bad byte) |
 * | CG005 | error    | a YAML file is empty or is not a mapping of fields |
 * | CG010 | error    | (the SQL splitter's: an unterminated quote or comment, a bad DELIMITER line) |
 * | CG011 | error    | a field the schema does not know |
 * | CG012 | error    | a field has the wrong type |
 * | CG013 | error    | a field's value is not allowed (enum, pattern, range, empty, repeated item) |
 * | CG014 | error    | a required field is missing |
 * | CG020 | error    | ticket_pattern is not a valid regular expression |
 * | CG021 | error    | an environment's `after` names no environment |
 * | CG022 | error    | the `after` chain of environments has a cycle |
 * | CG023 | error    | an environment's cluster is one of protected_clusters |
 * | CG024 | error    | an environment mixes AWS and URL settings, its backup fields contradict its target, or its schema: and url name different schemas |
 * | CG025 | error    | a literal `url` carries a password |
 * | CG030 | error    | a manifest's file name is not YYYY-MM-DD-slug.yaml |
 * | CG031 | error    | a manifest's date prefix is not a real date |
 * | CG032 | error    | two manifests have the same id |
 * | CG040 | error    | a ticket does not match ticket_pattern |
 * | CG041 | error    | a change names an environment that changegate.yaml does not define |
 * | CG042 | error    | a change runs in an environment but not in the one that environment comes `after` |
 * | CG043 | error    | a change lists the same SQL file twice |
 * | CG050 | error    | a SQL path is absolute |
 * | CG051 | error    | a SQL path leaves the repository (`..`) or is not in normal form |
 * | CG052 | error    | a SQL file does not exist |
 * | CG053 | error    | a SQL path is not a regular file |
 * | CG054 | error    | a SQL path is a symbolic link that resolves outside the repository |
 * | CG055 | error    | a SQL file cannot be read |
 * | CG056 | error    | a SQL file has no statements |
 * | CG060 | error    | depends_on names no change |
 * | CG061 | error    | depends_on forms a cycle |
 * | CG062 | error    | a change depends on one that sorts after it (a later date, or later on the same day) |
 * | CG070 | error    | destructive: false, but lint finds a destructive statement (one per statement) |
 * | CG071 | warning  | destructive: true, but lint finds no destructive statement |
 * | CG080 | error    | changegate.yaml still holds a `<FILL: ...>` placeholder that `changegate init` wrote |
 * | CG081 | error    | a second change says `baseline: true` (a repository has one baseline) |
 * | CG082 | error    | a change sorts before the baseline change |
 */
export const CODES = {
  configMissing: 'CG001',
  yamlSyntax: 'CG002',
  yamlWarning: 'CG003',
  notUtf8: 'CG004',
  notMapping: 'CG005',
  unknownField: 'CG011',
  wrongType: 'CG012',
  badValue: 'CG013',
  required: 'CG014',
  badTicketPattern: 'CG020',
  unknownAfter: 'CG021',
  afterCycle: 'CG022',
  protectedCluster: 'CG023',
  envShape: 'CG024',
  urlPassword: 'CG025',
  badId: 'CG030',
  badDate: 'CG031',
  duplicateId: 'CG032',
  ticketMismatch: 'CG040',
  unknownEnvironment: 'CG041',
  skipsAfter: 'CG042',
  duplicateFile: 'CG043',
  absolutePath: 'CG050',
  escapingPath: 'CG051',
  missingFile: 'CG052',
  notRegularFile: 'CG053',
  symlinkEscape: 'CG054',
  unreadable: 'CG055',
  noStatements: 'CG056',
  unknownDependency: 'CG060',
  dependencyCycle: 'CG061',
  dependsOnLater: 'CG062',
  undeclaredDestructive: 'CG070',
  declaredButNotDestructive: 'CG071',
  placeholder: 'CG080',
  secondBaseline: 'CG081',
  beforeBaseline: 'CG082',
} as const;

/** One of the validation codes above. */
export type ValidationCode = (typeof CODES)[keyof typeof CODES];

/** A 1-based position in a file. */
export interface Position {
  line: number;
  column: number;
}

/** Builds a validation diagnostic; validation findings are never the reason a statement is destructive. */
export function diagnostic(
  code: ValidationCode,
  file: string,
  at: Position,
  field: string | undefined,
  message: string,
  severity: Severity = 'error',
): Diagnostic {
  const d: Diagnostic = { code, severity, file, line: at.line, column: at.column, message, destructive: false };
  if (field !== undefined && field !== '') d.field = field;
  return d;
}
