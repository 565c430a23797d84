// `changegate drift --env E`: the core's driftRun over the live schema and a shadow replay, printed.
import { refuseProtected } from '../../core/guards.js';
import { diffSchemas, type SchemaShape } from '../../core/drift.js';
import { driftRun, type DriftReport } from '../../core/usecases/drift.js';
import type { CommandContext } from '../context.js';
import { readTarget, scope, type Scope } from '../flow.js';
import { fleetOptions } from '../fleet/options.js';
import { replay, withShadow } from '../shadow.js';

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

/** Both kinds of drift of one target: its files against its history, its live schema against a replay on a shadow schema. */
export async function driftOf(ctx: CommandContext, s: Scope, shadowUrl: string | undefined): Promise<DriftReport> {
  const { open, history } = await readTarget(ctx, s);
  try {
    const { describeSchema } = await import('../../adapters/mysql/introspect.js');
    return await driftRun<SchemaShape>(s, {
      read: async () => ({ history, live: await describeSchema(open.target.connection, open.target.schema) }),
      compare: async (applied, live) => {
        const shadowSpec = shadowUrl
          ? (await import('../../adapters/mysql/connect.js')).parseTargetUrl(shadowUrl, 'the shadow server')
          : (await (await import('../target.js')).resolveEnvironment(ctx, s.config, s.env)).spec;
        refuseProtected(s.config, s.env, shadowSpec.host, 'has a shadow server at host');
        return withShadow(shadowSpec, open.target.schema, `${s.env.name} (shadow)`, async (conn, name) => {
          const failure = await replay(conn, applied);
          if (failure) return { failure: `${failure.file}:${failure.line}: ${failure.message}`, diff: [] };
          return { failure: null, diff: diffSchemas(await describeSchema(conn, name), live) };
        });
      },
    });
  } finally {
    await open.close();
  }
}
