// fetchAdminSecret through the real Secrets Manager client against the loopback fake; the secret's
// content must never reach a message.
import assert from 'node:assert/strict';
import { ChangegateError } from '../src/core/errors.js';
import { redact } from '../src/core/redact.js';
import { awsClients } from '../src/adapters/aws/clients.js';
import { resolveCluster } from '../src/adapters/aws/cluster.js';
import { checkRotation, fetchAdminSecret } from '../src/adapters/aws/secret.js';
import { RefusedError } from '../src/core/errors.js';
import { AwsFake, useFakeAws } from './helpers/aws-fake.js';

// Distinctive values: registerSecret is process-wide, and common words would be redacted from other suites' messages.
const USER = 'cg_adm_user_7f3e';
const PASSWORD = 'Pw-9c1b7e55a0d4-secret';
const HOST = 'cg-writer-7f3e.cluster-fake.us-east-2.rds.amazonaws.com';
const ID = 'rds-admin-credentials-qainvoicingdb';
const GOOD = JSON.stringify({ engine: 'mysql', username: USER, password: PASSWORD, host: HOST, port: 3306, dbname: 'invoicing', dbClusterIdentifier: 'qainvoicingdb' });

const MALFORMED: [string, string | Uint8Array, string][] = [
  ['not JSON at all', `${PASSWORD}`, 'not valid JSON'],
  ['JSON with a trailing comma', `{"username":"${USER}","password":"${PASSWORD}",}`, 'not valid JSON'],
  ['a JSON string', JSON.stringify(PASSWORD), 'not a JSON object'],
  ['an array', JSON.stringify([USER, PASSWORD]), 'not a JSON object'],
  ['no password', JSON.stringify({ username: USER, host: HOST }), '"password" is missing or not a string'],
  ['an empty password', JSON.stringify({ username: USER, password: '' }), '"password" is missing or not a string'],
  ['a numeric username', JSON.stringify({ username: 42, password: PASSWORD }), '"username" is missing or not a string'],
  ['a bad port', JSON.stringify({ username: USER, password: PASSWORD, port: `${PASSWORD}` }), '"port" is not a port number'],
  ['a port out of range', JSON.stringify({ username: USER, password: PASSWORD, port: 70000 }), '"port" is not a port number'],
  ['a non-string host', JSON.stringify({ username: USER, password: PASSWORD, host: [HOST] }), '"host" is not a string'],
  ['a binary secret', Buffer.from(GOOD), 'it has no SecretString: binary secrets are not supported'],
];

describe('aws adapter: admin secret', () => {
  let fake: AwsFake;
  let server: { url: string; stop(): Promise<void> };
  let restore: () => void;
  const messages: string[] = [];
  const sm = () => awsClients('us-east-2', { maxAttempts: 3, retryDelayMs: 1 }).sm;

  async function failure(id = ID): Promise<ChangegateError> {
    const err = await fetchAdminSecret(sm(), id).then(
      () => assert.fail('expected a failure'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof ChangegateError, String(err));
    assert.equal(err.exitCode, 1);
    messages.push(err.message, String(err.stack), String((err.cause as Error | undefined)?.message));
    return err;
  }

  beforeEach(async () => {
    fake = new AwsFake({ secrets: { [ID]: GOOD } });
    server = await fake.start();
    restore = useFakeAws(server.url);
  });
  afterEach(async () => {
    restore();
    await server.stop();
  });

  it('fetches and parses the RDS secret JSON, and registers its parts for redaction', async () => {
    const secret = await fetchAdminSecret(sm(), ID);
    assert.deepEqual(secret, { username: USER, password: PASSWORD, host: HOST, port: 3306, dbname: 'invoicing', clusterId: 'qainvoicingdb' });
    assert.equal(redact(`user ${USER} pw ${PASSWORD} at ${HOST}`), 'user *** pw *** at ***');
    assert.deepEqual(fake.calls.map((c) => [c.service, c.action, c.params, c.signed, c.signatureValid, c.signingService]), [
      ['secretsmanager', 'GetSecretValue', { SecretId: ID }, true, true, 'secretsmanager'],
    ]);
  });

  it('accepts the minimal secret that RDS manages itself, and a port given as a string', async () => {
    fake.setSecret(ID, JSON.stringify({ username: USER, password: PASSWORD }));
    assert.deepEqual(await fetchAdminSecret(sm(), ID), { username: USER, password: PASSWORD });
    fake.setSecret(ID, JSON.stringify({ username: USER, password: PASSWORD, port: '3307' }));
    assert.deepEqual(await fetchAdminSecret(sm(), ID), { username: USER, password: PASSWORD, port: 3307 });
  });

  it('reports a lost secret', async () => {
    fake.loseSecret(ID);
    const err = await failure();
    assert.equal(
      err.message,
      `aws: GetSecretValue on ${ID} in us-east-2 failed: no such secret (ResourceNotFoundException); check the environment's secret id and region`,
    );
  });

  it('reports access denied', async () => {
    fake.denyAccess('GetSecretValue');
    const err = await failure();
    assert.equal(
      err.message,
      `aws: GetSecretValue on ${ID} in us-east-2 was denied (AccessDeniedException); check that the job's role may call secretsmanager:GetSecretValue on this secret`,
    );
  });

  it('reports an expired token', async () => {
    fake.expireToken();
    const err = await failure();
    assert.equal(
      err.message,
      `aws: GetSecretValue on ${ID} in us-east-2 failed: the session token has expired (ExpiredTokenException); ` +
        're-run aws-actions/configure-aws-credentials before this step, or raise its role-duration-seconds',
    );
  });

  it('retries throttling, and reports it when it outlasts the retries', async () => {
    fake.throttle('GetSecretValue', 2);
    assert.equal((await fetchAdminSecret(sm(), ID)).password, PASSWORD);
    fake.throttle('GetSecretValue', 3);
    const err = await failure();
    assert.equal(
      err.message,
      `aws: GetSecretValue on ${ID} in us-east-2 was throttled (ThrottlingException) after 3 attempts; re-run later, ` +
        'or look for other jobs calling secretsmanager in this account and region',
    );
    assert.deepEqual(fake.calls.map((c) => c.error ?? c.status), [
      'ThrottlingException', 'ThrottlingException', 200, 'ThrottlingException', 'ThrottlingException', 'ThrottlingException',
    ]);
  });

  for (const [name, content, why] of MALFORMED) {
    it(`reports a malformed secret without echoing it: ${name}`, async () => {
      fake.setSecret(ID, content);
      const err = await failure();
      assert.equal(
        err.message,
        `secret ${ID} in us-east-2 is not the RDS secret JSON (${why}); it must hold "username" and "password" strings, ` +
          'optionally "host", "port" and "dbname"',
      );
      assert.equal(err.cause, undefined, 'JSON.parse errors quote their input: never kept as a cause');
    });
  }

  it('registers even a malformed secret for redaction', async () => {
    fake.setSecret(ID, 'Unparseable-7f3e-Passw0rd');
    await failure();
    assert.equal(redact('leaked Unparseable-7f3e-Passw0rd here'), 'leaked *** here');
  });

  it('hands every piece to onSecret before any check of its shape', async () => {
    const seen: string[] = [];
    await fetchAdminSecret(sm(), ID, (v) => seen.push(v));
    assert.deepEqual(seen, [GOOD, PASSWORD, USER, HOST]);
    fake.setSecret(ID, JSON.stringify({ username: 42, password: 'Pw-only-7f3e-malformed' }));
    seen.length = 0;
    await assert.rejects(fetchAdminSecret(sm(), ID, (v) => seen.push(v)), /"username" is missing or not a string/);
    assert.deepEqual(seen, [JSON.stringify({ username: 42, password: 'Pw-only-7f3e-malformed' }), 'Pw-only-7f3e-malformed']);
  });

  describe('the rotation check (DescribeSecret, which returns no value)', () => {
    const opts = { require: false, envName: 'qa' };

    it('a rotating secret: no finding, one DescribeSecret and no GetSecretValue', async () => {
      const last = new Date('2026-11-20T10:00:00Z');
      fake.setSecretRotation(ID, { rotationEnabled: true, lastRotated: last });
      const found = await checkRotation(sm(), ID, { ...opts, require: true });
      assert.deepEqual(found, {
        rotation: { arn: fake.secretArn(ID), name: ID, rotationEnabled: true, lastRotated: last },
        notes: [],
        warnings: [],
      });
      assert.deepEqual(fake.calls.map((c) => [c.action, c.params, c.signatureValid]), [['DescribeSecret', { SecretId: ID }, true]]);
    });

    it('a secret that never rotates: a warning, or a refusal with require', async () => {
      const found = await checkRotation(sm(), ID, opts);
      assert.deepEqual(found.warnings, [
        `secret ${ID} in us-east-2 never rotates (Secrets Manager rotation is not enabled): its password does not expire; ` +
          'turn on rotation, set require_rotation: true to refuse such a secret, or log in with auth: iam',
      ]);
      await assert.rejects(checkRotation(sm(), ID, { ...opts, require: true }), (e: unknown) =>
        e instanceof RefusedError &&
        e.message ===
          `refused: secret ${ID} in us-east-2 never rotates (Secrets Manager rotation is not enabled) and qa sets require_rotation: true; ` +
            'turn on rotation for the secret, or log in with auth: iam; the secret was not read');
      assert.equal(fake.callsTo('GetSecretValue').length, 0);
    });

    it("the cluster's MasterUserSecret: noted when it is the secret in use, warned about when impaired", async () => {
      fake.addCluster({ id: 'qainvoicingdb', host: '127.0.0.1', port: 3306, masterUserSecret: { secretId: ID, status: 'impaired' } });
      fake.addCluster({ id: 'otherdb', host: '127.0.0.1', port: 3306, masterUserSecret: { secretId: 'rds!cluster-other' } });
      fake.setSecretRotation(ID, { rotationEnabled: true });
      const rds = awsClients('us-east-2').rds;
      const found = await checkRotation(sm(), ID, { ...opts, cluster: await resolveCluster(rds, 'qainvoicingdb') });
      assert.deepEqual(found.notes, [`secret ${ID} in us-east-2 is the master user secret of cluster qainvoicingdb: RDS manages and rotates it`]);
      assert.deepEqual(found.warnings, [
        `secret ${ID} in us-east-2 is impaired (MasterUserSecret status of cluster qainvoicingdb): RDS can no longer rotate it; ` +
          "check that RDS may still use the secret and its KMS key, or turn the cluster's managed master password off and on again",
      ]);
      const other = await checkRotation(sm(), ID, { ...opts, cluster: await resolveCluster(rds, 'otherdb') });
      assert.deepEqual([other.notes, other.warnings], [[], []], 'another secret: nothing to say');
    });
  });

  it('never puts the password, username or host in a message, a stack or a cause', () => {
    assert.ok(messages.length > 20);
    for (const m of messages) {
      for (const s of [USER, PASSWORD, HOST]) assert.ok(!m.includes(s), `"${s}" leaked into: ${m}`);
    }
  });
});
