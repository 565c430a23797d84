// The apply loop's steps for a statement that runs through an online schema change tool: its mark
// recorded with the marker before the tool starts, the run, and the settling of a failed tool or of
// an interrupted run from the live schema (see online.ts for the verdicts).
import type { ApplyContext } from './apply.js';
import { goOn, recordFailure } from './apply-failure.js';
import { ApplyError, RefusedError } from './errors.js';
import { onlineMark, onlineVerdict, type OnlineTool } from './online.js';
import type { PlannedChange } from './plan-types.js';
import { StatementError } from './ports.js';
import type { Change, HistoryRecord } from './types.js';

/**
 * Settles an online statement left in flight by a runner (or a tool) that died, from the live schema:
 * waits while the tool's sessions are on the server, then records it applied, removes the tool's
 * leftovers so that it runs again, or records it in doubt with what was found.
 */
export async function settleOnline(rec: HistoryRecord, env: string, ctx: ApplyContext, tool: OnlineTool): Promise<void> {
  const sleep = ctx.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const mark = rec.online!;
  const k = mark.statement;
  const started = Date.now();
  for (;;) {
    const verdict = onlineVerdict(mark, await tool.look(mark.table));
    if (verdict.kind === 'running') {
      const ids = verdict.sessions.map((p) => p.id);
      if (Date.now() - started >= ctx.inFlightWaitMs) {
        throw new RefusedError(
          `refused: statement ${k} of ${rec.changeId} from an interrupted run is still being applied online to ${mark.table} in ${env} by ${mark.tool}, ` +
            `whose sessions are on the server (${ids.map((i) => `connection ${i}`).join(', ')}). Starting it again would run it twice. ` +
            `Wait for the tool to finish (or, to stop it, KILL ${ids.join(', ')} on the server), then run apply again`,
        );
      }
      ctx.events?.waitingForOnline?.(rec.changeId, k, ids);
      await sleep(ctx.pollMs);
      continue;
    }
    if (verdict.kind === 'in-doubt') {
      rec.status = 'in-doubt';
      rec.finishedAt = (ctx.now ?? (() => new Date()))();
      rec.error = `statement ${k} ran online through ${mark.tool} and was interrupted: ${verdict.found}`;
    } else {
      if (verdict.leftovers.length > 0) await tool.remove(verdict.leftovers);
      const removed = verdict.leftovers.length > 0 ? `; removed what the tool left: ${verdict.leftovers.join(', ')}` : '';
      rec.statementsApplied = verdict.kind === 'applied' ? k : k - 1;
      rec.inFlight = null;
      ctx.events?.onlineSettled?.(
        rec.changeId, k,
        verdict.kind === 'applied'
          ? `statement ${k} of ${rec.changeId} was applied online before the interruption: ${mark.table} has the definition it makes${removed}`
          : `statement ${k} of ${rec.changeId} did not apply online before the interruption: ${mark.table} is as it was${removed}; it runs again`,
      );
    }
    await ctx.session.history.put(rec);
    return;
  }
}


// How many times (200 ms apart) a failed tool's sessions are looked for again before its outcome is
// left to the next run.
const SESSION_GRACE_LOOKS = 25;

/** An online statement's plan: the table and clauses the tool is given. */
export interface OnlineStep {
  tool: OnlineTool;
  table: string;
  clauses: string;
  rows: number | null;
}

/** The plan's online verdict on statement k, when the environment has a tool to run it. */
export function onlinePlanOf(planned: PlannedChange, k: number, ctx: ApplyContext): OnlineStep | null {
  const s = planned.statements[k - 1];
  if (!s?.online?.tool || !s.online.table || !s.online.clauses) return null;
  if (!ctx.online) throw new Error(`${planned.id}: statement ${k} is planned online, but the run has no online tool`);
  return { tool: ctx.online, table: s.online.table, clauses: s.online.clauses, rows: s.impact?.rows ?? null };
}

/**
 * Reads the table's definition before, and the one the clauses make, and records them with the
 * statement's marker. The server's refusal of the clauses fails the statement before anything ran.
 */
export async function markOnline(change: Change, rec: HistoryRecord, k: number, step: OnlineStep, t0: number, ctx: ApplyContext): Promise<void> {
  let prepared;
  try {
    prepared = await step.tool.prepare(step.table, step.clauses);
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    const stmt = change.statements[k - 1]!;
    // Everything before k ran in this session's transaction; the failure record commits it with them.
    rec.statementsApplied = k - 1;
    await recordFailure(rec, k, msg, t0, ctx);
    throw new ApplyError(
      `${change.id}: statement ${k} of ${change.statements.length} failed at ${stmt.file}:${stmt.line} before ${step.tool.name} started: ${msg.replace(/\.$/, '')}. ${goOn(change.statements.length, k - 1)}`,
      change.id, stmt.file, stmt.line, k, { cause: err },
    );
  }
  rec.online = onlineMark(k, step.tool.name, step.table, prepared);
  rec.statementsApplied = k - 1;
  rec.inFlight = k;
  rec.connectionId = ctx.session.connectionId;
  await ctx.session.history.put(rec);
}

/**
 * Runs the tool. When it fails with changegate alive, the live schema decides as after a crash: a
 * swap that happened counts as applied, and leftovers of a run that did not apply are removed, so
 * that the failure leaves nothing half-done.
 */
export async function runOnline(change: Change, planned: PlannedChange, rec: HistoryRecord, k: number, step: OnlineStep, ctx: ApplyContext): Promise<void> {
  const job = { changeId: change.id, statement: k, table: step.table, clauses: step.clauses, rows: step.rows };
  try {
    const done = await step.tool.run(job, { progress: (_j, line) => ctx.events?.onlineProgress?.(planned, k, line) });
    const plannedOnline = planned.statements[k - 1]?.online;
    if (plannedOnline) plannedOnline.ran = done;
    ctx.events?.onlineFinished?.(planned, k, step.table, done.copySeconds, done.swapSeconds);
    return;
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    // The tool's sessions end with it, but the server may show them for a moment longer.
    let verdict = onlineVerdict(rec.online!, await step.tool.look(step.table));
    for (let i = 0; i < SESSION_GRACE_LOOKS && verdict.kind === 'running'; i++) {
      await (ctx.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms))))(200);
      verdict = onlineVerdict(rec.online!, await step.tool.look(step.table));
    }
    if (verdict.kind === 'applied') {
      if (verdict.leftovers.length > 0) await step.tool.remove(verdict.leftovers);
      ctx.events?.onlineSettled?.(change.id, k, `${step.tool.name} failed after the swap (${msg}), but ${step.table} has the definition statement ${k} makes: recorded applied`);
      return;
    }
    if (verdict.kind === 'not-applied') {
      if (verdict.leftovers.length > 0) await step.tool.remove(verdict.leftovers);
      const removed = verdict.leftovers.length > 0 ? `; removed what it left: ${verdict.leftovers.join(', ')}` : '';
      throw new StatementError(`${step.tool.name} stopped: ${msg}; ${step.table} is as it was${removed}`, undefined, undefined, false);
    }
    // Its sessions still on the server, or a table in neither state: the next run decides, as after a crash.
    throw new StatementError(
      `${step.tool.name} ended (${msg}) with ${verdict.kind === 'running' ? 'its sessions still on the server' : verdict.found}`,
      undefined, undefined, true,
    );
  }
}

