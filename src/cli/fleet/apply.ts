// `apply --env E` over a fleet: every target runs the whole single-target apply (its own lock,
// history, guards, plan, protection and loop), at the fleet's pace. What targets share is looked up
// once: the server (endpoint, secret), the operator, the approvals, the promotion gate's reading
// of the `after` environment, and one cluster or instance snapshot per server. The team hears of
// the fleet once, when it ends.
import type { ApplyReport, Plan } from '../../core/plan-types.js';
import type { IntegrityProblem } from '../../core/plan.js';
import { applyRun, type ApplyRequest } from '../../core/usecases/apply-run.js';
import { windowGate } from '../../core/usecases/window-gate.js';
import type { ProtectionPort, RunPorts } from '../../core/usecases/ports.js';
import { isFailure, runFleet, type FleetPace, type TargetOutcome, type TargetResult } from '../../core/fleet/run.js';
import type { Shard } from '../../core/fleet/targets.js';
import type { EnvironmentConfig } from '../../core/types.js';
import type { CommandContext } from '../context.js';
import { describeFailure } from '../failure.js';
import type { Scope } from '../flow.js';
import { commonEvents, runPorts } from '../run-ports.js';
import { applyJson } from '../json-shapes.js';
import { fleetMembers, type FleetMember } from './members.js';
import { changesOf, fleetAnnouncement } from './announce.js';
import { fleetDocument, fleetMarkdown, fleetText, type FleetDocument, type FleetTargetJson } from './render.js';

/** What a fleet apply is asked to do: the single-target request, and which targets. */
export interface FleetApplyRequest {
  request: ApplyRequest;
  names: string[];
  shard: Shard | null;
}

/** Applies the fleet; 0 when every target applied or had nothing pending, 1 when one did not, 2 when one's configuration is wrong. */
export async function applyFleet(ctx: CommandContext, s: Scope, req: FleetApplyRequest): Promise<number> {
  // The windows are the environment's: refused or waited for once, before any server is contacted.
  if (req.request.emergency === undefined) await windowGate(s.env, req.request, runPorts(ctx, s), commonEvents(ctx));
  const members = await fleetMembers(ctx, s, { names: req.names, shard: req.shard });
  const byName = new Map(members.map((m) => [m.name, m]));
  const shared = sharedPorts(ctx, s);
  const pace: FleetPace = req.names.length > 0 ? { ...s.env.fleet!, canary: 0 } : s.env.fleet!;
  ctx.out.info(`${s.env.name}: ${members.length} target(s)${req.shard ? ` in shard ${req.shard.index}/${req.shard.count}` : ''}, ${pace.parallel} at a time${pace.canary > 0 ? `, ${pace.canary} canary first` : ''}`);
  // A target that did not apply is said as it ends, not only after the last of hundreds.
  const said = new Set<string>();
  const outcomes = await runFleet<FleetTargetJson>(
    members.map((m) => m.name),
    pace,
    (name) => applyOne(ctx, s, byName.get(name)!, req.request, shared),
    {
      finished: (o) => {
        if (!isFailure(o.result)) return;
        const [line] = fleetText(fleetDocument(s.env.name, null, [o]));
        ctx.out.info(line!);
        said.add(line!);
      },
    },
  );
  const doc = fleetDocument(s.env.name, req.shard, outcomes);
  for (const line of fleetText(doc)) if (!said.has(line)) ctx.out.info(line);
  ctx.out.setDocument(doc);
  ctx.out.output('applied', String(doc.summary['applied'] ?? 0));
  // Targets still to do after the run: later steps read the last value written.
  ctx.out.output('pending', String(outcomes.filter((o) => o.result !== 'applied' && o.result !== 'nothing-pending').length));
  ctx.out.summary(() => fleetMarkdown('apply', doc));
  // A shard's run is told by the job that merges the shards: one message per fleet run.
  if (!req.request.dryRun && !req.shard && outcomes.some((o) => o.result !== 'nothing-pending')) await shared.announceFleet(doc, req.request.emergency?.trim() || undefined);
  return fleetExit(outcomes);
}

/** The exit code of a fleet run: 2 when a target's configuration is wrong, 1 when any target did not end well, else 0. */
export function fleetExit(outcomes: TargetOutcome[]): number {
  if (outcomes.some((o) => o.error?.code === 'usage')) return 2;
  return outcomes.some((o) => o.result !== 'applied' && o.result !== 'nothing-pending' && o.result !== 'dry-run') ? 1 : 0;
}

// What the targets of one run share, looked up once.
function sharedPorts(ctx: CommandContext, s: Scope) {
  const base = runPorts(ctx, s);
  const once = <T>(f: () => Promise<T>): (() => Promise<T>) => {
    let p: Promise<T> | undefined;
    return () => (p ??= f());
  };
  const operators = new Map<string | null, ReturnType<RunPorts['operator']>>();
  const histories = new Map<string, Promise<Awaited<ReturnType<RunPorts['readHistory']>>>>();
  const snapshots = new Map<string, Promise<string>>();
  return {
    approvals: once(() => base.approvals()),
    operator: (approver: string | null) => {
      let p = operators.get(approver);
      if (!p) operators.set(approver, (p = base.operator(approver)));
      return p;
    },
    // The promotion gate reads the `after` environment once for the whole fleet; a fleet there
    // counts a change as succeeded only where every one of its targets applied it.
    readHistory: (env: EnvironmentConfig) => {
      let p = histories.get(env.name);
      if (!p) histories.set(env.name, (p = base.readHistory(env)));
      return p;
    },
    /** One snapshot per server and run: the first destructive change there takes it, the others on that server wait for it. */
    snapshotOnce: (server: string, take: () => Promise<string>) => {
      let p = snapshots.get(server);
      if (!p) {
        snapshots.set(server, (p = take()));
        p.catch(() => snapshots.delete(server));
      }
      return p;
    },
    announceFleet: async (doc: FleetDocument, emergency?: string) =>
      base.announce({ ...fleetAnnouncement(doc, changesOf(doc), (await base.operator(null)).runUrl), ...(emergency ? { emergency } : {}) }),
  };
}

async function applyOne(
  ctx: CommandContext,
  s: Scope,
  member: FleetMember,
  request: ApplyRequest,
  shared: ReturnType<typeof sharedPorts>,
): Promise<Omit<TargetOutcome<FleetTargetJson>, 'target'>> {
  if (!member.env) return { result: 'failed', durationMs: 0, error: { code: member.error!.code, message: member.error!.message } };
  const started = Date.now();
  const child: CommandContext = { ...ctx, out: ctx.out.silent() };
  const scope: Scope = { ...s, env: member.env };
  const base = runPorts(child, scope);
  const server = member.env.target!.server.name;
  const ports: RunPorts = {
    ...base,
    lock: async (env, timeout) => {
      const locked = await base.lock(env, timeout);
      const p = locked.protection;
      const protection: ProtectionPort = {
        ...p,
        clusterSnapshot: (plan, history, runUrl) => shared.snapshotOnce(server, () => p.clusterSnapshot(plan, history, runUrl)),
        instanceSnapshot: (plan, runUrl) => shared.snapshotOnce(server, () => p.instanceSnapshot(plan, runUrl)),
      };
      return { ...locked, protection };
    },
    readHistory: shared.readHistory,
    operator: shared.operator,
    approvals: shared.approvals,
    // The fleet is announced once, at its end.
    announce: async () => undefined,
  };
  let problems: IntegrityProblem[] = [];
  let report: ApplyReport | undefined;
  const events = {
    ...commonEvents(child),
    planned: (_plan: Plan, found: IntegrityProblem[]) => {
      problems = found;
    },
    reported: (r: ApplyReport) => {
      report = r;
    },
  };
  try {
    const outcome = await applyRun(scope, request, ports, events);
    const result: TargetResult = outcome.kind === 'applied' ? 'applied' : outcome.kind === 'nothing-pending' ? 'nothing-pending' : 'dry-run';
    return { result, durationMs: Date.now() - started, detail: applyJson(outcome.report) as FleetTargetJson };
  } catch (err) {
    const f = describeFailure(err);
    if (!f) throw err;
    const result: TargetResult = problems.some((p) => p.kind === 'in-doubt') ? 'in-doubt' : f.code === 'refused' ? 'refused' : 'failed';
    return {
      result,
      durationMs: Date.now() - started,
      error: { code: f.code, message: f.message },
      ...(report ? { detail: applyJson(report) as FleetTargetJson } : {}),
    };
  }
}
