// `changegate validate`: every problem at once, without a database unless --shadow asks for a replay.
import { validateRepository } from '../../core/validate.js';
import type { CommandContext } from '../context.js';
import { diagnosticLine } from '../render.js';

/** Runs validation (and the shadow replay) and returns the exit code. */
export default async function validate(ctx: CommandContext, opts: { shadow?: boolean; shadowUrl?: string }): Promise<number> {
  const result = validateRepository(ctx.root, { configFile: ctx.configFile });
  ctx.out.diagnostics(result.diagnostics, diagnosticLine);
  const { errors, warnings } = result;
  ctx.out.setDocument({ diagnostics: result.diagnostics, errors, warnings });
  ctx.out.info(`${result.manifests} change(s) checked: ${errors} error(s), ${warnings} warning(s)`);
  if (ctx.out.format === 'github') ctx.out.summary((await import('../summary.js')).findingsSummary('validate', result.diagnostics));
  if (result.exitCode !== 0 || !opts.shadow) return result.exitCode;
  const { shadowReplay } = await import('../shadow.js');
  return shadowReplay(ctx, result.config!, result.changes, opts.shadowUrl);
}
