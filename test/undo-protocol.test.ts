// Rolling back a provisional change from its recorded statements keeps the apply loop's
// exactly-once property: an amend (roll back the old version, apply the new one) and an abandon are
// crashed at every single operation against the in-memory double with MySQL's commit rules; the
// rerun (and a person's resolve where the outcome is unknown) runs every statement exactly once.
import { strict as assert } from 'node:assert';
import { resolveInDoubt } from '../src/core/apply.js';
import { combinedChecksum, checksum } from '../src/core/checksum.js';
import { abandonRun, type AbandonedChange } from '../src/core/usecases/abandon.js';
import { applyRun } from '../src/core/usecases/apply-run.js';
import type { RunEvents } from '../src/core/usecases/ports.js';
import type { Change, Config, EnvironmentConfig } from '../src/core/types.js';
import { Crash, MemoryServer } from './helpers/memory-target.js';
import { memoryPorts } from './helpers/memory-ports.js';

const env: EnvironmentConfig = {
  name: 'qa', snapshot: 'never', lock_wait_timeout: 5, lock_retries: 0, lock_timeout: 10, snapshot_timeout: 60, snapshot_poll_seconds: 1, line: 1, pull_requests: true,
};
const ID = '2026-12-02-pr';

function version(up: string[], down: string[]): Change {
  const st = (file: string, sqls: string[]) => sqls.map((sql, i) => ({ file, line: i + 1, column: 1, sql }));
  const body = up.join(';\n');
  const fileChecksums = { [`changes/${ID}.yaml`]: checksum(ID), [`migrations/${ID}/up.sql`]: checksum(body) };
  return {
    id: ID, file: `changes/${ID}.yaml`, title: ID, ticket: 'INV-1', destructive: false,
    apply: [{ path: `migrations/${ID}/up.sql`, content: body, checksum: checksum(body) }],
    rollback: [{ path: `migrations/${ID}/down.sql`, content: down.join(';\n'), checksum: checksum(down.join(';\n')) }],
    verify: [], depends_on: [], lint: { ignore: [] },
    statements: st(`migrations/${ID}/up.sql`, up), rollbackStatements: st(`migrations/${ID}/down.sql`, down),
    checksum: combinedChecksum(Object.entries(fileChecksums).map(([name, c]) => ({ name, checksum: c }))), fileChecksums,
  };
}

// The old version's rollback mixes DML and DDL in every order; the new version's rollback differs
// (and is never run here): the recorded statements are what undo the old version.
const OLD = version(["INSERT INTO trace VALUES ('o1')", 'CREATE TABLE o2 (id INT)'], ["INSERT INTO trace VALUES ('u1')", 'CREATE TABLE u2 (id INT)', 'CREATE TABLE u3 (id INT)', "INSERT INTO trace VALUES ('u4')"]);
const NEW = version(['CREATE TABLE n1 (id INT)', "INSERT INTO trace VALUES ('n2')"], ["INSERT INTO trace VALUES ('never')"]);
const UNDO = ['u1', 'u2', 'u3', 'u4'];

const config: Config = { root: '/repo', file: 'changegate.yaml', database: 'app', server: { min_version: '8.0' }, protected_clusters: [], environments: [env] };
const scopeOf = (changes: Change[]) => ({ config, changes, byId: new Map(changes.map((c) => [c.id, c])), env });
const runner = { inActions: false, deploymentEnvironment: undefined, approvedBy: undefined };

// A clock a second ahead at each reading, so that changes of one run start at different times.
let clock = Date.parse('2026-12-02T10:00:00Z');
const now = () => new Date((clock += 1000));

/** `apply --pull-request 7` on a branch with `changes`: the use case the CLI runs. */
async function applyPr(server: MemoryServer, ...changes: Change[]): Promise<void> {
  await applyRun(scopeOf(changes), { runner, dryRun: false, pullRequest: 7, lockTimeoutSec: 0, inFlightWaitMs: 0, pollMs: 0, loop: { now } }, memoryPorts(server), {});
}

/** `abandon --pull-request 7`: the use case the CLI runs. */
async function abandonPr(server: MemoryServer, events: RunEvents = {}): Promise<AbandonedChange[]> {
  return abandonRun(scopeOf([]), 7, memoryPorts(server), events);
}

// Reruns `run` after a crash, resolving an in-doubt statement by looking at the trace, as a person would.
async function rerun(server: MemoryServer, run: () => Promise<void>, statements: Map<string, string[]>): Promise<boolean> {
  try {
    await run();
    return false;
  } catch (err) {
    assert.match(String(err), /may or may not have been applied/, String(err));
    const session = server.connect();
    const rec = (await session.history.load()).find((r) => r.status === 'in-doubt')!;
    const sql = statements.get(rec.changeId.includes(':undo@') ? 'undo' : 'new')![rec.inFlight! - 1]!;
    const mark = /CREATE TABLE (\w+)/.exec(sql)![1]!;
    await resolveInDoubt(session, rec.changeId, 'qa', rec.inFlight!, server.committed.trace.includes(mark), 'tester', new Date());
    await run();
    return true;
  }
}

const sqls = new Map([['undo', OLD.rollbackStatements.map((s) => s.sql)], ['new', NEW.statements.map((s) => s.sql)]]);

describe('rollback of provisional changes (in-memory MySQL rules)', () => {
  for (const [name, run, expected, status] of [
    ['an amend (the old version rolled back from its recorded statements, then the new one applied)', (s: MemoryServer) => applyPr(s, NEW), [...UNDO, 'n1', 'n2'], 'provisional'],
    ['an abandon from a branch without the change', async (s: MemoryServer) => void (await abandonPr(s)), UNDO, 'abandoned'],
  ] as const) {
    it(`${name} survives a crash at every operation`, async () => {
      const prepared = async () => {
        const server = new MemoryServer();
        await applyPr(server, OLD);
        server.committed.trace = [];
        server.ops = 0;
        return server;
      };
      const clean = await prepared();
      await run(clean);
      assert.deepEqual(clean.committed.trace, expected);
      assert.equal(clean.committed.history.get(ID)!.status, status);
      const totalOps = clean.ops;
      assert.ok(totalOps > 10, `a run has ${totalOps} operations`);
      let inDoubt = 0;
      for (const ddlCompletes of [true, false]) {
        for (let at = 1; at <= totalOps; at++) {
          const server = await prepared();
          server.ddlCompletesOnCrash = ddlCompletes;
          server.crashAt = server.ops + at;
          await assert.rejects(run(server), Crash, `crash at ${at}`);
          server.crashAt = 0;
          if (await rerun(server, () => run(server), sqls)) inDoubt++;
          assert.deepEqual(server.committed.trace, expected, `crash at ${at} (ddl completes: ${ddlCompletes})`);
          assert.equal(server.committed.history.get(ID)!.status, status, `crash at ${at}`);
          // Once done, a further run changes nothing.
          await run(server);
          assert.deepEqual(server.committed.trace, expected, `third run after a crash at ${at}`);
        }
      }
      assert.ok(inDoubt > 0 && inDoubt < 2 * totalOps, `in-doubt ${inDoubt} times of ${2 * totalOps}`);
    });
  }

  it('records the rollback statements as they were: the new version\'s rollback is never used for the old one', async () => {
    const server = new MemoryServer();
    await applyPr(server, OLD);
    const rec = server.committed.history.get(ID)!;
    assert.deepEqual(rec.pullRequest, {
      number: 7, headCommit: null, mergeCommit: null, objects: ['o2', 'trace'],
      rollback: OLD.rollbackStatements.map((s) => ({ file: s.file, line: s.line, column: s.column, sql: s.sql })),
    });
    server.committed.trace = [];
    await applyPr(server, NEW);
    assert.ok(!server.committed.trace.includes('never'));
  });

  describe('abandon', () => {
    // Two changes of one pull request where the second builds on the first: undone newest first.
    const A = { ...version(['CREATE TABLE a1 (id INT)'], ["INSERT INTO trace VALUES ('undo-a')"]), id: '2026-12-02-a' };
    const B = { ...version(['CREATE TABLE b1 (id INT)'], ["INSERT INTO trace VALUES ('undo-b')"]), id: '2026-12-03-b', depends_on: ['2026-12-02-a'] };

    it('rolls back two dependent changes of one pull request newest first, and says so', async () => {
      const server = new MemoryServer();
      await applyPr(server, A, B);
      server.committed.trace = [];
      const lines: string[] = [];
      const rows = await abandonPr(server, { info: (l) => lines.push(l) });
      assert.deepEqual(server.committed.trace, ['undo-b', 'undo-a']);
      assert.deepEqual(rows, [
        { id: '2026-12-03-b', result: 'rolled-back', objects: [] },
        { id: '2026-12-02-a', result: 'rolled-back', objects: [] },
      ]);
      assert.deepEqual(lines, [
        '2026-12-03-b: rolling back with its 1 recorded rollback statement(s) (pull request #7)',
        '2026-12-03-b: rolled back and recorded abandoned in qa',
        '2026-12-02-a: rolling back with its 1 recorded rollback statement(s) (pull request #7)',
        '2026-12-02-a: rolled back and recorded abandoned in qa',
      ]);
      assert.deepEqual([...server.committed.history.values()].filter((r) => !r.changeId.includes(':')).map((r) => r.status), ['abandoned', 'abandoned']);
    });

    it('an amend of both undoes them newest first before applying the new versions', async () => {
      const server = new MemoryServer();
      await applyPr(server, A, B);
      server.committed.trace = [];
      const A2 = { ...version(['CREATE TABLE a2 (id INT)'], ["INSERT INTO trace VALUES ('undo-a2')"]), id: A.id };
      const B2 = { ...version(['CREATE TABLE b2 (id INT)'], ["INSERT INTO trace VALUES ('undo-b2')"]), id: B.id, depends_on: [A.id] };
      await applyPr(server, A2, B2);
      assert.deepEqual(server.committed.trace, ['undo-b', 'undo-a', 'a2', 'b2']);
    });

    it('leaves an in-doubt change with 0 statements applied to a person: its first statement may have run', async () => {
      const D = { ...version(['CREATE TABLE d1 (id INT)', 'CREATE TABLE d2 (id INT)'], ["INSERT INTO trace VALUES ('undo-d')"]), id: '2026-12-04-d' };
      let server: MemoryServer | undefined;
      // A runner that died while statement 1 (DDL) was in flight: its marker is durable, its connection gone.
      for (let at = 1; at < 30 && !server; at++) {
        const s = new MemoryServer();
        s.crashAt = at;
        await assert.rejects(applyPr(s, D), Crash);
        s.crashAt = 0;
        const row = s.committed.history.get(D.id);
        if (row?.status === 'running' && row.inFlight === 1 && row.statementsApplied === 0) server = s;
      }
      assert.ok(server, 'no crash point leaves statement 1 in flight');
      server.committed.trace = [];
      const lines: string[] = [];
      await assert.rejects(abandonPr(server, { info: (l) => lines.push(l) }), {
        message:
          'pull request #7: 1 change(s) recorded abandoned in qa but not rolled back; clean up what they left by hand:\n' +
          '  2026-12-04-d: it is in doubt with 0 of 2 statement(s) applied; it touched d1, d2',
      });
      assert.deepEqual(lines, []);
      assert.deepEqual(server.committed.trace, []);
      const row = server.committed.history.get(D.id)!;
      assert.equal(row.status, 'abandoned');
      assert.match(row.error!, /^abandoned with pull request #7 by test but not rolled back \(it is in doubt with 0 of 2 statement\(s\) applied\); clean up by hand: d1, d2$/);
    });

    it('records a change none of whose statements ran as abandoned, with nothing to undo', async () => {
      const E = { ...version(["INSERT INTO trace VALUES ('DEADLOCK')"], ["INSERT INTO trace VALUES ('undo-e')"]), id: '2026-12-05-e' };
      const server = new MemoryServer();
      server.deadlocks = 1;
      await assert.rejects(applyPr(server, E), /statement 1 of 1 failed/);
      assert.equal(server.committed.history.get(E.id)!.statementsApplied, 0);
      const lines: string[] = [];
      const rows = await abandonPr(server, { info: (l) => lines.push(l) });
      assert.deepEqual(rows, [{ id: E.id, result: 'rolled-back', objects: [] }]);
      assert.deepEqual(lines, ['2026-12-05-e: abandoned; none of its statements had run in qa']);
      assert.deepEqual(server.committed.trace, []);
    });
  });
});
