// The targets of a fleet environment: one schema on one server each, named `server/schema`, with
// the environment's settings. Which schemas a `like` pattern matches is found at run time by the
// edge; everything here is pure: naming, the environment of one target, `--target` and `--shard`.
import { UsageError } from '../errors.js';
import type { EnvironmentConfig, ServerRef } from '../types.js';

/** The name of a target: `server/schema`. */
export function targetName(server: ServerRef, schema: string): string {
  return `${server.name}/${schema}`;
}

/** The environment of one target: the fleet's settings with one server and one schema. */
export function targetEnvironment(env: EnvironmentConfig, server: ServerRef, schema: string): EnvironmentConfig {
  const { fleet: _fleet, cluster: _c, instance: _i, url_env: _u, url: _url, ...rest } = env;
  const out: EnvironmentConfig = { ...rest, schema, target: { name: targetName(server, schema), server } };
  if (server.cluster !== undefined) out.cluster = server.cluster;
  if (server.instance !== undefined) out.instance = server.instance;
  if (server.url_env !== undefined) out.url_env = server.url_env;
  if (server.url !== undefined) out.url = server.url;
  if (server.secret !== undefined) out.secret = server.secret;
  return out;
}

/** A `--shard i/N` read from the command line: the i-th (1-based) of N shards. */
export interface Shard {
  index: number;
  count: number;
}

/** Parses `i/N`, or a usage error naming the flag. */
export function parseShard(text: string): Shard {
  const m = /^([0-9]+)\/([0-9]+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index < 1 || index > count) {
    throw new UsageError(`--shard must be i/N with 1 <= i <= N, such as 2/8, not "${text}"`);
  }
  return { index, count };
}

/**
 * The shard (1-based) a target belongs to among `count`: from a hash of its name, so that a target
 * stays in its shard however many other targets come and go, and every job of a matrix agrees
 * without talking to the others. FNV-1a over the UTF-8 bytes.
 */
export function shardOf(name: string, count: number): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(name, 'utf8')) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return (h % count) + 1;
}

/**
 * The targets a command runs on: those of the shard, then those `--target` names (a full
 * `server/schema`, or a schema name that is unique across the servers). A name that matches
 * nothing is a usage error, so a typo never runs an empty fleet and reports success.
 */
export function selectTargets<T extends { name: string }>(all: T[], envName: string, opts: { names?: string[]; shard?: Shard | null }): T[] {
  let picked = opts.shard ? all.filter((t) => shardOf(t.name, opts.shard!.count) === opts.shard!.index) : all;
  const names = opts.names ?? [];
  if (names.length === 0) return picked;
  const wanted = new Set<T>();
  for (const n of names) {
    const hits = all.filter((t) => t.name === n || (!n.includes('/') && t.name.slice(t.name.indexOf('/') + 1) === n));
    if (hits.length === 0) {
      const some = all.slice(0, 3).map((t) => t.name).join(', ');
      throw new UsageError(`--target ${n} is not a target of ${envName}; its ${all.length} target(s) are named server/schema${some ? `, such as ${some}` : ''}`);
    }
    if (hits.length > 1) throw new UsageError(`--target ${n} names ${hits.length} targets of ${envName} (${hits.map((t) => t.name).join(', ')}); give server/schema`);
    wanted.add(hits[0]!);
  }
  picked = picked.filter((t) => wanted.has(t));
  return picked;
}
