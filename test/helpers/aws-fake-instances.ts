// RDS DB instances for the loopback AWS fake (test/helpers/aws-fake.ts): DescribeDBInstances,
// CreateDBSnapshot and DescribeDBSnapshots on the real Query wire protocol with XML replies and the
// error codes and status codes RDS gives (DBInstanceNotFound 404, DBSnapshotNotFound 404,
// DBSnapshotAlreadyExists 400, InvalidDBInstanceState 400). The fake's throttling, access denial
// and snapshot behaviours (creating polls, failure, late listing) apply to these calls too.
import { describedSnapshots, el, Fault, opt, page, rdsOk, requestTags, tag, validIdentifier, type AwsFake, type FakeSnapshot, type Reply } from './aws-fake.js';

/** An RDS DB instance the fake knows. */
export interface FakeInstanceSpec {
  id: string;
  /** The endpoint, usually the throwaway server on 127.0.0.1 or localhost. */
  host: string;
  port: number;
  /** Default `available`. */
  status?: string;
  /** Default `mysql`, `8.0.39`. */
  engine?: string;
  engineVersion?: string;
  /** Default `db.r6g.large`. */
  instanceClass?: string;
  /** Instance id of the source when this one is a read replica. */
  replicaOf?: string;
  /** Aurora cluster this instance belongs to. */
  clusterId?: string;
  subnetGroup?: string;
  securityGroupIds?: string[];
}

/** The instance half of the fake: attach it to an AwsFake, then seed instances. */
export class FakeInstances {
  readonly instances = new Map<string, FakeInstanceSpec>();
  /** DB snapshots by id (lower case); the creating/failing/late-listing settings of the fake apply. */
  readonly snapshots = new Map<string, FakeSnapshot>();

  constructor(private readonly fake: AwsFake) {
    fake.rdsExtensions.push((action, p, region) => this.handle(action, p, region));
  }

  /** Adds or replaces an instance. */
  addInstance(i: FakeInstanceSpec): this {
    this.instances.set(i.id, i);
    return this;
  }

  private handle(action: string, p: Record<string, string>, region: string): Reply | undefined {
    const fake = this.fake as unknown as { region: string; accountId: string; creatingPolls: number; failing: boolean; unlisted: number };
    if (region !== fake.region && ['DescribeDBInstances', 'CreateDBSnapshot', 'DescribeDBSnapshots'].includes(action)) {
      if (action === 'DescribeDBSnapshots' && !p['DBSnapshotIdentifier']) return rdsOk(action, el('DBSnapshots', ''));
      throw new Fault(404, action === 'DescribeDBSnapshots' ? 'DBSnapshotNotFound' : 'DBInstanceNotFound', `${p['DBInstanceIdentifier'] ?? p['DBSnapshotIdentifier']} not found.`);
    }
    switch (action) {
      case 'DescribeDBInstances': {
        const id = p['DBInstanceIdentifier'];
        const all = [...this.instances.values()];
        const list = id ? all.filter((i) => i.id === id.toLowerCase() || i.id === id) : all;
        if (id && list.length === 0) throw new Fault(404, 'DBInstanceNotFound', `DBInstance ${id} not found.`);
        const { items, marker } = page(list, p);
        return rdsOk(action, el('DBInstances', items.map((i) => this.instanceXml(i, region, fake.accountId)).join('')) + opt('Marker', marker));
      }
      case 'CreateDBSnapshot': {
        const id = p['DBSnapshotIdentifier'] ?? '';
        const instanceId = p['DBInstanceIdentifier'] ?? '';
        if (!validIdentifier(id)) {
          throw new Fault(400, 'InvalidParameterValue',
            'The parameter DBSnapshotIdentifier is not a valid identifier. Identifiers must begin with a letter; ' +
              'must contain only ASCII letters, digits, and hyphens; and must not end with a hyphen or contain two consecutive hyphens.');
        }
        const instance = this.instances.get(instanceId);
        if (!instance) throw new Fault(404, 'DBInstanceNotFound', `DBInstance ${instanceId} not found.`);
        if ((instance.status ?? 'available') !== 'available') {
          throw new Fault(400, 'InvalidDBInstanceState', `DBInstance ${instanceId} is not in the available state.`);
        }
        if (this.snapshots.has(id.toLowerCase())) {
          throw new Fault(400, 'DBSnapshotAlreadyExists', `Cannot create the snapshot because a snapshot with the identifier ${id} already exists.`);
        }
        const tags = requestTags(p);
        const snap: FakeSnapshot = {
          id: id.toLowerCase(), clusterId: instanceId, region, status: 'creating', percent: 0, createdAt: new Date(), type: 'manual', tags,
          creatingPollsLeft: fake.creatingPolls, creatingPollsTotal: fake.creatingPolls, fails: fake.failing, unlistedPolls: fake.unlisted,
        };
        this.snapshots.set(snap.id, snap);
        return rdsOk(action, el('DBSnapshot', this.snapshotFields(snap, fake.accountId)));
      }
      case 'DescribeDBSnapshots': {
        const { items, marker } = describedSnapshots(
          [...this.snapshots.values()],
          p,
          { id: p['DBSnapshotIdentifier'], owner: p['DBInstanceIdentifier'], type: p['SnapshotType'] },
          (id) => new Fault(404, 'DBSnapshotNotFound', `DBSnapshot ${id} not found.`),
        );
        return rdsOk(action, el('DBSnapshots', items.map((s) => el('DBSnapshot', this.snapshotFields(s, fake.accountId))).join('')) + opt('Marker', marker));
      }
      default:
        return undefined;
    }
  }

  private instanceXml(i: FakeInstanceSpec, region: string, account: string): string {
    return el('DBInstance', [
      tag('DBInstanceIdentifier', i.id),
      tag('DBInstanceClass', i.instanceClass ?? 'db.r6g.large'),
      tag('Engine', i.engine ?? 'mysql'),
      tag('DBInstanceStatus', i.status ?? 'available'),
      tag('MasterUsername', 'admin'),
      el('Endpoint', tag('Address', i.host) + tag('Port', String(i.port)) + tag('HostedZoneId', 'Z2XHWR1WZ565X2')),
      tag('AllocatedStorage', '100'),
      tag('InstanceCreateTime', '2024-01-15T10:00:00.000Z'),
      el('VpcSecurityGroups', (i.securityGroupIds ?? []).map((g) =>
        el('VpcSecurityGroupMembership', tag('VpcSecurityGroupId', g) + tag('Status', 'active'))).join('')),
      i.subnetGroup ? el('DBSubnetGroup', tag('DBSubnetGroupName', i.subnetGroup) + tag('SubnetGroupStatus', 'Complete') + tag('VpcId', 'vpc-0fake')) : '',
      tag('MultiAZ', 'false'),
      tag('EngineVersion', i.engineVersion ?? '8.0.39'),
      opt('ReadReplicaSourceDBInstanceIdentifier', i.replicaOf),
      el('ReadReplicaDBInstanceIdentifiers', ''),
      opt('DBClusterIdentifier', i.clusterId),
      tag('PubliclyAccessible', 'false'),
      tag('StorageEncrypted', 'true'),
      tag('DBInstanceArn', `arn:aws:rds:${region}:${account}:db:${i.id}`),
      tag('IAMDatabaseAuthenticationEnabled', 'false'),
      el('TagList', ''),
    ].join(''));
  }

  private snapshotFields(s: FakeSnapshot, account: string): string {
    const i = this.instances.get(s.clusterId);
    return [
      tag('DBSnapshotIdentifier', s.id),
      tag('DBInstanceIdentifier', s.clusterId),
      tag('SnapshotCreateTime', s.createdAt.toISOString()),
      tag('Engine', i?.engine ?? 'mysql'),
      tag('AllocatedStorage', '100'),
      tag('Status', s.status),
      tag('Port', String(i?.port ?? 3306)),
      tag('AvailabilityZone', `${s.region}a`),
      tag('VpcId', 'vpc-0fake'),
      tag('InstanceCreateTime', '2024-01-15T10:00:00.000Z'),
      tag('MasterUsername', 'admin'),
      tag('EngineVersion', i?.engineVersion ?? '8.0.39'),
      tag('LicenseModel', 'general-public-license'),
      tag('SnapshotType', s.type),
      tag('PercentProgress', String(s.percent)),
      tag('Encrypted', 'true'),
      tag('DBSnapshotArn', `arn:aws:rds:${s.region}:${account}:snapshot:${s.id}`),
      tag('IAMDatabaseAuthenticationEnabled', 'false'),
      el('TagList', s.tags.map((t) => el('Tag', tag('Key', t.Key) + tag('Value', t.Value))).join('')),
    ].join('');
  }
}
