// Before a destructive change runs where the policy asks for protection, a
// cluster snapshot must have reached `available`. A snapshot that the `snapshot` step took earlier
// in the same workflow is reused, never doubled.
import { RefusedError } from '../core/errors.js';
import type { Plan } from '../core/plan-types.js';
import type { HistoryRecord } from '../core/types.js';
import type { CommandContext } from './context.js';
import { snapshotOwner } from './fleet/snapshot-owner.js';
import type { Scope } from './flow.js';
import type { OpenEnvironment } from './target.js';

/** A snapshot older than this is never reused, however well it matches. */
const REUSE_WINDOW_MS = 6 * 3600 * 1000;

/**
 * Returns the id of an `available` snapshot taken after the last change applied in this environment,
 * reusing one when it exists and taking one otherwise. Stops (exit 1) on failure or timeout.
 */
export async function ensureSnapshot(
  ctx: CommandContext,
  s: Scope,
  open: { aws?: OpenEnvironment['aws'] },
  plan: Plan,
  history: HistoryRecord[],
  runUrl: string | null,
): Promise<string> {
  if (!open.aws) {
    throw new RefusedError(
      `refused: ${s.env.name} needs a snapshot (${plan.snapshot.reason}) but is not an AWS cluster environment; ` +
        'set snapshot: never for a URL environment, or point it at a cluster',
    );
  }
  const snap = await import('../adapters/aws/snapshot.js');
  const { rds } = open.aws.clients;
  const clusterId = open.aws.cluster.clusterId;
  const region = open.aws.cluster.region;
  const lastApplied = history
    .filter((r) => r.status === 'applied' && r.finishedAt)
    .reduce<Date | undefined>((max, r) => (!max || r.finishedAt! > max ? r.finishedAt! : max), undefined);
  const progress = (status: string, percent: number) => ctx.out.info(`snapshot: ${status} ${percent}%`);
  const poll = s.env.snapshot_poll_seconds;
  const timing = { timeoutSec: s.env.snapshot_timeout, minDelaySec: poll, maxDelaySec: poll * 6, onProgress: progress };

  const existing = await snap.latestChangegateSnapshot(rds, clusterId, lastApplied);
  // Reuse only what the `snapshot` step of this same deployment took: same environment, taken for
  // this plan's first change, recently. Anything else may predate writes a restore would lose.
  const reusable =
    existing &&
    (existing.status === 'available' || existing.status === 'creating') &&
    existing.tags[snap.SNAPSHOT_TAGS.environment] === s.env.name &&
    (existing.tags[snap.SNAPSHOT_TAGS.changes] ?? '').split(' ').includes(plan.changes[0]!.id) &&
    existing.createdAt !== null &&
    ctx.now().getTime() - existing.createdAt.getTime() < REUSE_WINDOW_MS;
  let taken: { id: string; createdAt: Date };
  if (existing && reusable) {
    ctx.out.info(`snapshot: reusing ${existing.id}, taken after the last change applied in ${s.env.name}`);
    taken = await snap.waitForSnapshot(rds, { clusterId, snapshotId: existing.id, ...timing });
  } else {
    const id = snap.snapshotId(snapshotOwner(s.env), plan.changes[0]!.id, ctx.now());
    ctx.out.info(`snapshot: creating ${id} of cluster ${clusterId} (${plan.snapshot.reason})`);
    taken = await snap.createClusterSnapshot(rds, {
      clusterId,
      snapshotId: id,
      tags: {
        tickets: [...new Set(plan.changes.map((c) => c.ticket))],
        changes: plan.changes.map((c) => c.id),
        runUrl,
        environment: s.env.name,
      },
      ...timing,
    });
  }
  const restore = snap.restoreCommand(taken, clusterId, region, {
    subnetGroup: open.aws.cluster.subnetGroup,
    securityGroupIds: open.aws.cluster.securityGroupIds,
    engine: open.aws.cluster.engine,
  });
  ctx.out.info(`snapshot: ${taken.id} is available`);
  ctx.out.info(`to restore it: ${restore}`);
  ctx.out.info(`then: ${snap.restoreNote(taken, clusterId, region)}`);
  ctx.out.output('snapshot-id', taken.id);
  // The step that took the snapshot puts the restore command in the summary; a reuse only names it.
  ctx.out.summary(reusable
    ? `Snapshot \`${taken.id}\` (taken earlier in this deployment) protects this run.`
    : `### Snapshot of ${clusterId}\n\n\`${taken.id}\` is available. To restore it:\n\n\`\`\`sh\n${restore}\n\`\`\``);
  return taken.id;
}
