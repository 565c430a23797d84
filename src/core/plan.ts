// The pure planning step: (changes, history, environment) -> what would run. `plan` prints this object
// and `apply` executes the very same one, so what a reviewer approves is what runs.
import { inPlace } from './baseline.js';
import { oneLine } from './text.js';
import { CHECKSUM_VERSION, statementMatches } from './checksum.js';
import { lintStatements, setsSessionState, statementKind, type LintOptions } from './lint/index.js';
import type { Plan, PlannedChange, PlannedStatement, SnapshotDecision } from './plan-types.js';
import type { Change, Diagnostic, EnvironmentConfig, HistoryRecord, Statement } from './types.js';
import { batchMarker } from './backfill/statement.js';

/** Something in the history that forbids running anything until a person decides (exit 1). */
export interface IntegrityProblem {
  changeId: string;
  kind: 'drift' | 'missing' | 'in-doubt' | 'edited-applied' | 'checksum-version' | 'dependency' | 'running' | 'session-state';
  /** Full sentence for the user: what is wrong, where, and what to do. */
  message: string;
  /** The file that changed, when there is one. */
  file?: string;
}

/** The plan and whatever blocks it; `apply` refuses to start while `problems` is not empty. */
export interface PlanResult {
  plan: Plan;
  problems: IntegrityProblem[];
}

/** Whether a change is meant for an environment (`environments:` absent means all of them). */
export function targetsEnvironment(change: Change, env: string): boolean {
  return !change.environments || change.environments.includes(env);
}

/**
 * The lint findings of a change with its own suppressions applied. A destructive finding the author
 * has acknowledged (destructive: true), or that a rollback runs (nothing to declare there), is
 * information, not a warning to act on: it stays, as a notice. The baseline changegate wrote gets no notices.
 */
export function lintChange(change: Change): Diagnostic[] {
  // A loaded change does not change, and validate, plan and apply each ask for its findings.
  let found = linted.get(change);
  if (!found) {
    found = lintStatements(change.statements, { ignore: change.lint.ignore, declared: change.destructive || change.rollbackOf !== undefined, generated: change.baseline === true });
    linted.set(change, found);
  }
  return found.map((f) => ({ ...f }));
}
const linted = new WeakMap<Change, Diagnostic[]>();

/**
 * How `lint <file>` lints a SQL file on its own: as the change that lists it (its `lint.ignore`, its
 * declaration, a baseline's or a rollback's nothing-to-declare), or with no context when none does.
 */
export function fileLintOptions(changes: Change[], file: string): LintOptions {
  const owner = changes.find((c) => c.apply.some((f) => f.path === file));
  if (owner) return { ignore: owner.lint.ignore, declared: owner.destructive, generated: owner.baseline === true };
  const undone = changes.find((c) => c.rollback.some((f) => f.path === file));
  return undone ? { ignore: undone.lint.ignore, declared: true } : {};
}

/** A change is destructive when its author says so or lint finds any destructive statement. */
export function isChangeDestructive(change: Change, diagnostics: Diagnostic[]): boolean {
  return change.destructive || diagnostics.some((d) => d.destructive);
}

/** Which of a change's files differ from what the history recorded, by path. */
export function changedFiles(change: Change, rec: HistoryRecord): string[] {
  const names = new Set([...Object.keys(change.fileChecksums), ...Object.keys(rec.fileChecksums)]);
  return [...names].filter((n) => change.fileChecksums[n] !== rec.fileChecksums[n]).sort();
}

/** The first applied statement whose text no longer hashes to what ran, or 0 when all match. */
export function firstEditedApplied(change: Change, rec: HistoryRecord): number {
  for (let i = 0; i < rec.statementsApplied; i++) {
    const stmt = change.statements[i];
    if (!stmt || !statementMatches(stmt.sql, rec.statementHashes[i])) return i + 1;
  }
  return 0;
}

/**
 * Whether the statement recorded in flight may have started on the server. The apply loop makes
 * the marker of a `dml` statement durable alone, before the statement, and the statement's effect
 * durable only with the next marker; so a durable marker on a `dml` statement proves it did not
 * commit. A `ddl` marker becomes durable through the statement's own implicit commit: it started.
 */
export function inFlightMayHaveRun(change: Change | undefined, rec: HistoryRecord): boolean {
  if (rec.inFlight === null || rec.inFlight !== rec.statementsApplied + 1) return false;
  const stmt = change?.statements[rec.inFlight - 1];
  if (!stmt || !statementMatches(stmt.sql, rec.statementHashes[rec.inFlight - 1])) return true;
  return statementKind(stmt.sql) === 'ddl';
}

// A statement marked `-- changegate:batch` carries its marker's options into the plan.
function withMarker(p: PlannedStatement, s: Statement): PlannedStatement {
  const m = batchMarker(s);
  if (m && !('error' in m)) p.marker = m;
  return p;
}

/** Decides what runs in `env`: pending changes in the given (dependency, then date) order. */
export function planEnvironment(changes: Change[], history: HistoryRecord[], env: EnvironmentConfig): PlanResult {
  const byId = new Map(history.map((r) => [r.changeId, r]));
  const known = new Set(changes.map((c) => c.id));
  const problems: IntegrityProblem[] = [];
  const pending: PlannedChange[] = [];
  const applied: string[] = [];

  for (const rec of history) {
    if (known.has(rec.changeId) || rec.changeId.includes(':')) continue;
    if (inPlace(rec.status) || rec.status === 'running' || rec.status === 'in-doubt' || rec.status === 'failed') {
      problems.push({
        changeId: rec.changeId,
        kind: 'missing',
        message:
          `${rec.changeId} is recorded as ${rec.status} in ${env.name} but its manifest is no longer in the repository; ` +
          `restore changes/${rec.changeId}.yaml (changes that ran are never deleted, fix forward with a new change)`,
      });
    }
  }

  const willRun = new Set<string>();
  for (const change of changes) {
    if (!targetsEnvironment(change, env.name)) continue;
    const rec = byId.get(change.id);
    if (rec && rec.checksumVersion !== CHECKSUM_VERSION) {
      problems.push({
        changeId: change.id,
        kind: 'checksum-version',
        message: `${change.id} was recorded in ${env.name} with checksum version ${rec.checksumVersion}, which this changegate (version ${CHECKSUM_VERSION}) cannot compare; upgrade changegate`,
      });
      continue;
    }
    if (rec && inPlace(rec.status)) {
      applied.push(change.id);
      if (rec.checksum !== change.checksum) {
        const files = changedFiles(change, rec);
        const file = files[0] ?? change.file;
        problems.push({
          changeId: change.id,
          kind: 'drift',
          file,
          message:
            `${change.id} was applied in ${env.name} but ${files.length > 0 ? files.join(', ') : change.file} changed since; ` +
            `an applied change is never re-run: revert the edit and put the new work in a new change`,
        });
      }
      continue;
    }
    if (rec?.status === 'rolled-back') continue;
    if (rec?.status === 'in-doubt') {
      problems.push(inDoubtProblem(change.id, rec, env.name));
      continue;
    }
    if (rec && (rec.status === 'running' || rec.status === 'failed')) {
      const edited = firstEditedApplied(change, rec);
      if (edited > 0) {
        const stmt = change.statements[edited - 1];
        problems.push({
          changeId: change.id,
          kind: 'edited-applied',
          file: stmt?.file ?? change.file,
          message:
            `${change.id}: statement ${edited}${stmt ? ` (${stmt.file}:${stmt.line})` : ''} was already applied in ${env.name} but its text changed; ` +
            `only statements not yet applied may be edited: restore it`,
        });
        continue;
      }
      const lost = lostSessionState(change, rec.statementsApplied);
      if (lost.length > 0) {
        const first = change.statements[rec.statementsApplied];
        problems.push({
          changeId: change.id,
          kind: 'session-state',
          file: first?.file ?? change.file,
          message:
            `${change.id} would resume at statement ${rec.statementsApplied + 1} in a new session, without the session state that ` +
            `${lost.map((n) => `statement ${n}`).join(', ')} set (${lost.map((n) => oneLine(change.statements[n - 1]!.sql, 60)).join('; ')}); ` +
            `repeat ${lost.length === 1 ? 'it' : 'them'} right before statement ${rec.statementsApplied + 1}, or fix forward with a new change`,
        });
        continue;
      }
      if (rec.status === 'running' && inFlightMayHaveRun(change, rec)) {
        problems.push({
          changeId: change.id,
          kind: 'running',
          message:
            `${change.id}: statement ${rec.inFlight} was in flight on connection ${rec.connectionId} in ${env.name} when its run stopped; ` +
            `apply checks whether it still runs, or resolve it with changegate resolve ${change.id} --env ${env.name} --statement ${rec.inFlight} --applied|--not-applied`,
        });
        continue;
      }
    }
    for (const dep of change.depends_on) {
      const depRec = byId.get(dep);
      if (!inPlace(depRec?.status) && !willRun.has(dep)) {
        problems.push({
          changeId: change.id,
          kind: 'dependency',
          message: `${change.id} depends on ${dep}, which is neither applied in ${env.name} nor planned to run there`,
        });
      }
    }
    const diagnostics = lintChange(change);
    willRun.add(change.id);
    pending.push({
      id: change.id,
      title: change.title,
      ticket: change.ticket,
      file: change.file,
      destructive: isChangeDestructive(change, diagnostics),
      hasRollback: change.rollback.length > 0,
      statements: change.statements.map((s, i) => withMarker({ n: i + 1, file: s.file, line: s.line, sql: s.sql }, s)),
      resumeFrom: rec ? rec.statementsApplied + 1 : 1,
      previous: rec?.status,
      diagnostics,
    });
  }

  return {
    plan: { environment: env.name, snapshot: snapshotDecision(env, pending), changes: pending, applied },
    problems,
  };
}

/** The message for a change whose in-flight statement has an unknown outcome. */
export function inDoubtProblem(changeId: string, rec: HistoryRecord, env: string): IntegrityProblem {
  const n = rec.inFlight ?? rec.statementsApplied + 1;
  return {
    changeId,
    kind: 'in-doubt',
    message:
      `${changeId}: statement ${n} of ${rec.statementsTotal} was in flight in ${env} when its connection ${rec.connectionId ?? '?'} was lost, and it may or may not have been applied. ` +
      `Check the schema, then record what happened: changegate resolve ${changeId} --env ${env} --statement ${n} --applied (or --not-applied)`,
  };
}

/** `never`, `always` or `destructive`, against what is about to run. */
export function snapshotDecision(env: EnvironmentConfig, pending: PlannedChange[]): SnapshotDecision {
  if (pending.length === 0) return { required: false, reason: `nothing to apply in ${env.name}` };
  if (env.snapshot === 'never') return { required: false, reason: `${env.name} is configured with snapshot: never` };
  if (env.snapshot === 'always') return { required: true, reason: `${env.name} is configured with snapshot: always` };
  const destructive = pending.filter((c) => c.destructive).map((c) => c.id);
  if (destructive.length === 0) return { required: false, reason: 'no pending change is destructive' };
  return { required: true, reason: `destructive: ${destructive.join(', ')}` };
}

/**
 * The promotion gate: an environment never runs a change that has not succeeded in its `after`
 * environment; every change about to run must be `applied` there with the same checksum, i.e. the
 * very files that are about to run here.
 */
export function promotionProblems(plan: Plan, changes: Map<string, Change>, afterHistory: HistoryRecord[], afterEnv: string): IntegrityProblem[] {
  const byId = new Map(afterHistory.map((r) => [r.changeId, r]));
  const problems: IntegrityProblem[] = [];
  for (const planned of plan.changes) {
    const change = changes.get(planned.id);
    const rec = byId.get(planned.id);
    let why: string | undefined;
    if (!rec) why = `has not run in ${afterEnv}`;
    else if (!inPlace(rec.status)) why = `is ${rec.status} in ${afterEnv}`;
    else if (change && rec.checksum !== change.checksum) {
      const files = changedFiles(change, rec);
      why = `was applied in ${afterEnv} with different files (${files.join(', ') || change.file} changed since)`;
    }
    if (why) {
      problems.push({
        changeId: planned.id,
        kind: 'dependency',
        message: `refused: ${planned.id} ${why}; ${plan.environment} runs only what succeeded in ${afterEnv} first (after: ${afterEnv})`,
      });
    }
  }
  return problems;
}

/**
 * The applied statements (1-based) that set session state a resumed run would not have: a new
 * session starts without them unless the statements not yet applied begin by setting them again.
 */
export function lostSessionState(change: Change, applied: number): number[] {
  const repeated = new Set<string>();
  for (let i = applied; i < change.statements.length && setsSessionState(change.statements[i]!.sql); i++) {
    repeated.add(normalizeSql(change.statements[i]!.sql));
  }
  const lost: number[] = [];
  for (let i = 0; i < applied; i++) {
    const stmt = change.statements[i];
    if (stmt && setsSessionState(stmt.sql) && !repeated.has(normalizeSql(stmt.sql))) lost.push(i + 1);
  }
  return lost;
}

function normalizeSql(sql: string): string {
  return sql.replace(/\s+/g, ' ').trim().toLowerCase();
}
