// `targets`, `schemas` and `fleet` of an environment: the rules a schema cannot say, and the
// settings with their defaults. A fleet's servers are all of one kind (clusters, instances or URL
// variables), so that the login, the snapshot method and the guards mean the same for every target.
import type { Diagnostic, FleetConfig, ServerRef } from '../types.js';
import { CODES, diagnostic } from './codes.js';
import type { YamlSource } from './yaml.js';

/** Defaults of `fleet:`; part of the contract the schema documents. */
export const FLEET_DEFAULTS = { parallel: 4, canary: 0, stop_after_failures: 1 } as const;

const SERVER_KEYS = ['cluster', 'instance', 'url_env'] as const;

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Whether an environment as written names several targets (`targets:` or `schemas:`). */
export function isFleet(env: Record<string, unknown>): boolean {
  return env['targets'] !== undefined || env['schemas'] !== undefined;
}

/** The kind of server the targets name, when they name any: what `url_env`/`url` say for one server. */
export function targetsKind(env: Record<string, unknown>): 'aws' | 'url' | undefined {
  const targets = env['targets'];
  if (!Array.isArray(targets)) return undefined;
  return targets.some((t) => isObject(t) && t['url_env'] !== undefined) ? 'url' : targets.length > 0 ? 'aws' : undefined;
}

/** Contradictions among `targets`, `schemas`, `fleet` and the environment's own server and schema, each at its field. */
export function checkFleetFields(env: Record<string, unknown>, name: string, source: YamlSource, protectedClusters: Set<string>): Diagnostic[] {
  const out: Diagnostic[] = [];
  const file = source.file;
  const at = (...p: (string | number)[]) => source.position(['environments', name, ...p]);
  const field = (f: string) => `environments.${name}.${f}`;
  const targets = env['targets'];
  if (Array.isArray(targets)) {
    for (const f of ['cluster', 'instance', 'url_env', 'url']) {
      if (env[f] !== undefined) {
        out.push(diagnostic(CODES.envShape, file, at(f), field(f), 'cannot stand beside targets: each target names its own server; move it into targets'));
      }
    }
    const kinds = new Set<string>();
    const seen = new Set<string>();
    targets.forEach((t, i) => {
      if (!isObject(t)) return;
      const named = SERVER_KEYS.filter((k) => t[k] !== undefined);
      if (named.length !== 1) {
        out.push(diagnostic(CODES.envShape, file, at('targets', i), field(`targets[${i}]`), `names ${named.length === 0 ? 'no server' : named.join(' and ')}; each target names exactly one: cluster, instance or url_env`));
        return;
      }
      const key = named[0]!;
      const value = t[key];
      if (typeof value !== 'string') return;
      kinds.add(key);
      // AWS identifiers ignore case; variable names do not.
      const id = key === 'url_env' ? value : value.toLowerCase();
      if (seen.has(id)) out.push(diagnostic(CODES.envShape, file, at('targets', i, key), field(`targets[${i}].${key}`), `repeats ${value}; each server is listed once`));
      seen.add(id);
      if (key !== 'url_env' && protectedClusters.has(value.toLowerCase())) {
        out.push(diagnostic(CODES.protectedCluster, file, at('targets', i, key), field(`targets[${i}].${key}`), `"${value}" is in protected_clusters; changegate never connects to it`));
      }
    });
    const own = targets.filter((t) => isObject(t) && t['secret'] !== undefined).length;
    if (own > 0) {
      if (env['auth'] === 'iam') out.push(diagnostic(CODES.envShape, file, at('targets'), field('targets'), 'name secrets, but auth: iam logs in with a token and no password; remove them, or use auth: secret'));
      else if (env['secret'] !== undefined) out.push(diagnostic(CODES.envShape, file, at('secret'), field('secret'), 'cannot stand beside targets that name their own secret; give each target its secret, or the environment one'));
      else if (own < targets.length) out.push(diagnostic(CODES.required, file, at('targets'), field('targets'), `name a secret for ${own} of ${targets.length} servers; with auth: secret each server needs one, or the environment one for all`));
      if (kinds.has('url_env')) out.push(diagnostic(CODES.envShape, file, at('targets'), field('targets'), 'name secrets for URL servers; a URL carries its own credentials'));
    }
    if (kinds.size > 1) {
      out.push(diagnostic(CODES.envShape, file, at('targets'), field('targets'), `mix ${[...kinds].sort().join(' and ')} servers; the servers of one environment are all clusters, all instances or all URL variables`));
    }
  }
  if (env['schemas'] !== undefined && env['schema'] !== undefined) {
    out.push(diagnostic(CODES.envShape, file, at('schema'), field('schema'), 'cannot stand beside schemas: the schemas are the targets; remove schema'));
  }
  if (env['fleet'] !== undefined && !isFleet(env)) {
    out.push(diagnostic(CODES.envShape, file, at('fleet'), field('fleet'), 'applies to an environment of several targets; add targets: or schemas:'));
  }
  return out;
}

// The raw fields this module reads, as the schema has checked them.
interface RawFleetFields {
  cluster?: string;
  instance?: string;
  url_env?: string;
  url?: string;
  schema?: string;
  targets?: { cluster?: string; instance?: string; url_env?: string; secret?: string }[];
  schemas?: { like: string } | string[];
  fleet?: { parallel?: number; canary?: number; stop_after_failures?: number };
}

/** The fleet of a checked environment, or undefined for an environment of one target. */
export function fleetSettings(e: RawFleetFields): FleetConfig | undefined {
  if (e.targets === undefined && e.schemas === undefined) return undefined;
  const servers: ServerRef[] = (e.targets ?? [e]).map((t) => {
    const ref: ServerRef = { name: t.cluster ?? t.instance ?? t.url_env ?? 'url' };
    for (const k of SERVER_KEYS) if (t[k] !== undefined) ref[k] = t[k];
    if (e.targets !== undefined && 'secret' in t && t.secret !== undefined) ref.secret = t.secret;
    if (e.targets === undefined && e.url !== undefined) ref.url = e.url;
    return ref;
  });
  const schemas: FleetConfig['schemas'] = Array.isArray(e.schemas) ? { names: [...e.schemas] } : e.schemas ? { like: e.schemas.like } : { one: e.schema ?? null };
  return {
    servers,
    schemas,
    parallel: e.fleet?.parallel ?? FLEET_DEFAULTS.parallel,
    canary: e.fleet?.canary ?? FLEET_DEFAULTS.canary,
    stop_after_failures: e.fleet?.stop_after_failures ?? FLEET_DEFAULTS.stop_after_failures,
  };
}
