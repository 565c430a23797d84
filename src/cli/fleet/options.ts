// `--target` and `--shard`: which targets of a fleet a command runs on. On an environment of one
// target they are a usage error, so that a typo in --env never runs the whole of something else.
import { UsageError } from '../../core/errors.js';
import { parseShard, type Shard } from '../../core/fleet/targets.js';
import type { Scope } from '../../core/usecases/gates.js';
import type { CommandContext } from '../context.js';
import { fleetMembers } from './members.js';

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

/**
 * The one target a command that works on one target runs on: the environment itself, or the target
 * of a fleet that `--target` names. A fleet without `--target` is a usage error naming the flag.
 */
export async function oneTarget(ctx: CommandContext, s: Scope, name: string | undefined, command: string): Promise<Scope> {
  if (!s.env.fleet) {
    if (name !== undefined) throw new UsageError(`--target applies to an environment of several targets; ${s.env.name} has one`);
    return s;
  }
  if (name === undefined) throw new UsageError(`${s.env.name} has several targets; ${command} runs on one of them: add --target server/schema`);
  const [member] = await fleetMembers(ctx, s, { names: [name] });
  if (!member?.env) throw new UsageError(`--target ${name}: ${member?.error?.message ?? 'no such target'}`);
  return { ...s, env: member.env };
}
