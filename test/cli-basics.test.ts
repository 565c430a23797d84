// The commands that need no database, through the real executable: new, envs, lint, and the usage
// errors every command shares (exit 2, a message, never a stack trace).
import { strict as assert } from 'node:assert';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawn } from 'node:child_process';
import { BIN, runCli } from './helpers/cli.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('CLI without a database', function () {
  this.timeout(60_000);
  let repo: string;

  beforeEach(() => {
    repo = mkdtempSync(path.join(tmpdir(), 'changegate-basics-'));
    cpSync(path.join(root, 'changegate.yaml'), path.join(repo, 'changegate.yaml'));
    cpSync(path.join(root, 'changes'), path.join(repo, 'changes'), { recursive: true });
    cpSync(path.join(root, 'migrations'), path.join(repo, 'migrations'), { recursive: true });
  });
  afterEach(() => rmSync(repo, { recursive: true, force: true }));

  it('new writes a change that validates as written, and refuses to overwrite it', async () => {
    const r = await runCli(['new', 'add-invoice-notes', '--ticket', 'INV-77'], { cwd: repo });
    assert.equal(r.code, 0, r.stderr);
    const written = r.stdout.trim().split('\n').map((l) => l.replace(/^wrote /, ''));
    assert.equal(written.length, 3);
    assert.match(written[0]!, /^changes\/\d{4}-\d{2}-\d{2}-add-invoice-notes\.yaml$/);
    const manifest = readFileSync(path.join(repo, written[0]!), 'utf8');
    assert.match(manifest.split('\n')[0]!, /^# yaml-language-server: \$schema=\S+change\.schema\.json$/);
    assert.match(manifest, /^ticket: "INV-77"$/m);
    const v = await runCli(['validate'], { cwd: repo });
    assert.equal(v.code, 0, v.stdout + v.stderr);
    const again = await runCli(['new', 'add-invoice-notes', '--ticket', 'INV-77'], { cwd: repo });
    assert.equal(again.code, 2);
    assert.match(again.stderr, /^error: .*already exists/m);
  });

  it('new dates a change after the last one when today would sort before it, and says so', async () => {
    writeFileSync(path.join(repo, 'changes/2099-12-31-later.yaml'), 'title: later\n');
    const r = await runCli(['new', 'add-x', '--ticket', 'INV-77'], { cwd: repo });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split('\n'), [
      'dated after 2099-12-31-later, which would otherwise sort after it: ids order the changes',
      'wrote changes/2100-01-01-add-x.yaml',
      'wrote migrations/2100-01-01-add-x/up.sql',
      'wrote migrations/2100-01-01-add-x/down.sql',
    ]);
  });

  it('ends quietly with its own exit code when the reader closes the pipe (changegate validate | head -1)', async () => {
    const child = spawn(process.execPath, [BIN, 'validate'], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    // The reader is gone before the first line: every write meets a closed pipe.
    child.stdout!.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    assert.equal(stderr, '');
    assert.equal(code, 0);
  });

  it('--version prints the package version', async () => {
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const r = await runCli([flag], { cwd: repo });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, `${pkg.version}\n`);
    }
  });

  it('new refuses a ticket that does not match ticket_pattern', async () => {
    const r = await runCli(['new', 'x', '--ticket', 'JIRA-1'], { cwd: repo });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /JIRA-1/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });

  it('envs lists environments in promotion order, and --json is a GitHub Actions matrix', async () => {
    const r = await runCli(['envs'], { cwd: repo });
    assert.equal(r.code, 0);
    assert.deepEqual(r.stdout.trim().split('\n'), [
      'qa  cluster qainvoicingdb (us-east-2)  snapshot: never',
      'prod  cluster prodinvoicingdb (us-east-2)  after qa  snapshot: destructive  approval: required',
      'local  url from CHANGEGATE_LOCAL_URL  snapshot: never',
    ]);
    const json = await runCli(['envs', '--json'], { cwd: repo });
    const matrix = JSON.parse(json.stdout) as { include: { environment: string }[] };
    assert.deepEqual(matrix.include.map((e) => e.environment), ['qa', 'prod', 'local']);
  });

  it('lint prints findings with rule codes and lints loose files', async () => {
    const r = await runCli(['--format', 'json', 'lint', 'migrations/2026-11-17-drop-customer-email/up.sql'], { cwd: repo });
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as { diagnostics: { code: string; line: number; destructive: boolean }[] };
    assert.deepEqual(doc.diagnostics.map((d) => [d.code, d.line, d.destructive]), [['CG106', 3, true], ['CG106', 3, true]]);
  });

  it('usage errors exit 2 with a message, never a stack trace', async () => {
    const cases: [string[], RegExp][] = [
      [['apply'], /required option '--env <name>' not specified/],
      [['apply', '--env', 'nowhere'], /^error: unknown environment "nowhere"; changegate\.yaml configures qa, prod, local$/m],
      [['--format', 'yaml', 'validate'], /argument 'yaml' is invalid/],
      [['frobnicate'], /unknown command 'frobnicate'/],
      [['resolve', 'x', '--env', 'local', '--statement', '1'], /^error: resolve needs exactly one of --applied or --not-applied$/m],
      [['resolve', 'x', '--env', 'local', '--statement', 'two', '--applied'], /^error: --statement must be a statement number \(1, 2, \.\.\.\), not "two"$/m],
      [['apply', '--env', 'local'], /^error: environment local reads its URL from CHANGEGATE_LOCAL_URL, which is not set$/m],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args, { cwd: repo, env: { CHANGEGATE_LOCAL_URL: undefined } });
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message, args.join(' '));
      assert.doesNotMatch(r.stderr, /\n\s+at |this is a bug/, args.join(' '));
    }
  });
});

describe('Node.js versions', () => {
  it('the workflows run Node 24 (.nvmrc, which every setup-node step reads) while the package still supports Node 20', () => {
    assert.equal(readFileSync(path.join(root, '.nvmrc'), 'utf8').trim(), '24');
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { engines: { node: string } };
    assert.equal(pkg.engines.node, '>=20');
    const workflows = path.join(root, '.github', 'workflows');
    for (const f of readdirSync(workflows)) {
      const text = readFileSync(path.join(workflows, f), 'utf8');
      assert.doesNotMatch(text, /^\s*node-version:/m, `${f} pins a Node version instead of reading .nvmrc`);
      for (const m of text.matchAll(/actions\/setup-node@[^\n]*\n\s*with:\n\s*node-version-file: (\S+)/g)) {
        assert.ok(['.nvmrc', '${{'].some((p) => m[1]!.startsWith(p)), `${f}: ${m[1]}`);
      }
    }
  });
});
