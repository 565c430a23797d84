// What a user reads when a login or a URL goes wrong, through the real executable against the
// throwaway server: the user, host, port and the variable the URL came from are shown, so the
// mistake can be found; the password is not, in any format.
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { getServer, type TestServer } from './helpers/mysql-server.js';
import { localConfig, makeRepo, runCli } from './helpers/cli.js';

describe('what a refused login and a bad URL say (real server)', function () {
  this.timeout(60_000);
  let server: TestServer;
  let schema: { name: string; url: string; drop(): Promise<void> };
  let repo: string;

  before(async () => {
    server = await getServer();
    schema = await server.freshSchema('redact_cli');
    repo = makeRepo({ 'changegate.yaml': localConfig() });
  });
  after(async () => {
    await schema?.drop();
    rmSync(repo, { recursive: true, force: true });
  });

  it('names the user, the host, the port and the variable of a refused login, never its password', async () => {
    const user = `cg_who_${randomBytes(3).toString('hex')}`;
    await server.createUser(user, 'the-right-pw-31', [`ALL ON \`${schema.name}\`.*`]);
    const wrong = `Wr0ng-${randomBytes(8).toString('hex')}`;
    const url = `mysql://${user}:${wrong}@${server.host}:${server.port}/${schema.name}`;
    for (const format of ['text', 'github']) {
      const r = await runCli(['--format', format, 'status', '--env', 'local'], { cwd: repo, env: { TEST_URL: url } });
      assert.equal(r.code, 1, r.stdout + r.stderr);
      const said = format === 'text' ? r.stderr.trim() : r.stdout.trim();
      assert.equal(
        said,
        `${format === 'text' ? 'error: ' : '::error::'}cannot connect to local as ${user}@${server.host}:${server.port} (URL from TEST_URL): ` +
          `Access denied for user '${user}'@'${server.host}' (using password: YES)`,
      );
      assert.ok(!(r.stdout + r.stderr).includes(wrong), 'the password is not shown');
    }
  });

  it('names the host and port of a refused TCP connection', async () => {
    const pw = `Unused-${randomBytes(6).toString('hex')}`;
    const r = await runCli(['status', '--env', 'local'], { cwd: repo, env: { TEST_URL: `mysql://nobody:${pw}@${server.host}:1/${schema.name}` } });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.equal(r.stderr.trim(), `error: cannot connect to local as nobody@${server.host}:1 (URL from TEST_URL): connect ECONNREFUSED ${server.host}:1`);
    assert.ok(!(r.stdout + r.stderr).includes(pw));
  });

  it('shows the URL format it expected, and names the variable that holds the bad URL', async () => {
    const r = await runCli(['status', '--env', 'local'], { cwd: repo, env: { TEST_URL: 'db.internal/shop' } });
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.equal(r.stderr.trim(), 'error: the connection URL of local (from TEST_URL) is not a URL; expected mysql://user:password@host:port/schema');
    const noSchema = await runCli(['status', '--env', 'local'], { cwd: repo, env: { TEST_URL: 'mysql://app:Pw-no-schema-7@db.internal:3306/' } });
    assert.equal(noSchema.code, 2, noSchema.stdout + noSchema.stderr);
    assert.equal(noSchema.stderr.trim(), 'error: the connection URL of local (from TEST_URL) names no schema; expected mysql://user:password@host:port/schema');
  });
});
