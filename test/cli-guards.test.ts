// Guards and masks at the CLI's edge, through the real executable against the throwaway server: the
// shadow server is refused when it is a protected cluster, and a URL environment's password is handed
// to the GitHub runner to mask before anything could print it.
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { getServer, type TestServer } from './helpers/mysql-server.js';
import { localConfig, makeRepo, manifest, runCli, writeFiles } from './helpers/cli.js';

describe('guards at the CLI edge (real server)', function () {
  this.timeout(60_000);
  let server: TestServer;
  let schema: { name: string; url: string; drop(): Promise<void> };
  let repo: string;

  before(async () => {
    server = await getServer();
  });
  beforeEach(async () => {
    schema = await server.freshSchema('cli_guards');
    repo = makeRepo({
      'changegate.yaml': localConfig(),
      ...manifest('2026-11-01-create-invoices'),
      'migrations/2026-11-01-create-invoices/up.sql': 'CREATE TABLE invoices (id BIGINT NOT NULL PRIMARY KEY) ENGINE=InnoDB;\n',
    });
  });
  afterEach(async () => {
    await schema.drop();
    rmSync(repo, { recursive: true, force: true });
  });

  /** Connections the server has accepted since it started (every client, every user). */
  async function connections(): Promise<number> {
    const [row] = await server.adminQuery<{ Value: string }>("SHOW GLOBAL STATUS LIKE 'Connections'");
    return Number(row!.Value);
  }

  it('refuses a shadow server that is a protected cluster, before connecting to it', async () => {
    // The shadow server is this very server, reached as `localhost`, which the config protects: without
    // the guard the replay would run there and pass.
    writeFiles(repo, { 'changegate.yaml': localConfig().replace('protected_clusters: [prodinvoicingco]', 'protected_clusters: [prodinvoicingco, localhost]') });
    const shadowUrl = `mysql://${encodeURIComponent(server.user)}:${encodeURIComponent(server.password)}@localhost:${server.port}/${schema.name}`;
    const before = await connections();
    const r = await runCli(['validate', '--shadow', '--shadow-url', shadowUrl], { cwd: repo, env: { TEST_URL: schema.url } });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.equal(
      r.stderr.trim(),
      'error: refused: environment shadow points at host localhost, which is the protected cluster localhost (protected_clusters in changegate.yaml); nothing was contacted',
    );
    assert.equal(await connections(), before, 'no connection');
  });

  it("has the runner mask a URL environment's password in the github format, and prints it nowhere else", async () => {
    const password = `Mk-${randomBytes(10).toString('hex')}-q9`;
    const user = await server.createUser(`cg_mask_${randomBytes(3).toString('hex')}`, password, [`ALL PRIVILEGES ON \`${schema.name}\`.*`]);
    for (const format of ['github', 'json']) {
      const r = await runCli(['--format', format, 'status', '--env', 'local'], { cwd: repo, env: { TEST_URL: user.url(schema.name), GITHUB_ACTIONS: 'true' } });
      assert.equal(r.code, 0, `${format}: ${r.stdout}${r.stderr}`);
      // The json format keeps stdout one document: its mask commands go to stderr.
      const stream = format === 'json' ? r.stderr : r.stdout;
      assert.ok(stream.split('\n').includes(`::add-mask::${password}`), `${format}: no mask command for the password:\n${stream}`);
      const rest = (r.stdout + r.stderr).split('\n').filter((l) => !l.startsWith('::add-mask::')).join('\n');
      assert.ok(!rest.includes(password), `${format}: the password is printed:\n${rest}`);
    }
  });
});
