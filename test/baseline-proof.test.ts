// The self-proof of `changegate baseline`, through the real command: the baseline it writes is
// replayed into a shadow schema and compared with the live one, and a difference refuses the run
// before any file is written or anything recorded. The difference is made for real: the shadow server
// runs with NO_BACKSLASH_ESCAPES, so the backslash of a column default (printed escaped by SHOW CREATE
// TABLE) is read back as two characters.
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { localConfig, makeRepo, runCli } from './helpers/cli.js';
import { getServer, startServer, testServerKind, type TestServer } from './helpers/mysql-server.js';

describe('baseline: the self-proof refuses a baseline that does not rebuild the live schema', function () {
  this.timeout(180_000);
  let server: TestServer;
  let shadow: TestServer;
  let live: { name: string; url: string; drop(): Promise<void> };
  let repo: string;

  before(async () => {
    server = await getServer();
    // A server of its own, started here whatever CHANGEGATE_TEST_MYSQL_URL says: its sql_mode is the point.
    shadow = await startServer(['--sql-mode=NO_BACKSLASH_ESCAPES'], { kind: testServerKind() });
    live = await server.freshSchema('bl_proof');
    await server.adminQuery(`CREATE TABLE \`${live.name}\`.exports (id INT NOT NULL PRIMARY KEY, dir VARCHAR(50) NOT NULL DEFAULT 'C:\\\\exports') ENGINE=InnoDB`);
    repo = makeRepo({ 'changegate.yaml': localConfig() });
  });
  after(async () => {
    await live?.drop();
    await shadow?.stop();
    if (repo) rmSync(repo, { recursive: true, force: true });
  });

  it('names the difference, writes no file and records nothing', async () => {
    const [col] = await server.adminQuery<{ d: string }>('SELECT COLUMN_DEFAULT AS d FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND COLUMN_NAME = ?', [live.name, 'exports', 'dir']);
    // The value C:\exports as the server prints it: MariaDB quotes and escapes it, MySQL does not. The
    // shadow's copy holds the backslash twice.
    const liveDefault = col!.d;
    assert.equal(liveDefault, /mariadb/i.test(server.version) ? "'C:\\\\exports'" : 'C:\\exports');
    const shadowDefault = liveDefault.replace(/\\/g, '\\\\');
    const r = await runCli(['baseline', '--env', 'local', '--ticket', 'T-1', '--shadow-url', shadow.url('shadow')], { cwd: repo, env: { TEST_URL: live.url } });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.equal(
      r.stderr,
      'error: this is a bug in changegate baseline: the baseline of local does not rebuild its schema (1 difference(s), baseline -> live); nothing was written or recorded:\n' +
        `  ~ column exports.dir: VARCHAR(50) NOT NULL DEFAULT ${shadowDefault} -> VARCHAR(50) NOT NULL DEFAULT ${liveDefault}\n`,
    );
    assert.equal(existsSync(path.join(repo, 'changes')), false, 'no manifest written');
    assert.equal(existsSync(path.join(repo, 'migrations')), false, 'no SQL written');
    const history = await server.adminQuery('SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?', [live.name, 'changegate_history']);
    const recorded = history.length === 0 ? [] : await server.adminQuery(`SELECT change_id FROM \`${live.name}\`.changegate_history`);
    assert.deepEqual(recorded, [], 'nothing recorded');
  });
});
