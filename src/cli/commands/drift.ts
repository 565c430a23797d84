// `changegate drift --env E`: the core's driftRun over the live schema and a shadow replay, printed.
import type { CommandContext } from '../context.js';
import { scope } from '../flow.js';
import { driftOf } from '../target-reads.js';
import { fleetOptions } from '../fleet/options.js';

/** Prints both kinds of drift; 1 when there is any. */
export default async function drift(ctx: CommandContext, opts: { env: string; shadowUrl?: string; target?: string[] }): Promise<number> {
  const s = scope(ctx, opts.env);
  const fleet = fleetOptions(s, opts);
  if (fleet) return (await import('../fleet/drift.js')).driftFleet(ctx, s, fleet.names, opts.shadowUrl);
  const report = await driftOf(ctx, s, opts.shadowUrl);
  for (const n of report.pullRequests) ctx.out.info(n);
  ctx.out.setDocument({ environment: s.env.name, files: report.files, schema: report.schema, ...(report.pullRequests.length ? { pull_requests: report.pullRequests } : {}) });
  if (report.files.length === 0 && report.schema.length === 0) {
    ctx.out.info(`no drift in ${s.env.name}: ${report.applied} applied change(s) match their files and the live schema`);
    return 0;
  }
  for (const f of report.files) ctx.out.info(`file drift: ${f}`);
  if (report.schema.length > 0) {
    ctx.out.info(`schema drift in ${s.env.name} (expected from ${report.applied} applied change(s) -> live):`);
    for (const line of report.schema) ctx.out.info(`  ${line}`);
  }
  return 1;
}
