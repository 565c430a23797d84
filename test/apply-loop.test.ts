// The apply loop's batch limits and server identity, against the double with MySQL's commit rules:
// a DML batch that reaches its size or age limit commits with the marker of the statement after it,
// so that a crash at any point leaves a durable history naming the first statement whose effect is
// not durable; and a connection id recorded on another server is never waited for.
import { strict as assert } from 'node:assert';
import { applyPlan, inFlightProcess, reconcileInterrupted, sameServerBoot, type ApplyContext } from '../src/core/apply.js';
import { planEnvironment } from '../src/core/plan.js';
import type { ExpectedStatement, ServerIdentity } from '../src/core/ports.js';
import type { Change, EnvironmentConfig, HistoryRecord } from '../src/core/types.js';
import { Crash, MemoryServer, memoryChange } from './helpers/memory-target.js';

const env: EnvironmentConfig = {
  name: 'qa', snapshot: 'never', lock_wait_timeout: 5, lock_retries: 0, lock_timeout: 10, snapshot_timeout: 60, snapshot_poll_seconds: 1, line: 1,
};
const ins = (v: string) => `INSERT INTO trace VALUES ('${v}')`;

// How a run bounds its batches: the context's limits, and `msPerStatement`, how far the batch clock
// moves each time a statement of the run starts (0: it stands still).
interface Limits {
  batchMaxStatements?: number;
  batchMaxMs?: number;
  msPerStatement: number;
}

/**
 * One apply run as the CLI does it (settle an interrupted run, plan, apply). Returns, for each
 * statement as it starts, the durable history row of `c` as "applied/inFlight": where the last
 * commit point left it.
 */
async function run(server: MemoryServer, c: Change, limits: Limits): Promise<string[]> {
  const session = server.connect();
  const durable: string[] = [];
  let started = 0;
  const ctx: ApplyContext = {
    session, inspector: server, snapshotId: null, lockRetries: 0, inFlightWaitMs: 0, pollMs: 0,
    operator: { user: 'test', gitCommit: null, runUrl: null, approver: null },
    ...(limits.batchMaxStatements !== undefined ? { batchMaxStatements: limits.batchMaxStatements } : {}),
    ...(limits.batchMaxMs !== undefined ? { batchMaxMs: limits.batchMaxMs } : {}),
    batchClock: () => started * limits.msPerStatement,
    events: {
      statementStarted: () => {
        started++;
        const row = server.committed.history.get(c.id);
        durable.push(`${row?.statementsApplied}/${row?.inFlight}`);
      },
    },
  };
  const byId = new Map([[c.id, c]]);
  const history = await reconcileInterrupted(byId, await session.history.load(), env.name, ctx);
  const { plan, problems } = planEnvironment([c], history, env);
  assert.deepEqual(problems, []);
  await applyPlan(plan, byId, history, ctx);
  return durable;
}

describe('apply loop: batch limits (in-memory MySQL rules)', () => {
  const marks = ['d1', 'd2', 'd3', 'd4', 'd5'];
  const dml = memoryChange('2026-12-07-batch', marks.map(ins));

  // Each case: the limits, and the durable row as statements 1-5 start. The start record says 0
  // applied; a commit at a limit makes the batch durable together with the marker of the statement
  // about to run, never without it.
  const cases: { name: string; limits: Limits; durable: string[] }[] = [
    { name: 'at the size limit (2 statements)', limits: { batchMaxStatements: 2, msPerStatement: 0 }, durable: ['0/null', '0/null', '2/3', '2/3', '4/5'] },
    { name: 'at the age limit (1000 ms, statements 500 ms apart)', limits: { batchMaxMs: 1000, msPerStatement: 500 }, durable: ['0/null', '0/null', '2/3', '2/3', '4/5'] },
    { name: 'at an age limit of 0 ms (each statement alone)', limits: { batchMaxMs: 0, msPerStatement: 0 }, durable: ['0/null', '1/2', '2/3', '3/4', '4/5'] },
  ];

  for (const { name, limits, durable } of cases) {
    it(`commits a batch ${name} with the marker of the next statement`, async () => {
      const server = new MemoryServer();
      assert.deepEqual(await run(server, dml, limits), durable);
      assert.deepEqual(server.committed.trace, marks);
      const row = server.committed.history.get(dml.id)!;
      assert.deepEqual([row.status, row.statementsApplied, row.inFlight], ['applied', 5, null]);
    });

    it(`names the right statement in the durable history after a crash at every operation, committing ${name}`, async () => {
      const clean = new MemoryServer();
      await run(clean, dml, limits);
      assert.ok(clean.ops > 10, `a run has ${clean.ops} operations`);
      for (let at = 1; at <= clean.ops; at++) {
        const server = new MemoryServer();
        server.crashAt = at;
        await assert.rejects(run(server, dml, limits), Crash, `crash at ${at}`);
        server.crashAt = 0;
        // Every statement's effect is a trace entry: the durable count of them is what is applied.
        const row = server.committed.history.get(dml.id);
        const applied = server.committed.trace.length;
        if (row) {
          assert.equal(row.statementsApplied, applied, `crash at ${at}: the history says ${row.statementsApplied} applied, ${applied} are durable`);
          assert.ok(row.inFlight === null || row.inFlight === applied + 1, `crash at ${at}: statement ${row.inFlight} in flight after ${applied} applied`);
        } else {
          assert.equal(applied, 0, `crash at ${at}: statements ran before the change was recorded`);
        }
        await run(server, dml, limits);
        assert.deepEqual(server.committed.trace, marks, `crash at ${at}: every statement once after the rerun`);
      }
    });
  }

  it('commits a batch on its own at 500 statements and at 1000 ms by default', async () => {
    const many = memoryChange('2026-12-07-many', Array.from({ length: 502 }, (_, i) => ins(`m${i + 1}`)));
    const durable = await run(new MemoryServer(), many, { msPerStatement: 0 });
    assert.deepEqual(durable.slice(498), ['0/null', '0/null', '500/501', '500/501']);

    assert.deepEqual(await run(new MemoryServer(), dml, { msPerStatement: 500 }), ['0/null', '0/null', '2/3', '2/3', '4/5']);
    assert.deepEqual(await run(new MemoryServer(), dml, { msPerStatement: 499 }), ['0/null', '0/null', '0/null', '3/4', '3/4']);
  });
});

describe('apply loop: which server a recorded connection id belongs to', () => {
  const boot = new Date('2026-11-24T09:00:00Z');
  function recorded(serverUuid: string | null, serverBoot: Date | null): HistoryRecord {
    return { serverUuid, serverBoot, connectionId: 7, inFlight: 1, statementHashes: ['h1'] } as HistoryRecord;
  }

  it('tells two servers apart by server_uuid although they booted at the same second', () => {
    assert.equal(sameServerBoot(recorded('uuid-a', boot), { uuid: 'uuid-b', boot }), false);
    assert.equal(sameServerBoot(recorded('uuid-a', boot), { uuid: 'uuid-a', boot }), true);
    // A server without a server_uuid (MariaDB) is told by its boot time alone.
    assert.equal(sameServerBoot(recorded(null, boot), { uuid: 'uuid-a', boot }), true);
    assert.equal(sameServerBoot(recorded('uuid-a', boot), { uuid: null, boot }), true);
  });

  it('tells two boots of one server apart by more than two seconds between their boot times', () => {
    const at = (ms: number): ServerIdentity => ({ uuid: 'uuid-a', boot: new Date(boot.getTime() + ms) });
    assert.equal(sameServerBoot(recorded('uuid-a', boot), at(2000)), true);
    assert.equal(sameServerBoot(recorded('uuid-a', boot), at(-2000)), true);
    assert.equal(sameServerBoot(recorded('uuid-a', boot), at(2001)), false);
    assert.equal(sameServerBoot(recorded('uuid-a', boot), at(-2001)), false);
    // Rows written before the identity was recorded: only the processlist can tell.
    assert.equal(sameServerBoot(recorded(null, null), at(60_000)), true);
  });

  it('never asks the processlist about a connection id recorded on another server', async () => {
    const asked: number[] = [];
    const inspector = {
      async process(id: number, _expect?: ExpectedStatement) {
        asked.push(id);
        return { alive: true, seconds: 3, info: 'our statement', runs: true };
      },
    };
    const other = await inFlightProcess(recorded('uuid-a', boot), inspector, { connectionId: 1, identity: { uuid: 'uuid-b', boot } }, undefined);
    assert.deepEqual([other, asked], [{ alive: false }, []]);
    const same = await inFlightProcess(recorded('uuid-a', boot), inspector, { connectionId: 1, identity: { uuid: 'uuid-a', boot } }, undefined);
    assert.deepEqual([same, asked], [{ alive: true, seconds: 3, info: 'our statement', runs: true }, [7]]);
  });

  describe('a statement left in flight on a server with a server_uuid', () => {
    const ddl = memoryChange('2026-12-07-uuid', ['CREATE TABLE u1 (id INT)', 'CREATE TABLE u2 (id INT)']);
    // A server whose runner died while statement 1 (DDL) was in flight: its marker is durable.
    async function interrupted(): Promise<{ server: MemoryServer; id: number }> {
      for (let at = 1; at < 20; at++) {
        const server = new MemoryServer();
        server.identity = { uuid: 'uuid-a', boot };
        server.crashAt = at;
        await assert.rejects(run(server, ddl, { msPerStatement: 0 }), Crash);
        server.crashAt = 0;
        const row = server.committed.history.get(ddl.id);
        if (row?.status === 'running' && row.inFlight === 1 && row.statementsApplied === 0) {
          assert.equal(row.serverUuid, 'uuid-a');
          return { server, id: row.connectionId! };
        }
      }
      throw new Error('no crash point leaves statement 1 in flight');
    }

    function settle(server: MemoryServer, waited: string[]): Promise<HistoryRecord[]> {
      const session = server.connect();
      const ctx: ApplyContext = {
        session, inspector: server, snapshotId: null, lockRetries: 0, inFlightWaitMs: 0, pollMs: 0,
        operator: { user: 'test', gitCommit: null, runUrl: null, approver: null },
        events: { waitingForInFlight: (id, n) => waited.push(`${id} ${n}`) },
      };
      return session.history.load().then((h) => reconcileInterrupted(new Map([[ddl.id, ddl]]), h, env.name, ctx));
    }

    it('is in doubt, not waited for, when the id is alive on another server that booted at the same time (a failover)', async () => {
      const { server, id } = await interrupted();
      // The new writer has its own server_uuid; its connection with the same id runs the same text.
      server.identity = { uuid: 'uuid-b', boot };
      server.alive.add(id);
      const waited: string[] = [];
      const history = await settle(server, waited);
      const row = history.find((r) => r.changeId === ddl.id)!;
      assert.deepEqual([row.status, row.error], ['in-doubt', `connection ${id} was lost while statement 1 was in flight`]);
      assert.deepEqual(waited, []);
    });

    it('is waited for when the id is alive on the same server and boot', async () => {
      const { server, id } = await interrupted();
      server.alive.add(id);
      await assert.rejects(settle(server, []), {
        message:
          `refused: statement 1 of 2026-12-07-uuid from an interrupted run is still executing in qa on connection ${id} (0 s so far), ` +
          `which runs: our statement. Starting it again would run it twice. Wait for it to finish (or, to stop it, KILL ${id} on the server), then run apply again`,
      });
      assert.equal(server.committed.history.get(ddl.id)!.status, 'running');
    });
  });
});
