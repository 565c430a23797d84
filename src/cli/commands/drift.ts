// `changegate drift --env E`: files changed after they were applied (checksum drift), and the live
// schema against what replaying the applied changes produces (schema drift).
import { inPlace } from '../../core/baseline.js';
import { refuseProtected } from '../../core/guards.js';
import { planEnvironment } from '../../core/plan.js';
import type { HistoryRecord } from '../../core/types.js';
import type { CommandContext } from '../context.js';
import { readTarget, scope } from '../flow.js';
import { replay, withShadow } from '../shadow.js';
import { diffSchemas } from '../../core/drift.js';

/** Prints both kinds of drift; 1 when there is any. */
export default async function drift(ctx: CommandContext, opts: { env: string; shadowUrl?: string }): Promise<number> {
  const s = scope(ctx, opts.env);
  const { open, history } = await readTarget(ctx, s);
  try {
    const { problems } = planEnvironment(s.changes, history, s.env);
    const files = problems.filter((p) => p.kind === 'drift' || p.kind === 'missing').map((p) => p.message);
    const appliedIds = new Set(history.filter((r) => inPlace(r.status)).map((r) => r.changeId));
    const applied = s.changes.filter((c) => appliedIds.has(c.id));
    const { describeSchema } = await import('../../adapters/mysql/introspect.js');
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
    const prNotes = pullRequestNotes(history, s.env.name);
    for (const n of prNotes) ctx.out.info(n);
    ctx.out.setDocument({ environment: s.env.name, files, schema, ...(prNotes.length ? { pull_requests: prNotes } : {}) });
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

// Provisional and abandoned changes of pull requests, named with their pull request: the objects of
// an open pull request's change are live but not in the replay of applied changes, and an abandoned
// one that could not be rolled back left objects for a person.
function pullRequestNotes(history: HistoryRecord[], env: string): string[] {
  const out: string[] = [];
  for (const r of history) {
    const pr = r.pullRequest;
    if (!pr || r.changeId.includes(':')) continue;
    const objects = pr.objects.length ? pr.objects.join(', ') : 'unknown objects';
    if (r.status === 'provisional') out.push(`provisional: ${r.changeId} from pull request #${pr.number} is applied in ${env} but not merged; it touches ${objects}`);
    else if (r.status === 'abandoned' && /not rolled back/.test(r.error ?? '')) out.push(`abandoned: ${r.changeId} from pull request #${pr.number} was not rolled back in ${env}; clean up by hand: ${objects}`);
    else if (r.status === 'abandoned') out.push(`abandoned: ${r.changeId} from pull request #${pr.number} was rolled back in ${env}`);
  }
  return out;
}
