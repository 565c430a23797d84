// `changegate drift --env E`: the core's driftRun over the live schema and a shadow replay, printed.
import type { CommandContext } from '../context.js';
import { scope } from '../flow.js';
import { driftOf } from '../target-reads.js';
import { fleetOptions } from '../fleet/options.js';

/** Prints both kinds of drift; 1 when there is any. */
export default async function drift(ctx: CommandContext, opts: { env: string; shadowUrl?: string; replay?: boolean; target?: string[] }): Promise<number> {
  const s = scope(ctx, opts.env);
  const fleet = fleetOptions(s, opts);
  if (fleet) return (await import('../fleet/drift.js')).driftFleet(ctx, s, fleet.names, { shadowUrl: opts.shadowUrl, replay: opts.replay });
  const report = await driftOf(ctx, s, { shadowUrl: opts.shadowUrl, replay: opts.replay });
  for (const n of report.pullRequests) ctx.out.info(n);
  const e = report.expected;
  if (e.source === 'kept') ctx.out.info(`expected schema: kept from the replay of these ${report.applied} applied change(s) on ${e.recordedAt.toISOString().slice(0, 19).replace('T', ' ')} UTC (files and server settings unchanged since); --replay replays them again`);
  ctx.out.setDocument({
    environment: s.env.name, files: report.files, schema: report.schema,
    expected: e.source === 'kept' ? { source: 'kept', recorded_at: e.recordedAt.toISOString() } : { source: 'replay' },
    ...(report.pullRequests.length ? { pull_requests: report.pullRequests } : {}),
  });
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
