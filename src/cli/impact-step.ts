// The impact step plan and apply share: read the facts of the tables a plan touches on a reader
// connection, judge each statement, and run the pre-checks that can run now. Apply's refusal of a
// change whose checks fail is the core's (usecases/apply-run preflight).
import { assessChanges, tablesToRead } from '../core/impact/assess.js';
import { sortChecks } from '../core/impact/findings.js';
import { dmlBound } from '../core/backfill/bound.js';
import type { PreCheck } from '../core/impact/checks.js';
import type { ServerFacts, TableFacts } from '../core/impact/types.js';
import type { Plan, PlannedChange } from '../core/plan-types.js';
import type { ImpactPort } from '../core/usecases/ports.js';
import type { MysqlConnection } from '../adapters/mysql/connection.js';
import type { CommandContext } from './context.js';
import type { PlanResult } from '../core/plan.js';
import { planWithGates, readTarget, type Scope } from './flow.js';
import type { LifecycleView } from '../core/provisional.js';
import type { OpenEnvironment } from './target.js';


/** A reader on the target and the server's rules flavour, for one command. */
export interface ImpactSession {
  reader: MysqlConnection;
  server: ServerFacts;
  schema: string;
  /**
   * What the plan's pass just read and judged, and when: the first change's preflight, moments later,
   * needs neither a second read of the same tables (on a 500-table change, tens of milliseconds) nor a
   * second judgement of them, since the plan's first change was judged from these very facts. After a
   * snapshot wait, or once a change has run, they are read and judged again.
   */
  fresh?: { facts: Map<string, TableFacts>; at: number; first: PlannedChange; checks: PreCheck[] };
  close(): Promise<void>;
}

/** Opens the reader connection (see Target.reader). */
export async function openImpact(open: OpenEnvironment): Promise<ImpactSession> {
  const { serverFacts } = await import('../adapters/mysql/facts.js');
  const reader = await open.target.reader();
  return { reader, server: serverFacts(open.target.server.version), schema: open.target.schema, close: () => reader.close() };
}

/** Seconds each pre-check may run: CHANGEGATE_PRECHECK_SECONDS, else the adapter's default. */
function precheckSeconds(ctx: CommandContext): number | undefined {
  const v = Number(ctx.env.CHANGEGATE_PRECHECK_SECONDS);
  return Number.isFinite(v) && v > 0 ? v : undefined;
}

// How long facts the plan read count as fresh for the first change's preflight.
const FRESH_MS = 5000;

/**
 * Judges every pending statement of the plan against the target's facts; with `checks`, also runs
 * the pre-checks that today's rows can answer (the others say when they will run). With `keepFacts`,
 * the facts stay on the session for the next call, which uses them once if it comes within seconds.
 */
export async function assessPlan(ctx: CommandContext, s: Scope, session: ImpactSession, plan: Plan, opts: { checks: boolean; keepFacts?: boolean }): Promise<void> {
  if (plan.changes.length === 0) return;
  const kept = session.fresh && Date.now() - session.fresh.at < FRESH_MS ? session.fresh : undefined;
  session.fresh = undefined;
  let ready: Map<PlannedChange, PreCheck[]>;
  if (kept && plan.changes.length === 1 && plan.changes[0] === kept.first) {
    ready = new Map([[kept.first, kept.checks]]);
  } else {
    const { readTableFacts } = await import('../adapters/mysql/facts.js');
    const live = kept?.facts ?? (await readTableFacts(session.reader, session.server, tablesToRead(plan.changes, session.schema)));
    ready = assessChanges({
      changes: plan.changes, schema: session.schema, server: session.server, live, environment: s.env.name,
      ...(s.env.max_copy_rows !== undefined ? { maxCopyRows: s.env.max_copy_rows } : {}),
      ...(s.env.online_schema_change ? { online: { tool: s.env.online_schema_change.tool, aboveRows: s.env.online_schema_change.above_rows } } : {}),
    });
    const first = plan.changes[0]!;
    if (opts.keepFacts) session.fresh = { facts: live, at: Date.now(), first, checks: ready.get(first) ?? [] };
  }
  if (!opts.checks) return;
  const { runPreChecks } = await import('../adapters/mysql/prechecks.js');
  for (const [change, checks] of ready) {
    if (checks.length === 0) continue;
    change.checks = sortChecks([...(change.checks ?? []), ...(await runPreChecks(session.reader, session.server, checks, precheckSeconds(ctx)))]);
    change.checks = sortChecks([...change.checks, ...dmlBound(change, s.env.max_dml_rows, s.env.name)]);
  }
}

/** The core's impact port on an open environment: a reader opened now, closed by the caller. */
export async function impactPort(ctx: CommandContext, s: Scope, open: OpenEnvironment): Promise<ImpactPort> {
  const session = await openImpact(open);
  return { assess: (plan, opts) => assessPlan(ctx, s, session, plan, opts), close: () => session.close() };
}

/** Reads the target's history, plans with the gates, and judges the plan with its pre-checks (plan and comment). */
export async function planWithImpact(ctx: CommandContext, s: Scope, pr: number | null = null): Promise<PlanResult & { lifecycle: LifecycleView }> {
  const { open, history } = await readTarget(ctx, s);
  try {
    const result = await planWithGates(ctx, s, history, pr);
    if (result.plan.changes.length > 0) {
      const session = await openImpact(open);
      try {
        await assessPlan(ctx, s, session, result.plan, { checks: true });
      } finally {
        await session.close();
      }
    }
    return result;
  } finally {
    await open.close();
  }
}



