// Promotion order: an environment comes after the one it names in `after`; otherwise the order in
// changegate.yaml stands. `envs --json` turns that order into a GitHub Actions matrix for fleets.
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
  approval: 'required' | 'none';
  snapshot: EnvironmentConfig['snapshot'];
  /** AWS region for `aws-actions/configure-aws-credentials`, '' for URL environments. */
  region: string;
}

/**
 * The GitHub Actions matrix for `changegate envs --json`: `{ include: [...] }` in promotion order.
 * `kind` filters (a CI fleet usually wants only `aws`); no secret names or URLs are included.
 */
export function envMatrix(config: Pick<Config, 'environments'>, options: { kind?: 'aws' | 'url' } = {}): { include: MatrixEntry[] } {
  const include = environmentsInOrder(config)
    .map((env, order): MatrixEntry => ({
      environment: env.name,
      order,
      kind: environmentKind(env),
      after: env.after ?? '',
      approval: env.approval ?? 'none',
      snapshot: env.snapshot,
      region: env.region ?? '',
    }))
    .filter((e) => options.kind === undefined || e.kind === options.kind);
  return { include };
}
