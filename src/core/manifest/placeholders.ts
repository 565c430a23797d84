// `changegate init` writes `<FILL: what>` where only the team knows the value (the database's name,
// the ticket pattern, a cluster). Each one left is an error, so nothing runs on a guessed default.
import type { Diagnostic } from '../types.js';
import { CODES, diagnostic } from './codes.js';
import type { YamlSource } from './yaml.js';

/** The placeholder `changegate init` writes for a value to fill in. */
export function placeholder(what: string): string {
  return `<FILL: ${what}>`;
}

const PLACEHOLDER = /^<FILL: (.*)>$/s;

/** One CG080 error per placeholder value still in a YAML file, at its line, with its field path. */
export function placeholderDiagnostics(source: YamlSource): Diagnostic[] {
  const out: Diagnostic[] = [];
  const walk = (value: unknown, path: (string | number)[]): void => {
    if (typeof value === 'string') {
      const m = PLACEHOLDER.exec(value);
      if (m) {
        const field = path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
        out.push(diagnostic(CODES.placeholder, source.file, source.position(path), field, `is a placeholder that changegate init wrote: fill in ${m[1]}`));
      }
    } else if (Array.isArray(value)) value.forEach((v, i) => walk(v, [...path, i]));
    else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, [...path, k]);
  };
  walk(source.data, []);
  return out;
}
