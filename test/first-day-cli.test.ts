// What a new team reads on its first day, through the real executable and without a database: a URL
// and a `schema:` that disagree, the counts and closing lines of validate and lint, every finding's
// severity and code, init's wording and .gitignore, the help of every command, and the flags that
// name a pull request.
import { strict as assert } from 'node:assert';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { localConfig, makeRepo, runCli } from './helpers/cli.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('first day with changegate (no database)', function () {
  this.timeout(60_000);
  let repo: string;

  beforeEach(() => {
    repo = mkdtempSync(path.join(tmpdir(), 'changegate-first-day-'));
    cpSync(path.join(root, 'changegate.yaml'), path.join(repo, 'changegate.yaml'));
    cpSync(path.join(root, 'changes'), path.join(repo, 'changes'), { recursive: true });
    cpSync(path.join(root, 'migrations'), path.join(repo, 'migrations'), { recursive: true });
  });
  afterEach(() => rmSync(repo, { recursive: true, force: true }));

  describe('a URL and schema: that disagree', () => {
    it('is refused with exit 2 naming both, before anything connects', async () => {
      const repo = makeRepo({ 'changegate.yaml': localConfig('    schema: sakila_qa') });
      // Port 1 refuses every connection: reaching it would be a different error.
      const r = await runCli(['status', '--env', 'local'], { cwd: repo, env: { TEST_URL: 'mysql://qa:pw@127.0.0.1:1/sakila' } });
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.equal(r.stderr, "error: environment local: the URL in TEST_URL names schema sakila but schema: says sakila_qa; make them agree, or leave schema: out (the URL's schema is used)\n");
    });

    it('goes on to connect when they agree', async () => {
      const repo = makeRepo({ 'changegate.yaml': localConfig('    schema: sakila') });
      const r = await runCli(['status', '--env', 'local'], { cwd: repo, env: { TEST_URL: 'mysql://qa:pw@127.0.0.1:1/sakila' } });
      assert.doesNotMatch(r.stderr, /names schema/);
      assert.match(r.stderr, /ECONNREFUSED/);
    });

    it('is a validate error for a literal url', async () => {
      const repo = makeRepo({ 'changegate.yaml': localConfig('    schema: sakila_qa').replace('    url_env: TEST_URL', '    url: "mysql://127.0.0.1:1/sakila"') });
      const r = await runCli(['validate'], { cwd: repo });
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.match(r.stdout, /^changegate\.yaml:9:13 {2}error CG024 {2}environments\.local\.schema {2}is sakila_qa, but url names sakila; make them agree, or leave schema: out \(the URL's schema is used\)$/m);
    });
  });

  describe('what validate and lint say', () => {
    it('validate counts every manifest, a malformed one too', async () => {
      writeFileSync(path.join(repo, 'changes/2026-12-01-broken.yaml'), 'title: [unclosed\n');
      const r = await runCli(['validate'], { cwd: repo });
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stdout, /^6 change\(s\) checked: 1 error\(s\), 0 warning\(s\)$/m);
    });

    it('every finding names its severity and code, placeholders included (CG080)', async () => {
      writeFileSync(path.join(repo, 'grant.sql'), 'GRANT SELECT ON t TO r;\n');
      const l = await runCli(['lint', 'grant.sql'], { cwd: repo });
      assert.equal(l.code, 1, l.stdout + l.stderr);
      assert.equal(
        l.stdout,
        'grant.sql:1:1  error CG206  GRANT changes accounts or privileges, which belong to the server, not to the schema this change runs in; manage accounts and privileges outside changegate\n' +
          '1 file(s), 1 statement(s) checked: 1 error(s), 0 warning(s), 0 notice(s)\n',
      );
      const fresh = makeRepo({});
      await runCli(['init'], { cwd: fresh });
      const v = await runCli(['validate'], { cwd: fresh });
      assert.match(v.stdout, /^changegate\.yaml:4:\d+ {2}error CG080 {2}database {2}is a placeholder that changegate init wrote: fill in the name of the database \(for example invoicingdb\)$/m);
      rmSync(fresh, { recursive: true, force: true });
    });

    it('lint says what it checked when it finds nothing to report', async () => {
      writeFileSync(path.join(repo, 'ok.sql'), 'CREATE TABLE t (id INT PRIMARY KEY);\n');
      const f = await runCli(['lint', 'ok.sql'], { cwd: repo });
      assert.equal(f.code, 0, f.stderr);
      assert.equal(f.stdout, '1 file(s), 1 statement(s) checked: no findings\n');
      rmSync(path.join(repo, 'changes/2026-11-17-drop-customer-email.yaml'));
      const all = await runCli(['lint'], { cwd: repo });
      assert.equal(all.code, 0, all.stderr);
      assert.match(all.stdout, /^4 change\(s\), \d+ statement\(s\) checked: no findings\n$/);
    });
  });

  describe('init', () => {
    it('--force names only the folders it created, and the next step names the environment given', async () => {
      const fresh = makeRepo({});
      assert.equal((await runCli(['init'], { cwd: fresh })).code, 0);
      const forced = await runCli(['init', '--force', '--env', 'prod', '--cluster', 'prodsakila', '--region', 'us-east-2', '--secret', 's', '--schema', 'sakila'], { cwd: fresh });
      assert.equal(forced.code, 0, forced.stderr);
      assert.doesNotMatch(forced.stdout, /created/);
      assert.match(forced.stdout, /^next: changegate baseline --env prod --ticket <ticket> on the environment that matches production \(see the README, "Adopt it in your repository"\)$/m);
      rmSync(fresh, { recursive: true, force: true });
    });

    it('writes a .gitignore with node_modules/, and adds the line to an existing one', async () => {
      const fresh = makeRepo({});
      const r = await runCli(['init'], { cwd: fresh });
      assert.match(r.stdout, /^wrote \.gitignore$/m);
      assert.equal(readFileSync(path.join(fresh, '.gitignore'), 'utf8'), 'node_modules/\n');
      const own = makeRepo({ '.gitignore': '*.log' });
      const o = await runCli(['init'], { cwd: own });
      assert.match(o.stdout, /^added node_modules\/ to \.gitignore$/m);
      assert.equal(readFileSync(path.join(own, '.gitignore'), 'utf8'), '*.log\nnode_modules/\n');
      const done = makeRepo({ '.gitignore': '/node_modules\n' });
      const d = await runCli(['init'], { cwd: done });
      assert.match(d.stdout, /^kept \.gitignore \(it exists\)$/m);
      assert.equal(readFileSync(path.join(done, '.gitignore'), 'utf8'), '/node_modules\n');
      for (const dir of [fresh, own, done]) rmSync(dir, { recursive: true, force: true });
    });
  });

  describe('help and flags', () => {
    it("every command's --help shows --format and --config", async () => {
      const commands = ['validate', 'lint', 'plan', 'apply', 'abandon', 'status', 'snapshot', 'drift', 'envs', 'new', 'baseline', 'init', 'resolve', 'rollback', 'restore', 'comment', 'merge'];
      for (const c of commands) {
        const r = await runCli([c, '--help'], { cwd: repo });
        assert.equal(r.code, 0, `${c}: ${r.stderr}`);
        // Help wraps to the terminal's width: compare the section with its whitespace collapsed.
        const global = r.stdout.slice(r.stdout.indexOf('\nGlobal Options:\n')).replace(/\s+/g, ' ');
        assert.ok(
          global.startsWith(' Global Options: --format <format> output format (choices: "text", "json", "github", default: "text") --config <path> path of changegate.yaml (default: "changegate.yaml") '),
          `${c}: ${r.stdout}`,
        );
      }
    });

    it('snapshot --help names every kind of backup, not only a cluster snapshot', async () => {
      const r = await runCli(['snapshot', '--help'], { cwd: repo });
      assert.match(r.stdout, /^take the cluster or instance snapshot, or the table backup, the plan requires$/m);
    });

    it('comment takes --pull-request, documented, and --pr', async () => {
      const help = await runCli(['comment', '--help'], { cwd: repo });
      assert.match(help.stdout, /^ {2}--pull-request <number> +pull request number$/m);
      assert.doesNotMatch(help.stdout, /--pr </);
      const env = { GITHUB_TOKEN: undefined, GITHUB_REPOSITORY: undefined };
      for (const flag of ['--pull-request', '--pr']) {
        const bad = await runCli(['comment', flag, 'seven'], { cwd: repo, env });
        assert.equal(bad.code, 2, flag);
        assert.equal(bad.stderr, 'error: --pull-request must be a pull request number, not "seven"\n', flag);
        const ok = await runCli(['comment', flag, '7'], { cwd: repo, env });
        assert.equal(ok.stderr, 'error: comment needs GITHUB_TOKEN and GITHUB_REPOSITORY (set by GitHub Actions)\n', flag);
      }
      const none = await runCli(['comment'], { cwd: repo, env });
      assert.equal(none.code, 2);
      assert.equal(none.stderr, 'error: comment needs --pull-request <number>\n');
    });

    it('restore of a change that does not exist is a usage error (exit 2), before anything connects', async () => {
      const r = await runCli(['restore', 'no-such-change', '--env', 'local'], { cwd: repo, env: { CHANGEGATE_LOCAL_URL: 'mysql://u:pw@127.0.0.1:1/app' } });
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.equal(r.stderr, 'error: no change no-such-change in changes/\n');
    });
  });
});
