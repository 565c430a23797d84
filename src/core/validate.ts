// `changegate validate` without a database: the repository as loaded (config, manifests, references,
// ids, dependencies, SQL splitting), plus lint and the check that each change's declared
// `destructive:` agrees with what lint finds. Every finding at once; nothing thrown for bad input.
//
// Validation codes CG000-CG099 (the table with severities lives in manifest/codes.ts):
//   CG001 config missing · CG002 YAML syntax · CG003 YAML warning · CG004 not UTF-8 · CG005 not a mapping
//   CG010 (the splitter's: unterminated quote/comment) · CG011 unknown field · CG012 wrong type
//   CG013 value not allowed · CG014 required
//   CG020 bad ticket_pattern · CG021 unknown `after` · CG022 `after` cycle · CG023 protected cluster
//   CG024 AWS/URL shape · CG025 password in url
//   CG030 bad id · CG031 not a real date · CG032 duplicate id
//   CG040 ticket mismatch · CG041 unknown environment · CG042 skips the `after` environment · CG043 file listed twice
//   CG050 absolute path · CG051 `..`/non-normal path · CG052 missing · CG053 not a regular file
//   CG054 symlink outside the repo · CG055 unreadable · CG056 no statements
//   CG060 unknown dependency · CG061 dependency cycle · CG062 depends on a later change
//   CG070 undeclared destructive statement · CG071 declared destructive, none found (warning)
import { lintChange } from './plan.js';
import { CODES, diagnostic } from './manifest/codes.js';
import { compareDiagnostics } from './manifest/format.js';
import { loadRepositoryDetail, type RepositoryOptions } from './manifest/repository.js';
import type { Change, Config, Diagnostic } from './types.js';
import { pushAll } from './arrays.js';
import { statementLocator } from './sql/locate.js';

export { formatDiagnostic } from './manifest/format.js';
export { CODES as VALIDATION_CODES } from './manifest/codes.js';

/** The outcome of `validate`: every finding, their counts, and its exit code (0 clean, 1 an error finding, 2 a configuration error). */
export interface ValidationResult {
  /** Sorted by file, line, column and code. */
  diagnostics: Diagnostic[];
  errors: number;
  warnings: number;
  /** 2 when changegate.yaml is missing or invalid (configuration error), else 1 on any error, else 0. */
  exitCode: 0 | 1 | 2;
  /** As `loadRepository` returns them: apply order, a best effort when there are errors. */
  changes: Change[];
  /** Manifest files found under changes/, those that could not be loaded included: what was checked. */
  manifests: number;
  config?: Config;
}

/** Validates the repository at `root`: loading checks, lint (with each manifest's `lint.ignore`) and the destructive flag. */
export function validateRepository(root: string, options: RepositoryOptions = {}): ValidationResult {
  const repo = loadRepositoryDetail(root, options);
  const diagnostics = [...repo.diagnostics];

  for (const change of repo.changes) {
    if (change.statements.length === 0) continue;
    const findings = lintChange(change);
    pushAll(diagnostics, findings);
    const source = repo.sources.get(change.id);
    if (!source) continue;
    const at = source.position(['destructive']);

    // A finding may sit inside its statement (the DROP clause of an ALTER TABLE), so each one is
    // attributed to the last statement starting at or before it in the same file.
    const reasons = destructiveReasons(change, findings);
    if (!change.destructive) {
      for (const [i, s] of change.statements.entries()) {
        const reason = reasons.get(i);
        if (!reason) continue;
        diagnostics.push(diagnostic(CODES.undeclaredDestructive, change.file, at, 'destructive',
          `is false, but the statement at ${s.file}:${s.line} is destructive (${reason.code}); set destructive: true`));
      }
    } else if (reasons.size === 0 && repo.complete.has(change.id)) {
      diagnostics.push(diagnostic(CODES.declaredButNotDestructive, change.file, at, 'destructive',
        'is true, but lint finds no destructive statement; set destructive: false unless you know better (PROD takes a snapshot for it)', 'warning'));
    }
  }

  const unique = dedupe(diagnostics).sort(compareDiagnostics);
  const errors = unique.filter((d) => d.severity === 'error').length;
  const warnings = unique.filter((d) => d.severity === 'warning').length;
  const exitCode = repo.configFailed ? 2 : errors > 0 ? 1 : 0;
  const result: ValidationResult = { diagnostics: unique, errors, warnings, exitCode, changes: repo.changes, manifests: repo.manifests };
  if (repo.config) result.config = repo.config;
  return result;
}

/** The first destructive finding of each statement, by statement index. */
function destructiveReasons(change: Change, findings: Diagnostic[]): Map<number, Diagnostic> {
  const locate = statementLocator(change.statements);
  const out = new Map<number, Diagnostic>();
  for (const f of findings) {
    if (!f.destructive) continue;
    const hit = locate(f);
    if (hit >= 0 && !out.has(hit)) out.set(hit, f);
  }
  return out;
}

// A SQL file shared by two changes is linted twice; say each finding once.
function dedupe(ds: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return ds.filter((d) => {
    const key = `${d.code}\0${d.file}\0${d.line}\0${d.column}\0${d.field ?? ''}\0${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
