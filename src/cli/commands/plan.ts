// `changegate plan --env E`: what apply would run there, read from the target's history.
import type { CommandContext } from '../context.js';
import { scope } from '../flow.js';
import { pullRequestOption } from '../pull-request-step.js';
import { planWithImpact } from '../impact-step.js';
import { riskDiagnostics } from '../../core/impact/findings.js';
import { planText } from '../render.js';
import { planSummary } from '../summary.js';
import { fleetOptions } from '../fleet/options.js';
import { planDocument } from '../json-shapes.js';
import { approvalText, environmentApproval } from '../../core/risk.js';
import { windowNow } from '../../core/usecases/window-gate.js';

/** Prints the plan; 1 when something blocks it (drift, in-doubt, the promotion gate) or a pre-check fails. */
export default async function plan(ctx: CommandContext, opts: { env: string; pullRequest?: string; target?: string[] }): Promise<number> {
  const s = scope(ctx, opts.env);
  const fleet = fleetOptions(s, opts);
  if (fleet) return (await import('../fleet/plan.js')).planFleet(ctx, s, fleet.names, pullRequestOption(s, opts.pullRequest));
  const { plan: p, problems, lifecycle } = await planWithImpact(ctx, s, pullRequestOption(s, opts.pullRequest));
  const approval = environmentApproval(s.env, p);
  for (const line of [...planText(p, problems), ...approvalText(s.env, approval)]) ctx.out.info(line);
  for (const note of lifecycle.notes) ctx.out.info(`note: ${note}`);
  const window = await windowNow(s.env, ctx.now());
  if (window.line) ctx.out.info(window.line);
  ctx.out.diagnostics([...p.changes.flatMap((c) => c.diagnostics), ...p.changes.flatMap(riskDiagnostics)]);
  ctx.out.setDocument({ environment: p.environment, ...planDocument(p, problems, lifecycle.notes, approval), window: window.json });
  ctx.out.output('pending', String(p.changes.length));
  ctx.out.output('snapshot-required', String(p.snapshot.required));
  // Under approval: risky the workflow runs the apply job in the GitHub environment with reviewers
  // only when this is true; anything else (absent included) keeps it there.
  if (s.env.approval === 'risky') ctx.out.output('approval-required', String(approval.required));
  // The workflow installs the environment's online tool on the runner only where it is configured.
  ctx.out.output('online-tool', s.env.online_schema_change?.tool ?? '');
  ctx.out.summary(() => planSummary(p));
  const failed = p.changes.some((c) => (c.checks ?? []).some((k) => k.outcome === 'fail'));
  return problems.length > 0 || failed ? 1 : 0;
}
