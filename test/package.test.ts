// The package as a user gets it: `npm pack`, then `npm install <tarball>` into an empty folder with an
// empty npm cache and --offline, so the install can only succeed when the tarball is all it needs (no
// registry, here or in CI). The installed executable then runs what a team runs first: --version,
// validate on this repository's own changes, and plan against a throwaway server, over a URL and over
// an AWS cluster (the AWS SDK and the RDS CA bundle must be inside the package, not fetched).
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { cpSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { AwsFake } from './helpers/aws-fake.js';
import { awsConfig, fakeAwsChildEnv } from './helpers/aws-env.js';
import { runCli, type CliResult } from './helpers/cli.js';
import { getServer, serverCa, type TestServer } from './helpers/mysql-server.js';

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };

// npm's own settings from the environment (`npm test` sets npm_config_*) must not change the install.
function npmEnv(cache: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k)) env[k] = v;
  return { ...env, npm_config_cache: cache, npm_config_update_notifier: 'false', npm_config_audit: 'false', npm_config_fund: 'false' };
}

// Bytes of every file under a folder, as `du` counts what an install puts on disk (symlinks not followed).
function bytesUnder(dir: string): number {
  let sum = 0;
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    const st = lstatSync(p);
    sum += st.isDirectory() ? bytesUnder(p) : st.size;
  }
  return sum;
}

describe('the package as npm installs it', function () {
  this.timeout(180_000);
  let work: string;
  let tarball: string;
  let packed: { path: string }[];
  let project: string;
  let install: { stdout: string; stderr: string };

  before(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'changegate-package-'));
    const cache = path.join(work, 'npm-cache');
    // The build is what the tests run (pretest builds it); prepack would only build it again.
    const pack = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: root, env: npmEnv(cache) });
    const [info] = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[];
    tarball = path.join(work, info!.filename);
    packed = info!.files;
    project = path.join(work, 'project');
    mkdirSync(project);
    writeFileSync(path.join(project, 'package.json'), '{ "name": "adopter", "private": true }\n');
    install = await run('npm', ['install', '--offline', tarball], { cwd: project, env: npmEnv(cache) }).catch((e: { stdout: string; stderr: string }) => {
      throw new Error(`npm install --offline of the tarball failed:\n${e.stdout}${e.stderr}`);
    });
  });

  after(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  function installed(args: string[], cwd: string, env: Record<string, string | undefined> = {}): Promise<CliResult> {
    return new Promise((resolve) => {
      const childEnv: NodeJS.ProcessEnv = { ...process.env, NODE_NO_WARNINGS: undefined, ...env };
      for (const k of Object.keys(childEnv)) if (childEnv[k] === undefined) delete childEnv[k];
      execFile(path.join(project, 'node_modules', '.bin', 'changegate'), args, { cwd, env: childEnv }, (err, stdout, stderr) => {
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, signal: null, stdout, stderr });
      });
    });
  }

  it('ships the bundle, the JSON Schemas and the README, and no runtime dependency', () => {
    const outside = packed.map((f) => f.path).filter((p) => !/^dist\/cli\/([\w-]+\.mjs|THIRD-PARTY-LICENSES\.txt)$|^schema\/[\w.]+\.json$|^(package\.json|README\.md)$/.test(p));
    assert.deepEqual(outside, []);
    assert.ok(packed.some((f) => f.path === 'dist/cli/bin.mjs'));
    const shipped = JSON.parse(readFileSync(path.join(project, 'node_modules', 'changegate', 'package.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(shipped.dependencies, undefined);
    assert.equal(shipped.optionalDependencies, undefined);
    assert.equal(shipped.peerDependencies, undefined);
  });

  it('installs from the tarball alone (offline, empty cache), without a warning, in under 40 MB', () => {
    assert.match(install.stdout, /^\nadded 1 package in \d+(\.\d+)?m?s\n$/);
    assert.equal(install.stderr, '');
    assert.deepEqual(readdirSync(path.join(project, 'node_modules')).sort(), ['.bin', '.package-lock.json', 'changegate']);
    const mb = bytesUnder(path.join(project, 'node_modules')) / 1e6;
    assert.ok(mb < 40, `node_modules holds ${mb.toFixed(1)} MB`);
  });

  it('npx changegate --version prints the version of the package', async () => {
    const r = await run('npx', ['--offline', 'changegate', '--version'], { cwd: project, env: npmEnv(path.join(work, 'npm-cache')) });
    assert.equal(r.stdout, `${pkg.version}\n`);
    assert.equal(r.stderr, '');
  });

  it("validates this repository's own changes exactly as the tested build does", async () => {
    const repo = path.join(work, 'repo');
    for (const p of ['changes', 'migrations', 'changegate.yaml']) cpSync(path.join(root, p), path.join(repo, p), { recursive: true });
    const r = await installed(['validate'], repo);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^\d+ change\(s\) checked: 0 error\(s\), 0 warning\(s\)$/m);
    const built = await runCli(['validate'], { cwd: repo, env: { NODE_NO_WARNINGS: undefined } });
    assert.deepEqual(r, built);
  });

  describe('plan against a throwaway server', () => {
    let server: TestServer;
    let target: { name: string; url: string; drop(): Promise<void> };
    let fake: AwsFake;
    let stopFake: () => Promise<void>;
    let repo: string;
    let env: Record<string, string | undefined>;

    before(async () => {
      server = await getServer();
      target = await server.freshSchema('cgpkg');
      fake = new AwsFake({ clusters: [{ id: 'qainvoicingdb', host: 'localhost', port: server.port }] });
      fake.setSecret('rds-admin-credentials-qainvoicingdb', JSON.stringify({ username: server.user, password: server.password, host: 'localhost', port: server.port, engine: 'mysql' }));
      fake.setSecretRotation('rds-admin-credentials-qainvoicingdb', { rotationEnabled: true });
      const started = await fake.start();
      stopFake = started.stop;
      repo = path.join(work, 'plan-repo');
      for (const p of ['changes', 'migrations']) cpSync(path.join(root, p), path.join(repo, p), { recursive: true });
      // An AWS environment (TLS with the RDS CA bundle plus the test CA) and a URL environment, both on
      // the throwaway server; the repository's own tickets.
      const ticket = /^ticket_pattern: .*$/m.exec(readFileSync(path.join(root, 'changegate.yaml'), 'utf8'))![0];
      const config = awsConfig(serverCa(server), { qa: { cluster: 'qainvoicingdb', schema: target.name } }).replace(/^ticket_pattern: .*$/m, ticket);
      writeFileSync(path.join(repo, 'changegate.yaml'), `${config}  local:\n    url_env: TEST_URL\n`);
      env = { ...fakeAwsChildEnv(started.url), TEST_URL: target.url, NODE_NO_WARNINGS: undefined };
    });

    after(async () => {
      await stopFake?.();
      await target?.drop();
    });

    for (const envName of ['local', 'qa']) {
      it(`plan --env ${envName} prints what the tested build prints`, async () => {
        const r = await installed(['plan', '--env', envName], repo, env);
        assert.equal(r.code, 0, r.stdout + r.stderr);
        const changes = readdirSync(path.join(repo, 'changes')).filter((f) => f.endsWith('.yaml')).length;
        assert.equal(r.stdout.split('\n')[0], `plan for ${envName}: ${changes} change(s) to apply`);
        const built = await runCli(['plan', '--env', envName], { cwd: repo, env });
        assert.deepEqual(r, built);
      });
    }
  });
});
