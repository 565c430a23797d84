// `changegate new <slug> --ticket T`: a manifest and its SQL files that validate as written.
import { scaffoldChange } from '../../core/scaffold.js';
import type { CommandContext } from '../context.js';

/** Writes the files and names them. */
export default async function newChange(ctx: CommandContext, slug: string, opts: { ticket: string }): Promise<number> {
  const written = scaffoldChange(ctx.root, slug, opts.ticket, ctx.now());
  if (written.after) ctx.out.info(`dated after ${written.after}, which would otherwise sort after it: ids order the changes`);
  for (const f of [written.manifest, written.up, written.down]) ctx.out.info(`wrote ${f}`);
  ctx.out.setDocument({ written: [written.manifest, written.up, written.down], ...(written.after ? { dated_after: written.after } : {}) });
  return 0;
}
