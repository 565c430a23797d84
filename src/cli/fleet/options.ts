// `--target` and `--shard`: which targets of a fleet a command runs on. On an environment of one
// target they are a usage error, so that a typo in --env never runs the whole of something else.
import { UsageError } from '../../core/errors.js';
import { parseShard, type Shard } from '../../core/fleet/targets.js';
import type { Scope } from '../../core/usecases/gates.js';

/** The selection of a command over a fleet, or null for an environment of one target. */
export function fleetOptions(s: Scope, opts: { target?: string[]; shard?: string }): { names: string[]; shard: Shard | null } | null {
  const names = opts.target ?? [];
  if (!s.env.fleet) {
    if (names.length > 0) throw new UsageError(`--target applies to an environment of several targets; ${s.env.name} has one`);
    if (opts.shard !== undefined) throw new UsageError(`--shard applies to an environment of several targets; ${s.env.name} has one`);
    return null;
  }
  return { names, shard: opts.shard === undefined ? null : parseShard(opts.shard) };
}
