// Rolling back a provisional change from its recorded statements keeps the apply loop's
// exactly-once property: an amend (roll back the old version, apply the new one) and an abandon are
// crashed at every single operation against the in-memory double with MySQL's commit rules; the
// rerun (and a person's resolve where the outcome is unknown) runs every statement exactly once.
import { strict as assert } from 'node:assert';
import { applyPlan, reconcileInterrupted, resolveInDoubt, type ApplyContext } from '../src/core/apply.js';
import { combinedChecksum, checksum } from '../src/core/checksum.js';
import { planEnvironment } from '../src/core/plan.js';
import { lifecycleView } from '../src/core/provisional.js';
import { undoChanges, undoProvisional } from '../src/core/undo.js';
import type { Change, EnvironmentConfig } from '../src/core/types.js';
import { Crash, MemoryServer } from './helpers/memory-target.js';

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

function context(server: MemoryServer, pr: number | null): ApplyContext {
  const session = server.connect();
  return {
    session, inspector: server, snapshotId: null, lockRetries: 0, inFlightWaitMs: 0, pollMs: 0,
    operator: { user: 'test', gitCommit: 'f'.repeat(40), runUrl: null, approver: null },
    ...(pr !== null ? { pullRequest: { number: pr, headCommit: null } } : {}),
  };
}

/** `apply --pull-request 7` as the CLI runs it: settle, sort by lifecycle, undo, plan, apply. */
async function applyPr(server: MemoryServer, change: Change): Promise<void> {
  const ctx = context(server, 7);
  const loaded = await ctx.session.history.load();
  const history = await reconcileInterrupted(new Map([[change.id, change], ...undoChanges(loaded)]), loaded, env.name, ctx);
  const view = lifecycleView([change], history, env, 7);
  if (view.problems.length > 0) throw new Error(view.problems.map((p) => p.message).join('\n'));
  for (const rec of view.undo) await undoProvisional(rec, history, env, ctx, 'rolled-back');
  const { plan, problems } = planEnvironment([change], view.history, env);
  if (problems.length > 0) throw new Error(problems.map((p) => p.message).join('\n'));
  await applyPlan(plan, new Map([[change.id, change]]), view.history, ctx);
}

/** `abandon --pull-request 7` as the CLI runs it, on a branch without the change. */
async function abandonPr(server: MemoryServer): Promise<void> {
  const ctx = context(server, null);
  const history = await ctx.session.history.load();
  for (const rec of history.filter((r) => r.pullRequest?.number === 7 && r.status === 'provisional')) {
    await undoProvisional(rec, history, env, ctx, 'abandoned');
  }
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
    ['an abandon from a branch without the change', (s: MemoryServer) => abandonPr(s), UNDO, 'abandoned'],
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
});
