// The snapshot taken before destructive PROD work (no destructive change runs there until a snapshot
// has reached `available`, unless the environment says `snapshot: never`): create it, wait until AWS says
// `available`, and say how to restore it. Nothing here decides whether a snapshot is needed.
import {
  CreateDBClusterSnapshotCommand,
  DescribeDBClusterSnapshotsCommand,
  paginateDescribeDBClusterSnapshots,
  type DBClusterSnapshot,
  type RDSClient,
  type Tag,
} from '@aws-sdk/client-rds';
import { setTimeout as sleep } from 'node:timers/promises';
import { ChangegateError } from '../../core/errors.js';
import { clientRegion } from './clients.js';
import { awsCall, awsError, awsErrorCode, type AwsCallContext } from './errors.js';

/** Every snapshot changegate takes has an id starting with this; `latestChangegateSnapshot` relies on it. */
export const SNAPSHOT_PREFIX = 'changegate';

/** Tag keys on a changegate snapshot; a namespace of our own so that an account's tag policies never clash. */
export const SNAPSHOT_TAGS = {
  tickets: 'changegate:tickets',
  changes: 'changegate:changes',
  runUrl: 'changegate:run-url',
  environment: 'changegate:environment',
} as const;

const MAX_ID = 63;
const MAX_TAG_VALUE = 256;

/** What a snapshot is for: written as tags, so the AWS console tells an on-call engineer what it protects. */
export interface SnapshotTags {
  tickets: string[];
  changes: string[];
  runUrl?: string | null;
  environment?: string;
}

/** How to take a snapshot and wait for it. */
export interface CreateSnapshotOptions {
  clusterId: string;
  /** From `snapshotId()`. */
  snapshotId: string;
  tags: SnapshotTags;
  /** Seconds from the create call until the snapshot must be `available`. */
  timeoutSec: number;
  /** First wait between polls, in seconds (default 10); doubles up to `maxDelaySec` (default 60). */
  minDelaySec?: number;
  maxDelaySec?: number;
  /** Called after every poll with the status and PercentProgress that AWS reported. */
  onProgress?: (status: string, percent: number) => void;
}

/** A snapshot that reached `available`. */
export interface TakenSnapshot {
  id: string;
  arn: string;
  createdAt: Date;
}

/** A cluster snapshot as DescribeDBClusterSnapshots reports it. */
export interface SnapshotInfo {
  id: string;
  arn: string;
  clusterId: string;
  status: string;
  percent: number;
  createdAt: Date | null;
  tags: Record<string, string>;
}

function utcStamp(d: Date, withTime: boolean): string {
  const iso = d.toISOString(); // yyyy-mm-ddThh:mm:ss.sssZ
  const stamp = iso.slice(0, 4) + iso.slice(5, 7) + iso.slice(8, 10);
  return withTime ? stamp + iso.slice(11, 13) + iso.slice(14, 16) + iso.slice(17, 19) : stamp;
}

/** Lower case, runs of anything but letters and digits collapsed to one hyphen, no hyphen at either end. */
function idPart(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
}

function cut(s: string, n: number): string {
  return s.slice(0, Math.max(0, n)).replace(/-+$/, '');
}

/**
 * `changegate-<env>-<first change id>-<UTC yyyymmddhhmmss>`, a valid cluster snapshot id: at most 63
 * lower-case letters, digits and single hyphens, starting with a letter. When too long, the change id
 * is cut first (its date prefix survives) and the timestamp, which makes the id unique, never is.
 */
export function snapshotId(env: string, firstChangeId: string, now: Date): string {
  const stamp = utcStamp(now, true);
  const room = MAX_ID - SNAPSHOT_PREFIX.length - 1 - stamp.length - 1; // for "<env>-<change>"
  let e = idPart(env);
  let c = idPart(firstChangeId);
  if (e.length + 1 + c.length > room) {
    // A long environment name may take the room a change id leaves, but never more than 20 characters.
    e = cut(e, Math.max(20, room - 1 - c.length));
    c = cut(c, room - (e ? e.length + 1 : 0));
  }
  return [SNAPSHOT_PREFIX, e, c, stamp].filter((p) => p !== '').join('-');
}

/** Characters AWS allows in a tag value; anything else becomes `_`. */
function tagValue(s: string): string {
  return s.replace(/[^\p{L}\p{Z}\p{N}_.:/=+\-@]/gu, '_').slice(0, MAX_TAG_VALUE);
}

/** Space-separated (commas are not allowed in tag values), and `+N more` when 256 characters run out. */
function tagList(items: string[]): string {
  const unique = [...new Set(items.map(tagValue))];
  let out = '';
  for (let i = 0; i < unique.length; i++) {
    const next = out ? `${out} ${unique[i]}` : unique[i]!;
    const rest = unique.length - i - 1;
    const tail = rest > 0 ? ` +${rest} more` : '';
    if (next.length + tail.length > MAX_TAG_VALUE) return `${out} +${unique.length - i} more`.trim();
    out = next;
  }
  return out;
}

/** The AWS tags for a snapshot. */
export function snapshotTags(t: SnapshotTags): Tag[] {
  const tags: Tag[] = [
    { Key: SNAPSHOT_TAGS.tickets, Value: tagList(t.tickets) },
    { Key: SNAPSHOT_TAGS.changes, Value: tagList(t.changes) },
  ];
  if (t.runUrl) tags.push({ Key: SNAPSHOT_TAGS.runUrl, Value: tagValue(t.runUrl) });
  if (t.environment) tags.push({ Key: SNAPSHOT_TAGS.environment, Value: tagValue(t.environment) });
  return tags;
}

function info(s: DBClusterSnapshot): SnapshotInfo {
  const tags: Record<string, string> = {};
  for (const t of s.TagList ?? []) if (t.Key) tags[t.Key] = t.Value ?? '';
  return {
    id: s.DBClusterSnapshotIdentifier ?? '',
    arn: s.DBClusterSnapshotArn ?? '',
    clusterId: s.DBClusterIdentifier ?? '',
    status: s.Status ?? 'unknown',
    percent: s.PercentProgress ?? 0,
    createdAt: s.SnapshotCreateTime ?? null,
    tags,
  };
}

// How long after its creation a snapshot may still be missing from DescribeDBClusterSnapshots.
const NOT_YET_LISTED_MS = 60_000;

// While AWS reports one of these the snapshot may still become available; anything else is final.
const IN_PROGRESS = new Set(['creating', 'copying', 'pending']);

/** Takes a cluster snapshot and waits until it is `available`; failure or timeout is exit 1. */
export async function createClusterSnapshot(rds: RDSClient, o: CreateSnapshotOptions): Promise<TakenSnapshot> {
  const region = await clientRegion(rds);
  const started = Date.now();
  await awsCall(
    { call: 'CreateDBClusterSnapshot', service: 'rds', resource: o.clusterId, kind: 'cluster', region },
    () =>
      rds.send(
        new CreateDBClusterSnapshotCommand({
          DBClusterIdentifier: o.clusterId,
          DBClusterSnapshotIdentifier: o.snapshotId,
          Tags: snapshotTags(o.tags),
        }),
      ),
  );
  return waitForSnapshot(rds, { ...o, started });
}

/** Polls a snapshot with back-off until `available`; the deadline counts from `started` (default: now). */
export async function waitForSnapshot(
  rds: RDSClient,
  o: Omit<CreateSnapshotOptions, 'tags'> & { started?: number },
): Promise<TakenSnapshot> {
  const region = await clientRegion(rds);
  return pollSnapshot(() => describeOne(rds, o.snapshotId, region), {
    ...o,
    where: `snapshot ${o.snapshotId} of cluster ${o.clusterId} in ${region}`,
    owner: 'cluster',
  });
}

/**
 * The wait both kinds of snapshot share: back-off from `minDelaySec` to `maxDelaySec`, a snapshot
 * not listed yet tolerated for a minute, anything but an in-progress status final, and one last poll
 * at the deadline. Failure and timeout are exit 1, "before any statement".
 */
export async function pollSnapshot(
  describe: () => Promise<SnapshotInfo | null>,
  o: { where: string; owner: 'cluster' | 'instance'; started?: number; timeoutSec: number; minDelaySec?: number; maxDelaySec?: number; onProgress?: (status: string, percent: number) => void },
): Promise<TakenSnapshot> {
  const t0 = o.started ?? Date.now();
  const deadline = t0 + o.timeoutSec * 1000;
  const maxDelay = (o.maxDelaySec ?? 60) * 1000;
  let delay = Math.min((o.minDelaySec ?? 10) * 1000, maxDelay);
  const check = `check the ${o.owner}'s events in the RDS console and re-run`;
  for (;;) {
    const s = await describe();
    // RDS reads are eventually consistent: a snapshot created a moment ago may not be listed yet.
    if (!s && Date.now() - t0 < NOT_YET_LISTED_MS && Date.now() < deadline) {
      await sleep(Math.min(delay, Math.max(0, deadline - Date.now())));
      delay = Math.min(delay * 2, maxDelay);
      continue;
    }
    if (!s) throw new ChangegateError(`${o.where} disappeared while it was being created; stopping before any statement: ${check}`, 1);
    o.onProgress?.(s.status, s.percent);
    if (s.status === 'available') return { id: s.id, arn: s.arn, createdAt: s.createdAt ?? new Date(t0) };
    if (!IN_PROGRESS.has(s.status)) {
      throw new ChangegateError(`${o.where} ended "${s.status}" instead of "available"; stopping before any statement: ${check}`, 1);
    }
    const left = deadline - Date.now();
    if (left <= 0) {
      throw new ChangegateError(
        `${o.where} was still "${s.status}" at ${s.percent}% after ${o.timeoutSec} s; stopping before any statement: ` +
          "raise the environment's snapshot_timeout and re-run",
        1,
      );
    }
    // One last poll exactly at the deadline rather than giving up a poll interval early.
    await sleep(Math.min(delay, left));
    delay = Math.min(delay * 2, maxDelay);
  }
}

async function describeOne(rds: RDSClient, id: string, region: string): Promise<SnapshotInfo | null> {
  const ctx: AwsCallContext = { call: 'DescribeDBClusterSnapshots', service: 'rds', resource: id, kind: 'snapshot', region };
  try {
    const out = await rds.send(new DescribeDBClusterSnapshotsCommand({ DBClusterSnapshotIdentifier: id }));
    const s = out.DBClusterSnapshots?.[0];
    return s ? info(s) : null;
  } catch (err) {
    if (awsErrorCode(err) === 'DBClusterSnapshotNotFoundFault') return null;
    throw awsError(err, ctx);
  }
}

/** The snapshot with this id, or null when AWS has none. */
export async function findSnapshot(rds: RDSClient, snapshotId: string): Promise<SnapshotInfo | null> {
  return describeOne(rds, snapshotId, await clientRegion(rds));
}

/**
 * The newest manual snapshot of `clusterId` that changegate took (id prefix), created after `since`
 * when given, in any status: the caller decides whether it is usable (`available`) or worth waiting for.
 */
export async function latestChangegateSnapshot(rds: RDSClient, clusterId: string, since?: Date): Promise<SnapshotInfo | null> {
  const region = await clientRegion(rds);
  const ctx: AwsCallContext = { call: 'DescribeDBClusterSnapshots', service: 'rds', resource: clusterId, kind: 'cluster', region };
  let best: SnapshotInfo | null = null;
  await awsCall(ctx, async () => {
    const pages = paginateDescribeDBClusterSnapshots(
      { client: rds, pageSize: 100 },
      { DBClusterIdentifier: clusterId, SnapshotType: 'manual' },
    );
    for await (const page of pages) {
      for (const raw of page.DBClusterSnapshots ?? []) best = newerChangegateSnapshot(best, info(raw), since);
    }
  });
  return best;
}

/** Network placement for the restored cluster, so it lands where the original is reachable. */
export interface RestoreNetwork {
  subnetGroup?: string;
  securityGroupIds?: string[];
  /** The cluster's engine (`aurora-mysql`, or `mysql` for a Multi-AZ DB cluster); default aurora-mysql. */
  engine?: string;
}

/**
 * `s` when it is a snapshot changegate took (id prefix), created after `since`, and newer than `best`;
 * else `best`. Folded over a listing, it finds the snapshot `apply` may reuse.
 */
export function newerChangegateSnapshot(best: SnapshotInfo | null, s: SnapshotInfo, since?: Date): SnapshotInfo | null {
  if (!s.id.startsWith(`${SNAPSHOT_PREFIX}-`) || !s.createdAt) return best;
  if (since && s.createdAt.getTime() <= since.getTime()) return best;
  return !best || s.createdAt.getTime() > best.createdAt!.getTime() ? s : best;
}

/** A word for a shell command line, quoted only when it needs to be. */
export function shellWord(s: string): string {
  return /^[A-Za-z0-9_.:/=+@-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** `<clusterId>-restored-<yyyymmdd of the snapshot>`, cut so that it stays a valid cluster id. */
export function restoredClusterId(snapshot: { createdAt: Date }, clusterId: string): string {
  const suffix = `-restored-${utcStamp(snapshot.createdAt, false)}`;
  return cut(idPart(clusterId), MAX_ID - suffix.length) + suffix;
}

/**
 * The exact `aws rds restore-db-cluster-from-snapshot` command that restores a snapshot into a new
 * cluster beside the original (restoring never overwrites the original cluster).
 */
export function restoreCommand(
  snapshot: { id: string; createdAt: Date },
  clusterId: string,
  region: string,
  network: RestoreNetwork = {},
): string {
  const words = [
    'aws rds restore-db-cluster-from-snapshot',
    `--region ${shellWord(region)}`,
    `--db-cluster-identifier ${restoredClusterId(snapshot, clusterId)}`,
    `--snapshot-identifier ${shellWord(snapshot.id)}`,
    `--engine ${shellWord(network.engine ?? 'aurora-mysql')}`,
  ];
  if (network.subnetGroup) words.push(`--db-subnet-group-name ${shellWord(network.subnetGroup)}`);
  if (network.securityGroupIds?.length) words.push(`--vpc-security-group-ids ${network.securityGroupIds.map(shellWord).join(' ')}`);
  return words.join(' ');
}

/** The step after `restoreCommand`: a restored Aurora cluster has no instance until one is created. */
export function restoreNote(snapshot: { id: string; createdAt: Date }, clusterId: string, region: string): string {
  const restored = restoredClusterId(snapshot, clusterId);
  return (
    'the restored cluster has no instance until you add one: aws rds create-db-instance ' +
    `--region ${shellWord(region)} --db-cluster-identifier ${restored} --db-instance-identifier ${cut(restored, MAX_ID - 2)}-1 ` +
    "--engine aurora-mysql --db-instance-class <the current writer's class>"
  );
}
