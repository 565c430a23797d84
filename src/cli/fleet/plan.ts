// `plan --env E` over a fleet: every target planned with its impact and pre-checks (`parallel` at a
// time), then the targets grouped by identical plan, and the plan of each group that has work to
// do with the impact of its largest table per statement.
import { groupPlans, planKind, type PlanGroup, type TargetPlan } from '../../core/fleet/plan-groups.js';
import type { CommandContext } from '../context.js';
import type { Scope } from '../flow.js';
import { planWithImpact } from '../impact-step.js';
import { planDocument } from '../json-shapes.js';
import { environmentApproval } from '../../core/risk.js';
import { planText } from '../render.js';
import { planSummary } from '../summary.js';
import { eachTarget } from './each.js';
import { windowNow } from '../../core/usecases/window-gate.js';
import { fleetDocument, fleetMarkdown, oneLine, type OutcomeLike } from './render.js';

// Targets named in a group's line at most; a group of hundreds is counted, not listed.
const NAMED = 10;

/** Prints the fleet's plan; 1 when any target cannot run (drift, in-doubt, a gate, a failed pre-check) or could not be read. */
export async function planFleet(ctx: CommandContext, s: Scope, names: string[], pr: number | null): Promise<number> {
  const { outcomes, groups } = await fleetPlans(ctx, s, names, pr);
  const failed = outcomes.filter((o) => o.result === 'failed');
  const doc = { ...fleetDocument(s.env.name, null, outcomes), groups: groups.map((g) => ({ result: g.kind, targets: g.targets.length, changes: g.changes, ...(g.kind === 'pending' || g.kind === 'up-to-date' ? {} : { names: g.targets }) })) };
  const window = await windowNow(s.env, ctx.now());
  ctx.out.setDocument({ ...doc, window: window.json });
  ctx.out.info(`plan for ${s.env.name}: ${outcomes.length} target${outcomes.length === 1 ? '' : 's'}`);
  if (window.line) ctx.out.info(window.line);
  for (const line of groupLines(groups, outcomes)) ctx.out.info(`  ${line}`);
  for (const g of groups.filter((g) => g.kind === 'pending')) {
    ctx.out.info('');
    ctx.out.info(`the plan of ${count(g.targets.length)} (each statement with its largest table among them):`);
    for (const line of planText(g.plan, [])) ctx.out.info(line);
  }
  ctx.out.output('pending', String(groups.filter((g) => g.kind === 'pending').reduce((n, g) => n + g.targets.length, 0)));
  ctx.out.output('snapshot-required', String(groups.some((g) => g.plan.snapshot.required)));
  // The workflow installs the environment's online tool on the runner only where it is configured.
  ctx.out.output('online-tool', s.env.online_schema_change?.tool ?? '');
  ctx.out.summary(() => [fleetMarkdown('plan', doc), ...groups.filter((g) => g.kind === 'pending').map((g) => planSummary(g.plan))].join('\n\n'));
  return failed.length > 0 || groups.some((g) => g.kind !== 'pending' && g.kind !== 'up-to-date') ? 1 : 0;
}

/** A line per group, then one per target that could not be planned. */
export function groupLines(groups: PlanGroup[], outcomes: OutcomeLike[]): string[] {
  return [
    ...groups.map(groupLine),
    ...outcomes.filter((o) => o.result === 'failed').map((f) => `1 target: could not be planned (${f.target}): ${oneLine(f.error!.message)}`),
  ];
}

/** Every selected target planned with its impact and pre-checks, and the targets grouped by identical plan. */
export async function fleetPlans(ctx: CommandContext, s: Scope, names: string[], pr: number | null): Promise<{ outcomes: OutcomeLike[]; groups: PlanGroup[] }> {
  const plans: TargetPlan[] = [];
  const outcomes = await eachTarget(ctx, s, names, async (child, t) => {
    const { plan, problems, lifecycle } = await planWithImpact(child, t, pr);
    const mine = { target: t.env.target!.name, plan, problems };
    plans.push(mine);
    return { result: planKind(mine), detail: planDocument(plan, problems, lifecycle.notes, environmentApproval(t.env, plan)) };
  });
  const order = new Map(outcomes.map((o, i) => [o.target, i]));
  plans.sort((a, b) => order.get(a.target)! - order.get(b.target)!);
  return { outcomes, groups: groupPlans(plans) };
}

function count(n: number): string {
  return `${n} target${n === 1 ? '' : 's'}`;
}

/** `412 targets: 2 changes pending (a, b)`, `3 targets: up to date`, `1 target: drifted (srv/t17): why`. */
export function groupLine(g: PlanGroup): string {
  const head = count(g.targets.length);
  if (g.kind === 'up-to-date') return `${head}: up to date`;
  if (g.kind === 'pending') return `${head}: ${g.changes.length} change${g.changes.length === 1 ? '' : 's'} pending (${g.changes.join(', ')})`;
  const named = g.targets.slice(0, NAMED).join(', ') + (g.targets.length > NAMED ? ` and ${g.targets.length - NAMED} more` : '');
  return `${head}: ${g.kind} (${named})${g.reasons[0] ? `: ${oneLine(g.reasons[0])}` : ''}`;
}
