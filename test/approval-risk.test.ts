// Approval by risk on real plans: each case is a change set planned by the real executable against the
// throwaway server (its impact, online and batch decisions and pre-checks read from live tables), and
// the plan's `approval` is the verdict of core/risk.ts word for word. Then apply under approval: risky
// through the CLI: a routine change applies with no approver, a risky one is refused without one (at a
// workstation and in a GitHub Actions job outside the environment with reviewers) and applies with one.
import { strict as assert } from 'node:assert';
import { rmSync } from 'node:fs';
import mysql from 'mysql2/promise';
import { getServer, type TestServer } from './helpers/mysql-server.js';
import { localConfig, makeRepo, runCli } from './helpers/cli.js';
import { ROUTINE_REASON, approvalBeforePlan, approvalDecision } from '../src/core/risk.js';
import { approvalGate } from '../src/core/guards.js';
import type { Plan, PlannedChange, PlannedStatement } from '../src/core/plan-types.js';
import type { Impact } from '../src/core/impact/types.js';
import type { Config, EnvironmentConfig } from '../src/core/types.js';
import { applyRun } from '../src/core/usecases/apply-run.js';
import type { ImpactPort } from '../src/core/usecases/ports.js';
import { MemoryServer, memoryChange } from './helpers/memory-target.js';
import { memoryPorts } from './helpers/memory-ports.js';

const ID = '2026-12-07-invoices';
// Statement 2's uniqueness check reads a column statement 1 adds: it can only be verified as the change runs.
const WARNS = 'ALTER TABLE invoices ADD COLUMN ref VARCHAR(20) NULL;\n\nALTER TABLE invoices ADD UNIQUE KEY uk_ref (ref);\n';

/** One change `ID` running `sql`, with a rollback file unless `rollback: false`. */
function changeSet(sql: string, opts: { destructive?: boolean; rollback?: boolean } = {}): Record<string, string> {
  const rollback = opts.rollback ?? true;
  return {
    [`changes/${ID}.yaml`]: [
      `title: ${ID}`,
      'ticket: T-1',
      `destructive: ${opts.destructive ?? false}`,
      'apply:',
      `  - migrations/${ID}/up.sql`,
      ...(rollback ? ['rollback:', `  - migrations/${ID}/down.sql`] : []),
    ].join('\n') + '\n',
    [`migrations/${ID}/up.sql`]: sql,
    ...(rollback ? { [`migrations/${ID}/down.sql`]: 'SELECT 1;\n' } : {}),
  };
}

describe('approval by risk', function () {
  this.timeout(120_000);
  let server: TestServer;
  let schema: { name: string; url: string; drop(): Promise<void> };
  const repos: string[] = [];
  const env = () => ({ TEST_URL: schema.url });

  before(async () => {
    server = await getServer();
  });
  beforeEach(async () => {
    schema = await server.freshSchema('risk');
    await query('CREATE TABLE invoices (id BIGINT NOT NULL PRIMARY KEY, amount DECIMAL(10,2) NOT NULL DEFAULT 0, code VARCHAR(20) NULL) ENGINE=InnoDB');
    await query("INSERT INTO invoices VALUES (1, 10.25, 'a'), (2, 20.50, 'b'), (3, 30.75, NULL)");
  });
  afterEach(async () => {
    await schema.drop();
    for (const r of repos.splice(0)) rmSync(r, { recursive: true, force: true });
  });

  async function query<T>(sql: string): Promise<T[]> {
    const conn = await mysql.createConnection(schema.url);
    try {
      const [rows] = await conn.query(sql);
      return rows as T[];
    } finally {
      await conn.end();
    }
  }

  function repo(files: Record<string, string>, extra = '    approval: risky'): string {
    const dir = makeRepo({ 'changegate.yaml': localConfig(extra), ...files });
    repos.push(dir);
    return dir;
  }

  async function planDoc(dir: string): Promise<{ approval: { required: boolean; reasons: string[] } }> {
    const r = await runCli(['--format', 'json', 'plan', '--env', 'local'], { cwd: dir, env: env() });
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    return JSON.parse(r.stdout);
  }

  describe('the decision on real plans', () => {
    // `t` is the live table's name, `schema.invoices`.
    const cases: { name: string; files: () => Record<string, string>; extra?: string; want: (t: string) => { required: boolean; reasons: string[] } }[] = [
      {
        name: 'an instant ADD COLUMN ... NULL with rollback files is routine',
        files: () => changeSet('ALTER TABLE invoices ADD COLUMN due_on DATE NULL;\n'),
        want: () => ({ required: false, reasons: [ROUTINE_REASON] }),
      },
      {
        name: 'the same change without rollback files is risky',
        files: () => changeSet('ALTER TABLE invoices ADD COLUMN due_on DATE NULL;\n', { rollback: false }),
        want: () => ({ required: true, reasons: [`${ID}: no rollback files (rollback: in changes/${ID}.yaml)`] }),
      },
      {
        name: 'an ALTER that copies the table blocks writes',
        files: () => changeSet('ALTER TABLE invoices ADD COLUMN due_on DATE NULL, ALGORITHM=COPY;\n'),
        want: (t) => ({ required: true, reasons: [`${ID} statement 1: blocks writes: ${t} (3 rows, copy, lock shared, rebuilds, ~1 s)`] }),
      },
      {
        name: 'a rebuild in place blocks no writes but rewrites the whole table',
        files: () => changeSet('ALTER TABLE invoices FORCE;\n'),
        want: (t) => ({ required: true, reasons: [`${ID} statement 1: rebuilds the table: ${t} (3 rows, inplace, lock none, rebuilds, ~1 s)`] }),
      },
      {
        name: 'an INSERT is not judged by the impact rules: its impact is unknown',
        files: () => changeSet('INSERT INTO invoices (id, amount) VALUES (4, 1.00);\n'),
        want: () => ({ required: true, reasons: [`${ID} statement 1: its impact is unknown (the impact rules do not judge this kind of statement)`] }),
      },
      {
        name: 'a batched UPDATE: destructive, batched, and its row estimate warns',
        files: () => changeSet("-- changegate:batch rows=2\nUPDATE invoices SET code = 'z';\n", { destructive: true }),
        want: (t) => ({
          required: true,
          reasons: [
            `${ID}: a destructive change`,
            `${ID} statement 1: runs in batches (about 3 rows in 2 batches)`,
            `${ID} statement 1: pre-check CG506 warns: ${t}: the UPDATE changes about 3 rows (EXPLAIN's estimate; it was not run), holding their row locks until it commits; batch it by primary key ranges when that is more than a few thousand`,
          ],
        }),
      },
      {
        name: 'a blocking ALTER on a table over above_rows runs online',
        files: () => changeSet('ALTER TABLE invoices MODIFY amount DECIMAL(12,2) NOT NULL DEFAULT 0;\n', { destructive: true }),
        extra: '    approval: risky\n    online_schema_change: { tool: pt-online-schema-change, above_rows: 1 }',
        want: (t) => ({ required: true, reasons: [`${ID}: a destructive change`, `${ID} statement 1: runs online with pt-online-schema-change on ${t} (3 rows)`] }),
      },
      {
        name: 'a DROP COLUMN of a column holding values: instant, but destructive, and its pre-check warns',
        files: () => changeSet('ALTER TABLE invoices DROP COLUMN code;\n', { destructive: true }),
        want: (t) => ({
          required: true,
          reasons: [
            `${ID}: a destructive change`,
            `${ID} statement 1: pre-check CG505 warns: ${t}.code: DROP COLUMN deletes 2 non-NULL values for good; make sure a snapshot or backup holds them, or stop writing the column and drop it in a later change`,
          ],
        }),
      },
      {
        name: 'a pre-check that cannot run before the change starts warns',
        files: () => changeSet(WARNS),
        want: (t) => ({
          required: true,
          reasons: [`${ID} statement 2: pre-check CG501 warns: duplicates in ${t} (ref): cannot be verified before ${ID} starts, since its statement 1 changes ${t}.ref first; verify it by hand, or move the statement into a change of its own`],
        }),
      },
      {
        name: 'a copy of a table the same change created empty blocks no one',
        files: () => changeSet('CREATE TABLE invoice_lines (id BIGINT NOT NULL PRIMARY KEY) ENGINE=InnoDB;\n\nALTER TABLE invoice_lines ADD COLUMN qty INT NULL, ALGORITHM=COPY;\n'),
        want: () => ({ required: false, reasons: [ROUTINE_REASON] }),
      },
      {
        name: 'nothing pending is routine',
        files: () => ({}),
        want: () => ({ required: false, reasons: ['nothing to apply'] }),
      },
      {
        name: 'approval: required asks whatever the plan holds',
        files: () => changeSet('ALTER TABLE invoices ADD COLUMN due_on DATE NULL;\n'),
        extra: '    approval: required',
        want: () => ({ required: true, reasons: ['approval: required'] }),
      },
      {
        name: 'approval: none (the default) never asks',
        files: () => changeSet('ALTER TABLE invoices DROP COLUMN code;\n', { destructive: true }),
        extra: '',
        want: () => ({ required: false, reasons: ['approval: none'] }),
      },
    ];
    for (const c of cases) {
      it(c.name, async () => {
        const doc = await planDoc(repo(c.files(), c.extra));
        assert.deepEqual(doc.approval, c.want(`${schema.name}.invoices`), JSON.stringify(doc, null, 2));
      });
    }
  });

  it('is a setting validate knows, envs shows, and that refuses pull_requests: true as required does', async () => {
    const ok = repo({});
    const envs = await runCli(['envs'], { cwd: ok, env: env() });
    assert.equal(envs.stdout, 'local  url from TEST_URL  snapshot: never  approval: risky\n');
    const bad = repo({}, '    approval: risky\n    pull_requests: true');
    const v = await runCli(['validate'], { cwd: bad });
    assert.equal(v.code, 2);
    assert.match(v.stdout, /^changegate\.yaml:\d+:\d+ {2}error CG\d+ {2}environments\.local\.pull_requests {2}cannot be true with approval: risky: an environment behind an approval \(PROD\) runs merged changes only$/m);
  });

  describe('apply under approval: risky', () => {
    const ADD = 'ALTER TABLE invoices ADD COLUMN due_on DATE NULL;\n';
    const COPY = 'ALTER TABLE invoices ADD COLUMN due_on DATE NULL, ALGORITHM=COPY;\n';
    // Outside Actions, whatever the machine running the tests says.
    const workstation = { GITHUB_ACTIONS: undefined, CHANGEGATE_ENVIRONMENT: undefined, GITHUB_TOKEN: undefined };
    const inActions = (githubEnvironment: string) => ({ GITHUB_ACTIONS: 'true', CHANGEGATE_ENVIRONMENT: githubEnvironment, GITHUB_TOKEN: undefined });
    const history = () => query<{ change_id: string; status: string; approver: string | null }>('SELECT change_id, status, approver FROM changegate_history ORDER BY change_id');
    const columns = async () => (await query<{ c: string }>(`SELECT COLUMN_NAME AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'invoices' ORDER BY ORDINAL_POSITION`)).map((r) => r.c);
    const risky = (t: string) => [
      'local says approval: risky, and this run\'s plan is risky:',
      `  ${ID} statement 1: blocks writes: ${t} (3 rows, copy, lock shared, rebuilds, ~1 s)`,
    ];

    it('applies a routine change with no approver, and says why none was asked', async () => {
      const dir = repo(changeSet(ADD));
      const r = await runCli(['apply', '--env', 'local'], { cwd: dir, env: { ...env(), ...workstation } });
      assert.equal(r.code, 0, r.stderr + r.stdout);
      assert.match(r.stdout, new RegExp(`^approval: not needed \\(routine\\): ${ROUTINE_REASON}$`, 'm'));
      assert.deepEqual(await history(), [{ change_id: ID, status: 'applied', approver: null }]);
    });

    it('applies a routine change in a GitHub Actions job of the routine environment, without reviewers', async () => {
      const dir = repo(changeSet(ADD));
      const r = await runCli(['apply', '--env', 'local'], { cwd: dir, env: { ...env(), ...inActions('local-routine') } });
      assert.equal(r.code, 0, r.stderr + r.stdout);
      assert.deepEqual(await history(), [{ change_id: ID, status: 'applied', approver: null }]);
    });

    it('refuses a risky change without an approver, naming its risks, and applies it with --approved-by', async () => {
      const dir = repo(changeSet(COPY));
      const t = `${schema.name}.invoices`;
      const plan = await runCli(['plan', '--env', 'local'], { cwd: dir, env: env() });
      assert.equal(plan.code, 0, plan.stderr);
      assert.deepEqual(plan.stdout.split('\n').slice(-3), ['approval: required (risky):', `  ${ID} statement 1: blocks writes: ${t} (3 rows, copy, lock shared, rebuilds, ~1 s)`, '']);

      const refused = await runCli(['apply', '--env', 'local'], { cwd: dir, env: { ...env(), ...workstation } });
      assert.equal(refused.code, 1, refused.stdout);
      assert.equal(
        refused.stderr,
        [
          'error: refused: local requires approval; outside GitHub Actions pass --approved-by <the teammate who verified this change>, which is recorded in the history',
          ...risky(t),
          '',
        ].join('\n'),
      );
      assert.deepEqual(await columns(), ['id', 'amount', 'code'], 'nothing ran');

      const approved = await runCli(['apply', '--env', 'local', '--approved-by', 'alice'], { cwd: dir, env: { ...env(), ...workstation } });
      assert.equal(approved.code, 0, approved.stderr + approved.stdout);
      assert.deepEqual(await history(), [{ change_id: ID, status: 'applied', approver: 'alice' }]);
      assert.deepEqual(await columns(), ['id', 'amount', 'code', 'due_on']);
    });

    it('refuses, in GitHub Actions, a plan that is risky now in a job of the routine environment, whatever the plan job said', async () => {
      const dir = repo(changeSet(COPY));
      const r = await runCli(['apply', '--env', 'local'], { cwd: dir, env: { ...env(), ...inActions('local-routine') } });
      assert.equal(r.code, 1, r.stdout);
      assert.equal(
        r.stderr,
        [
          'error: refused: local requires approval: run it in a GitHub Actions job with "environment: local" (its required reviewers approve the deployment) ' +
            'and CHANGEGATE_ENVIRONMENT=local; this job runs in environment local-routine',
          ...risky(`${schema.name}.invoices`),
          '',
        ].join('\n'),
      );
      assert.deepEqual(await columns(), ['id', 'amount', 'code'], 'nothing ran');
    });
  });
});

describe('approval by risk: the cases a live plan rarely shows', () => {
  const impact = (over: Partial<Impact>): Impact => ({ table: 'shop.t', rows: 5, bytes: 16384, algorithm: 'instant', lock: 'none', rebuild: false, seconds: 0, ...over });
  const st = (n: number, over: Partial<PlannedStatement> = {}): PlannedStatement => ({ n, file: 'm/up.sql', line: n, sql: `S${n}`, impact: impact({}), ...over });
  const change = (id: string, statements: PlannedStatement[], over: Partial<PlannedChange> = {}): PlannedChange => ({
    id, title: id, ticket: 'T-1', file: `changes/${id}.yaml`, destructive: false, hasRollback: true, statements, resumeFrom: 1, diagnostics: [], ...over,
  });
  const plan = (...changes: PlannedChange[]): Plan => ({ environment: 'prod', snapshot: { required: false, reason: '' }, changes, applied: [] });

  it('counts only what a resumed change still runs', () => {
    const resumed = change('a', [st(1, { impact: impact({ algorithm: 'copy', lock: 'shared', rebuild: true }) }), st(2)], { resumeFrom: 2 });
    assert.deepEqual(approvalDecision(plan(resumed)), { required: false, reasons: [ROUTINE_REASON] });
    resumed.resumeFrom = 1;
    assert.deepEqual(approvalDecision(plan(resumed)).reasons, ['a statement 1: blocks writes: shop.t (5 rows, copy, lock shared, rebuilds, 0 s)']);
  });

  it('says unknown for an unknown algorithm, lock or rebuild, and for facts never read', () => {
    const c = change('a', [
      st(1, { impact: impact({ algorithm: null, seconds: null }) }),
      st(2, { impact: impact({ lock: null, rows: null }) }),
      st(3, { impact: impact({ rebuild: null }) }),
      st(4, { impact: undefined }),
    ]);
    assert.deepEqual(approvalDecision(plan(c)).reasons, [
      'a statement 1: its impact is unknown: shop.t (5 rows, unknown algorithm, lock none, ? s)',
      'a statement 2: its impact is unknown: shop.t (? rows, instant, lock unknown, 0 s)',
      'a statement 3: its impact is unknown: shop.t (5 rows, instant, lock none, 0 s)',
      "a statement 4: its impact is unknown (the target's tables were not read)",
    ]);
  });

  it('keeps a statement that cannot go online as blocking, and lists every change in order', () => {
    const blocked = st(1, { impact: impact({ algorithm: 'copy', lock: 'shared', rebuild: true, rows: 2_000_000, seconds: 90 }), online: { tool: null, reason: 'no primary key' } });
    const fresh = st(2, { impact: impact({ algorithm: 'copy', lock: 'shared', rebuild: true, fresh: true }) });
    const d = approvalDecision(plan(change('a', [blocked, fresh]), change('b', [st(1)], { destructive: true, hasRollback: false }), change('c', [st(1)], { checks: [{ code: 'CG501', statement: 1, outcome: 'warn', count: null, message: 'why' }, { code: 'CG502', statement: 1, outcome: 'pass', count: 0, message: 'fine' }] })));
    assert.deepEqual(d, {
      required: true,
      reasons: [
        'a statement 1: blocks writes: shop.t (2,000,000 rows, copy, lock shared, rebuilds, ~2 min)',
        'b: a destructive change',
        'b: no rollback files (rollback: in changes/b.yaml)',
        'c statement 1: pre-check CG501 warns: why',
      ],
    });
  });
});

describe('approval by risk: apply decides on its own plan, with its pre-checks', () => {
  const prod: EnvironmentConfig = { name: 'prod', approval: 'risky', snapshot: 'never', lock_wait_timeout: 5, lock_retries: 0, lock_timeout: 10, snapshot_timeout: 60, snapshot_poll_seconds: 1, line: 1 };
  const config: Config = { root: '/repo', file: 'changegate.yaml', database: 'app', server: { min_version: '8.0' }, protected_clusters: [], environments: [prod] };
  const c = { ...memoryChange('2026-12-07-a', ["INSERT INTO trace VALUES ('a1')"]), rollback: [{ path: 'migrations/2026-12-07-a/down.sql', content: 'SELECT 1', checksum: 'x' }] };
  const scope = { config, changes: [c], byId: new Map([[c.id, c]]), env: prod };
  const runner = { inActions: false, deploymentEnvironment: undefined, approvedBy: undefined };
  const request = { runner, dryRun: false, pullRequest: null, lockTimeoutSec: 0, inFlightWaitMs: 0, pollMs: 0 };
  // Every statement instant; a warning only from the checks that run on live rows (asked with `checks`).
  const impact = (warn: boolean): ImpactPort => ({
    assess: async (plan, opts) => {
      for (const ch of plan.changes) {
        for (const s of ch.statements) s.impact = { table: 'app.trace', rows: 1, bytes: 1, algorithm: 'instant', lock: 'none', rebuild: false, seconds: 0 };
        ch.checks = opts.checks && warn ? [{ code: 'CG503', statement: 1, outcome: 'warn', count: 1, message: '1 value rounds' }] : [];
      }
    },
    close: async () => undefined,
  });

  it('applies a routine plan with no approver', async () => {
    const server = new MemoryServer();
    const out = await applyRun(scope, request, memoryPorts(server, { target: { impact: async () => impact(false) } }), {});
    assert.equal(out.kind, 'applied');
    assert.deepEqual(server.committed.trace, ['a1']);
  });

  it('runs the pre-checks before deciding: a warning on the live rows makes the plan risky', async () => {
    const server = new MemoryServer();
    await assert.rejects(applyRun(scope, request, memoryPorts(server, { target: { impact: async () => impact(true) } }), {}), {
      message:
        'refused: prod requires approval; outside GitHub Actions pass --approved-by <the teammate who verified this change>, which is recorded in the history\n' +
        "prod says approval: risky, and this run's plan is risky:\n  2026-12-07-a statement 1: pre-check CG503 warns: 1 value rounds",
    });
    assert.deepEqual(server.committed.trace, []);
  });
});

describe('approval by risk: rollback and restore always ask', () => {
  it('gates approval: risky before anything connects, as approval: required', () => {
    const env: EnvironmentConfig = { name: 'prod', approval: 'risky', snapshot: 'never', lock_wait_timeout: 5, lock_retries: 0, lock_timeout: 10, snapshot_timeout: 60, snapshot_poll_seconds: 1, line: 1 };
    assert.throws(() => approvalGate(env, { inActions: false, deploymentEnvironment: undefined, approvedBy: undefined }), {
      message: 'refused: prod requires approval; outside GitHub Actions pass --approved-by <the teammate who verified this change>, which is recorded in the history',
    });
    assert.equal(approvalGate(env, { inActions: false, deploymentEnvironment: undefined, approvedBy: 'alice' }), 'alice');
    // apply alone waits for its plan.
    assert.equal(approvalBeforePlan(env, { inActions: true, deploymentEnvironment: 'prod-routine', approvedBy: undefined }), null);
  });
});
