// resolveCluster, the clients and the one-line AWS errors, through the real SDK against the loopback fake.
import assert from 'node:assert/strict';
import { ChangegateError, RefusedError, UsageError } from '../src/core/errors.js';
import { awsClients, endpointOverride } from '../src/adapters/aws/clients.js';
import { resolveCluster } from '../src/adapters/aws/cluster.js';
import { awsErrorMessage, type AwsCallContext } from '../src/adapters/aws/errors.js';
import { AwsFake, TEST_CREDENTIALS, useFakeAws } from './helpers/aws-fake.js';

const REPLICA_SOURCE = 'arn:aws:rds:us-east-2:123456789012:cluster:prodinvoicingdb';

function newFake(): AwsFake {
  return new AwsFake({
    clusters: [
      { id: 'qainvoicingdb', host: '127.0.0.1', port: 3310, subnetGroup: 'invoicing-private', securityGroupIds: ['sg-0aa', 'sg-0bb'] },
      { id: 'modifyingdb', host: '127.0.0.1', port: 3310, status: 'modifying' },
      { id: 'prodinvoicingco', host: '127.0.0.1', port: 3310, replicationSource: REPLICA_SOURCE },
      { id: 'pgdb', host: '127.0.0.1', port: 5432, engine: 'aurora-postgresql', engineVersion: '16.4' },
      { id: 'emptydb', host: '127.0.0.1', port: 3310, writer: false },
    ],
  });
}

async function refusal(p: Promise<unknown>): Promise<ChangegateError> {
  const err = await p.then(
    () => assert.fail('expected a failure'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof ChangegateError, `not a ChangegateError: ${String(err)}`);
  assert.equal(err.exitCode, 1);
  return err;
}

describe('aws adapter: clusters and errors', () => {
  let fake: AwsFake;
  let server: { url: string; stop(): Promise<void> };
  let restore: () => void;
  const clients = (maxAttempts = 3) => awsClients('us-east-2', { maxAttempts, retryDelayMs: 1 });

  beforeEach(async () => {
    fake = newFake();
    server = await fake.start();
    restore = useFakeAws(server.url);
  });
  afterEach(async () => {
    restore();
    await server.stop();
  });

  it('resolves the writer endpoint, never the reader endpoint, with a signed call', async () => {
    const target = await resolveCluster(clients().rds, 'qainvoicingdb');
    assert.deepEqual(target, {
      clusterId: 'qainvoicingdb',
      region: 'us-east-2',
      endpoint: '127.0.0.1',
      port: 3310,
      engine: 'aurora-mysql',
      engineVersion: '8.0.mysql_aurora.3.05.2',
      status: 'available',
      arn: 'arn:aws:rds:us-east-2:123456789012:cluster:qainvoicingdb',
      subnetGroup: 'invoicing-private',
      securityGroupIds: ['sg-0aa', 'sg-0bb'],
      iamAuth: false,
      resourceId: fake.resourceIdOf(fake.clusters.get('qainvoicingdb')!),
    });
    assert.equal(fake.calls.length, 1);
    const [call] = fake.calls;
    assert.deepEqual(
      { action: call!.action, params: call!.params, signed: call!.signed, valid: call!.signatureValid },
      { action: 'DescribeDBClusters', params: { DBClusterIdentifier: 'qainvoicingdb' }, signed: true, valid: true },
    );
    assert.deepEqual([call!.accessKeyId, call!.region, call!.signingService], [TEST_CREDENTIALS.accessKeyId, 'us-east-2', 'rds']);
  });

  it('refuses a cluster that is not available', async () => {
    const err = await refusal(resolveCluster(clients().rds, 'modifyingdb'));
    assert.ok(err instanceof RefusedError);
    assert.equal(
      err.message,
      'cluster modifyingdb in us-east-2 is "modifying", not "available"; changegate connects only to an available cluster: ' +
        'wait until it is available and re-run',
    );
  });

  it('refuses a cluster that is a replica of another', async () => {
    const err = await refusal(resolveCluster(clients().rds, 'prodinvoicingco'));
    assert.ok(err instanceof RefusedError);
    assert.equal(
      err.message,
      `cluster prodinvoicingco in us-east-2 is a replica of ${REPLICA_SOURCE}; changegate never applies changes to a replica: ` +
        'point the environment at the source cluster',
    );
  });

  it('refuses a cluster that does not speak MySQL', async () => {
    const err = await refusal(resolveCluster(clients().rds, 'pgdb'));
    assert.equal(err.message, 'cluster pgdb in us-east-2 runs aurora-postgresql; changegate supports Aurora MySQL and MySQL clusters only');
  });

  it('refuses a cluster without a writer instance', async () => {
    const err = await refusal(resolveCluster(clients().rds, 'emptydb'));
    assert.equal(err.message, 'cluster emptydb in us-east-2 has no writer instance; add one or wait for the failover to finish, then re-run');
  });

  it('reports a missing cluster', async () => {
    const err = await refusal(resolveCluster(clients().rds, 'nosuchdb'));
    assert.equal(
      err.message,
      "aws: DescribeDBClusters on nosuchdb in us-east-2 failed: no such cluster (DBClusterNotFoundFault); check the environment's cluster id and region",
    );
  });

  it('does not find a cluster from another region (the region is part of the message)', async () => {
    const err = await refusal(resolveCluster(awsClients('eu-west-1', { maxAttempts: 1 }).rds, 'qainvoicingdb'));
    assert.equal(
      err.message,
      "aws: DescribeDBClusters on qainvoicingdb in eu-west-1 failed: no such cluster (DBClusterNotFoundFault); check the environment's cluster id and region",
    );
    assert.equal(fake.calls[0]!.region, 'eu-west-1');
  });

  it('reports access denied with the IAM action to check', async () => {
    fake.denyAccess('DescribeDBClusters');
    const err = await refusal(resolveCluster(clients().rds, 'qainvoicingdb'));
    assert.equal(
      err.message,
      "aws: DescribeDBClusters on qainvoicingdb in us-east-2 was denied (AccessDenied); check that the job's role may call rds:DescribeDBClusters on this cluster",
    );
    assert.equal(fake.calls.length, 1, 'access denied is not retried');
  });

  it('retries throttling and succeeds', async () => {
    fake.throttle('DescribeDBClusters', 2);
    const target = await resolveCluster(clients(3).rds, 'qainvoicingdb');
    assert.equal(target.endpoint, '127.0.0.1');
    assert.deepEqual(fake.calls.map((c) => c.error ?? c.status), ['Throttling', 'Throttling', 200]);
  });

  it('reports throttling that outlasts the retries', async () => {
    fake.throttle('DescribeDBClusters', 5);
    const err = await refusal(resolveCluster(clients(3).rds, 'qainvoicingdb'));
    assert.equal(
      err.message,
      'aws: DescribeDBClusters on qainvoicingdb in us-east-2 was throttled (Throttling) after 3 attempts; re-run later, ' +
        'or look for other jobs calling rds in this account and region',
    );
    assert.equal(fake.calls.length, 3);
  });

  it('reports an expired session token', async () => {
    fake.expireToken();
    const err = await refusal(resolveCluster(clients().rds, 'qainvoicingdb'));
    assert.equal(
      err.message,
      'aws: DescribeDBClusters on qainvoicingdb in us-east-2 failed: the session token has expired (ExpiredToken); ' +
        're-run aws-actions/configure-aws-credentials before this step, or raise its role-duration-seconds',
    );
  });

  it('reports missing credentials without calling AWS', async () => {
    restore();
    restore = useFakeAws(server.url, { credentials: false });
    const err = await refusal(resolveCluster(clients().rds, 'qainvoicingdb'));
    assert.equal(
      err.message,
      'aws: DescribeDBClusters on qainvoicingdb in us-east-2 failed: no AWS credentials were found (CredentialsProviderError); ' +
        "add an aws-actions/configure-aws-credentials step with the environment's OIDC role before this step " +
        '(the job needs permissions: id-token: write)',
    );
    assert.equal(fake.calls.length, 0);
  });

  it('reports credentials that AWS rejects (the fake checks SigV4 signatures)', async () => {
    process.env['AWS_SECRET_ACCESS_KEY'] = 'not-the-test-secret';
    const err = await refusal(resolveCluster(clients().rds, 'qainvoicingdb'));
    assert.equal(
      err.message,
      'aws: DescribeDBClusters on qainvoicingdb in us-east-2 failed: AWS rejected the credentials (SignatureDoesNotMatch); ' +
        "check the configure-aws-credentials step and the runner's clock",
    );
    assert.equal(fake.calls[0]!.signed, true);
    assert.equal(fake.calls[0]!.signatureValid, false);
    assert.ok(!err.message.includes('not-the-test-secret'));
  });

  it('reports an unreachable endpoint after retrying it', async () => {
    await server.stop();
    const host = new URL(server.url).host;
    const err = await refusal(resolveCluster(clients(2).rds, 'qainvoicingdb'));
    assert.equal(
      err.message,
      `aws: DescribeDBClusters on qainvoicingdb in us-east-2 failed: ${host} is unreachable (ECONNREFUSED); check CHANGEGATE_AWS_ENDPOINT and the network`,
    );
    assert.equal((err.cause as { $metadata?: { attempts?: number } }).$metadata?.attempts, 2);
    server = await fake.start(); // afterEach stops it again
  });

  it('uses the endpoint override only when it is set', () => {
    assert.equal(endpointOverride(), server.url);
    assert.equal(clients().rds.config.isCustomEndpoint, true);
    delete process.env['CHANGEGATE_AWS_ENDPOINT'];
    assert.equal(endpointOverride(), undefined);
    const { rds, sm } = clients();
    assert.equal(rds.config.isCustomEndpoint, false);
    assert.equal(sm.config.isCustomEndpoint, false);
    process.env['CHANGEGATE_AWS_ENDPOINT'] = '   ';
    assert.equal(endpointOverride(), undefined);
  });

  it('rejects an endpoint override that is not an http(s) URL (exit 2)', () => {
    process.env['CHANGEGATE_AWS_ENDPOINT'] = 'ftp://127.0.0.1:21';
    assert.throws(() => clients(), (e: unknown) => {
      assert.ok(e instanceof UsageError);
      assert.equal(e.exitCode, 2);
      assert.equal(e.message, 'CHANGEGATE_AWS_ENDPOINT is not an http(s) URL; set it to an http(s) URL or unset it');
      return true;
    });
    process.env['CHANGEGATE_AWS_ENDPOINT'] = 'not a url';
    assert.throws(() => clients(), { message: 'CHANGEGATE_AWS_ENDPOINT is not a URL; set it to an http(s) URL or unset it' });
  });
});

describe('aws adapter: error messages for codes the fake does not produce', () => {
  const ctx = (call: string, service: 'rds' | 'secretsmanager', kind: AwsCallContext['kind'], resource: string): AwsCallContext =>
    ({ call, service, kind, resource, region: 'us-east-2' });
  const snap = ctx('CreateDBClusterSnapshot', 'rds', 'cluster', 'prodinvoicingdb');
  const secret = ctx('GetSecretValue', 'secretsmanager', 'secret', 'rds-admin-credentials-qainvoicingdb');
  let saved: string | undefined;
  before(() => {
    saved = process.env['CHANGEGATE_AWS_ENDPOINT'];
    delete process.env['CHANGEGATE_AWS_ENDPOINT'];
  });
  after(() => {
    if (saved !== undefined) process.env['CHANGEGATE_AWS_ENDPOINT'] = saved;
  });

  const cases: [string, unknown, AwsCallContext, string][] = [
    ['SnapshotQuotaExceeded', { name: 'SnapshotQuotaExceededFault', Code: 'SnapshotQuotaExceeded' }, snap,
      "aws: CreateDBClusterSnapshot on prodinvoicingdb in us-east-2 failed: the account's manual cluster snapshot quota is reached (SnapshotQuotaExceeded); delete old snapshots or raise the quota"],
    ['DecryptionFailure', { name: 'DecryptionFailure' }, secret,
      "aws: GetSecretValue on rds-admin-credentials-qainvoicingdb in us-east-2 failed: the secret could not be decrypted (DecryptionFailure); check that the job's role may use the secret's KMS key (kms:Decrypt)"],
    ['a DNS failure without override', Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' }), secret,
      "aws: GetSecretValue on rds-admin-credentials-qainvoicingdb in us-east-2 failed: secretsmanager.us-east-2.amazonaws.com is unreachable (ENOTFOUND); check the runner's network access to AWS"],
    ['a socket timeout', { name: 'TimeoutError', message: 'socket hang up' }, snap,
      "aws: CreateDBClusterSnapshot on prodinvoicingdb in us-east-2 failed: rds.us-east-2.amazonaws.com is unreachable (TimeoutError); check the runner's network access to AWS"],
    ['an unknown code, message redacted', Object.assign(new Error('bad thing at https://u:p4ss@h.example/x\nsecond line'), { name: 'WeirdFault' }), snap,
      'aws: CreateDBClusterSnapshot on prodinvoicingdb in us-east-2 failed (WeirdFault): bad thing at https://u:***@h.example/x'],
  ];
  for (const [name, err, c, expected] of cases) {
    it(name, () => assert.equal(awsErrorMessage(err, c), expected));
  }
});
