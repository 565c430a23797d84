// Promotion order: an environment comes after the one it names in `after`; otherwise the order in
// changegate.yaml stands. `envs --json` turns that order into a GitHub Actions matrix for fleets.
import { UsageError } from '../errors.js';
import type { Config, EnvironmentConfig } from '../types.js';

/**
 * Environments in promotion order: each one after its `after` environment, ties in declared order.
 * The config has been validated, so `after` chains exist and are acyclic; a broken chain is tolerated
 * (declared order) rather than thrown on.
 */
export function environmentsInOrder(config: Pick<Config, 'environments'>): EnvironmentConfig[] {
  const byName = new Map(config.environments.map((e) => [e.name, e]));
  const out: EnvironmentConfig[] = [];
  const placed = new Set<string>();
  const visiting = new Set<string>();
  const place = (env: EnvironmentConfig): void => {
    if (placed.has(env.name) || visiting.has(env.name)) return;
    visiting.add(env.name);
    const before = env.after !== undefined ? byName.get(env.after) : undefined;
    if (before) place(before);
    visiting.delete(env.name);
    placed.add(env.name);
    out.push(env);
  };
  for (const env of config.environments) place(env);
  return out;
}

/** Whether an environment is reached through AWS (cluster, secret) or through a URL. */
export function environmentKind(env: Pick<EnvironmentConfig, 'url_env' | 'url'> & { targets?: { url_env?: string }[]; fleet?: { servers?: { url_env?: string; url?: string }[] } }): 'aws' | 'url' {
  if (env.url_env !== undefined || env.url !== undefined) return 'url';
  const servers = env.fleet?.servers ?? env.targets ?? [];
  return servers.some((t) => t.url_env !== undefined || (t as { url?: string }).url !== undefined) ? 'url' : 'aws';
}

/** One entry of the `envs --json` matrix: what a workflow job needs to pick its GitHub environment and gates. */
export interface MatrixEntry {
  environment: string;
  /** 0-based position in promotion order. */
  order: number;
  kind: 'aws' | 'url';
  /** The environment this one comes after, or '' (matrix values are strings in expressions). */
  after: string;
  approval: 'required' | 'risky' | 'none';
  snapshot: EnvironmentConfig['snapshot'];
  /** AWS region for `aws-actions/configure-aws-credentials`, '' for URL environments. */
  region: string;
}

/** An entry of the matrix `envs --json --shards N` gives: one job per shard of a fleet. */
export interface ShardEntry extends MatrixEntry {
  /** `i/N` for the i-th shard of a fleet environment (for `apply --shard`), '' for an environment of one target. */
  shard: string;
  /** The environment's online schema change tool, '' for none: a shard job installs it without a plan of its own. */
  online_tool: string;
}

/** The most shards `envs --json --shards` splits a fleet into: a GitHub Actions matrix holds at most 256 jobs. */
export const MAX_SHARDS = 256;

/** Reads `--shards N`: a whole number from 1 to MAX_SHARDS, else a usage error naming the flag. */
export function parseShardCount(text: string): number {
  const n = /^[0-9]+$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > MAX_SHARDS) {
    throw new UsageError(`--shards must be a whole number from 1 to ${MAX_SHARDS} (a GitHub Actions matrix holds at most ${MAX_SHARDS} jobs), not "${text}"`);
  }
  return n;
}

/**
 * The GitHub Actions matrix for `changegate envs --json`: `{ include: [...] }` in promotion order.
 * `kind` filters (a CI fleet usually wants only `aws`); no secret names or URLs are included. With
 * `shards`, a fleet environment becomes that many entries, one per shard, and an environment of one
 * target stays one entry with an empty `shard`.
 */
export function envMatrix(config: Pick<Config, 'environments'>, options: { kind?: 'aws' | 'url'; shards: number }): { include: ShardEntry[] };
export function envMatrix(config: Pick<Config, 'environments'>, options?: { kind?: 'aws' | 'url' }): { include: MatrixEntry[] };
export function envMatrix(config: Pick<Config, 'environments'>, options: { kind?: 'aws' | 'url'; shards?: number } = {}): { include: MatrixEntry[] | ShardEntry[] } {
  const envs = environmentsInOrder(config);
  const entry = (env: EnvironmentConfig, order: number): MatrixEntry => ({
    environment: env.name,
    order,
    kind: environmentKind(env),
    after: env.after ?? '',
    approval: env.approval ?? 'none',
    snapshot: env.snapshot,
    region: env.region ?? '',
  });
  const wanted = (e: MatrixEntry) => options.kind === undefined || e.kind === options.kind;
  const shards = options.shards;
  if (shards === undefined) return { include: envs.map(entry).filter(wanted) };
  const include: ShardEntry[] = [];
  envs.forEach((env, order) => {
    const base = entry(env, order);
    if (!wanted(base)) return;
    const online_tool = env.online_schema_change?.tool ?? '';
    if (!env.fleet) include.push({ ...base, shard: '', online_tool });
    else for (let i = 1; i <= shards; i++) include.push({ ...base, shard: `${i}/${shards}`, online_tool });
  });
  return { include };
}
