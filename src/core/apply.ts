// The apply loop: runs a plan statement by statement on one session, so that no statement ever runs
// twice and none is skipped, although MySQL commits DDL implicitly.
//
// The protocol, per statement k of a change (autocommit is off on the session):
//   1. progress(applied = k-1, inFlight = k): one history write in the open transaction. It is both
//      the record that statement k-1 is applied and the marker that k is about to run.
//   2. run statement k.
//      - dml: its effect and the next statement's write commit together, so "k applied" is durable
//        exactly when k's effect is. DML statements batch in one transaction until the next DDL
//        statement, or until the batch reaches its size or age limit (batchMaxStatements,
//        batchMaxMs: 500 statements, 1000 ms by default): then the marker of the next dml
//        statement, which has not run, is written first and committed with the batch, so the
//        durable record names the statement to resume at. A DDL statement followed by a batch is
//        recorded applied through another connection (recordApplied) once the batch outlives
//        100 ms or grows to a second statement, or else by a commit here before the batch: a crash
//        inside a batch never puts a finished DDL statement in doubt beyond those first 100 ms.
//      - ddl: MySQL commits implicitly right before it starts, which makes the marker durable
//        exactly when statement k begins.
//      - anything else (SET, CALL, ANALYZE...), which may or may not commit on its own: the marker
//        is committed before it and its record after it, so no batch ever spans it.
// After the last statement: progress(applied = n, inFlight = null) + COMMIT, then the verify queries.
// So a durable marker on a dml statement proves it did not commit (resume there), and a durable
// marker on a ddl statement means it started: on a rerun, if its connection is still in the
// processlist we wait for it, otherwise the change is in-doubt until a person resolves it.
// The history writes and commit points around each statement (its marker before, its record after,
// the DML batch they span) are the operations of ApplyBatch (apply-batch.ts), so that applyChange
// below reads as the protocol: marker, run, record.
import { ApplyBatch, BATCH_DEFAULTS } from './apply-batch.js';
import { ApplyError, RefusedError } from './errors.js';
import { statementTraits } from './lint/index.js';
import { inFlightMayHaveRun } from './plan.js';
import { oneLine } from './text.js';
import { newRecord, type Operator } from './history-record.js';
import type { ProcessInfo, ServerIdentity, ServerInspector, TargetSession } from './ports.js';
import { StatementError } from './ports.js';
import type { ApplyReport, Plan, PlannedChange } from './plan-types.js';
import type { Change, HistoryRecord, Throttle, Verify } from './types.js';

export type { Operator } from './history-record.js';
import { provisionalMark } from './provisional.js';
import type { OnlineTool } from './online.js';
import { markOnline, onlinePlanOf, runOnline, settleOnline } from './online-step.js';
import { runBackfill, type BackfillEvents } from './backfill/run.js';
import { backfillContext, batchPlanOf, committedBatches } from './backfill/step.js';
import { goOn, recordFailure } from './apply-failure.js';
import type { StatementTraits } from './lint/index.js';

// An online statement runs in the tool's own connections: its marker is committed before it and its
// record after it, like any statement that may commit on its own.
const ONLINE_TRAITS: StatementTraits = { kind: 'ddl', implicit: false };

/** What the loop tells its caller as it goes; the CLI turns these into progress lines. */
export interface ApplyEvents extends BackfillEvents {
  changeStarted?(change: PlannedChange): void;
  statementStarted?(change: PlannedChange, n: number, total: number, elapsedMs: number): void;
  statementRetry?(change: PlannedChange, n: number, attempt: number, error: string): void;
  verified?(change: PlannedChange, verify: Verify, actual: unknown, ok: boolean): void;
  changeFinished?(change: PlannedChange, result: 'applied' | 'failed', durationMs: number): void;
  waitingForInFlight?(changeId: string, statement: number, process: ProcessInfo): void;
  /** An online statement's tool reported progress (a share copied, a pause and its cause). */
  onlineProgress?(change: PlannedChange, n: number, line: string): void;
  /** An online statement ended: how long the copy and the swap took. */
  onlineFinished?(change: PlannedChange, n: number, table: string, copySeconds: number, swapSeconds: number | null): void;
  /** The outcome of an interrupted online statement, decided from the live schema, in words. */
  onlineSettled?(changeId: string, statement: number, text: string): void;
  /** Waiting for the tool of an interrupted run, whose sessions are still on the server. */
  waitingForOnline?(changeId: string, statement: number, sessions: number[]): void;
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
  /**
   * Throws when the run must not send another statement (the server went silent, this runner was
   * frozen, the lock's connection is gone); checked before each statement, in memory, so it costs nothing.
   */
  beforeStatement?: () => void;
  /** Whether the run lock is still held; checked before each change, so two runners never apply at once. */
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
  /**
   * Most DML statements one transaction holds before the loop commits it on its own (default 500):
   * a batch holds its row locks until its commit.
   */
  batchMaxStatements?: number;
  /** Oldest, in ms, a DML batch gets before the loop commits it on its own (default 1000; 0: each DML statement commits alone). */
  batchMaxMs?: number;
  /** The clock a batch's age is read on, in ms (default `Date.now`). */
  batchClock?: () => number;
  /**
   * The environment's online schema change tool: statements the plan marks online run through it,
   * and an interrupted one is settled from the live schema with it.
   */
  online?: OnlineTool;
  /** The environment's throttle: batched statements pause and stop by it. */
  throttle?: Throttle;
}

// MySQL/MariaDB error numbers that mean "gave up on a lock": 1205 lock wait timeout (a metadata lock
// for DDL), 1213 deadlock. Safe to retry: the statement (or, for a deadlock, the transaction, which
// the loop then replays from its first statement) left nothing behind.
const LOCK_WAIT_ERRNOS = new Set([1205, 1213]);

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
    if (ctx.online && rec.online && rec.online.statement === rec.inFlight) {
      await settleOnline(rec, env, ctx, ctx.online);
      touched = true;
      continue;
    }
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
    // A batched statement goes on after its last committed batch.
    rec.backfill = previous.backfill ?? null;
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

  await runStatements(change, planned, rec, t0, ctx);
  await verifyChange(change, planned, rec, t0, ctx);
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

// Runs statements resumeFrom..n of a change, each between its marker and its record; every one is
// applied and recorded when it resolves. Rejects with an ApplyError after recording a failure.
async function runStatements(change: Change, planned: PlannedChange, rec: HistoryRecord, t0: number, ctx: ApplyContext): Promise<void> {
  const { session } = ctx;
  const total = change.statements.length;
  const batch = new ApplyBatch(session, change.id, {
    maxStatements: ctx.batchMaxStatements ?? BATCH_DEFAULTS.statements,
    maxMs: ctx.batchMaxMs ?? BATCH_DEFAULTS.ms,
    clock: ctx.batchClock ?? Date.now,
    recordApplied: ctx.recordApplied,
    recordAppliedAfterMs: ctx.recordAppliedAfterMs ?? 100,
  });
  let k = planned.resumeFrom;
  try {
    while (k <= total) {
      const stmt = change.statements[k - 1]!;
      const online = onlinePlanOf(planned, k, ctx);
      const batched = batchPlanOf(planned, k);
      // A batched statement commits batch by batch on its own, between a marker and a record of its own.
      const traits = online || batched ? ONLINE_TRAITS : statementTraits(stmt);
      // Before the marker: a runner that must stop (a silent server, a freeze) leaves no marker on a
      // statement it never sent.
      ctx.beforeStatement?.();
      // An online statement's mark joins the marker's commit: both are durable before the tool starts.
      if (online) await markOnline(change, rec, k, online, t0, ctx);
      await batch.marker(k, traits); // 1. the marker: k-1 applied, k in flight
      ctx.events?.statementStarted?.(planned, k, total, Date.now() - t0);
      try {
        if (online) await runOnline(change, planned, rec, k, online, ctx); // 2. run
        else if (batched) await runBackfill(planned, k, batched, rec, backfillContext(ctx));
        else await session.run(stmt.sql);
      } catch (err) {
        const e = err instanceof StatementError ? err : new StatementError(String(err), undefined, undefined, false);
        if (e.connectionLost) {
          // The history cannot be written on a dead session; the durable marker already tells the
          // next run that statement k was in flight, and that run decides with the processlist.
          await batch.connectionLost();
          throw new ApplyError(
            `${change.id}: the connection was lost while statement ${k} (${stmt.file}:${stmt.line}) was in flight: ${e.message}. ` +
              `Run apply again: it checks whether the statement is still running and stops for a decision if its outcome is unknown`,
            change.id, stmt.file, stmt.line, k, { cause: err },
          );
        }
        const applied = await batch.failed(k, traits);
        const attempt = e.errno !== undefined && LOCK_WAIT_ERRNOS.has(e.errno) ? batch.retry(k, ctx.lockRetries) : null;
        if (attempt !== null) {
          // Again from the first statement the failure undid.
          ctx.events?.statementRetry?.(planned, k, attempt, e.message);
          k = applied + 1;
          continue;
        }
        rec.statementsApplied = applied;
        await recordFailure(rec, k, e.message, t0, ctx);
        // A tool that stopped left the table as it was, and a batched statement keeps what its committed
        // batches did: either simply runs again.
        const next = online
          ? `${goOn(total, applied).split('. ')[0]}. Run apply again to start statement ${k} over`
          : batched
            ? `${goOn(total, applied).split('. ')[0]}. ${committedBatches(rec, k)}Run apply again to continue statement ${k} after its last committed batch`
            : goOn(total, applied);
        throw new ApplyError(
          `${change.id}: statement ${k} of ${total} failed at ${stmt.file}:${stmt.line}: ${e.message.replace(/\.$/, '')}. ${next}`,
          change.id, stmt.file, stmt.line, k, { cause: err },
        );
      }
      const next = change.statements[k]; // 3. its record
      await batch.record(k, traits, next !== undefined && statementTraits(next).kind === 'dml');
      k++;
    }
  } finally {
    batch.close();
  }
  await batch.finish(total);
  rec.statementsApplied = total;
}

// Runs the change's verify queries after its statements, recording a failure (the change stays
// resumable at its verify) when one fails or does not match.
async function verifyChange(change: Change, planned: PlannedChange, rec: HistoryRecord, t0: number, ctx: ApplyContext): Promise<void> {
  const { session } = ctx;
  const total = change.statements.length;
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
}

/** Compares a verify result with its `expect`, the way a person reading both would. */
export function matches(expect: Verify['expect'], actual: unknown): boolean {
  if (actual === undefined) return false;
  if (expect === null) return actual === null;
  if (actual === null) return false;
  if (typeof expect === 'boolean') return Number(actual) === (expect ? 1 : 0);
  if (typeof expect === 'number') {
    // String() spells a bigint in decimal too, so one conversion covers every driver type.
    const n = Number(String(actual));
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
