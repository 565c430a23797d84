// `changegate plan --env E`: what apply would run there, read from the target's history.
import type { CommandContext } from '../context.js';
import { scope } from '../flow.js';
import { pullRequestOption } from '../pull-request-step.js';
import { planWithImpact } from '../impact-step.js';
import { riskDiagnostics } from '../../core/impact/findings.js';
import { planText } from '../render.js';
import { planSummary } from '../summary.js';
import { fleetOptions } from '../fleet/options.js';
import type { Plan } from '../../core/plan-types.js';

/** Prints the plan; 1 when something blocks it (drift, in-doubt, the promotion gate) or a pre-check fails. */
export default async function plan(ctx: CommandContext, opts: { env: string; pullRequest?: string; target?: string[] }): Promise<number> {
  const s = scope(ctx, opts.env);
  const fleet = fleetOptions(s, opts);
  if (fleet) return (await import('../fleet/plan.js')).planFleet(ctx, s, fleet.names, pullRequestOption(s, opts.pullRequest));
  const { plan: p, problems, lifecycle } = await planWithImpact(ctx, s, pullRequestOption(s, opts.pullRequest));
  for (const line of planText(p, problems)) ctx.out.info(line);
  for (const note of lifecycle.notes) ctx.out.info(`note: ${note}`);
  ctx.out.diagnostics([...p.changes.flatMap((c) => c.diagnostics), ...p.changes.flatMap(riskDiagnostics)]);
  ctx.out.setDocument({ environment: p.environment, ...planDocument(p, problems, lifecycle.notes) });
  ctx.out.output('pending', String(p.changes.length));
  ctx.out.output('snapshot-required', String(p.snapshot.required));
  // The workflow installs the environment's online tool on the runner only where it is configured.
  ctx.out.output('online-tool', s.env.online_schema_change?.tool ?? '');
  ctx.out.summary(() => planSummary(p));
  const failed = p.changes.some((c) => (c.checks ?? []).some((k) => k.outcome === 'fail'));
  return problems.length > 0 || failed ? 1 : 0;
}

/** The fields of `plan --format json` after the environment: snapshot, changes, problems and notes. */
export function planDocument(p: Plan, problems: { message: string }[], notes: string[]): object {
  return { snapshot: p.snapshot, changes: p.changes.map(planJson), problems: problems.map((x) => x.message), ...(notes.length ? { notes } : {}) };
}

/** One change of `plan --format json` (id, destructive, statements with impact, diagnostics, checks); a contract with the scripts that read it. */
export function planJson(c: import('../../core/plan-types.js').PlannedChange): object {
  return {
    id: c.id, title: c.title, ticket: c.ticket, destructive: c.destructive, resume_from: c.resumeFrom,
    statements: c.statements.map((s) => ({ file: s.file, line: s.line, sql: s.sql, impact: s.impact ?? null, ...(s.online ? { online: s.online } : {}), ...(s.batch ? { batch: s.batch } : {}) })), diagnostics: c.diagnostics,
    checks: c.checks ?? [],
  };
}
