// The README's "Adopt it in your repository" against what `changegate init` writes, through the real
// executable: the command the README shows is run as written, and every file the section shows is
// compared byte for byte. Also: the pull-request caller has the lifecycle of the repository's own
// pull-request.yml, and the README's inputs table is the reusable workflow's inputs.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { makeRepo, runCli } from './helpers/cli.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;

// The README from one heading to the next of the same level or above (a `#` in a fenced block is no heading).
function section(heading: string): string {
  const lines = readme.split('\n');
  const start = lines.indexOf(heading);
  assert.ok(start >= 0, `README has no "${heading}"`);
  const level = /^#+/.exec(heading)![0].length;
  let fenced = false;
  let end = start + 1;
  for (; end < lines.length; end++) {
    if (lines[end]!.startsWith('```')) fenced = !fenced;
    else if (!fenced && new RegExp(`^#{1,${level}} `).test(lines[end]!)) break;
  }
  return lines.slice(start + 1, end).join('\n') + '\n';
}

// Shell words of one command line: plain words and '...' quoted ones, as the README writes them.
function words(line: string): string[] {
  const out: string[] = [];
  for (const m of line.matchAll(/'([^']*)'|(\S+)/g)) out.push(m[1] ?? m[2]!);
  return out;
}

// Every fenced block right under a line that is only a `path`: the files the README shows.
function shownFiles(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of text.matchAll(/^`([^`\s]+)`\n```[a-z]*\n([\s\S]*?)^```$/gm)) out.set(m[1]!, m[2]!);
  return out;
}

type Job = { if?: string; needs?: string; uses?: string; with?: Record<string, unknown>; permissions?: Record<string, string> };
type Workflow = { on: { pull_request?: { types?: string[] }; workflow_call?: { inputs: Record<string, { description?: string }> } }; jobs: Record<string, Job> };

describe('init and the README', () => {
  const adopt = section('## Adopt it in your repository');

  it('writes, for the command the README shows, every file the README shows, byte for byte', async () => {
    const install = /^npm install --global changegate@(\S+)$/m.exec(adopt);
    assert.equal(install?.[1], version, 'the README installs the version this package is');
    // The init command of the section's shell blocks, its continued lines joined.
    const lines = [...adopt.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].flatMap((m) => m[1]!.replace(/\\\n\s*/g, '').split('\n'));
    const line = lines.find((l) => l.startsWith('changegate init '));
    assert.ok(line, 'the README shows a changegate init command');
    const repo = makeRepo({});
    const r = await runCli(words(line).slice(1), { cwd: repo });
    assert.equal(r.code, 0, r.stderr);

    const shown = shownFiles(adopt);
    assert.deepEqual([...shown.keys()].sort(), ['.github/workflows/changegate-deploy.yml', '.github/workflows/changegate-pull-request.yml', 'changegate.yaml']);
    for (const [file, text] of shown) assert.equal(readFileSync(join(repo, file), 'utf8'), text, `${file} as the README shows it`);
  });

  it('writes a pull-request caller with the whole lifecycle of the repository\'s own pull-request.yml', async () => {
    const repo = makeRepo({});
    assert.equal((await runCli(['init', '--workflow-repo', 'acme/changegate'], { cwd: repo })).code, 0);
    const written = parse(readFileSync(join(repo, '.github/workflows/changegate-pull-request.yml'), 'utf8')) as Workflow;
    const model = parse(readFileSync(join(root, '.github/workflows/pull-request.yml'), 'utf8')) as Workflow;
    assert.deepEqual(written.on.pull_request?.types, model.on.pull_request?.types);
    assert.deepEqual(Object.keys(written.jobs), Object.keys(model.jobs));
    for (const [name, job] of Object.entries(model.jobs)) {
      const ours = written.jobs[name]!;
      assert.equal(ours.if, job.if, `${name}: if`);
      assert.equal(ours.needs, job.needs, `${name}: needs`);
      assert.deepEqual(ours.permissions, job.permissions, `${name}: permissions`);
      assert.equal(ours.uses?.replace(/^acme\/changegate\//, './').replace(/@v.*$/, ''), job.uses, `${name}: uses`);
      const { 'changegate-version': pinned, ...inputs } = ours.with ?? {};
      assert.equal(pinned, version, `${name}: installs the installed version`);
      assert.deepEqual(inputs, job.with ?? {}, `${name}: inputs`);
    }
  });

  it('names qa pull_requests: true when it writes qa, so the pull-request caller may apply there', async () => {
    const repo = makeRepo({});
    const r = await runCli(['init', '--database', 'db', '--ticket-pattern', '^T-[0-9]+$', '--env', 'qa', '--cluster', 'qadb', '--region', 'us-east-2', '--secret', 's', '--schema', 'app'], { cwd: repo });
    assert.equal(r.code, 0, r.stderr);
    const config = parse(readFileSync(join(repo, 'changegate.yaml'), 'utf8')) as { environments: Record<string, Record<string, unknown>> };
    assert.equal(config.environments['qa']!['pull_requests'], true);
    const v = await runCli(['validate'], { cwd: repo });
    assert.equal(v.code, 0, v.stdout + v.stderr);
  });

  it('lists every input of changegate.yml in the README inputs table, with the commands it takes', () => {
    const reusable = parse(readFileSync(join(root, '.github/workflows/changegate.yml'), 'utf8')) as Workflow;
    const inputs = reusable.on.workflow_call!.inputs;
    const table = /^Inputs of `changegate\.yml`:\n\n((?:\|.*\n)+)/m.exec(adopt)?.[1];
    assert.ok(table, 'the README has the inputs table');
    const rows = new Map(table.split('\n').slice(2).filter(Boolean).map((l) => {
      const cells = l.split('|').map((c) => c.trim());
      return [cells[1]!.replace(/`/g, ''), cells[3]!] as const;
    }));
    assert.deepEqual([...rows.keys()].sort(), Object.keys(inputs).sort());
    const commands = inputs['command']!.description!.split('|').map((c) => c.trim());
    assert.deepEqual(commands, ['plan', 'apply', 'abandon']);
    assert.equal(rows.get('command'), '`plan`, `apply` or `abandon`');
  });
});
