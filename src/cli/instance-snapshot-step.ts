// The snapshot of an RDS MySQL DB instance before destructive work (filled in below).
import { RefusedError } from '../core/errors.js';
import type { Plan } from '../core/plan-types.js';
import type { CommandContext } from './context.js';
import type { Scope } from './flow.js';
import type { OpenEnvironment } from './target.js';

/** Takes a DB snapshot of the environment's instance and waits until it is available. */
export async function ensureInstanceSnapshot(_ctx: CommandContext, s: Scope, _open: OpenEnvironment, _plan: Plan, _runUrl: string | null): Promise<string> {
  throw new RefusedError(`refused: ${s.env.name}: instance snapshots are not built yet`);
}
