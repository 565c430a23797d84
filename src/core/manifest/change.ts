// One change manifest: schema-checked, its references resolved and read, its fields checked against
// the configuration. Everything the repository-wide checks need is kept beside the Change.
import { checksum, combinedChecksum } from '../checksum.js';
import type { Change, Diagnostic, SqlFile, Statement, Verify } from '../types.js';
import { CODES, diagnostic } from './codes.js';
import type { ConfigFacts } from './config.js';
import type { SqlFiles } from './paths.js';
import { validateAgainstSchema } from './schema.js';
import { checkChangeTickets } from './ticket-fields.js';
import type { YamlSource } from './yaml.js';
import { pushAll } from '../arrays.js';

interface RawChange {
  title: string;
  ticket: string;
  tickets?: Record<string, string>;
  owner?: string;
  destructive: boolean;
  apply: string[];
  verify?: { name: string; sql: string; expect: Verify['expect'] }[];
  rollback?: string[];
  depends_on?: string[];
  environments?: string[];
  lint?: { ignore?: string[] };
  baseline?: boolean;
}

/** A manifest read into a Change, with whether all of its SQL could be read and split. */
export interface LoadedChange {
  change: Change;
  /** False when a referenced file is missing, escapes, is not UTF-8, does not split or is empty. */
  complete: boolean;
}

/**
 * Builds the Change for a parsed manifest, or undefined when the manifest fails its schema (the
 * diagnostics say why). Findings go to `out`; none are thrown.
 */
export function loadChange(id: string, source: YamlSource, files: SqlFiles, facts: ConfigFacts, out: Diagnostic[]): LoadedChange | undefined {
  const schemaDiagnostics = validateAgainstSchema('change', source);
  pushAll(out, schemaDiagnostics);
  if (schemaDiagnostics.some((d) => d.severity === 'error')) return undefined;
  const raw = source.data as RawChange;
  const file = source.file;
  let complete = true;

  const readList = (field: 'apply' | 'rollback', paths: string[]): { files: SqlFile[]; statements: Statement[] } => {
    const result = { files: [] as SqlFile[], statements: [] as Statement[] };
    const seen = new Map<string, number>();
    paths.forEach((p, i) => {
      const at = source.position([field, i]);
      const first = seen.get(p);
      if (first !== undefined) {
        out.push(diagnostic(CODES.duplicateFile, file, at, `${field}[${i}]`, `lists ${p} again (also ${field}[${first}]); it would run twice`));
        complete = false;
        return;
      }
      seen.set(p, i);
      const r = files.read(p);
      if (!r.ok) {
        out.push(diagnostic(r.problem.code, file, at, `${field}[${i}]`, r.problem.message));
        complete = false;
        return;
      }
      if (!r.usable) complete = false;
      result.files.push(r.file);
      pushAll(result.statements, r.statements);
    });
    return result;
  };

  const apply = readList('apply', raw.apply);
  const rollback = readList('rollback', raw.rollback ?? []);

  if (facts.ticketPattern && !facts.ticketPattern.test(raw.ticket)) {
    out.push(diagnostic(CODES.ticketMismatch, file, source.position(['ticket']), 'ticket', `"${raw.ticket}" does not match ticket_pattern ${facts.ticketPatternSource}`));
  }
  pushAll(out, checkChangeTickets(raw, source, facts));

  if (raw.environments && facts.environments) {
    const envs = facts.environments;
    const listed = new Set(raw.environments);
    raw.environments.forEach((name, i) => {
      const at = source.position(['environments', i]);
      const env = envs.get(name);
      if (!env) {
        out.push(diagnostic(CODES.unknownEnvironment, file, at, `environments[${i}]`, `"${name}" is not an environment in changegate.yaml; environments: ${[...envs.keys()].join(', ')}`));
      } else if (env.after !== undefined && envs.has(env.after) && !listed.has(env.after)) {
        out.push(diagnostic(CODES.skipsAfter, file, at, `environments[${i}]`, `${name} comes after ${env.after}, which this change skips; ${name} only runs changes that succeeded in ${env.after}, so list ${env.after} too`));
      }
    });
  }

  const verify: Verify[] = (raw.verify ?? []).map((v, i) => ({ name: v.name, sql: v.sql, expect: v.expect, line: source.line(['verify', i]) }));
  const manifestSum = manifestChecksum(raw);
  const fileChecksums: Record<string, string> = { [file]: manifestSum };
  for (const f of apply.files) fileChecksums[f.path] = f.checksum;

  const change: Change = {
    id,
    file,
    title: raw.title,
    ticket: raw.ticket,
    destructive: raw.destructive,
    apply: apply.files,
    rollback: rollback.files,
    verify,
    depends_on: raw.depends_on ?? [],
    lint: { ignore: raw.lint?.ignore ?? [] },
    statements: apply.statements,
    rollbackStatements: rollback.statements,
    checksum: changeChecksum(file, manifestSum, apply.files),
    fileChecksums,
  };
  if (raw.owner !== undefined) change.owner = raw.owner;
  if (raw.tickets !== undefined) change.tickets = raw.tickets;
  if (raw.environments !== undefined) change.environments = raw.environments;
  if (raw.baseline === true) change.baseline = true;
  return { change, complete };
}

/**
 * The manifest's part of a change's checksum: the canonical JSON of the fields that decide what a
 * run does and checks (`apply` order, `destructive`, `verify`). Comments, formatting, title, owner,
 * ticket, environments, depends_on, lint and `rollback` are left out, so that documenting a change
 * or adding a rollback after it was applied is not drift. Changing this is a CHECKSUM_VERSION bump.
 */
export function manifestChecksum(raw: { apply: string[]; destructive: boolean; verify?: { name: string; sql: string; expect: Verify['expect'] }[] }): string {
  const canonical = {
    apply: raw.apply,
    destructive: raw.destructive,
    verify: (raw.verify ?? []).map((v) => ({ expect: v.expect, name: v.name, sql: v.sql })),
  };
  return checksum(JSON.stringify(canonical));
}

/** A change's checksum: its manifest part, then each apply file by path, in order. Rollback files are not part of it. */
export function changeChecksum(manifestFile: string, manifestSum: string, apply: SqlFile[]): string {
  return combinedChecksum([{ name: manifestFile, checksum: manifestSum }, ...apply.map((f) => ({ name: f.path, checksum: f.checksum }))]);
}
