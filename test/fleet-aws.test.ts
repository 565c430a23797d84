// A fleet of two Aurora clusters through the loopback AWS fake: each cluster (a throwaway server of
// its own) is looked up once, logs in with its own admin secret, and gets exactly one snapshot
// before the first destructive change there, shared by all its tenant schemas; a protected cluster
// among the targets is refused before anything connects.
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { AwsFake } from './helpers/aws-fake.js';
import { fakeAwsChildEnv } from './helpers/aws-env.js';
import { makeRepo, manifest, runCli, writeFiles } from './helpers/cli.js';
import { getServer, serverCa, startServer, type TestServer } from './helpers/mysql-server.js';

const CREATE = '2026-12-03-tenant-flags';
const DROP = '2026-12-04-drop-tenant-legacy';

describe('fleets of Aurora clusters (CLI, fake AWS, two throwaway servers)', function () {
  this.timeout(120_000);
  let one: TestServer;
  let two: TestServer;
  let fake: AwsFake;
  let stopFake: () => Promise<void>;
  let fakeUrl: string;
  let repo: string;
  let scratch: string;
  let caBundle: string;
  const username = `cg_fleet_${randomBytes(3).toString('hex')}`;
  const password = `Fq9-${randomBytes(10).toString('hex')}-x`;
  const tenants = ['flaws_t0', 'flaws_t1', 'flaws_t2'];

  before(async () => {
    one = await getServer();
    two = await startServer();
    scratch = mkdtempSync(path.join(tmpdir(), 'changegate-fleetaws-'));
    // One environment trusts both servers' test CAs.
    caBundle = path.join(scratch, 'ca-bundle.pem');
    writeFileSync(caBundle, readFileSync(serverCa(one), 'utf8') + readFileSync(serverCa(two), 'utf8'));
    for (const s of [one, two]) {
      await s.createUser(username, password, ['ALL PRIVILEGES ON `flaws\\_%`.*', 'PROCESS ON *.*']);
    }
  });
  after(async () => {
    await two?.stop();
    rmSync(scratch, { recursive: true, force: true });
    await one.adminQuery('DROP USER IF EXISTS ?@?', [username, '%']);
  });

  beforeEach(async () => {
    for (const s of [one, two]) {
      const conn = await mysql.createConnection({ host: s.host, port: s.port, user: s.user, password: s.password, multipleStatements: true });
      for (const t of tenants) await conn.query(`DROP DATABASE IF EXISTS ${t}; CREATE DATABASE ${t}; CREATE TABLE ${t}.accounts (id INT PRIMARY KEY, legacy VARCHAR(10) NULL)`);
      await conn.end();
    }
    fake = new AwsFake({ clusters: [{ id: 'tenants-a', host: 'localhost', port: one.port }, { id: 'tenants-b', host: 'localhost', port: two.port }] });
    for (const c of ['tenants-a', 'tenants-b']) {
      fake.setSecret(`rds-admin-${c}`, JSON.stringify({ username, password, host: 'localhost', port: c === 'tenants-a' ? one.port : two.port, engine: 'mysql' }));
      fake.setSecretRotation(`rds-admin-${c}`, { rotationEnabled: true });
    }
    const started = await fake.start();
    fakeUrl = started.url;
    stopFake = started.stop;
    repo = makeRepo({
      'changegate.yaml': config(),
      ...manifest(CREATE),
      [`migrations/${CREATE}/up.sql`]: 'ALTER TABLE accounts ADD COLUMN flags INT NOT NULL DEFAULT 0;\n',
      ...manifest(DROP, { destructive: true }),
      [`migrations/${DROP}/up.sql`]: 'ALTER TABLE accounts DROP COLUMN legacy;\n',
    });
  });
  afterEach(async () => {
    await stopFake?.();
    rmSync(repo, { recursive: true, force: true });
  });

  function config(extraTarget = ''): string {
    return [
      'database: tenantdb',
      'server: { min_version: "5.5" }',
      'ticket_pattern: "^T-[0-9]+$"',
      'protected_clusters: [corp-reporting]',
      'environments:',
      '  prod:',
      '    targets:',
      '      - { cluster: tenants-a, secret: rds-admin-tenants-a }',
      '      - { cluster: tenants-b, secret: rds-admin-tenants-b }',
      extraTarget,
      '    region: us-east-2',
      '    schemas: { like: "flaws\\\\_t%" }',
      '    fleet: { parallel: 4 }',
      `    tls: { ca_file: ${JSON.stringify(caBundle)} }`,
      '    snapshot: destructive',
      '    snapshot_poll_seconds: 0.05',
      '    lock_timeout: 2',
      '',
    ].join('\n');
  }
  const cli = (args: string[]) => runCli(args, { cwd: repo, env: { ...fakeAwsChildEnv(fakeUrl), HOME: scratch } });

  it('one lookup and one snapshot per cluster, shared by its schemas; every tenant applied', async () => {
    const r = await cli(['--format', 'json', 'apply', '--env', 'prod']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const doc = JSON.parse(r.stdout) as { targets: { target: string; result: string }[]; summary: Record<string, number> };
    assert.deepEqual(doc.targets.map((t) => [t.target, t.result]), [
      ...tenants.map((t) => [`tenants-a/${t}`, 'applied']),
      ...tenants.map((t) => [`tenants-b/${t}`, 'applied']),
    ]);
    assert.deepEqual(fake.callsTo('DescribeDBClusters').map((c) => c.params['DBClusterIdentifier']).sort(), ['tenants-a', 'tenants-b']);
    assert.deepEqual(fake.callsTo('GetSecretValue').map((c) => c.params['SecretId']).sort(), ['rds-admin-tenants-a', 'rds-admin-tenants-b']);
    const creates = fake.callsTo('CreateDBClusterSnapshot');
    assert.deepEqual(creates.map((c) => c.params['DBClusterIdentifier']).sort(), ['tenants-a', 'tenants-b']);
    for (const c of creates) assert.match(String(c.params['DBClusterSnapshotIdentifier']), new RegExp(`^changegate-prod-${c.params['DBClusterIdentifier']}-2026-12-03-tenant-fl[a-z-]*-[0-9]{14}$`));
    const snapOf = new Map(creates.map((c) => [String(c.params['DBClusterIdentifier']), String(c.params['DBClusterSnapshotIdentifier'])]));
    for (const [server, s] of [['tenants-a', one], ['tenants-b', two]] as const) {
      for (const t of tenants) {
        const rows = await s.adminQuery<{ change_id: string; status: string; snapshot_id: string | null }>(`SELECT change_id, status, snapshot_id FROM ${t}.changegate_history ORDER BY change_id`);
        assert.deepEqual(rows.map((x) => [x.change_id, x.status, x.snapshot_id]), [[CREATE, 'applied', snapOf.get(server)], [DROP, 'applied', snapOf.get(server)]], `${server}/${t}`);
      }
    }
    assert.ok(!r.stdout.includes(password) && !r.stderr.includes(password), 'no credential in the output');
  });

  it('refuses a protected cluster among the targets before anything connects', async () => {
    writeFiles(repo, { 'changegate.yaml': config('      - { cluster: corp-reporting, secret: rds-admin-corp }') });
    const r = await cli(['apply', '--env', 'prod']);
    assert.equal(r.code, 2);
    assert.ok(r.stdout.includes('changegate.yaml:10:20  error CG023  environments.prod.targets[2].cluster  "corp-reporting" is in protected_clusters; changegate never connects to it'), r.stdout + r.stderr);
    assert.equal(fake.calls.length, 0);
  });
});
