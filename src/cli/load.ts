// Loading the repository for commands that act on a target: any invalid input stops here, before
// anything connects (bad input is refused with its file and line, never half-run), with the same
// findings `validate` prints.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { ChangegateError, UsageError } from '../core/errors.js';
import { refuseProtected } from '../core/guards.js';
import { loadConfig } from '../core/manifest/index.js';
import { validateRepository } from '../core/validate.js';
import { environmentOf } from '../core/usecases/gates.js';
import type { Change, Config, EnvironmentConfig } from '../core/types.js';
import type { CommandContext } from './context.js';
import { diagnosticLine } from './render.js';

/** The config, or exit 2 with its problems printed. */
export function loadConfigOrFail(ctx: CommandContext): Config {
  const { config, diagnostics } = loadConfig(ctx.root, ctx.configFile);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (!config || errors.length > 0) {
    ctx.out.diagnostics(errors, diagnosticLine);
    throw new UsageError(`${ctx.configFile} is not valid (${errors.length} problem(s)); nothing was done`);
  }
  return config;
}

/** Config and validated changes, or exit 2 (config) / 1 (changes, lint errors included) with every problem printed. */
export function loadRepoOrFail(ctx: CommandContext): { config: Config; changes: Change[] } {
  const repo = validateRepository(ctx.root, { configFile: ctx.configFile });
  const errors = repo.diagnostics.filter((d) => d.severity === 'error');
  if (!repo.config || repo.exitCode === 2) {
    ctx.out.diagnostics(errors, diagnosticLine);
    throw new UsageError(`${ctx.configFile} is not valid (${errors.length} problem(s)); nothing was done`);
  }
  if (errors.length > 0) {
    ctx.out.diagnostics(errors, diagnosticLine);
    throw new ChangegateError(`the changes have ${errors.length} problem(s) (run changegate validate); nothing was done`, 1);
  }
  return { config: repo.config, changes: repo.changes };
}

/** The named environment, or exit 2 listing the configured ones. */
export function environment(config: Config, name: string): EnvironmentConfig {
  return environmentOf(config, name);
}

/**
 * Nothing connects to a protected cluster: checked before anything else, even before validation, a
 * run whose environment names a protected cluster (as its cluster or inside its secret id) is refused with exit 1, although `validate` also
 * reports the same config as invalid (CG023). A config that does not parse is left to validation.
 */
export function refuseProtectedEarly(ctx: CommandContext, envName: string): void {
  let raw: unknown;
  try {
    raw = parse(readFileSync(path.resolve(ctx.root, ctx.configFile), 'utf8'));
  } catch {
    return;
  }
  const doc = raw as { protected_clusters?: unknown; environments?: Record<string, { cluster?: unknown; instance?: unknown; secret?: unknown }> };
  const env = doc?.environments?.[envName];
  if (!Array.isArray(doc?.protected_clusters) || !env || typeof env !== 'object') return;
  const config = { protected_clusters: doc.protected_clusters.filter((p): p is string => typeof p === 'string'), file: ctx.configFile } as Config;
  const named = { name: envName } as EnvironmentConfig;
  if (typeof env.cluster === 'string') refuseProtected(config, named, env.cluster, 'targets cluster');
  if (typeof env.instance === 'string') refuseProtected(config, named, env.instance, 'targets instance');
  if (typeof env.secret === 'string') refuseProtected(config, named, env.secret, 'uses secret');
}
