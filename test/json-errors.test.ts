// `--format json` on failure, through the real executable against the throwaway server: stdout is
// always exactly one JSON document a machine can read, the error in it with a code beside the exit
// code, and stderr does not repeat it.
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { getServer, type TestServer } from './helpers/mysql-server.js';
import { localConfig, makeRepo, manifest, runCli, writeFiles } from './helpers/cli.js';

describe('--format json on errors (real server)', function () {
  this.timeout(60_000);
  let server: TestServer;
  let schema: { name: string; url: string; drop(): Promise<void> };
  let repo: string;

  before(async () => {
    server = await getServer();
  });
  beforeEach(async () => {
    schema = await server.freshSchema('json_errors');
    repo = makeRepo({ 'changegate.yaml': localConfig() });
  });
  afterEach(async () => {
    await schema.drop();
    rmSync(repo, { recursive: true, force: true });
  });

  /**
   * Runs with --format json and returns the one document on stdout. stderr does not repeat the error:
   * it is empty when nothing ran, and holds only a run's progress otherwise.
   */
  async function json(args: string[], code: number, env: Record<string, string> = { TEST_URL: schema.url }, ran = false): Promise<unknown> {
    const r = await runCli(['--format', 'json', ...args], { cwd: repo, env });
    assert.equal(r.code, code, r.stdout + r.stderr);
    if (ran) assert.doesNotMatch(r.stderr, /^error: /m, 'stderr does not repeat the error');
    else assert.equal(r.stderr, '', 'stderr repeats nothing');
    return JSON.parse(r.stdout);
  }

  it('a refused login: the error document alone, exit 1', async () => {
    const user = `cg_json_${randomBytes(3).toString('hex')}`;
    await server.createUser(user, 'the-right-pw-44', [`ALL ON \`${schema.name}\`.*`]);
    const url = `mysql://${user}:Wrong-pw-44x@${server.host}:${server.port}/${schema.name}`;
    assert.deepEqual(await json(['status', '--env', 'local'], 1, { TEST_URL: url }), {
      error: {
        code: 'failed',
        message: `cannot connect to local as ${user}@${server.host}:${server.port} (URL from TEST_URL): Access denied for user '${user}'@'${server.host}' (using password: YES)`,
      },
    });
  });

  it('a configuration error and a command-line error: the error document, exit 2', async () => {
    assert.deepEqual(await json(['status', '--env', 'nope'], 2), {
      error: { code: 'usage', message: 'unknown environment "nope"; changegate.yaml configures local' },
    });
    assert.deepEqual(await json(['status'], 2), {
      error: { code: 'usage', message: "required option '--env <name>' not specified" },
    });
    assert.deepEqual(await json(['stauts', '--env', 'local'], 2), {
      error: { code: 'usage', message: "unknown command 'stauts' (Did you mean status?)" },
    });
    const none = await runCli(['--format', 'json'], { cwd: repo });
    assert.equal(none.code, 2, none.stdout + none.stderr);
    assert.deepEqual(JSON.parse(none.stdout), { error: { code: 'usage', message: 'no command given; changegate --help lists them' } });
    assert.match(none.stderr, /^Usage: changegate \[options\] \[command\]$/m, 'the help stays on stderr');
  });

  it('a guard that refused: code refused', async () => {
    assert.deepEqual(await json(['status', '--env', 'local'], 1, { TEST_URL: server.url('no_such_schema_json') }), {
      error: {
        code: 'refused',
        message: 'refused: schema no_such_schema_json does not exist on local (or this user cannot see it); create it first',
      },
    });
  });

  it('a failed statement: the run report and the error in the same document', async () => {
    writeFiles(repo, { ...manifest('2026-11-01-broken'), 'migrations/2026-11-01-broken/up.sql': 'CREATE TABLE t (id INT,, x INT);\n' });
    const doc = (await json(['apply', '--env', 'local'], 1, { TEST_URL: schema.url }, true)) as { changes: { id: string; result: string }[]; error: { code: string; message: string } };
    assert.deepEqual(doc.changes.map((c) => [c.id, c.result]), [['2026-11-01-broken', 'failed']]);
    assert.equal(doc.error.code, 'failed');
    assert.match(doc.error.message, /^2026-11-01-broken: statement 1 of 1 failed/);
  });
});
