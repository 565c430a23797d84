// `changegate restore <change> --env E`: the flags, the core's restoreRun, and what it says.
import { UsageError } from '../../core/errors.js';
import { thousands } from '../../core/numbers.js';
import { restoreRun } from '../../core/usecases/restore.js';
import type { CommandContext } from '../context.js';
import { runnerFacts, scope } from '../flow.js';
import { oneTarget } from '../fleet/options.js';
import { commonEvents, runPorts } from '../run-ports.js';

/** Restores the backup recorded for the change; 0 when the tables are back. */
export default async function restore(ctx: CommandContext, changeId: string, opts: { env: string; target?: string; approvedBy?: string; force?: boolean }): Promise<number> {
  const s = await oneTarget(ctx, scope(ctx, opts.env), opts.target, 'restore');
  // A mistyped id is a usage error, said before anything connects, as rollback says it.
  if (!s.byId.has(changeId)) throw new UsageError(`no change ${changeId} in changes/`);
  const done = await restoreRun(
    s,
    changeId,
    { runner: runnerFacts(ctx, opts.approvedBy), force: !!opts.force },
    runPorts(ctx, s),
    {
      ...commonEvents(ctx),
      restoring: (backup, later) => {
        const tables = backup.items.filter((i) => i.kind === 'table');
        ctx.out.info(
          `restore: putting back ${tables.map((i) => `${i.sourceName} (${thousands(i.rows ?? 0)} row${i.rows === 1 ? '' : 's'})`).join(', ') || 'no table'} ` +
            `in ${s.env.name} as they were at ${backup.createdAt.toISOString()}, from ${backup.id}`,
        );
        if (later.length > 0) ctx.out.warn(`restore: --force: undoing what ${later.map((l) => l.id).join(', ')} did to ${[...new Set(later.flatMap((l) => l.tables))].join(', ')}`);
      },
    },
  );
  for (const o of done.result.objects) ctx.out.info(`restore: ${o.kind} ${o.name} re-created`);
  ctx.out.info(`${changeId} is restored in ${s.env.name}; status shows it restored, and apply runs it again when it is next applied`);
  ctx.out.setDocument({
    environment: s.env.name,
    change: changeId,
    backup: done.backup.id,
    restored_at: done.restoredAt.toISOString(),
    tables: done.result.tables.map((x) => ({ table: x.name, rows: x.rows })),
    objects: done.result.objects.map((o) => ({ kind: o.kind, name: o.name })),
    forced_over: done.forcedOver.map((l) => l.id),
  });
  return 0;
}
