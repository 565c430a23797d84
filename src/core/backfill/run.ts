// Running a batched statement: walk the key in order, each batch the statement restricted to
// `key > last AND key <= next` (the bound read first, under the statement's own condition), in its own
// transaction together with the history row's progress. A kill at any moment leaves either a batch and
// its record, or neither; the rerun goes on after the last committed key. Before each batch the
// server's load and replica lag may pause the walk, or stop it cleanly; the batch size follows the
// time a batch should take.
import type { PlannedChange } from '../plan-types.js';
import type { TargetSession } from '../ports.js';
import { StatementError } from '../ports.js';
import type { BackfillProgress, HistoryRecord, Throttle } from '../types.js';
import type { BatchPlan } from './plan.js';
import { batchShape, batchSql, boundSql, keyRange, lastRowSql, type BatchShape, type KeyColumns } from './statement.js';
import { thousands } from '../numbers.js';

/** What the walk tells as it goes. */
export interface BackfillEvents {
  /** A progress line, at most every PROGRESS_MS: rows done of the estimate, rate, time left, pauses. */
  backfillProgress?(change: PlannedChange, n: number, line: string): void;
  /** A pause for load or lag began, with its cause and value. */
  backfillPaused?(change: PlannedChange, n: number, reason: string): void;
}

/** What the walk needs from the loop. */
export interface BackfillContext {
  session: TargetSession;
  throttle?: Throttle;
  events?: BackfillEvents;
  /** Checked before each batch: throws when the run must stop (a silent server, a frozen runner). */
  beforeBatch?: () => void;
  sleep: (ms: number) => Promise<void>;
  clock: () => number;
  /** Retries of a batch that hit a lock wait timeout or a deadlock. */
  lockRetries: number;
}

/** How often a progress line is written. */
export const PROGRESS_MS = 10_000;
// How long a pause waits before it reads the load again.
const PAUSE_MS = 1000;
// Bounds of the batch size the walk adapts: it never more than doubles or halves at once.
const MAX_ROWS = 1_000_000;
const LOCK_WAIT_ERRNOS = new Set([1205, 1213]);

/**
 * Runs statement `n` of `change` batch by batch from where `rec.backfill` says it stopped, writing
 * `rec` (with its progress) in each batch's transaction. Resolves when the walk reached the end.
 */
export async function runBackfill(change: PlannedChange, n: number, plan: BatchPlan, rec: HistoryRecord, ctx: BackfillContext): Promise<void> {
  const stmt = change.statements[n - 1]!;
  const shape = batchShape(stmt.sql) as BatchShape;
  const key: KeyColumns = { names: plan.key, numeric: plan.numeric };
  let progress: BackfillProgress = rec.backfill?.statement === n ? { ...rec.backfill } : { statement: n, lastKey: null, rowsDone: 0, batches: 0, done: false };
  const started = ctx.clock();
  const firstRows = progress.rowsDone;
  let rows = plan.rows;
  let pauses = 0;
  let lastLine = started;
  const target = (ctx.throttle?.chunk_time ?? 0.5) * 1000;
  const lag = new LagReader(ctx.session);
  while (!progress.done) {
    ctx.beforeBatch?.();
    pauses += await yieldToServer(change, n, ctx, lag);
    const t0 = ctx.clock();
    for (let attempt = 0; ; attempt++) {
      try {
        progress = await oneBatch(stmt.sql, shape, key, progress, rows, ctx.session);
        rec.backfill = progress;
        await ctx.session.history.put(rec);
        await ctx.session.commit();
        break;
      } catch (err) {
        const e = err instanceof StatementError ? err : null;
        if (!e || e.connectionLost || e.errno === undefined || !LOCK_WAIT_ERRNOS.has(e.errno) || attempt >= ctx.lockRetries) throw err;
        // The batch and its record are undone together: the same range again.
        await ctx.session.rollback();
      }
    }
    const took = ctx.clock() - t0;
    if (took > 0) rows = Math.max(1, Math.min(MAX_ROWS, rows * 2, Math.max(Math.ceil(rows / 2), Math.round((rows * target) / took))));
    const now = ctx.clock();
    if (now - lastLine >= PROGRESS_MS || progress.done) {
      lastLine = now;
      ctx.events?.backfillProgress?.(change, n, progressLine(progress, plan, now - started, progress.rowsDone - firstRows, pauses));
    }
    if (!progress.done && plan.sleep > 0) await ctx.sleep(plan.sleep * 1000);
  }
  plan.ran = { batches: progress.batches, rows: progress.rowsDone, pauses, seconds: (ctx.clock() - started) / 1000 };
}

// One batch in the session's transaction (not committed here): the bound, the statement over the
// range, and the progress it makes.
async function oneBatch(sql: string, shape: BatchShape, key: KeyColumns, p: BackfillProgress, rows: number, session: TargetSession): Promise<BackfillProgress> {
  const strings = (r: unknown[] | undefined) => (r ? r.map((v) => String(v)) : null);
  let next = strings((await session.run(boundSql(sql, shape, key, p.lastKey, rows))).rows?.[0]);
  let done = false;
  if (next === null) {
    // Fewer than `rows` remain: this batch runs to the last of them, and is the last one.
    next = strings((await session.run(lastRowSql(sql, shape, key, p.lastKey))).rows?.[0]);
    done = true;
    if (next === null) return { ...p, done: true };
  }
  const res = await session.run(batchSql(sql, shape, keyRange(shape.qualifier, key, p.lastKey, next)));
  return { statement: p.statement, lastKey: next, rowsDone: p.rowsDone + res.affectedRows, batches: p.batches + 1, done };
}

/** `Threads_running=25` read as a variable and a bound. */
export function statusBound(text: string | undefined): { variable: string; value: number } | null {
  const m = text ? /^([A-Za-z_]+)=(\d+)$/.exec(text) : null;
  return m ? { variable: m[1]!, value: Number(m[2]) } : null;
}

// Waits while the server is over max_load or its replicas lag over max_lag; stops the statement
// cleanly over critical_load. Returns the number of pauses.
async function yieldToServer(change: PlannedChange, n: number, ctx: BackfillContext, lag: LagReader): Promise<number> {
  const t = ctx.throttle;
  const max = statusBound(t?.max_load);
  const critical = statusBound(t?.critical_load);
  if (!max && !critical && t?.max_lag === undefined) return 0;
  let paused = '';
  let pauses = 0;
  for (;;) {
    const reasons: string[] = [];
    for (const b of [critical, max]) {
      if (!b) continue;
      const value = await status(ctx.session, b.variable);
      if (value === null) continue;
      if (b === critical && value > b.value) {
        throw new StatementError(
          `stopped by critical_load: ${b.variable}=${value}, over ${b.value}; the batches committed so far stay recorded, and apply resumes after them`,
          undefined, undefined, false,
        );
      }
      if (b === max && value > b.value) reasons.push(`${b.variable}=${value} is over max_load (${b.value})`);
    }
    if (t?.max_lag !== undefined) {
      const seconds = await lag.seconds();
      if (seconds !== null && seconds > t.max_lag) reasons.push(`replica lag ${seconds.toFixed(1)} s is over max_lag (${t.max_lag} s)`);
    }
    if (reasons.length === 0) return pauses;
    const reason = reasons.join('; ');
    if (reason.replace(/=\d+|[\d.]+ s/g, '') !== paused.replace(/=\d+|[\d.]+ s/g, '')) {
      pauses++;
      ctx.events?.backfillPaused?.(change, n, `paused: ${reason}`);
    }
    paused = reason;
    await ctx.sleep(PAUSE_MS);
  }
}

async function status(session: TargetSession, variable: string): Promise<number | null> {
  const r = await session.run(`SHOW GLOBAL STATUS LIKE '${variable.replace(/[^A-Za-z_]/g, '')}'`);
  const v = r.rows?.[0]?.[1];
  return v === undefined || v === null ? null : Number(v);
}

// Aurora's replicas report their lag on the writer; a server without that table has no replicas
// changegate can read, and the question is not asked again.
class LagReader {
  private absent = false;
  constructor(private readonly session: TargetSession) {}
  async seconds(): Promise<number | null> {
    if (this.absent) return null;
    try {
      const r = await this.session.run(
        "SELECT MAX(REPLICA_LAG_IN_MILLISECONDS) FROM information_schema.REPLICA_HOST_STATUS WHERE SESSION_ID <> 'MASTER_SESSION_ID'",
      );
      const v = r.rows?.[0]?.[0];
      return v === null || v === undefined ? null : Number(v) / 1000;
    } catch (err) {
      if (err instanceof StatementError && err.connectionLost) throw err;
      this.absent = true;
      return null;
    }
  }
}

/** `120,000 of about 600,000 rows (20 %), 8,000 rows/s, about 1 min left, 2 pauses`. */
export function progressLine(p: BackfillProgress, plan: BatchPlan, elapsedMs: number, rowsThisRun: number, pauses: number): string {
  const rate = elapsedMs > 0 ? (rowsThisRun * 1000) / elapsedMs : 0;
  const share = plan.estimate_rows > 0 ? Math.min(100, Math.round((100 * p.rowsDone) / plan.estimate_rows)) : 100;
  const left = p.done ? 'done' : rate > 0 ? `about ${duration(Math.max(0, plan.estimate_rows - p.rowsDone) / rate)} left` : 'time left unknown';
  return `${thousands(p.rowsDone)} of about ${thousands(plan.estimate_rows)} rows (${share} %) in ${thousands(p.batches)} batches, ${thousands(Math.round(rate))} rows/s, ${left}` +
    (pauses > 0 ? `, ${pauses} pause${pauses === 1 ? '' : 's'}` : '');
}

function duration(seconds: number): string {
  if (seconds < 60) return `${Math.max(1, Math.round(seconds))} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}
