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
import { clientRegion } from './clients.js';
import { awsCall, awsError, awsErrorCode, type AwsCallContext } from './errors.js';
import { newerChangegateSnapshot, pollSnapshot, restoredClusterId, shellWord, snapshotTags, type CreateSnapshotOptions, type SnapshotInfo, type TakenSnapshot } from './snapshot.js';

/** How to take an instance snapshot and wait for it; `clusterId` of the cluster options is the instance id. */
export type CreateInstanceSnapshotOptions = Omit<CreateSnapshotOptions, 'clusterId'> & { instanceId: string };


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
  return pollSnapshot(() => describeOne(rds, o.snapshotId, region), {
    ...o,
    where: `snapshot ${o.snapshotId} of instance ${o.instanceId} in ${region}`,
    owner: 'instance',
  });
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
      for (const raw of page.DBSnapshots ?? []) best = newerChangegateSnapshot(best, info(raw), since);
    }
  });
  return best;
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
