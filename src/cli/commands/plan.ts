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
import { windowNow } from '../../core/usecases/window-gate.js';

/** Prints the plan; 1 when something blocks it (drift, in-doubt, the promotion gate) or a pre-check fails. */
export default async function plan(ctx: CommandContext, opts: { env: string; pullRequest?: string; target?: string[] }): Promise<number> {
  const s = scope(ctx, opts.env);
  const fleet = fleetOptions(s, opts);
  if (fleet) return (await import('../fleet/plan.js')).planFleet(ctx, s, fleet.names, pullRequestOption(s, opts.pullRequest));
  const { plan: p, problems, lifecycle } = await planWithImpact(ctx, s, pullRequestOption(s, opts.pullRequest));
  for (const line of planText(p, problems)) ctx.out.info(line);
  for (const note of lifecycle.notes) ctx.out.info(`note: ${note}`);
  const window = await windowNow(s.env, ctx.now());
  if (window.line) ctx.out.info(window.line);
  ctx.out.diagnostics([...p.changes.flatMap((c) => c.diagnostics), ...p.changes.flatMap(riskDiagnostics)]);
  ctx.out.setDocument({ environment: p.environment, ...planDocument(p, problems, lifecycle.notes), window: window.json });
  ctx.out.output('pending', String(p.changes.length));
  ctx.out.output('snapshot-required', String(p.snapshot.required));
  // The workflow installs the environment's online tool on the runner only where it is configured.
  ctx.out.output('online-tool', s.env.online_schema_change?.tool ?? '');
  ctx.out.summary(() => planSummary(p));
  const failed = p.changes.some((c) => (c.checks ?? []).some((k) => k.outcome === 'fail'));
  return problems.length > 0 || failed ? 1 : 0;
}
