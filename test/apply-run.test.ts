// apply's use case over in-memory ports: the guards in their order, each refusing before anything of
// the refused change runs, and what the team is told. The CLI runs this same function (apply-cli and
// the workflow tests drive it through the real adapters).
import { strict as assert } from 'node:assert';
import type { Change, Config, EnvironmentConfig } from '../src/core/types.js';
import { applyRun, type ApplyRequest } from '../src/core/usecases/apply-run.js';
import type { ImpactPort } from '../src/core/usecases/ports.js';
import { MemoryServer, memoryChange } from './helpers/memory-target.js';
import { memoryPorts } from './helpers/memory-ports.js';

const base = { snapshot: 'never' as const, lock_wait_timeout: 5, lock_retries: 0, lock_timeout: 10, snapshot_timeout: 60, snapshot_poll_seconds: 1, line: 1 };
const qa: EnvironmentConfig = { ...base, name: 'qa' };
const prod: EnvironmentConfig = { ...base, name: 'prod', after: 'qa', approval: 'required' };
const config: Config = { root: '/repo', file: 'changegate.yaml', database: 'app', server: { min_version: '8.0' }, protected_clusters: [], environments: [qa, prod] };

const change = (id: string, sqls: string[], extra: Partial<Change> = {}): Change => ({ ...memoryChange(id, sqls), ...extra });
const A = change('2026-12-01-a', ['CREATE TABLE a1 (id INT)', "INSERT INTO trace VALUES ('a2')"]);
const scopeOf = (env: EnvironmentConfig, changes: Change[] = [A]) => ({ config, changes, byId: new Map(changes.map((c) => [c.id, c])), env });
const request = (over: Partial<ApplyRequest> = {}): ApplyRequest => ({
  runner: { inActions: false, deploymentEnvironment: undefined, approvedBy: undefined },
  dryRun: false, pullRequest: null, lockTimeoutSec: 0, inFlightWaitMs: 0, pollMs: 0, ...over,
});

describe('apply use case (in-memory ports)', () => {
  it('applies, records and tells the team at the start and the end', async () => {
    const server = new MemoryServer();
    const ports = memoryPorts(server);
    const out = await applyRun(scopeOf(qa), request(), ports, {});
    assert.equal(out.kind, 'applied');
    assert.deepEqual(server.committed.trace, ['a1', 'a2']);
    assert.deepEqual(ports.announced.map((a) => [a.phase, a.environment, a.changeId ?? null]), [['start', 'qa', null], ['success', 'qa', null]]);
    assert.deepEqual(ports.announced[1]!.report!.changes.map((c) => `${c.id} ${c.result}`), ['2026-12-01-a applied']);
  });

  it('tells the team which change failed, and reports the run', async () => {
    const server = new MemoryServer();
    server.deadlocks = 1;
    const ports = memoryPorts(server);
    const bad = change('2026-12-02-b', ["INSERT INTO trace VALUES ('DEADLOCK')"]);
    const reported: string[] = [];
    await assert.rejects(applyRun(scopeOf(qa, [A, bad]), request(), ports, { reported: (r) => reported.push(r.changes.map((c) => `${c.id} ${c.result}`).join(', ')) }), /statement 1 of 1 failed/);
    assert.deepEqual(ports.announced.map((a) => [a.phase, a.changeId ?? null]), [['start', null], ['failure', '2026-12-02-b']]);
    // The tickets name the failed statement and each change's result.
    assert.deepEqual(ports.announced[1]!.failedAt, { statement: 1, file: 'migrations/2026-12-02-b/up.sql', line: 1 });
    assert.deepEqual(ports.announced[1]!.report!.changes.map((c) => c.result), ['applied', 'failed']);
    assert.deepEqual(reported, ['2026-12-01-a applied, 2026-12-02-b failed']);
  });

  it('refuses approval: required outside GitHub Actions without --approved-by, before connecting', async () => {
    const ports = memoryPorts(new MemoryServer(), { afterHistory: [] });
    await assert.rejects(applyRun(scopeOf(prod), request(), ports, {}), {
      message: 'refused: prod requires approval; outside GitHub Actions pass --approved-by <the teammate who verified this change>, which is recorded in the history',
    });
    assert.equal(ports.locks, 0);
  });

  it('refuses a change that has not succeeded in the environment before, listing the problem, before any statement', async () => {
    const server = new MemoryServer();
    const ports = memoryPorts(server, { afterHistory: [] });
    const planned: number[] = [];
    await assert.rejects(
      applyRun(scopeOf(prod), request({ runner: { inActions: false, deploymentEnvironment: undefined, approvedBy: 'alice' } }), ports, { planned: (_p, problems) => planned.push(problems.length) }),
      { message: 'prod: 1 problem(s) stop this run before anything executes:\n  refused: 2026-12-01-a has not run in qa; prod runs only what succeeded in qa first (after: qa)' },
    );
    assert.deepEqual(planned, [1]);
    assert.deepEqual(server.committed.trace, []);
    // Only the tickets hear of a refusal: the reason, and the changes it kept from running.
    assert.deepEqual(ports.announced.map((a) => [a.phase, a.plan.changes.map((c) => c.id), a.error]), [
      ['refused', ['2026-12-01-a'], 'prod: 1 problem(s) stop this run before anything executes:\n  refused: 2026-12-01-a has not run in qa; prod runs only what succeeded in qa first (after: qa)'],
    ]);
  });

  it('in GitHub Actions, refuses approval: required when GitHub reports no approved review; records who approved otherwise', async () => {
    const qaDone = new MemoryServer();
    await applyRun(scopeOf(qa), request(), memoryPorts(qaDone), {});
    const afterHistory = [...qaDone.committed.history.values()];
    const runner = { inActions: true, deploymentEnvironment: 'prod', approvedBy: undefined };
    const refused = new MemoryServer();
    const none = memoryPorts(refused, { afterHistory });
    await assert.rejects(applyRun(scopeOf(prod), request({ runner }), none, {}), {
      message: 'refused: prod requires approval, but GitHub reports no approved deployment review of this run for environment prod; give the prod environment required reviewers (and the job actions: read and GITHUB_TOKEN)',
    });
    assert.deepEqual(refused.committed.trace, []);
    assert.deepEqual(none.announced.map((a) => [a.phase, a.error]), [
      ['refused', 'refused: prod requires approval, but GitHub reports no approved deployment review of this run for environment prod; give the prod environment required reviewers (and the job actions: read and GITHUB_TOKEN)'],
    ]);
    const approved = new MemoryServer();
    const ports = memoryPorts(approved, { afterHistory, ports: { approvals: async () => ({ approver: 'alice', reviewers: ['bob', 'alice'] }) } });
    await applyRun(scopeOf(prod), request({ runner }), ports, {});
    assert.equal(approved.committed.history.get(A.id)!.approver, 'alice, reviewer:bob');
    assert.equal(ports.announced[0]!.approver, 'alice, reviewer:bob');
  });

  it('writes nothing on a dry run, not even an interrupted run\'s verdict', async () => {
    const server = new MemoryServer();
    const out = await applyRun(scopeOf(qa), request({ dryRun: true }), memoryPorts(server), {});
    assert.equal(out.kind, 'dry-run');
    assert.deepEqual(out.report.changes.map((c) => c.result), ['not-run']);
    assert.equal(server.ops, 0);
  });

  it('never runs a baseline over a schema that is not empty', async () => {
    const server = new MemoryServer();
    const bl = change('2026-11-30-baseline', ['CREATE TABLE t (id INT)'], { baseline: true });
    await assert.rejects(applyRun(scopeOf(qa, [bl]), request(), memoryPorts(server, { target: { schemaIsEmpty: async () => false } }), {}), {
      message: 'refused: qa has no record of the baseline change 2026-11-30-baseline and its schema is not empty; apply never runs a baseline over an existing schema: run changegate baseline --env qa first',
    });
    assert.deepEqual(server.committed.trace, []);
  });

  it('refuses a change whose pre-check fails right before it starts, after the changes before it ran, and tells its warnings', async () => {
    const server = new MemoryServer();
    const B = change('2026-12-02-b', ["INSERT INTO trace VALUES ('b1')"]);
    const impact: ImpactPort = {
      assess: async (plan, opts) => {
        if (!opts.checks) return;
        for (const c of plan.changes) {
          c.checks = c.id === B.id
            ? [{ code: 'CG501', statement: 1, outcome: 'fail', count: 2, message: '2 rows would collide' }, { code: 'CG503', statement: 1, outcome: 'warn', count: 1, message: '1 value rounds' }]
            : [];
        }
      },
      close: async () => undefined,
    };
    const warnings: string[] = [];
    const found: string[] = [];
    await assert.rejects(
      applyRun(scopeOf(qa, [A, B]), request(), memoryPorts(server, { target: { impact: async () => impact } }), {
        warn: (l) => warnings.push(l),
        diagnostics: (d) => found.push(...d.map((x) => `${x.code} ${x.severity} ${x.file}:${x.line}`)),
      }),
      { message: 'refused: 2026-12-02-b stops before its first statement: 1 pre-check(s) failed in qa:\n  statement 1 CG501: 2 rows would collide' },
    );
    assert.deepEqual(server.committed.trace, ['a1', 'a2']);
    assert.equal(server.committed.history.get(B.id), undefined);
    assert.deepEqual(warnings, ['2026-12-02-b: statement 1 CG503: 1 value rounds']);
    assert.deepEqual(found, ['CG501 error migrations/2026-12-02-b/up.sql:1', 'CG503 warning migrations/2026-12-02-b/up.sql:1']);
  });
});
