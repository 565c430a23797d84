// The pull-request lifecycle as pure functions: what a provisional apply records (its rollback and
// the objects it touched), the order rollbacks run in, and how a run sorts the history's
// pull-request rows into what it plans over, undoes, adopts, refuses and tells the author.
import { strict as assert } from 'node:assert';
import { lifecycleView, newestFirst, provisionalMark, touchedObjects, type LifecycleView } from '../src/core/provisional.js';
import type { Change, EnvironmentConfig, HistoryRecord, PullRequestMark, Statement } from '../src/core/types.js';
import { historyRecord } from './helpers/records.js';

const env = { name: 'qa' } as EnvironmentConfig;
const stmt = (sql: string, file = 'migrations/x/up.sql', line = 1): Statement => ({ file, line, column: 1, sql });

describe('provisional: the objects a pull request touched', () => {
  // Every table or object a statement changes, additive ones included; objects that hold no rows
  // of this schema (schemas, accounts) and plain reads are not listed.
  const CASES: Array<[string, string[]]> = [
    ['ALTER TABLE t EXCHANGE PARTITION p WITH TABLE s.x', ['s.x', 't']],
    ['ALTER TABLE t ADD COLUMN c INT', ['t']],
    ['ALTER VIEW v AS SELECT 1', ['v']],
    ['ALTER EVENT e DISABLE', []],
    ['DROP INDEX i ON t', ['t']],
    ['DROP TABLE a, B', ['a', 'b']],
    ['DROP VIEW v', ['v']],
    ['DROP PROCEDURE p', ['p']],
    ['DROP FUNCTION f', ['f']],
    ['DROP TRIGGER tr', ['tr']],
    ['DROP EVENT e', ['e']],
    ['DROP DATABASE d', []],
    ['DROP USER u', []],
    ['CREATE TABLE t (id INT)', ['t']],
    ['CREATE VIEW v AS SELECT 1', []],
    ['CREATE OR REPLACE VIEW v AS SELECT 1', ['v']],
    ['CREATE OR REPLACE PROCEDURE p() SELECT 1', ['p']],
    ['CREATE TABLE a LIKE b', ['a', 'b']],
    ['CREATE INDEX i ON t (a)', ['t']],
    ['CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW SET NEW.a = 1', ['t']],
    ['CREATE DATABASE d', []],
    ['TRUNCATE t', ['t']],
    ['OPTIMIZE TABLE o', ['o']],
    ['RENAME TABLE a TO b', ['a']],
    ['UPDATE u SET a = 1', ['u']],
    ['DELETE FROM d', ['d']],
    ['INSERT INTO Inv.Audit VALUES (1)', ['inv.audit']],
    ['REPLACE INTO r VALUES (1)', ['r']],
    ["LOAD DATA INFILE 'f' INTO TABLE l", ['l']],
    ['SELECT * FROM t', []],
    ['CALL p()', []],
  ];
  for (const [sql, expected] of CASES) {
    it(`${sql} -> ${expected.join(', ') || 'nothing'}`, () => {
      assert.deepEqual(touchedObjects([stmt(sql)]), expected);
    });
  }

  it('lists each object once, lower-cased and sorted, over all the statements', () => {
    assert.deepEqual(touchedObjects([stmt('INSERT INTO Zed VALUES (1)'), stmt('UPDATE zed SET a = 1'), stmt('DELETE FROM alpha')]), ['alpha', 'zed']);
  });
});

describe('provisional: the mark a provisional apply records', () => {
  const change = (rollback: Statement[]): Change =>
    ({ id: 'c', statements: [stmt('CREATE TABLE t (id INT)'), stmt('INSERT INTO u VALUES (1)', 'migrations/x/up.sql', 2)], rollbackStatements: rollback }) as unknown as Change;

  it('keeps the rollback statements by file, line, column and SQL only, and the objects touched', () => {
    const down = { ...stmt('DROP TABLE t', 'migrations/x/down.sql', 3), comments: ['-- nolint: CG101'] } as Statement;
    const mark: PullRequestMark = provisionalMark(change([down]), { number: 7, headCommit: 'abc' });
    assert.deepEqual(mark, {
      number: 7,
      headCommit: 'abc',
      rollback: [{ file: 'migrations/x/down.sql', line: 3, column: 1, sql: 'DROP TABLE t' }],
      mergeCommit: null,
      objects: ['t', 'u'],
    });
  });

  it('records no rollback (null) for a change without rollback statements', () => {
    assert.equal(provisionalMark(change([]), { number: 7, headCommit: null }).rollback, null);
  });
});

describe('provisional: the order rollbacks run in', () => {
  const rec = (changeId: string, at: number) => ({ changeId, startedAt: new Date(at) });
  const CASES: Array<[string, Array<[string, number]>, string[]]> = [
    ['later start first, whatever the ids', [['b', 1000], ['a', 2000]], ['a', 'b']],
    ['later start first, ids in the same order', [['a', 1000], ['b', 2000]], ['b', 'a']],
    ['same start: the later id first', [['a', 1000], ['c', 1000], ['b', 1000]], ['c', 'b', 'a']],
    ['same start, given newest id first', [['c', 1000], ['b', 1000], ['a', 1000]], ['c', 'b', 'a']],
  ];
  for (const [name, input, expected] of CASES) {
    it(name, () => {
      assert.deepEqual(newestFirst(input.map(([id, at]) => rec(id, at))).map((r) => r.changeId), expected);
    });
  }

  it('keeps records with the same start and id in their given order (a stable sort)', () => {
    const a1 = { ...rec('a', 1000), n: 1 };
    const a2 = { ...rec('a', 1000), n: 2 };
    assert.deepEqual(newestFirst([a1, a2]).map((r) => r.n), [1, 2]);
  });
});

describe('provisional: how a run sorts the pull-request rows of the history', () => {
  const rollback = [stmt('DROP TABLE t', 'migrations/x/down.sql')];
  const mark = (number: number, over: Partial<PullRequestMark> = {}): PullRequestMark => ({ number, headCommit: null, rollback, mergeCommit: null, objects: ['t'], ...over });
  const row = (id: string, over: Partial<HistoryRecord>): HistoryRecord => historyRecord(id, { status: 'provisional', checksum: 'old', ...over });
  const change = (id: string, sum: string, sql = 'CREATE TABLE t (id INT)'): Change =>
    ({ id, checksum: sum, file: `changes/${id}.yaml`, statements: [stmt(sql)], rollbackStatements: [] }) as unknown as Change;
  // The view as "section: ids (status)", empty sections left out.
  const show = (v: LifecycleView): string[] => {
    const out: string[] = [];
    for (const key of ['history', 'undo', 'adopt', 'mine'] as const) {
      if (v[key].length > 0) out.push(`${key}: ${v[key].map((r) => `${r.changeId} (${r.status})`).join(', ')}`);
    }
    for (const p of v.problems) out.push(`problem ${p.kind} ${p.changeId}${p.file ? ` in ${p.file}` : ''}`);
    for (const n of v.notes) out.push(`note ${n}`);
    return out;
  };

  // [name, branch's changes, history, pull request of the run (null: default branch), expected view]
  const CASES: Array<[string, Change[], HistoryRecord[], number | null, string[]]> = [
    ['a row no pull request wrote is planned over as it is', [], [historyRecord('a', { status: 'applied' })], 7, ['history: a (applied)']],
    ['an undo row of a pull request is planned over as it is, not undone',
      [], [row('a:undo@x', { pullRequest: mark(8) })], 7, ['history: a:undo@x (provisional)']],
    ['an abandoned row is as if it never ran', [change('a', 'new')], [row('a', { status: 'abandoned', pullRequest: mark(7) })], 7, []],
    ['a rolled-back row is as if it never ran', [change('a', 'new')], [row('a', { status: 'rolled-back', pullRequest: mark(7) })], null, []],
    ['an interrupted run of this pull request resumes, even without its manifest',
      [], [row('a', { status: 'failed', pullRequest: mark(7) })], 7, ['history: a (failed)']],
    ['an interrupted run of another pull request whose change is on the branch resumes',
      [change('a', 'old')], [row('a', { status: 'running', pullRequest: mark(8) })], 7, ['history: a (running)']],
    ['an interrupted run of another pull request is passed by', [], [row('a', { status: 'failed', pullRequest: mark(8) })], 7, []],
    ['an interrupted pull-request run not on the default branch is passed by', [], [row('a', { status: 'failed', pullRequest: mark(7) })], null, []],
    ['this pull request\'s unchanged provisional change counts as applied',
      [change('a', 'old')], [row('a', { pullRequest: mark(7) })], 7, ['history: a (applied)', 'mine: a (provisional)']],
    ['merged unchanged: the default branch adopts it',
      [change('a', 'old')], [row('a', { pullRequest: mark(7) })], null, ['history: a (applied)', 'adopt: a (provisional)']],
    ['this pull request\'s amended change is undone', [change('a', 'new')], [row('a', { pullRequest: mark(7) })], 7, ['undo: a (provisional)', 'mine: a (provisional)']],
    ['this pull request\'s dropped change is undone', [], [row('a', { pullRequest: mark(7) })], 7, ['undo: a (provisional)', 'mine: a (provisional)']],
    ['merged with other files: the default branch undoes it first', [change('a', 'new')], [row('a', { pullRequest: mark(7) })], null, ['undo: a (provisional)']],
    ['a provisional change that never merged is left alone on the default branch', [], [row('a', { pullRequest: mark(7) })], null, []],
    ['another pull request\'s version of a change on this branch stops the run',
      [change('a', 'new')], [row('a', { pullRequest: mark(8) })], 7, ['problem drift a in changes/a.yaml']],
    ['another pull request\'s unchanged version of a change on this branch counts as applied',
      [change('a', 'old')], [row('a', { pullRequest: mark(8) })], 7, ['history: a (applied)']],
    ['an amended change without recorded rollback stops the run', [change('a', 'new')], [row('a', { pullRequest: mark(7, { rollback: null }) })], 7, ['mine: a (provisional)', 'problem drift a']],
  ];
  for (const [name, changes, history, pr, expected] of CASES) {
    it(name, () => {
      assert.deepEqual(show(lifecycleView(changes, history, env, pr)), expected);
    });
  }

  it('undoes newest first', () => {
    const history = [row('a', { pullRequest: mark(7), startedAt: new Date(1000) }), row('b', { pullRequest: mark(7), startedAt: new Date(2000) })];
    assert.deepEqual(lifecycleView([], history, env, 7).undo.map((r) => r.changeId), ['b', 'a']);
  });

  it('says why a changed provisional change without rollback cannot be undone, and what to do', () => {
    const history = [
      row('a', { pullRequest: mark(7, { rollback: null, headCommit: '0123456789abcdef', objects: ['t', 'u'] }) }),
      row('b', { pullRequest: mark(7, { rollback: null, objects: [] }) }),
    ];
    assert.deepEqual(lifecycleView([change('a', 'new')], history, env, 7).problems, [
      {
        changeId: 'a',
        kind: 'drift',
        message:
          'a is provisional in qa from pull request #7 (commit 0123456789ab) and its files changed since, but it was applied without rollback statements, so that version cannot be undone. ' +
          'Restore its files as they were applied and fix forward with a new change, or undo it by hand (it touched t, u) and record that with changegate abandon --pull-request 7 --env qa; ' +
          'give changes a rollback: so that qa can undo them',
      },
      {
        changeId: 'b',
        kind: 'drift',
        message:
          'b is provisional in qa from pull request #7 and it is no longer in the pull request, but it was applied without rollback statements, so that version cannot be undone. ' +
          'Restore its files as they were applied and fix forward with a new change, or undo it by hand and record that with changegate abandon --pull-request 7 --env qa; ' +
          'give changes a rollback: so that qa can undo them',
      },
    ]);
  });

  it('tells the author to rename a change another pull request holds provisionally', () => {
    assert.deepEqual(lifecycleView([change('a', 'new')], [row('a', { pullRequest: mark(8) })], env, 7).problems, [{
      changeId: 'a',
      kind: 'drift',
      file: 'changes/a.yaml',
      message: "a is provisional in qa from pull request #8 with other files than this branch has; it is that pull request's change: rename yours, or wait until #8 merges or closes",
    }]);
  });

  describe('notes on other pull requests\' provisional changes', () => {
    const others = [
      row('o1', { pullRequest: mark(8, { objects: ['t', 'u', 'w'] }) }),
      row('o2', { pullRequest: mark(9, { objects: ['x'] }) }),
    ];

    it('names the tables this branch\'s pending changes share with them', () => {
      const changes = [change('m1', 'c1', 'ALTER TABLE t ADD COLUMN c INT'), change('m2', 'c2', 'INSERT INTO w VALUES (1)')];
      assert.deepEqual(lifecycleView(changes, others, env, 7).notes, [
        "o1 of pull request #8 is provisional in qa and touches t, w too; this pull request's changes run after it, on the table as it left it",
      ]);
    });

    it('leaves out the tables of changes already applied', () => {
      const changes = [change('m1', 'c1', 'ALTER TABLE t ADD COLUMN c INT'), change('m2', 'c2', 'INSERT INTO w VALUES (1)')];
      const history = [...others, historyRecord('m2', { status: 'applied', checksum: 'c2' })];
      assert.deepEqual(lifecycleView(changes, history, env, 7).notes, [
        "o1 of pull request #8 is provisional in qa and touches t too; this pull request's changes run after it, on the table as it left it",
      ]);
    });

    it('counts a change still running as pending', () => {
      const changes = [change('m1', 'c1', 'ALTER TABLE t ADD COLUMN c INT')];
      const history = [...others, historyRecord('m1', { status: 'failed', checksum: 'c1' })];
      assert.deepEqual(lifecycleView(changes, history, env, 7).notes, [
        "o1 of pull request #8 is provisional in qa and touches t too; this pull request's changes run after it, on the table as it left it",
      ]);
    });

    it('has none on the default branch', () => {
      assert.deepEqual(lifecycleView([change('m1', 'c1', 'ALTER TABLE t ADD COLUMN c INT')], others, env, null).notes, []);
    });

    it('has none when no table is shared', () => {
      assert.deepEqual(lifecycleView([change('m1', 'c1', 'ALTER TABLE z ADD COLUMN c INT')], others, env, 7).notes, []);
    });
  });
});
