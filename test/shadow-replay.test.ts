// The shadow replay on a real server, on several connections at once: statements that depend on each
// other (a table and its ALTER, a view over a table, a foreign key to a table another change created)
// still run in order, the schema built is the one a replay one statement at a time builds, and the
// failure reported is the first one in order.
import assert from 'node:assert/strict';
import { parseTargetUrl } from '../src/adapters/mysql/connect.js';
import { describeSchema } from '../src/adapters/mysql/introspect.js';
import type { MysqlConnection } from '../src/adapters/mysql/connection.js';
import { diffSchemas, type SchemaShape } from '../src/core/drift.js';
import type { Change } from '../src/core/types.js';
import { REPLAY_CONNECTIONS, replay, withShadow } from '../src/cli/shadow.js';
import { getServer, type TestServer } from './helpers/mysql-server.js';

function change(id: string, sql: string[]): Change {
  return { id, statements: sql.map((s, i) => ({ file: `migrations/${id}/up.sql`, line: i + 1, column: 1, sql: s })) } as Change;
}

const PAIRS = 12;
// Each dependent statement comes right after what it depends on, so that a replay that let them run
// at once would start both together: a table and its ALTER and index, a parent at the end of one change
// and its child at the start of the next, a table and a view over it. The first statement is slow (a
// table of many partitions), so that the other connections are open before the rest is replayed.
const CHANGES = [
  change('2026-01-01-tables', [
    'CREATE TABLE slow_start (id INT NOT NULL PRIMARY KEY) PARTITION BY HASH (id) PARTITIONS 200',
    ...Array.from({ length: PAIRS }, (_, i) => [
      `CREATE TABLE t${i} (id INT NOT NULL PRIMARY KEY)`,
      `ALTER TABLE t${i} ADD COLUMN note VARCHAR(20) NULL`,
      `CREATE INDEX ix_note ON t${i} (note)`,
    ]).flat(),
    // A barrier while the first connection is still busy: what comes after it waits for it.
    'CREATE TABLE a (id INT NOT NULL PRIMARY KEY)',
    'RENAME TABLE a TO b',
    'ALTER TABLE b ADD COLUMN x INT NULL',
    'CREATE TABLE parent (id INT NOT NULL PRIMARY KEY, code VARCHAR(10) NOT NULL DEFAULT \'\')',
  ]),
  change('2026-01-02-children', [
    'CREATE TABLE child (id INT NOT NULL PRIMARY KEY, pid INT NOT NULL, CONSTRAINT fk_child FOREIGN KEY (pid) REFERENCES parent (id))',
    'ALTER TABLE child ADD COLUMN code VARCHAR(10) NULL',
    'CREATE TABLE w (id INT NOT NULL PRIMARY KEY, note VARCHAR(20) NULL)',
    'CREATE VIEW v_notes AS SELECT w.note, t1.id FROM w JOIN t1 ON t1.id = w.id',
    ...Array.from({ length: PAIRS }, (_, i) => `ALTER TABLE t${i} DROP INDEX ix_note`),
    // What a session statement sets holds for the statements after it: they run where it ran.
    'SET foreign_key_checks = 0',
    'CREATE TABLE orphan (id INT NOT NULL PRIMARY KEY, rid INT NOT NULL, CONSTRAINT fk_orphan FOREIGN KEY (rid) REFERENCES not_yet (id))',
  ]),
];

describe('shadow replay on several connections', function () {
  this.timeout(120_000);
  let server: TestServer;
  let base: { name: string; url: string; drop(): Promise<void> };

  before(async () => {
    server = await getServer();
    base = await server.freshSchema('replay_base');
  });
  after(async () => {
    await base?.drop();
  });

  // Replays `changes` into a fresh shadow schema (in parallel or one by one) and describes what it built.
  async function build(changes: Change[], parallel: boolean): Promise<{ failure: string | null; shape: SchemaShape | null; opened: number }> {
    let opened = 0;
    return withShadow(parseTargetUrl(base.url), base.name, 'the shadow server', async (conn: MysqlConnection, name, more) => {
      const counted = async () => {
        opened++;
        return more();
      };
      const failure = await replay(conn, changes, parallel ? counted : undefined);
      if (failure) return { failure: `${failure.file}:${failure.line}: ${failure.message}`, shape: null, opened };
      return { failure: null, shape: await describeSchema(conn, name), opened };
    });
  }

  it('replays dependent statements in order on several connections and builds what a replay one by one builds', async () => {
    const par = await build(CHANGES, true);
    assert.equal(par.failure, null);
    assert.equal(par.opened, REPLAY_CONNECTIONS - 1);
    const seq = await build(CHANGES, false);
    assert.equal(seq.failure, null);
    assert.equal(seq.opened, 0);
    assert.deepEqual(diffSchemas(seq.shape!, par.shape!), []);
    assert.equal(par.shape!.tables.length, PAIRS + 6);
    assert.deepEqual(par.shape!.tables.find((t) => t.name === 'b')!.columns.map((c) => c.name), ['id', 'x']);
    assert.deepEqual(par.shape!.tables.find((t) => t.name === 'child')!.foreignKeys.map((f) => `${f.name} -> ${f.refTable}`), ['fk_child -> parent']);
    assert.deepEqual(par.shape!.tables.find((t) => t.name === 'child')!.columns.map((c) => c.name), ['id', 'pid', 'code']);
    assert.deepEqual(par.shape!.tables.find((t) => t.name === 't5')!.columns.map((c) => c.name), ['id', 'note']);
    assert.deepEqual(par.shape!.tables.find((t) => t.name === 't5')!.indexes.map((x) => x.name), ['PRIMARY']);
    assert.deepEqual(par.shape!.views.map((v) => v.name), ['v_notes']);
  });

  it('reports the first failing statement in order, even when a later independent one fails too', async () => {
    // The first failure waits for a slow statement (a table of many partitions); the later one fails at once.
    const failing = [
      change('2026-01-02-broken', [
        'CREATE TABLE slow (id INT NOT NULL PRIMARY KEY) PARTITION BY HASH (id) PARTITIONS 200',
        'ALTER TABLE slow ADD COLUMN late INT AFTER no_such_column',
        ...Array.from({ length: PAIRS }, (_, i) => `CREATE TABLE y${i} (id INT NOT NULL PRIMARY KEY)`),
        'CREATE TABLE dup (id INT)',
        'CREATE TABLE dup (id INT)',
      ]),
    ];
    const par = await build(failing, true);
    const seq = await build(failing, false);
    assert.equal(par.failure, seq.failure);
    assert.match(par.failure!, /^migrations\/2026-01-02-broken\/up\.sql:2: shadow replay of 2026-01-02-broken failed: .*no_such_column/);
  });
});
