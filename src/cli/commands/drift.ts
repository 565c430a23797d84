// `changegate drift --env E`: files changed after they were applied (checksum drift), and the live
// schema against what replaying the applied changes produces (schema drift).
import { inPlace } from '../../core/baseline.js';
import { refuseProtected } from '../../core/guards.js';
import { planEnvironment } from '../../core/plan.js';
import type { CommandContext } from '../context.js';
import { readTarget, scope } from '../flow.js';
import { replay, withShadow } from '../shadow.js';

/** Prints both kinds of drift; 1 when there is any. */
export default async function drift(ctx: CommandContext, opts: { env: string; shadowUrl?: string }): Promise<number> {
  const s = scope(ctx, opts.env);
  const { open, history } = await readTarget(ctx, s);
  try {
    const { problems } = planEnvironment(s.changes, history, s.env);
    const files = problems.filter((p) => p.kind === 'drift' || p.kind === 'missing').map((p) => p.message);
    const appliedIds = new Set(history.filter((r) => inPlace(r.status)).map((r) => r.changeId));
    const applied = s.changes.filter((c) => appliedIds.has(c.id));
    const { describeSchema, diffSchemas } = await import('../../adapters/mysql/introspect.js');
    const live = await describeSchema(open.target.connection, open.target.schema);
    const shadowSpec = opts.shadowUrl
      ? (await import('../../adapters/mysql/connect.js')).parseTargetUrl(opts.shadowUrl, 'the shadow server')
      : (await (await import('../target.js')).resolveEnvironment(ctx, s.config, s.env)).spec;
    refuseProtected(s.config, s.env, shadowSpec.host, 'has a shadow server at host');
    const result = await withShadow(shadowSpec, open.target.schema, `${s.env.name} (shadow)`, async (conn, name) => {
      const failure = await replay(conn, applied);
      if (failure) return { failure: `${failure.file}:${failure.line}: ${failure.message}`, diff: [] as string[] };
      return { failure: null, diff: diffSchemas(await describeSchema(conn, name), live) };
    });
    const schema = result.failure ? [`cannot compute the expected schema: ${result.failure}`] : result.diff;
    ctx.out.setDocument({ environment: s.env.name, files, schema });
    if (files.length === 0 && schema.length === 0) {
      ctx.out.info(`no drift in ${s.env.name}: ${applied.length} applied change(s) match their files and the live schema`);
      return 0;
    }
    for (const f of files) ctx.out.info(`file drift: ${f}`);
    if (schema.length > 0) {
      ctx.out.info(`schema drift in ${s.env.name} (expected from ${applied.length} applied change(s) -> live):`);
      for (const line of schema) ctx.out.info(`  ${line}`);
    }
    return 1;
  } finally {
    await open.close();
  }
}
