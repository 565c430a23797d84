// The pure core of fleets, without a server: what changegate.yaml may say about targets, schemas
// and fleet (each refusal at its field, and the defaults), the pace of a fleet run observed through
// targets that finish only when the test lets them, the stable shard of a target (pinned to values
// of FNV-1a computed apart from the product), --target and --shard, a fleet's history as a
// promotion gate reads it, plans grouped by what they would do, and a target's state.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/core/manifest/config.js';
import { FLEET_DEFAULTS, fleetSettings, isFleet, targetsKind } from '../src/core/manifest/fleet-fields.js';
import { isFailure, mapLimited, runFleet, summarize, type FleetPace, type TargetOutcome, type TargetResult } from '../src/core/fleet/run.js';
import { parseShard, selectTargets, shardOf, targetEnvironment, targetName } from '../src/core/fleet/targets.js';
import { fleetHistoryView } from '../src/core/fleet/history.js';
import { groupPlans, largest, planKind, type TargetPlan } from '../src/core/fleet/plan-groups.js';
import { stateReason, targetState } from '../src/core/fleet/status.js';
import { UsageError } from '../src/core/errors.js';
import type { Config, Diagnostic, EnvironmentConfig, HistoryRecord, HistoryStatus } from '../src/core/types.js';
import type { Plan, PlannedChange, PlannedStatement } from '../src/core/plan-types.js';
import type { CheckResult, Impact } from '../src/core/impact/types.js';
import type { IntegrityProblem } from '../src/core/plan.js';
import type { StatusRow } from '../src/core/usecases/status.js';

const shown = (d: Diagnostic) => `${d.file}:${d.line}:${d.column} ${d.severity} ${d.code} ${d.field} ${d.message}`;
const AWS = 'region: eu-west-1, secret: s';

describe('fleet configuration: targets, schemas and fleet in changegate.yaml', () => {
  let root: string;
  const load = (lines: string[]): { config?: Config; diagnostics: string[] } => {
    writeFileSync(path.join(root, 'changegate.yaml'), ['database: d', ...lines, ''].join('\n'));
    const { config, diagnostics } = loadConfig(root);
    return { ...(config ? { config } : {}), diagnostics: diagnostics.map(shown) };
  };
  const refused = (lines: string[]): string[] => {
    const { config, diagnostics } = load(lines);
    assert.equal(config, undefined);
    return diagnostics;
  };
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'cg-fleet-unit-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('refuses each server key of the environment beside targets, at that key', () => {
    assert.deepEqual(
      refused([
        'environments:',
        `  a: { cluster: c0, ${AWS}, targets: [{ cluster: c1 }], schema: x }`,
        `  b: { instance: i0, ${AWS}, targets: [{ instance: i1 }], schema: x }`,
        '  c: { url_env: U0, targets: [{ url_env: U1 }] }',
        '  e: { url: "mysql://h/app", targets: [{ url_env: U1 }] }',
      ]),
      [
        'changegate.yaml:3:17 error CG024 environments.a.cluster cannot stand beside targets: each target names its own server; move it into targets',
        'changegate.yaml:4:18 error CG024 environments.b.instance cannot stand beside targets: each target names its own server; move it into targets',
        'changegate.yaml:5:17 error CG024 environments.c.url_env cannot stand beside targets: each target names its own server; move it into targets',
        'changegate.yaml:6:13 error CG024 environments.e.url cannot stand beside targets: each target names its own server; move it into targets',
      ],
    );
  });

  it('refuses a target naming no server or several, and a server listed twice; a target naming several is not counted again', () => {
    assert.deepEqual(
      refused([
        'environments:',
        '  prod:',
        '    schema: x',
        '    targets:',
        '      - {}',
        '      - { cluster: a, instance: b }',
        '      - { cluster: a, instance: b, url_env: C }',
        '      - { cluster: a }',
        '      - { cluster: a }',
        '      - { cluster: c }',
        '      - { cluster: C }',
      ]),
      [
        'changegate.yaml:6:9 error CG024 environments.prod.targets[0] names no server; each target names exactly one: cluster, instance or url_env',
        'changegate.yaml:7:9 error CG024 environments.prod.targets[1] names cluster and instance; each target names exactly one: cluster, instance or url_env',
        'changegate.yaml:8:9 error CG024 environments.prod.targets[2] names cluster and instance and url_env; each target names exactly one: cluster, instance or url_env',
        'changegate.yaml:10:20 error CG024 environments.prod.targets[4].cluster repeats a; each server is listed once',
        // AWS identifiers ignore case.
        'changegate.yaml:12:20 error CG024 environments.prod.targets[6].cluster repeats C; each server is listed once',
      ],
    );
  });

  it('a target may name its own secret: not beside the environment one, not for some servers only, not with auth: iam, not for URL servers', () => {
    assert.deepEqual(
      refused([
        'environments:',
        '  a: { region: eu-west-1, schema: x, targets: [{ cluster: a1, secret: s1 }, { cluster: a2, secret: s2 }] }',
        '  b: { region: eu-west-1, schema: x, secret: s, targets: [{ cluster: b1, secret: s1 }] }',
        '  c: { region: eu-west-1, schema: x, targets: [{ cluster: c1, secret: s1 }, { cluster: c2 }] }',
        '  d: { region: eu-west-1, schema: x, auth: iam, db_user: u, targets: [{ cluster: d1, secret: s1 }] }',
        '  e: { targets: [{ url_env: E1, secret: s1 }] }',
      ]),
      [
        'changegate.yaml:4:46 error CG024 environments.b.secret cannot stand beside targets that name their own secret; give each target its secret, or the environment one',
        'changegate.yaml:5:47 error CG014 environments.c.targets name a secret for 1 of 2 servers; with auth: secret each server needs one, or the environment one for all',
        'changegate.yaml:6:70 error CG024 environments.d.targets name secrets, but auth: iam logs in with a token and no password; remove them, or use auth: secret',
        'changegate.yaml:7:17 error CG024 environments.e.targets name secrets for URL servers; a URL carries its own credentials',
      ],
    );
  });

  it('refuses a protected cluster or instance among the targets, whatever its case; a URL variable of that name is no server name', () => {
    assert.deepEqual(
      refused([
        'protected_clusters: [ProdCo, prodinst]',
        'environments:',
        `  a: { ${AWS}, schema: x, targets: [{ cluster: prodco }, { cluster: other }] }`,
        `  b: { ${AWS}, schema: x, targets: [{ instance: PRODINST }] }`,
        '  c: { targets: [{ url_env: PRODCO }, { url_env: prodinst }] }',
      ]),
      [
        'changegate.yaml:4:70 error CG023 environments.a.targets[0].cluster "prodco" is in protected_clusters; changegate never connects to it',
        'changegate.yaml:5:71 error CG023 environments.b.targets[0].instance "PRODINST" is in protected_clusters; changegate never connects to it',
      ],
    );
  });

  it('refuses targets of different kinds, naming the kinds in order, at targets', () => {
    assert.deepEqual(
      refused([
        'environments:',
        `  a: { ${AWS}, schema: x, targets: [{ instance: i1 }, { cluster: c1 }, { instance: i2 }] }`,
        '  b: { targets: [{ url_env: U }, { cluster: c1 }, { instance: i1 }] }',
      ]),
      [
        'changegate.yaml:3:58 error CG024 environments.a.targets mix cluster and instance servers; the servers of one environment are all clusters, all instances or all URL variables',
        'changegate.yaml:4:17 error CG024 environments.b.targets mix cluster and instance and url_env servers; the servers of one environment are all clusters, all instances or all URL variables',
      ],
    );
  });

  it('refuses schema beside schemas, and fleet without targets or schemas', () => {
    assert.deepEqual(
      refused([
        'environments:',
        `  a: { cluster: c, ${AWS}, schema: x, schemas: [y, z] }`,
        '  b: { url_env: U, fleet: { parallel: 2 } }',
        `  c: { cluster: c, ${AWS}, schema: x, fleet: {} }`,
      ]),
      [
        'changegate.yaml:3:58 error CG024 environments.a.schema cannot stand beside schemas: the schemas are the targets; remove schema',
        'changegate.yaml:4:27 error CG024 environments.b.fleet applies to an environment of several targets; add targets: or schemas:',
        'changegate.yaml:5:68 error CG024 environments.c.fleet applies to an environment of several targets; add targets: or schemas:',
      ],
    );
  });

  it('requires schema or schemas of an AWS fleet, and neither of a fleet of URL variables', () => {
    assert.deepEqual(
      refused([
        'environments:',
        `  a: { ${AWS}, targets: [{ cluster: c1 }] }`,
        `  b: { ${AWS}, targets: [{ cluster: c1 }], schemas: { like: "t%" } }`,
        '  c: { targets: [{ url_env: U }] }',
      ]),
      ['changegate.yaml:3:3 error CG014 environments.a.schema is required for an AWS environment (cluster, region and schema), unless url_env or url is given'],
    );
  });

  it('reports the wrong types and bounds of targets, schemas and fleet through the schema, and no fleet rule on what is not a target', () => {
    assert.deepEqual(
      refused([
        'environments:',
        '  a: { url_env: U, schemas: 5 }',
        '  b: { url_env: U, schemas: [a], fleet: { parallel: 0 } }',
        '  c: { targets: [{ url_env: U, schema: x }] }',
        '  e: { url_env: U, schemas: [] }',
        '  f: { url_env: U, schemas: { like: "" } }',
        '  g: { url_env: U, schemas: [a, a] }',
        '  h: { url_env: U, schemas: [bad-name] }',
        '  i: { url_env: U, schemas: [a], fleet: { parallel: 65, canary: -1, stop_after_failures: 0, waves: 2 } }',
        `  j: { targets: [], schema: x, ${AWS} }`,
        '  k: { url_env: U, schemas: { like: "t%", names: [a] } }',
        '  l: { url_env: U, schemas: [a], fleet: 3 }',
        `  m: { targets: [5, { cluster: 5 }, { instance: i }], schema: x, ${AWS} }`,
        `  n: { targets: { cluster: c }, schema: x, ${AWS} }`,
      ]),
      [
        'changegate.yaml:3:29 error CG012 environments.a.schemas must be a mapping or a list, not the number 5',
        'changegate.yaml:4:53 error CG013 environments.b.fleet.parallel must be at least 1, not the number 0',
        'changegate.yaml:5:32 error CG011 environments.c.targets[0].schema unknown field; expected one of cluster, instance, url_env, secret',
        'changegate.yaml:6:29 error CG013 environments.e.schemas must not be empty',
        'changegate.yaml:7:37 error CG013 environments.f.schemas.like must not be empty',
        'changegate.yaml:8:33 error CG013 environments.g.schemas[1] repeats the string "a"',
        'changegate.yaml:9:30 error CG013 environments.h.schemas[0] must be a schema name (letters, digits, _ and $, at most 64), not the string "bad-name"',
        'changegate.yaml:10:53 error CG013 environments.i.fleet.parallel must be at most 64, not the number 65',
        'changegate.yaml:10:65 error CG013 environments.i.fleet.canary must be at least 0, not the number -1',
        'changegate.yaml:10:90 error CG013 environments.i.fleet.stop_after_failures must be at least 1, not the number 0',
        'changegate.yaml:10:93 error CG011 environments.i.fleet.waves unknown field; expected one of parallel, canary, stop_after_failures',
        'changegate.yaml:11:17 error CG013 environments.j.targets must not be empty',
        'changegate.yaml:12:43 error CG011 environments.k.schemas.names unknown field; expected one of like',
        'changegate.yaml:13:41 error CG012 environments.l.fleet must be a mapping, not the number 3',
        'changegate.yaml:14:18 error CG012 environments.m.targets[0] must be a mapping, not the number 5',
        'changegate.yaml:14:32 error CG012 environments.m.targets[1].cluster must be a string, not the number 5; put it in quotes',
        'changegate.yaml:15:17 error CG012 environments.n.targets must be a list, not a mapping',
      ],
    );
  });

  it('fills in the fleet: its servers, its schemas and the pace, with the defaults; an environment of one target has none', () => {
    const { config, diagnostics } = load([
      'environments:',
      `  a: { ${AWS}, schema: x, targets: [{ cluster: c1 }, { cluster: c2 }] }`,
      `  b: { ${AWS}, instance: i1, schemas: { like: "t\\\\_%" }, fleet: { parallel: 8, canary: 2, stop_after_failures: 3 } }`,
      '  c: { url: "mysql://h:3306/", schemas: [t1, t2] }',
      '  e: { url_env: U, schemas: [t1], fleet: { canary: 1 } }',
      '  f: { targets: [{ url_env: U1 }, { url_env: U2 }] }',
      '  g: { url_env: U, schema: x }',
      `  h: { ${AWS}, schema: x, targets: [{ instance: i2 }], fleet: { parallel: 2 } }`,
    ]);
    assert.deepEqual(diagnostics, []);
    const env = (n: string) => config!.environments.find((e) => e.name === n)!;
    const pace = { parallel: 4, canary: 0, stop_after_failures: 1 };
    assert.deepEqual(env('a').fleet, { servers: [{ name: 'c1', cluster: 'c1' }, { name: 'c2', cluster: 'c2' }], schemas: { one: 'x' }, ...pace });
    assert.deepEqual(env('b').fleet, { servers: [{ name: 'i1', instance: 'i1' }], schemas: { like: 't\\_%' }, parallel: 8, canary: 2, stop_after_failures: 3 });
    assert.deepEqual(env('c').fleet, { servers: [{ name: 'url', url: 'mysql://h:3306/' }], schemas: { names: ['t1', 't2'] }, ...pace });
    assert.deepEqual(env('e').fleet, { servers: [{ name: 'U', url_env: 'U' }], schemas: { names: ['t1'] }, ...pace, canary: 1 });
    assert.deepEqual(env('f').fleet, { servers: [{ name: 'U1', url_env: 'U1' }, { name: 'U2', url_env: 'U2' }], schemas: { one: null }, ...pace });
    assert.equal('fleet' in env('g'), false);
    assert.deepEqual(env('h').fleet, { servers: [{ name: 'i2', instance: 'i2' }], schemas: { one: 'x' }, ...pace, parallel: 2 });
    // The snapshot of a fleet of instances is an instance snapshot, as for one instance.
    assert.deepEqual([env('a').snapshot_method, env('h').snapshot_method, env('f').snapshot_method], ['cluster', 'instance', 'tables']);
    assert.deepEqual(FLEET_DEFAULTS, pace);
  });

  it('isFleet, targetsKind and fleetSettings read the fields as written', () => {
    assert.equal(isFleet({}), false);
    assert.equal(isFleet({ schema: 'x', fleet: {} }), false);
    assert.equal(isFleet({ targets: [] }), true);
    assert.equal(isFleet({ schemas: { like: 'x' } }), true);
    assert.equal(targetsKind({}), undefined);
    assert.equal(targetsKind({ targets: { cluster: 'c' } }), undefined);
    assert.equal(targetsKind({ targets: [] }), undefined);
    assert.equal(targetsKind({ targets: [{ cluster: 'c' }] }), 'aws');
    assert.equal(targetsKind({ targets: [5] }), 'aws');
    assert.equal(targetsKind({ targets: [{ instance: 'i' }, { url_env: 'U' }] }), 'url');
    assert.equal(targetsKind({ targets: [null, { url_env: 'U' }] }), 'url');
    assert.equal(fleetSettings({ schema: 'x', url_env: 'U' }), undefined);
    // The environment's own url is the server only when there are no targets.
    assert.deepEqual(fleetSettings({ url: 'mysql://h/', targets: [{ url_env: 'A' }] })!.servers, [{ name: 'A', url_env: 'A' }]);
    assert.deepEqual(fleetSettings({ url: 'mysql://h/', schemas: ['s'] })!.servers, [{ name: 'url', url: 'mysql://h/' }]);
    assert.deepEqual(fleetSettings({ cluster: 'c', schemas: ['s'], fleet: {} })!.servers, [{ name: 'c', cluster: 'c' }]);
  });
});

// A target that finishes only when the test says so: what started, what still runs, and the most
// that ever ran at once.
function pacer() {
  const started: string[] = [];
  const open = new Map<string, { resolve: (o: Omit<TargetOutcome, 'target'>) => void; reject: (e: unknown) => void }>();
  let peak = 0;
  return {
    started,
    running: () => [...open.keys()],
    peak: () => peak,
    runOne: (target: string) =>
      new Promise<Omit<TargetOutcome, 'target'>>((resolve, reject) => {
        started.push(target);
        open.set(target, { resolve, reject });
        peak = Math.max(peak, open.size);
      }),
    end(target: string, result: TargetResult, extra: Partial<TargetOutcome> = {}) {
      const o = open.get(target);
      assert.ok(o, `${target} is not running`);
      open.delete(target);
      o.resolve({ result, durationMs: 7, ...extra });
    },
    throw(target: string, err: unknown) {
      const o = open.get(target)!;
      open.delete(target);
      o.reject(err);
    },
  };
}
// Lets every promise that can settle do so.
const settle = () => new Promise<void>((r) => setImmediate(r));
const names = (n: number) => Array.from({ length: n }, (_, i) => `t${i + 1}`);
const pace = (p: Partial<FleetPace>): FleetPace => ({ parallel: 4, canary: 0, stop_after_failures: 1, ...p });
const notRun = (target: string, message: string): TargetOutcome => ({ target, result: 'not-run', durationMs: 0, error: { code: 'not-run', message } });

describe('runFleet: the pace of a fleet run', () => {
  it('runs `parallel` targets at once, starts the next as one finishes, and returns the outcomes in the order of the targets', async () => {
    const p = pacer();
    const events: string[] = [];
    const done = runFleet(names(7), pace({ parallel: 3 }), p.runOne, { finished: (o, n, total) => events.push(`${o.target} ${o.result} ${n}/${total}`) });
    await settle();
    assert.deepEqual(p.started, ['t1', 't2', 't3']);
    p.end('t2', 'applied');
    await settle();
    assert.deepEqual(p.running(), ['t1', 't3', 't4']);
    p.end('t1', 'nothing-pending');
    p.end('t4', 'dry-run', { detail: { changes: 2 } });
    await settle();
    assert.deepEqual(p.running(), ['t3', 't5', 't6']);
    for (const t of ['t6', 't5', 't3']) p.end(t, 'applied', { durationMs: 40 });
    await settle();
    assert.deepEqual(p.running(), ['t7']);
    p.end('t7', 'applied');
    const out = await done;
    assert.equal(p.peak(), 3);
    assert.deepEqual(out, [
      { target: 't1', result: 'nothing-pending', durationMs: 7 },
      { target: 't2', result: 'applied', durationMs: 7 },
      { target: 't3', result: 'applied', durationMs: 40 },
      { target: 't4', result: 'dry-run', durationMs: 7, detail: { changes: 2 } },
      { target: 't5', result: 'applied', durationMs: 40 },
      { target: 't6', result: 'applied', durationMs: 40 },
      { target: 't7', result: 'applied', durationMs: 7 },
    ]);
    assert.deepEqual(events, ['t2 applied 1/7', 't1 nothing-pending 2/7', 't4 dry-run 3/7', 't6 applied 4/7', 't5 applied 5/7', 't3 applied 6/7', 't7 applied 7/7']);
  });

  it('starts no more workers than targets, and at least one', async () => {
    const p = pacer();
    const done = runFleet(names(2), pace({ parallel: 8 }), p.runOne);
    await settle();
    assert.deepEqual(p.running(), ['t1', 't2']);
    p.end('t1', 'applied');
    p.end('t2', 'applied');
    assert.equal((await done).length, 2);
    const q = pacer();
    const one = runFleet(names(2), pace({ parallel: 0 }), q.runOne);
    await settle();
    assert.deepEqual(q.running(), ['t1']);
    q.end('t1', 'applied');
    await settle();
    q.end('t2', 'applied');
    assert.deepEqual((await one).map((o) => o.result), ['applied', 'applied']);
    assert.deepEqual(await runFleet([], pace({}), pacer().runOne), []);
  });

  it('runs the canaries first, one at a time, then the rest `parallel` at a time; a canary with nothing to do is no failure', async () => {
    const p = pacer();
    const done = runFleet(names(6), pace({ parallel: 4, canary: 2 }), p.runOne);
    await settle();
    assert.deepEqual(p.started, ['t1']);
    p.end('t1', 'applied');
    await settle();
    assert.deepEqual(p.running(), ['t2']);
    p.end('t2', 'nothing-pending');
    await settle();
    assert.deepEqual(p.running(), ['t3', 't4', 't5', 't6']);
    for (const t of ['t3', 't4', 't5', 't6']) p.end(t, 'applied');
    assert.deepEqual((await done).map((o) => o.result), ['applied', 'nothing-pending', 'applied', 'applied', 'applied', 'applied']);
  });

  it('runs every target as a canary when there are fewer targets than canaries', async () => {
    const p = pacer();
    const done = runFleet(names(2), pace({ canary: 5 }), p.runOne);
    await settle();
    assert.deepEqual(p.running(), ['t1']);
    p.end('t1', 'applied');
    await settle();
    assert.deepEqual(p.running(), ['t2']);
    p.end('t2', 'applied');
    assert.deepEqual((await done).map((o) => o.result), ['applied', 'applied']);
  });

  for (const result of ['failed', 'refused', 'in-doubt'] as const) {
    it(`a canary ${result} starts nothing else, the other canaries included`, async () => {
      const p = pacer();
      const done = runFleet(names(5), pace({ canary: 3, stop_after_failures: 10 }), p.runOne);
      await settle();
      p.end('t1', 'applied');
      await settle();
      p.end('t2', result, { error: { code: 'x', message: 'why' } });
      const out = await done;
      assert.deepEqual(p.started, ['t1', 't2']);
      const msg = 'not started: canary t2 did not apply';
      assert.deepEqual(out, [
        { target: 't1', result: 'applied', durationMs: 7 },
        { target: 't2', result, durationMs: 7, error: { code: 'x', message: 'why' } },
        notRun('t3', msg),
        notRun('t4', msg),
        notRun('t5', msg),
      ]);
    });
  }

  it('after stop_after_failures failures starts no new target and lets the running ones finish', async () => {
    const p = pacer();
    const done = runFleet(names(5), pace({ parallel: 2, stop_after_failures: 1 }), p.runOne);
    await settle();
    p.end('t1', 'failed', { error: { code: 'CG900', message: 'boom' } });
    await settle();
    assert.deepEqual(p.running(), ['t2']);
    p.end('t2', 'applied');
    const msg = 'not started: 1 target(s) failed (stop_after_failures: 1)';
    assert.deepEqual(await done, [
      { target: 't1', result: 'failed', durationMs: 7, error: { code: 'CG900', message: 'boom' } },
      { target: 't2', result: 'applied', durationMs: 7 },
      notRun('t3', msg),
      notRun('t4', msg),
      notRun('t5', msg),
    ]);
    assert.deepEqual(p.started, ['t1', 't2']);
  });

  it('counts refused and in-doubt targets as failures, and keeps going until there are stop_after_failures of them', async () => {
    const p = pacer();
    const done = runFleet(names(5), pace({ parallel: 1, stop_after_failures: 2 }), p.runOne);
    await settle();
    p.end('t1', 'refused');
    await settle();
    p.end('t2', 'applied');
    await settle();
    p.end('t3', 'in-doubt');
    const out = await done;
    assert.deepEqual(p.started, ['t1', 't2', 't3']);
    assert.deepEqual(out.slice(3), [notRun('t4', 'not started: 2 target(s) failed (stop_after_failures: 2)'), notRun('t5', 'not started: 2 target(s) failed (stop_after_failures: 2)')]);
  });

  it('names the failures counted when the fleet stopped, and leaves nothing not-run when every target had started', async () => {
    const p = pacer();
    const done = runFleet(names(4), pace({ parallel: 3, stop_after_failures: 1 }), p.runOne);
    await settle();
    p.end('t2', 'failed');
    await settle();
    p.end('t1', 'failed');
    p.end('t3', 'applied');
    const out = await done;
    assert.deepEqual(out[3], notRun('t4', 'not started: 1 target(s) failed (stop_after_failures: 1)'));
    const q = pacer();
    const all = runFleet(names(2), pace({ parallel: 2, stop_after_failures: 1 }), q.runOne);
    await settle();
    q.end('t1', 'failed');
    q.end('t2', 'failed');
    assert.deepEqual((await all).map((o) => o.result), ['failed', 'failed']);
  });

  it('counts a target whose run throws as failed with code internal, towards stop_after_failures', async () => {
    const p = pacer();
    const done = runFleet(names(3), pace({ parallel: 1, stop_after_failures: 2 }), p.runOne);
    await settle();
    p.throw('t1', new Error('socket hang up'));
    await settle();
    p.throw('t2', 'a plain string');
    const out = await done;
    for (const o of out.slice(0, 2)) assert.ok(o.durationMs >= 0 && o.durationMs < 5000, String(o.durationMs));
    assert.deepEqual(
      out.map((o) => ({ ...o, durationMs: 0 })),
      [
        { target: 't1', result: 'failed', durationMs: 0, error: { code: 'internal', message: 'socket hang up' } },
        { target: 't2', result: 'failed', durationMs: 0, error: { code: 'internal', message: 'a plain string' } },
        notRun('t3', 'not started: 2 target(s) failed (stop_after_failures: 2)'),
      ],
    );
  });

  it('isFailure: failed, refused and in-doubt count; the others do not', () => {
    const all: TargetResult[] = ['applied', 'nothing-pending', 'dry-run', 'failed', 'refused', 'in-doubt', 'not-run'];
    assert.deepEqual(all.filter(isFailure), ['failed', 'refused', 'in-doubt']);
  });

  it('summarize counts each result a target has, and leaves out the others', () => {
    assert.deepEqual(summarize([]), {});
    assert.deepEqual(summarize([{ result: 'applied' }, { result: 'failed' }, { result: 'applied' }, { result: 'not-run' }]), { applied: 2, failed: 1, 'not-run': 1 });
  });

  it('mapLimited runs at most `parallel` at once, at least one, and keeps the order of the items', async () => {
    const p = pacer();
    const done = mapLimited(names(5), 2, async (t) => (await p.runOne(t)).result);
    await settle();
    assert.deepEqual(p.running(), ['t1', 't2']);
    p.end('t2', 'failed');
    await settle();
    assert.deepEqual(p.running(), ['t1', 't3']);
    p.end('t3', 'refused');
    p.end('t1', 'applied');
    await settle();
    p.end('t5', 'dry-run');
    p.end('t4', 'in-doubt');
    assert.deepEqual(await done, ['applied', 'failed', 'refused', 'in-doubt', 'dry-run']);
    assert.equal(p.peak(), 2);
    assert.deepEqual(await mapLimited([], 3, async (x: number) => x), []);
    assert.deepEqual(await mapLimited([1, 2, 3], 0, async (x) => x * 2), [2, 4, 6]);
    const q = pacer();
    const wide = mapLimited(names(3), 10, (t) => q.runOne(t));
    await settle();
    assert.deepEqual(q.running(), ['t1', 't2', 't3']);
    for (const t of names(3)) q.end(t, 'applied');
    assert.equal((await wide).length, 3);
  });
});

// FNV-1a 32 as its definition states it, with exact integers instead of Math.imul: offset basis
// 2166136261, prime 16777619, each UTF-8 byte XORed in before the multiplication, modulo 2^32.
function fnv1aReference(name: string): bigint {
  let h = 2166136261n;
  for (const byte of new TextEncoder().encode(name)) h = ((h ^ BigInt(byte)) * 16777619n) % 4294967296n;
  return h;
}

describe('fleet targets: names, --shard and --target', () => {
  it('shardOf is FNV-1a of the UTF-8 name, modulo the count, from 1', () => {
    // Computed apart (Python): "a" is 0xe40c292c, FNV-1a's published value for it.
    const pinned: Array<[string, number, number[]]> = [
      ['', 2166136261, [2, 3, 6, 262]],
      ['a', 3826002220, [1, 6, 5, 221]],
      ['FLEET_URL/tenant_001', 695434074, [1, 7, 3, 75]],
      ['FLEET_URL/tenant_002', 678656455, [2, 2, 8, 456]],
      ['db1/tenañt', 789423499, [2, 5, 4, 500]],
      ['prodco-1/té漢', 3207796505, [2, 5, 2, 506]],
    ];
    for (const [name, hash, shards] of pinned) {
      assert.equal(fnv1aReference(name), BigInt(hash), name);
      assert.deepEqual([2, 7, 8, 1000].map((n) => shardOf(name, n)), shards, name);
      assert.equal(shardOf(name, 1), 1);
    }
    for (let i = 0; i < 300; i++) {
      const name = `srv-${i % 3}/tenant_${i}${'é'.repeat(i % 4)}`;
      for (const n of [3, 8, 64]) assert.equal(shardOf(name, n), Number(fnv1aReference(name) % BigInt(n)) + 1, `${name} ${n}`);
    }
  });

  it('spreads 1000 names evenly over 8 shards', () => {
    const counts = new Array<number>(8).fill(0);
    for (let i = 0; i < 1000; i++) counts[shardOf(`FLEET_URL/tenant_${String(i).padStart(4, '0')}`, 8) - 1]!++;
    assert.deepEqual(counts, [124, 125, 125, 124, 126, 125, 125, 126]);
  });

  it('parseShard reads i/N and refuses anything else, quoting it', () => {
    assert.deepEqual(parseShard('2/8'), { index: 2, count: 8 });
    assert.deepEqual(parseShard(' 1/1 '), { index: 1, count: 1 });
    assert.deepEqual(parseShard('8/8'), { index: 8, count: 8 });
    assert.deepEqual(parseShard('010/12'), { index: 10, count: 12 });
    for (const bad of ['3/2', '0/2', '2/0', '0/0', '1', '1/2/3', 'x1/2', '1/2x', '-1/2', '1.5/2', 'a/b', '/2', '1/', '']) {
      assert.throws(() => parseShard(bad), (e: unknown) => e instanceof UsageError && e.message === `--shard must be i/N with 1 <= i <= N, such as 2/8, not "${bad}"`, bad);
    }
  });

  const all = ['A/t1', 'A/t2', 'B/t1', 'B/t3', 'B/t10'].map((name) => ({ name }));
  const pick = (opts: Parameters<typeof selectTargets>[2], from = all) => selectTargets(from, 'prod', opts).map((t) => t.name);
  const usage = (f: () => unknown, message: string) => assert.throws(f, (e: unknown) => e instanceof UsageError && e.message === message);

  it('selectTargets: every target, a full server/schema, a schema unique across the servers, in the fleet order', () => {
    assert.deepEqual(pick({}), ['A/t1', 'A/t2', 'B/t1', 'B/t3', 'B/t10']);
    assert.deepEqual(pick({ names: [] }), ['A/t1', 'A/t2', 'B/t1', 'B/t3', 'B/t10']);
    assert.deepEqual(pick({ names: ['B/t1'] }), ['B/t1']);
    assert.deepEqual(pick({ names: ['t3'] }), ['B/t3']);
    assert.deepEqual(pick({ names: ['t3', 'A/t2', 'B/t3'] }), ['A/t2', 'B/t3']);
    assert.deepEqual(pick({ names: ['t10'] }), ['B/t10']);
  });

  it('selectTargets refuses a name that is ambiguous or names nothing', () => {
    usage(() => pick({ names: ['t1'] }), '--target t1 names 2 targets of prod (A/t1, B/t1); give server/schema');
    usage(() => pick({ names: ['A/t2', 'nosuch'] }), '--target nosuch is not a target of prod; its 5 target(s) are named server/schema, such as A/t1, A/t2, B/t1');
    usage(() => pick({ names: ['C/t1'] }), '--target C/t1 is not a target of prod; its 5 target(s) are named server/schema, such as A/t1, A/t2, B/t1');
    // A name with a slash is a full name: its schema part alone matches nothing.
    usage(() => pick({ names: ['/t3'] }), '--target /t3 is not a target of prod; its 5 target(s) are named server/schema, such as A/t1, A/t2, B/t1');
    usage(() => pick({ names: ['A'] }), '--target A is not a target of prod; its 5 target(s) are named server/schema, such as A/t1, A/t2, B/t1');
    usage(() => pick({ names: ['t1'] }, []), '--target t1 is not a target of prod; its 0 target(s) are named server/schema');
    usage(() => pick({ names: ['x'] }, [{ name: 'A/t1' }]), '--target x is not a target of prod; its 1 target(s) are named server/schema, such as A/t1');
  });

  it('selectTargets with a shard: the shard\'s targets, each target in exactly one shard; --target within it', () => {
    const fleet = Array.from({ length: 40 }, (_, i) => ({ name: `FLEET_URL/tenant_${String(i).padStart(3, '0')}` }));
    const shards = [1, 2, 3].map((index) => selectTargets(fleet, 'prod', { shard: { index, count: 3 } }).map((t) => t.name));
    for (const [i, s] of shards.entries()) {
      assert.ok(s.length > 0);
      for (const n of s) assert.equal(shardOf(n, 3), i + 1);
    }
    assert.deepEqual(shards.flat().sort(), fleet.map((t) => t.name));
    const [first] = shards[0]!;
    const elsewhere = shards[1]![0]!;
    assert.deepEqual(pick({ shard: { index: 1, count: 3 }, names: [first!, elsewhere] }, fleet), [first]);
    assert.deepEqual(pick({ shard: { index: 1, count: 3 }, names: [elsewhere] }, fleet), []);
  });

  it('targetName and targetEnvironment: one server and one schema in place of the fleet', () => {
    const base = {
      name: 'prod', snapshot: 'destructive', approval: 'required', lock_wait_timeout: 5, lock_retries: 2, lock_timeout: 10, unreachable_timeout: 60,
      snapshot_timeout: 3600, snapshot_poll_seconds: 10, snapshot_method: 'cluster', backup_schema: 'changegate_backup', backup_max_rows: 10, line: 3, region: 'eu-west-1',
    } as const;
    const fleet = { servers: [], schemas: { like: 't%' }, parallel: 4, canary: 0, stop_after_failures: 1 };
    const env: EnvironmentConfig = { ...base, cluster: 'c0', instance: 'i0', url_env: 'U0', url: 'mysql://h/', schema: 'old', fleet };
    const cluster = { name: 'c1', cluster: 'c1' };
    assert.equal(targetName(cluster, 'tenant_1'), 'c1/tenant_1');
    assert.deepEqual(targetEnvironment(env, cluster, 'tenant_1'), { ...base, cluster: 'c1', schema: 'tenant_1', target: { name: 'c1/tenant_1', server: cluster } });
    const instance = { name: 'i1', instance: 'i1' };
    assert.deepEqual(targetEnvironment(env, instance, 's'), { ...base, instance: 'i1', schema: 's', target: { name: 'i1/s', server: instance } });
    const variable = { name: 'U1', url_env: 'U1' };
    assert.deepEqual(targetEnvironment(env, variable, 's'), { ...base, url_env: 'U1', schema: 's', target: { name: 'U1/s', server: variable } });
    const url = { name: 'url', url: 'mysql://other/' };
    assert.deepEqual(targetEnvironment(env, url, 's'), { ...base, url: 'mysql://other/', schema: 's', target: { name: 'url/s', server: url } });
    assert.equal(env.fleet, fleet);
  });
});

// A history row with only what the fleet's view reads set apart.
function rec(changeId: string, status: HistoryStatus, operator = 'ci'): HistoryRecord {
  return {
    changeId, status, checksum: 'c', checksumVersion: 2, fileChecksums: {}, statementsTotal: 1, statementsApplied: status === 'applied' ? 1 : 0, statementHashes: ['h'],
    inFlight: null, connectionId: null, serverUuid: null, serverBoot: null, startedAt: new Date(0), finishedAt: null, durationMs: null, operator,
    gitCommit: null, runUrl: null, approver: null, snapshotId: null, failedStatement: null, error: null, resolvedBy: null,
  };
}

describe('fleetHistoryView: a fleet\'s histories as a promotion gate reads them', () => {
  it('keeps a change only where every target has it, the record of a target where it is not in place, else the first', () => {
    const a1 = rec('c1', 'applied', 'first');
    const a2 = rec('c2', 'applied', 'first');
    const a3 = rec('c3', 'baseline', 'first');
    const a4 = rec('c4', 'applied', 'first');
    const b2 = rec('c2', 'failed', 'second');
    const c2 = rec('c2', 'rolled-back', 'third');
    const view = fleetHistoryView([
      [a1, a2, a3, a4],
      [rec('c4', 'applied', 'second'), rec('c3', 'applied', 'second'), b2, rec('c1', 'applied', 'second'), rec('c9', 'failed', 'second')],
      [rec('c1', 'baseline', 'third'), c2, rec('c3', 'applied', 'third')],
    ]);
    assert.equal(view.length, 3);
    assert.equal(view[0], a1);
    assert.equal(view[1], b2);
    assert.equal(view[2], a3);
    assert.deepEqual(fleetHistoryView([]), []);
    const only = [rec('c1', 'failed'), rec('c2', 'applied')];
    assert.deepEqual(fleetHistoryView([only]), only);
    assert.deepEqual(fleetHistoryView([[a1], []]), []);
    assert.equal(fleetHistoryView([[a1], [rec('c1', 'running', 'x')]])[0]!.operator, 'x');
  });
});

const impact = (rows: number | null, table = 's.t'): Impact => ({ table, rows, bytes: null, algorithm: 'copy', lock: 'shared', rebuild: true, seconds: null });
const stmt = (n: number, imp?: Impact | null, extra: Partial<PlannedStatement> = {}): PlannedStatement => ({ n, file: 'up.sql', line: n, sql: `S${n}`, ...(imp !== undefined ? { impact: imp } : {}), ...extra });
const change = (id: string, statements: PlannedStatement[] = [stmt(1)], extra: Partial<PlannedChange> = {}): PlannedChange => ({
  id, title: id, ticket: 'T-1', file: `migrations/${id}/change.yaml`, destructive: false, statements, resumeFrom: 1, diagnostics: [], ...extra,
});
const plan = (changes: PlannedChange[], environment = 'prod'): Plan => ({ environment, snapshot: { required: false, reason: 'nothing destructive' }, changes, applied: ['c0'] });
const check = (statement: number, code: string, outcome: CheckResult['outcome'], count: number | null, message = `${code} said so`): CheckResult => ({ code, statement, outcome, count, message });
const problem = (kind: IntegrityProblem['kind'], changeId: string, message = `${kind} on ${changeId}`): IntegrityProblem => ({ kind, changeId, message });
const target = (name: string, p: Plan, problems: IntegrityProblem[] = []): TargetPlan => ({ target: name, plan: p, problems });

describe('groupPlans and largest: a fleet\'s plan', () => {
  it('planKind: in-doubt, then drifted, then refused, then pending or up to date', () => {
    const pending = plan([change('c1', [stmt(1)], { checks: [check(1, 'CG501', 'warn', 3)] })]);
    assert.equal(planKind(target('x', pending, [problem('drift', 'c0'), problem('in-doubt', 'c1')])), 'in-doubt');
    assert.equal(planKind(target('x', pending, [problem('missing', 'c0'), problem('drift', 'c1')])), 'drifted');
    assert.equal(planKind(target('x', pending, [problem('edited-applied', 'c0')])), 'drifted');
    assert.equal(planKind(target('x', pending, [problem('running', 'c1')])), 'refused');
    assert.equal(planKind(target('x', plan([change('c1', [stmt(1)], { checks: [check(1, 'CG501', 'pass', 0), check(1, 'CG401', 'fail', 9)] })]))), 'refused');
    assert.equal(planKind(target('x', pending)), 'pending');
    assert.equal(planKind(target('x', plan([change('c1')]))), 'pending');
    assert.equal(planKind(target('x', plan([]))), 'up-to-date');
  });

  it('groups targets by kind, changes, where they resume, problems and failed checks, not by counts or messages; the biggest group first', () => {
    const pendingA = plan([change('c1', [stmt(1, impact(10))], { checks: [check(1, 'CG501', 'pass', 5)] })]);
    const pendingB = plan([change('c1', [stmt(1, impact(900))], { checks: [check(1, 'CG501', 'pass', 9)] })]);
    const resumed = plan([change('c1', [stmt(1), stmt(2), stmt(3)], { resumeFrom: 3 }), change('c2')]);
    const refusedPlan = (code: string, n: number) => plan([change('c1', [stmt(1), stmt(2), stmt(3)], { checks: [check(n, code, 'fail', 4, `${code} found 4 rows`), check(1, 'CG502', 'warn', 1)] })]);
    const upToDate = plan([]);
    const groups = groupPlans([
      target('E', refusedPlan('CG501', 2), [problem('missing', 'c0', 'c0 is missing from the repository')]),
      target('A', pendingA),
      target('C', upToDate),
      target('D', resumed),
      target('B', pendingB),
      target('F', upToDate),
      target('G', pendingA),
      target('H', plan([], 'x'), [problem('in-doubt', 'c1', 'connection 12 may have run statement 2')]),
      target('I', plan([], 'x'), [problem('in-doubt', 'c1', 'connection 13 may have run statement 2')]),
      target('J', plan([]), [problem('in-doubt', 'c2')]),
      target('K', refusedPlan('CG501', 3), [problem('missing', 'c0')]),
      target('L', refusedPlan('CG503', 2), [problem('missing', 'c0')]),
      target('M', refusedPlan('CG501', 2), [problem('missing', 'c0', 'another message')]),
      target('N', plan([change('c2')])),
    ]);
    assert.deepEqual(
      groups.map((g) => [g.kind, g.targets, g.changes, g.reasons]),
      [
        ['pending', ['A', 'B', 'G'], ['c1'], []],
        ['refused', ['E', 'M'], ['c1'], ['c0 is missing from the repository', 'c1 statement 2 CG501: CG501 found 4 rows']],
        ['up-to-date', ['C', 'F'], [], []],
        ['in-doubt', ['H', 'I'], [], ['connection 12 may have run statement 2']],
        ['pending', ['D'], ['c1 (from statement 3)', 'c2'], []],
        ['in-doubt', ['J'], [], ['in-doubt on c2']],
        ['refused', ['K'], ['c1'], ['missing on c0', 'c1 statement 3 CG501: CG501 found 4 rows']],
        ['refused', ['L'], ['c1'], ['missing on c0', 'c1 statement 2 CG503: CG503 found 4 rows']],
        ['pending', ['N'], ['c2'], []],
      ],
    );
    // The group's plan carries the largest table and the heaviest check among its members.
    assert.deepEqual(groups[0]!.plan, plan([change('c1', [stmt(1, impact(900))], { checks: [check(1, 'CG501', 'pass', 9)] })]));
    assert.equal(groups[3]!.plan.environment, 'x');
    assert.deepEqual(groupPlans([]), []);
  });

  it('largest: the heaviest impact per statement, an unknown row count the heaviest, else the first plan\'s statement as it is', () => {
    const online = { tool: 'pt-online-schema-change', reason: 'runs online' };
    const first = plan([
      change('c1', [
        stmt(1, impact(10), { reason: 'first reason' }),
        stmt(2, impact(null)),
        stmt(3, impact(100)),
        stmt(4, null),
        stmt(5, impact(5)),
        stmt(6, impact(50)),
        stmt(7),
        stmt(8, impact(1)),
      ]),
    ]);
    const second = plan([
      change('c1', [
        stmt(1, impact(500, 's2.t'), { online, reason: 'second reason' }),
        stmt(2, impact(1_000_000)),
        stmt(3, impact(null, 's2.t')),
        stmt(4, impact(3, 's2.t')),
        stmt(5),
        stmt(6, impact(50, 's2.t')),
        stmt(7, impact(2, 's2.t')),
        stmt(8, null),
      ]),
    ]);
    const third = plan([change('c1', [stmt(1, impact(20)), stmt(2, impact(null, 's3.t')), stmt(3, impact(7)), stmt(4, impact(9, 's3.t'))])]);
    const out = largest([first, second, third]);
    // The heavier statement is taken whole: its impact with its own reason and online decision.
    assert.deepEqual(out.changes[0]!.statements, [
      stmt(1, impact(500, 's2.t'), { online, reason: 'second reason' }),
      stmt(2, impact(null)),
      stmt(3, impact(null, 's2.t')),
      stmt(4, impact(9, 's3.t')),
      stmt(5, impact(5)),
      stmt(6, impact(50)),
      stmt(7, impact(2, 's2.t')),
      stmt(8, impact(1)),
    ]);
    assert.equal(out.changes[0]!.statements[0], second.changes[0]!.statements[0]);
    // What is not heavier elsewhere is the first plan's own statement.
    for (const i of [1, 4, 5, 7]) assert.equal(out.changes[0]!.statements[i], first.changes[0]!.statements[i]);
    assert.equal('checks' in out.changes[0]!, false);
    assert.deepEqual({ ...out, changes: [] }, { ...first, changes: [] });
    assert.equal(largest([first]).changes[0]!.statements[0], first.changes[0]!.statements[0]);
  });

  it('largest: each check with its worst outcome across the plans, then its largest count, in the order first seen', () => {
    const withChecks = (...checks: CheckResult[]) => plan([change('c1', [stmt(1), stmt(2)], checks.length > 0 ? { checks } : {}), change('c2', [stmt(1)])]);
    const out = largest([
      withChecks(check(2, 'CG501', 'warn', 3, 'w3')),
      withChecks(check(2, 'CG501', 'fail', 1, 'f1'), check(1, 'CG401', 'pass', null, 'p-null'), check(1, 'CG501', 'pass', 1, 'other statement')),
      withChecks(check(2, 'CG501', 'fail', 4, 'f4'), check(1, 'CG401', 'pass', 2, 'p2')),
      withChecks(check(2, 'CG501', 'warn', 100, 'w100'), check(1, 'CG401', 'warn', null, 'w-null'), check(2, 'CG502', 'pass', 1, 'p')),
      withChecks(check(2, 'CG501', 'fail', null, 'f-null'), check(1, 'CG401', 'warn', 0, 'w0'), check(2, 'CG502', 'pass', 1, 'later twin')),
    ]);
    assert.deepEqual(out.changes[0]!.checks!.map((k) => k.message), ['f4', 'w-null', 'other statement', 'p']);
    assert.equal('checks' in out.changes[1]!, false);
    // A first plan without checks takes them from its twins; one with an empty list keeps it.
    assert.deepEqual(largest([withChecks(), withChecks(check(1, 'CG401', 'warn', 1, 'w'))]).changes[0]!.checks!.map((k) => k.message), ['w']);
    const empty = plan([change('c1', [stmt(1)], { checks: [] })]);
    assert.deepEqual(largest([empty, plan([change('c1')])]).changes[0]!.checks, []);
  });
});

const row = (id: string, status: StatusRow['status'], applied = 0, total = 3): StatusRow => ({
  id, status, statements_applied: applied, statements_total: total, checksum: null, snapshot: null, applied_at: null,
});

describe('targetState and stateReason: a target\'s state in status over a fleet', () => {
  it('the worst state wins: in-doubt, failed, drifted, running, pending; else up to date', () => {
    const ok = [row('a', 'applied', 3), row('b', 'baseline', 3), row('c', 'rolled-back'), row('d', 'restored'), row('e', 'provisional'), row('f', 'abandoned')];
    const ladder: Array<[StatusRow['status'], StatusRow[]]> = [
      ['in-doubt', [row('p', 'pending'), row('r', 'running'), row('d1', 'drifted'), row('f1', 'failed'), row('i1', 'in-doubt', 1)]],
      ['failed', [row('p', 'pending'), row('r', 'running'), row('d1', 'drifted'), row('f1', 'failed', 1)]],
      ['drifted', [row('p', 'pending'), row('r', 'running'), row('d1', 'drifted', 1)]],
      ['running', [row('p', 'pending'), row('r1', 'running', 1)]],
      ['pending', [row('p1', 'pending', 1)]],
    ];
    for (const [state, rows] of ladder) {
      const s = targetState([...ok, ...rows]);
      assert.deepEqual(s, { state, row: rows[rows.length - 1], count: 1 }, state);
      assert.equal(stateReason(s), `${rows[rows.length - 1]!.id} is ${state}, 1 of 3 statements applied`);
    }
    assert.deepEqual(targetState(ok), { state: 'up-to-date', row: null, count: 0 });
    assert.deepEqual(targetState([]), { state: 'up-to-date', row: null, count: 0 });
    assert.equal(stateReason(targetState(ok)), null);
  });

  it('names the first row of the worst state and how many more there are', () => {
    const s = targetState([row('a', 'applied', 3), row('2026-12-01-x', 'failed', 1), row('b', 'pending'), row('c', 'failed', 2, 5), row('d', 'failed')]);
    assert.deepEqual(s, { state: 'failed', row: row('2026-12-01-x', 'failed', 1), count: 3 });
    assert.equal(stateReason(s), '2026-12-01-x is failed, 1 of 3 statements applied (and 2 more)');
    assert.equal(stateReason({ ...s, count: 2 }), '2026-12-01-x is failed, 1 of 3 statements applied (and 1 more)');
  });
});
