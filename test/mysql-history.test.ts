// The history table on the real server: create, upgrade, round-trip, transactions, concurrent creation.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { GENERATED_FILE, historySqlSource } from '../scripts/history-codegen.js';
import { RefusedError } from '../src/core/errors.js';
import { connectTarget, parseTargetUrl, type Target } from '../src/adapters/mysql/connect.js';
import {
  ensureHistory,
  HISTORY_LAYOUT,
  HISTORY_TABLE,
  historyLayout,
  historyLayoutSql,
  readHistory,
} from '../src/adapters/mysql/history.js';
import { getServer, type TestServer } from './helpers/mysql-server.js';
import { historyRecord } from './helpers/records.js';

const opts = { minVersion: '5.0', lockWaitTimeout: 3, label: 'local' };

const record = historyRecord;

describe('history table SQL, generated ahead of time', () => {
  it('matches what knex builds from the definition in scripts/history-codegen.ts', () => {
    assert.ok(readFileSync(GENERATED_FILE, 'utf8') === historySqlSource(), 'history-sql.generated.ts is stale: run npm run codegen');
  });
});

describe('mysql adapter: history table', function () {
  let server: TestServer;
  let schema: { name: string; url: string; drop(): Promise<void> };
  let t: Target;

  before(async () => {
    server = await getServer();
  });
  beforeEach(async () => {
    schema = await server.freshSchema('history');
    t = await connectTarget(parseTargetUrl(schema.url), opts);
  });
  afterEach(async () => {
    await t?.close();
    await schema?.drop();
  });

  async function adminRows(sql: string) {
    return server.adminQuery(sql.replaceAll('$S', `\`${schema.name}\``));
  }

  it('is created once, InnoDB, with its layout in the comment; ensure is idempotent', async () => {
    await ensureHistory(t.connection);
    await t.session.history.ensure();
    const [row] = await server.adminQuery<{ ENGINE: string; TABLE_COMMENT: string; TABLE_COLLATION: string }>(
      'SELECT ENGINE, TABLE_COMMENT, TABLE_COLLATION FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?',
      [schema.name, HISTORY_TABLE],
    );
    assert.deepEqual({ ...row }, { ENGINE: 'InnoDB', TABLE_COMMENT: `changegate history, layout ${HISTORY_LAYOUT}`, TABLE_COLLATION: 'utf8mb4_bin' });
    assert.equal(await historyLayout(t.connection), HISTORY_LAYOUT);
    assert.deepEqual(await t.session.history.load(), []);
  });

  it('round-trips every field of a record, with millisecond UTC times', async () => {
    const h = t.session.history;
    await h.ensure();
    const full = record('2026-11-24-full', {
      status: 'failed',
      statementsApplied: 2,
      inFlight: 3,
      connectionId: 4294967301, // above 32 bits
      finishedAt: new Date('2026-11-24T10:00:05.999Z'),
      durationMs: 5876,
      gitCommit: '0123456789abcdef0123456789abcdef01234567',
      runUrl: 'https://github.com/acme/db/actions/runs/1',
      approver: 'alice',
      snapshotId: 'changegate-prod-2026-11-24-full',
      failedStatement: 3,
      error: "Duplicate column name 'due_date' — ünïcode kept",
      resolvedBy: 'bob: applied',
    });
    await h.put(full);
    await h.put(record('2026-11-23-earlier', { startedAt: new Date('2026-11-23T08:00:00.000Z') }));
    await t.session.commit();
    const loaded = await h.load();
    assert.deepEqual(loaded, [record('2026-11-23-earlier', { startedAt: new Date('2026-11-23T08:00:00.000Z') }), full]);
    // Another connection sees the same, through the read-only path.
    assert.deepEqual(await readHistory(parseTargetUrl(schema.url)), loaded);
    const [raw] = await adminRows("SELECT CAST(started_at AS CHAR) AS s FROM $S.changegate_history WHERE change_id = '2026-11-24-full'");
    assert.equal(raw!.s, '2026-11-24 10:00:00.123');
  });

  it('put replaces the whole row; progress is one small update', async () => {
    const h = t.session.history;
    await h.ensure();
    await h.put(record('c1', { error: 'old', approver: 'x' }));
    await h.put(record('c1', { status: 'running', statementsApplied: 1 }));
    await h.progress('c1', 2, 3, 77);
    await t.session.commit();
    const [rec] = await h.load();
    assert.deepEqual(rec, record('c1', { statementsApplied: 2, inFlight: 3, connectionId: 77 }));
    await h.progress('c1', 3, null, 77);
    assert.deepEqual((await h.load())[0]!.inFlight, null);
  });

  it('progress on a change without a row is an error', async () => {
    await t.session.history.ensure();
    await assert.rejects(t.session.history.progress('nope', 1, 2, 3), {
      message: 'history: no row for change nope to record progress on (put it first)',
    });
  });

  it('never commits by itself: the session transaction decides', async () => {
    const h = t.session.history;
    await h.ensure();
    await h.put(record('c-rolled'));
    await h.progress('c-rolled', 1, 2, 9);
    assert.deepEqual(await readHistory(parseTargetUrl(schema.url)), []);
    await t.session.rollback();
    assert.deepEqual(await h.load(), []);
    await h.put(record('c-kept'));
    await t.session.run(`CREATE TABLE after_put (id INT)`); // DDL commits implicitly, as the apply loop relies on
    assert.deepEqual((await readHistory(parseTargetUrl(schema.url))).map((r) => r.changeId), ['c-kept']);
  });

  it('clips text that would not fit its column instead of failing the history write', async () => {
    const h = t.session.history;
    await h.ensure();
    await h.put(record('c-long', { operator: 'o'.repeat(300), error: 'e'.repeat(70000) }));
    const [rec] = await h.load();
    assert.equal(rec!.operator.length, 255);
    assert.ok(rec!.operator.endsWith('…'));
    assert.equal(rec!.error!.length, 60000);
  });

  it('upgrades a layout-1 table in place, keeping its rows', async () => {
    const [layout1] = historyLayoutSql(1);
    await t.connection.exec(layout1!);
    await t.connection.exec(
      `INSERT INTO ${HISTORY_TABLE} (change_id, status, checksum, checksum_version, file_checksums, statements_total,
        statements_applied, statement_hashes, started_at, operator)
       VALUES ('old-change', 'applied', 'abc', 1, '{}', 1, 1, '["1111111111111111"]', '2025-01-02 03:04:05.006', 'ci')`,
    );
    await t.session.commit();
    assert.equal(await historyLayout(t.connection), 1);
    // A reader copes with the old layout before anyone upgrades it.
    const before = await readHistory(parseTargetUrl(schema.url));
    assert.equal(before[0]!.resolvedBy, null);
    await ensureHistory(t.connection);
    assert.equal(await historyLayout(t.connection), HISTORY_LAYOUT);
    const [rec] = await t.session.history.load();
    assert.deepEqual(rec, {
      ...record('old-change'),
      status: 'applied',
      checksum: 'abc',
      checksumVersion: 1,
      fileChecksums: {},
      statementsTotal: 1,
      statementsApplied: 1,
      statementHashes: ['1111111111111111'],
      startedAt: new Date('2025-01-02T03:04:05.006Z'),
      operator: 'ci',
    });
  });

  it('upgrades a layout-2 table to layout 3 (the server identity of connection ids), keeping a running row', async () => {
    for (const sql of historyLayoutSql(2)) await t.connection.exec(sql);
    await t.connection.exec(
      `INSERT INTO ${HISTORY_TABLE} (change_id, status, checksum, checksum_version, file_checksums, statements_total,
        statements_applied, statement_hashes, in_flight, connection_id, started_at, operator)
       VALUES ('interrupted', 'running', 'abc', 1, '{}', 2, 1, '["1111111111111111","2222222222222222"]', 2, 7, '2025-01-02 03:04:05.006', 'ci')`,
    );
    await t.session.commit();
    assert.equal(await historyLayout(t.connection), 2);
    await ensureHistory(t.connection);
    assert.equal(await historyLayout(t.connection), HISTORY_LAYOUT);
    const [rec] = await t.session.history.load();
    assert.deepEqual([rec!.status, rec!.inFlight, rec!.connectionId, rec!.serverUuid, rec!.serverBoot], ['running', 2, 7, null, null]);
    // A new row records the session's server and boot, to the second.
    await t.session.history.put(record('fresh', { connectionId: 9, serverUuid: 'u-1', serverBoot: new Date('2026-11-24T09:00:01Z') }));
    const fresh = (await t.session.history.load()).find((r) => r.changeId === 'fresh')!;
    assert.deepEqual([fresh.serverUuid, fresh.serverBoot], ['u-1', new Date('2026-11-24T09:00:01Z')]);
  });

  it('upgrades a layout-3 table to layout 5 (pull requests, then statements in steps), keeping its rows, and round-trips a provisional row and step state', async () => {
    for (const sql of historyLayoutSql(3)) await t.connection.exec(sql);
    await t.connection.exec(
      `INSERT INTO ${HISTORY_TABLE} (change_id, status, checksum, checksum_version, file_checksums, statements_total,
        statements_applied, statement_hashes, started_at, operator, server_uuid)
       VALUES ('old', 'applied', 'abc', 1, '{}', 3, 3, '["1111111111111111"]', '2025-01-02 03:04:05.006', 'ci', 'u-1')`,
    );
    await t.session.commit();
    assert.equal(await historyLayout(t.connection), 3);
    // A layout-3 table is read before anyone upgrades it: no pull request on any row.
    assert.equal((await t.session.history.load())[0]!.pullRequest, null);
    await ensureHistory(t.connection);
    assert.equal(HISTORY_LAYOUT, 5);
    assert.equal(await historyLayout(t.connection), 5);
    const [old] = await t.session.history.load();
    assert.deepEqual([old!.changeId, old!.status, old!.statementsApplied, old!.serverUuid, old!.pullRequest], ['old', 'applied', 3, 'u-1', null]);
    // The recorded rollback keeps its text exactly, quotes, semicolons inside strings and newlines included.
    const rollback = [{ file: 'migrations/x/down.sql', line: 3, column: 1, sql: "UPDATE t SET note = 'a;b\n\"c\"'\nWHERE id = 1" }];
    const mark = { number: 42, headCommit: 'ab'.repeat(20), rollback, mergeCommit: null, objects: ['invoices', 'other.t'] };
    await t.session.history.put(record('pr', { status: 'provisional', statementsApplied: 3, pullRequest: mark }));
    await t.session.commit();
    const pr = (await readHistory(t.connection)).find((r) => r.changeId === 'pr')!;
    assert.equal(pr.status, 'provisional');
    assert.deepEqual(pr.pullRequest, mark);
    // Layout 5: an online statement's mark and a batched statement's progress, each alone and together.
    const online = { statement: 2, tool: 'pt-online-schema-change', table: 'orders', before: 'b'.repeat(64), after: 'a'.repeat(64), existing: ['table _orders_archive'] };
    const backfill = { statement: 3, lastKey: ["o'brien", '2026-12-07 10:00:00'], rowsDone: 12_345, batches: 13, done: false };
    await t.session.history.put(record('steps', { online, backfill }));
    await t.session.history.put(record('walk', { backfill }));
    await t.session.commit();
    const rows = await readHistory(t.connection);
    const steps = rows.find((r) => r.changeId === 'steps')!;
    const walk = rows.find((r) => r.changeId === 'walk')!;
    assert.deepEqual([steps.online, steps.backfill, walk.online, walk.backfill, pr.online, pr.backfill], [online, backfill, null, backfill, null, null]);
  });

  it('creates a fresh table at the newest layout in one statement, the same table as layout 1 upgraded step by step', async () => {
    await server.adminQuery("SET GLOBAL log_output = 'TABLE'");
    await server.adminQuery('TRUNCATE mysql.general_log');
    await server.adminQuery('SET GLOBAL general_log = ON');
    try {
      await ensureHistory(t.connection);
    } finally {
      await server.adminQuery('SET GLOBAL general_log = OFF');
    }
    const ddl = await server.adminQuery<{ a: string }>(
      "SELECT CONVERT(argument USING utf8mb4) AS a FROM mysql.general_log WHERE command_type = 'Query' AND (argument LIKE 'create table%' OR argument LIKE 'alter table%')",
    );
    assert.deepEqual(ddl.map((r) => r.a.slice(0, 47)), ['create table if not exists `changegate_history`']);
    const upgraded = await server.freshSchema('history_upgraded');
    const other = await connectTarget(parseTargetUrl(upgraded.url), opts);
    try {
      await other.connection.exec(historyLayoutSql(1)[0]!);
      await ensureHistory(other.connection);
      const show = async (name: string) =>
        Object.values((await server.adminQuery<Record<string, string>>(`SHOW CREATE TABLE \`${name}\`.${HISTORY_TABLE}`))[0]!)[1];
      assert.equal(await show(schema.name), await show(upgraded.name));
    } finally {
      await other.close();
      await upgraded.drop();
    }
  });

  it('two runners creating the table at once both succeed', async () => {
    const other = await connectTarget(parseTargetUrl(schema.url), opts);
    try {
      await Promise.all([ensureHistory(t.connection), ensureHistory(other.connection), ensureHistory(t.connection).catch(() => undefined)]);
      assert.equal(await historyLayout(t.connection), HISTORY_LAYOUT);
    } finally {
      await other.close();
    }
  });

  it('two runners upgrading the same old table at once both succeed', async () => {
    await t.connection.exec(historyLayoutSql(1)[0]!);
    const other = await connectTarget(parseTargetUrl(schema.url), opts);
    try {
      await Promise.all([ensureHistory(t.connection), ensureHistory(other.connection)]);
      assert.equal(await historyLayout(other.connection), HISTORY_LAYOUT);
    } finally {
      await other.close();
    }
  });

  it('refuses a layout newer than this version knows', async () => {
    await ensureHistory(t.connection);
    await t.connection.exec(`ALTER TABLE ${HISTORY_TABLE} COMMENT = 'changegate history, layout 9'`);
    await assert.rejects(ensureHistory(t.connection), (e: unknown) => {
      assert.ok(e instanceof RefusedError);
      assert.equal(
        e.message,
        `refused: the history table changegate_history on local has layout 9, newer than this changegate knows (${HISTORY_LAYOUT}); upgrade changegate`,
      );
      return true;
    });
  });

  it('refuses a table of the same name that changegate did not create', async () => {
    await t.connection.exec(`CREATE TABLE ${HISTORY_TABLE} (id INT) COMMENT = 'ours'`);
    await assert.rejects(ensureHistory(t.connection), {
      name: 'RefusedError',
      message: 'refused: the table changegate_history on local was not created by changegate (its comment is "ours"); rename it',
    });
  });

  it('reads an empty history where there is no table yet, and refuses a missing schema', async () => {
    assert.deepEqual(await readHistory(parseTargetUrl(schema.url)), []);
    assert.deepEqual(await readHistory(t), []);
    await assert.rejects(readHistory(parseTargetUrl(server.url('missing_schema_x')), 'qa'), {
      name: 'RefusedError',
      message: 'refused: schema missing_schema_x does not exist on qa (or this user cannot see it); create it first',
    });
  });
});
