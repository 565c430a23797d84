// `changegate status --env E`: reads the history and the backups, and prints the core's status rows.
import { thousands } from '../../core/numbers.js';
import type { CommandContext } from '../context.js';
import { backupLines } from '../backup-status.js';
import { scope } from '../flow.js';
import { readStatus } from '../target-reads.js';
import { fleetOptions } from '../fleet/options.js';
import { needsAttention } from '../../core/usecases/status.js';
import { windowNow } from '../../core/usecases/window-gate.js';

/** Prints the table; 1 when anything is failed, in-doubt or drifted. */
export default async function status(ctx: CommandContext, opts: { env: string; target?: string[] }): Promise<number> {
  const s = scope(ctx, opts.env);
  const fleet = fleetOptions(s, opts);
  if (fleet) return (await import('../fleet/status.js')).statusFleet(ctx, s, fleet.names);
  const { rows, backups } = await readStatus(ctx, s);
  const window = await windowNow(s.env, ctx.now());
  ctx.out.setDocument({ environment: s.env.name, changes: rows, ...(backups.length ? { backups } : {}), window: window.json });
  ctx.out.info(`status of ${s.env.name}:`);
  for (const r of rows) {
    const when = r.applied_at ? `  ${r.applied_at}` : '';
    const pr = r.pull_request !== undefined ? `  pull request #${r.pull_request}` : '';
    ctx.out.info(`  ${r.status.padEnd(11)} ${r.id}  ${r.statements_applied}/${r.statements_total}${r.snapshot ? `  snapshot ${r.snapshot}` : ''}${when}${pr}`);
    if (r.backfill) {
      const at = r.backfill.last_key ? `after key (${r.backfill.last_key.join(', ')})` : 'at its start';
      ctx.out.info(`              backfill of statement ${r.backfill.statement}: ${thousands(r.backfill.rows_done)} rows done, resumes ${at}`);
    }
    if (r.note) ctx.out.info(`      ${r.note}`);
    if (r.emergency) ctx.out.info(`      emergency: ${r.emergency}`);
  }
  for (const line of backupLines(s.env, backups)) ctx.out.info(line);
  if (window.line) ctx.out.info(window.line);
  return needsAttention(rows) ? 1 : 0;
}
