// Snapshot ids, tags, the create-and-wait loop, reuse look-ups and the restore command, through the real
// RDS client against the loopback fake.
import assert from 'node:assert/strict';
import { ChangegateError } from '../src/core/errors.js';
import { awsClients } from '../src/adapters/aws/clients.js';
import {
  createClusterSnapshot,
  findSnapshot,
  latestChangegateSnapshot,
  restoreCommand,
  restoreNote,
  snapshotId,
  snapshotTags,
  type CreateSnapshotOptions,
} from '../src/adapters/aws/snapshot.js';
import { AwsFake, useFakeAws } from './helpers/aws-fake.js';

const VALID_ID = /^[a-z](?:[a-z0-9]|-(?!-))*$/;
const NOW = new Date(Date.UTC(2026, 10, 24, 15, 4, 5));

/** A small seeded generator, so a failing property case can be reproduced. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('aws adapter: snapshot ids and tags', () => {
  it('builds changegate-<env>-<first change id>-<UTC timestamp>', () => {
    assert.equal(snapshotId('prod', '2026-11-24-add-invoice-due-date', NOW), 'changegate-prod-2026-11-24-add-invoice-due-date-20261124150405');
  });

  it('lower-cases, collapses and trims what is not a letter or digit', () => {
    assert.equal(snapshotId('Prod_EU', '2026-11-24--Drop__Legacy.Table-', NOW), 'changegate-prod-eu-2026-11-24-drop-legacy-table-20261124150405');
  });

  it('cuts a long change id and keeps the timestamp', () => {
    const id = snapshotId('prod', '2026-11-24-rename-the-invoice-line-items-table-to-invoice-lines-and-backfill', NOW);
    assert.equal(id, 'changegate-prod-2026-11-24-rename-the-invoice-li-20261124150405');
    assert.equal(id.length, 63);
  });

  it('never ends the cut change id with a hyphen', () => {
    // The cut lands just after "...invoicesa-": that hyphen is dropped, not doubled against the timestamp.
    const id = snapshotId('prod', '2026-11-24-rename-the-invoicesa-more-stuff', NOW);
    assert.equal(id, 'changegate-prod-2026-11-24-rename-the-invoicesa-20261124150405');
  });

  it('gives a long environment name at most 20 characters when the change id needs the room', () => {
    assert.equal(
      snapshotId('tenant-acme-corporation-eu-central', '2026-11-24-add-invoice-due-date', NOW),
      'changegate-tenant-acme-corporat-2026-11-24-add-i-20261124150405',
    );
  });

  it('is a valid cluster snapshot id for any input (property check, 3000 cases)', () => {
    const rand = rng(20261124);
    const alphabet = 'abcXYZ0189-_. /éß--__';
    const word = (max: number) =>
      Array.from({ length: Math.floor(rand() * max) }, () => alphabet[Math.floor(rand() * alphabet.length)]).join('');
    for (let i = 0; i < 3000; i++) {
      const env = word(rand() < 0.2 ? 80 : 12);
      const change = `${rand() < 0.7 ? '2026-11-24-' : ''}${word(rand() < 0.5 ? 200 : 30)}`;
      const when = new Date(Date.UTC(2000, 0, 1) + Math.floor(rand() * 80 * 365 * 86400) * 1000);
      const id = snapshotId(env, change, when);
      const stamp = when.toISOString().replace(/[-:T]/g, '').slice(0, 14);
      const why = `${JSON.stringify([env, change])} gave ${id}`;
      assert.ok(id.length <= 63, why);
      assert.match(id, VALID_ID, why);
      assert.ok(!id.endsWith('-'), why);
      assert.ok(id.startsWith('changegate-'), why);
      assert.ok(id.endsWith(`-${stamp}`), why);
      // Unique per second: the timestamp survives every cut.
      assert.notEqual(snapshotId(env, change, new Date(when.getTime() + 1000)), id, why);
    }
  });

  it('tags tickets, changes, run URL and environment with values AWS accepts', () => {
    assert.deepEqual(
      snapshotTags({
        tickets: ['INV-1234', 'INV-1300', 'INV-1234'],
        changes: ['2026-11-24-drop-legacy', '2026-11-25-add-index'],
        runUrl: 'https://github.com/acme/invoicing/actions/runs/42?attempt=2',
        environment: 'prod',
      }),
      [
        { Key: 'changegate:tickets', Value: 'INV-1234 INV-1300' },
        { Key: 'changegate:changes', Value: '2026-11-24-drop-legacy 2026-11-25-add-index' },
        { Key: 'changegate:run-url', Value: 'https://github.com/acme/invoicing/actions/runs/42_attempt=2' },
        { Key: 'changegate:environment', Value: 'prod' },
      ],
    );
  });

  it('ends a change list that does not fit in 256 characters with "+N more"', () => {
    const changes = Array.from({ length: 20 }, (_, i) => `2026-11-${String(i + 1).padStart(2, '0')}-change-number-${i + 1}`);
    const [, tag] = snapshotTags({ tickets: ['INV-1'], changes });
    assert.ok(tag!.Value!.length <= 256);
    assert.equal(tag!.Value, `${changes.slice(0, 9).join(' ')} +11 more`);
  });
});

describe('aws adapter: taking a snapshot', () => {
  let fake: AwsFake;
  let server: { url: string; stop(): Promise<void> };
  let restore: () => void;
  const rds = (maxAttempts = 3) => awsClients('us-east-2', { maxAttempts, retryDelayMs: 1 }).rds;
  const SNAP = 'changegate-prod-2026-11-24-drop-legacy-20261124150405';

  function options(extra: Partial<CreateSnapshotOptions> = {}): CreateSnapshotOptions & { progress: [string, number][] } {
    const progress: [string, number][] = [];
    return {
      clusterId: 'prodinvoicingdb',
      snapshotId: SNAP,
      tags: { tickets: ['INV-1234'], changes: ['2026-11-24-drop-legacy'], runUrl: 'https://github.com/acme/invoicing/actions/runs/42', environment: 'prod' },
      timeoutSec: 10,
      minDelaySec: 0.005,
      maxDelaySec: 0.02,
      onProgress: (status, percent) => progress.push([status, percent]),
      progress,
      ...extra,
    };
  }

  async function failure(p: Promise<unknown>): Promise<ChangegateError> {
    const err = await p.then(
      () => assert.fail('expected a failure'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof ChangegateError, String(err));
    assert.equal(err.exitCode, 1);
    return err;
  }

  beforeEach(async () => {
    fake = new AwsFake({
      clusters: [
        { id: 'prodinvoicingdb', host: '127.0.0.1', port: 3310, masterUsername: 'cg_adm_user_7f3e' },
        { id: 'busydb', host: '127.0.0.1', port: 3310, status: 'backing-up' },
      ],
    });
    server = await fake.start();
    restore = useFakeAws(server.url);
  });
  afterEach(async () => {
    restore();
    await server.stop();
    for (const c of fake.calls) assert.ok(c.signed && c.signatureValid, `unsigned call ${c.action}`);
  });

  it('creates a tagged snapshot and waits through N creating polls with progress', async () => {
    fake.snapshotCreatingPolls(4);
    const o = options();
    const taken = await createClusterSnapshot(rds(), o);
    assert.equal(taken.id, SNAP);
    assert.equal(taken.arn, `arn:aws:rds:us-east-2:123456789012:cluster-snapshot:${SNAP}`);
    assert.ok(taken.createdAt instanceof Date && !Number.isNaN(taken.createdAt.getTime()));
    assert.deepEqual(o.progress, [['creating', 20], ['creating', 40], ['creating', 60], ['creating', 80], ['available', 100]]);
    assert.deepEqual(fake.calls.map((c) => c.action), [
      'CreateDBClusterSnapshot', ...Array<string>(5).fill('DescribeDBClusterSnapshots'),
    ]);
    assert.deepEqual(fake.calls[0]!.params, {
      DBClusterIdentifier: 'prodinvoicingdb',
      DBClusterSnapshotIdentifier: SNAP,
      'Tags.Tag.1.Key': 'changegate:tickets',
      'Tags.Tag.1.Value': 'INV-1234',
      'Tags.Tag.2.Key': 'changegate:changes',
      'Tags.Tag.2.Value': '2026-11-24-drop-legacy',
      'Tags.Tag.3.Key': 'changegate:run-url',
      'Tags.Tag.3.Value': 'https://github.com/acme/invoicing/actions/runs/42',
      'Tags.Tag.4.Key': 'changegate:environment',
      'Tags.Tag.4.Value': 'prod',
    });
    assert.equal(fake.snapshots.size, 1);
  });

  it('accepts a long change id end to end (AWS identifier rules enforced by the fake)', async () => {
    const id = snapshotId('prod', '2026-11-24-rename-the-invoice-line-items-table-to-invoice-lines-and-backfill', new Date());
    const taken = await createClusterSnapshot(rds(), options({ snapshotId: id }));
    assert.equal(taken.id, id);
  });

  it('stops on a failed snapshot', async () => {
    fake.snapshotCreatingPolls(2).failSnapshots();
    const o = options();
    const err = await failure(createClusterSnapshot(rds(), o));
    assert.equal(
      err.message,
      `snapshot ${SNAP} of cluster prodinvoicingdb in us-east-2 ended "failed" instead of "available"; stopping before any statement: ` +
        "check the cluster's events in the RDS console and re-run",
    );
    assert.deepEqual(o.progress.map(([s]) => s), ['creating', 'creating', 'failed']);
  });

  it('waits for a new snapshot that DescribeDBClusterSnapshots does not list yet', async () => {
    fake.snapshotCreatingPolls(1).snapshotListedLate(2);
    const o = options();
    const taken = await createClusterSnapshot(rds(), o);
    assert.equal(taken.id, SNAP);
    assert.deepEqual(o.progress.map(([s]) => s), ['creating', 'available']);
    assert.equal(fake.callsTo('DescribeDBClusterSnapshots').length, 4, 'two answered "not found", then two polls');
  });

  it('stops when the snapshot is not available in time', async () => {
    fake.snapshotCreatingPolls(1_000_000);
    const o = options({ timeoutSec: 0.15 });
    const started = Date.now();
    const err = await failure(createClusterSnapshot(rds(), o));
    assert.ok(Date.now() - started < 2000);
    const [status, percent] = o.progress.at(-1)!;
    assert.equal(status, 'creating');
    assert.equal(
      err.message,
      `snapshot ${SNAP} of cluster prodinvoicingdb in us-east-2 was still "creating" at ${percent}% after 0.15 s; ` +
        "stopping before any statement: raise the environment's snapshot_timeout and re-run",
    );
    assert.ok(o.progress.length >= 3, 'polled more than once before giving up');
  });

  it('backs off between polls up to the maximum delay', async () => {
    fake.snapshotCreatingPolls(6);
    const times: number[] = [];
    await createClusterSnapshot(rds(), options({ minDelaySec: 0.02, maxDelaySec: 0.08, onProgress: () => times.push(Date.now()) }));
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    // 20, 40, 80, 80, 80, 80 ms nominal; timers only guarantee the lower bound.
    assert.ok(gaps[0]! >= 18 && gaps[1]! >= 38 && gaps[2]! >= 78 && gaps[5]! >= 78, `gaps ${gaps}`);
    assert.ok(gaps[5]! < 1000, `gaps ${gaps}`);
  });

  it('retries throttled calls (create and poll) and takes exactly one snapshot', async () => {
    fake.snapshotCreatingPolls(1).throttle('CreateDBClusterSnapshot', 2).throttle('DescribeDBClusterSnapshots', 2);
    const taken = await createClusterSnapshot(rds(3), options());
    assert.equal(taken.id, SNAP);
    assert.deepEqual(fake.calls.map((c) => `${c.action} ${c.error ?? c.status}`), [
      'CreateDBClusterSnapshot Throttling',
      'CreateDBClusterSnapshot Throttling',
      'CreateDBClusterSnapshot 200',
      'DescribeDBClusterSnapshots Throttling',
      'DescribeDBClusterSnapshots Throttling',
      'DescribeDBClusterSnapshots 200',
      'DescribeDBClusterSnapshots 200',
    ]);
    assert.equal(fake.snapshots.size, 1);
  });

  it('reports throttling of the poll that outlasts the retries', async () => {
    fake.snapshotCreatingPolls(1).throttle('DescribeDBClusterSnapshots', 3);
    const err = await failure(createClusterSnapshot(rds(3), options()));
    assert.equal(
      err.message,
      `aws: DescribeDBClusterSnapshots on ${SNAP} in us-east-2 was throttled (Throttling) after 3 attempts; re-run later, ` +
        'or look for other jobs calling rds in this account and region',
    );
  });

  it('reports a denied create, naming the tagging permission too', async () => {
    fake.denyAccess('CreateDBClusterSnapshot');
    const err = await failure(createClusterSnapshot(rds(), options()));
    assert.equal(
      err.message,
      "aws: CreateDBClusterSnapshot on prodinvoicingdb in us-east-2 was denied (AccessDenied); check that the job's role may call " +
        'rds:CreateDBClusterSnapshot and rds:AddTagsToResource on this cluster',
    );
  });

  it('reports a cluster that cannot be snapshotted now', async () => {
    const err = await failure(createClusterSnapshot(rds(), options({ clusterId: 'busydb' })));
    assert.equal(
      err.message,
      'aws: CreateDBClusterSnapshot on busydb in us-east-2 failed: the cluster is not in a state that allows it (InvalidDBClusterStateFault); ' +
        'wait until the cluster is available and re-run',
    );
  });

  it('reports a missing cluster', async () => {
    const err = await failure(createClusterSnapshot(rds(), options({ clusterId: 'nosuchdb' })));
    assert.equal(
      err.message,
      "aws: CreateDBClusterSnapshot on nosuchdb in us-east-2 failed: no such cluster (DBClusterNotFoundFault); check the environment's cluster id and region",
    );
  });

  it('reports a snapshot id that is taken', async () => {
    fake.addSnapshot({ id: SNAP, clusterId: 'prodinvoicingdb' });
    const err = await failure(createClusterSnapshot(rds(), options()));
    assert.equal(
      err.message,
      `aws: CreateDBClusterSnapshot on prodinvoicingdb in us-east-2 failed: a snapshot with this id already exists (DBClusterSnapshotAlreadyExistsFault); re-run to get a new timestamped id`,
    );
  });

  it('reports an expired token while polling', async () => {
    fake.snapshotCreatingPolls(3);
    const o = options({
      onProgress: () => {
        fake.expireToken();
      },
    });
    const err = await failure(createClusterSnapshot(rds(), o));
    assert.equal(
      err.message,
      `aws: DescribeDBClusterSnapshots on ${SNAP} in us-east-2 failed: the session token has expired (ExpiredToken); ` +
        're-run aws-actions/configure-aws-credentials before this step, or raise its role-duration-seconds',
    );
  });

  it('finds a snapshot by id, and returns null for an unknown one', async () => {
    fake.addSnapshot({
      id: 'changegate-prod-x-20261124150405',
      clusterId: 'prodinvoicingdb',
      createdAt: NOW,
      tags: [{ Key: 'changegate:changes', Value: 'x' }],
    });
    assert.deepEqual(await findSnapshot(rds(), 'changegate-prod-x-20261124150405'), {
      id: 'changegate-prod-x-20261124150405',
      arn: 'arn:aws:rds:us-east-2:123456789012:cluster-snapshot:changegate-prod-x-20261124150405',
      clusterId: 'prodinvoicingdb',
      status: 'available',
      percent: 100,
      createdAt: NOW,
      tags: { 'changegate:changes': 'x' },
    });
    assert.equal(await findSnapshot(rds(), 'changegate-prod-nothing-20261124150405'), null);
  });

  it('finds the newest changegate snapshot of a cluster across pages, after a given time', async () => {
    const base = Date.UTC(2026, 10, 1);
    for (let i = 0; i < 240; i++) {
      // Interleaved: automated snapshots and other people's manual ones must be skipped.
      const createdAt = new Date(base + i * 3600_000);
      if (i % 3 === 0) fake.addSnapshot({ id: `rds:prodinvoicingdb-${i}`, clusterId: 'prodinvoicingdb', type: 'automated', createdAt: new Date(createdAt.getTime() + 86400_000 * 30) });
      else if (i % 3 === 1) fake.addSnapshot({ id: `manual-by-hand-${i}`, clusterId: 'prodinvoicingdb', createdAt: new Date(createdAt.getTime() + 86400_000 * 30) });
      else fake.addSnapshot({ id: `changegate-prod-c${i}-x`, clusterId: 'prodinvoicingdb', createdAt, status: i === 239 ? 'creating' : 'available' });
    }
    fake.addSnapshot({ id: 'changegate-qa-newest-x', clusterId: 'qainvoicingdb', createdAt: new Date(base + 9999 * 3600_000) });
    const latest = await latestChangegateSnapshot(rds(), 'prodinvoicingdb');
    assert.equal(latest?.id, 'changegate-prod-c239-x');
    assert.equal(latest?.status, 'creating', 'the caller decides what a snapshot in progress means');
    const pages = fake.callsTo('DescribeDBClusterSnapshots');
    assert.equal(pages.length, 2);
    assert.deepEqual(pages[0]!.params, { DBClusterIdentifier: 'prodinvoicingdb', SnapshotType: 'manual', MaxRecords: '100' });
    assert.ok(pages[1]!.params['Marker']);
    assert.equal(await latestChangegateSnapshot(rds(), 'prodinvoicingdb', new Date(base + 239 * 3600_000)), null);
    assert.equal((await latestChangegateSnapshot(rds(), 'prodinvoicingdb', new Date(base + 236 * 3600_000)))?.id, 'changegate-prod-c239-x');
    assert.equal(await latestChangegateSnapshot(rds(), 'otherdb'), null);
  });

  it('reports a denied snapshot listing on the cluster', async () => {
    fake.denyAccess('DescribeDBClusterSnapshots');
    const err = await failure(latestChangegateSnapshot(rds(), 'prodinvoicingdb'));
    assert.equal(
      err.message,
      "aws: DescribeDBClusterSnapshots on prodinvoicingdb in us-east-2 was denied (AccessDenied); check that the job's role may call rds:DescribeDBClusterSnapshots on this cluster",
    );
  });
});

describe('aws adapter: restore command', () => {
  const snap = { id: 'changegate-prod-2026-11-24-drop-legacy-20261124150405', createdAt: NOW };

  it('prints the exact restore-db-cluster-from-snapshot command', () => {
    assert.equal(
      restoreCommand(snap, 'prodinvoicingdb', 'us-east-2'),
      'aws rds restore-db-cluster-from-snapshot --region us-east-2 --db-cluster-identifier prodinvoicingdb-restored-20261124 ' +
        '--snapshot-identifier changegate-prod-2026-11-24-drop-legacy-20261124150405 --engine aurora-mysql',
    );
  });

  it('adds the original network placement when known, quoting what the shell would split', () => {
    assert.equal(
      restoreCommand(snap, 'prodinvoicingdb', 'us-east-2', { subnetGroup: 'invoicing private', securityGroupIds: ['sg-0aa', 'sg-0bb'] }),
      'aws rds restore-db-cluster-from-snapshot --region us-east-2 --db-cluster-identifier prodinvoicingdb-restored-20261124 ' +
        "--snapshot-identifier changegate-prod-2026-11-24-drop-legacy-20261124150405 --engine aurora-mysql --db-subnet-group-name 'invoicing private' " +
        '--vpc-security-group-ids sg-0aa sg-0bb',
    );
  });

  it('keeps the restored cluster id valid for a long cluster id', () => {
    const long = 'invoicing-production-aurora-cluster-eu-central-1-primary-a';
    const cmd = restoreCommand(snap, long, 'eu-central-1');
    const id = /--db-cluster-identifier (\S+)/.exec(cmd)![1]!;
    assert.equal(id, 'invoicing-production-aurora-cluster-eu-centra-restored-20261124');
    assert.ok(id.length <= 63);
    assert.match(id, VALID_ID);
  });

  it('says that the restored cluster needs an instance', () => {
    assert.equal(
      restoreNote(snap, 'prodinvoicingdb', 'us-east-2'),
      'the restored cluster has no instance until you add one: aws rds create-db-instance --region us-east-2 ' +
        '--db-cluster-identifier prodinvoicingdb-restored-20261124 --db-instance-identifier prodinvoicingdb-restored-20261124-1 ' +
        "--engine aurora-mysql --db-instance-class <the current writer's class>",
    );
  });
});
