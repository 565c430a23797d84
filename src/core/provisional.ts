// The life of a pull request's changes in an environment that accepts pull requests (`pull_requests: true`):
// applied as provisional while the pull request is open, rolled back and applied again when it is
// amended, rolled back when it closes unmerged, adopted as applied when it merges. Pure: it reads
// the history and the repository's changes and says what to undo, what to adopt and what to plan.
import { structureOfSql, type Structure, type TableRef } from './sql/structure.js';
import type { IntegrityProblem } from './plan.js';
import type { Change, EnvironmentConfig, HistoryRecord, PullRequestMark, Statement } from './types.js';

/** The mark a provisional apply records: everything a later run needs to undo it without the branch. */
export function provisionalMark(change: Change, run: { number: number; headCommit: string | null }): PullRequestMark {
  return {
    number: run.number,
    headCommit: run.headCommit,
    // Only what runs is kept: the leading comments hold nolint markers, nothing a rollback needs.
    rollback: change.rollbackStatements.length > 0 ? change.rollbackStatements.map((s) => ({ file: s.file, line: s.line, column: s.column, sql: s.sql })) : null,
    mergeCommit: null,
    objects: touchedObjects(change.statements),
  };
}

/** The tables and objects statements touch, lower-cased and unique, as `schema.name` or `name`. */
export function touchedObjects(statements: Statement[]): string[] {
  const out = new Set<string>();
  for (const s of statements) {
    for (const r of touched(structureOfSql(s.sql))) out.add((r.schema !== null ? `${r.schema}.${r.name}` : r.name).toLowerCase());
  }
  return [...out].sort();
}

// Objects whose definition a DROP or CREATE OR REPLACE takes away, besides tables.
const DEFINED = new Set(['view', 'procedure', 'function', 'trigger', 'event']);

// Every table or object a statement changes, additive changes included (an INSERT, an index, a
// trigger on a table): what a person cleaning up an unmerged change must look at.
function touched(s: Structure): TableRef[] {
  switch (s.kind) {
    case 'alter-table':
      return [...s.targets, ...s.alter!.exchange];
    case 'alter':
      return s.object === 'view' ? s.targets : [];
    case 'drop':
      if (s.object === 'index') return s.on ? [s.on] : [];
      return s.object === 'table' || (DEFINED.has(s.object ?? '') && !s.temporary) ? s.targets : [];
    case 'create': {
      const out = s.object === 'table' || (s.orReplace && DEFINED.has(s.object ?? '')) ? [...s.targets] : [];
      if (s.like) out.push(s.like);
      if (s.on) out.push(s.on);
      return out;
    }
    case 'truncate':
    case 'optimize':
    case 'rename-table':
    case 'update':
    case 'delete':
    case 'insert':
    case 'replace':
    case 'load':
      return s.targets;
    default:
      return [];
  }
}

/** Provisional rows in the order their rollbacks must run: newest first, so a later change is undone before the one it built on. */
export function newestFirst<T extends Pick<HistoryRecord, 'startedAt' | 'changeId'>>(records: T[]): T[] {
  return records.sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime() || (a.changeId < b.changeId ? 1 : a.changeId > b.changeId ? -1 : 0));
}

/** What an apply does with the pull-request rows of the history before it plans. */
export interface LifecycleView {
  /** The history the planner sees: provisional rows it may count as applied, rows it must ignore left out. */
  history: HistoryRecord[];
  /** Provisional rows to roll back from their recorded statements before anything runs, newest first. */
  undo: HistoryRecord[];
  /** Default branch: provisional rows whose files were merged unchanged; they become `applied`. */
  adopt: HistoryRecord[];
  /** What stops the run (a provisional change that must be undone but has no rollback statements). */
  problems: IntegrityProblem[];
  /** Other pull requests' provisional changes on the tables this run's changes touch. */
  notes: string[];
  /** This pull request's provisional changes as the history has them (before any undo). */
  mine: HistoryRecord[];
}

/**
 * Sorts the pull-request rows of `history` for a run on the default branch (`pr` null) or for
 * pull request `pr`. A provisional change of another pull request never blocks this one; an
 * abandoned or rolled-back one is as if it never ran, so the same id may be applied afresh.
 */
export function lifecycleView(changes: Change[], history: HistoryRecord[], env: EnvironmentConfig, pr: number | null): LifecycleView {
  const byId = new Map(changes.map((c) => [c.id, c]));
  const view: LifecycleView = { history: [], undo: [], adopt: [], problems: [], notes: [], mine: [] };
  const others: HistoryRecord[] = [];
  for (const rec of history) {
    const mark = rec.pullRequest;
    const change = byId.get(rec.changeId);
    if (!mark || rec.changeId.includes(':')) {
      view.history.push(rec);
      continue;
    }
    if (rec.status === 'abandoned' || rec.status === 'rolled-back') continue;
    const mine = pr !== null && mark.number === pr;
    if (rec.status !== 'provisional') {
      // An interrupted or failed provisional run: its own pull request (or the merge) resumes it;
      // anyone else passes by, since its manifest is not on their branch.
      if (mine || change) view.history.push(rec);
      continue;
    }
    if (mine) view.mine.push(rec);
    const same = change !== undefined && change.checksum === rec.checksum;
    if (same) {
      view.history.push({ ...rec, status: 'applied' });
      if (pr === null) view.adopt.push(rec);
      continue;
    }
    if (mine || (pr === null && change)) {
      if (!mark.rollback) {
        view.problems.push(noRollbackProblem(rec, env, change !== undefined));
        continue;
      }
      view.undo.push(rec);
      continue;
    }
    if (change) {
      view.problems.push({
        changeId: rec.changeId,
        kind: 'drift',
        file: change.file,
        message:
          `${rec.changeId} is provisional in ${env.name} from pull request #${mark.number} with other files than this branch has; ` +
          `it is that pull request's change: rename yours, or wait until #${mark.number} merges or closes`,
      });
      continue;
    }
    others.push(rec);
  }
  newestFirst(view.undo);
  if (pr !== null) view.notes = overlapNotes(changes, others, view.history, env);
  return view;
}

function noRollbackProblem(rec: HistoryRecord, env: EnvironmentConfig, present: boolean): IntegrityProblem {
  const mark = rec.pullRequest!;
  return {
    changeId: rec.changeId,
    kind: 'drift',
    message:
      `${rec.changeId} is provisional in ${env.name} from pull request #${mark.number}${mark.headCommit ? ` (commit ${mark.headCommit.slice(0, 12)})` : ''} ` +
      `and ${present ? 'its files changed since' : 'it is no longer in the pull request'}, but it was applied without rollback statements, so that version cannot be undone. ` +
      `Restore its files as they were applied and fix forward with a new change, or undo it by hand` +
      `${mark.objects.length ? ` (it touched ${mark.objects.join(', ')})` : ''} and record that with changegate abandon --pull-request ${mark.number} --env ${env.name}; ` +
      `give changes a rollback: so that ${env.name} can undo them`,
  };
}

// Another pull request's provisional change on a table this run is about to touch: the two run in
// the order they come, and the author should know whose change is already there.
function overlapNotes(changes: Change[], others: HistoryRecord[], visible: HistoryRecord[], env: EnvironmentConfig): string[] {
  const done = new Set(visible.filter((r) => r.status === 'applied').map((r) => r.changeId));
  const mine = new Set<string>();
  for (const c of changes) if (!done.has(c.id)) for (const o of touchedObjects(c.statements)) mine.add(o);
  const notes: string[] = [];
  for (const rec of others) {
    const shared = rec.pullRequest!.objects.filter((o) => mine.has(o));
    if (shared.length === 0) continue;
    notes.push(
      `${rec.changeId} of pull request #${rec.pullRequest!.number} is provisional in ${env.name} and touches ${shared.join(', ')} too; ` +
        `this pull request's changes run after it, on the table as it left it`,
    );
  }
  return notes;
}
