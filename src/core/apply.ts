// The apply loop: runs a plan statement by statement on one session, so that no statement ever runs
// twice and none is skipped, although MySQL commits DDL implicitly.
//
// The protocol, per statement k of a change (autocommit is off on the session):
//   1. progress(applied = k-1, inFlight = k): one history write in the open transaction. It is both
//      the record that statement k-1 is applied and the marker that k is about to run.
//   2. run statement k.
//      - dml: its effect and the next statement's write commit together, so "k applied" is durable
//        exactly when k's effect is. DML statements batch in one transaction until the next DDL
//        statement (or BATCH_MAX / BATCH_MS, when a plain COMMIT makes a marker on a dml statement
//        that has not run durable). A DDL statement followed by a batch is recorded applied
//        through another connection (recordApplied) once the batch outlives 100 ms or grows to a
//        second statement, or else by a commit here before the batch: a crash inside a batch
//        never puts a finished DDL statement in doubt beyond those first 100 ms.
//      - ddl: MySQL commits implicitly right before it starts, which makes the marker durable
//        exactly when statement k begins.
//      - anything else (SET, CALL, ANALYZE...), which may or may not commit on its own: the marker
//        is committed before it and its record after it, so no batch ever spans it.
// After the last statement: progress(applied = n, inFlight = null) + COMMIT, then the verify queries.
// So a durable marker on a dml statement proves it did not commit (resume there), and a durable
// marker on a ddl statement means it started: on a rerun, if its connection is still in the
// processlist we wait for it, otherwise the change is in-doubt until a person resolves it.
import { ApplyError, RefusedError } from './errors.js';
import { statementTraits } from './lint/index.js';
import { inFlightMayHaveRun } from './plan.js';
import { oneLine } from './text.js';
import { newRecord, type Operator } from './history-record.js';
import type { ProcessInfo, ServerIdentity, ServerInspector, TargetSession } from './ports.js';
import { StatementError } from './ports.js';
import type { ApplyReport, Plan, PlannedChange } from './plan-types.js';
import type { Change, HistoryRecord, Verify } from './types.js';

export type { Operator } from './history-record.js';
import { provisionalMark } from './provisional.js';

/** What the loop tells its caller as it goes; the CLI turns these into progress lines. */
export interface ApplyEvents {
  changeStarted?(change: PlannedChange): void;
  statementStarted?(change: PlannedChange, n: number, total: number, elapsedMs: number): void;
  statementRetry?(change: PlannedChange, n: number, attempt: number, error: string): void;
  verified?(change: PlannedChange, verify: Verify, actual: unknown, ok: boolean): void;
  changeFinished?(change: PlannedChange, result: 'applied' | 'failed', durationMs: number): void;
  waitingForInFlight?(changeId: string, statement: number, process: ProcessInfo): void;
}

/** Everything the loop needs from the outside world. */
export interface ApplyContext {
  session: TargetSession;
  inspector: ServerInspector;
  operator: Operator;
  /** Snapshot protecting this run, recorded on every change it protects. */
  snapshotId: string | null;
  /** How many times a statement that hit a lock wait timeout is retried. */
  lockRetries: number;
  /** How long to wait for an in-flight statement of a dead runner that still runs on the server. */
  inFlightWaitMs: number;
  /** Poll interval for that wait. */
  pollMs: number;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
  events?: ApplyEvents;
  /** Whether the run lock is still held; checked before each change (invariant 2). */
  lockHeld?: () => Promise<boolean>;
  /**
   * Records "statement `applied` is done, `inFlight` next" on another connection, committed there at
   * once and not waited for, when the row still shows `applied` in flight. Lets a finished DDL
   * statement be recorded before the DML batch after it without a commit in the apply session.
   */
  recordApplied?: (changeId: string, applied: number, inFlight: number | null, connectionId: number) => Promise<void>;
  /**
   * Called before the first statement of a change that starts at statement 1 (a table backup takes
   * its copy here, after the changes before it ran); the id it returns is recorded as the change's
   * snapshot. A rejection stops the run before any statement of that change.
   */
  backupChange?: (change: Change, planned: PlannedChange) => Promise<string | null>;
  /**
   * How long a DML batch after a DDL statement may run before `recordApplied` records that statement
   * (default 100 ms; 0 = at once). A short batch reaches its own commit point first and costs nothing.
   */
  recordAppliedAfterMs?: number;
  /**
   * Runs right before a change starts, after the changes before it: the pre-checks on the live rows.
   * Rejecting refuses the change before anything is written for it (its result stays `not-run`).
   */
  beforeChange?: (change: PlannedChange) => Promise<void>;
  /**
   * Set by `apply --pull-request N`: each change is recorded with the pull request, its head commit
   * and its rollback statements as they are now, and ends `provisional` instead of `applied`.
   */
  pullRequest?: { number: number; headCommit: string | null };
}

// MySQL/MariaDB error numbers that mean "gave up on a lock": 1205 lock wait timeout (a metadata lock
// for DDL), 1213 deadlock. Safe to retry: the statement (or, for a deadlock, the transaction, which
// the loop then replays from its first statement) left nothing behind.
const LOCK_WAIT_ERRNOS = new Set([1205, 1213]);
// Bounds of a batch of DML statements in one transaction: row locks are held no longer than this.
const BATCH_MAX = 500;
const BATCH_MS = 1000;

// Two readings of one boot time (server clock minus Uptime) differ by up to a second of rounding.
const BOOT_TOLERANCE_MS = 2000;

/** Whether `rec`'s connection id was recorded on the same server instance and boot as `now`. */
export function sameServerBoot(rec: HistoryRecord, now: ServerIdentity): boolean {
  // Rows written before the identity was recorded: only the processlist can tell.
  if (rec.serverBoot === null) return true;
  if (rec.serverUuid !== null && now.uuid !== null && rec.serverUuid !== now.uuid) return false;
  return Math.abs(rec.serverBoot.getTime() - now.boot.getTime()) <= BOOT_TOLERANCE_MS;
}

/**
 * The session that had `rec`'s statement in flight, as the server shows it now. Gone when the id was
 * recorded on another server or another boot of it (ids start again after a restart), and when the
 * session with that id does not run that very statement as our user: a stranger's connection is
 * never waited for, let alone named for KILL.
 */
export async function inFlightProcess(
  rec: HistoryRecord,
  inspector: ServerInspector,
  own: { connectionId: number; identity: ServerIdentity },
  change: Change | undefined,
): Promise<ProcessInfo> {
  if (rec.connectionId === null || rec.connectionId === own.connectionId) return { alive: false };
  if (!sameServerBoot(rec, own.identity)) return { alive: false };
  const n = rec.inFlight;
  const expect = n === null ? {} : { sql: change?.statements[n - 1]?.sql, hash: rec.statementHashes[n - 1] };
  const proc = await inspector.process(rec.connectionId, expect);
  if (proc.alive && proc.runs === false) return { alive: false };
  return proc;
}

/**
 * Settles rows left `running` by a runner that died (the caller holds the run lock, so no live
 * runner owns them): waits while the in-flight statement still runs on the server, marks it
 * in-doubt once it has ended, and leaves resumable rows alone. Returns the refreshed history.
 */
export async function reconcileInterrupted(
  changes: Map<string, Change>,
  history: HistoryRecord[],
  env: string,
  ctx: ApplyContext,
): Promise<HistoryRecord[]> {
  const sleep = ctx.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = ctx.now ?? (() => new Date());
  let touched = false;
  for (const rec of history) {
    if (rec.status !== 'running' || !inFlightMayHaveRun(changes.get(rec.changeId), rec)) continue;
    const started = Date.now();
    for (;;) {
      const proc = await inFlightProcess(rec, ctx.inspector, ctx.session, changes.get(rec.changeId));
      if (!proc.alive) break;
      if (Date.now() - started >= ctx.inFlightWaitMs) {
        // Named with what it runs, so that whoever reads this kills our statement or nothing.
        throw new RefusedError(
          `refused: statement ${rec.inFlight} of ${rec.changeId} from an interrupted run is still executing in ${env} ` +
            `on connection ${rec.connectionId} (${proc.seconds ?? '?'} s so far), which runs: ${oneLine(proc.info ?? '?')}. ` +
            `Starting it again would run it twice. Wait for it to finish (or, to stop it, KILL ${rec.connectionId} on the server), then run apply again`,
        );
      }
      ctx.events?.waitingForInFlight?.(rec.changeId, rec.inFlight!, proc);
      await sleep(ctx.pollMs);
    }
    rec.status = 'in-doubt';
    rec.finishedAt = now();
    rec.error = `connection ${rec.connectionId} was lost while statement ${rec.inFlight} was in flight`;
    await ctx.session.history.put(rec);
    touched = true;
  }
  if (touched) await ctx.session.commit();
  return touched ? ctx.session.history.load() : history;
}

/**
 * Runs every change of the plan in order, stopping at the first failure. Resolves with the report;
 * rejects with an ApplyError (after recording it) when a statement or verify query fails.
 */
export async function applyPlan(
  plan: Plan,
  changes: Map<string, Change>,
  history: HistoryRecord[],
  ctx: ApplyContext,
): Promise<ApplyReport> {
  const report: ApplyReport = {
    environment: plan.environment,
    snapshot: { ...plan.snapshot, ...(ctx.snapshotId ? { id: ctx.snapshotId } : {}) },
    changes: plan.changes.map((c) => ({ ...c, result: 'not-run' as const, durationMs: 0 })),
  };
  const byId = new Map(history.map((r) => [r.changeId, r]));
  for (const entry of report.changes) {
    const change = changes.get(entry.id);
    if (!change) throw new Error(`plan names ${entry.id}, which was not loaded`);
    if (ctx.lockHeld && !(await ctx.lockHeld())) {
      // Its connection ended (killed, or dropped by a proxy): another run could take it now.
      throw new RefusedError(
        `refused: the run lock on ${plan.environment} was lost (its connection ended); stopping before ${entry.id}, ` +
          'with everything before it recorded. Run apply again',
      );
    }
    if (ctx.beforeChange) {
      try {
        await ctx.beforeChange(entry);
      } catch (err) {
        entry.error = err instanceof Error ? err.message : String(err);
        (err as { report?: ApplyReport }).report = report;
        throw err;
      }
    }
    const started = Date.now();
    try {
      await applyChange(change, entry, byId.get(entry.id), ctx);
      entry.result = 'applied';
    } catch (err) {
      entry.result = 'failed';
      entry.error = err instanceof Error ? err.message : String(err);
      entry.durationMs = Date.now() - started;
      ctx.events?.changeFinished?.(entry, 'failed', entry.durationMs);
      (err as { report?: ApplyReport }).report = report;
      throw err;
    }
    entry.durationMs = Date.now() - started;
    ctx.events?.changeFinished?.(entry, 'applied', entry.durationMs);
  }
  return report;
}

async function applyChange(
  change: Change,
  planned: PlannedChange,
  previous: HistoryRecord | undefined,
  ctx: ApplyContext,
): Promise<void> {
  const { session } = ctx;
  const now = ctx.now ?? (() => new Date());
  const t0 = Date.now();
  const rec = newRecord(change, ctx.operator, ctx.snapshotId, now());
  if (previous) {
    // Resuming: applied statements keep their record; the rest may have been edited since.
    rec.statementsApplied = previous.statementsApplied;
    rec.snapshotId = ctx.snapshotId ?? previous.snapshotId;
    rec.approver = ctx.operator.approver ?? previous.approver;
    rec.resolvedBy = previous.resolvedBy;
  }
  if (rec.statementsApplied !== planned.resumeFrom - 1) {
    throw new Error(`${change.id}: plan resumes at ${planned.resumeFrom} but history has ${rec.statementsApplied} applied`);
  }
  if (ctx.pullRequest) rec.pullRequest = provisionalMark(change, ctx.pullRequest);
  ctx.events?.changeStarted?.(planned);
  if (planned.resumeFrom === 1 && ctx.backupChange) rec.snapshotId = (await ctx.backupChange(change, planned)) ?? rec.snapshotId;
  // The connection id the loop records means something only with the server boot it belongs to.
  rec.serverUuid = session.identity.uuid;
  rec.serverBoot = session.identity.boot;
  await session.history.put(rec);
  await session.commit();

  const total = change.statements.length;
  // dirty: the open transaction holds DML statements not committed yet, from batchStart on;
  // lastWrite: the last history write in it, visible only to this session.
  let dirty = false;
  let batchStart = 0;
  let batchOpened = 0;
  let lastWrite: string | null = null;
  const write = async (applied: number, inFlight: number | null) => {
    await session.history.progress(change.id, applied, inFlight, session.connectionId);
    lastWrite = `${applied}/${inFlight}`;
  };
  const commitPoint = async () => {
    await session.commit();
    dirty = false;
    lastWrite = null;
    settleAside();
  };
  let afterDdl = false; // the statement before ran as schema DDL in this run, not yet recorded applied
  // A finished DDL statement waiting to be recorded through ctx.recordApplied: on a timer, when the
  // batch after it grows to a second statement, or by the batch's own commit point, whichever is first.
  let aside: { applied: number; fired: boolean } | null = null;
  // One timer per change, re-armed for each DDL statement (a timer per statement costs more than the
  // statement's own bookkeeping); when it fires with nothing aside, it does nothing.
  let asideTimer: ReturnType<typeof setTimeout> | null = null;
  const fireAside = (): Promise<void> => {
    if (!aside || aside.fired || !ctx.recordApplied) return Promise.resolve();
    aside.fired = true;
    return ctx.recordApplied(change.id, aside.applied, aside.applied + 1, session.connectionId).catch(() => undefined);
  };
  const settleAside = () => {
    aside = null;
  };
  let attempt = 1;
  let retryAt = 0; // the statement a retry started from: attempts count until the run gets past it
  let k = planned.resumeFrom;
  try {
    while (k <= total) {
      const stmt = change.statements[k - 1]!;
      const { kind, implicit } = statementTraits(stmt);
      if (kind === 'dml') {
        // DML statements share a transaction until the next DDL statement commits it implicitly, or
        // until the batch is big or old enough for a COMMIT of its own; only the write before a commit
        // point can become durable, so the others are skipped. The one exception is a marker before
        // the batch's second statement: if a later one fails, it shows whether the server kept the
        // batch (statement rollback) or undid all of it (a deadlock).
        if (dirty && (k - batchStart >= BATCH_MAX || Date.now() - batchOpened >= BATCH_MS)) {
          await write(k - 1, k);
          await commitPoint();
        }
        if (!dirty && afterDdl) {
          // Record the DDL statement before it as applied now: else a crash anywhere in this batch
          // would leave that finished statement in doubt until the batch's commit point.
          await write(k - 1, k);
          await commitPoint();
        }
        if (!dirty) {
          batchStart = k;
          batchOpened = Date.now();
        } else if (lastWrite === null) {
          // The batch goes on: record the DDL statement before it first, as our marker is about to
          // hold that row until the batch commits.
          await fireAside();
          await write(k - 1, k);
        }
      } else if (implicit) {
        // This statement's implicit commit records everything before it.
        settleAside();
        await write(k - 1, k);
      } else {
        // A statement that may or may not commit on its own (SET, CALL, ANALYZE, GRANT...) runs
        // between two commit points of its own, so no batch ever spans it: whatever it commits
        // inside, what was recorded before it is durable and nothing before it can be undone.
        await write(k - 1, k);
        await commitPoint();
      }
      ctx.events?.statementStarted?.(planned, k, total, Date.now() - t0);
      try {
        await session.run(stmt.sql);
      } catch (err) {
        const e = err instanceof StatementError ? err : new StatementError(String(err), undefined, undefined, false);
        if (e.connectionLost) {
          // The history cannot be written on a dead session; the durable marker already tells the
          // next run that statement k was in flight, and that run decides with the processlist.
          // A finished DDL statement waiting aside is recorded now (the lost batch after it never
          // committed), so that the next run resumes after it instead of asking about it.
          await fireAside();
          throw new ApplyError(
            `${change.id}: the connection was lost while statement ${k} (${stmt.file}:${stmt.line}) was in flight: ${e.message}. ` +
              `Run apply again: it checks whether the statement is still running and stops for a decision if its outcome is unknown`,
            change.id, stmt.file, stmt.line, k, { cause: err },
          );
        }
        let applied = k - 1;
        if (kind === 'dml') {
          // The server undid the statement, or (a deadlock, a timeout with innodb_rollback_on_timeout)
          // the whole transaction: our last write, visible only inside it, tells which.
          let intact = false;
          if (lastWrite !== null) {
            const row = (await session.history.load()).find((r) => r.changeId === change.id);
            intact = `${row?.statementsApplied}/${row?.inFlight}` === lastWrite;
          }
          if (!intact) {
            await session.rollback();
            applied = batchStart - 1;
            dirty = false;
            lastWrite = null;
          }
        } else if (!implicit) {
          // Only the failed statement's own effects can be in the transaction.
          await session.rollback();
          lastWrite = null;
        }
        // A schema DDL statement that failed left nothing behind (MySQL 8's atomic DDL; MariaDB's
        // DROP TABLE of several tables is the exception, and the session's error names what it
        // dropped), and the transaction before it is kept either way: nothing to undo.
        if (e.errno !== undefined && LOCK_WAIT_ERRNOS.has(e.errno) && attempt <= ctx.lockRetries) {
          ctx.events?.statementRetry?.(planned, k, attempt, e.message);
          attempt++;
          retryAt = Math.max(retryAt, k);
          k = applied + 1;
          continue;
        }
        rec.statementsApplied = applied;
        await recordFailure(rec, k, e.message, t0, ctx);
        throw new ApplyError(
          `${change.id}: statement ${k} of ${total} failed at ${stmt.file}:${stmt.line}: ${e.message.replace(/\.$/, '')}. ${goOn(total, applied)}`,
          change.id, stmt.file, stmt.line, k, { cause: err },
        );
      }
      if (kind === 'dml') {
        dirty = true;
      } else if (implicit) {
        // Schema DDL committed everything, the marker of the next statement starts a new transaction.
        dirty = false;
        lastWrite = null;
        const next = change.statements[k];
        if (next && ctx.recordApplied && statementTraits(next).kind === 'dml') {
          aside = { applied: k, fired: false };
          const after = ctx.recordAppliedAfterMs ?? 100;
          if (after <= 0) void fireAside();
          else if (asideTimer) asideTimer.refresh();
          else if (Number.isFinite(after)) asideTimer = setTimeout(() => void fireAside(), after).unref();
        }
      } else {
        await write(k, null);
        await commitPoint();
      }
      afterDdl = implicit && aside === null;
      if (k >= retryAt) attempt = 1;
      k++;
    }
  } finally {
    // Whatever ended the loop also ended the batch a pending record was for.
    if (asideTimer) clearTimeout(asideTimer);
    aside = null;
  }
  await session.history.progress(change.id, total, null, session.connectionId);
  await session.commit();
  rec.statementsApplied = total;

  for (const v of change.verify) {
    let actual: unknown;
    try {
      const res = await session.run(v.sql);
      actual = res.rows && res.rows.length > 0 ? res.rows[0]![0] : undefined;
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      if (err instanceof StatementError && err.connectionLost) {
        // Nothing can be written on a dead session; the durable record already says every statement
        // is applied, so the next run goes straight to verify.
        throw new ApplyError(
          `${change.id}: the connection was lost while verify "${v.name}" ran: ${msg}. All ${total} statements are applied and recorded; run apply again to verify`,
          change.id, change.file, v.line, undefined, { cause: err },
        );
      }
      await session.rollback();
      await recordFailure(rec, null, `verify "${v.name}" failed: ${msg}`, t0, ctx);
      throw new ApplyError(`${change.id}: verify "${v.name}" failed to run: ${msg}`, change.id, change.file, v.line, undefined, { cause: err });
    }
    const ok = matches(v.expect, actual);
    ctx.events?.verified?.(planned, v, actual, ok);
    if (!ok) {
      await session.rollback();
      const text = `verify "${v.name}" expected ${show(v.expect)}, got ${actual === undefined ? 'no rows' : show(actual)}`;
      await recordFailure(rec, null, text, t0, ctx);
      throw new ApplyError(
        `${change.id}: ${text}. All ${total} statements are applied; fix the data or the verify query, then run apply again to re-check`,
        change.id, change.file, v.line, undefined,
      );
    }
  }
  await session.rollback(); // verify queries read only; end their snapshot
  rec.status = ctx.pullRequest ? 'provisional' : 'applied';
  rec.inFlight = null;
  rec.failedStatement = null;
  rec.error = null;
  rec.connectionId = session.connectionId;
  rec.finishedAt = now();
  rec.durationMs = Date.now() - t0;
  await session.history.put(rec);
  await session.commit();
}

// What the user can do after statement k of total failed with statements 1..applied durable.
function goOn(total: number, applied: number): string {
  const done =
    applied === 0 ? 'No statement of this change is applied'
    : applied === 1 ? 'Statement 1 is applied and recorded; nothing after it ran'
    : `Statements 1-${applied} are applied and recorded; nothing after them ran`;
  const rest = applied + 1 === total ? `statement ${total}` : `statements ${applied + 1}-${total}`;
  return `${done}. To go on, fix forward with a new change, or edit ${rest} of this change` +
    `${applied === 0 ? '' : ' (applied ones must stay as they are)'} and run apply again`;
}

async function recordFailure(rec: HistoryRecord, statement: number | null, error: string, t0: number, ctx: ApplyContext): Promise<void> {
  rec.status = 'failed';
  rec.inFlight = null;
  rec.failedStatement = statement;
  rec.error = error;
  rec.connectionId = ctx.session.connectionId;
  rec.finishedAt = (ctx.now ?? (() => new Date()))();
  rec.durationMs = Date.now() - t0;
  await ctx.session.history.put(rec);
  await ctx.session.commit();
}

/** Compares a verify result with its `expect`, the way a person reading both would. */
export function matches(expect: Verify['expect'], actual: unknown): boolean {
  if (actual === undefined) return false;
  if (expect === null) return actual === null;
  if (actual === null) return false;
  if (typeof expect === 'boolean') return Number(actual) === (expect ? 1 : 0);
  if (typeof expect === 'number') {
    const n = typeof actual === 'bigint' ? Number(actual) : Number(String(actual));
    return Number.isFinite(n) && n === expect;
  }
  const text = actual instanceof Date ? actual.toISOString() : Buffer.isBuffer(actual) ? actual.toString('utf8') : String(actual);
  return text === expect;
}

function show(v: unknown): string {
  if (v === null) return 'NULL';
  if (typeof v === 'string') return JSON.stringify(v);
  if (Buffer.isBuffer(v)) return JSON.stringify(v.toString('utf8'));
  return String(v);
}


/**
 * Records a person's decision about an in-doubt statement: `applied` counts it as done, otherwise
 * it will run again. The change becomes `failed` at the next statement, which `apply` resumes.
 */
export async function resolveInDoubt(
  session: TargetSession,
  changeId: string,
  env: string,
  statement: number,
  applied: boolean,
  decidedBy: string,
  now: Date,
): Promise<HistoryRecord> {
  const rec = (await session.history.load()).find((r) => r.changeId === changeId);
  if (!rec) throw new RefusedError(`refused: ${changeId} has no history in ${env}; there is nothing to resolve`);
  const inFlight = rec.inFlight ?? rec.statementsApplied + 1;
  if (rec.status !== 'in-doubt') {
    throw new RefusedError(
      `refused: ${changeId} is ${rec.status} in ${env}, not in-doubt; resolve only records the outcome of a statement whose outcome is unknown` +
        (rec.status === 'running' ? ' (run apply first: it marks an interrupted statement in-doubt once its connection has ended)' : ''),
    );
  }
  if (statement !== inFlight) {
    throw new RefusedError(`refused: statement ${statement} is not the in-doubt statement of ${changeId} in ${env}; statement ${inFlight} is`);
  }
  rec.statementsApplied = applied ? inFlight : inFlight - 1;
  rec.status = 'failed';
  rec.inFlight = null;
  rec.failedStatement = applied ? null : inFlight;
  rec.error = `statement ${inFlight} was in doubt; ${decidedBy} recorded it as ${applied ? 'applied' : 'not applied'}`;
  rec.resolvedBy = `${decidedBy} at ${now.toISOString()}: statement ${inFlight} ${applied ? 'applied' : 'not applied'}`;
  rec.finishedAt = now;
  await session.history.put(rec);
  await session.commit();
  return rec;
}
