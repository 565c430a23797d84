// A loopback stand-in for the two AWS APIs changegate calls, speaking their real wire protocols, so the
// real @aws-sdk clients (signing, serialization, pagination, retries, error parsing) run unchanged
// against it through CHANGEGATE_AWS_ENDPOINT:
// - Secrets Manager, JSON 1.1: POST /, `X-Amz-Target: secretsmanager.GetSecretValue` (or
//   `.DescribeSecret`), JSON both ways,
//   errors as HTTP 400 with `{"__type": ..., "Message": ...}`.
// - RDS, Query: POST / form-urlencoded `Action=...&Version=2014-10-31&...`, XML replies in the
//   2014-10-31 namespace, errors as `<ErrorResponse><Error><Type/><Code/><Message/></Error>` with the
//   status code AWS gives each fault, Marker/MaxRecords pagination.
// It checks SigV4 signatures with the test secret key, so a call the SDK failed to sign properly fails
// here as it would in AWS.
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Static test credentials; `useFakeAws` exports them for the SDK's default chain. */
export const TEST_CREDENTIALS = { accessKeyId: 'AKIDCHANGEGATETEST', secretAccessKey: 'changegate-test-secret-key' } as const;

const RDS_NS = 'http://rds.amazonaws.com/doc/2014-10-31/';

/** A cluster the fake knows. */
export interface FakeClusterSpec {
  id: string;
  /** The writer endpoint host and port, usually the throwaway MySQL on 127.0.0.1. */
  host: string;
  port: number;
  /** Default `available`. */
  status?: string;
  /** Default `aurora-mysql`, `8.0.mysql_aurora.3.05.2`. */
  engine?: string;
  engineVersion?: string;
  /** ARN of the source cluster when this one is a replica. */
  replicationSource?: string;
  /** Default `<id>.cluster-ro-fake.<region>.rds.amazonaws.com`. */
  readerHost?: string;
  /** Whether a writer instance exists (default true). */
  writer?: boolean;
  masterUsername?: string;
  subnetGroup?: string;
  securityGroupIds?: string[];
  /** Default: the fake's region. Calls signed for another region do not see the cluster. */
  region?: string;
  /** `IAMDatabaseAuthenticationEnabled` (default false, as AWS creates clusters). */
  iamAuth?: boolean;
  /** `DbClusterResourceId`; default `cluster-` and 26 characters derived from the id. */
  resourceId?: string;
  /** `MasterUserSecret`: the admin secret RDS manages for the cluster (an id the fake knows, or an ARN). */
  masterUserSecret?: { secretId: string; status?: string };
}

/** What DescribeSecret reports about a secret besides its name (default: never rotated). */
export interface FakeSecretMeta {
  rotationEnabled?: boolean;
  lastRotated?: Date;
}

/** A snapshot seeded or created in the fake. */
export interface FakeSnapshot {
  id: string;
  clusterId: string;
  region: string;
  status: string;
  percent: number;
  createdAt: Date;
  type: 'manual' | 'automated';
  tags: { Key: string; Value: string }[];
  /** Describe polls left that still report `creating`. */
  creatingPollsLeft: number;
  creatingPollsTotal: number;
  /** Ends `failed` instead of `available` once the creating polls are used up. */
  fails: boolean;
  /** Describe calls by id that still answer "not found" (RDS's eventual consistency). */
  unlistedPolls: number;
}

/** One request the fake received. */
export interface FakeCall {
  service: 'rds' | 'secretsmanager' | 'unknown';
  action: string;
  /** Form parameters without Action/Version (RDS), or the JSON body (Secrets Manager). */
  params: Record<string, unknown>;
  /** An `Authorization: AWS4-HMAC-SHA256 Credential=...` header was present. */
  signed: boolean;
  /** The signature verified against TEST_CREDENTIALS' secret key. */
  signatureValid: boolean;
  accessKeyId?: string;
  /** Region and service from the signature's credential scope. */
  region?: string;
  signingService?: string;
  status: number;
  /** The error code returned, if any. */
  error?: string;
}

/** Construction options. */
export interface AwsFakeOptions {
  /** Default `us-east-2`. */
  region?: string;
  accountId?: string;
  clusters?: FakeClusterSpec[];
  /** Secret id → SecretString (a string) or SecretBinary (bytes). */
  secrets?: Record<string, string | Uint8Array>;
}

export interface Reply {
  status: number;
  body: string;
  contentType: string;
  error?: string;
}

export class Fault extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

/** The fake: configure, `start()`, point CHANGEGATE_AWS_ENDPOINT at the URL, inspect `calls`. */
export class AwsFake {
  readonly region: string;
  readonly accountId: string;
  readonly calls: FakeCall[] = [];
  readonly clusters = new Map<string, FakeClusterSpec>();
  readonly secrets = new Map<string, string | Uint8Array>();
  readonly secretMeta = new Map<string, FakeSecretMeta>();
  readonly snapshots = new Map<string, FakeSnapshot>();
  /** More RDS actions (test/helpers/aws-fake-instances.ts): each answers its own, undefined for others. */
  readonly rdsExtensions: ((action: string, p: Record<string, string>, region: string) => Reply | undefined)[] = [];
  private throttles = new Map<string, number>();
  private denied = new Set<string>();
  private creatingPolls = 0;
  private unlisted = 0;
  private failing = false;
  private expired = false;

  constructor(options: AwsFakeOptions = {}) {
    this.region = options.region ?? 'us-east-2';
    this.accountId = options.accountId ?? '123456789012';
    for (const c of options.clusters ?? []) this.addCluster(c);
    for (const [id, v] of Object.entries(options.secrets ?? {})) this.secrets.set(id, v);
  }

  /** Adds or replaces a cluster. */
  addCluster(c: FakeClusterSpec): this {
    this.clusters.set(c.id, c);
    return this;
  }

  /** Adds or replaces a secret. */
  setSecret(id: string, value: string | Uint8Array): this {
    this.secrets.set(id, value);
    return this;
  }

  /** Sets what DescribeSecret says about a secret's rotation. */
  setSecretRotation(id: string, meta: FakeSecretMeta): this {
    this.secretMeta.set(id, meta);
    return this;
  }

  /** The ARN the fake gives a secret id (a name, or an ARN as it is). */
  secretArn(id: string, region = this.region): string {
    if (id.startsWith('arn:')) return id;
    return `arn:aws:secretsmanager:${region}:${this.accountId}:secret:${id}-AbCdEf`;
  }

  /** The DbClusterResourceId the fake reports for a cluster. */
  resourceIdOf(c: FakeClusterSpec): string {
    return c.resourceId ?? `cluster-${createHash('sha256').update(c.id).digest('hex').slice(0, 26).toUpperCase()}`;
  }

  /** Seeds a snapshot (for reuse and pagination cases); a seeded `creating` one stays so unless told otherwise. */
  addSnapshot(s: Partial<FakeSnapshot> & { id: string; clusterId: string }): this {
    const forever = s.status === 'creating' ? Infinity : 0;
    this.snapshots.set(s.id, {
      region: this.region,
      status: 'available',
      percent: s.status === 'creating' ? 0 : 100,
      createdAt: new Date(),
      type: 'manual',
      tags: [],
      creatingPollsLeft: forever,
      creatingPollsTotal: forever,
      fails: false,
      ...s,
      unlistedPolls: s.unlistedPolls ?? 0,
    });
    return this;
  }

  /** The next `times` calls of `action` get the service's throttling error. */
  throttle(action: string, times = 1): this {
    this.throttles.set(action, (this.throttles.get(action) ?? 0) + times);
    return this;
  }

  /** Snapshots created from now on report `creating` for `n` describe polls, with rising PercentProgress. */
  snapshotCreatingPolls(n: number): this {
    this.creatingPolls = n;
    return this;
  }

  /** Snapshots created from now on are missing from describe-by-id for their first `n` polls. */
  snapshotListedLate(n: number): this {
    this.unlisted = n;
    return this;
  }

  /** Snapshots created from now on end `failed` after their creating polls. */
  failSnapshots(on = true): this {
    this.failing = on;
    return this;
  }

  /** Every call of `action` is denied, as an IAM policy without that action would. */
  denyAccess(action: string): this {
    this.denied.add(action);
    return this;
  }

  /** The secret no longer exists. */
  loseSecret(id: string): this {
    this.secrets.delete(id);
    return this;
  }

  /** Every call from now on fails as if the session token had expired. */
  expireToken(on = true): this {
    this.expired = on;
    return this;
  }

  /** The calls of one action, in order. */
  callsTo(action: string): FakeCall[] {
    return this.calls.filter((c) => c.action === action);
  }

  /** Listens on 127.0.0.1, port 0. */
  async start(): Promise<{ url: string; stop(): Promise<void> }> {
    const server: Server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(err));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${port}`,
      stop: () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const sig = checkSignature(req, body);
    const target = header(req, 'x-amz-target');
    let call: FakeCall;
    let reply: Reply;
    if (target?.startsWith('secretsmanager.')) {
      const action = target.slice('secretsmanager.'.length);
      let params: Record<string, unknown> = {};
      try {
        params = JSON.parse(body || '{}') as Record<string, unknown>;
      } catch {
        // answered below as a serialization error
      }
      call = { service: 'secretsmanager', action, params, ...sig, status: 0 };
      reply = this.guard(call, () => this.secretsManager(action, params, call.region ?? this.region));
    } else if ((header(req, 'content-type') ?? '').startsWith('application/x-www-form-urlencoded')) {
      const form = new URLSearchParams(body);
      const action = form.get('Action') ?? '';
      const params: Record<string, string> = {};
      for (const [k, v] of form) if (k !== 'Action' && k !== 'Version') params[k] = v;
      call = { service: 'rds', action, params, ...sig, status: 0 };
      reply = form.get('Version') !== '2014-10-31'
        ? rdsError(new Fault(400, 'InvalidAction', `Unsupported version ${form.get('Version')}`))
        : this.guard(call, () => this.rds(action, params, call.region ?? this.region));
    } else {
      call = { service: 'unknown', action: '', params: {}, ...sig, status: 0 };
      reply = { status: 400, body: 'unknown protocol', contentType: 'text/plain', error: 'UnknownProtocol' };
    }
    call.status = reply.status;
    if (reply.error) call.error = reply.error;
    this.calls.push(call);
    res.writeHead(reply.status, {
      'content-type': reply.contentType,
      'x-amzn-requestid': randomUUID(),
      'content-length': Buffer.byteLength(reply.body),
    });
    res.end(reply.body);
  }

  /** What AWS checks before the action itself: signature, token, IAM, rate. */
  private guard(call: FakeCall, run: () => Reply): Reply {
    const sm = call.service === 'secretsmanager';
    const fail = (f: Fault) => (sm ? smError(f) : rdsError(f));
    if (!call.signed) {
      return fail(new Fault(sm ? 400 : 403, sm ? 'MissingAuthenticationTokenException' : 'MissingAuthenticationToken',
        'Request is missing Authentication Token'));
    }
    if (!call.signatureValid) {
      return fail(new Fault(sm ? 400 : 403, sm ? 'InvalidSignatureException' : 'SignatureDoesNotMatch',
        'The request signature we calculated does not match the signature you provided.'));
    }
    if (this.expired) {
      return fail(new Fault(sm ? 400 : 403, sm ? 'ExpiredTokenException' : 'ExpiredToken',
        'The security token included in the request is expired'));
    }
    if (this.denied.has(call.action)) {
      const resource = String(call.params['SecretId'] ?? call.params['DBClusterIdentifier'] ?? call.params['DBClusterSnapshotIdentifier'] ?? '*');
      return fail(new Fault(sm ? 400 : 403, sm ? 'AccessDeniedException' : 'AccessDenied',
        `User: arn:aws:sts::${this.accountId}:assumed-role/changegate-ci/GitHubActions is not authorized to perform: ` +
          `${call.service}:${call.action} on resource: ${resource} because no identity-based policy allows the ` +
          `${call.service}:${call.action} action`));
    }
    const left = this.throttles.get(call.action) ?? 0;
    if (left > 0) {
      this.throttles.set(call.action, left - 1);
      return fail(new Fault(400, sm ? 'ThrottlingException' : 'Throttling', 'Rate exceeded'));
    }
    try {
      return run();
    } catch (err) {
      if (err instanceof Fault) return fail(err);
      throw err;
    }
  }

  private secretsManager(action: string, params: Record<string, unknown>, region: string): Reply {
    if (action !== 'GetSecretValue' && action !== 'DescribeSecret') {
      throw new Fault(400, 'UnknownOperationException', `Unknown operation ${action}`);
    }
    const id = params['SecretId'];
    if (typeof id !== 'string' || id === '') throw new Fault(400, 'InvalidParameterException', 'SecretId is required');
    const value = region === this.region ? this.secrets.get(id) : undefined;
    if (value === undefined) throw new Fault(400, 'ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
    const name = id.startsWith('arn:') ? id.split(':').pop()!.replace(/-[A-Za-z0-9]{6}$/, '') : id;
    if (action === 'DescribeSecret') {
      // Never the value: DescribeSecret is the call that may be granted without secret access.
      const meta = this.secretMeta.get(id) ?? {};
      const out: Record<string, unknown> = {
        ARN: this.secretArn(id, region),
        Name: name,
        CreatedDate: 1732460000.123,
        LastChangedDate: 1732460000.123,
        VersionIdsToStages: { '11111111-2222-3333-4444-555555555555': ['AWSCURRENT'] },
      };
      if (meta.rotationEnabled !== undefined) out['RotationEnabled'] = meta.rotationEnabled;
      if (meta.rotationEnabled) {
        out['RotationLambdaARN'] = `arn:aws:lambda:${region}:${this.accountId}:function:SecretsManagerRDSMySQLRotationSingleUser`;
        out['RotationRules'] = { AutomaticallyAfterDays: 30 };
      }
      if (meta.lastRotated) out['LastRotatedDate'] = meta.lastRotated.getTime() / 1000;
      return { status: 200, body: JSON.stringify(out), contentType: 'application/x-amz-json-1.1' };
    }
    const out: Record<string, unknown> = {
      ARN: this.secretArn(id, region),
      Name: name,
      VersionId: '11111111-2222-3333-4444-555555555555',
      VersionStages: ['AWSCURRENT'],
      CreatedDate: 1732460000.123,
    };
    if (typeof value === 'string') out['SecretString'] = value;
    else out['SecretBinary'] = Buffer.from(value).toString('base64');
    return { status: 200, body: JSON.stringify(out), contentType: 'application/x-amz-json-1.1' };
  }

  private rds(action: string, p: Record<string, string>, region: string): Reply {
    switch (action) {
      case 'DescribeDBClusters': {
        const id = p['DBClusterIdentifier'];
        const all = [...this.clusters.values()].filter((c) => (c.region ?? this.region) === region);
        const list = id ? all.filter((c) => c.id === id.toLowerCase() || c.id === id) : all;
        if (id && list.length === 0) throw new Fault(404, 'DBClusterNotFoundFault', `DBCluster ${id} not found.`);
        const { items, marker } = page(list, p);
        return rdsOk(action, el('DBClusters', items.map((c) => this.clusterXml(c, region)).join('')) + opt('Marker', marker));
      }
      case 'CreateDBClusterSnapshot': {
        const id = p['DBClusterSnapshotIdentifier'] ?? '';
        const clusterId = p['DBClusterIdentifier'] ?? '';
        if (!validIdentifier(id)) {
          throw new Fault(400, 'InvalidParameterValue',
            'The parameter DBClusterSnapshotIdentifier is not a valid identifier. Identifiers must begin with a letter; ' +
              'must contain only ASCII letters, digits, and hyphens; and must not end with a hyphen or contain two consecutive hyphens.');
        }
        const cluster = this.clusters.get(clusterId);
        if (!cluster || (cluster.region ?? this.region) !== region) {
          throw new Fault(404, 'DBClusterNotFoundFault', `DBCluster ${clusterId} not found.`);
        }
        if ((cluster.status ?? 'available') !== 'available') {
          throw new Fault(400, 'InvalidDBClusterStateFault', `DBCluster ${clusterId} is not in the available state.`);
        }
        if (this.snapshots.has(id.toLowerCase())) {
          throw new Fault(400, 'DBClusterSnapshotAlreadyExistsFault', `Cannot create the snapshot because a snapshot with the identifier ${id} already exists.`);
        }
        const tags = requestTags(p);
        const snap: FakeSnapshot = {
          id: id.toLowerCase(),
          clusterId,
          region,
          status: 'creating',
          percent: 0,
          createdAt: new Date(),
          type: 'manual',
          tags,
          creatingPollsLeft: this.creatingPolls,
          creatingPollsTotal: this.creatingPolls,
          fails: this.failing,
          unlistedPolls: this.unlisted,
        };
        this.snapshots.set(snap.id, snap);
        return rdsOk(action, this.snapshotXml(snap));
      }
      case 'DescribeDBClusterSnapshots': {
        const { items, marker } = describedSnapshots(
          [...this.snapshots.values()].filter((s) => s.region === region),
          p,
          { id: p['DBClusterSnapshotIdentifier'], owner: p['DBClusterIdentifier'], type: p['SnapshotType'] },
          (id) => new Fault(404, 'DBClusterSnapshotNotFoundFault', `DBClusterSnapshot ${id} not found.`),
        );
        return rdsOk(action, el('DBClusterSnapshots', items.map((s) => el('DBClusterSnapshot', this.snapshotFields(s))).join('')) + opt('Marker', marker));
      }
      default: {
        for (const extend of this.rdsExtensions) {
          const reply = extend(action, p, region);
          if (reply) return reply;
        }
        throw new Fault(400, 'InvalidAction', `The action ${action} is not valid for this web service.`);
      }
    }
  }

  private clusterXml(c: FakeClusterSpec, region: string): string {
    const writer = c.writer ?? true;
    return el('DBCluster', [
      tag('DBClusterIdentifier', c.id),
      tag('DBClusterArn', `arn:aws:rds:${region}:${this.accountId}:cluster:${c.id}`),
      tag('Status', c.status ?? 'available'),
      tag('Engine', c.engine ?? 'aurora-mysql'),
      tag('EngineVersion', c.engineVersion ?? '8.0.mysql_aurora.3.05.2'),
      tag('Endpoint', c.host),
      tag('ReaderEndpoint', c.readerHost ?? `${c.id}.cluster-ro-fake.${region}.rds.amazonaws.com`),
      tag('Port', String(c.port)),
      tag('MultiAZ', 'false'),
      opt('MasterUsername', c.masterUsername),
      opt('ReplicationSourceIdentifier', c.replicationSource),
      el('ReadReplicaIdentifiers', ''),
      el('DBClusterMembers', writer
        ? el('DBClusterMember', tag('DBInstanceIdentifier', `${c.id}-instance-1`) + tag('IsClusterWriter', 'true') +
          tag('DBClusterParameterGroupStatus', 'in-sync') + tag('PromotionTier', '1'))
        : ''),
      opt('DBSubnetGroup', c.subnetGroup),
      el('VpcSecurityGroups', (c.securityGroupIds ?? []).map((g) =>
        el('VpcSecurityGroupMembership', tag('VpcSecurityGroupId', g) + tag('Status', 'active'))).join('')),
      tag('StorageEncrypted', 'true'),
      tag('DbClusterResourceId', this.resourceIdOf(c)),
      tag('IAMDatabaseAuthenticationEnabled', String(c.iamAuth ?? false)),
      tag('ClusterCreateTime', '2024-01-15T10:00:00.000Z'),
      c.masterUserSecret
        ? el('MasterUserSecret', tag('SecretArn', this.secretArn(c.masterUserSecret.secretId, region)) +
          tag('SecretStatus', c.masterUserSecret.status ?? 'active') +
          tag('KmsKeyId', `arn:aws:kms:${region}:${this.accountId}:key/11111111-2222-3333-4444-555555555555`))
        : '',
      el('TagList', ''),
    ].join(''));
  }

  private snapshotXml(s: FakeSnapshot): string {
    return el('DBClusterSnapshot', this.snapshotFields(s));
  }

  private snapshotFields(s: FakeSnapshot): string {
    const c = this.clusters.get(s.clusterId);
    return [
      el('AvailabilityZones', ['a', 'b', 'c'].map((z) => tag('AvailabilityZone', `${s.region}${z}`)).join('')),
      tag('DBClusterSnapshotIdentifier', s.id),
      tag('DBClusterIdentifier', s.clusterId),
      tag('SnapshotCreateTime', s.createdAt.toISOString()),
      tag('Engine', c?.engine ?? 'aurora-mysql'),
      tag('EngineMode', 'provisioned'),
      tag('AllocatedStorage', '1'),
      tag('Status', s.status),
      tag('Port', String(c?.port ?? 3306)),
      tag('VpcId', 'vpc-0fake'),
      opt('MasterUsername', c?.masterUsername),
      tag('EngineVersion', c?.engineVersion ?? '8.0.mysql_aurora.3.05.2'),
      tag('LicenseModel', 'aurora-mysql'),
      tag('SnapshotType', s.type),
      tag('PercentProgress', String(s.percent)),
      tag('StorageEncrypted', 'true'),
      tag('DBClusterSnapshotArn', `arn:aws:rds:${s.region}:${this.accountId}:cluster-snapshot:${s.id}`),
      tag('IAMDatabaseAuthenticationEnabled', 'false'),
      el('TagList', s.tags.map((t) => el('Tag', tag('Key', t.Key) + tag('Value', t.Value))).join('')),
    ].join('');
  }
}

/** One describe poll moves a creating snapshot along: `creating` with rising percent, then its end state. */
export function advance(s: FakeSnapshot): void {
  if (s.status !== 'creating' || s.creatingPollsLeft === Infinity) return;
  if (s.creatingPollsLeft > 0) {
    const done = s.creatingPollsTotal - s.creatingPollsLeft + 1;
    s.percent = Math.floor((done * 100) / (s.creatingPollsTotal + 1));
    s.creatingPollsLeft--;
    return;
  }
  s.status = s.fails ? 'failed' : 'available';
  if (!s.fails) s.percent = 100;
}

/**
 * One page of a Describe*Snapshots answer, oldest first, each listed snapshot moved along one poll:
 * by `id` (a snapshot still unlisted for some polls, or none, is `notFound`), by owner and by type.
 */
export function describedSnapshots(
  all: FakeSnapshot[],
  p: Record<string, string>,
  filter: { id?: string; owner?: string; type?: string },
  notFound: (id: string) => Fault,
): { items: FakeSnapshot[]; marker?: string } {
  let list = all;
  if (filter.id) {
    list = list.filter((s) => s.id === filter.id!.toLowerCase());
    if (list.length === 1 && list[0]!.unlistedPolls > 0) {
      list[0]!.unlistedPolls--;
      list = [];
    }
    if (list.length === 0) throw notFound(filter.id);
  }
  if (filter.owner) list = list.filter((s) => s.clusterId === filter.owner);
  if (filter.type) list = list.filter((s) => s.type === filter.type);
  list.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  const result = page(list, p);
  for (const s of result.items) advance(s);
  return result;
}

export function page<T>(list: T[], p: Record<string, string>): { items: T[]; marker?: string } {
  const max = p['MaxRecords'] ? Number(p['MaxRecords']) : 100;
  if (!Number.isInteger(max) || max < 20 || max > 100) {
    throw new Fault(400, 'InvalidParameterValue', 'Invalid value for MaxRecords: must be between 20 and 100');
  }
  const start = p['Marker'] ? Number(Buffer.from(p['Marker'], 'base64').toString('utf8').replace(/^offset:/, '')) : 0;
  const items = list.slice(start, start + max);
  const next = start + max < list.length ? Buffer.from(`offset:${start + max}`).toString('base64') : undefined;
  return next === undefined ? { items } : { items, marker: next };
}

/** `Tags.Tag.1.Key=a&Tags.Tag.1.Value=b` → [{ Key: 'a', Value: 'b' }]. */
export function formList(p: Record<string, string>, prefix: string): Record<string, string>[] {
  const out: Record<string, string>[] = [];
  for (const [k, v] of Object.entries(p)) {
    const m = new RegExp(`^${prefix.replace(/\./g, '\\.')}\\.(\\d+)\\.(\\w+)$`).exec(k);
    if (m) (out[Number(m[1]) - 1] ??= {})[m[2]!] = v;
  }
  return out.filter(Boolean);
}

export function validIdentifier(id: string): boolean {
  return /^[A-Za-z][A-Za-z0-9-]{0,62}$/.test(id) && !id.includes('--') && !id.endsWith('-');
}

/** The `Tags.Tag.N` of a create call, refused as AWS refuses a bad key or value. */
export function requestTags(p: Record<string, string>): { Key: string; Value: string }[] {
  const tags = formList(p, 'Tags.Tag').map((t) => ({ Key: t['Key'] ?? '', Value: t['Value'] ?? '' }));
  for (const t of tags) {
    if (!validTag(t.Key, 128) || t.Key === '' || t.Key.startsWith('aws:') || !validTag(t.Value, 256)) {
      throw new Fault(400, 'InvalidParameterValue', 'Invalid tag key or value.');
    }
  }
  return tags;
}

export function validTag(s: string, max: number): boolean {
  return s.length <= max && /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u.test(s);
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** An element holding text. */
export function tag(name: string, text: string): string {
  return `<${name}>${esc(text)}</${name}>`;
}

/** An element holding other elements. */
export function el(name: string, inner: string): string {
  return `<${name}>${inner}</${name}>`;
}

export function opt(name: string, value: string | undefined): string {
  return value === undefined ? '' : tag(name, value);
}

export function rdsOk(action: string, result: string): Reply {
  const body =
    `<${action}Response xmlns="${RDS_NS}"><${action}Result>${result}</${action}Result>` +
    `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${action}Response>`;
  return { status: 200, body, contentType: 'text/xml' };
}

function rdsError(f: Fault): Reply {
  const type = f.status >= 500 ? 'Receiver' : 'Sender';
  const body =
    `<ErrorResponse xmlns="${RDS_NS}"><Error><Type>${type}</Type><Code>${f.code}</Code>` +
    `<Message>${esc(f.message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`;
  return { status: f.status, body, contentType: 'text/xml', error: f.code };
}

function smError(f: Fault): Reply {
  return {
    status: f.status,
    body: JSON.stringify({ __type: f.code, Message: f.message }),
    contentType: 'application/x-amz-json-1.1',
    error: f.code,
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();
const sha256 = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex');

/** Verifies a SigV4 header signature the way AWS does, with TEST_CREDENTIALS' secret key. */
function checkSignature(req: IncomingMessage, body: string): Pick<FakeCall, 'signed' | 'signatureValid' | 'accessKeyId' | 'region' | 'signingService'> {
  const auth = header(req, 'authorization') ?? '';
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(auth);
  if (!m) return { signed: false, signatureValid: false };
  const [, accessKeyId, date, region, service, signedHeaders, signature] = m as unknown as string[];
  const amzDate = header(req, 'x-amz-date') ?? '';
  const url = new URL(req.url ?? '/', 'http://x');
  const query = [...url.searchParams]
    .map(([k, v]) => [encodeURIComponent(k), encodeURIComponent(v)])
    .sort(([a], [b]) => (a! < b! ? -1 : a! > b! ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const names = signedHeaders!.split(';');
  const canonicalHeaders = names.map((n) => `${n}:${(header(req, n) ?? '').trim().replace(/\s+/g, ' ')}\n`).join('');
  const payloadHash = header(req, 'x-amz-content-sha256') ?? sha256(body);
  const canonical = [req.method, url.pathname, query, canonicalHeaders, signedHeaders, payloadHash].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n');
  let key = hmac(`AWS4${TEST_CREDENTIALS.secretAccessKey}`, date!);
  for (const part of [region!, service!, 'aws4_request']) key = hmac(key, part);
  const expected = createHmac('sha256', key).update(toSign, 'utf8').digest('hex');
  return {
    signed: true,
    signatureValid: accessKeyId === TEST_CREDENTIALS.accessKeyId && expected === signature && names.includes('host'),
    accessKeyId: accessKeyId!,
    region: region!,
    signingService: service!,
  };
}

const AWS_ENV = [
  'CHANGEGATE_AWS_ENDPOINT', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE',
  'AWS_DEFAULT_PROFILE', 'AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE',
  'AWS_EC2_METADATA_DISABLED', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_ROLE_ARN', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_RDS', 'AWS_ENDPOINT_URL_SECRETS_MANAGER',
  'AWS_MAX_ATTEMPTS', 'AWS_RETRY_MODE',
] as const;

/**
 * Points the SDK's default chain and CHANGEGATE_AWS_ENDPOINT at the fake: static test keys in the
 * environment, no profile, no config files, no instance metadata. `credentials: false` leaves the
 * chain empty (the "no credentials" case). Returns a function that restores the previous environment.
 */
export function useFakeAws(url: string, options: { credentials?: boolean } = {}): () => void {
  const saved = new Map<string, string | undefined>(AWS_ENV.map((k) => [k, process.env[k]]));
  for (const k of AWS_ENV) delete process.env[k];
  process.env['CHANGEGATE_AWS_ENDPOINT'] = url;
  process.env['AWS_CONFIG_FILE'] = '/nonexistent/changegate-test/config';
  process.env['AWS_SHARED_CREDENTIALS_FILE'] = '/nonexistent/changegate-test/credentials';
  process.env['AWS_EC2_METADATA_DISABLED'] = 'true';
  if (options.credentials !== false) {
    process.env['AWS_ACCESS_KEY_ID'] = TEST_CREDENTIALS.accessKeyId;
    process.env['AWS_SECRET_ACCESS_KEY'] = TEST_CREDENTIALS.secretAccessKey;
  }
  return () => {
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}
