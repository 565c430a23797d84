// The shipped JSON Schemas, as validation functions compiled ahead of time (see scripts/schema-codegen.ts),
// and their errors turned into diagnostics at the YAML node they are about. The schemas are the
// single source of field rules: editors read the same files through yaml-language-server,
// including `patternErrorMessage`.
import type { ErrorObject } from 'ajv';
import type { Diagnostic } from '../types.js';
import { CODES, diagnostic } from './codes.js';
import * as generated from './schema-validators.generated.js';
import { fieldPath, type DataPath, type YamlSource } from './yaml.js';

/** Which shipped schema: `changegate.yaml` or a change manifest. */
export type SchemaName = 'changegate' | 'change';

interface Validator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

const validators = generated as unknown as Record<SchemaName, Validator>;

/** Absolute URL of a shipped schema file (`schema/` beside `dist/` in the repo and in the package). */
export function schemaUrl(name: SchemaName): URL {
  return new URL(`../../../../schema/${name}.schema.json`, import.meta.url);
}

/** Validates the source's data against a shipped schema; every error becomes a diagnostic at its node. */
export function validateAgainstSchema(name: SchemaName, source: YamlSource): Diagnostic[] {
  const data = source.data;
  if (data === null || data === undefined || typeof data !== 'object' || Array.isArray(data)) {
    const what = data === null || data === undefined ? 'is empty' : `holds ${describe(data)}`;
    return [diagnostic(CODES.notMapping, source.file, source.position([]), undefined, `${what}; expected a mapping of fields`)];
  }
  const validate = validators[name];
  if (validate(data)) return [];
  const out: Diagnostic[] = [];
  for (const e of validate.errors ?? []) {
    const d = toDiagnostic(e, source);
    if (d) out.push(d);
  }
  return out;
}

function toDiagnostic(e: ErrorObject, source: YamlSource): Diagnostic | undefined {
  const path = dataPath(e.instancePath, source.data);
  const file = source.file;
  switch (e.keyword) {
    case 'if':
    case 'anyOf':
    case 'propertyNames':
      // Summaries of errors ajv reports on their own as well.
      return undefined;
    case 'required': {
      const missing = (e.params as { missingProperty: string }).missingProperty;
      const field = fieldPath([...path, missing]);
      // cluster or instance: one finding, at the field most environments use.
      if (e.schemaPath.includes('/else/anyOf/')) {
        return missing !== 'cluster' ? undefined : diagnostic(CODES.required, file, source.position(path, true), field,
          'or instance is required for an AWS environment (an Aurora cluster or an RDS instance), unless url_env or url is given');
      }
      const message = e.schemaPath.includes('/else/')
        ? 'is required for an AWS environment (cluster, region and schema), unless url_env or url is given'
        : 'is required';
      return diagnostic(CODES.required, file, source.position(path, true), field, message);
    }
    case 'additionalProperties': {
      const extra = (e.params as { additionalProperty: string }).additionalProperty;
      const at = [...path, extra];
      const allowed = Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      return diagnostic(CODES.unknownField, file, source.position(at, true), fieldPath(at), unknownFieldMessage(extra, allowed));
    }
    case 'type': {
      const expected = (e.params as { type: string | string[] }).type;
      const types = Array.isArray(expected) ? expected : expected.split(',');
      let message = `must be ${types.map(typeName).join(' or ')}, not ${describe(e.data)}`;
      if (types.includes('string') && (typeof e.data === 'number' || typeof e.data === 'boolean')) {
        message += '; put it in quotes';
      }
      return diagnostic(CODES.wrongType, file, source.position(path), fieldPath(path), message);
    }
    case 'pattern': {
      const name = e.propertyName;
      const custom = (e.parentSchema as { patternErrorMessage?: string } | undefined)?.patternErrorMessage;
      if (name !== undefined) {
        // propertyNames: the key itself is wrong; point at it.
        const at = [...path, name];
        return diagnostic(CODES.badValue, file, source.position(at, true), fieldPath(at), `is not a valid name: ${custom ?? `must match ${(e.params as { pattern: string }).pattern}`}`);
      }
      const message = `${custom ?? `must match ${(e.params as { pattern: string }).pattern}`}, not ${describe(e.data)}`;
      return diagnostic(CODES.badValue, file, source.position(path), fieldPath(path), message);
    }
    case 'enum': {
      const allowed = (e.params as { allowedValues: unknown[] }).allowedValues.map(String);
      return diagnostic(CODES.badValue, file, source.position(path), fieldPath(path), `must be one of ${allowed.join(', ')}, not ${describe(e.data)}`);
    }
    case 'uniqueItems': {
      // ajv names the two equal items in either order; the repeat is the later one.
      const { i, j } = e.params as { i: number; j: number };
      const later = Math.max(i, j);
      const at = [...path, later];
      return diagnostic(CODES.badValue, file, source.position(at), fieldPath(at), `repeats ${describe((e.data as unknown[])[later])}`);
    }
    case 'minItems':
    case 'minProperties':
    case 'minLength':
      return diagnostic(CODES.badValue, file, source.position(path), fieldPath(path), 'must not be empty');
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const { limit } = e.params as { limit: number };
      const word = { minimum: 'at least', maximum: 'at most', exclusiveMinimum: 'more than', exclusiveMaximum: 'less than' }[e.keyword];
      return diagnostic(CODES.badValue, file, source.position(path), fieldPath(path), `must be ${word} ${limit}, not ${describe(e.data)}`);
    }
    default:
      return diagnostic(CODES.badValue, file, source.position(path), fieldPath(path), e.message ?? `fails ${e.keyword}`);
  }
}

// ajv's instancePath is a JSON pointer; indexes into arrays become numbers so that field paths
// print as `apply[0]` and YAML sequences can be walked.
function dataPath(pointer: string, data: unknown): DataPath {
  if (pointer === '') return [];
  const out: (string | number)[] = [];
  let cur: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur)) {
      const i = Number(seg);
      out.push(i);
      cur = cur[i];
    } else {
      out.push(seg);
      cur = cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>)[seg] : undefined;
    }
  }
  return out;
}

function typeName(t: string): string {
  switch (t) {
    case 'string': return 'a string';
    case 'integer': return 'a whole number';
    case 'number': return 'a number';
    case 'boolean': return 'true or false';
    case 'array': return 'a list';
    case 'object': return 'a mapping';
    case 'null': return 'null';
    default: return t;
  }
}

/** How messages show a YAML value the user wrote: `the string "yes"`, `the number 8`, `a list`. */
export function describe(v: unknown): string {
  if (v === null || v === undefined) return 'empty';
  if (typeof v === 'string') return `the string ${JSON.stringify(v)}`;
  if (typeof v === 'number') return `the number ${v}`;
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return 'a list';
  return 'a mapping';
}

function unknownFieldMessage(extra: string, allowed: string[]): string {
  const close = nearest(extra, allowed);
  if (close) return `unknown field; did you mean "${close}"?`;
  return allowed.length > 0 ? `unknown field; expected one of ${allowed.join(', ')}` : 'unknown field';
}

// A typo is at most two edits away, a different spelling of the same words (dependsOn, depends-on),
// or a shortening of a field (depends, env).
function nearest(word: string, candidates: string[]): string | undefined {
  const squash = (s: string) => s.toLowerCase().replace(/[-_ ]/g, '');
  const w = squash(word);
  let best: string | undefined;
  let bestDistance = 3;
  for (const c of candidates) {
    const sc = squash(c);
    const d = sc === w || (w.length >= 3 && sc.startsWith(w)) ? 0 : editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}
