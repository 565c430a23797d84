// `changegate envs`: environments in promotion order, or a GitHub Actions matrix with --json.
import { loadConfigOrFail } from '../load.js';
import { environmentsInOrder, envMatrix } from '../../core/manifest/environments.js';
import type { CommandContext } from '../context.js';

/** Lists environments; always exit 0 once the config loads. */
export default async function envs(ctx: CommandContext, opts: { json?: boolean }): Promise<number> {
  const config = loadConfigOrFail(ctx);
  const ordered = environmentsInOrder(config);
  if (opts.json) {
    ctx.out.raw(JSON.stringify(envMatrix(config)));
    return 0;
  }
  ctx.out.setDocument({ environments: ordered.map((e) => ({ name: e.name, after: e.after ?? null, target: e.cluster ?? e.instance ?? 'url', snapshot: e.snapshot, approval: e.approval ?? 'none' })) });
  for (const e of ordered) {
    const where = e.cluster ? `cluster ${e.cluster} (${e.region})` : e.instance ? `instance ${e.instance} (${e.region})` : `url from ${e.url_env ?? 'config'}`;
    ctx.out.info(`${e.name}  ${where}${e.after ? `  after ${e.after}` : ''}  snapshot: ${e.snapshot}${e.approval === 'required' ? '  approval: required' : ''}`);
  }
  return 0;
}
