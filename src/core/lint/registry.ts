// The central table of lint codes, built from the analyzers so a code cannot be defined twice.
import type { Analyzer, RuleInfo } from './analyzer.js';

const CODE = /^CG[1-3]\d\d$/;

/**
 * Collects every analyzer's codes into one table. Throws (at module load, so no run ever sees a
 * half-built registry) on a duplicate or malformed code, or a destructive flag that disagrees with
 * the code's range: `CG1xx` and only `CG1xx` is destructive.
 */
export function buildRegistry(analyzers: readonly Analyzer[]): Readonly<Record<string, RuleInfo>> {
  const rules: Record<string, RuleInfo> = {};
  const owner: Record<string, string> = {};
  for (const a of analyzers) {
    for (const r of a.rules) {
      if (!CODE.test(r.code)) throw new Error(`lint rule ${r.code} of ${a.name}: codes are CG100-CG399`);
      if (owner[r.code]) throw new Error(`lint code ${r.code} is registered twice: by ${owner[r.code]} and by ${a.name}`);
      if (r.destructive !== r.code.startsWith('CG1')) {
        throw new Error(`lint rule ${r.code} of ${a.name}: CG1xx codes, and only they, are destructive`);
      }
      owner[r.code] = a.name;
      rules[r.code] = Object.freeze({ ...r });
    }
  }
  return Object.freeze(rules);
}
