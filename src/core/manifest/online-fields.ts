// The online schema change and throttle fields of an environment: their defaults, and what a schema
// cannot check alone (a command template that must name its placeholders, never a password).
import type { Diagnostic, OnlineSettings } from '../types.js';
import { CODES, diagnostic } from './codes.js';
import type { YamlSource } from './yaml.js';

/** Tables above this many rows go online when neither `above_rows` nor `max_copy_rows` says otherwise. */
export const DEFAULT_ABOVE_ROWS = 1_000_000;

/** The placeholders a `command:` template may use; a password is never one of them. */
export const COMMAND_PLACEHOLDERS = ['SCHEMA', 'TABLE', 'CLAUSES', 'HOST', 'PORT', 'USER', 'DEFAULTS_FILE'] as const;

/** `online_schema_change` with its default bound: `above_rows`, else `max_copy_rows`, else a million rows. */
export function onlineSettings(raw: { tool: OnlineSettings['tool']; command?: string; above_rows?: number }, maxCopyRows: number | undefined): OnlineSettings {
  const out: OnlineSettings = { tool: raw.tool, above_rows: raw.above_rows ?? maxCopyRows ?? DEFAULT_ABOVE_ROWS };
  if (raw.command !== undefined) out.command = raw.command;
  return out;
}

/** A `command` that contradicts `tool`, and placeholders a command template may not use, each at its field. */
export function checkOnlineFields(raw: unknown, source: YamlSource, env: string): Diagnostic[] {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return [];
  const o = raw as Record<string, unknown>;
  const path = ['environments', env, 'online_schema_change'];
  const field = (f: string) => `environments.${env}.online_schema_change.${f}`;
  const at = (f: string) => source.position([...path, f]);
  const out: Diagnostic[] = [];
  if (o['tool'] === 'command' && o['command'] === undefined) {
    out.push(diagnostic(CODES.envShape, source.file, at('tool'), field('tool'), 'is command, but no command is given; add command: "<tool> ... {SCHEMA} {TABLE} {CLAUSES} ..."'));
  }
  if (o['tool'] !== 'command' && o['command'] !== undefined) {
    out.push(diagnostic(CODES.envShape, source.file, at('command'), field('command'), `is only read with tool: command (tool is ${String(o['tool'])})`));
  }
  if (typeof o['command'] === 'string') {
    for (const m of o['command'].matchAll(/\{([A-Za-z_]*)\}/g)) {
      const name = m[1]!;
      if ((COMMAND_PLACEHOLDERS as readonly string[]).includes(name)) continue;
      const why = name.toUpperCase() === 'PASSWORD'
        ? 'a password never goes on a command line, where every user of the machine sees it; the tool reads it from {DEFAULTS_FILE}'
        : `is not a placeholder; use ${COMMAND_PLACEHOLDERS.map((p) => `{${p}}`).join(' ')}`;
      out.push(diagnostic(CODES.envShape, source.file, at('command'), field('command'), `{${name}} ${name.toUpperCase() === 'PASSWORD' ? 'is refused: ' : ''}${why}`));
    }
    if (!/\{TABLE\}/.test(o['command']) || !/\{CLAUSES\}/.test(o['command'])) {
      out.push(diagnostic(CODES.envShape, source.file, at('command'), field('command'), 'must name {TABLE} and {CLAUSES}: the tool has to know which table to change and how'));
    }
  }
  return out;
}
