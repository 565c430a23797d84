// The apply loop's edges against the in-memory target with MySQL's commit rules: what a failed
// statement or verify query tells the user to do next, which errors are retried, what a resumed
// change keeps from its history row, the hooks around each change, how a verify result compares
// with its `expect`, how a person's decision on an in-doubt statement is recorded, and when the
// loop waits for a statement an interrupted run left in flight.
import { strict as assert } from 'node:assert';
import { applyPlan, inFlightProcess, matches, reconcileInterrupted, resolveInDoubt, type ApplyContext } from '../src/core/apply.js';
import { statementHash } from '../src/core/checksum.js';
import { ApplyError } from '../src/core/errors.js';
import { planEnvironment } from '../src/core/plan.js';
import type { ApplyReport } from '../src/core/plan-types.js';
import { StatementError, type ExpectedStatement, type ProcessInfo, type RunResult } from '../src/core/ports.js';
import type { Change, EnvironmentConfig, HistoryRecord, Verify } from '../src/core/types.js';
import { MemoryServer, memoryChange, type MemorySession } from './helpers/memory-target.js';
import { historyRecord } from './helpers/records.js';

const env: EnvironmentConfig = {
  name: 'qa', snapshot: 'never', lock_wait_timeout: 5, lock_retries: 0, lock_timeout: 10, snapshot_timeout: 60, snapshot_poll_seconds: 1, line: 1,
};
const ins = (v: string) => `INSERT INTO trace VALUES ('${v}')`;
const NOW = new Date('2026-12-07T10:00:00Z');

// Statements the in-memory target does not know, answered here: a failure with a given error, or a
// query that returns no row.
const FAILURES: Record<string, () => RunResult | Error> = {
  'SELECT no rows': () => ({ rows: [], affectedRows: 0 }),
  'SELECT null rows': () => ({ rows: null, affectedRows: 0 }),
  'UPDATE t SET missing = 1': () => new StatementError("Unknown column 'missing' in 't.field list'.", 1054, '42S22', false),
  'UPDATE t SET dup = 1': () => new StatementError("Duplicate entry '1' for key 't.PRIMARY'", 1062, '23000', false),
  'UPDATE t SET crash = 1': () => new Error('driver bug'),
  'SELECT lost': () => new StatementError('Lost connection to server during query', 2013, 'HY000', true),
  'SELECT broken': () => new StatementError("Table 'v' doesn't exist", 1146, '42S02', false),
};

function answering(session: MemorySession): MemorySession {
  const run = session.run.bind(session);
  session.run = async (sql: string): Promise<RunResult> => {
    const answer = FAILURES[sql]?.();
    if (answer instanceof Error) throw answer;
    return answer ?? run(sql);
  };
  return session;
}

function context(session: MemorySession, server: MemoryServer, over: Partial<ApplyContext> = {}): ApplyContext {
  return {
    session, inspector: server, snapshotId: null, lockRetries: 0, inFlightWaitMs: 0, pollMs: 0, now: () => NOW,
    operator: { user: 'test', gitCommit: null, runUrl: null, approver: null },
    ...over,
  };
}

/** Plans `changes` over the server's history and applies them; resolves with the report, or the error with it. */
async function apply(server: MemoryServer, changes: Change[], over: Partial<ApplyContext> = {}): Promise<{ report?: ApplyReport; error?: Error & { report?: ApplyReport } }> {
  const session = answering(server.connect());
  const history = await session.history.load();
  const { plan, problems } = planEnvironment(changes, history, env);
  assert.deepEqual(problems, []);
  try {
    return { report: await applyPlan(plan, new Map(changes.map((c) => [c.id, c])), history, context(session, server, over)) };
  } catch (err) {
    return { error: err as Error & { report?: ApplyReport } };
  }
}

const verify = (name: string, sql: string, expect: Verify['expect']): Verify => ({ name, sql, expect, line: 7 });

describe('apply loop: what a failed statement tells the user', () => {
  const ID = '2026-12-07-fail';
  const go = (applied: string, rest: string, note = ' (applied ones must stay as they are)') =>
    `${applied}. To go on, fix forward with a new change, or edit ${rest} of this change${note} and run apply again`;
  const CASES: Array<[string, string[], string]> = [
    ['the first and only statement fails: nothing is applied',
      ['UPDATE t SET dup = 1'],
      `${ID}: statement 1 of 1 failed at migrations/${ID}/up.sql:1: Duplicate entry '1' for key 't.PRIMARY'. ${go('No statement of this change is applied', 'statement 1', '')}`],
    ['the second of three fails after a DDL statement: one is applied',
      ['CREATE TABLE a1 (id INT)', 'UPDATE t SET dup = 1', ins('x')],
      `${ID}: statement 2 of 3 failed at migrations/${ID}/up.sql:2: Duplicate entry '1' for key 't.PRIMARY'. ${go('Statement 1 is applied and recorded; nothing after it ran', 'statements 2-3')}`],
    ['the last of three fails: two are applied, and the server\'s closing full stop is not doubled',
      ['CREATE TABLE a1 (id INT)', 'CREATE TABLE a2 (id INT)', 'UPDATE t SET missing = 1'],
      `${ID}: statement 3 of 3 failed at migrations/${ID}/up.sql:3: Unknown column 'missing' in 't.field list'. ${go('Statements 1-2 are applied and recorded; nothing after them ran', 'statement 3')}`],
    ['an error that is not the server\'s is reported as it reads',
      ['UPDATE t SET crash = 1'],
      `${ID}: statement 1 of 1 failed at migrations/${ID}/up.sql:1: Error: driver bug. ${go('No statement of this change is applied', 'statement 1', '')}`],
  ];
  for (const [name, sqls, message] of CASES) {
    it(name, async () => {
      const server = new MemoryServer();
      const { error } = await apply(server, [memoryChange(ID, sqls)]);
      assert.ok(error instanceof ApplyError);
      assert.equal(error.message, message);
      const row = server.committed.history.get(ID)!;
      const failed = Number(/statement (\d+) of/.exec(message)![1]);
      // The error the statement raised stays reachable as the cause, for whoever logs the stack.
      assert.equal((error.cause as Error).message, (FAILURES[sqls[failed - 1]!]!() as Error).message);
      assert.deepEqual([row.status, row.failedStatement, row.statementsApplied, row.inFlight, row.finishedAt], ['failed', failed, failed - 1, null, NOW]);
    });
  }

  it('retries no error but a lock wait timeout or a deadlock, however many retries are allowed', async () => {
    const retries: string[] = [];
    const { error } = await apply(new MemoryServer(), [memoryChange(ID, ['UPDATE t SET dup = 1'])], {
      lockRetries: 3, events: { statementRetry: (c, n, attempt) => retries.push(`${c.id} ${n} ${attempt}`) },
    });
    assert.match(error!.message, /^2026-12-07-fail: statement 1 of 1 failed/);
    assert.deepEqual(retries, []);
  });

  it('retries a deadlocked statement and tells the caller which attempt it is', async () => {
    const server = new MemoryServer();
    server.deadlocks = 1;
    const retries: string[] = [];
    const { report } = await apply(server, [memoryChange(ID, [ins('DEADLOCK')])], {
      lockRetries: 1, events: { statementRetry: (c, n, attempt, e) => retries.push(`${c.id} ${n} ${attempt} ${e}`) },
    });
    assert.equal(report!.changes[0]!.result, 'applied');
    assert.deepEqual(retries, [`${ID} 1 1 Deadlock found when trying to get lock; try restarting transaction`]);
    assert.deepEqual(server.committed.trace, ['DEADLOCK']);
  });

  it('says where the connection was lost and that apply decides on a rerun', async () => {
    const server = new MemoryServer();
    server.losses = 1;
    const { error } = await apply(server, [memoryChange(ID, [ins('LOST')])]);
    assert.equal(error!.message,
      `${ID}: the connection was lost while statement 1 (migrations/${ID}/up.sql:1) was in flight: Lost connection to server during query. ` +
      'Run apply again: it checks whether the statement is still running and stops for a decision if its outcome is unknown');
    assert.equal((error!.cause as StatementError).errno, 2013);
  });

  it('tells the caller when each statement starts, with its number and the total', async () => {
    const started: string[] = [];
    await apply(new MemoryServer(), [memoryChange(ID, [ins('a'), ins('b')])], { events: { statementStarted: (c, n, total) => started.push(`${c.id} ${n}/${total}`) } });
    assert.deepEqual(started, [`${ID} 1/2`, `${ID} 2/2`]);
  });
});

describe('apply loop: verify queries', () => {
  const ID = '2026-12-07-verify';
  const CASES: Array<[string, Verify, string]> = [
    ['a query that returns no row', verify('has rows', 'SELECT no rows', 1), 'verify "has rows" expected 1, got no rows'],
    ['a statement that returns no result set', verify('has rows', 'SELECT null rows', 1), 'verify "has rows" expected 1, got no rows'],
    ['a count that differs', verify('one a', "SELECT COUNT(*) FROM trace WHERE v = 'a'", 2), 'verify "one a" expected 2, got 1'],
    ['a string expected', verify('text', "SELECT COUNT(*) FROM trace WHERE v = 'a'", 'two'), 'verify "text" expected "two", got 1'],
    ['NULL expected', verify('null', "SELECT COUNT(*) FROM trace WHERE v = 'a'", null), 'verify "null" expected NULL, got 1'],
  ];
  for (const [name, v, text] of CASES) {
    it(`fails on ${name}, and keeps the change resumable at its verify`, async () => {
      const server = new MemoryServer();
      const { error } = await apply(server, [memoryChange(ID, [ins('a')], [v])]);
      assert.equal(error!.message, `${ID}: ${text}. All 1 statements are applied; fix the data or the verify query, then run apply again to re-check`);
      const row = server.committed.history.get(ID)!;
      assert.deepEqual([row.status, row.statementsApplied, row.failedStatement, row.error], ['failed', 1, null, text]);
    });
  }

  it('tells the caller each verify result', async () => {
    const seen: string[] = [];
    const v = verify('one a', "SELECT COUNT(*) FROM trace WHERE v = 'a'", 1);
    const { report } = await apply(new MemoryServer(), [memoryChange(ID, [ins('a')], [v])], { events: { verified: (c, x, actual, ok) => seen.push(`${c.id} ${x.name} ${String(actual)} ${ok}`) } });
    assert.equal(report!.changes[0]!.result, 'applied');
    assert.deepEqual(seen, [`${ID} one a 1 true`]);
  });

  it('records a verify query that fails to run', async () => {
    const server = new MemoryServer();
    const { error } = await apply(server, [memoryChange(ID, [ins('a')], [verify('view', 'SELECT broken', 1)])]);
    assert.equal(error!.message, `${ID}: verify "view" failed to run: Table 'v' doesn't exist`);
    assert.equal((error!.cause as StatementError).errno, 1146);
    assert.deepEqual([(error as ApplyError).file, (error as ApplyError).line], [`changes/${ID}.yaml`, 7]);
    assert.equal(server.committed.history.get(ID)!.error, `verify "view" failed: Table 'v' doesn't exist`);
  });

  it('writes nothing when the connection is lost during a verify query: every statement is recorded already', async () => {
    const server = new MemoryServer();
    const { error } = await apply(server, [memoryChange(ID, [ins('a')], [verify('v', 'SELECT lost', 1)])]);
    assert.equal(error!.message, `${ID}: the connection was lost while verify "v" ran: Lost connection to server during query. All 1 statements are applied and recorded; run apply again to verify`);
    assert.equal((error!.cause as StatementError).errno, 2013);
    const row = server.committed.history.get(ID)!;
    assert.deepEqual([row.status, row.statementsApplied, row.error], ['running', 1, null]);
  });
});

describe('apply loop: how a verify result compares with its expect', () => {
  const CASES: Array<[Verify['expect'], unknown, boolean]> = [
    [1, undefined, false],
    [null, undefined, false],
    ['undefined', undefined, false],
    [null, null, true],
    [null, 0, false],
    [0, null, false],
    ['NULL', null, false],
    ['null', null, false],
    [false, null, false],
    [true, 1, true],
    [true, '1', true],
    [true, 0, false],
    [true, 2, false],
    [false, 0, true],
    [false, '0', true],
    [false, 1, false],
    [3, 3n, true],
    [3, '3', true],
    [3, '3.0', true],
    [3, 4, false],
    [3, 'three', false],
    ['2026-12-07T10:00:00.000Z', NOW, true],
    ['abc', Buffer.from('abc'), true],
    ['5', 5, true],
    ['a', 'b', false],
  ];
  for (const [expect, actual, ok] of CASES) {
    it(`${JSON.stringify(expect)} ${ok ? 'matches' : 'does not match'} ${typeof actual === 'bigint' ? `${actual}n` : String(actual)} (${typeof actual})`, () => {
      assert.equal(matches(expect, actual), ok);
    });
  }
});

describe('apply loop: around each change', () => {
  const A = memoryChange('2026-12-07-a', [ins('a')]);
  const B = memoryChange('2026-12-07-b', [ins('b')]);

  it('names the snapshot that protects the run in the report', async () => {
    const { report } = await apply(new MemoryServer(), [A], { snapshotId: 'snap-1' });
    assert.equal(report!.snapshot.id, 'snap-1');
  });

  it('stops before a change when the run lock is lost, with what ran before it recorded', async () => {
    const server = new MemoryServer();
    let checks = 0;
    const { error } = await apply(server, [A, B], { lockHeld: async () => ++checks < 2 });
    assert.equal(error!.message, 'refused: the run lock on qa was lost (its connection ended); stopping before 2026-12-07-b, with everything before it recorded. Run apply again');
    assert.deepEqual([...server.committed.history.keys()], [A.id]);
  });

  it('refuses a change whose pre-checks reject it before anything is written for it, and reports it not run', async () => {
    const server = new MemoryServer();
    const { error } = await apply(server, [A, B], { beforeChange: async (c) => { if (c.id === B.id) throw new Error('42 rows would be lost'); } });
    assert.equal(error!.message, '42 rows would be lost');
    assert.deepEqual(error!.report!.changes.map((c) => [c.id, c.result, c.error]), [[A.id, 'applied', undefined], [B.id, 'not-run', '42 rows would be lost']]);
    assert.deepEqual([...server.committed.history.keys()], [A.id]);
  });

  it('tells the caller how each change ended', async () => {
    const ended: string[] = [];
    const bad = memoryChange('2026-12-07-c', ['UPDATE t SET dup = 1']);
    const { error } = await apply(new MemoryServer(), [A, bad], { events: { changeFinished: (c, result) => ended.push(`${c.id} ${result}`) } });
    assert.deepEqual(ended, [`${A.id} applied`, `${bad.id} failed`]);
    assert.deepEqual(error!.report!.changes.map((c) => c.result), ['applied', 'failed']);
  });

  it('refuses a plan that names a change it was not given', async () => {
    const server = new MemoryServer();
    const session = server.connect();
    const { plan } = planEnvironment([A], [], env);
    await assert.rejects(applyPlan(plan, new Map(), [], context(session, server)), { message: 'plan names 2026-12-07-a, which was not loaded' });
  });

  it('records the id a table backup returns, or keeps the run\'s snapshot when it returns none', async () => {
    const server = new MemoryServer();
    await apply(server, [A, B], { snapshotId: 'snap-1', backupChange: async (c) => (c.id === A.id ? 'backup-a' : null) });
    assert.deepEqual([server.committed.history.get(A.id)!.snapshotId, server.committed.history.get(B.id)!.snapshotId], ['backup-a', 'snap-1']);
  });

  it('records a pull request\'s change as provisional, with the pull request', async () => {
    const server = new MemoryServer();
    await apply(server, [A], { pullRequest: { number: 7, headCommit: 'abc' } });
    const row = server.committed.history.get(A.id)!;
    assert.deepEqual([row.status, row.pullRequest?.number, row.pullRequest?.headCommit], ['provisional', 7, 'abc']);
  });

  describe('resuming a failed change', () => {
    const C = memoryChange('2026-12-07-resume', ['CREATE TABLE r1 (id INT)', ins('r2')]);
    const failedAt2 = () => {
      const server = new MemoryServer();
      server.committed.history.set(C.id, historyRecord(C.id, {
        status: 'failed', checksum: C.checksum, fileChecksums: C.fileChecksums, statementsTotal: 2, statementsApplied: 1,
        statementHashes: C.statements.map((st) => statementHash(st.sql)), failedStatement: 2, snapshotId: 'snap-old', approver: 'ann',
      }));
      return server;
    };

    it('keeps the snapshot and approver of the first run when this run has none, and takes no backup', async () => {
      const server = failedAt2();
      const backups: string[] = [];
      const { report } = await apply(server, [C], { backupChange: async (c) => { backups.push(c.id); return 'backup'; } });
      assert.equal(report!.changes[0]!.resumeFrom, 2);
      const row = server.committed.history.get(C.id)!;
      assert.deepEqual([row.status, row.snapshotId, row.approver, backups], ['applied', 'snap-old', 'ann', []]);
      assert.deepEqual(server.committed.trace, ['r2']);
    });

    it('records this run\'s snapshot and approver when it has them', async () => {
      const server = failedAt2();
      await apply(server, [C], { snapshotId: 'snap-new', operator: { user: 'test', gitCommit: null, runUrl: null, approver: 'bob' } });
      const row = server.committed.history.get(C.id)!;
      assert.deepEqual([row.snapshotId, row.approver], ['snap-new', 'bob']);
    });

    it('refuses a plan that resumes elsewhere than the history says', async () => {
      const server = failedAt2();
      const session = server.connect();
      const history = await session.history.load();
      const { plan } = planEnvironment([C], history, env);
      plan.changes[0]!.resumeFrom = 1;
      await assert.rejects(applyPlan(plan, new Map([[C.id, C]]), history, context(session, server)), { message: '2026-12-07-resume: plan resumes at 1 but history has 1 applied' });
    });
  });
});

describe('apply loop: a person\'s decision on an in-doubt statement', () => {
  const ID = '2026-12-07-doubt';
  const server = (over: Partial<HistoryRecord>) => {
    const s = new MemoryServer();
    s.committed.history.set(ID, historyRecord(ID, { status: 'in-doubt', statementsApplied: 1, inFlight: 2, ...over }));
    return s;
  };
  const decide = (s: MemoryServer, statement: number, applied: boolean) => resolveInDoubt(s.connect(), ID, 'qa', statement, applied, 'ann', NOW);

  it('refuses a change without history', async () => {
    await assert.rejects(resolveInDoubt(new MemoryServer().connect(), ID, 'qa', 1, true, 'ann', NOW), { message: `refused: ${ID} has no history in qa; there is nothing to resolve` });
  });

  it('refuses a change that is not in doubt, and says to run apply first when it is running', async () => {
    await assert.rejects(decide(server({ status: 'running' }), 2, true), {
      message: `refused: ${ID} is running in qa, not in-doubt; resolve only records the outcome of a statement whose outcome is unknown (run apply first: it marks an interrupted statement in-doubt once its connection has ended)`,
    });
    await assert.rejects(decide(server({ status: 'failed' }), 2, true), {
      message: `refused: ${ID} is failed in qa, not in-doubt; resolve only records the outcome of a statement whose outcome is unknown`,
    });
  });

  it('refuses another statement than the one in doubt, which is the one after the applied ones when none is marked', async () => {
    await assert.rejects(decide(server({}), 3, true), { message: `refused: statement 3 is not the in-doubt statement of ${ID} in qa; statement 2 is` });
    await assert.rejects(decide(server({ inFlight: null, statementsApplied: 2 }), 2, true), { message: `refused: statement 2 is not the in-doubt statement of ${ID} in qa; statement 3 is` });
  });

  const OUTCOMES: Array<[boolean, Partial<HistoryRecord>]> = [
    [true, { status: 'failed', statementsApplied: 2, inFlight: null, failedStatement: null, error: 'statement 2 was in doubt; ann recorded it as applied', resolvedBy: 'ann at 2026-12-07T10:00:00.000Z: statement 2 applied', finishedAt: NOW }],
    [false, { status: 'failed', statementsApplied: 1, inFlight: null, failedStatement: 2, error: 'statement 2 was in doubt; ann recorded it as not applied', resolvedBy: 'ann at 2026-12-07T10:00:00.000Z: statement 2 not applied', finishedAt: NOW }],
  ];
  for (const [applied, expected] of OUTCOMES) {
    it(`records statement 2 as ${applied ? 'applied' : 'not applied'}, durably, for apply to resume after it`, async () => {
      const s = server({});
      await decide(s, 2, applied);
      const row = s.committed.history.get(ID)!;
      const keys = Object.keys(expected) as (keyof HistoryRecord)[];
      assert.deepEqual(Object.fromEntries(keys.map((k) => [k, row[k]])), expected);
    });
  }
});

describe('apply loop: a statement an interrupted run left in flight', () => {
  const boot = new Date('2026-11-24T09:00:00Z');
  const own = { connectionId: 1, identity: { uuid: 'u', boot } };
  const change = memoryChange('2026-12-07-flight', ['CREATE TABLE f1 (id INT)', 'CREATE TABLE f2 (id INT)']);
  const rec = (over: Partial<HistoryRecord>) => historyRecord(change.id, { connectionId: 9, serverUuid: 'u', serverBoot: boot, inFlight: 2, statementsApplied: 1, statementHashes: ['h1', 'h2'], ...over });
  // A processlist that shows connection 9 `alive` times, running our statement, then never again.
  const processlist = (alive: number, runs: boolean | 'unknown' = true) => {
    const asked: Array<[number, ExpectedStatement | undefined]> = [];
    return {
      asked,
      async process(id: number, expect?: ExpectedStatement): Promise<ProcessInfo> {
        asked.push([id, expect]);
        return asked.length <= alive ? { alive: true, seconds: 4, info: 'CREATE TABLE f2 (id INT)', ...(runs === 'unknown' ? {} : { runs }) } : { alive: false };
      },
    };
  };

  it('asks nothing about a row without a connection, or with this session\'s own id', async () => {
    for (const r of [rec({ connectionId: null }), rec({ connectionId: 1 })]) {
      const p = processlist(1);
      assert.deepEqual(await inFlightProcess(r, p, own, change), { alive: false });
      assert.deepEqual(p.asked, []);
    }
  });

  it('asks about the statement in flight, by its text and hash, or about the connection alone when none is', async () => {
    const p = processlist(2);
    assert.deepEqual(await inFlightProcess(rec({}), p, own, change), { alive: true, seconds: 4, info: 'CREATE TABLE f2 (id INT)', runs: true });
    await inFlightProcess(rec({ inFlight: null }), p, own, change);
    await inFlightProcess(rec({}), p, own, undefined);
    assert.deepEqual(p.asked, [[9, { sql: 'CREATE TABLE f2 (id INT)', hash: 'h2' }], [9, {}], [9, { sql: undefined, hash: 'h2' }]]);
  });

  it('takes a connection that runs something else for gone, and one the server cannot tell about for alive', async () => {
    assert.deepEqual(await inFlightProcess(rec({}), processlist(1, false), own, change), { alive: false });
    assert.deepEqual(await inFlightProcess(rec({}), processlist(1, 'unknown'), own, change), { alive: true, seconds: 4, info: 'CREATE TABLE f2 (id INT)' });
  });

  function settle(server: MemoryServer, history: HistoryRecord[], inspector: ReturnType<typeof processlist>, over: Partial<ApplyContext> = {}) {
    const session = server.connect();
    return reconcileInterrupted(new Map([[change.id, change]]), history, 'qa', context(session, server, { inspector, ...over }));
  }

  it('waits while the statement still runs, polling at the set interval, then marks it in doubt', async () => {
    const server = new MemoryServer();
    server.identity = { uuid: 'u', boot };
    const r = rec({ status: 'running' });
    server.committed.history.set(change.id, r);
    const slept: number[] = [];
    const waited: string[] = [];
    const history = await settle(server, [structuredClone(r)], processlist(2), {
      inFlightWaitMs: 60_000, pollMs: 250, sleep: async (ms) => { slept.push(ms); },
      events: { waitingForInFlight: (id, n, p) => waited.push(`${id} ${n} ${p.seconds}`) },
    });
    assert.deepEqual([slept, waited], [[250, 250], [`${change.id} 2 4`, `${change.id} 2 4`]]);
    const row = history.find((h) => h.changeId === change.id)!;
    assert.deepEqual([row.status, row.error, row.finishedAt], ['in-doubt', 'connection 9 was lost while statement 2 was in flight', NOW]);
    assert.equal(server.committed.history.get(change.id)!.status, 'in-doubt');
  });

  it('names the connection and what it runs once the wait is over, with ? for an unknown duration', async () => {
    const server = new MemoryServer();
    server.identity = { uuid: 'u', boot };
    const p = {
      async process(): Promise<ProcessInfo> {
        return { alive: true, runs: true };
      },
    };
    const session = server.connect();
    await assert.rejects(reconcileInterrupted(new Map([[change.id, change]]), [rec({ status: 'running' })], 'qa', context(session, server, { inspector: p })), {
      message:
        'refused: statement 2 of 2026-12-07-flight from an interrupted run is still executing in qa on connection 9 (? s so far), which runs: ?. ' +
        'Starting it again would run it twice. Wait for it to finish (or, to stop it, KILL 9 on the server), then run apply again',
    });
  });

  it('leaves rows alone that are not running or whose statement in flight cannot have run, and gives the same history back', async () => {
    const server = new MemoryServer();
    server.identity = { uuid: 'u', boot };
    const history = [rec({ status: 'failed' }), rec({ status: 'running', changeId: 'other', inFlight: 1, statementsApplied: 1 })];
    const p = processlist(0);
    assert.equal(await settle(server, history, p), history);
    assert.deepEqual(p.asked, []);
  });
});
