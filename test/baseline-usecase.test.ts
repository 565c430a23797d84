// The baseline use case over in-memory ports: the proof decides. A first baseline whose replay does
// not rebuild the live schema is a bug of the writer and writes nothing; an existing baseline that
// differs from an environment records nothing there. (The real adapters are tested in baseline.test.ts.)
import { strict as assert } from 'node:assert';
import { checksum, combinedChecksum } from '../src/core/checksum.js';
import type { Change, Config, EnvironmentConfig } from '../src/core/types.js';
import { baselineRun, type BaselinePorts, type LiveSchema } from '../src/core/usecases/baseline.js';
import { MemoryServer } from './helpers/memory-target.js';
import { memoryPorts } from './helpers/memory-ports.js';

const env: EnvironmentConfig = { name: 'prod', snapshot: 'never', lock_wait_timeout: 5, lock_retries: 0, lock_timeout: 10, snapshot_timeout: 60, snapshot_poll_seconds: 1, line: 1 };
const config: Config = { root: '/repo', file: 'changegate.yaml', database: 'app', server: { min_version: '8.0' }, protected_clusters: [], environments: [env] };
const SQL = 'CREATE TABLE t (id INT PRIMARY KEY);\n';
const now = new Date('2026-12-07T10:00:00Z');

function loaded(id: string): Change {
  const statements = [{ file: `migrations/${id}/up.sql`, line: 1, column: 1, sql: 'CREATE TABLE t (id INT PRIMARY KEY)' }];
  const fileChecksums = { [`migrations/${id}/up.sql`]: checksum(SQL) };
  return {
    id, file: `changes/${id}.yaml`, title: 'baseline', ticket: 'INV-1', destructive: false, baseline: true,
    apply: [{ path: `migrations/${id}/up.sql`, content: SQL, checksum: checksum(SQL) }], rollback: [], verify: [], depends_on: [], lint: { ignore: [] },
    statements, rollbackStatements: [], fileChecksums, checksum: combinedChecksum(Object.entries(fileChecksums).map(([name, c]) => ({ name, checksum: c }))),
  };
}

function ports(server: MemoryServer, proof: { failure: string | null; diff: string[] }) {
  const written: string[] = [];
  const p: BaselinePorts<LiveSchema> = {
    ...memoryPorts(server),
    now: () => now,
    describe: async () => ({ empty: false }),
    baselineSql: async () => ({ sql: SQL, counts: { tables: 1, views: 0, routines: 0, triggers: 0, events: 0 } }),
    prove: async () => proof,
    exists: () => false,
    write: async (files, _sql, manifest) => {
      written.push(files.manifest, files.up, manifest);
      return loaded('2026-12-07-baseline');
    },
  };
  return { p, written };
}

describe('baseline use case (in-memory ports)', () => {
  const first = { config, changes: [] as Change[], byId: new Map<string, Change>(), env };

  it('writes nothing and records nothing when the proof of a new baseline finds a difference', async () => {
    const server = new MemoryServer();
    const { p, written } = ports(server, { failure: null, diff: ['table t: column id INT -> BIGINT'] });
    await assert.rejects(baselineRun(first, { ticket: 'INV-1', schemaRef: 'x.json' }, p, {}), {
      message:
        'this is a bug in changegate baseline: the baseline of prod does not rebuild its schema (1 difference(s), baseline -> live); nothing was written or recorded:\n' +
        '  table t: column id INT -> BIGINT',
    });
    assert.deepEqual(written, []);
    assert.equal(server.committed.history.size, 0);
  });

  it('writes nothing when the new baseline does not replay', async () => {
    const server = new MemoryServer();
    const { p, written } = ports(server, { failure: 'migrations/x/up.sql:1: the server refused', diff: [] });
    await assert.rejects(baselineRun(first, { ticket: 'INV-1', schemaRef: 'x.json' }, p, {}), /\(replay failed\); nothing was written or recorded:\n {2}migrations\/x\/up\.sql:1: the server refused$/);
    assert.deepEqual(written, []);
  });

  it('writes and records a new baseline whose proof holds, with the manifest it describes', async () => {
    const server = new MemoryServer();
    const { p, written } = ports(server, { failure: null, diff: [] });
    const lines: string[] = [];
    const out = await baselineRun(first, { ticket: 'INV-1', schemaRef: '../schema/change.schema.json' }, p, { info: (l) => lines.push(l) });
    assert.equal(out.result, 'recorded');
    assert.deepEqual(written.slice(0, 2), ['changes/2026-12-07-baseline.yaml', 'migrations/2026-12-07-baseline/up.sql']);
    assert.equal(written[2], [
      '# yaml-language-server: $schema=../schema/change.schema.json',
      '# The schema of app as it was when changegate was adopted, read from prod by changegate baseline.',
      '# Never edit it: later work goes in new changes. Environments that already have this schema record it',
      '# with changegate baseline --env <name>; apply runs it only on an empty schema.',
      'title: "Baseline of app from prod"',
      'ticket: "INV-1"',
      'destructive: false',
      'baseline: true',
      'apply:',
      '  - migrations/2026-12-07-baseline/up.sql',
      '',
    ].join('\n'));
    assert.deepEqual(lines, [
      'prod: read 1 table(s), 0 view(s), 0 routine(s), 0 trigger(s), 0 event(s) from app',
      'wrote changes/2026-12-07-baseline.yaml',
      'wrote migrations/2026-12-07-baseline/up.sql',
    ]);
    assert.equal(server.committed.history.get('2026-12-07-baseline')!.status, 'baseline');
  });

  it('records nothing where an existing baseline differs from the environment, and says where', async () => {
    const server = new MemoryServer();
    const existing = loaded('2026-12-01-baseline');
    const s = { config, changes: [existing], byId: new Map([[existing.id, existing]]), env };
    const { p } = ports(server, { failure: null, diff: ['index idx_a on t is missing'] });
    assert.deepEqual(await baselineRun(s, { schemaRef: 'x.json' }, p, {}), { result: 'differs', change: existing.id, differences: ['index idx_a on t is missing'] });
    assert.equal(server.committed.history.size, 0);
  });
});
