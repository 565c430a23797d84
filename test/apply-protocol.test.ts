// The apply loop's exactly-once protocol, exhaustively: a runner dies at every single operation of a
// run, against a double that keeps MySQL's commit rules; the rerun (and a person's resolve where the
// outcome is unknown) must leave every statement applied exactly once. The same property is tested
// against a real server, with real SIGKILLs, in apply-crash.test.ts.
import { strict as assert } from 'node:assert';
import { applyPlan, resolveInDoubt, type ApplyContext } from '../src/core/apply.js';
import { combinedChecksum, checksum } from '../src/core/checksum.js';
import { planEnvironment } from '../src/core/plan.js';
import type { Change, Config, EnvironmentConfig } from '../src/core/types.js';
import { Crash, MemoryServer, type MemorySession } from './helpers/memory-target.js';
import { memoryPorts } from './helpers/memory-ports.js';
import { applyRun } from '../src/core/usecases/apply-run.js';

const env: EnvironmentConfig = {
  name: 'qa', snapshot: 'never', lock_wait_timeout: 5, lock_retries: 0, lock_timeout: 10, snapshot_timeout: 60, snapshot_poll_seconds: 1, line: 1,
};
const config: Config = { root: '/repo', file: 'changegate.yaml', database: 'app', server: { min_version: '8.0' }, protected_clusters: [], environments: [env] };

function change(id: string, sqls: string[], verify: Change['verify'] = []): Change {
  const statements = sqls.map((sql, i) => ({ file: `migrations/${id}/up.sql`, line: i + 1, column: 1, sql }));
  const body = sqls.join(';\n');
  const fileChecksums = { [`changes/${id}.yaml`]: checksum(id), [`migrations/${id}/up.sql`]: checksum(body) };
  return {
    id, file: `changes/${id}.yaml`, title: id, ticket: 'INV-1', destructive: false,
    apply: [{ path: `migrations/${id}/up.sql`, content: body, checksum: checksum(body) }], rollback: [], verify,
    depends_on: [], lint: { ignore: [] }, statements, rollbackStatements: [],
    checksum: combinedChecksum(Object.entries(fileChecksums).map(([name, c]) => ({ name, checksum: c }))), fileChecksums,
  };
}

// DDL and DML interleaved in every order: dml->dml, dml->ddl, ddl->ddl, ddl->dml.
const changes = [
  change('2026-11-01-a', ["INSERT INTO trace VALUES ('a1')", "INSERT INTO trace VALUES ('a2')", 'CREATE TABLE a3 (id INT)', 'CREATE TABLE a4 (id INT)', "INSERT INTO trace VALUES ('a5')"]),
  change('2026-11-02-b', ['CREATE TABLE b1 (id INT)', "INSERT INTO trace VALUES ('b2')"], [{ name: 'b2 once', sql: "SELECT COUNT(*) FROM trace WHERE v = 'b2'", expect: 1, line: 1 }]),
];
const marks = ['a1', 'a2', 'a3', 'a4', 'a5', 'b1', 'b2'];

// `aside`: the run records a finished DDL statement through another connection (as the CLI does
// through its lock's connection) instead of a commit of its own, after `asideAfterMs` (0: at once;
// Infinity: only when the batch after it grows).
function context(session: MemorySession, server: MemoryServer, aside = false, asideAfterMs = 0): ApplyContext {
  return {
    session, inspector: server, snapshotId: null, lockRetries: 0, inFlightWaitMs: 0, pollMs: 0,
    operator: { user: 'test', gitCommit: null, runUrl: null, approver: null },
    ...(aside ? { recordApplied: server.recordAside(session), recordAppliedAfterMs: asideAfterMs } : {}),
  };
}

/** One apply run: the very use case the CLI runs, on the in-memory target. */
async function runOnce(server: MemoryServer, opts: { changes?: Change[]; aside?: boolean; asideAfterMs?: number } = {}): Promise<void> {
  const list = opts.changes ?? changes;
  const s = { config, changes: list, byId: new Map(list.map((c) => [c.id, c])), env };
  await applyRun(s, {
    runner: { inActions: false, deploymentEnvironment: undefined, approvedBy: undefined },
    dryRun: false, pullRequest: null, lockTimeoutSec: 0, inFlightWaitMs: 0, pollMs: 0,
    ...(opts.aside ? { loop: { recordAppliedAfterMs: opts.asideAfterMs ?? 0 } } : {}),
  }, memoryPorts(server, { aside: !!opts.aside }), {});
}

describe('apply protocol (in-memory MySQL rules)', () => {
  it('applies every statement once without crashes', async () => {
    const server = new MemoryServer();
    await runOnce(server);
    assert.deepEqual(server.committed.trace, marks);
    assert.deepEqual([...server.committed.history.values()].map((r) => [r.changeId, r.status, r.statementsApplied]), [
      ['2026-11-01-a', 'applied', 5],
      ['2026-11-02-b', 'applied', 2],
    ]);
  });

  for (const aside of [false, true]) {
    it(`survives a crash at every operation, resolving in-doubt statements by looking${aside ? ' (DDL recorded through another connection)' : ''}`, async () => {
      const clean = new MemoryServer();
      await runOnce(clean, { aside });
      const totalOps = clean.ops;
      assert.ok(totalOps > 20, `a run has ${totalOps} operations`);
      let inDoubt = 0;
      for (const ddlCompletes of [true, false]) {
        for (let at = 1; at <= totalOps; at++) {
          const server = new MemoryServer();
          server.ddlCompletesOnCrash = ddlCompletes;
          server.crashAt = at;
          await assert.rejects(runOnce(server, { aside }), Crash, `crash at ${at}`);
          server.crashAt = 0;
          try {
            await runOnce(server, { aside });
          } catch (err) {
            assert.match(String(err), /may or may not have been applied/, `crash at ${at}: ${err}`);
            inDoubt++;
            const session = server.connect();
            const rec = (await session.history.load()).find((r) => r.status === 'in-doubt')!;
            const stmt = changes.find((c) => c.id === rec.changeId)!.statements[rec.inFlight! - 1]!;
            const mark = /CREATE TABLE (\w+)/.exec(stmt.sql)![1]!;
            await resolveInDoubt(session, rec.changeId, 'qa', rec.inFlight!, server.committed.trace.includes(mark), 'tester', new Date());
            await runOnce(server, { aside });
          }
          assert.deepEqual(server.committed.trace, marks, `crash at ${at} (ddl completes: ${ddlCompletes})`);
          const statuses = [...server.committed.history.values()].map((r) => r.status);
          assert.deepEqual(statuses, ['applied', 'applied'], `crash at ${at}`);
        }
      }
      // Only a crash from a DDL statement's start until its record is durable leaves its outcome
      // unknown (the statement and one write after it); every other crash point resumes.
      assert.ok(inDoubt > 0 && inDoubt < totalOps, `in-doubt ${inDoubt} times of ${2 * totalOps}`);
    });
  }

  it('records a finished DDL statement when the session is lost in the DML batch right after it', async () => {
    // The batch is lost with the session, the DDL statement before it is not: the next run resumes
    // after it instead of asking. The aside timer never fires here, so only the loss records it.
    const server = new MemoryServer();
    server.losses = 1;
    const lost = change('2026-11-05-e', ['CREATE TABLE e1 (id INT)', "INSERT INTO trace VALUES ('LOST')", "INSERT INTO trace VALUES ('e3')"]);
    await assert.rejects(runOnce(server, { changes: [lost], aside: true, asideAfterMs: Infinity }), /the connection was lost while statement 2 /);
    const row = server.committed.history.get(lost.id)!;
    assert.deepEqual([row.status, row.statementsApplied, row.inFlight], ['running', 1, 2]);
    await runOnce(server, { changes: [lost], aside: true, asideAfterMs: Infinity });
    assert.deepEqual(server.committed.trace, ['e1', 'LOST', 'e3']);
  });

  describe('a statement left in flight, and who holds its connection id now', () => {
    const ddl = change('2026-11-06-f', ['CREATE TABLE f1 (id INT)', 'CREATE TABLE f2 (id INT)']);
    // A server whose runner died while statement 1 (DDL) was in flight: its marker is durable.
    async function interrupted(): Promise<{ server: MemoryServer; id: number }> {
      for (let at = 1; at < 20; at++) {
        const server = new MemoryServer();
        server.crashAt = at;
        await assert.rejects(runOnce(server, { changes: [ddl] }), Crash);
        server.crashAt = 0;
        const row = server.committed.history.get(ddl.id);
        if (row?.status === 'running' && row.inFlight === 1 && row.statementsApplied === 0) return { server, id: row.connectionId! };
      }
      throw new Error('no crash point leaves statement 1 in flight');
    }

    it('is in doubt, not waited for, when another client holds the id (ids start again after a restart)', async () => {
      const { server, id } = await interrupted();
      server.alive.add(id);
      server.strangers.add(id);
      await assert.rejects(runOnce(server, { changes: [ddl] }), {
        message:
          'qa: 1 problem(s) stop this run before anything executes:\n' +
          `  2026-11-06-f: statement 1 of 2 was in flight in qa when its connection ${id} was lost, and it may or may not have been applied. ` +
          'Check the schema, then record what happened: changegate resolve 2026-11-06-f --env qa --statement 1 --applied (or --not-applied)',
      });
      assert.equal(server.committed.history.get(ddl.id)!.status, 'in-doubt');
    });

    it('is in doubt when the id was recorded on an earlier boot of the server, even if the id runs the same text', async () => {
      const { server, id } = await interrupted();
      server.alive.add(id);
      server.identity = { uuid: null, boot: new Date(server.identity.boot.getTime() + 60_000) };
      await assert.rejects(runOnce(server, { changes: [ddl] }), new RegExp(`when its connection ${id} was lost, and it may or may not have been applied`));
      assert.equal(server.committed.history.get(ddl.id)!.status, 'in-doubt');
    });

    it('is waited for while our statement still runs there, and the refusal names what the connection runs', async () => {
      const { server, id } = await interrupted();
      server.alive.add(id);
      await assert.rejects(runOnce(server, { changes: [ddl] }), {
        message:
          `refused: statement 1 of 2026-11-06-f from an interrupted run is still executing in qa on connection ${id} (0 s so far), ` +
          `which runs: our statement. Starting it again would run it twice. Wait for it to finish (or, to stop it, KILL ${id} on the server), then run apply again`,
      });
      assert.equal(server.committed.history.get(ddl.id)!.status, 'running');
    });
  });

  it('records a failed statement and keeps the dml statement before it', async () => {
    const server = new MemoryServer();
    const bad = change('2026-11-03-c', ["INSERT INTO trace VALUES ('c1')", 'CREATE TABLE SYNTAX ERROR', "INSERT INTO trace VALUES ('c3')"]);
    const session = server.connect();
    const ctx = context(session, server);
    const { plan } = planEnvironment([bad], [], env);
    await assert.rejects(applyPlan(plan, new Map([[bad.id, bad]]), [], ctx), (err: Error) => {
      assert.equal(
        err.message,
        "2026-11-03-c: statement 2 of 3 failed at migrations/2026-11-03-c/up.sql:2: You have an error in your SQL syntax near 'SYNTAX ERROR'. " +
          'Statement 1 is applied and recorded; nothing after it ran. To go on, fix forward with a new change, ' +
          'or edit statements 2-3 of this change (applied ones must stay as they are) and run apply again',
      );
      return true;
    });
    assert.deepEqual(server.committed.trace, ['c1']);
    const rec = server.committed.history.get(bad.id)!;
    assert.deepEqual([rec.status, rec.statementsApplied, rec.failedStatement], ['failed', 1, 2]);

    // Editing the failed statement is allowed; the rerun resumes at it.
    const fixed = change('2026-11-03-c', ["INSERT INTO trace VALUES ('c1')", 'CREATE TABLE c2 (id INT)', "INSERT INTO trace VALUES ('c3')"]);
    const s2 = server.connect();
    const history = await s2.history.load();
    const { plan: p2, problems } = planEnvironment([fixed], history, env);
    assert.deepEqual(problems, []);
    assert.equal(p2.changes[0]!.resumeFrom, 2);
    await applyPlan(p2, new Map([[fixed.id, fixed]]), history, context(s2, server));
    assert.deepEqual(server.committed.trace, ['c1', 'c2', 'c3']);
  });

  it('refuses to resume when an applied statement was edited', async () => {
    const server = new MemoryServer();
    const bad = change('2026-11-03-c', ["INSERT INTO trace VALUES ('c1')", 'CREATE TABLE SYNTAX ERROR']);
    const s1 = server.connect();
    await assert.rejects(applyPlan(planEnvironment([bad], [], env).plan, new Map([[bad.id, bad]]), [], context(s1, server)));
    const edited = change('2026-11-03-c', ["INSERT INTO trace VALUES ('c1-edited')", 'CREATE TABLE c2 (id INT)']);
    const { problems } = planEnvironment([edited], await server.connect().history.load(), env);
    assert.deepEqual(problems.map((p) => p.message), [
      '2026-11-03-c: statement 1 (migrations/2026-11-03-c/up.sql:1) was already applied in qa but its text changed; only statements not yet applied may be edited: restore it',
    ]);
  });

  it('marks a change failed when verify does not match, and re-checks on the next run', async () => {
    const server = new MemoryServer();
    const c = change('2026-11-04-d', ["INSERT INTO trace VALUES ('d1')"], [{ name: 'two d1', sql: "SELECT COUNT(*) FROM trace WHERE v = 'd1'", expect: 2, line: 7 }]);
    const s1 = server.connect();
    await assert.rejects(applyPlan(planEnvironment([c], [], env).plan, new Map([[c.id, c]]), [], context(s1, server)), {
      message: '2026-11-04-d: verify "two d1" expected 2, got 1. All 1 statements are applied; fix the data or the verify query, then run apply again to re-check',
    });
    const rec = server.committed.history.get(c.id)!;
    assert.deepEqual([rec.status, rec.statementsApplied, rec.error], ['failed', 1, 'verify "two d1" expected 2, got 1']);
    const { plan } = planEnvironment([c], await server.connect().history.load(), env);
    assert.equal(plan.changes[0]!.resumeFrom, 2, 'no statement runs again, only the verify');
  });

  it('reports checksum drift of an applied change and never re-runs it', async () => {
    const server = new MemoryServer();
    const c = change('2026-11-05-e', ["INSERT INTO trace VALUES ('e1')"]);
    await applyPlan(planEnvironment([c], [], env).plan, new Map([[c.id, c]]), [], context(server.connect(), server));
    const edited = change('2026-11-05-e', ["INSERT INTO trace VALUES ('e1-edited')"]);
    const { plan, problems } = planEnvironment([edited], await server.connect().history.load(), env);
    assert.deepEqual(plan.changes, []);
    assert.deepEqual(problems.map((p) => [p.kind, p.file, p.message]), [[
      'drift', 'migrations/2026-11-05-e/up.sql',
      '2026-11-05-e was applied in qa but migrations/2026-11-05-e/up.sql changed since; an applied change is never re-run: revert the edit and put the new work in a new change',
    ]]);
  });

  it('keeps the statements before a failed DML statement in its batch', async () => {
    const server = new MemoryServer();
    const c = change('2026-11-06-f', ['CREATE TABLE f1 (id INT)', "INSERT INTO trace VALUES ('f2')", "INSERT INTO trace VALUES ('f3')", "INSERT INTO trace VALUES ('FAIL')"]);
    await assert.rejects(applyPlan(planEnvironment([c], [], env).plan, new Map([[c.id, c]]), [], context(server.connect(), server)), {
      message: "2026-11-06-f: statement 4 of 4 failed at migrations/2026-11-06-f/up.sql:4: Duplicate entry 'FAIL' for key 'PRIMARY'. " +
        'Statements 1-3 are applied and recorded; nothing after them ran. To go on, fix forward with a new change, or edit statement 4 of this change (applied ones must stay as they are) and run apply again',
    });
    assert.deepEqual(server.committed.trace, ['f1', 'f2', 'f3']);
    const rec = server.committed.history.get(c.id)!;
    assert.deepEqual([rec.status, rec.statementsApplied, rec.failedStatement], ['failed', 3, 4]);
  });

  it('replays the whole batch after a deadlock undid it, and records what is really applied when it gives up', async () => {
    const server = new MemoryServer();
    server.deadlocks = 1;
    const c = change('2026-11-06-g', ['CREATE TABLE g1 (id INT)', "INSERT INTO trace VALUES ('g2')", "INSERT INTO trace VALUES ('DEADLOCK')", "INSERT INTO trace VALUES ('g4')"]);
    const retries = { ...context(server.connect(), server), lockRetries: 1 };
    await applyPlan(planEnvironment([c], [], env).plan, new Map([[c.id, c]]), [], retries);
    assert.deepEqual(server.committed.trace, ['g1', 'g2', 'DEADLOCK', 'g4'], 'g2 ran again only because the deadlock undid it');

    const again = new MemoryServer();
    again.deadlocks = 1;
    const noRetry = context(again.connect(), again);
    await assert.rejects(applyPlan(planEnvironment([c], [], env).plan, new Map([[c.id, c]]), [], noRetry), {
      message: '2026-11-06-g: statement 3 of 4 failed at migrations/2026-11-06-g/up.sql:3: Deadlock found when trying to get lock; try restarting transaction. ' +
        'Statement 1 is applied and recorded; nothing after it ran. To go on, fix forward with a new change, or edit statements 2-4 of this change (applied ones must stay as they are) and run apply again',
    });
    assert.deepEqual(again.committed.trace, ['g1']);
    assert.equal(again.committed.history.get(c.id)!.statementsApplied, 1);
  });

  it('never lets a deadlock in a CALL undo the statements recorded before it', async () => {
    const server = new MemoryServer();
    server.deadlocks = 1;
    const c = change('2026-11-07-h', ["INSERT INTO trace VALUES ('h1')", 'CALL deadlock()']);
    await applyPlan(planEnvironment([c], [], env).plan, new Map([[c.id, c]]), [], { ...context(server.connect(), server), lockRetries: 1 });
    assert.deepEqual(server.committed.trace, ['h1', 'call deadlock()']);
    assert.equal(server.committed.history.get(c.id)!.statementsApplied, 2);
  });

  it('never replays a statement that committed on its own when a later batch deadlocks', async () => {
    const server = new MemoryServer();
    server.deadlocks = 1;
    const c = change('2026-11-07-i', ["INSERT INTO trace VALUES ('i1')", 'ANALYZE TABLE t', "INSERT INTO trace VALUES ('i3')", "INSERT INTO trace VALUES ('DEADLOCK')"]);
    await applyPlan(planEnvironment([c], [], env).plan, new Map([[c.id, c]]), [], { ...context(server.connect(), server), lockRetries: 1 });
    assert.deepEqual(server.committed.trace, ['i1', 'analyze t', 'i3', 'DEADLOCK'], 'only i3 ran again, because the deadlock undid it');
  });

  it('stops after lock_retries attempts at one statement, although the replay before it succeeds', async () => {
    const server = new MemoryServer();
    server.deadlocks = 50;
    const c = change('2026-11-07-j', ["INSERT INTO trace VALUES ('j1')", "INSERT INTO trace VALUES ('DEADLOCK')"]);
    await assert.rejects(applyPlan(planEnvironment([c], [], env).plan, new Map([[c.id, c]]), [], { ...context(server.connect(), server), lockRetries: 3 }), /statement 2 of 2 failed/);
    assert.equal(server.deadlocks, 46, 'one attempt and three retries');
    assert.deepEqual(server.committed.trace, []);
    assert.equal(server.committed.history.get(c.id)!.statementsApplied, 0);
  });

  it('refuses to resume in a new session without the session state applied statements set', async () => {
    const server = new MemoryServer();
    const bad = change('2026-11-08-k', ['SET @batch = 100', "INSERT INTO trace VALUES ('k2')", 'CREATE TABLE SYNTAX ERROR']);
    await assert.rejects(applyPlan(planEnvironment([bad], [], env).plan, new Map([[bad.id, bad]]), [], context(server.connect(), server)));
    const fixed = change('2026-11-08-k', ['SET @batch = 100', "INSERT INTO trace VALUES ('k2')", 'CREATE TABLE k3 (id INT)']);
    const { problems } = planEnvironment([fixed], await server.connect().history.load(), env);
    assert.deepEqual(problems.map((p) => [p.kind, p.message]), [[
      'session-state',
      '2026-11-08-k would resume at statement 3 in a new session, without the session state that statement 1 set (SET @batch = 100); ' +
        'repeat it right before statement 3, or fix forward with a new change',
    ]]);
    const repeated = change('2026-11-08-k', ['SET @batch = 100', "INSERT INTO trace VALUES ('k2')", 'SET @batch = 100', 'CREATE TABLE k3 (id INT)']);
    const history = await server.connect().history.load();
    const again = planEnvironment([repeated], history, env);
    assert.deepEqual(again.problems, []);
    await applyPlan(again.plan, new Map([[repeated.id, repeated]]), history, context(server.connect(), server));
    assert.deepEqual(server.committed.trace, ['k2', 'k3']);
  });

  for (const aside of [false, true]) {
    it(`resumes without doubt after a crash in the DML that follows a finished DDL statement${aside ? ' (recorded through another connection)' : ''}`, async () => {
      const c = change('2026-11-09-l', ['CREATE TABLE l1 (id INT)', "INSERT INTO trace VALUES ('l2')", "INSERT INTO trace VALUES ('l3')"]);
      const run = (server: MemoryServer) => runOnce(server, { changes: [c], aside });
      const clean = new MemoryServer();
      await run(clean);
      // Operations 1-4: start record, commit, marker, CREATE. Then the record of l1 as applied: a
      // write and a commit here, or one write through the other connection. A crash at any later
      // operation (inside the DML batch and after) must resume on its own.
      for (let at = aside ? 6 : 7; at <= clean.ops; at++) {
        const server = new MemoryServer();
        server.crashAt = at;
        await assert.rejects(run(server), Crash);
        server.crashAt = 0;
        await run(server);
        assert.deepEqual(server.committed.trace, ['l1', 'l2', 'l3'], `crash at ${at}`);
      }
    });
  }

  it('records a finished DDL statement through the other connection once the batch after it grows', async () => {
    const c = change('2026-11-09-m', ['CREATE TABLE m1 (id INT)', "INSERT INTO trace VALUES ('m2')", "INSERT INTO trace VALUES ('m3')", "INSERT INTO trace VALUES ('m4')"]);
    // No timer: only the batch's second statement makes the run record m1 through the other connection.
    const run = (server: MemoryServer) => runOnce(server, { changes: [c], aside: true, asideAfterMs: Infinity });
    const clean = new MemoryServer();
    await run(clean);
    assert.deepEqual(clean.committed.trace, ['m1', 'm2', 'm3', 'm4']);
    // Operations: 1 start record, 2 commit, 3 marker, 4 CREATE, 5 INSERT m2, 6 the record through
    // the other connection, 7 marker, 8 INSERT m3... From 7 on, every crash resumes on its own.
    for (let at = 7; at <= clean.ops; at++) {
      const server = new MemoryServer();
      server.crashAt = at;
      await assert.rejects(run(server), Crash);
      server.crashAt = 0;
      await run(server);
      assert.deepEqual(server.committed.trace, ['m1', 'm2', 'm3', 'm4'], `crash at ${at}`);
    }
    // Before it, a crash inside the first DML statement leaves m1 in doubt, as the protocol says.
    const early = new MemoryServer();
    early.crashAt = 5;
    await assert.rejects(run(early), Crash);
    early.crashAt = 0;
    await assert.rejects(run(early), /statement 1 of 4 was in flight/);
  });
});

