// `status`: the state of every change of an environment, from its history and the files. A `running`
// row whose statement may have started, on a connection the server no longer has, is in doubt
// already: status says so now rather than at the next apply. A rollback that has not finished shows
// under its change: the schema is between the two until it does.
import { inFlightProcess } from '../apply.js';
import { CHECKSUM_VERSION } from '../checksum.js';
import { inFlightMayHaveRun, targetsEnvironment } from '../plan.js';
import type { ServerIdentity, ServerInspector } from '../ports.js';
import type { HistoryRecord } from '../types.js';
import type { Scope } from './gates.js';
import { rollbackId } from './rollback.js';

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
  /** A batched statement not finished yet: where its walk stands. */
  backfill?: { statement: number; last_key: string[] | null; rows_done: number };
  /** Why a change is restored (what undid it, what runs it again), or why its rollback stopped. */
  note?: string;
  /** The reason of the `apply --emergency` run that last wrote the change, outside the maintenance windows. */
  emergency?: string;
}

/** The changes of `history` whose in-flight statement may have run on a connection the server no longer has. */
export async function inDoubtNow(s: Scope, history: HistoryRecord[], inspector: ServerInspector, own: { connectionId: number; identity: ServerIdentity }): Promise<Set<string>> {
  const gone = new Set<string>();
  for (const rec of history) {
    if (rec.status !== 'running' || !inFlightMayHaveRun(s.byId.get(rec.changeId), rec) || rec.connectionId === null) continue;
    if (!(await inFlightProcess(rec, inspector, own, s.byId.get(rec.changeId))).alive) gone.add(rec.changeId);
  }
  return gone;
}

/** One row per change of the environment (files first, then history rows without files), `gone` ones in doubt. */
export function statusRows(s: Scope, history: HistoryRecord[], gone: Set<string>): StatusRow[] {
  const byId = new Map(history.map((r) => [r.changeId, gone.has(r.changeId) ? { ...r, status: 'in-doubt' as const } : r]));
  const rows: StatusRow[] = [];
  for (const change of s.changes) {
    if (!targetsEnvironment(change, s.env.name)) continue;
    const rec = byId.get(change.id);
    rows.push(row(change.id, rec, rec ? stateOf(rec, change.checksum, change) : 'pending', change.statements.length));
    const back = byId.get(rollbackId(change.id));
    if (back && back.status !== 'applied') rows.push({ ...row(back.changeId, back, back.status, back.statementsTotal), ...(back.error ? { note: back.error } : {}) });
  }
  for (const rec of byId.values()) {
    // Another pull request's (or an abandoned) change is named, not counted as a problem here.
    if (!s.byId.has(rec.changeId) && !rec.changeId.includes(':')) rows.push(row(rec.changeId, rec, rec.status === 'applied' || rec.status === 'baseline' ? 'drifted' : rec.status, rec.statementsTotal));
  }
  return rows;
}

/** Whether a status asks for a person (exit 1): a failed, in-doubt or drifted change. */
export function needsAttention(rows: StatusRow[]): boolean {
  return rows.some((r) => r.status === 'failed' || r.status === 'in-doubt' || r.status === 'drifted');
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
    // A walk still under way: its statement is the one the change resumes at.
    ...(rec?.backfill && !rec.backfill.done && rec.backfill.statement === rec.statementsApplied + 1
      ? { backfill: { statement: rec.backfill.statement, last_key: rec.backfill.lastKey, rows_done: rec.backfill.rowsDone } }
      : {}),
    ...(rec?.status === 'restored' && rec.error ? { note: rec.error } : {}),
    ...(rec?.emergency ? { emergency: rec.emergency } : {}),
  };
}
