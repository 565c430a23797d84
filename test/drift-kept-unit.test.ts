// drift's kept replay result over in-memory ports: the key (server settings and every statement
// replayed) decides whether a kept result stands in for a replay; --replay always replays; a failed
// replay is never kept. (The real adapter and the executable are tested in drift-kept.test.ts.)
import { strict as assert } from 'node:assert';
import { checksum, combinedChecksum } from '../src/core/checksum.js';
import type { SchemaShape, TableShape } from '../src/core/drift.js';
import { expectedKey } from '../src/core/expected-schema.js';
import { newRecord } from '../src/core/history-record.js';
import type { Change, Config, EnvironmentConfig, HistoryRecord } from '../src/core/types.js';
import { driftRun, type DriftPorts } from '../src/core/usecases/drift.js';

const env: EnvironmentConfig = { name: 'prod', snapshot: 'never', lock_wait_timeout: 5, lock_retries: 0, lock_timeout: 10, snapshot_timeout: 60, snapshot_poll_seconds: 1, line: 1 };
const config: Config = { root: '/repo', file: 'changegate.yaml', database: 'app', server: { min_version: '8.0' }, protected_clusters: [], environments: [env] };
const at = new Date('2026-12-07T10:00:00Z');

function change(id: string, ...sql: string[]): Change {
  const text = sql.join(';\n') + ';\n';
  const fileChecksums = { [`migrations/${id}/up.sql`]: checksum(text) };
  return {
    id, file: `changes/${id}.yaml`, title: id, ticket: 'INV-1', destructive: false,
    apply: [{ path: `migrations/${id}/up.sql`, content: text, checksum: checksum(text) }], rollback: [], verify: [], depends_on: [], lint: { ignore: [] },
    statements: sql.map((s, i) => ({ file: `migrations/${id}/up.sql`, line: i + 1, column: 1, sql: s })), rollbackStatements: [], fileChecksums,
    checksum: combinedChecksum(Object.entries(fileChecksums).map(([name, c]) => ({ name, checksum: c }))),
  };
}
const applied = (c: Change): HistoryRecord => ({ ...newRecord(c, { user: 'ci', gitCommit: null, runUrl: null, approver: null }, null, at), status: 'applied', statementsApplied: c.statements.length });

function table(name: string, columns: string[]): TableShape {
  return {
    name, engine: 'InnoDB', collation: 'utf8mb4_general_ci', comment: '', indexes: [], foreignKeys: [], checks: [], partitioning: '',
    columns: columns.map((c) => ({ name: c, type: 'INT(11)', nullable: false, default: null, charset: null, collation: null, extra: '', generated: null, comment: '' })),
  };
}
const shape = (...tables: TableShape[]): SchemaShape => ({ schema: 'cg_shadow_app_1', tables, views: [], routines: [], triggers: [], events: [] });

// Ports over a live shape, a replay result and a store of kept results; counts the replays.
function ports(live: SchemaShape, replayed: SchemaShape | { failure: string }, server = 'version=10.11.19') {
  const store = new Map<string, SchemaShape>();
  const calls = { replays: 0, kept: [] as string[] };
  const p = (history: HistoryRecord[]): DriftPorts => ({
    read: async () => ({ history, live, server }),
    kept: async (key) => (store.has(key) ? { shape: store.get(key)!, recordedAt: at } : null),
    replay: async () => {
      calls.replays++;
      return 'failure' in replayed ? replayed : { shape: replayed };
    },
    keep: async (key, s) => {
      calls.kept.push(key);
      store.set(key, s);
    },
  });
  return { p, store, calls };
}

describe('drift with a kept replay result (in-memory ports)', () => {
  const a = change('2026-12-01-a', 'CREATE TABLE t (id INT PRIMARY KEY)');
  const scope = { config, changes: [a], byId: new Map([[a.id, a]]), env };
  const expected = shape(table('t', ['id']));

  it('replays once and keeps the result; the next drift compares with it and finds the same drift', async () => {
    const live = shape(table('t', ['id', 'note']));
    const { p, calls } = ports(live, expected);
    const first = await driftRun(scope, p([applied(a)]));
    assert.deepEqual(first.expected, { source: 'replay' });
    assert.equal(calls.replays, 1);
    assert.deepEqual(calls.kept, [expectedKey('version=10.11.19', [a])]);
    const second = await driftRun(scope, p([applied(a)]));
    assert.deepEqual(second.expected, { source: 'kept', recordedAt: at });
    assert.equal(calls.replays, 1);
    assert.deepEqual(second.schema, first.schema);
    assert.deepEqual(second.schema, ['+ column t.note INT(11) NOT NULL']);
  });

  it('replays again when asked, when a statement, the applied set or the server changed', async () => {
    const { p, calls, store } = ports(expected, expected);
    await driftRun(scope, p([applied(a)]));
    assert.equal(calls.replays, 1);
    await driftRun(scope, p([applied(a)]), { replay: true });
    assert.equal(calls.replays, 2, '--replay');
    const edited = change(a.id, 'CREATE TABLE t (id BIGINT PRIMARY KEY)');
    await driftRun({ ...scope, changes: [edited], byId: new Map([[a.id, edited]]) }, p([applied(a)]));
    assert.equal(calls.replays, 3, 'an applied file edited since');
    const b = change('2026-12-02-b', 'ALTER TABLE t ADD COLUMN note INT');
    await driftRun({ ...scope, changes: [a, b], byId: new Map([[a.id, a], [b.id, b]]) }, p([applied(a), applied(b)]));
    assert.equal(calls.replays, 4, 'one more applied change');
    const other = ports(expected, expected, 'version=10.11.20');
    for (const [k, v] of store) other.store.set(k, v);
    await driftRun(scope, other.p([applied(a)]));
    assert.equal(other.calls.replays, 1, 'another server version');
  });

  it('keeps nothing from a failed replay, and reports the failure as the schema drift', async () => {
    const { p, calls } = ports(expected, { failure: 'migrations/x/up.sql:1: shadow replay of x failed: boom' });
    const r = await driftRun(scope, p([applied(a)]));
    assert.deepEqual(r.schema, ['cannot compute the expected schema: migrations/x/up.sql:1: shadow replay of x failed: boom']);
    assert.deepEqual(calls.kept, []);
  });

  it('without a place to keep results (a replay on another server) every drift replays', async () => {
    const { p, calls } = ports(expected, expected);
    const bare = (h: HistoryRecord[]): DriftPorts => ({ read: p(h).read, replay: p(h).replay });
    await driftRun(scope, bare([applied(a)]));
    await driftRun(scope, bare([applied(a)]));
    assert.equal(calls.replays, 2);
  });

  it('a key tells apart statements that would run together as text', () => {
    const s = 'version=1';
    assert.notEqual(expectedKey(s, [change('c', 'A', 'B')]), expectedKey(s, [change('c', 'AB')]));
    assert.notEqual(expectedKey(s, [change('c', 'A'), change('d', 'B')]), expectedKey(s, [change('c', 'A', 'B')]));
    assert.notEqual(expectedKey(s, [change('c', 'A')]), expectedKey('version=2', [change('c', 'A')]));
    assert.equal(expectedKey(s, [change('c', 'A')]), expectedKey(s, [change('c', 'A')]));
    assert.match(expectedKey(s, []), /^[0-9a-f]{64}$/);
  });
});
