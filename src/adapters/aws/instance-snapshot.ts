// The DB snapshot of an RDS instance taken before destructive work: created with the same id scheme
// and tags as cluster snapshots, waited for until `available` under the same timeout and failure
// rules, and the command that restores it (into a new instance).
import {
  CreateDBSnapshotCommand,
  DescribeDBSnapshotsCommand,
  paginateDescribeDBSnapshots,
  type DBSnapshot,
  type RDSClient,
} from '@aws-sdk/client-rds';
import { setTimeout as sleep } from 'node:timers/promises';
import { ChangegateError } from '../../core/errors.js';
import { clientRegion } from './clients.js';
import { awsCall, awsError, awsErrorCode, type AwsCallContext } from './errors.js';
import { restoredClusterId, SNAPSHOT_PREFIX, snapshotTags, type CreateSnapshotOptions, type SnapshotInfo, type TakenSnapshot } from './snapshot.js';

/** How to take an instance snapshot and wait for it; `clusterId` of the cluster options is the instance id. */
export type CreateInstanceSnapshotOptions = Omit<CreateSnapshotOptions, 'clusterId'> & { instanceId: string };

// While AWS reports one of these the snapshot may still become available; anything else is final.
const IN_PROGRESS = new Set(['creating', 'copying', 'pending']);
// How long after its creation a snapshot may still be missing from DescribeDBSnapshots.
const NOT_YET_LISTED_MS = 60_000;

function info(s: DBSnapshot): SnapshotInfo {
  const tags: Record<string, string> = {};
  for (const t of s.TagList ?? []) if (t.Key) tags[t.Key] = t.Value ?? '';
  return {
    id: s.DBSnapshotIdentifier ?? '',
    arn: s.DBSnapshotArn ?? '',
    clusterId: s.DBInstanceIdentifier ?? '',
    status: s.Status ?? 'unknown',
    percent: s.PercentProgress ?? 0,
    createdAt: s.SnapshotCreateTime ?? null,
    tags,
  };
}

/** Takes a DB snapshot of the instance and waits until it is `available`; failure or timeout is exit 1. */
export async function createInstanceSnapshot(rds: RDSClient, o: CreateInstanceSnapshotOptions): Promise<TakenSnapshot> {
  const region = await clientRegion(rds);
  const started = Date.now();
  await awsCall(
    { call: 'CreateDBSnapshot', service: 'rds', resource: o.instanceId, kind: 'instance', region },
    () => rds.send(new CreateDBSnapshotCommand({ DBInstanceIdentifier: o.instanceId, DBSnapshotIdentifier: o.snapshotId, Tags: snapshotTags(o.tags) })),
  );
  return waitForInstanceSnapshot(rds, { ...o, started });
}

/** Polls an instance snapshot with back-off until `available`; the deadline counts from `started` (default: now). */
export async function waitForInstanceSnapshot(
  rds: RDSClient,
  o: Omit<CreateInstanceSnapshotOptions, 'tags'> & { started?: number },
): Promise<TakenSnapshot> {
  const region = await clientRegion(rds);
  const t0 = o.started ?? Date.now();
  const deadline = t0 + o.timeoutSec * 1000;
  const maxDelay = (o.maxDelaySec ?? 60) * 1000;
  let delay = Math.min((o.minDelaySec ?? 10) * 1000, maxDelay);
  const where = `snapshot ${o.snapshotId} of instance ${o.instanceId} in ${region}`;
  const check = "check the instance's events in the RDS console and re-run";
  for (;;) {
    const s = await describeOne(rds, o.snapshotId, region);
    // RDS reads are eventually consistent: a snapshot created a moment ago may not be listed yet.
    if (!s && Date.now() - t0 < NOT_YET_LISTED_MS && Date.now() < deadline) {
      await sleep(Math.min(delay, Math.max(0, deadline - Date.now())));
      delay = Math.min(delay * 2, maxDelay);
      continue;
    }
    if (!s) throw new ChangegateError(`${where} disappeared while it was being created; stopping before any statement: ${check}`, 1);
    o.onProgress?.(s.status, s.percent);
    if (s.status === 'available') return { id: s.id, arn: s.arn, createdAt: s.createdAt ?? new Date(t0) };
    if (!IN_PROGRESS.has(s.status)) {
      throw new ChangegateError(`${where} ended "${s.status}" instead of "available"; stopping before any statement: ${check}`, 1);
    }
    const left = deadline - Date.now();
    if (left <= 0) {
      throw new ChangegateError(
        `${where} was still "${s.status}" at ${s.percent}% after ${o.timeoutSec} s; stopping before any statement: ` +
          "raise the environment's snapshot_timeout and re-run",
        1,
      );
    }
    await sleep(Math.min(delay, left));
    delay = Math.min(delay * 2, maxDelay);
  }
}

async function describeOne(rds: RDSClient, id: string, region: string): Promise<SnapshotInfo | null> {
  const ctx: AwsCallContext = { call: 'DescribeDBSnapshots', service: 'rds', resource: id, kind: 'snapshot', region };
  try {
    const out = await rds.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: id }));
    const s = out.DBSnapshots?.[0];
    return s ? info(s) : null;
  } catch (err) {
    if (['DBSnapshotNotFound', 'DBSnapshotNotFoundFault'].includes(awsErrorCode(err))) return null;
    throw awsError(err, ctx);
  }
}

/** The newest manual snapshot of the instance that changegate took, created after `since` when given, in any status. */
export async function latestChangegateInstanceSnapshot(rds: RDSClient, instanceId: string, since?: Date): Promise<SnapshotInfo | null> {
  const region = await clientRegion(rds);
  const ctx: AwsCallContext = { call: 'DescribeDBSnapshots', service: 'rds', resource: instanceId, kind: 'instance', region };
  let best: SnapshotInfo | null = null;
  await awsCall(ctx, async () => {
    const pages = paginateDescribeDBSnapshots({ client: rds, pageSize: 100 }, { DBInstanceIdentifier: instanceId, SnapshotType: 'manual' });
    for await (const page of pages) {
      for (const raw of page.DBSnapshots ?? []) {
        const s = info(raw);
        if (!s.id.startsWith(`${SNAPSHOT_PREFIX}-`) || !s.createdAt) continue;
        if (since && s.createdAt.getTime() <= since.getTime()) continue;
        if (!best || s.createdAt.getTime() > best.createdAt!.getTime()) best = s;
      }
    }
  });
  return best;
}

function shellWord(s: string): string {
  return /^[A-Za-z0-9_.:/=+@-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Where the restored instance should go and how big it should be. */
export interface InstanceRestoreOptions {
  subnetGroup?: string;
  securityGroupIds?: string[];
  instanceClass?: string;
}

/**
 * The exact `aws rds restore-db-instance-from-db-snapshot` command. It creates a new instance
 * (`<id>-restored-<yyyymmdd>`) beside the original, which it never overwrites.
 */
export function restoreInstanceCommand(snapshot: { id: string; createdAt: Date }, instanceId: string, region: string, o: InstanceRestoreOptions = {}): string {
  const words = [
    'aws rds restore-db-instance-from-db-snapshot',
    `--region ${shellWord(region)}`,
    `--db-instance-identifier ${restoredClusterId(snapshot, instanceId)}`,
    `--db-snapshot-identifier ${shellWord(snapshot.id)}`,
  ];
  if (o.instanceClass) words.push(`--db-instance-class ${shellWord(o.instanceClass)}`);
  if (o.subnetGroup) words.push(`--db-subnet-group-name ${shellWord(o.subnetGroup)}`);
  if (o.securityGroupIds?.length) words.push(`--vpc-security-group-ids ${o.securityGroupIds.map(shellWord).join(' ')}`);
  return words.join(' ');
}

/** What the restore command does, said plainly: it makes a new instance and leaves the original alone. */
export function restoreInstanceNote(snapshot: { createdAt: Date }, instanceId: string): string {
  const restored = restoredClusterId(snapshot, instanceId);
  return `this creates a new instance ${restored} from the snapshot; ${instanceId} is left as it is: ` +
    `check the new one, then point the application (and instance: in changegate.yaml) at it, or copy the tables you need back from it`;
}
