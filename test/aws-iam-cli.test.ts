// Credentials that expire, end to end: the real `changegate` executable with `auth: iam` against the
// loopback AWS fake and a MariaDB whose PAM service verifies every IAM token (test/helpers/pam-server.ts);
// the admin secret's rotation check (DescribeSecret, require_rotation, MasterUserSecret); and a scan of
// every output format, inside and outside GitHub Actions, for the password, the tokens and their
// signatures (a credential appears in no log, file, message or comment). Always on Debian's MariaDB, also in a
// CHANGEGATE_TEST_SERVER=mysql run: Oracle MySQL's community build has no PAM plugin.
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AwsFake, TEST_CREDENTIALS } from './helpers/aws-fake.js';
import { awsConfig, fakeAwsChildEnv, filesUnder, type AwsEnvSpec } from './helpers/aws-env.js';
import { makeRepo, manifest, runCli, writeFiles, type CliResult } from './helpers/cli.js';
import { startPamServer, type PamServer } from './helpers/pam-server.js';

const CREATE = '2026-11-01-create-invoices';
const RESOURCE_ID = 'cluster-QAIAMCLITESTRESOURCE01';
const DEPLOYER = 'cg_iam_cli_deployer';
const HOST = 'localhost';
const SECRET = 'rds-admin-credentials-qainvoicingdb';
const MANAGED = 'rds!cluster-0a1b2c3d-4e5f-6789-abcd-ef0123456789';

describe('auth: iam and the rotation check end to end (CLI, fake AWS, PAM-verified MariaDB: always MariaDB)', function () {
  this.timeout(120_000);
  let pam: PamServer;
  let fake: AwsFake;
  let stopFake: () => Promise<void>;
  let fakeUrl: string;
  let qa: { name: string; drop(): Promise<void> };
  let prod: { name: string; drop(): Promise<void> };
  let repo: string;
  let scratch: string;
  let username: string;
  let password: string;

  before(async () => {
    pam = await startPamServer({ host: HOST, region: 'us-east-2' });
  });
  after(async () => {
    await pam?.stop();
  });

  beforeEach(async () => {
    qa = await pam.server.freshSchema('cgiamcli_qa');
    prod = await pam.server.freshSchema('cgiamcli_prod');
    const grants = [`ALL PRIVILEGES ON \`${qa.name}\`.*`, `ALL PRIVILEGES ON \`${prod.name}\`.*`, 'PROCESS ON *.*'];
    // Only the grants changegate needs, as the README's CREATE USER for the IAM user says.
    await pam.createIamUser(DEPLOYER, grants);
    username = `cg_iamcli_admin_${randomBytes(4).toString('hex')}`;
    password = `Kx8-${randomBytes(12).toString('hex')}-rT`;
    await pam.server.createUser(username, password, grants);
    fake = new AwsFake({
      clusters: [
        { id: 'qainvoicingdb', host: HOST, port: pam.server.port, iamAuth: true, resourceId: RESOURCE_ID },
        { id: 'prodinvoicingdb', host: HOST, port: pam.server.port, iamAuth: true, masterUserSecret: { secretId: MANAGED } },
        { id: 'legacydb', host: HOST, port: pam.server.port },
      ],
    });
    for (const id of [SECRET, 'rds-admin-credentials-prodinvoicingdb', MANAGED]) {
      fake.setSecret(id, JSON.stringify({ username, password, host: HOST, port: pam.server.port, engine: 'mysql' }));
    }
    const started = await fake.start();
    fakeUrl = started.url;
    stopFake = started.stop;
    scratch = mkdtempSync(path.join(tmpdir(), 'changegate-iamcli-'));
    mkdirSync(path.join(scratch, 'home'));
    mkdirSync(path.join(scratch, 'tmp'));
    repo = makeRepo({
      'changegate.yaml': config(),
      ...manifest(CREATE),
      [`migrations/${CREATE}/up.sql`]: 'CREATE TABLE invoices (\n  id BIGINT NOT NULL PRIMARY KEY,\n  note VARCHAR(200) NULL\n) ENGINE=InnoDB;\n',
    });
  });

  afterEach(async () => {
    await stopFake?.();
    await qa?.drop();
    await prod?.drop();
    await pam.server.adminQuery('DROP USER IF EXISTS ?@?', [username, '%']);
    rmSync(repo, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  });

  function config(over: { qa?: Partial<AwsEnvSpec>; prod?: Partial<AwsEnvSpec> } = {}): string {
    return awsConfig(pam.server.caFile!, {
      qa: { cluster: 'qainvoicingdb', schema: qa.name, iamUser: DEPLOYER, ...over.qa },
      prod: { cluster: 'prodinvoicingdb', schema: prod.name, after: 'qa', snapshot: 'never', iamUser: DEPLOYER, ...over.prod },
    });
  }

  // NODE_NO_WARNINGS is unset: a Node or SDK warning that a user would see shows up here too.
  function cli(args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
    return runCli(args, {
      cwd: repo,
      env: { ...fakeAwsChildEnv(fakeUrl), NODE_NO_WARNINGS: undefined, HOME: path.join(scratch, 'home'), TMPDIR: path.join(scratch, 'tmp'), ...env },
    });
  }

  async function ok(args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
    const r = await cli(args, env);
    assert.equal(r.code, 0, `changegate ${args.join(' ')}\n${r.stdout}${r.stderr}`);
    return r;
  }

  async function connections(): Promise<number> {
    const [row] = await pam.server.adminQuery<{ Value: string }>("SHOW GLOBAL STATUS LIKE 'Connections'");
    return Number(row!.Value);
  }

  async function history(schema: string): Promise<[string, string][]> {
    const rows = await pam.server.adminQuery<{ change_id: string; status: string }>(
      `SELECT change_id, status FROM \`${schema}\`.changegate_history WHERE change_id NOT LIKE '%:%' ORDER BY change_id`,
    );
    return rows.map((r) => [r.change_id, r.status]);
  }

  const refusedToken = (user: string, resourceId = RESOURCE_ID, cluster = 'qainvoicingdb') =>
    `error: cannot connect to qa: the server refused the IAM token of user ${user}; check that ${user} exists IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS', ` +
    `and that the job's role may call rds-db:connect on arn:aws:rds-db:us-east-2:123456789012:dbuser:${resourceId}/${user} ` +
    `(the resource id of cluster ${cluster} in us-east-2 is ${resourceId})`;

  describe('auth: iam', () => {
    it('applies a change with a verified token per connection, no GetSecretValue, and nothing on stderr (no SDK Node notice)', async () => {
      const before = { connections: await connections(), verified: pam.verifications().length };
      const r = await ok(['apply', '--env', 'qa']);
      assert.equal(r.stderr, '', 'no warning at all reaches the user');
      assert.match(r.stdout, new RegExp(`^${CREATE}: 1/1 `, 'm'));
      assert.deepEqual(await history(qa.name), [[CREATE, 'applied']]);
      assert.deepEqual(fake.calls.map((c) => [c.action, c.signatureValid]), [['DescribeDBClusters', true]], 'no Secrets Manager call at all');
      assert.equal(fake.callsTo('GetSecretValue').length, 0);
      const v = pam.verifications().slice(before.verified);
      const made = (await connections()) - before.connections;
      assert.ok(made >= 2, `the apply session and the lock connection each log in (${made})`);
      assert.equal(v.length, made, 'every connection the run made logged in with a token the server verified');
      assert.deepEqual([...new Set(v.map((x) => `${x.ok} ${x.user} ${x.reason}`))], [`true ${DEPLOYER} `]);

      const s = JSON.parse((await ok(['--format', 'json', 'status', '--env', 'qa'])).stdout);
      assert.deepEqual(s.changes.map((c: { id: string; status: string }) => [c.id, c.status]), [[CREATE, 'applied']]);
    });

    it('promotes to prod on its own token: the after environment is read as the same IAM user', async () => {
      await ok(['apply', '--env', 'qa']);
      const before = pam.verifications().length;
      await ok(['apply', '--env', 'prod']);
      assert.deepEqual(await history(prod.name), [[CREATE, 'applied']]);
      const v = pam.verifications().slice(before);
      assert.ok(v.length >= 3 && v.every((x) => x.ok && x.user === DEPLOYER), JSON.stringify(v));
      assert.equal(fake.callsTo('GetSecretValue').length + fake.callsTo('DescribeSecret').length, 0);
    });

    it('a user the server does not know: exit 1, the message names the user, the resource id and the grant, never the token', async () => {
      writeFiles(repo, { 'changegate.yaml': config({ qa: { iamUser: 'cg_iam_nobody' } }) });
      const before = pam.verifications().length;
      const r = await cli(['apply', '--env', 'qa']);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.equal(r.stderr.trim(), refusedToken('cg_iam_nobody'));
      assert.doesNotMatch(r.stdout + r.stderr, /X-Amz-|DBUser=|Action=connect/);
      for (const x of pam.verifications().slice(before)) assert.ok(!(r.stdout + r.stderr).includes(x.signature));
      assert.deepEqual(await pam.server.adminQuery(`SHOW TABLES FROM \`${qa.name}\``), []);
    });

    it('a cluster without IAM database authentication: refused before connecting, exit 1, with the fix', async () => {
      writeFiles(repo, { 'changegate.yaml': config({ qa: { cluster: 'legacydb' } }) });
      const before = await connections();
      const r = await cli(['apply', '--env', 'qa']);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.equal(
        r.stderr.trim(),
        'error: refused: cluster legacydb in us-east-2 does not accept IAM database authentication (IAMDatabaseAuthenticationEnabled is false); ' +
          'enable it (aws rds modify-db-cluster --region us-east-2 --db-cluster-identifier legacydb --enable-iam-database-authentication --apply-immediately), ' +
          'or log in with the admin secret (auth: secret and secret:)',
      );
      assert.equal(await connections(), before, 'nothing connected');
      assert.deepEqual(fake.calls.map((c) => c.action), ['DescribeDBClusters']);
    });

    it('no AWS credentials: the token cannot be signed, and the message says what to add', async () => {
      const r = await cli(['status', '--env', 'qa'], { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined });
      assert.equal(r.code, 1, r.stdout + r.stderr);
      // DescribeDBClusters needs the same credentials and fails first.
      assert.equal(
        r.stderr.trim(),
        'error: aws: DescribeDBClusters on qainvoicingdb in us-east-2 failed: no AWS credentials were found (CredentialsProviderError); ' +
          "add an aws-actions/configure-aws-credentials step with the environment's OIDC role before this step (the job needs permissions: id-token: write)",
      );
    });
  });

  describe('the rotation check of auth: secret', () => {
    const secretEnv = (over: Partial<AwsEnvSpec> = {}): Partial<AwsEnvSpec> => ({ iamUser: undefined, secret: SECRET, ...over });
    const neverRotates = (id: string) =>
      `warning: secret ${id} in us-east-2 never rotates (Secrets Manager rotation is not enabled): its password does not expire; ` +
      'turn on rotation, set require_rotation: true to refuse such a secret, or log in with auth: iam';

    it('require_rotation: true refuses a secret that never rotates before reading it: exit 1, no connection', async () => {
      writeFiles(repo, { 'changegate.yaml': config({ qa: secretEnv({ requireRotation: true }) }) });
      const before = await connections();
      const r = await cli(['apply', '--env', 'qa']);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.equal(
        r.stderr.trim(),
        `error: refused: secret ${SECRET} in us-east-2 never rotates (Secrets Manager rotation is not enabled) and qa sets require_rotation: true; ` +
          'turn on rotation for the secret, or log in with auth: iam; the secret was not read',
      );
      assert.deepEqual(fake.calls.map((c) => [c.action, c.signatureValid]), [['DescribeDBClusters', true], ['DescribeSecret', true]]);
      assert.equal(fake.callsTo('GetSecretValue').length, 0, 'the secret was not read');
      assert.equal(await connections(), before);
    });

    it('require_rotation: true runs with a rotated secret, silently', async () => {
      fake.setSecretRotation(SECRET, { rotationEnabled: true, lastRotated: new Date(Date.now() - 86_400_000) });
      writeFiles(repo, { 'changegate.yaml': config({ qa: secretEnv({ requireRotation: true }) }) });
      const r = await ok(['apply', '--env', 'qa']);
      assert.equal(r.stderr, '');
      assert.deepEqual(await history(qa.name), [[CREATE, 'applied']]);
      assert.deepEqual(fake.calls.map((c) => c.action), ['DescribeDBClusters', 'DescribeSecret', 'GetSecretValue']);
    });

    it('without require_rotation, a secret that never rotates is a warning, once per run even when it is resolved twice', async () => {
      writeFiles(repo, { 'changegate.yaml': config({ qa: secretEnv(), prod: secretEnv() }) });
      const a = await ok(['apply', '--env', 'qa']);
      assert.equal(a.stderr, neverRotates(SECRET) + '\n');
      // prod reads qa's history first (after: qa): the same secret, resolved twice, warned about once.
      const p = await ok(['plan', '--env', 'prod']);
      assert.equal(p.stderr, neverRotates(SECRET) + '\n');
      assert.equal(fake.callsTo('DescribeSecret').length, 2, 'checked once per secret and run');
    });

    it('a role without secretsmanager:DescribeSecret still runs without require_rotation, and is told what the check needs', async () => {
      fake.denyAccess('DescribeSecret');
      writeFiles(repo, { 'changegate.yaml': config({ qa: secretEnv() }) });
      const r = await ok(['apply', '--env', 'qa']);
      assert.equal(
        r.stderr,
        `warning: cannot tell whether the secret rotates: aws: DescribeSecret on ${SECRET} in us-east-2 was denied (AccessDeniedException); ` +
          "check that the job's role may call secretsmanager:DescribeSecret on this secret\n",
      );
      writeFiles(repo, { 'changegate.yaml': config({ qa: secretEnv({ requireRotation: true }) }) });
      const refused = await cli(['status', '--env', 'qa']);
      assert.equal(refused.code, 1);
      assert.equal(
        refused.stderr.trim(),
        `error: aws: DescribeSecret on ${SECRET} in us-east-2 was denied (AccessDeniedException); check that the job's role may call secretsmanager:DescribeSecret on this secret`,
      );
    });

    it('says that RDS manages the master user secret in use, and warns when RDS reports it impaired', async () => {
      fake.setSecretRotation(MANAGED, { rotationEnabled: true });
      writeFiles(repo, { 'changegate.yaml': config({ qa: secretEnv(), prod: secretEnv({ secret: MANAGED, requireRotation: true }) }) });
      fake.setSecretRotation(SECRET, { rotationEnabled: true });
      await ok(['apply', '--env', 'qa']);
      const r = await ok(['apply', '--env', 'prod']);
      assert.match(r.stdout, new RegExp(`^secret ${MANAGED.replace('!', '\\!')} in us-east-2 is the master user secret of cluster prodinvoicingdb: RDS manages and rotates it$`, 'm'));
      assert.equal(r.stderr, '');
      fake.addCluster({ ...fake.clusters.get('prodinvoicingdb')!, masterUserSecret: { secretId: MANAGED, status: 'impaired' } });
      const i = await ok(['status', '--env', 'prod']);
      assert.equal(
        i.stderr,
        `warning: secret ${MANAGED} in us-east-2 is impaired (MasterUserSecret status of cluster prodinvoicingdb): RDS can no longer rotate it; ` +
          "check that RDS may still use the secret and its KMS key, or turn the cluster's managed master password off and on again\n",
      );
    });
  });

  it('leaks no password, token or signature in any format, on success or failure, inside GitHub Actions (masked first, at column 0) or outside (no mask command at all)', async () => {
    fake.setSecretRotation(SECRET, { rotationEnabled: true });
    const wrongPassword = `Wr0ng-${randomBytes(10).toString('hex')}`;
    const gh = path.join(scratch, 'github');
    mkdirSync(gh);
    const summary = path.join(gh, 'step-summary.md');
    const output = path.join(gh, 'output.txt');
    writeFileSync(summary, '');
    writeFileSync(output, '');
    const signatures = () => pam.verifications().map((v) => v.signature).filter((s) => s !== '');
    const secrets = () => [password, username, wrongPassword, TEST_CREDENTIALS.secretAccessKey, ...signatures()];
    const runs: { what: string; r: CliResult; format: string; inActions: boolean }[] = [];
    let n = 0;
    for (const inActions of [false, true]) {
      for (const format of ['text', 'json', 'github'] as const) {
        const env = inActions ? { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary, GITHUB_OUTPUT: output } : {};
        const label = `${format}${inActions ? ' in Actions' : ''}`;
        const run = async (what: string, args: string[], code: number) => {
          const r = await cli(['--format', format, ...args], env);
          assert.equal(r.code, code, `${what} (${label}): ${r.stdout}${r.stderr}`);
          runs.push({ what: `${what} (${label})`, r, format, inActions });
        };
        n++;
        const good = `2026-11-1${n}-a-good`;
        const badIam = `2026-11-1${n}-b-bad`;
        const badSecret = `2026-11-1${n}-c-bad`;
        const broken = (id: string) => ({ ...manifest(id), [`migrations/${id}/up.sql`]: `CREATE TABLE t_${id.replace(/-/g, '_')} (id INT,, x INT);\n` });
        // A failed change stays in the repository; fixed, the next apply resumes it.
        const fixed = (id: string) => ({ [`migrations/${id}/up.sql`]: `CREATE TABLE t_${id.replace(/-/g, '_')} (id INT, x INT);\n` });
        // auth: iam: success, a failing statement, a refused login.
        writeFiles(repo, { 'changegate.yaml': config(), ...manifest(good), [`migrations/${good}/up.sql`]: `CREATE TABLE t_${n} (id INT PRIMARY KEY);\n` });
        await run('iam apply', ['apply', '--env', 'qa'], 0);
        writeFiles(repo, broken(badIam));
        await run('iam failed statement', ['apply', '--env', 'qa'], 1);
        writeFiles(repo, fixed(badIam));
        writeFiles(repo, { 'changegate.yaml': config({ qa: { iamUser: 'cg_iam_nobody' } }) });
        await run('iam refused login', ['status', '--env', 'qa'], 1);
        // auth: secret: success, a failing statement, a refused password.
        writeFiles(repo, { 'changegate.yaml': config({ qa: { iamUser: undefined, secret: SECRET } }) });
        await run('secret apply', ['apply', '--env', 'qa'], 0);
        writeFiles(repo, broken(badSecret));
        await run('secret failed statement', ['apply', '--env', 'qa'], 1);
        writeFiles(repo, fixed(badSecret));
        fake.setSecret(SECRET, JSON.stringify({ username, password: wrongPassword, host: HOST }));
        await run('secret refused password', ['status', '--env', 'qa'], 1);
        fake.setSecret(SECRET, JSON.stringify({ username, password, host: HOST, port: pam.server.port }));
      }
    }
    assert.ok(signatures().length >= 12, 'the runs did sign tokens');

    const MASK = '::add-mask::';
    for (const { what, r, format, inActions } of runs) {
      const all = r.stdout + r.stderr;
      assert.doesNotMatch(all, /NodeVersionSupportWarning/, what);
      if (!inActions) {
        assert.ok(!all.includes(MASK), `${what}: a mask command outside Actions prints the value it hides:\n${all}`);
      } else {
        // Every mask command starts its own line (the runner ignores one that does not).
        for (const stream of [r.stdout, r.stderr]) {
          let i = stream.indexOf(MASK);
          while (i >= 0) {
            assert.ok(i === 0 || stream[i - 1] === '\n', `${what}: a mask command not at column 0`);
            i = stream.indexOf(MASK, i + 1);
          }
        }
        if (format === 'json') {
          assert.ok(!r.stdout.includes(MASK), `${what}: json keeps stdout one document`);
          if (r.code === 0) JSON.parse(r.stdout);
        }
        const maskStream = format === 'json' ? r.stderr : r.stdout;
        const masked = maskStream.split('\n').filter((l) => l.startsWith(MASK)).map((l) => l.slice(MASK.length));
        if (what.startsWith('secret')) {
          const pw = what.includes('refused') ? wrongPassword : password;
          assert.ok(masked.includes(pw), `${what}: the password is masked`);
          // Before anything else: the password is masked the moment it is read.
          const lines = maskStream.split('\n');
          assert.ok(lines.slice(0, lines.indexOf(`${MASK}${pw}`)).every((l) => l.startsWith(MASK)), `${what}: masked before anything is printed:\n${maskStream}`);
        } else {
          const tokens = masked.filter((m) => m.includes('X-Amz-Signature='));
          assert.ok(tokens.length >= 1, `${what}: each token is masked:\n${maskStream}`);
          assert.ok(tokens.every((t) => t.startsWith(`${HOST}:${pam.server.port}/?Action=connect&DBUser=`)), what);
        }
      }
      const shown = all.split('\n').filter((l) => !l.startsWith(MASK)).join('\n');
      for (const s of secrets()) assert.ok(!shown.includes(s), `${what} shows ${s === password ? 'the password' : s}:\n${shown}`);
      assert.doesNotMatch(shown, /X-Amz-|DBUser=|Action=connect/, what);
    }
    for (const f of [...filesUnder(repo), ...filesUnder(scratch)]) {
      for (const s of secrets()) assert.ok(!f.content.includes(s), `${f.file} holds ${s === password ? 'the password' : s}`);
      assert.doesNotMatch(f.content, /X-Amz-Signature|::add-mask::/, f.file);
    }
  });
});
