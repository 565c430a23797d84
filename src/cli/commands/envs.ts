// `changegate envs`: environments in promotion order, or a GitHub Actions matrix with --json
// (with --shards N, one entry per shard of each fleet environment).
import { UsageError } from '../../core/errors.js';
import { loadConfigOrFail } from '../load.js';
import { environmentsInOrder, envMatrix, parseShardCount } from '../../core/manifest/environments.js';
import type { EnvironmentConfig, FleetConfig } from '../../core/types.js';
import type { CommandContext } from '../context.js';

// A fleet of hundreds of servers stays one line: the first few are named.
const SERVERS_NAMED = 5;

/** Lists environments; always exit 0 once the config loads and the flags are sound. */
export default async function envs(ctx: CommandContext, opts: { json?: boolean; shards?: string }): Promise<number> {
  if (opts.shards !== undefined && !opts.json) throw new UsageError('--shards shapes the matrix of --json; give both');
  const shards = opts.shards !== undefined ? parseShardCount(opts.shards) : undefined;
  const config = loadConfigOrFail(ctx);
  const ordered = environmentsInOrder(config);
  if (opts.json) {
    ctx.out.raw(JSON.stringify(shards === undefined ? envMatrix(config) : envMatrix(config, { shards })));
    return 0;
  }
  ctx.out.setDocument({
    environments: ordered.map((e) => ({
      name: e.name, after: e.after ?? null, target: e.fleet ? 'fleet' : (e.cluster ?? e.instance ?? 'url'), snapshot: e.snapshot, approval: e.approval ?? 'none',
      ...(e.fleet ? { fleet: fleetJson(e.fleet) } : {}),
    })),
  });
  for (const e of ordered) {
    ctx.out.info(`${e.name}  ${where(e)}${e.after ? `  after ${e.after}` : ''}  snapshot: ${e.snapshot}${e.approval === 'required' || e.approval === 'risky' ? `  approval: ${e.approval}` : ''}`);
  }
  return 0;
}

function where(e: EnvironmentConfig): string {
  if (e.fleet) return `fleet: ${fleetText(e.fleet)}`;
  return e.cluster ? `cluster ${e.cluster} (${e.region})` : e.instance ? `instance ${e.instance} (${e.region})` : `url from ${e.url_env ?? 'config'}`;
}

// `2 servers (a, b), schemas like tenant\_%, 8 at a time, 1 canary first`
function fleetText(f: FleetConfig): string {
  const names = f.servers.map((s) => s.name);
  const shown = names.slice(0, SERVERS_NAMED).join(', ') + (names.length > SERVERS_NAMED ? `, and ${names.length - SERVERS_NAMED} more` : '');
  const schemas = 'like' in f.schemas ? `schemas like ${f.schemas.like}` : 'names' in f.schemas ? `schemas ${f.schemas.names.join(', ')}` : f.schemas.one !== null ? `schema ${f.schemas.one}` : "each URL's schema";
  return `${names.length} server${names.length === 1 ? '' : 's'} (${shown}), ${schemas}, ${f.parallel} at a time${f.canary > 0 ? `, ${f.canary} canary first` : ''}`;
}

function fleetJson(f: FleetConfig) {
  return { servers: f.servers.map((s) => s.name), schemas: f.schemas, parallel: f.parallel, canary: f.canary, stop_after_failures: f.stop_after_failures };
}
