// `envs` over fleets: the GitHub Actions matrix of shards (`envs --json --shards N`), the bound on N,
// and the text line of a fleet environment.
import { strict as assert } from 'node:assert';
import { rmSync } from 'node:fs';
import { envMatrix, MAX_SHARDS, parseShardCount } from '../src/core/manifest/environments.js';
import { UsageError } from '../src/core/errors.js';
import type { EnvironmentConfig, FleetConfig } from '../src/core/types.js';
import { makeRepo, runCli } from './helpers/cli.js';

const env = (name: string, extra: Partial<EnvironmentConfig> = {}): EnvironmentConfig => ({
  name, cluster: `${name}db`, region: 'us-east-2', secret: `${name}-secret`, schema: 'app', snapshot: 'destructive',
  lock_wait_timeout: 5, lock_retries: 2, lock_timeout: 10, snapshot_timeout: 3600, snapshot_poll_seconds: 10, line: 1, ...extra,
});
const fleet = (extra: Partial<FleetConfig> = {}): FleetConfig => ({
  servers: [{ name: 'shard1', cluster: 'shard1' }, { name: 'shard2', cluster: 'shard2' }],
  schemas: { like: 'tenant\\_%' }, parallel: 8, canary: 1, stop_after_failures: 1, ...extra,
});

describe('envMatrix with shards', () => {
  const qa = env('qa');
  const prod = env('prod', { after: 'qa', approval: 'required', cluster: undefined, schema: undefined, fleet: fleet() });
  const local = env('local', { cluster: undefined, region: undefined, url_env: 'LOCAL_URL', snapshot: 'never', fleet: fleet({ servers: [{ name: 'LOCAL_URL', url_env: 'LOCAL_URL' }] }), online_schema_change: { tool: 'pt-online-schema-change', above_rows: 10 } });

  it('gives a fleet environment one entry per shard, and an environment of one target one entry without a shard', () => {
    const prodBase = { environment: 'prod', order: 1, kind: 'aws', after: 'qa', approval: 'required', snapshot: 'destructive', region: 'us-east-2', online_tool: '' };
    assert.deepEqual(envMatrix({ environments: [prod, qa] }, { shards: 3 }), {
      include: [
        { environment: 'qa', order: 0, kind: 'aws', after: '', approval: 'none', snapshot: 'destructive', region: 'us-east-2', shard: '', online_tool: '' },
        { ...prodBase, shard: '1/3' },
        { ...prodBase, shard: '2/3' },
        { ...prodBase, shard: '3/3' },
      ],
    });
  });

  it('keeps the entries of envs --json as they were without shards', () => {
    const plain = envMatrix({ environments: [qa, prod] });
    assert.deepEqual(plain.include.map((e) => Object.keys(e).sort().join(',')), ['after,approval,environment,kind,order,region,snapshot', 'after,approval,environment,kind,order,region,snapshot']);
    assert.deepEqual(plain.include.map((e) => e.environment), ['qa', 'prod']);
  });

  it('one shard is one entry "1/1"; kind still filters; the online tool rides along for the shard job', () => {
    assert.deepEqual(envMatrix({ environments: [qa, prod, local] }, { shards: 1 }).include.map((e) => [e.environment, e.shard]), [['qa', ''], ['prod', '1/1'], ['local', '1/1']]);
    assert.deepEqual(envMatrix({ environments: [qa, prod, local] }, { shards: 2, kind: 'url' }).include.map((e) => [e.environment, e.kind, e.shard, e.online_tool]), [
      ['local', 'url', '1/2', 'pt-online-schema-change'],
      ['local', 'url', '2/2', 'pt-online-schema-change'],
    ]);
  });

  it('reads --shards as a whole number from 1 to 256, else a usage error naming the flag', () => {
    assert.equal(MAX_SHARDS, 256);
    assert.equal(parseShardCount('1'), 1);
    assert.equal(parseShardCount(' 256 '), 256);
    for (const bad of ['0', '257', '1.5', '-2', 'x', '', '3/4', '1e2']) {
      assert.throws(() => parseShardCount(bad), (err: unknown) => {
        assert.ok(err instanceof UsageError);
        assert.equal(err.message, `--shards must be a whole number from 1 to 256 (a GitHub Actions matrix holds at most 256 jobs), not "${bad}"`);
        return true;
      });
    }
  });
});

describe('envs over fleets (CLI)', function () {
  this.timeout(30_000);
  let repo: string;
  const config = [
    'database: tenantdb',
    'server: { min_version: "5.5" }',
    'ticket_pattern: "^T-[0-9]+$"',
    'environments:',
    '  qa:',
    '    url_env: QA_URL',
    '  prod:',
    '    targets:',
    '      - { cluster: invoicing-shard1 }',
    '      - { cluster: invoicing-shard2 }',
    '    region: us-east-2',
    '    secret: rds-admin-credentials',
    '    schemas: { like: "tenant\\\\_%" }',
    '    fleet: { parallel: 8, canary: 1 }',
    '    after: qa',
    '    approval: required',
    '    snapshot: destructive',
    '  many:',
    '    targets:',
    ...Array.from({ length: 7 }, (_, i) => `      - { url_env: DB${i + 1}_URL }`),
    '    schemas: [app, audit]',
    '',
  ].join('\n');
  before(() => {
    repo = makeRepo({ 'changegate.yaml': config });
  });
  after(() => rmSync(repo, { recursive: true, force: true }));

  it('text: a fleet environment shows its servers, its schemas and its pace', async () => {
    const r = await runCli(['envs'], { cwd: repo });
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
    assert.equal(r.stdout, [
      'qa  url from QA_URL  snapshot: never',
      'prod  fleet: 2 servers (invoicing-shard1, invoicing-shard2), schemas like tenant\\_%, 8 at a time, 1 canary first  after qa  snapshot: destructive  approval: required',
      'many  fleet: 7 servers (DB1_URL, DB2_URL, DB3_URL, DB4_URL, DB5_URL, and 2 more), schemas app, audit, 4 at a time  snapshot: never',
      '',
    ].join('\n'));
  });

  it('--json --shards 2: a matrix entry per shard of each fleet, one for the rest', async () => {
    const r = await runCli(['envs', '--json', '--shards', '2'], { cwd: repo });
    assert.equal(r.code, 0, r.stderr);
    const matrix = JSON.parse(r.stdout) as { include: { environment: string; shard: string }[] };
    assert.deepEqual(matrix.include.map((e) => `${e.environment} ${e.shard}`), ['qa ', 'prod 1/2', 'prod 2/2', 'many 1/2', 'many 2/2']);
    const plain = await runCli(['envs', '--json'], { cwd: repo });
    assert.ok(!plain.stdout.includes('shard'), plain.stdout);
  });

  it('a bad --shards, or --shards without --json, is a usage error (exit 2) naming the flag', async () => {
    const cases: [string[], string][] = [
      [['envs', '--json', '--shards', '0'], 'error: --shards must be a whole number from 1 to 256 (a GitHub Actions matrix holds at most 256 jobs), not "0"\n'],
      [['envs', '--json', '--shards', '300'], 'error: --shards must be a whole number from 1 to 256 (a GitHub Actions matrix holds at most 256 jobs), not "300"\n'],
      [['envs', '--shards', '3'], 'error: --shards shapes the matrix of --json; give both\n'],
    ];
    for (const [args, stderr] of cases) {
      const r = await runCli(args, { cwd: repo });
      assert.equal(r.code, 2, args.join(' '));
      assert.equal(r.stderr, stderr);
      assert.equal(r.stdout, '');
    }
  });
});
