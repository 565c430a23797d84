// RDS MySQL instances (`instance:`) end to end: the real executable, the real @aws-sdk/client-rds
// against the loopback fake's DescribeDBInstances / CreateDBSnapshot / DescribeDBSnapshots, and the
// throwaway server as the instance's endpoint. An additive change takes no snapshot, a destructive
// one exactly one before its first statement; a failed or late snapshot runs nothing; replicas and
// protected instances are refused; no credential shows.
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AwsFake } from './helpers/aws-fake.js';
import { FakeInstances } from './helpers/aws-fake-instances.js';
import { fakeAwsChildEnv, filesUnder } from './helpers/aws-env.js';
import { makeRepo, manifest, runCli, writeFiles, type CliResult } from './helpers/cli.js';
import { getServer, serverCa, type TestServer } from './helpers/mysql-server.js';

const CREATE = '2026-11-01-create-invoices';
const DROP = '2026-11-02-drop-legacy-note';
const createFiles = {
  ...manifest(CREATE),
  [`migrations/${CREATE}/up.sql`]: 'CREATE TABLE invoices (\n  id BIGINT NOT NULL PRIMARY KEY,\n  legacy_note VARCHAR(200) NULL\n) ENGINE=InnoDB;\n',
};
const dropFiles = {
  ...manifest(DROP, { destructive: true }),
  [`migrations/${DROP}/up.sql`]: 'ALTER TABLE invoices DROP COLUMN legacy_note;\n',
};

describe('RDS MySQL instances (CLI, fake AWS, throwaway server)', function () {
  this.timeout(60_000);
  let server: TestServer;
  let caFile: string;
  let fake: AwsFake;
  let instances: FakeInstances;
  let stopFake: () => Promise<void>;
  let fakeUrl: string;
  let prod: { name: string; drop(): Promise<void> };
  let repo: string;
  let scratch: string;
  let username: string;
  let password: string;
  const host = 'localhost';

  before(async () => {
    server = await getServer();
    caFile = serverCa(server); // AWS environments always use TLS
  });

  beforeEach(async () => {
    prod = await server.freshSchema('cginst_prod');
    username = `cg_inst_${randomBytes(4).toString('hex')}`;
    password = `Xk9-${randomBytes(12).toString('hex')}-qR`;
    await server.createUser(username, password, [`ALL PRIVILEGES ON \`${prod.name}\`.*`, 'PROCESS ON *.*']);
    fake = new AwsFake();
    instances = new FakeInstances(fake);
    instances.addInstance({ id: 'prodinvoicingdb', host, port: server.port, subnetGroup: 'invoicing-private', securityGroupIds: ['sg-0a1b2c'] });
    for (const i of ['prodinvoicingdb', 'prodinvoicingdb-replica', 'corpinvoicing', 'prodinvoicingco']) {
      fake.setSecret(`rds-admin-credentials-${i}`, JSON.stringify({ username, password, host, port: server.port, engine: 'mysql' }));
      // Rotating, as a secret should: the rotation check's warnings have tests of their own (aws-iam-cli).
      fake.setSecretRotation(`rds-admin-credentials-${i}`, { rotationEnabled: true });
    }
    const started = await fake.start();
    fakeUrl = started.url;
    stopFake = started.stop;
    scratch = mkdtempSync(path.join(tmpdir(), 'changegate-inst-'));
    mkdirSync(path.join(scratch, 'home'));
    mkdirSync(path.join(scratch, 'tmp'));
    repo = makeRepo({ 'changegate.yaml': config(), ...createFiles });
  });

  afterEach(async () => {
    await stopFake?.();
    await prod?.drop();
    await server.adminQuery('DROP USER IF EXISTS ?@?', [username, '%']);
    rmSync(repo, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  });

  function config(instance = 'prodinvoicingdb', timeout = 30): string {
    return [
      'database: invoicingdb',
      'server: { min_version: "5.5" }',
      'ticket_pattern: "^T-[0-9]+$"',
      'protected_clusters: [prodinvoicingco]',
      'environments:',
      '  prod:',
      `    instance: ${instance}`,
      '    region: us-east-2',
      `    secret: rds-admin-credentials-${instance}`,
      `    schema: ${prod.name}`,
      `    tls: { ca_file: ${JSON.stringify(caFile)} }`,
      '    snapshot: destructive',
      '    snapshot_poll_seconds: 0.05',
      `    snapshot_timeout: ${timeout}`,
      '    lock_timeout: 2',
    ].join('\n') + '\n';
  }

  function cli(args: string[]): Promise<CliResult> {
    return runCli(args, { cwd: repo, env: { ...fakeAwsChildEnv(fakeUrl), HOME: path.join(scratch, 'home'), TMPDIR: path.join(scratch, 'tmp') } });
  }

  async function history(): Promise<[string, string, string | null][]> {
    const rows = await server.adminQuery<{ change_id: string; status: string; snapshot_id: string | null }>(
      `SELECT change_id, status, snapshot_id FROM \`${prod.name}\`.changegate_history ORDER BY change_id`,
    );
    return rows.map((r) => [r.change_id, r.status, r.snapshot_id]);
  }

  async function columns(): Promise<string[]> {
    const rows = await server.adminQuery<{ c: string }>(
      "SELECT COLUMN_NAME AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'invoices' ORDER BY ORDINAL_POSITION",
      [prod.name],
    );
    return rows.map((r) => r.c);
  }

  it('takes no snapshot for an additive change, and connects to the endpoint DescribeDBInstances gives', async () => {
    const r = await cli(['apply', '--env', 'prod']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(fake.callsTo('DescribeDBInstances').length, 1);
    assert.equal(fake.callsTo('DescribeDBInstances')[0]!.params['DBInstanceIdentifier'], 'prodinvoicingdb');
    assert.equal(fake.callsTo('CreateDBSnapshot').length, 0);
    assert.doesNotMatch(r.stdout, /^snapshot: creating/m);
    assert.deepEqual(await history(), [[CREATE, 'applied', null]]);
  });

  it('takes exactly one DB snapshot before the first statement of a destructive change, waits for it, prints the restore command and records it', async () => {
    assert.equal((await cli(['apply', '--env', 'prod'])).code, 0);
    writeFiles(repo, dropFiles);
    fake.calls.length = 0;
    fake.snapshotCreatingPolls(2);
    const r = await cli(['apply', '--env', 'prod']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const creates = fake.callsTo('CreateDBSnapshot');
    assert.equal(creates.length, 1, 'exactly one snapshot');
    assert.ok(creates[0]!.signatureValid);
    assert.equal(creates[0]!.params['DBInstanceIdentifier'], 'prodinvoicingdb');
    const id = String(creates[0]!.params['DBSnapshotIdentifier']);
    assert.match(id, /^changegate-prod-2026-11-02-drop-legacy-note-\d{14}$/);
    assert.deepEqual(Object.fromEntries(instances.snapshots.get(id)!.tags.map((t) => [t.Key, t.Value])), {
      'changegate:tickets': 'T-1',
      'changegate:changes': DROP,
      'changegate:environment': 'prod',
    });
    const out = r.stdout.split('\n');
    const at = (line: string) => {
      const i = out.indexOf(line);
      assert.ok(i >= 0, `missing line ${JSON.stringify(line)} in\n${r.stdout}`);
      return i;
    };
    const stamp = id.slice(-14, -6);
    const creating = at(`snapshot: creating ${id} of instance prodinvoicingdb (destructive: ${DROP})`);
    const polls = [at('snapshot: creating 33%'), at('snapshot: creating 66%'), at('snapshot: available 100%')];
    const restore = at(
      `to restore it: aws rds restore-db-instance-from-db-snapshot --region us-east-2 --db-instance-identifier prodinvoicingdb-restored-${stamp} ` +
        `--db-snapshot-identifier ${id} --db-instance-class db.r6g.large --db-subnet-group-name invoicing-private --vpc-security-group-ids sg-0a1b2c`,
    );
    const note = at(
      `note: this creates a new instance prodinvoicingdb-restored-${stamp} from the snapshot; prodinvoicingdb is left as it is: ` +
        'check the new one, then point the application (and instance: in changegate.yaml) at it, or copy the tables you need back from it',
    );
    const first = out.findIndex((l) => l.startsWith(`${DROP}: 1/1 `));
    assert.ok(creating < polls[0]! && polls[2]! < restore && restore < note && note < first, r.stdout);
    assert.deepEqual(await columns(), ['id']);
    assert.deepEqual(await history(), [[CREATE, 'applied', null], [DROP, 'applied', id]]);
    const status = JSON.parse((await cli(['--format', 'json', 'status', '--env', 'prod'])).stdout) as { changes: { id: string; snapshot: string | null }[] };
    assert.deepEqual(status.changes.map((c) => [c.id, c.snapshot]), [[CREATE, null], [DROP, id]]);
  });

  it('snapshot --env prod then apply --env prod takes one snapshot in total', async () => {
    assert.equal((await cli(['apply', '--env', 'prod'])).code, 0);
    writeFiles(repo, dropFiles);
    const s = await cli(['snapshot', '--env', 'prod']);
    assert.equal(s.code, 0, s.stdout + s.stderr);
    const a = await cli(['apply', '--env', 'prod']);
    assert.equal(a.code, 0, a.stdout + a.stderr);
    assert.equal(fake.callsTo('CreateDBSnapshot').length, 1);
    const id = String(fake.callsTo('CreateDBSnapshot')[0]!.params['DBSnapshotIdentifier']);
    assert.match(a.stdout, new RegExp(`^snapshot: reusing ${id}, taken earlier in this deployment$`, 'm'));
  });

  it('runs nothing when the snapshot fails', async () => {
    writeFiles(repo, dropFiles);
    fake.snapshotCreatingPolls(1).failSnapshots();
    const r = await cli(['apply', '--env', 'prod']);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const id = String(fake.callsTo('CreateDBSnapshot')[0]!.params['DBSnapshotIdentifier']);
    assert.equal(
      r.stderr.trim(),
      `error: snapshot ${id} of instance prodinvoicingdb in us-east-2 ended "failed" instead of "available"; stopping before any statement: ` +
        "check the instance's events in the RDS console and re-run",
    );
    assert.equal(fake.callsTo('CreateDBSnapshot').length, 1);
    assert.deepEqual(await history(), []);
    assert.deepEqual(await columns(), []);
  });

  it('runs nothing when the snapshot is not available within snapshot_timeout', async () => {
    writeFiles(repo, { 'changegate.yaml': config('prodinvoicingdb', 1), ...dropFiles });
    fake.snapshotCreatingPolls(1000);
    const r = await cli(['apply', '--env', 'prod']);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const id = String(fake.callsTo('CreateDBSnapshot')[0]!.params['DBSnapshotIdentifier']);
    assert.match(
      r.stderr.trim(),
      new RegExp(`^error: snapshot ${id} of instance prodinvoicingdb in us-east-2 was still "creating" at \\d+% after 1 s; stopping before any statement: raise the environment's snapshot_timeout and re-run$`),
    );
    assert.deepEqual(await history(), []);
  });

  it('refuses a read replica, and an instance of an Aurora cluster, before connecting', async () => {
    instances.addInstance({ id: 'prodinvoicingdb-replica', host, port: server.port, replicaOf: 'prodinvoicingdb' });
    writeFiles(repo, { 'changegate.yaml': config('prodinvoicingdb-replica') });
    const r = await cli(['apply', '--env', 'prod']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim(), 'error: instance prodinvoicingdb-replica in us-east-2 is a read replica of prodinvoicingdb; changegate never applies changes to a replica: point the environment at the source instance');
    assert.equal(fake.callsTo('GetSecretValue').length, 0);

    instances.addInstance({ id: 'corpinvoicing', host, port: server.port, engine: 'aurora-mysql', clusterId: 'corpinvoicingcluster' });
    writeFiles(repo, { 'changegate.yaml': config('corpinvoicing') });
    const c = await cli(['apply', '--env', 'prod']);
    assert.equal(c.code, 1);
    assert.equal(c.stderr.trim(), 'error: instance corpinvoicing in us-east-2 is a member of cluster corpinvoicingcluster; point the environment at the cluster (cluster: corpinvoicingcluster), whose writer endpoint follows failovers');
  });

  it('refuses a protected instance with no AWS call', async () => {
    writeFiles(repo, { 'changegate.yaml': config('prodinvoicingco') });
    const r = await cli(['apply', '--env', 'prod']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim(), 'error: refused: environment prod targets instance prodinvoicingco, which is the protected cluster prodinvoicingco (protected_clusters in changegate.yaml); nothing was contacted');
    assert.equal(fake.calls.length, 0);
  });

  it('a missing instance is one line naming the call, the instance and the region', async () => {
    writeFiles(repo, { 'changegate.yaml': config('nosuchdb') });
    const r = await cli(['apply', '--env', 'prod']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim(), "error: aws: DescribeDBInstances on nosuchdb in us-east-2 failed: no such instance (DBInstanceNotFound); check the environment's instance id and region");
  });

  it('never shows the secret\'s password or username, in any format or file the run wrote', async () => {
    writeFiles(repo, dropFiles);
    // github first: its apply takes the snapshot, so the job summary gets the restore command.
    for (const format of ['github', 'json', 'text']) {
      const summary = path.join(scratch, `summary-${format}.md`);
      writeFileSync(summary, '');
      const r = await runCli(['--format', format, 'status', '--env', 'prod'], {
        cwd: repo,
        env: { ...fakeAwsChildEnv(fakeUrl), HOME: path.join(scratch, 'home'), TMPDIR: path.join(scratch, 'tmp'), GITHUB_STEP_SUMMARY: summary },
      });
      const a = await runCli(['--format', format, 'apply', '--env', 'prod'], {
        cwd: repo,
        env: { ...fakeAwsChildEnv(fakeUrl), HOME: path.join(scratch, 'home'), TMPDIR: path.join(scratch, 'tmp'), GITHUB_STEP_SUMMARY: summary },
      });
      for (const raw of [r.stdout, r.stderr, a.stdout, a.stderr]) {
        // `::add-mask::` lines tell the runner what to mask; the runner never logs them.
        const text = raw.split('\n').filter((l) => !l.startsWith('::add-mask::')).join('\n');
        assert.ok(!text.includes(password), `password in ${format} output`);
        assert.ok(!text.includes(username), `username in ${format} output`);
      }
    }
    for (const f of [...filesUnder(scratch), ...filesUnder(repo)]) {
      assert.ok(!f.content.includes(password), `password in ${f.file}`);
      assert.ok(!f.content.includes(username), `username in ${f.file}`);
    }
    assert.equal(fake.callsTo('CreateDBSnapshot').length, 1, 'the destructive change was snapshotted once, then applied');
    assert.match(filesUnder(scratch).map((f) => f.content).join('\n'), /restore-db-instance-from-db-snapshot/, 'the job summary has the restore command');
  });
});
