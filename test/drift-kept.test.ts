// drift keeps its replay's result in the target and compares with it while the applied changes, their
// files and the server's settings stay as they were: through the real executable against the
// throwaway server. Every drift the replay finds is still found; the kept table is changegate's own
// and never reported; a damaged row, an edited file or --replay replays again; a user who may not
// write the table is warned and still gets the answer; a fleet replays once for tenants alike.
import { strict as assert } from 'node:assert';
import { rmSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { getServer, type TestServer } from './helpers/mysql-server.js';
import { localConfig, makeRepo, manifest, runCli, writeFiles } from './helpers/cli.js';

const KEPT = /^expected schema: kept from the replay of these 2 applied change\(s\) on \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(files and server settings unchanged since\); --replay replays them again$/m;
const CLEAN = 'no drift in local: 2 applied change(s) match their files and the live schema\n';

describe('drift with the kept replay result (CLI, real server)', function () {
  this.timeout(120_000);
  let server: TestServer;
  let schema: { name: string; url: string; drop(): Promise<void> };
  let repo: string;
  const env = () => ({ TEST_URL: schema.url });
  const drift = (...args: string[]) => runCli(['drift', '--env', 'local', ...args], { cwd: repo, env: env() });
  const kept = async () => server.adminQuery<{ record_key: string; changes: number; shape: Buffer }>(`SELECT record_key, changes, shape FROM \`${schema.name}\`.changegate_expected_schema`);

  before(async () => {
    server = await getServer();
  });
  beforeEach(async () => {
    schema = await server.freshSchema('kept');
    repo = makeRepo({
      'changegate.yaml': localConfig(),
      ...manifest('2026-12-01-invoices'),
      'migrations/2026-12-01-invoices/up.sql': 'CREATE TABLE invoices (\n  id BIGINT NOT NULL PRIMARY KEY,\n  amount DECIMAL(10,2) NOT NULL DEFAULT 0\n) ENGINE=InnoDB;\n',
      ...manifest('2026-12-02-index'),
      'migrations/2026-12-02-index/up.sql': 'CREATE INDEX idx_amount ON invoices (amount);\n',
    });
    assert.equal((await runCli(['apply', '--env', 'local'], { cwd: repo, env: env() })).code, 0);
  });
  afterEach(async () => {
    await schema.drop();
    rmSync(repo, { recursive: true, force: true });
  });

  it('replays once and keeps the result; the next drift compares with it, finds a manual change and never reports its own table', async () => {
    const first = await drift();
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stdout, CLEAN);
    const [row] = await kept();
    assert.match(row!.record_key, /^[0-9a-f]{64}$/);
    assert.equal(Number(row!.changes), 2);
    const stored = JSON.parse(gunzipSync(row!.shape).toString('utf8')) as { tables: { name: string }[] };
    assert.deepEqual(stored.tables.map((t) => t.name), ['invoices']);

    const second = await drift();
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, KEPT);
    assert.equal(second.stdout.replace(KEPT, '').trimStart(), CLEAN);
    const json = await runCli(['--format', 'json', 'drift', '--env', 'local'], { cwd: repo, env: env() });
    const doc = JSON.parse(json.stdout) as { expected: { source: string; recorded_at: string }; schema: string[] };
    assert.equal(doc.expected.source, 'kept');
    assert.match(doc.expected.recorded_at, /^\d{4}-\d\d-\d\dT/);

    await server.adminQuery(`ALTER TABLE \`${schema.name}\`.invoices ADD COLUMN note VARCHAR(200) NULL, DROP INDEX idx_amount`);
    const r = await drift();
    assert.equal(r.code, 1);
    assert.match(r.stdout, KEPT);
    assert.match(r.stdout, /^schema drift in local \(expected from 2 applied change\(s\) -> live\):$/m);
    assert.match(r.stdout, /^  \+ column invoices\.note VARCHAR\(200\) NULL$/m);
    assert.match(r.stdout, /^  - index invoices\.idx_amount /m);
  });

  it('replays again for --replay, an edited applied file and a damaged row, and replaces the row', async () => {
    assert.equal((await drift()).code, 0);
    const replayed = await drift('--replay');
    assert.equal(replayed.stdout, CLEAN);
    const json = await runCli(['--format', 'json', 'drift', '--env', 'local', '--replay'], { cwd: repo, env: env() });
    assert.deepEqual((JSON.parse(json.stdout) as { expected: unknown }).expected, { source: 'replay' });

    const before = (await kept())[0]!.record_key;
    writeFiles(repo, { 'migrations/2026-12-02-index/up.sql': 'CREATE INDEX idx_amount ON invoices (amount, id);\n' });
    const edited = await drift();
    assert.equal(edited.code, 1);
    assert.doesNotMatch(edited.stdout, /expected schema: kept/);
    assert.match(edited.stdout, /^file drift: 2026-12-02-index was applied in local but migrations\/2026-12-02-index\/up\.sql changed since/m);
    assert.match(edited.stdout, /^  ~ index invoices\.idx_amount: \(amount, id\) -> \(amount\)$/m);
    assert.notEqual((await kept())[0]!.record_key, before);
    writeFiles(repo, { 'migrations/2026-12-02-index/up.sql': 'CREATE INDEX idx_amount ON invoices (amount);\n' });

    await drift();
    await server.adminQuery(`UPDATE \`${schema.name}\`.changegate_expected_schema SET shape = 'not gzip'`);
    const damaged = await drift();
    assert.equal(damaged.stdout, CLEAN);
    assert.equal(JSON.parse(gunzipSync((await kept())[0]!.shape).toString('utf8')).tables.length, 1);
    assert.match((await drift()).stdout, KEPT);
  });

  it('a user who may not write the table is warned, gets the answer and replays each time; CREATE, INSERT and DELETE on it are enough', async () => {
    const grants = [`SELECT ON \`${schema.name}\`.*`, 'ALL PRIVILEGES ON `cg\\_shadow\\_%`.*'];
    const user = await server.createUser('cg_kept_ro', 'Kept-pass-12345', grants);
    const roEnv = { TEST_URL: user.url(schema.name) };
    for (let i = 0; i < 2; i++) {
      const r = await runCli(['drift', '--env', 'local'], { cwd: repo, env: roEnv });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, CLEAN);
      assert.match(r.stderr, new RegExp(`^warning: could not keep the expected schema in ${schema.name}\\.changegate_expected_schema \\(INSERT, DELETE command denied to user 'cg_kept_ro'.*\\); the next drift replays again$`, 'm'));
    }
    const gone = await server.adminQuery(`SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'changegate_expected_schema'`, [schema.name]);
    assert.equal(gone.length, 0);

    await server.createUser('cg_kept_ro', 'Kept-pass-12345', [...grants, `CREATE, INSERT, DELETE ON \`${schema.name}\`.changegate_expected_schema`]);
    const first = await runCli(['drift', '--env', 'local'], { cwd: repo, env: roEnv });
    assert.equal(first.stderr, '');
    assert.equal(first.stdout, CLEAN);
    assert.match((await runCli(['drift', '--env', 'local'], { cwd: repo, env: roEnv })).stdout, KEPT);
  });
});

describe('drift over a fleet with kept replay results (CLI, real server)', function () {
  this.timeout(120_000);
  let server: TestServer;
  let repo: string;
  const prefix = 'kfl_';
  const names = ['kfl_t0', 'kfl_t1', 'kfl_t2'];
  const env = () => ({ FLEET_URL: server.url() });
  const createdSchemas = async () => Number((await server.adminQuery<{ Value: string }>("SHOW GLOBAL STATUS LIKE 'Com_create_db'"))[0]!.Value);

  before(async () => {
    server = await getServer();
    for (const n of names) await server.adminQuery(`CREATE DATABASE \`${n}\``);
    repo = makeRepo({
      'changegate.yaml': ['database: tenantdb', 'server: { min_version: "5.5" }', 'ticket_pattern: "^T-[0-9]+$"', 'environments:', '  prod:',
        '    targets:', '      - { url_env: FLEET_URL }', `    schemas: { like: "${prefix.replace('_', '\\\\_')}t%" }`, '    fleet: { parallel: 3 }', '    lock_timeout: 1', ''].join('\n'),
      ...manifest('2026-12-01-notes'),
      'migrations/2026-12-01-notes/up.sql': 'CREATE TABLE notes (id INT NOT NULL PRIMARY KEY, body VARCHAR(40) NOT NULL);\n',
    });
    assert.equal((await runCli(['apply', '--env', 'prod'], { cwd: repo, env: env() })).code, 0);
  });
  after(async () => {
    for (const n of names) await server.adminQuery(`DROP DATABASE IF EXISTS \`${n}\``);
    rmSync(repo, { recursive: true, force: true });
  });

  it('replays once for three tenants alike, keeps the result in each, and then replays none', async () => {
    let before = await createdSchemas();
    const replayed = await runCli(['drift', '--env', 'prod', '--replay'], { cwd: repo, env: env() });
    assert.equal(replayed.code, 0, replayed.stderr);
    assert.equal(replayed.stdout, 'prod: 3 targets: 3 clean\n');
    assert.equal(await createdSchemas() - before, 1, 'one shadow schema for the three tenants');
    for (const n of names) assert.equal((await server.adminQuery(`SELECT changes FROM \`${n}\`.changegate_expected_schema`)).length, 1, n);

    await server.adminQuery('ALTER TABLE `kfl_t1`.notes ADD COLUMN extra VARCHAR(5) NULL');
    before = await createdSchemas();
    const r = await runCli(['--format', 'json', 'drift', '--env', 'prod'], { cwd: repo, env: env() });
    assert.equal(r.code, 1);
    assert.equal(await createdSchemas() - before, 0, 'no replay at all');
    const doc = JSON.parse(r.stdout) as { targets: { target: string; result: string; expected: string; schema: string[] }[] };
    assert.deepEqual(doc.targets.map((t) => [t.target, t.result, t.expected, t.schema]), [
      ['FLEET_URL/kfl_t0', 'clean', 'kept', []],
      ['FLEET_URL/kfl_t1', 'drifted', 'kept', ['+ column notes.extra VARCHAR(5) NULL']],
      ['FLEET_URL/kfl_t2', 'clean', 'kept', []],
    ]);
  });
});
