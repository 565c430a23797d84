// An Aurora failover as the runner sees it: the writer endpoint it connected to goes away in the
// middle of a change, and DescribeDBClusters then names another endpoint. The run stops in one line
// that says which statement and that a rerun resumes; the rerun asks RDS again, connects to the new
// writer, and finishes with every statement once. The old endpoint is a TCP relay that the test
// closes, so a rerun that reused it could not connect at all.
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AwsFake } from './helpers/aws-fake.js';
import { awsConfig, fakeAwsChildEnv } from './helpers/aws-env.js';
import { makeRepo, manifest, runCli, startCli } from './helpers/cli.js';
import { getServer, type TestServer } from './helpers/mysql-server.js';

const ID = '2026-11-03-slow-load';

/** A loopback relay to the server: the writer endpoint before the failover. */
async function relay(port: number): Promise<{ port: number; close(): void }> {
  const sockets = new Set<Socket>();
  const srv: Server = createServer((client) => {
    const upstream = connect(port, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const addr = srv.address();
  return {
    port: typeof addr === 'object' && addr ? addr.port : 0,
    close: () => {
      srv.close();
      for (const s of sockets) s.destroy();
    },
  };
}

describe('a failover during apply (CLI, fake AWS, throwaway server)', function () {
  this.timeout(120_000);
  let server: TestServer;
  let schema: { name: string; drop(): Promise<void> };
  let fake: AwsFake;
  let stopFake: () => Promise<void>;
  let repo: string;
  let scratch: string;
  let username: string;
  let env: Record<string, string>;

  before(async () => {
    server = await getServer();
    assert.ok(server.caFile, 'AWS environments always use TLS: the harness needs openssl');
    schema = await server.freshSchema('failover');
    username = `cg_failover_${randomBytes(3).toString('hex')}`;
    const password = `Fo-${randomBytes(10).toString('hex')}`;
    await server.createUser(username, password, [`ALL PRIVILEGES ON \`${schema.name}\`.*`, 'PROCESS ON *.*']);
    fake = new AwsFake({ clusters: [{ id: 'qainvoicingdb', host: 'localhost', port: server.port }] });
    fake.setSecret('rds-admin-credentials-qainvoicingdb', JSON.stringify({ username, password }));
    fake.setSecretRotation('rds-admin-credentials-qainvoicingdb', { rotationEnabled: true });
    const started = await fake.start();
    stopFake = started.stop;
    scratch = mkdtempSync(path.join(tmpdir(), 'changegate-failover-'));
    mkdirSync(path.join(scratch, 'home'));
    const slow = ['CREATE TABLE load_marks (v INT NOT NULL PRIMARY KEY)'];
    for (let i = 1; i <= 8; i++) slow.push(`INSERT INTO load_marks (v) SELECT ${i} FROM DUAL WHERE SLEEP(0.25) = 0`);
    repo = makeRepo({
      'changegate.yaml': awsConfig(server.caFile!, { qa: { cluster: 'qainvoicingdb', schema: schema.name } }),
      ...manifest(ID, { extra: 'lint: { ignore: [CG207] }' }),
      [`migrations/${ID}/up.sql`]: slow.join(';\n') + ';\n',
    });
    env = { ...fakeAwsChildEnv(started.url), HOME: path.join(scratch, 'home') } as Record<string, string>;
  });
  after(async () => {
    await stopFake?.();
    await schema?.drop();
    await server?.adminQuery('DROP USER IF EXISTS ?@?', [username, '%']);
    if (repo) rmSync(repo, { recursive: true, force: true });
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('stops in one line when the writer goes away, and the rerun connects to the new writer RDS names', async () => {
    const old = await relay(server.port);
    fake.clusters.get('qainvoicingdb')!.port = old.port;
    const run = startCli(['apply', '--env', 'qa'], { cwd: repo, env });
    // Wait until the load is under way, then the old writer goes away.
    for (let i = 0; i < 400; i++) {
      const [row] = await server.adminQuery<{ n: number }>(`SELECT COUNT(*) AS n FROM \`${schema.name}\`.load_marks`).catch(() => [{ n: 0 }]);
      if (Number(row?.n) >= 2) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    old.close();
    const first = await run.done;
    assert.equal(first.code, 1, first.stdout + first.stderr);
    assert.match(
      first.stderr.trim(),
      new RegExp(`^error: ${ID}: the connection was lost while statement \\d+ \\(migrations/${ID}/up\\.sql:\\d+\\) was in flight: .*\\. Run apply again: it checks whether the statement is still running and stops for a decision if its outcome is unknown$`),
    );
    // The failover is over: RDS names the new writer.
    const described = fake.callsTo('DescribeDBClusters').length;
    fake.clusters.get('qainvoicingdb')!.port = server.port;
    const again = await runCli(['apply', '--env', 'qa'], { cwd: repo, env });
    assert.equal(again.code, 0, again.stdout + again.stderr);
    assert.ok(fake.callsTo('DescribeDBClusters').length > described, 'the rerun asked RDS for the writer again');
    const marks = await server.adminQuery<{ v: number }>(`SELECT v FROM \`${schema.name}\`.load_marks ORDER BY v`);
    assert.deepEqual(marks.map((m) => Number(m.v)), [1, 2, 3, 4, 5, 6, 7, 8]);
  });
});
