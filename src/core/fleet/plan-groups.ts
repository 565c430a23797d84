// The plan of a fleet: targets grouped by identical plan ("412 targets: 2 changes pending; 3
// targets: up to date; 1 target: drifted"), and for each group with work to do one plan whose
// every statement carries the impact of its largest table across the group, so that the plan of
// hundreds of tenants warns about the biggest of them.
import type { IntegrityProblem } from '../plan.js';
import type { Plan, PlannedChange, PlannedStatement } from '../plan-types.js';
import type { CheckResult, Impact } from '../impact/types.js';

/** One target's plan as the fleet reads it. */
export interface TargetPlan {
  target: string;
  plan: Plan;
  problems: IntegrityProblem[];
}

/** What a group of targets would do. */
export type PlanKind = 'pending' | 'up-to-date' | 'drifted' | 'in-doubt' | 'refused';

/** Targets with the same plan. */
export interface PlanGroup {
  kind: PlanKind;
  targets: string[];
  /** The pending changes (with where each resumes, when not at its start). */
  changes: string[];
  /** Why the group cannot run, from its first target: problems, then failed pre-checks. */
  reasons: string[];
  /** The first target's plan with each statement's largest impact and worst check across the group. */
  plan: Plan;
}

/** The kind of one target's plan. */
export function planKind(p: TargetPlan): PlanKind {
  if (p.problems.some((x) => x.kind === 'in-doubt')) return 'in-doubt';
  if (p.problems.some((x) => x.kind === 'drift' || x.kind === 'edited-applied')) return 'drifted';
  if (p.problems.length > 0 || failedChecks(p.plan).length > 0) return 'refused';
  return p.plan.changes.length > 0 ? 'pending' : 'up-to-date';
}

function failedChecks(plan: Plan): { change: PlannedChange; check: CheckResult }[] {
  return plan.changes.flatMap((change) => (change.checks ?? []).filter((k) => k.outcome === 'fail').map((check) => ({ change, check })));
}

// What makes two plans the same for a reader: the kind, the changes and where they resume, and
// which problems and failed checks stop them (not their counts or connection ids).
function signature(p: TargetPlan, kind: PlanKind): string {
  return JSON.stringify([
    kind,
    p.plan.changes.map((c) => `${c.id}@${c.resumeFrom}`),
    p.problems.map((x) => `${x.kind}:${x.changeId}`),
    failedChecks(p.plan).map(({ change, check }) => `${change.id}:${check.statement}:${check.code}`),
  ]);
}

/** Groups the targets' plans, the biggest group first (ties in the order of the targets). */
export function groupPlans(plans: TargetPlan[]): PlanGroup[] {
  const groups = new Map<string, { kind: PlanKind; members: TargetPlan[] }>();
  for (const p of plans) {
    const kind = planKind(p);
    const key = signature(p, kind);
    const g = groups.get(key);
    if (g) g.members.push(p);
    else groups.set(key, { kind, members: [p] });
  }
  return [...groups.values()]
    .map((g, order) => ({ g, order }))
    .sort((a, b) => b.g.members.length - a.g.members.length || a.order - b.order)
    .map(({ g }) => {
      const first = g.members[0]!;
      return {
        kind: g.kind,
        targets: g.members.map((m) => m.target),
        changes: first.plan.changes.map((c) => (c.resumeFrom > 1 ? `${c.id} (from statement ${c.resumeFrom})` : c.id)),
        reasons: [...first.problems.map((x) => x.message), ...failedChecks(first.plan).map(({ change, check }) => `${change.id} statement ${check.statement} ${check.code}: ${check.message}`)],
        plan: largest(g.members.map((m) => m.plan)),
      };
    });
}

// Unknown is treated as the worst (an unknown impact is treated as blocking), then more rows.
function heavier(a: Impact | null | undefined, b: Impact | null | undefined): boolean {
  if (!b) return false;
  if (!a) return true;
  if (b.rows === null) return a.rows !== null;
  return a.rows !== null && b.rows > a.rows;
}

const OUTCOME_RANK = { pass: 0, warn: 1, fail: 2 } as const;

/** The first plan, each statement with the heaviest impact among `plans`, each check with its worst outcome. */
export function largest(plans: Plan[]): Plan {
  const first = plans[0]!;
  return {
    ...first,
    changes: first.changes.map((change, ci) => {
      const twins = plans.map((p) => p.changes[ci]!);
      const statements = change.statements.map((st, si): PlannedStatement => {
        let best = st;
        for (const t of twins) if (heavier(best.impact, t.statements[si]?.impact)) best = t.statements[si]!;
        // The same statement of the same change: everything the table decides (impact, reason,
        // online, batch) comes from the heavier target as a whole, never half from each.
        return best;
      });
      const checks = new Map<string, CheckResult>();
      for (const t of twins) {
        for (const k of t.checks ?? []) {
          const key = `${k.statement}:${k.code}`;
          const had = checks.get(key);
          if (!had || OUTCOME_RANK[k.outcome] > OUTCOME_RANK[had.outcome] || (k.outcome === had.outcome && (k.count ?? 0) > (had.count ?? 0))) checks.set(key, k);
        }
      }
      return { ...change, statements, ...(change.checks || checks.size > 0 ? { checks: [...checks.values()] } : {}) };
    }),
  };
}
