// The planner without a server: every kind of integrity problem with the exact sentence a user
// reads, the snapshot decision, the promotion gate and the session state a resumed run would lose.
// Written against the mutants `npm run mutate` found alive in core/plan.ts.
import { strict as assert } from 'node:assert';
import { checksum, combinedChecksum } from '../src/core/checksum.js';
import { newRecord } from '../src/core/history-record.js';
import {
  changedFiles, firstEditedApplied, inFlightMayHaveRun, isChangeDestructive, lintChange, lostSessionState, planEnvironment, promotionProblems,
  snapshotDecision, targetsEnvironment,
} from '../src/core/plan.js';
import type { PlannedChange } from '../src/core/plan-types.js';
import type { Change, EnvironmentConfig, HistoryRecord, HistoryStatus } from '../src/core/types.js';

function envOf(name: string, snapshot: EnvironmentConfig['snapshot'] = 'destructive'): EnvironmentConfig {
  return { name, snapshot, lock_wait_timeout: 5, lock_retries: 0, lock_timeout: 10, snapshot_timeout: 60, snapshot_poll_seconds: 1, line: 1 };
}
const qa = envOf('qa');

function change(id: string, sqls: string[], extra: Partial<Change> = {}): Change {
  const statements = sqls.map((sql, i) => ({ file: `migrations/${id}/up.sql`, line: i + 1, column: 1, sql }));
  const body = sqls.join(';\n');
  const fileChecksums = { [`changes/${id}.yaml`]: checksum(id), [`migrations/${id}/up.sql`]: checksum(body) };
  return {
    id, file: `changes/${id}.yaml`, title: `title of ${id}`, ticket: 'INV-1', destructive: false,
    apply: [{ path: `migrations/${id}/up.sql`, content: body, checksum: checksum(body) }], rollback: [], verify: [],
    depends_on: [], lint: { ignore: [] }, statements, rollbackStatements: [],
    checksum: combinedChecksum(Object.entries(fileChecksums).map(([name, c]) => ({ name, checksum: c }))), fileChecksums,
    ...extra,
  };
}

function record(c: Change, status: HistoryStatus, extra: Partial<HistoryRecord> = {}): HistoryRecord {
  return { ...newRecord(c, { user: 'ana', gitCommit: null, runUrl: null, approver: null }, null, new Date(0)), status, ...extra };
}

const A = change('2026-11-01-a', ['CREATE TABLE a (id INT)', "INSERT INTO a VALUES (1)"]);
const B = change('2026-11-02-b', ['ALTER TABLE a ADD COLUMN b INT NULL'], { depends_on: ['2026-11-01-a'] });

describe('plan: what runs and what blocks it', () => {
  it('plans every change of an empty history, in order, numbered from 1', () => {
    const { plan, problems } = planEnvironment([A, B], [], qa);
    assert.deepEqual(problems, []);
    assert.equal(plan.environment, 'qa');
    assert.deepEqual(plan.applied, []);
    assert.deepEqual(plan.changes.map((c) => [c.id, c.title, c.ticket, c.file, c.resumeFrom, c.previous, c.destructive]), [
      ['2026-11-01-a', 'title of 2026-11-01-a', 'INV-1', 'changes/2026-11-01-a.yaml', 1, undefined, false],
      ['2026-11-02-b', 'title of 2026-11-02-b', 'INV-1', 'changes/2026-11-02-b.yaml', 1, undefined, false],
    ]);
    assert.deepEqual(plan.changes[0]!.statements, [
      { n: 1, file: 'migrations/2026-11-01-a/up.sql', line: 1, sql: 'CREATE TABLE a (id INT)' },
      { n: 2, file: 'migrations/2026-11-01-a/up.sql', line: 2, sql: 'INSERT INTO a VALUES (1)' },
    ]);
    assert.deepEqual(plan.snapshot, { required: false, reason: 'no pending change is destructive' });
  });

  it('lists applied and baseline changes as applied and does not run them again', () => {
    const { plan, problems } = planEnvironment([A, B], [record(A, 'baseline'), record(B, 'applied')], qa);
    assert.deepEqual(problems, []);
    assert.deepEqual(plan.applied, ['2026-11-01-a', '2026-11-02-b']);
    assert.deepEqual(plan.changes, []);
    assert.deepEqual(plan.snapshot, { required: false, reason: 'nothing to apply in qa' });
  });

  it('skips a rolled-back change and a change meant for other environments', () => {
    const other = change('2026-11-03-c', ['CREATE TABLE c (id INT)'], { environments: ['prod'] });
    const { plan, problems } = planEnvironment([A, other], [record(A, 'rolled-back')], qa);
    assert.deepEqual(problems, []);
    assert.deepEqual(plan.changes, []);
    assert.deepEqual(plan.applied, []);
    assert.equal(targetsEnvironment(other, 'prod'), true);
    assert.equal(targetsEnvironment(other, 'qa'), false);
    assert.equal(targetsEnvironment(A, 'qa'), true);
  });

  it('names a manifest that left the repository after it ran, and ignores undo rows and changes that never ran', () => {
    const gone = change('2026-10-01-gone', ['CREATE TABLE g (id INT)']);
    const history = [
      record(gone, 'applied'),
      record(change('2026-10-02-failed', ['SELECT 1']), 'failed'),
      record(change('2026-10-03-running', ['SELECT 1']), 'running'),
      record(change('2026-10-04-doubt', ['SELECT 1']), 'in-doubt'),
      record(change('2026-10-05-base', ['SELECT 1']), 'baseline'),
      record(change('2026-10-06-rolled', ['SELECT 1']), 'rolled-back'),
      record(change('2026-10-07-abandoned', ['SELECT 1']), 'abandoned'),
      record(change('2026-10-08-prov', ['SELECT 1']), 'provisional'),
      record(change('2026-10-09-x:undo', ['SELECT 1']), 'applied'),
    ];
    const { problems } = planEnvironment([], history, qa);
    assert.deepEqual(problems.map((p) => [p.changeId, p.kind]), [
      ['2026-10-01-gone', 'missing'],
      ['2026-10-02-failed', 'missing'],
      ['2026-10-03-running', 'missing'],
      ['2026-10-04-doubt', 'missing'],
      ['2026-10-05-base', 'missing'],
    ]);
    assert.equal(problems[0]!.message,
      '2026-10-01-gone is recorded as applied in qa but its manifest is no longer in the repository; ' +
      'restore changes/2026-10-01-gone.yaml (changes that ran are never deleted, fix forward with a new change)');
  });

  it('refuses a record of another checksum version, whatever its status', () => {
    const { plan, problems } = planEnvironment([A], [record(A, 'applied', { checksumVersion: 9 })], qa);
    assert.deepEqual(plan.changes, []);
    assert.deepEqual(plan.applied, []);
    assert.deepEqual(problems, [{
      changeId: '2026-11-01-a',
      kind: 'checksum-version',
      message: '2026-11-01-a was recorded in qa with checksum version 9, which this changegate (version 1) cannot compare; upgrade changegate',
    }]);
  });

  it('names the edited file of an applied change, and the manifest when no file differs', () => {
    const edited = change(A.id, ['CREATE TABLE a (id BIGINT)', 'INSERT INTO a VALUES (1)']);
    const { plan, problems } = planEnvironment([edited], [record(A, 'applied')], qa);
    assert.deepEqual(plan.applied, ['2026-11-01-a']);
    assert.deepEqual(problems, [{
      changeId: '2026-11-01-a',
      kind: 'drift',
      file: 'migrations/2026-11-01-a/up.sql',
      message: '2026-11-01-a was applied in qa but migrations/2026-11-01-a/up.sql changed since; an applied change is never re-run: revert the edit and put the new work in a new change',
    }]);
    // Same files, another combined checksum (a file renamed in the manifest, say): the manifest is named.
    const renamed = { ...A, checksum: 'other' };
    const second = planEnvironment([renamed], [record(A, 'applied')], qa).problems;
    assert.equal(second[0]!.file, 'changes/2026-11-01-a.yaml');
    assert.equal(second[0]!.message,
      '2026-11-01-a was applied in qa but changes/2026-11-01-a.yaml changed since; an applied change is never re-run: revert the edit and put the new work in a new change');
  });

  it('lists every changed file, sorted, including one only the record has', () => {
    const rec = record(A, 'applied', { fileChecksums: { ...A.fileChecksums, 'migrations/old.sql': 'x', 'changes/2026-11-01-a.yaml': 'y' } });
    assert.deepEqual(changedFiles(A, rec), ['changes/2026-11-01-a.yaml', 'migrations/old.sql']);
    assert.deepEqual(changedFiles(A, record(A, 'applied')), []);
  });

  it('refuses an in-doubt change with the resolve command', () => {
    const rec = record(A, 'in-doubt', { statementsApplied: 1, inFlight: 2, connectionId: 41 });
    const { plan, problems } = planEnvironment([A, B], [rec], qa);
    assert.deepEqual(plan.changes.map((c) => c.id), ['2026-11-02-b']);
    assert.deepEqual(problems[0], {
      changeId: '2026-11-01-a',
      kind: 'in-doubt',
      message: '2026-11-01-a: statement 2 of 2 was in flight in qa when its connection 41 was lost, and it may or may not have been applied. ' +
        'Check the schema, then record what happened: changegate resolve 2026-11-01-a --env qa --statement 2 --applied (or --not-applied)',
    });
    // The dependent change cannot run either: its dependency neither ran nor will.
    assert.deepEqual(problems[1], {
      changeId: '2026-11-02-b',
      kind: 'dependency',
      message: '2026-11-02-b depends on 2026-11-01-a, which is neither applied in qa nor planned to run there',
    });
    assert.equal(problems.length, 2);
  });

  it('names the next statement and an unknown connection of an in-doubt record without a statement in flight', () => {
    const rec = record(A, 'in-doubt', { statementsApplied: 1, inFlight: null, connectionId: null });
    const { problems } = planEnvironment([A], [rec], qa);
    assert.match(problems[0]!.message, /^2026-11-01-a: statement 2 of 2 was in flight in qa when its connection \? was lost/);
  });

  it('refuses to resume a change whose applied statement was edited, naming the statement', () => {
    const edited = change(A.id, ['CREATE TABLE a (id BIGINT)', 'INSERT INTO a VALUES (1)']);
    for (const status of ['failed', 'running'] as const) {
      const { plan, problems } = planEnvironment([edited], [record(A, status, { statementsApplied: 1 })], qa);
      assert.deepEqual(plan.changes, []);
      assert.deepEqual(problems, [{
        changeId: '2026-11-01-a',
        kind: 'edited-applied',
        file: 'migrations/2026-11-01-a/up.sql',
        message: '2026-11-01-a: statement 1 (migrations/2026-11-01-a/up.sql:1) was already applied in qa but its text changed; only statements not yet applied may be edited: restore it',
      }]);
    }
  });

  it('lets a failed change resume after its applied statements when only the rest was edited', () => {
    const edited = change(A.id, ['CREATE TABLE a (id INT)', 'INSERT INTO a VALUES (2)']);
    const { plan, problems } = planEnvironment([edited], [record(A, 'failed', { statementsApplied: 1 })], qa);
    assert.deepEqual(problems, []);
    assert.deepEqual(plan.changes.map((c) => [c.id, c.resumeFrom, c.previous]), [['2026-11-01-a', 2, 'failed']]);
  });

  it('finds the first applied statement that no longer matches, or a statement that is gone', () => {
    const rec = record(A, 'failed', { statementsApplied: 2 });
    assert.equal(firstEditedApplied(A, rec), 0);
    assert.equal(firstEditedApplied(change(A.id, ['CREATE TABLE a (id INT)', 'INSERT INTO a VALUES (9)']), rec), 2);
    assert.equal(firstEditedApplied(change(A.id, ['CREATE TABLE a (id INT)']), rec), 2);
    assert.equal(firstEditedApplied(change(A.id, ['CREATE TABLE b (id INT)']), rec), 1);
    // Only the applied statements count.
    assert.equal(firstEditedApplied(change(A.id, ['CREATE TABLE a (id INT)', 'INSERT INTO a VALUES (9)']), { ...rec, statementsApplied: 1 }), 0);
  });

  it('refuses to resume without the session state that applied statements set', () => {
    const c = change('2026-11-05-s', ["SET sql_mode = ''", 'SET @batch = 10', 'UPDATE t SET a = 1 WHERE id = 1', 'UPDATE t SET a = 2 WHERE id = 2']);
    const { problems } = planEnvironment([c], [record(c, 'failed', { statementsApplied: 3 })], qa);
    assert.deepEqual(problems, [{
      changeId: '2026-11-05-s',
      kind: 'session-state',
      file: 'migrations/2026-11-05-s/up.sql',
      message: "2026-11-05-s would resume at statement 4 in a new session, without the session state that statement 1, statement 2 set (SET sql_mode = ''; SET @batch = 10); " +
        'repeat them right before statement 4, or fix forward with a new change',
    }]);
    const one = planEnvironment([c], [record(c, 'failed', { statementsApplied: 1 })], qa).problems;
    assert.equal(one[0]!.message,
      "2026-11-05-s would resume at statement 2 in a new session, without the session state that statement 1 set (SET sql_mode = ''); " +
      'repeat it right before statement 2, or fix forward with a new change');
  });

  it('counts session state as kept when the statements not yet applied set it again first', () => {
    const c = change('2026-11-05-s', ["SET sql_mode = ''", 'UPDATE t SET a = 1 WHERE id = 1', "set  SQL_MODE = ''", 'UPDATE t SET a = 2 WHERE id = 2']);
    assert.deepEqual(lostSessionState(c, 2), []);
    assert.deepEqual(lostSessionState(c, 3), [1, 3]);
    // Resuming at the UPDATE in between: it would run without the mode.
    assert.deepEqual(lostSessionState(c, 1), [1]);
    assert.deepEqual(lostSessionState(c, 0), []);
    // Set again only after another statement: too late for that statement.
    const late = change('2026-11-05-s', ["SET sql_mode = ''", 'UPDATE t SET a = 1 WHERE id = 1', 'UPDATE t SET a = 2 WHERE id = 2', "SET sql_mode = ''"]);
    assert.deepEqual(lostSessionState(late, 2), [1]);
    // GLOBAL settings survive a new session.
    const global = change('2026-11-05-g', ['SET GLOBAL max_connections = 10', 'UPDATE t SET a = 1 WHERE id = 1']);
    assert.deepEqual(lostSessionState(global, 1), []);
    const plan = planEnvironment([global], [record(global, 'failed', { statementsApplied: 1 })], qa);
    assert.deepEqual(plan.problems, []);
    assert.equal(plan.plan.changes[0]!.resumeFrom, 2);
  });

  it('refuses a running change whose in-flight statement may have started, with resolve as the way out', () => {
    const rec = record(A, 'running', { statementsApplied: 0, inFlight: 1, connectionId: 7 });
    const { plan, problems } = planEnvironment([A], [rec], qa);
    assert.deepEqual(plan.changes, []);
    assert.deepEqual(problems, [{
      changeId: '2026-11-01-a',
      kind: 'running',
      message: '2026-11-01-a: statement 1 was in flight on connection 7 in qa when its run stopped; ' +
        'apply checks whether it still runs, or resolve it with changegate resolve 2026-11-01-a --env qa --statement 1 --applied|--not-applied',
    }]);
    // The same record marked failed is not running: it resumes.
    const failed = planEnvironment([A], [{ ...rec, status: 'failed' }], qa);
    assert.deepEqual(failed.problems, []);
    assert.equal(failed.plan.changes[0]!.resumeFrom, 1);
  });

  it('knows which in-flight statement may have started: a ddl marker yes, a dml marker no, an edited one yes', () => {
    const ddlFirst = record(A, 'running', { statementsApplied: 0, inFlight: 1 });
    assert.equal(inFlightMayHaveRun(A, ddlFirst), true);
    const dmlSecond = record(A, 'running', { statementsApplied: 1, inFlight: 2 });
    assert.equal(inFlightMayHaveRun(A, dmlSecond), false);
    assert.equal(inFlightMayHaveRun(A, { ...dmlSecond, inFlight: null }), false);
    // A marker that is not the statement right after the applied ones is stale.
    assert.equal(inFlightMayHaveRun(A, { ...ddlFirst, statementsApplied: 1, inFlight: 1 }), false);
    assert.equal(inFlightMayHaveRun(A, { ...ddlFirst, inFlight: 2 }), false);
    // Without the change, or with its statement edited, nobody can tell: it may have run.
    assert.equal(inFlightMayHaveRun(undefined, dmlSecond), true);
    assert.equal(inFlightMayHaveRun(change(A.id, ['CREATE TABLE a (id INT)', 'INSERT INTO a VALUES (3)']), dmlSecond), true);
    const planned = planEnvironment([A], [dmlSecond], qa);
    assert.deepEqual(planned.problems, []);
    assert.deepEqual(planned.plan.changes.map((c) => [c.resumeFrom, c.previous]), [[2, 'running']]);
  });

  it('runs a change after a dependency planned before it, and refuses one whose dependency is not in place', () => {
    assert.deepEqual(planEnvironment([A, B], [], qa).problems, []);
    const afterBaseline = planEnvironment([A, B], [record(A, 'baseline')], qa);
    assert.deepEqual(afterBaseline.problems, []);
    assert.deepEqual(afterBaseline.plan.changes.map((c) => c.id), ['2026-11-02-b']);
    const failedDep = planEnvironment([B], [record(A, 'failed')], qa).problems;
    assert.deepEqual(failedDep.map((p) => [p.changeId, p.kind]), [['2026-11-01-a', 'missing'], ['2026-11-02-b', 'dependency']]);
    // Listed after the change that needs it: not yet planned when the dependent one is planned.
    const later = planEnvironment([B, A], [], qa).problems;
    assert.deepEqual(later.map((p) => p.message), ['2026-11-02-b depends on 2026-11-01-a, which is neither applied in qa nor planned to run there']);
  });
});

describe('plan: lint findings and snapshots', () => {
  it('keeps a destructive finding the author acknowledged as a notice, and marks the change destructive', () => {
    const drop = 'ALTER TABLE a DROP COLUMN b';
    const unacknowledged = change('2026-11-06-d', [drop]);
    const acknowledged = change('2026-11-06-d', [drop], { destructive: true });
    const loud = lintChange(unacknowledged).filter((d) => d.destructive);
    const quiet = lintChange(acknowledged).filter((d) => d.destructive);
    assert.ok(loud.length > 0);
    assert.deepEqual(loud.map((d) => d.severity), loud.map(() => 'warning'));
    assert.deepEqual(quiet.map((d) => [d.code, d.severity]), loud.map((d) => [d.code, 'notice']));
    assert.equal(isChangeDestructive(unacknowledged, lintChange(unacknowledged)), true);
    assert.equal(isChangeDestructive(A, lintChange(A)), false);
    assert.equal(isChangeDestructive({ ...A, destructive: true }, []), true);
    // Each call hands out its own copies: a caller's edit does not reach the next caller.
    const first = lintChange(unacknowledged);
    first[0]!.message = 'edited';
    assert.notEqual(lintChange(unacknowledged)[0]!.message, 'edited');
  });

  it('applies the change\'s own lint ignores', () => {
    const sql = 'ALTER TABLE a ADD COLUMN b INT NOT NULL';
    assert.deepEqual(lintChange(change('2026-11-06-d', [sql])).map((d) => [d.code, d.severity]), [['CG301', 'notice'], ['CG201', 'warning']]);
    const ignored = change('2026-11-06-e', [sql], { lint: { ignore: ['CG201'] } });
    assert.deepEqual(lintChange(ignored).map((d) => d.code), ['CG301']);
  });

  it('decides the snapshot from the environment and the destructive changes about to run', () => {
    const pending = (id: string, destructive: boolean) => ({ id, destructive }) as PlannedChange;
    assert.deepEqual(snapshotDecision(envOf('prod', 'always'), []), { required: false, reason: 'nothing to apply in prod' });
    assert.deepEqual(snapshotDecision(envOf('prod', 'always'), [pending('x', false)]), { required: true, reason: 'prod is configured with snapshot: always' });
    assert.deepEqual(snapshotDecision(envOf('prod', 'never'), [pending('x', true)]), { required: false, reason: 'prod is configured with snapshot: never' });
    assert.deepEqual(snapshotDecision(envOf('prod'), [pending('x', false)]), { required: false, reason: 'no pending change is destructive' });
    assert.deepEqual(snapshotDecision(envOf('prod'), [pending('x', true), pending('y', false), pending('z', true)]), { required: true, reason: 'destructive: x, z' });
    const drop = change('2026-11-06-d', ['ALTER TABLE a DROP COLUMN b']);
    assert.deepEqual(planEnvironment([A, drop], [], envOf('prod')).plan.snapshot, { required: true, reason: 'destructive: 2026-11-06-d' });
  });
});

describe('plan: the promotion gate', () => {
  const prod = envOf('prod');
  const plan = planEnvironment([A, B], [], prod).plan;
  const byId = new Map([A, B].map((c) => [c.id, c]));

  it('passes when every change about to run is in place in the environment before', () => {
    assert.deepEqual(promotionProblems(plan, byId, [record(A, 'applied'), record(B, 'baseline')], 'qa'), []);
  });

  it('names what did not run first, what is not in place, and what ran with other files', () => {
    const problems = promotionProblems(plan, byId, [record(A, 'failed')], 'qa');
    assert.deepEqual(problems, [
      { changeId: '2026-11-01-a', kind: 'dependency', message: 'refused: 2026-11-01-a is failed in qa; prod runs only what succeeded in qa first (after: qa)' },
      { changeId: '2026-11-02-b', kind: 'dependency', message: 'refused: 2026-11-02-b has not run in qa; prod runs only what succeeded in qa first (after: qa)' },
    ]);
    const other = change(A.id, ['CREATE TABLE a (id BIGINT)', 'INSERT INTO a VALUES (1)']);
    const drifted = promotionProblems(plan, byId, [record(other, 'applied'), record(B, 'applied')], 'qa');
    assert.deepEqual(drifted.map((p) => p.message), [
      'refused: 2026-11-01-a was applied in qa with different files (migrations/2026-11-01-a/up.sql changed since); prod runs only what succeeded in qa first (after: qa)',
    ]);
    const sameFiles = promotionProblems(plan, byId, [{ ...record(A, 'applied'), checksum: 'other' }, record(B, 'applied')], 'qa');
    assert.deepEqual(sameFiles.map((p) => p.message), [
      'refused: 2026-11-01-a was applied in qa with different files (changes/2026-11-01-a.yaml changed since); prod runs only what succeeded in qa first (after: qa)',
    ]);
  });
});
