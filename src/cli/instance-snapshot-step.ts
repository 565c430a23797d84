// For an RDS MySQL instance: before a destructive change runs where the policy asks for
// it, a DB snapshot of the instance must have reached `available`. As for clusters, a snapshot the
// `snapshot` step took earlier in the same deployment is reused, never doubled.
import { RefusedError } from '../core/errors.js';
import type { Plan } from '../core/plan-types.js';
import type { CommandContext } from './context.js';
import { snapshotOwner } from './fleet/snapshot-owner.js';
import type { Scope } from './flow.js';
import type { OpenEnvironment } from './target.js';

/** A snapshot older than this is never reused, however well it matches. */
const REUSE_WINDOW_MS = 6 * 3600 * 1000;

/** Returns the id of an `available` DB snapshot of the environment's instance, taking one when none is reusable. */
export async function ensureInstanceSnapshot(ctx: CommandContext, s: Scope, open: OpenEnvironment, plan: Plan, runUrl: string | null): Promise<string> {
  const { isInstance } = await import('../adapters/aws/instance.js');
  if (!open.aws || !isInstance(open.aws.cluster)) {
    throw new RefusedError(`refused: ${s.env.name} needs an instance snapshot (${plan.snapshot.reason}) but is not an RDS instance environment; set instance: or another snapshot_method`);
  }
  const snap = await import('../adapters/aws/instance-snapshot.js');
  const { snapshotId, SNAPSHOT_TAGS } = await import('../adapters/aws/snapshot.js');
  const { rds } = open.aws.clients;
  const target = open.aws.cluster;
  const instanceId = target.instanceId;
  const progress = (status: string, percent: number) => ctx.out.info(`snapshot: ${status} ${percent}%`);
  const poll = s.env.snapshot_poll_seconds;
  const timing = { timeoutSec: s.env.snapshot_timeout, minDelaySec: poll, maxDelaySec: poll * 6, onProgress: progress };

  const existing = await snap.latestChangegateInstanceSnapshot(rds, instanceId);
  // Reuse only what the `snapshot` step of this same deployment took: same environment, taken for
  // this plan's first change, recently. Anything else may predate writes a restore would lose.
  const reusable =
    existing !== null &&
    (existing.status === 'available' || existing.status === 'creating') &&
    existing.tags[SNAPSHOT_TAGS.environment] === s.env.name &&
    (existing.tags[SNAPSHOT_TAGS.changes] ?? '').split(' ').includes(plan.changes[0]!.id) &&
    existing.createdAt !== null &&
    ctx.now().getTime() - existing.createdAt.getTime() < REUSE_WINDOW_MS;
  let taken: { id: string; createdAt: Date };
  if (existing && reusable) {
    ctx.out.info(`snapshot: reusing ${existing.id}, taken earlier in this deployment`);
    taken = await snap.waitForInstanceSnapshot(rds, { instanceId, snapshotId: existing.id, ...timing });
  } else {
    const id = snapshotId(snapshotOwner(s.env), plan.changes[0]!.id, ctx.now());
    ctx.out.info(`snapshot: creating ${id} of instance ${instanceId} (${plan.snapshot.reason})`);
    taken = await snap.createInstanceSnapshot(rds, {
      instanceId,
      snapshotId: id,
      tags: { tickets: [...new Set(plan.changes.map((c) => c.ticket))], changes: plan.changes.map((c) => c.id), runUrl, environment: s.env.name },
      ...timing,
    });
  }
  const restore = snap.restoreInstanceCommand(taken, instanceId, target.region, {
    ...(target.subnetGroup ? { subnetGroup: target.subnetGroup } : {}),
    securityGroupIds: target.securityGroupIds,
    ...(target.instanceClass ? { instanceClass: target.instanceClass } : {}),
  });
  ctx.out.info(`snapshot: ${taken.id} is available`);
  ctx.out.info(`to restore it: ${restore}`);
  ctx.out.info(`note: ${snap.restoreInstanceNote(taken, instanceId)}`);
  ctx.out.output('snapshot-id', taken.id);
  ctx.out.summary(reusable
    ? `Snapshot \`${taken.id}\` (taken earlier in this deployment) protects this run.`
    : `### Snapshot of instance ${instanceId}\n\n\`${taken.id}\` is available. To restore it (into a new instance):\n\n\`\`\`sh\n${restore}\n\`\`\``);
  return taken.id;
}
