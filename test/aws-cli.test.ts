// The AWS half of the pipeline end to end: the real `changegate` executable against the loopback AWS fake
// (Secrets Manager + RDS wire protocols) and the throwaway MySQL-compatible server whose admin user the
// fake secret holds. Snapshots before destructive PROD work, the protected cluster, the promotion and
// approval gates, credentials that never show, and the one-line AWS errors: PROD runs nothing that
// has not succeeded in qa, nor a destructive change before its snapshot is `available`; no credential
// shows anywhere; nothing connects to a protected cluster.
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AwsFake, TEST_CREDENTIALS } from './helpers/aws-fake.js';
import { awsConfig, fakeAwsChildEnv, filesUnder, type AwsEnvSpec } from './helpers/aws-env.js';
import { makeRepo, manifest, runCli, writeFiles, type CliResult } from './helpers/cli.js';
import { getServer, serverCa, type TestServer } from './helpers/mysql-server.js';

const CREATE = '2026-11-01-create-invoices';
const DROP = '2026-11-02-drop-legacy-note';
const SNAP_ID = /changegate-prod-2026-11-01-create-invoices-\d{14}/;

/** The first change: additive. */
const createFiles = {
  ...manifest(CREATE),
  [`migrations/${CREATE}/up.sql`]:
    'CREATE TABLE invoices (\n  id BIGINT NOT NULL PRIMARY KEY,\n  legacy_note VARCHAR(200) NULL\n) ENGINE=InnoDB;\n',
};
/** The second change: declared destructive. */
const dropFiles = {
  ...manifest(DROP, { destructive: true }),
  [`migrations/${DROP}/up.sql`]: 'ALTER TABLE invoices DROP COLUMN legacy_note;\n',
};

describe('AWS environments end to end (CLI, fake AWS, throwaway server)', function () {
  this.timeout(60_000);
  let server: TestServer;
  let caFile: string;
  let fake: AwsFake;
  let stopFake: () => Promise<void>;
  let fakeUrl: string;
  let qa: { name: string; drop(): Promise<void> };
  let prod: { name: string; drop(): Promise<void> };
  let repo: string;
  let scratch: string;
  // The admin credentials the fake secrets hold: unusual, so that finding them anywhere means a leak.
  let username: string;
  let password: string;
  // The writer endpoint: a name the server's certificate covers (SAN DNS:localhost).
  const host = 'localhost';

  before(async () => {
    server = await getServer();
    caFile = serverCa(server); // AWS environments always use TLS
  });

  beforeEach(async () => {
    qa = await server.freshSchema('cgaws_qa');
    prod = await server.freshSchema('cgaws_prod');
    username = `cg_aws_admin_${randomBytes(4).toString('hex')}`;
    password = `Zq7-${randomBytes(12).toString('hex')}-pW`;
    await server.createUser(username, password, [
      `ALL PRIVILEGES ON \`${qa.name}\`.*`,
      `ALL PRIVILEGES ON \`${prod.name}\`.*`,
      'PROCESS ON *.*',
    ]);
    fake = new AwsFake({
      clusters: [
        { id: 'qainvoicingdb', host, port: server.port },
        { id: 'prodinvoicingdb', host, port: server.port },
        { id: 'corpreportingdb', host, port: server.port },
      ],
    });
    for (const c of ['qainvoicingdb', 'prodinvoicingdb', 'corpreportingdb', 'prodinvoicingco']) {
      fake.setSecret(`rds-admin-credentials-${c}`, JSON.stringify({ username, password, host, port: server.port, engine: 'mysql' }));
      // Rotating, as a secret should: the rotation check's warnings have tests of their own (aws-iam-cli).
      fake.setSecretRotation(`rds-admin-credentials-${c}`, { rotationEnabled: true });
    }
    const started = await fake.start();
    fakeUrl = started.url;
    stopFake = started.stop;
    scratch = mkdtempSync(path.join(tmpdir(), 'changegate-awscli-'));
    mkdirSync(path.join(scratch, 'home'));
    mkdirSync(path.join(scratch, 'tmp'));
    repo = makeRepo({ 'changegate.yaml': config(), ...createFiles, ...dropFiles });
  });

  afterEach(async () => {
    await stopFake?.();
    await qa?.drop();
    await prod?.drop();
    await server.adminQuery('DROP USER IF EXISTS ?@?', [username, '%']);
    rmSync(repo, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  });

  /** qa and prod as in the README's example (prod after qa, snapshot: destructive), plus overrides and extra environments. */
  function config(over: { qa?: Partial<AwsEnvSpec>; prod?: Partial<AwsEnvSpec>; extra?: Record<string, AwsEnvSpec> } = {}): string {
    return awsConfig(caFile, {
      qa: { cluster: 'qainvoicingdb', schema: qa.name, snapshot: 'never', ...over.qa },
      prod: { cluster: 'prodinvoicingdb', schema: prod.name, after: 'qa', snapshot: 'destructive', approval: 'none', ...over.prod },
      ...over.extra,
    });
  }

  function cli(args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
    return runCli(args, {
      cwd: repo,
      env: { ...fakeAwsChildEnv(fakeUrl), HOME: path.join(scratch, 'home'), TMPDIR: path.join(scratch, 'tmp'), ...env },
    });
  }

  async function ok(args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
    const r = await cli(args, env);
    assert.equal(r.code, 0, `changegate ${args.join(' ')}\n${r.stdout}${r.stderr}`);
    return r;
  }

  async function history(schema: string): Promise<{ change_id: string; status: string; checksum: string; snapshot_id: string | null; approver: string | null }[]> {
    return server.adminQuery(
      `SELECT change_id, status, checksum, snapshot_id, approver FROM \`${schema}\`.changegate_history WHERE change_id NOT LIKE '%:%' ORDER BY change_id`,
    );
  }

  async function columns(schema: string, table: string): Promise<string[]> {
    const rows = await server.adminQuery<{ c: string }>(
      'SELECT COLUMN_NAME AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION',
      [schema, table],
    );
    return rows.map((r) => r.c);
  }

  async function tables(schema: string): Promise<string[]> {
    const rows = await server.adminQuery<{ t: string }>('SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?', [schema]);
    return rows.map((r) => r.t).sort();
  }

  /** Connections the server has accepted since it started (every client, every user). */
  async function connections(): Promise<number> {
    const [row] = await server.adminQuery<{ Value: string }>("SHOW GLOBAL STATUS LIKE 'Connections'");
    return Number(row!.Value);
  }

  const lines = (text: string) => text.split('\n');

  describe('snapshots before destructive PROD work', () => {
    it('takes exactly one snapshot, waits through its creating polls, prints the restore command, records it, then applies', async () => {
      const q = await ok(['apply', '--env', 'qa']);
      assert.match(q.stdout, /^snapshot: not required \(qa is configured with snapshot: never\)$/m);
      assert.equal(fake.callsTo('CreateDBClusterSnapshot').length, 0, 'qa takes none');

      fake.calls.length = 0;
      fake.snapshotCreatingPolls(3);
      const r = await ok(['apply', '--env', 'prod'], { GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'acme/invoicing', GITHUB_RUN_ID: '4242' });
      const creates = fake.callsTo('CreateDBClusterSnapshot');
      assert.equal(creates.length, 1, 'exactly one snapshot');
      assert.equal(creates[0]!.params['DBClusterIdentifier'], 'prodinvoicingdb');
      const id = String(creates[0]!.params['DBClusterSnapshotIdentifier']);
      assert.match(id, new RegExp(`^${SNAP_ID.source}$`));
      assert.ok(creates[0]!.signatureValid, 'signed with the default chain credentials');
      const snap = fake.snapshots.get(id)!;
      assert.deepEqual(
        Object.fromEntries(snap.tags.map((t) => [t.Key, t.Value])),
        {
          'changegate:tickets': 'T-1',
          'changegate:changes': `${CREATE} ${DROP}`,
          'changegate:run-url': 'https://github.com/acme/invoicing/actions/runs/4242',
          'changegate:environment': 'prod',
        },
      );
      // Three polls see `creating`, the fourth `available`.
      assert.equal(fake.calls.filter((c) => c.action === 'DescribeDBClusterSnapshots' && c.params['DBClusterSnapshotIdentifier'] === id).length, 4);
      const out = lines(r.stdout);
      const at = (line: string) => {
        const i = out.indexOf(line);
        assert.ok(i >= 0, `missing line ${JSON.stringify(line)} in\n${r.stdout}`);
        return i;
      };
      const creating = at(`snapshot: creating ${id} of cluster prodinvoicingdb (destructive: ${DROP})`);
      const polls = [at('snapshot: creating 25%'), at('snapshot: creating 50%'), at('snapshot: creating 75%'), at('snapshot: available 100%')];
      const available = at(`snapshot: ${id} is available`);
      const stamp = id.slice(-14, -6);
      const restore = at(
        `to restore it: aws rds restore-db-cluster-from-snapshot --region us-east-2 --db-cluster-identifier prodinvoicingdb-restored-${stamp} ` +
          `--snapshot-identifier ${id} --engine aurora-mysql`,
      );
      const firstStatement = out.findIndex((l) => l.startsWith(`${CREATE}: 1/1 `));
      assert.ok(firstStatement > 0, r.stdout);
      assert.ok(creating < polls[0]! && polls.every((p, i) => i === 0 || p > polls[i - 1]!) && polls[3]! < available && available < restore && restore < firstStatement,
        `snapshot, then its polls, then the restore command, then the statements:\n${r.stdout}`);

      assert.deepEqual(await columns(prod.name, 'invoices'), ['id'], 'the destructive change ran');
      const rows = await history(prod.name);
      assert.deepEqual(rows.map((x) => [x.change_id, x.status, x.snapshot_id]), [[CREATE, 'applied', id], [DROP, 'applied', id]]);
      const status = JSON.parse((await ok(['--format', 'json', 'status', '--env', 'prod'])).stdout);
      assert.deepEqual(status.changes.map((c: { id: string; snapshot: string | null }) => [c.id, c.snapshot]), [[CREATE, id], [DROP, id]]);
    });

    it('applies nothing when the snapshot fails', async () => {
      await ok(['apply', '--env', 'qa']);
      fake.snapshotCreatingPolls(1).failSnapshots();
      const r = await cli(['apply', '--env', 'prod']);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      const [create] = fake.callsTo('CreateDBClusterSnapshot');
      const id = String(create!.params['DBClusterSnapshotIdentifier']);
      assert.match(r.stdout, /^snapshot: creating 50%$/m);
      assert.equal(
        r.stderr.trim(),
        `error: snapshot ${id} of cluster prodinvoicingdb in us-east-2 ended "failed" instead of "available"; stopping before any statement: ` +
          "check the cluster's events in the RDS console and re-run",
      );
      assert.doesNotMatch(r.stdout, /^2026-11-0\d-[a-z-]+: 1\/1 /m, 'no statement started');
      assert.deepEqual(await tables(prod.name), ['changegate_history'], 'the schema is unchanged');
      assert.deepEqual(await history(prod.name), [], 'no change has a history row');
      assert.equal(fake.callsTo('CreateDBClusterSnapshot').length, 1);
    });

    it('applies nothing when the snapshot is not available within snapshot_timeout', async () => {
      writeFiles(repo, { 'changegate.yaml': config({ prod: { snapshotTimeout: 1 } }) });
      await ok(['apply', '--env', 'qa']);
      fake.snapshotCreatingPolls(1000);
      const r = await cli(['apply', '--env', 'prod']);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      const id = String(fake.callsTo('CreateDBClusterSnapshot')[0]!.params['DBClusterSnapshotIdentifier']);
      assert.match(
        r.stderr.trim(),
        new RegExp(
          `^error: snapshot ${id} of cluster prodinvoicingdb in us-east-2 was still "creating" at \\d+% after 1 s; stopping before any statement: ` +
            "raise the environment's snapshot_timeout and re-run$",
        ),
      );
      assert.deepEqual(await tables(prod.name), ['changegate_history']);
      assert.deepEqual(await history(prod.name), []);
    });

    it('snapshot --env prod then apply --env prod takes one snapshot in total: apply reuses it', async () => {
      await ok(['apply', '--env', 'qa']);
      fake.snapshotCreatingPolls(2);
      const s = await ok(['snapshot', '--env', 'prod']);
      const id = SNAP_ID.exec(s.stdout)?.[0];
      assert.ok(id, s.stdout);
      assert.match(s.stdout, new RegExp(`^snapshot: ${id} is available$`, 'm'));
      assert.match(s.stdout, new RegExp(`^to restore it: aws rds restore-db-cluster-from-snapshot --region us-east-2 .*--snapshot-identifier ${id} `, 'm'));
      assert.deepEqual(await tables(prod.name), [], 'the snapshot step runs no statement and writes no history');

      const a = await ok(['apply', '--env', 'prod']);
      assert.match(a.stdout, new RegExp(`^snapshot: reusing ${id}, taken after the last change applied in prod$`, 'm'));
      assert.match(a.stdout, new RegExp(`^snapshot: ${id} is available$`, 'm'));
      assert.equal(fake.callsTo('CreateDBClusterSnapshot').length, 1, 'one snapshot in total');
      assert.deepEqual((await history(prod.name)).map((x) => [x.change_id, x.status, x.snapshot_id]), [[CREATE, 'applied', id], [DROP, 'applied', id]]);
    });

    it('never reuses a snapshot taken before the last change applied, whatever the runner\'s time zone', async () => {
      // An earlier changegate snapshot of prod, then a change applied after it: restoring that snapshot
      // would lose the change, so the destructive change that follows needs a new one.
      fake.addSnapshot({ id: 'changegate-prod-2026-10-01-old-20261001000000', clusterId: 'prodinvoicingdb', createdAt: new Date(Date.now() - 5_000) });
      rmSync(path.join(repo, 'changes', `${DROP}.yaml`));
      const tokyo = { TZ: 'Asia/Tokyo' };
      await ok(['apply', '--env', 'qa'], tokyo);
      await ok(['apply', '--env', 'prod'], tokyo);
      writeFiles(repo, dropFiles);
      await ok(['apply', '--env', 'qa'], tokyo);
      const r = await ok(['apply', '--env', 'prod'], tokyo);
      assert.doesNotMatch(r.stdout, /reusing/, r.stdout);
      const creates = fake.callsTo('CreateDBClusterSnapshot');
      assert.equal(creates.length, 1);
      const id = String(creates[0]!.params['DBClusterSnapshotIdentifier']);
      assert.match(id, /^changegate-prod-2026-11-02-drop-legacy-note-\d{14}$/);
      assert.deepEqual((await history(prod.name)).map((x) => [x.change_id, x.snapshot_id]), [[CREATE, null], [DROP, id]]);
    });

    it('takes none for an additive change', async () => {
      rmSync(path.join(repo, 'changes', `${DROP}.yaml`));
      await ok(['apply', '--env', 'qa']);
      const r = await ok(['apply', '--env', 'prod']);
      assert.match(r.stdout, /^snapshot: not required \(no pending change is destructive\)$/m);
      assert.equal(fake.callsTo('CreateDBClusterSnapshot').length, 0);
      assert.equal(fake.callsTo('DescribeDBClusterSnapshots').length, 0);
      assert.deepEqual((await history(prod.name)).map((x) => [x.change_id, x.status, x.snapshot_id]), [[CREATE, 'applied', null]]);
    });

    it('takes one with snapshot: always, even for an additive change', async () => {
      rmSync(path.join(repo, 'changes', `${DROP}.yaml`));
      writeFiles(repo, { 'changegate.yaml': config({ qa: { snapshot: 'always' } }) });
      const r = await ok(['apply', '--env', 'qa']);
      const creates = fake.callsTo('CreateDBClusterSnapshot');
      assert.equal(creates.length, 1);
      assert.equal(creates[0]!.params['DBClusterIdentifier'], 'qainvoicingdb');
      const id = String(creates[0]!.params['DBClusterSnapshotIdentifier']);
      assert.match(id, /^changegate-qa-2026-11-01-create-invoices-\d{14}$/);
      assert.match(r.stdout, new RegExp(`^snapshot: creating ${id} of cluster qainvoicingdb \\(qa is configured with snapshot: always\\)$`, 'm'));
      assert.deepEqual((await history(qa.name)).map((x) => [x.change_id, x.snapshot_id]), [[CREATE, id]]);
    });

    it('takes none with snapshot: never, even for a destructive change', async () => {
      writeFiles(repo, { 'changegate.yaml': config({ prod: { snapshot: 'never' } }) });
      await ok(['apply', '--env', 'qa']);
      const r = await ok(['apply', '--env', 'prod']);
      assert.match(r.stdout, /^snapshot: not required \(prod is configured with snapshot: never\)$/m);
      assert.equal(fake.callsTo('CreateDBClusterSnapshot').length, 0);
      assert.deepEqual(await columns(prod.name, 'invoices'), ['id']);
    });
  });

  describe('the protected cluster', () => {
    it('refuses an environment whose cluster is the protected one: no AWS call, no connection', async () => {
      writeFiles(repo, { 'changegate.yaml': config({ extra: { corp: { cluster: 'prodinvoicingco', schema: prod.name } } }) });
      const before = await connections();
      const r = await cli(['apply', '--env', 'corp']);
      // A guard, not a config error: exit 1 with the refusal, before validation and before anything connects.
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.equal(
        r.stderr.trim(),
        'error: refused: environment corp targets cluster prodinvoicingco, which is the protected cluster prodinvoicingco (protected_clusters in changegate.yaml); nothing was contacted',
      );
      // validate still reports the same config as invalid (CG023), exit 2.
      const v = await cli(['validate']);
      assert.equal(v.code, 2);
      assert.match(v.stdout, /^changegate\.yaml:\d+:\d+  error CG023  environments\.corp\.cluster  "prodinvoicingco" is in protected_clusters; changegate never connects to it$/m);
      assert.deepEqual(fake.calls, [], 'no AWS call');
      assert.equal(await connections(), before, 'no connection');
    });

    it('refuses an environment whose secret id is the protected cluster\'s: no AWS call, no connection', async () => {
      writeFiles(repo, {
        'changegate.yaml': config({ extra: { corp: { cluster: 'corpreportingdb', secret: 'rds-admin-credentials-prodinvoicingco', schema: prod.name } } }),
      });
      const before = await connections();
      for (const command of [['apply', '--env', 'corp'], ['plan', '--env', 'corp'], ['snapshot', '--env', 'corp'], ['status', '--env', 'corp']]) {
        const r = await cli(command);
        assert.equal(r.code, 1, `${command.join(' ')}: ${r.stdout}${r.stderr}`);
        assert.equal(
          r.stderr.trim(),
          'error: refused: environment corp uses secret rds-admin-credentials-prodinvoicingco, which is the protected cluster prodinvoicingco ' +
            '(protected_clusters in changegate.yaml); nothing was contacted',
          command.join(' '),
        );
      }
      assert.deepEqual(fake.calls, [], 'no AWS call');
      assert.equal(await connections(), before, 'no connection');
      assert.deepEqual(await tables(prod.name), []);
    });

    it('refuses a cluster whose writer endpoint is the protected cluster\'s before fetching the secret or connecting', async () => {
      fake.addCluster({ id: 'corpreportingdb', host: 'prodinvoicingco.cluster-c9xyz.us-east-2.rds.amazonaws.com', port: server.port });
      writeFiles(repo, { 'changegate.yaml': config({ extra: { corp: { cluster: 'corpreportingdb', schema: prod.name } } }) });
      const before = await connections();
      const r = await cli(['apply', '--env', 'corp']);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.equal(
        r.stderr.trim(),
        'error: refused: environment corp resolves to endpoint prodinvoicingco.cluster-c9xyz.us-east-2.rds.amazonaws.com, which is the protected ' +
          'cluster prodinvoicingco (protected_clusters in changegate.yaml); nothing was contacted',
      );
      assert.deepEqual(fake.calls.map((c) => c.action), ['DescribeDBClusters'], 'only the look-up that revealed it');
      assert.equal(await connections(), before, 'no connection');
    });

    // The secret an environment names may hold another cluster's credentials: what it says about
    // its own cluster and host is checked before anything connects with it.
    // Every piece of a secret is redacted from what the run prints, its host too.
    for (const [what, field, value, shown] of [
      ['cluster', 'dbClusterIdentifier', 'prodinvoicingco', 'prodinvoicingco'],
      ['host', 'host', 'prodinvoicingco.cluster-c9xyz.us-east-2.rds.amazonaws.com', '***'],
    ] as const) {
      it(`refuses a secret whose ${what} is the protected cluster's, before connecting`, async () => {
        fake.setSecret('rds-admin-credentials-corpreportingdb', JSON.stringify({ username, password, host, port: server.port, engine: 'mysql', [field]: value }));
        writeFiles(repo, { 'changegate.yaml': config({ extra: { corp: { cluster: 'corpreportingdb', schema: prod.name } } }) });
        const before = await connections();
        const r = await cli(['apply', '--env', 'corp']);
        assert.equal(r.code, 1, r.stdout + r.stderr);
        assert.equal(
          r.stderr.trim(),
          `error: refused: environment corp has a secret for ${what} ${shown}, which is the protected cluster prodinvoicingco ` +
            '(protected_clusters in changegate.yaml); nothing was contacted',
        );
        assert.equal(await connections(), before, 'no connection');
        assert.deepEqual(await tables(prod.name), []);
      });
    }
  });

  describe('PROD gates', () => {
    const gate = (why: string) =>
      `error: prod: 1 problem(s) stop this run before anything executes:\n  refused: ${CREATE} ${why}; prod runs only what succeeded in qa first (after: qa)`;

    beforeEach(() => {
      rmSync(path.join(repo, 'changes', `${DROP}.yaml`));
    });

    it('refuses a change that has not run in qa', async () => {
      const r = await cli(['apply', '--env', 'prod']);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.equal(r.stderr.trim(), gate('has not run in qa'));
      assert.match(r.stdout, new RegExp(`^blocked: refused: ${CREATE} has not run in qa; prod runs only what succeeded in qa first \\(after: qa\\)$`, 'm'));
      assert.deepEqual(await history(prod.name), []);
      assert.deepEqual(await tables(prod.name), ['changegate_history']);
      assert.deepEqual(await tables(qa.name), [], "qa's history is only read");
    });

    it('refuses a change that failed in qa, and runs it once qa has applied the fixed files', async () => {
      const broken = 'CREATE TABLE invoices (id BIGINT NOT NULL PRIMARY KEY);\nCREATE TABLE invoice_lines (id BIGINT NOT NULL PRIMARY KEY,);\n';
      writeFiles(repo, { [`migrations/${CREATE}/up.sql`]: broken });
      assert.equal((await cli(['apply', '--env', 'qa'])).code, 1);
      const r = await cli(['apply', '--env', 'prod']);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.equal(r.stderr.trim(), gate('is failed in qa'));
      assert.deepEqual(await tables(prod.name), ['changegate_history']);

      writeFiles(repo, { [`migrations/${CREATE}/up.sql`]: broken.replace('PRIMARY KEY,)', 'PRIMARY KEY)') });
      await ok(['apply', '--env', 'qa']);
      await ok(['apply', '--env', 'prod']);
      const [q] = await history(qa.name);
      const [p] = await history(prod.name);
      assert.equal(p!.status, 'applied');
      assert.equal(p!.checksum, q!.checksum, 'prod ran the very files qa applied');
      assert.deepEqual(await tables(prod.name), ['changegate_history', 'invoice_lines', 'invoices']);
    });

    it('refuses a change edited after qa applied it, and runs it once the files match again', async () => {
      await ok(['apply', '--env', 'qa']);
      const original = createFiles[`migrations/${CREATE}/up.sql`]!;
      writeFiles(repo, { [`migrations/${CREATE}/up.sql`]: original.replace('VARCHAR(200)', 'VARCHAR(400)') });
      const r = await cli(['apply', '--env', 'prod']);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.equal(r.stderr.trim(), gate(`was applied in qa with different files (migrations/${CREATE}/up.sql changed since)`));
      assert.deepEqual(await tables(prod.name), ['changegate_history']);

      writeFiles(repo, { [`migrations/${CREATE}/up.sql`]: original });
      await ok(['apply', '--env', 'prod']);
      assert.deepEqual((await history(prod.name)).map((x) => [x.change_id, x.status, x.checksum]), (await history(qa.name)).map((x) => [x.change_id, x.status, x.checksum]));
    });

    it('approval: required refuses a workstation run without --approved-by and records the approver given', async () => {
      writeFiles(repo, { 'changegate.yaml': config({ prod: { approval: 'required' } }) });
      await ok(['apply', '--env', 'qa']);
      fake.calls.length = 0;
      const before = await connections();
      const r = await cli(['apply', '--env', 'prod']);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.equal(
        r.stderr.trim(),
        'error: refused: prod requires approval; outside GitHub Actions pass --approved-by <the teammate who verified this change>, which is recorded in the history',
      );
      assert.deepEqual(fake.calls, [], 'refused before any AWS call');
      assert.equal(await connections(), before, 'and before any connection');

      const wrongJob = await cli(['apply', '--env', 'prod'], { GITHUB_ACTIONS: 'true', CHANGEGATE_ENVIRONMENT: 'qa' });
      assert.equal(wrongJob.code, 1);
      assert.equal(
        wrongJob.stderr.trim(),
        'error: refused: prod requires approval: run it in a GitHub Actions job with "environment: prod" (its required reviewers approve the deployment) ' +
          'and CHANGEGATE_ENVIRONMENT=prod; this job runs in environment qa',
      );
      assert.deepEqual(await tables(prod.name), [], 'nothing ran, not even the history table');

      await ok(['apply', '--env', 'prod', '--approved-by', 'alice']);
      assert.deepEqual((await history(prod.name)).map((x) => [x.change_id, x.status, x.approver]), [[CREATE, 'applied', 'alice']]);
    });
  });

  it('never shows the secret\'s password, username or host, in any format, on stdout, stderr or in any file the run wrote', async () => {
    const gh = path.join(scratch, 'github');
    mkdirSync(gh);
    const summary = path.join(gh, 'step-summary.md');
    const output = path.join(gh, 'output.txt');
    writeFileSync(summary, '');
    writeFileSync(output, '');
    const wrongPassword = `Wr0ng-${randomBytes(10).toString('hex')}`;
    const secrets = () => [password, username, host, wrongPassword, TEST_CREDENTIALS.secretAccessKey];
    const seen: string[] = [];
    // Outside GitHub Actions (these runs): no `::add-mask::` either, since on a terminal that line shows
    // the value it would hide. Masking inside Actions is scanned in aws-iam-cli.test.ts.
    const check = (what: string, r: CliResult, format: string) => {
      const text = r.stdout + r.stderr;
      assert.ok(!text.includes('::add-mask::'), `${what} (${format}) prints a mask command outside Actions:\n${text}`);
      for (const s of secrets()) assert.ok(!text.includes(s), `${what} (${format}) shows ${s === password ? 'the password' : s}:\n${text}`);
      seen.push(text);
    };

    let n = 0;
    for (const format of ['text', 'json', 'github'] as const) {
      n++;
      const env = format === 'github' ? { GITHUB_STEP_SUMMARY: summary, GITHUB_OUTPUT: output } : {};
      const id = `2026-11-1${n}-step-${format}`;
      writeFiles(repo, {
        ...manifest(id, { destructive: true }),
        [`migrations/${id}/up.sql`]: `CREATE TABLE t_${format} (id INT PRIMARY KEY, note VARCHAR(20));\nALTER TABLE t_${format} DROP COLUMN note;\n`,
      });
      writeFiles(repo, { 'changegate.yaml': config() });
      check('apply qa', await ok(['--format', format, 'apply', '--env', 'qa'], env), format);
      check('plan prod', await ok(['--format', format, 'plan', '--env', 'prod'], env), format);
      check('apply prod ok', await ok(['--format', format, 'apply', '--env', 'prod'], env), format);
      check('status prod', await ok(['--format', format, 'status', '--env', 'prod'], env), format);
      // A failing statement: the error text comes from the server.
      const bad = `2026-11-1${n}-zz-bad-${format}`;
      writeFiles(repo, { ...manifest(bad), [`migrations/${bad}/up.sql`]: `CREATE TABLE bad_${format} (id INT,, x INT);\n` });
      const failed = await cli(['--format', format, 'apply', '--env', 'qa'], env);
      assert.equal(failed.code, 1);
      check('failed statement', failed, format);
      // Fixed, it resumes with the next round (a failed change is never dropped from the repository).
      writeFiles(repo, { [`migrations/${bad}/up.sql`]: `CREATE TABLE bad_${format} (id INT, x INT);\n` });
      // The server refuses the secret's user: its error names the user and the client host.
      fake.setSecret('rds-admin-credentials-qainvoicingdb', JSON.stringify({ username, password: wrongPassword, host }));
      const denied = await cli(['--format', format, 'status', '--env', 'qa'], env);
      assert.equal(denied.code, 1, denied.stdout + denied.stderr);
      check('access denied', denied, format);
      fake.setSecret('rds-admin-credentials-qainvoicingdb', JSON.stringify({ username, password, host }));
    }
    assert.ok(seen.join('\n').includes('is available'), 'the runs did print their progress');

    // Files: the repository, HOME and TMPDIR of the runs, and the GitHub step files.
    const files = [...filesUnder(repo), ...filesUnder(scratch)];
    for (const f of files) {
      for (const s of secrets()) assert.ok(!f.content.includes(s), `${f.file} holds ${s === password ? 'the password' : s}`);
    }
    const summaryText = files.find((f) => f.file === summary)!.content;
    assert.match(summaryText, /restore-db-cluster-from-snapshot/, 'the job summary has the restore command');
    assert.match(files.find((f) => f.file === output)!.content, /snapshot-id/, 'the step outputs were written');
  });

  describe('AWS errors: one line, exit 1, nothing connected', () => {
    async function failsWith(expected: string): Promise<void> {
      const before = await connections();
      const r = await cli(['apply', '--env', 'qa']);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.equal(r.stderr, `error: ${expected}\n`);
      assert.equal(await connections(), before, 'no connection');
      assert.deepEqual(await tables(qa.name), []);
      for (const s of [password, username]) assert.ok(!(r.stdout + r.stderr).includes(s));
    }

    it('access denied on GetSecretValue', async () => {
      fake.denyAccess('GetSecretValue');
      await failsWith(
        "aws: GetSecretValue on rds-admin-credentials-qainvoicingdb in us-east-2 was denied (AccessDeniedException); check that the job's role may call secretsmanager:GetSecretValue on this secret",
      );
      assert.equal(fake.callsTo('GetSecretValue').length, 1, 'access denied is not retried');
    });

    it('throttling beyond the retries', async () => {
      fake.throttle('DescribeDBClusters', 10);
      await failsWith(
        'aws: DescribeDBClusters on qainvoicingdb in us-east-2 was throttled (Throttling) after 3 attempts; re-run later, or look for other jobs calling rds in this account and region',
      );
      assert.equal(fake.callsTo('DescribeDBClusters').length, 3);
      assert.equal(fake.callsTo('GetSecretValue').length, 0);
    });

    it('a missing secret', async () => {
      fake.loseSecret('rds-admin-credentials-qainvoicingdb');
      // The rotation check's DescribeSecret is the first call that needs the secret.
      await failsWith(
        "aws: DescribeSecret on rds-admin-credentials-qainvoicingdb in us-east-2 failed: no such secret (ResourceNotFoundException); check the environment's secret id and region",
      );
      assert.equal(fake.callsTo('GetSecretValue').length, 0);
    });

    it('a missing cluster', async () => {
      fake.clusters.delete('qainvoicingdb');
      await failsWith(
        "aws: DescribeDBClusters on qainvoicingdb in us-east-2 failed: no such cluster (DBClusterNotFoundFault); check the environment's cluster id and region",
      );
      assert.equal(fake.callsTo('GetSecretValue').length, 0);
    });

    it('an expired token', async () => {
      fake.expireToken();
      await failsWith(
        'aws: DescribeDBClusters on qainvoicingdb in us-east-2 failed: the session token has expired (ExpiredToken); ' +
          're-run aws-actions/configure-aws-credentials before this step, or raise its role-duration-seconds',
      );
    });
  });
});
