// The targets of a fleet environment as this run finds them: each server located once, its schemas
// listed (a `like` pattern is matched on the server itself), then `--shard` and `--target` applied.
// A server that cannot be reached or listed becomes one failed entry, `server/*`, so that the
// report names it and the other servers still run.
import type { Scope } from '../../core/usecases/gates.js';
import type { EnvironmentConfig, ServerRef } from '../../core/types.js';
import { selectTargets, shardOf, targetEnvironment, type Shard } from '../../core/fleet/targets.js';
import type { CommandContext } from '../context.js';
import { resolveEnvironment } from '../target.js';
import { describeFailure } from '../failure.js';

/** One target of the run, or a server whose targets could not be found. */
export interface FleetMember {
  name: string;
  /** The target's environment; absent for a server that could not be listed. */
  env?: EnvironmentConfig;
  /** Why the server's targets could not be found. */
  error?: { code: string; message: string; exitCode: number };
}

/** The targets a command over a fleet environment runs on, sorted by server (as declared) and schema. */
export async function fleetMembers(ctx: CommandContext, s: Scope, opts: { names?: string[]; shard?: Shard | null } = {}): Promise<FleetMember[]> {
  const env = s.env;
  const fleet = env.fleet!;
  ctx.servers ??= new Map();
  const perServer = await Promise.all(fleet.servers.map((server) => serverMembers(ctx, s, server)));
  const all = perServer.flat();
  const broken = all.filter((m) => m.error);
  // A server that could not be listed is reported whatever `--target` says, by one shard only (its
  // own, as if `server/*` were a target), so that merging the shards names it once.
  const shard = opts.shard;
  const reported = shard ? broken.filter((m) => shardOf(m.name, shard.count) === shard.index) : broken;
  const selected = selectTargets(all.filter((m) => !m.error), env.name, opts);
  return [...reported, ...selected];
}

async function serverMembers(ctx: CommandContext, s: Scope, server: ServerRef): Promise<FleetMember[]> {
  const env = s.env;
  const schemas = env.fleet!.schemas;
  const member = (schema: string): FleetMember => {
    const t = targetEnvironment(env, server, schema);
    return { name: t.target!.name, env: t };
  };
  if ('names' in schemas) return schemas.names.map(member);
  if ('one' in schemas && schemas.one !== null) return [member(schemas.one)];
  try {
    // Located once for the whole fleet; the schema is filled in per target.
    const { spec } = await resolveEnvironment(ctx, s.config, targetEnvironment(env, server, ''));
    if ('one' in schemas) {
      // A URL server with no schema: field: the URL's own schema is the target.
      const { parseTargetUrl } = await import('../../adapters/mysql/connect.js');
      const url = server.url ?? ctx.env[server.url_env ?? ''] ?? '';
      return [member(parseTargetUrl(url, env.name, server.url_env).schema)];
    }
    const { matchingSchemas } = await import('../../adapters/mysql/schemas.js');
    const found = await matchingSchemas(
      spec,
      { minVersion: s.config.server.min_version, lockWaitTimeout: env.lock_wait_timeout, label: `${env.name} (${server.name})` },
      schemas.like,
      env.backup_schema ? [env.backup_schema] : [],
    );
    return found.map(member);
  } catch (err) {
    const f = describeFailure(err);
    if (!f) throw err;
    return [{ name: `${server.name}/*`, error: f }];
  }
}
