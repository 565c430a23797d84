// `changegate status --env E`: every change of the environment with its state, from history and files.
import { inFlightProcess } from '../../core/apply.js';
import { CHECKSUM_VERSION } from '../../core/checksum.js';
import { inFlightMayHaveRun, targetsEnvironment } from '../../core/plan.js';
import type { HistoryRecord } from '../../core/types.js';
import type { CommandContext } from '../context.js';
import { backupLines, backupRows, type BackupRow } from '../backup-status.js';
import { readTarget, scope } from '../flow.js';

/** One row of `status --format json`; its field names are a contract with the scripts that read it. */
export interface StatusRow {
  id: string;
  status: 'pending' | 'running' | 'applied' | 'failed' | 'in-doubt' | 'drifted' | 'rolled-back' | 'restored' | 'baseline' | 'provisional' | 'abandoned';
  statements_applied: number;
  statements_total: number;
  checksum: string | null;
  snapshot: string | null;
  applied_at: string | null;
  /** The pull request a provisional or abandoned change came from (pull_requests: true environments). */
  pull_request?: number;
}

/** Prints the table; 1 when anything is failed, in-doubt or drifted. */
export default async function status(ctx: CommandContext, opts: { env: string }): Promise<number> {
  const s = scope(ctx, opts.env);
  const { open, history } = await readTarget(ctx, s);
  // A `running` row whose statement may have started, on a connection the server no longer has,
  // is in doubt already: say so now rather than at the next apply.
  const gone = new Set<string>();
  let backups: BackupRow[] = [];
  try {
    backups = await backupRows(s.env, open.target.connection, (l) => ctx.out.warn(l));
    for (const rec of history) {
      if (rec.status !== 'running' || !inFlightMayHaveRun(s.byId.get(rec.changeId), rec) || rec.connectionId === null) continue;
      if (!(await inFlightProcess(rec, open.target.inspector, open.target.session, s.byId.get(rec.changeId))).alive) gone.add(rec.changeId);
    }
  } finally {
    await open.close();
  }
  for (const rec of history) if (gone.has(rec.changeId)) rec.status = 'in-doubt';
  const byId = new Map(history.map((r) => [r.changeId, r]));
  const rows: StatusRow[] = [];
  for (const change of s.changes) {
    if (!targetsEnvironment(change, s.env.name)) continue;
    const rec = byId.get(change.id);
    rows.push(row(change.id, rec, rec ? stateOf(rec, change.checksum, s.byId.get(change.id)) : 'pending', change.statements.length));
  }
  for (const rec of history) {
    if (!s.byId.has(rec.changeId) && !rec.changeId.includes(':')) rows.push(row(rec.changeId, rec, rec.status === 'applied' || rec.status === 'baseline' ? 'drifted' : rec.status, rec.statementsTotal));
    // Another pull request's (or an abandoned) change is named, not counted as a problem here.
  }
  ctx.out.setDocument({ environment: s.env.name, changes: rows, ...(backups.length ? { backups } : {}) });
  ctx.out.info(`status of ${s.env.name}:`);
  for (const r of rows) {
    const when = r.applied_at ? `  ${r.applied_at}` : '';
    const pr = r.pull_request !== undefined ? `  pull request #${r.pull_request}` : '';
    ctx.out.info(`  ${r.status.padEnd(11)} ${r.id}  ${r.statements_applied}/${r.statements_total}${r.snapshot ? `  snapshot ${r.snapshot}` : ''}${when}${pr}`);
  }
  for (const line of backupLines(s.env, backups)) ctx.out.info(line);
  return rows.some((r) => r.status === 'failed' || r.status === 'in-doubt' || r.status === 'drifted') ? 1 : 0;
}

function stateOf(rec: HistoryRecord, checksum: string, change: Parameters<typeof inFlightMayHaveRun>[0]): StatusRow['status'] {
  if (rec.status === 'applied' || rec.status === 'baseline') return rec.checksumVersion === CHECKSUM_VERSION && rec.checksum !== checksum ? 'drifted' : rec.status;
  if (rec.status === 'running' && inFlightMayHaveRun(change, rec)) return 'running';
  return rec.status;
}

function row(id: string, rec: HistoryRecord | undefined, st: StatusRow['status'], total: number): StatusRow {
  return {
    id,
    status: st,
    statements_applied: rec?.statementsApplied ?? 0,
    statements_total: rec?.statementsTotal ?? total,
    checksum: rec?.checksum ?? null,
    snapshot: rec?.snapshotId ?? null,
    applied_at: (rec?.status === 'applied' || rec?.status === 'baseline') && rec.finishedAt ? rec.finishedAt.toISOString() : null,
    ...(rec?.pullRequest ? { pull_request: rec.pullRequest.number } : {}),
  };
}
