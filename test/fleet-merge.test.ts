// `changegate merge`: the documents of a fleet's shard jobs as one report. The pure merge (one
// environment, each target once, every shard of the matrix), then the command: its text, json, job
// summary and pull-request comment, and its refusals of documents that do not fit together.
import { strict as assert } from 'node:assert';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../src/core/errors.js';
import { fleetReport, mergeExit, mergeFleetReports, mergeNotes, type FleetReport, type FleetTargetEntry } from '../src/core/fleet/merge.js';
import { makeRepo, runCli, writeFiles } from './helpers/cli.js';
import { Recorder } from './helpers/recorder.js';

const t = (target: string, result: string, extra: Partial<FleetTargetEntry> = {}): FleetTargetEntry => ({ target, result, duration_ms: 10, ...extra });
const doc = (shard: string | null, targets: FleetTargetEntry[], environment = 'prod'): FleetReport => ({ environment, shard, targets, summary: {} });
const usage = (f: () => unknown, message: string) =>
  assert.throws(f, (err: unknown) => {
    assert.ok(err instanceof UsageError, String(err));
    assert.equal(err.message, message);
    return true;
  });

describe('merging the documents of a fleet\'s shards', () => {
  it('sorts the targets by name, recounts, and says the merged document is no shard', () => {
    const merged = mergeFleetReports([
      { file: 'r2.json', doc: doc('2/3', [t('s1/tenant_d', 'failed', { error: { code: 'failed', message: 'boom' } }), t('s1/tenant_b', 'applied')]) },
      { file: 'r1.json', doc: doc('1/3', [t('s2/tenant_a', 'applied', { changes: [{ id: 'c1' }] }), t('s1/tenant_c', 'nothing-pending')]) },
      { file: 'r3.json', doc: doc('3/3', []) },
    ]);
    assert.deepEqual(merged, {
      environment: 'prod',
      shard: null,
      targets: [
        t('s1/tenant_b', 'applied'),
        t('s1/tenant_c', 'nothing-pending'),
        t('s1/tenant_d', 'failed', { error: { code: 'failed', message: 'boom' } }),
        t('s2/tenant_a', 'applied', { changes: [{ id: 'c1' }] }),
      ],
      summary: { applied: 2, 'nothing-pending': 1, failed: 1 },
    });
    assert.deepEqual(mergeNotes(merged), []);
    assert.equal(mergeExit(merged), 1);
  });

  it('exits 0 only when every target applied, had nothing pending or was a dry run', () => {
    const exit = (...results: string[]) => mergeExit(mergeFleetReports([{ file: 'a', doc: doc(null, results.map((r, i) => t(`s/t${i}`, r))) }]));
    assert.equal(exit('applied', 'nothing-pending', 'dry-run'), 0);
    assert.equal(exit(), 0);
    for (const bad of ['failed', 'refused', 'in-doubt', 'not-run']) assert.equal(exit('applied', bad), 1, bad);
  });

  it('names every problem at once: two environments, a target in two documents, a shard twice', () => {
    usage(
      () => mergeFleetReports([
        { file: 'a.json', doc: doc('1/2', [t('s/x', 'applied')]) },
        { file: 'b.json', doc: doc('2/2', [t('s/x', 'applied'), t('s/y', 'applied')], 'qa') },
        { file: 'c.json', doc: doc('2/2', [t('s/y', 'failed')]) },
      ]),
      [
        'a.json is of environment prod but b.json of qa; merge the documents of one environment',
        'target s/x is in both a.json and b.json; each target belongs to one shard',
        'target s/y is in both b.json and c.json; each target belongs to one shard',
        "b.json and c.json are both shard 2/2; each shard's job writes one document",
      ].join('\n'),
    );
  });

  it('refuses shards of different matrices, and a whole fleet beside a shard', () => {
    usage(() => mergeFleetReports([{ file: 'a.json', doc: doc('1/2', []) }, { file: 'b.json', doc: doc('2/3', []) }]),
      'a.json is shard 1/2 but b.json is shard 2/3; merge the shards of one matrix');
    usage(() => mergeFleetReports([{ file: 'a.json', doc: doc('1/2', []) }, { file: 'all.json', doc: doc(null, []) }]),
      'all.json is a whole fleet\'s document but a.json is shard 1/2; merge the shards of one matrix');
    usage(() => mergeFleetReports([{ file: 'a.json', doc: doc('4/3', []) }]), 'a.json is shard 4/3, which no matrix of 3 has');
    usage(() => mergeFleetReports([]), 'merge needs at least one document');
  });

  it('reports the shards that sent no document, and errors a shard ended with; both exit 1', () => {
    const merged = mergeFleetReports([
      { file: 'r1.json', doc: { ...doc('1/4', [t('s/a', 'applied')]), error: { code: 'failed', message: 'could not post to Slack\nsecond line' } } },
      { file: 'r3.json', doc: doc('3/4', [t('s/c', 'applied')]) },
    ]);
    assert.deepEqual(merged.missing_shards, ['2/4', '4/4']);
    assert.deepEqual(merged.errors, [{ file: 'r1.json', shard: '1/4', code: 'failed', message: 'could not post to Slack\nsecond line' }]);
    assert.deepEqual(mergeNotes(merged), [
      'shard 2/4: no document (its job wrote none); its targets are not counted above',
      'shard 4/4: no document (its job wrote none); its targets are not counted above',
      'shard 1/4: failed: could not post to Slack second line',
    ]);
    assert.equal(mergeExit(merged), 1);
    assert.equal(mergeExit({ ...merged, errors: undefined }), 1, 'a missing shard alone');
    assert.equal(mergeExit({ ...merged, missing_shards: undefined }), 1, 'an error alone');
    assert.equal(mergeExit({ ...merged, missing_shards: undefined, errors: undefined }), 0);
  });

  it('reads a fleet document, or says why a file is not one', () => {
    assert.deepEqual(fleetReport('a.json', { environment: 'prod', shard: '1/2', targets: [{ target: 's/a', result: 'applied', duration_ms: 5, changes: [] }], summary: { applied: 1 } }), {
      environment: 'prod', shard: '1/2', targets: [{ target: 's/a', result: 'applied', duration_ms: 5, changes: [] }], summary: { applied: 1 },
    });
    const lead = 'x.json is not a fleet document (what apply --format json writes over a fleet): ';
    usage(() => fleetReport('x.json', [1]), `${lead}it holds a list, not an object`);
    usage(() => fleetReport('x.json', null), `${lead}it holds null, not an object`);
    usage(() => fleetReport('x.json', 'text'), `${lead}it holds a string, not an object`);
    usage(() => fleetReport('x.json', { environment: 'prod', changes: [] }), `${lead}it has no "targets" list`);
    usage(() => fleetReport('x.json', { error: { code: 'usage', message: '--shard must be i/N' } }), `${lead}its run stopped before any target: --shard must be i/N`);
    usage(() => fleetReport('x.json', { targets: [] }), `${lead}it has no "environment"`);
    usage(() => fleetReport('x.json', { environment: 'prod', shard: 'two', targets: [] }), `${lead}its "shard" is "two", not i/N or null`);
    usage(() => fleetReport('x.json', { environment: 'prod', targets: [{ target: 's/a' }] }), `${lead}targets[0] has no "target" and "result"`);
  });
});

describe('changegate merge (CLI)', function () {
  this.timeout(60_000);
  let repo: string;
  const shard1 = {
    environment: 'prod',
    shard: '1/3',
    targets: [
      { target: 'db1/tenant_c', result: 'applied', duration_ms: 120, snapshot: null, changes: [{ id: '2026-12-01-notes', result: 'applied' }] },
      { target: 'db1/tenant_a', result: 'nothing-pending', duration_ms: 8, changes: [] },
    ],
    summary: { applied: 1, 'nothing-pending': 1 },
  };
  const shard2 = {
    environment: 'prod',
    shard: '2/3',
    targets: [{ target: 'db1/tenant_b', result: 'failed', duration_ms: 40, error: { code: 'failed', message: "Duplicate column name 'author'\nat statement 1" } }],
    summary: { failed: 1 },
  };
  const shard3 = { environment: 'prod', shard: '3/3', targets: [], summary: {} };
  const json = (v: unknown) => JSON.stringify(v, null, 2) + '\n';

  beforeEach(() => {
    repo = makeRepo({ 'results/r1.json': json(shard1), 'results/r2.json': json(shard2), 'results/r3.json': json(shard3) });
  });
  afterEach(() => rmSync(repo, { recursive: true, force: true }));

  const files = ['results/r1.json', 'results/r2.json', 'results/r3.json'];

  it('text: a line per target that did not apply, then the counts; exit 1 when one failed', async () => {
    const r = await runCli(['merge', ...files], { cwd: repo });
    assert.equal(r.stderr, '');
    assert.equal(r.stdout, "db1/tenant_b: failed: Duplicate column name 'author' at statement 1\nprod: 3 targets: 1 applied, 1 nothing-pending, 1 failed\n");
    assert.equal(r.code, 1);
  });

  it('exit 0 when every target applied or had nothing pending', async () => {
    writeFiles(repo, { 'results/r2.json': json({ ...shard2, targets: [{ target: 'db1/tenant_b', result: 'applied', duration_ms: 30 }] }) });
    const r = await runCli(['merge', ...files], { cwd: repo });
    assert.equal(r.stdout, 'prod: 3 targets: 2 applied, 1 nothing-pending\n');
    assert.equal(r.code, 0, r.stderr);
  });

  it('json: the merged document, every target with its own fields, sorted by name, counted again', async () => {
    const r = await runCli(['--format', 'json', 'merge', ...files], { cwd: repo });
    assert.equal(r.code, 1);
    assert.equal(r.stderr, "db1/tenant_b: failed: Duplicate column name 'author' at statement 1\nprod: 3 targets: 1 applied, 1 nothing-pending, 1 failed\n");
    assert.deepEqual(JSON.parse(r.stdout), {
      environment: 'prod',
      shard: null,
      targets: [shard1.targets[1], shard2.targets[0], shard1.targets[0]],
      summary: { 'nothing-pending': 1, failed: 1, applied: 1 },
    });
  });

  it('github: the job summary holds the counts and the odd targets, and the step says the run failed', async () => {
    const summary = path.join(repo, 'summary.md');
    const output = path.join(repo, 'output');
    writeFileSync(summary, '');
    writeFileSync(output, '');
    const r = await runCli(['--format', 'github', 'merge', ...files], { cwd: repo, env: { GITHUB_STEP_SUMMARY: summary, GITHUB_OUTPUT: output } });
    assert.equal(r.code, 1);
    assert.equal(readFileSync(summary, 'utf8'), [
      '## changegate apply: prod (3 targets)',
      '',
      '| result | targets |',
      '| --- | --- |',
      '| applied | 1 |',
      '| nothing-pending | 1 |',
      '| failed | 1 |',
      '',
      '| target | result | why |',
      '| --- | --- | --- |',
      "| db1/tenant\\_b | failed | Duplicate column name 'author' at statement 1 |",
      '',
    ].join('\n'));
    assert.match(readFileSync(output, 'utf8'), /^applied<<ghadelimiter_[0-9a-f-]+\n1\nghadelimiter_[0-9a-f-]+\n$/);
    assert.match(r.stdout, /^::error::changegate merge failed \(exit 1\); see the annotations above$/m);
  });

  it('a shard without a document is named, and the merge exits 1', async () => {
    writeFiles(repo, { 'results/r2.json': json({ ...shard2, targets: [{ target: 'db1/tenant_b', result: 'applied', duration_ms: 30 }] }) });
    const r = await runCli(['merge', 'results/r1.json', 'results/r2.json'], { cwd: repo });
    assert.equal(r.stdout, 'prod: 3 targets: 2 applied, 1 nothing-pending\nshard 3/3: no document (its job wrote none); its targets are not counted above\n');
    assert.equal(r.code, 1);
  });

  it('refuses, with exit 2 and no stack trace, files that are missing, not JSON, or do not fit together', async () => {
    writeFiles(repo, {
      'results/empty.json': '',
      'results/broken.json': '{"environment": "prod",',
      'results/error.json': json({ error: { code: 'usage', message: 'unknown environment "prd"; changegate.yaml configures qa, prod' } }),
      'results/plan.json': json({ environment: 'prod', snapshot: { required: false }, changes: [] }),
      'results/qa.json': json({ ...shard2, environment: 'qa' }),
      'results/again.json': json({ ...shard3, shard: '2/3', targets: [shard1.targets[0]] }),
    });
    const lead = 'is not a fleet document (what apply --format json writes over a fleet): ';
    const cases: [string[], string][] = [
      [['results/r1.json', 'results/nope.json'], 'error: results/nope.json: no such file\n'],
      [['results'], 'error: results: is a folder, not a file\n'],
      [['results/empty.json'], 'error: results/empty.json is not JSON (it is empty); merge reads what apply --format json writes\n'],
      [['results/error.json'], `error: results/error.json ${lead}its run stopped before any target: unknown environment "prd"; changegate.yaml configures qa, prod\n`],
      [['results/plan.json'], `error: results/plan.json ${lead}it has no "targets" list\n`],
      [['results/r1.json', 'results/qa.json'], 'error: results/r1.json is of environment prod but results/qa.json of qa; merge the documents of one environment\n'],
      [['results/r1.json', 'results/r2.json', 'results/again.json'], [
        'error: target db1/tenant_c is in both results/r1.json and results/again.json; each target belongs to one shard',
        "results/r2.json and results/again.json are both shard 2/3; each shard's job writes one document",
        '',
      ].join('\n')],
    ];
    for (const [args, stderr] of cases) {
      const r = await runCli(['merge', ...args], { cwd: repo });
      assert.equal(r.stderr, stderr, args.join(' '));
      assert.equal(r.code, 2, args.join(' '));
      assert.equal(r.stdout, '');
    }
    const broken = await runCli(['merge', 'results/broken.json'], { cwd: repo });
    assert.equal(broken.code, 2);
    assert.match(broken.stderr, /^error: results\/broken\.json is not JSON \([^\n]+\); merge reads what apply --format json writes\n$/);
    const none = await runCli(['merge'], { cwd: repo });
    assert.equal(none.code, 2);
    assert.equal(none.stderr, "error: missing required argument 'file'\n");
  });

  describe('--pull-request', () => {
    let rec: Recorder;
    beforeEach(async () => {
      rec = await new Recorder().start();
    });
    afterEach(async () => rec.close());

    it('creates one fleet comment beside the plan comment, and updates it in place', async () => {
      const plan = rec.seedComment(7, '<!-- changegate:plan -->\n## changegate plan\n', 'github-actions[bot]');
      const env = { GITHUB_TOKEN: 'ghs_test', GITHUB_REPOSITORY: 'acme/invoicing', GITHUB_API_URL: rec.url, GITHUB_RUN_ID: '42', GITHUB_SERVER_URL: 'https://github.com' };
      const first = await runCli(['merge', '--pull-request', '7', ...files], { cwd: repo, env });
      assert.equal(first.code, 1, first.stderr);
      assert.equal(first.stdout, "db1/tenant_b: failed: Duplicate column name 'author' at statement 1\nprod: 3 targets: 1 applied, 1 nothing-pending, 1 failed\nfleet comment created on pull request #7\n");
      const comments = () => rec.commentsOn(7);
      assert.equal(comments().length, 2);
      assert.equal(comments()[0]!.body, plan.body, 'the plan comment is left alone');
      assert.equal(comments()[1]!.body, [
        '<!-- changegate:fleet:prod -->',
        '## changegate apply: prod (3 targets)',
        '',
        '| result | targets |',
        '| --- | --- |',
        '| applied | 1 |',
        '| nothing-pending | 1 |',
        '| failed | 1 |',
        '',
        '| target | result | why |',
        '| --- | --- | --- |',
        "| db1/tenant\\_b | failed | Duplicate column name 'author' at statement 1 |",
        '',
        '<sub>changegate · acme/invoicing#7 · [workflow run](https://github.com/acme/invoicing/actions/runs/42) · updated in place on every run</sub>',
        '',
      ].join('\n'));
      const id = comments()[1]!.id;

      writeFiles(repo, { 'results/r2.json': json({ ...shard2, targets: [{ target: 'db1/tenant_b', result: 'applied', duration_ms: 30 }] }) });
      const second = await runCli(['merge', '--pull-request', '7', ...files], { cwd: repo, env });
      assert.equal(second.code, 0, second.stderr);
      assert.match(second.stdout, /^fleet comment updated on pull request #7$/m);
      assert.equal(comments().length, 2);
      assert.equal(comments()[1]!.id, id, 'the same comment');
      assert.ok(comments()[1]!.body.includes('| applied | 2 |'), comments()[1]!.body);
    });

    it('needs a pull request number and the GitHub variables', async () => {
      const bad = await runCli(['merge', '--pull-request', 'seven', ...files], { cwd: repo });
      assert.equal(bad.code, 2);
      assert.equal(bad.stderr, 'error: --pull-request must be a pull request number, not "seven"\n');
      const bare = await runCli(['merge', '--pull-request', '7', ...files], { cwd: repo, env: { GITHUB_TOKEN: undefined, GITHUB_REPOSITORY: undefined } });
      assert.equal(bare.code, 2);
      assert.match(bare.stderr, /^error: merge --pull-request needs GITHUB_TOKEN and GITHUB_REPOSITORY \(set by GitHub Actions\)\n$/m);
      assert.deepEqual(rec.requests, []);
    });
  });
});
