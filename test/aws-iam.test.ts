// `auth: iam` at the adapters: tokens from the real @aws-sdk/rds-signer, sent by mysql2 as
// `mysql_clear_password` over TLS to a MariaDB whose PAM service verifies each token's SigV4 signature
// (test/helpers/pam-server.ts). Always on Debian's MariaDB, also in a CHANGEGATE_TEST_SERVER=mysql run:
// Oracle MySQL's community build has no PAM plugin.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Signer } from '@aws-sdk/rds-signer';
import { SignatureV4 } from '@smithy/signature-v4';
import { ChangegateError, RefusedError } from '../src/core/errors.js';
import { awsClients } from '../src/adapters/aws/clients.js';
import { resolveCluster, type ClusterTarget } from '../src/adapters/aws/cluster.js';
import { dbUserArn, iamLogin } from '../src/adapters/aws/iam.js';
import { openConnection, type TargetSpec, type TokenLogin } from '../src/adapters/mysql/connection.js';
import { AwsFake, TEST_CREDENTIALS, useFakeAws } from './helpers/aws-fake.js';
import { startPamServer, type PamServer } from './helpers/pam-server.js';
import { checkToken } from './helpers/pam-verify.js';

const HOST = 'localhost';
const USER = 'cg_iam_deployer';
const OTHER = 'cg_iam_reporter';
const REGION = 'us-east-2';

describe('aws adapter: IAM database tokens against a PAM-verified MariaDB (always MariaDB)', function () {
  this.timeout(60_000);
  let pam: PamServer;
  let fake: AwsFake;
  let stopFake: () => Promise<void>;
  let restoreEnv: () => void;
  let cluster: ClusterTarget;
  let schema: { name: string; drop(): Promise<void> };
  const tokens: string[] = [];

  before(async () => {
    pam = await startPamServer({ host: HOST, region: REGION });
    schema = await pam.server.freshSchema('cgiam');
    await pam.createIamUser(USER, [`ALL PRIVILEGES ON \`${schema.name}\`.*`]);
    await pam.createIamUser(OTHER, [`SELECT ON \`${schema.name}\`.*`]);
    fake = new AwsFake({
      clusters: [
        { id: 'qainvoicingdb', host: HOST, port: pam.server.port, iamAuth: true, resourceId: 'cluster-QA7IAMTESTRESOURCEID0001' },
        { id: 'legacydb', host: HOST, port: pam.server.port },
      ],
    });
    const started = await fake.start();
    stopFake = started.stop;
    restoreEnv = useFakeAws(started.url);
    cluster = await resolveCluster(awsClients(REGION).rds, 'qainvoicingdb');
  });

  after(async () => {
    restoreEnv?.();
    await stopFake?.();
    await pam?.stop();
  });

  const spec = (login: TokenLogin, user = USER, tls: TargetSpec['tls'] = { mode: 'aws', caFile: pam.server.caFile! }): TargetSpec => ({
    host: HOST,
    port: pam.server.port,
    user,
    password: '',
    tokenLogin: login,
    schema: schema.name,
    tls,
  });

  async function refusedLogin(login: TokenLogin, user = USER): Promise<ChangegateError> {
    const err = await openConnection(spec(login, user), 'qa').then(
      (c) => c.close().then(() => assert.fail('expected the server to refuse the login')),
      (e: unknown) => e,
    );
    assert.ok(err instanceof ChangegateError, String(err));
    assert.equal(err.exitCode, 1);
    return err;
  }

  /** A login whose token is made by `make`, remembered for the "no token in any message" checks. */
  const fixed = (make: () => Promise<string>, refused: string): TokenLogin => ({
    refused,
    async token() {
      const t = await make();
      tokens.push(t);
      return t;
    },
  });

  it('reads the IAM fields of the cluster', () => {
    assert.equal(cluster.iamAuth, true);
    assert.equal(cluster.resourceId, 'cluster-QA7IAMTESTRESOURCEID0001');
    assert.equal(dbUserArn(cluster, USER), `arn:aws:rds-db:us-east-2:123456789012:dbuser:cluster-QA7IAMTESTRESOURCEID0001/${USER}`);
  });

  it('logs in with a fresh rds-signer token per connection, each verified by the server; the token is handed over before use', async () => {
    const seen: string[] = [];
    const login = iamLogin(cluster, USER, (t) => seen.push(t));
    const before = pam.verifications().length;
    const a = await openConnection(spec(login), 'qa');
    const b = await openConnection(spec(login), 'qa');
    try {
      const [row] = await a.query<{ u: string; cipher: string }>("SELECT CURRENT_USER() AS u, VARIABLE_VALUE AS cipher FROM information_schema.SESSION_STATUS WHERE VARIABLE_NAME = 'Ssl_cipher'");
      assert.equal(row!.u, `${USER}@%`);
      assert.notEqual(row!.cipher, '', 'over TLS');
    } finally {
      await a.close();
      await b.close();
    }
    tokens.push(...seen);
    const v = pam.verifications().slice(before);
    assert.deepEqual(v.map((x) => [x.ok, x.reason, x.user]), [[true, '', USER], [true, '', USER]]);
    // Signed anew for each connection; two signed within the same second are the same bytes (SigV4 is
    // deterministic), which is also what AWS would accept.
    assert.equal(seen.length, 2, 'one token per connection');
    assert.deepEqual(v.map((x) => x.tokenSha256), seen.map((t) => createHash('sha256').update(t).digest('hex')), 'the server got exactly those tokens');
    assert.match(seen[0]!, new RegExp(`^localhost:${pam.server.port}/\\?Action=connect&DBUser=${USER}&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=${TEST_CREDENTIALS.accessKeyId}%2F\\d{8}%2Fus-east-2%2Frds-db%2Faws4_request&X-Amz-Date=\\d{8}T\\d{6}Z&X-Amz-Expires=900&X-Amz-Signature=[0-9a-f]{64}&X-Amz-SignedHeaders=host$`));
  });

  it('refuses to send a token without TLS: nothing is signed, nothing connects', async () => {
    let asked = 0;
    const login: TokenLogin = { refused: 'unused', token: async () => String(++asked) };
    const before = pam.verifications().length;
    const err = await openConnection(spec(login, USER, { mode: 'off' }), 'qa').then(
      () => assert.fail('expected a refusal'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof RefusedError);
    assert.equal(err.message, 'refused: qa logs in with an IAM token, which is sent as clear text: it needs a verified TLS connection');
    assert.equal(asked, 0);
    assert.equal(pam.verifications().length, before);
  });

  it('refuses a cluster without IAM database authentication before anything connects, with the fix', async () => {
    const legacy = await resolveCluster(awsClients(REGION).rds, 'legacydb');
    assert.throws(
      () => iamLogin(legacy, USER, () => undefined),
      (e: unknown) =>
        e instanceof RefusedError &&
        e.message ===
          'refused: cluster legacydb in us-east-2 does not accept IAM database authentication (IAMDatabaseAuthenticationEnabled is false); ' +
            'enable it (aws rds modify-db-cluster --region us-east-2 --db-cluster-identifier legacydb --enable-iam-database-authentication --apply-immediately), ' +
            'or log in with the admin secret (auth: secret and secret:)',
    );
  });

  describe('tokens the server refuses, with a message that names the user, the resource id and the grant, never the token', () => {
    const refusedText = (user: string) =>
      `cannot connect to qa: the server refused the IAM token of user ${user}; check that ${user} exists IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS', ` +
      `and that the job's role may call rds-db:connect on arn:aws:rds-db:us-east-2:123456789012:dbuser:cluster-QA7IAMTESTRESOURCEID0001/${user} ` +
      '(the resource id of cluster qainvoicingdb in us-east-2 is cluster-QA7IAMTESTRESOURCEID0001)';
    const sign = (o: { host?: string; user?: string; secret?: string; date?: Date; region?: string }) => async () => {
      const signer = new SignatureV4({
        service: 'rds-db',
        region: o.region ?? REGION,
        credentials: { accessKeyId: TEST_CREDENTIALS.accessKeyId, secretAccessKey: o.secret ?? TEST_CREDENTIALS.secretAccessKey },
        sha256: (await import('@smithy/core/checksum')).Sha256,
      });
      const host = o.host ?? HOST;
      const req = await signer.presign(
        { method: 'GET', protocol: 'https:', hostname: host, port: pam.server.port, path: '/', query: { Action: 'connect', DBUser: o.user ?? USER }, headers: { host: `${host}:${pam.server.port}` } },
        { expiresIn: 900, ...(o.date ? { signingDate: o.date } : {}) },
      );
      const q = Object.entries(req.query ?? {}).map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`).join('&');
      return `${host}:${pam.server.port}/?${q}`;
    };

    const cases: [string, () => TokenLogin, string, () => string][] = [
      ['a token for another user', () => fixed(sign({ user: OTHER }), iamLogin(cluster, USER, () => undefined).refused), USER, () => `DBUser=${OTHER} logging in as ${USER}`],
      ['an expired token', () => fixed(sign({ date: new Date(Date.now() - 16 * 60_000) }), iamLogin(cluster, USER, () => undefined).refused), USER, () => 'expired'],
      ['a token for another host', () => fixed(async () => new Signer({ hostname: 'qainvoicingdb.cluster-c9xyz.us-east-2.rds.amazonaws.com', port: pam.server.port, username: USER, region: REGION }).getAuthToken(), iamLogin(cluster, USER, () => undefined).refused), USER, () => `signed for qainvoicingdb.cluster-c9xyz.us-east-2.rds.amazonaws.com:${pam.server.port}, not localhost:${pam.server.port}`],
      ['a token for another region', () => fixed(sign({ region: 'eu-west-1' }), iamLogin(cluster, USER, () => undefined).refused), USER, () => 'region eu-west-1'],
      ['a token signed with another secret key', () => fixed(sign({ secret: 'not-the-test-secret-key' }), iamLogin(cluster, USER, () => undefined).refused), USER, () => 'signature does not match'],
    ];
    for (const [name, login, user, reason] of cases) {
      it(name, async () => {
        const before = pam.verifications().length;
        const err = await refusedLogin(login(), user);
        assert.equal(err.message, refusedText(user));
        const v = pam.verifications().slice(before);
        assert.deepEqual(v.map((x) => [x.ok, x.reason, x.user]), [[false, reason(), user]], 'refused by the server\'s check, for that reason');
      });
    }

    it('a user that does not exist on the server', async () => {
      const before = pam.verifications().length;
      const err = await refusedLogin(iamLogin(cluster, 'cg_iam_nobody', (t) => tokens.push(t)), 'cg_iam_nobody');
      assert.equal(err.message, refusedText('cg_iam_nobody'));
      // The token itself is valid for that user (MariaDB may still run PAM for an unknown user, so that
      // timing does not tell which users exist); the server refuses because the user does not exist.
      assert.ok(pam.verifications().slice(before).every((x) => x.ok && x.user === 'cg_iam_nobody'));
    });

    it('no message, stack or cause holds a token or its signature', async () => {
      assert.ok(tokens.length >= 7, String(tokens.length));
      for (const [, login, user] of cases) {
        const err = await refusedLogin(login(), user);
        const text = [err.message, String(err.stack), String(err.cause)].join('\n');
        for (const t of tokens) {
          assert.ok(!text.includes(t), 'a token leaked');
          assert.ok(!text.includes(/X-Amz-Signature=([0-9a-f]+)/.exec(t)![1]!), 'a signature leaked');
        }
        assert.doesNotMatch(text, /X-Amz-|DBUser=/);
      }
    });
  });

  it('without AWS credentials no token can be signed: the message says what to add', async () => {
    const saved = [process.env['AWS_ACCESS_KEY_ID'], process.env['AWS_SECRET_ACCESS_KEY']];
    delete process.env['AWS_ACCESS_KEY_ID'];
    delete process.env['AWS_SECRET_ACCESS_KEY'];
    try {
      const login = iamLogin(cluster, USER, () => assert.fail('no token may be handed over'));
      await assert.rejects(login.token(), (e: unknown) =>
        e instanceof ChangegateError &&
        e.message ===
          'aws: GenerateDBAuthToken on qainvoicingdb in us-east-2 failed: no AWS credentials were found (CredentialsProviderError); ' +
            "add an aws-actions/configure-aws-credentials step with the environment's OIDC role before this step (the job needs permissions: id-token: write)");
    } finally {
      process.env['AWS_ACCESS_KEY_ID'] = saved[0];
      process.env['AWS_SECRET_ACCESS_KEY'] = saved[1];
    }
  });

  it('the verifier itself: accepts what rds-signer makes for this server and nothing else', async () => {
    const config = { host: HOST, port: 3306, region: REGION, ...TEST_CREDENTIALS, log: '/dev/null' };
    const good = await new Signer({ hostname: HOST, port: 3306, username: USER, region: REGION }).getAuthToken();
    assert.equal(await checkToken(good, USER, config), '');
    assert.equal(await checkToken(good, OTHER, config), `DBUser=${USER} logging in as ${OTHER}`);
    const flipped = good.replace(/(X-Amz-Signature=[0-9a-f]{63})([0-9a-f])/, (_, head: string, last: string) => head + (last === '0' ? '1' : '0'));
    assert.notEqual(flipped, good);
    assert.equal(await checkToken(flipped, USER, config), 'signature does not match');
    assert.equal(await checkToken(good, USER, config, new Date(Date.now() + 901_000)), 'expired');
    assert.equal(await checkToken(good.replace('X-Amz-Expires=900', 'X-Amz-Expires=3600'), USER, config), 'X-Amz-Expires=3600');
  });
});
