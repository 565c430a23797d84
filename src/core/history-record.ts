// A history row as a change starts, and who it records as running it: shared by the apply loop and
// baseline, which records a change applied without running it.
import { CHECKSUM_VERSION, statementHash } from './checksum.js';
import type { Change, HistoryRecord } from './types.js';

/** Who runs the change, recorded in every history row it writes. */
export interface Operator {
  user: string;
  gitCommit: string | null;
  runUrl: string | null;
  approver: string | null;
  /** `apply --emergency`: why this run overrides the maintenance windows; recorded on each change it runs. */
  emergency?: string | null;
}

/** A fresh `running` history row for a change about to start. */
export function newRecord(change: Change, op: Operator, snapshotId: string | null, now: Date): HistoryRecord {
  return {
    changeId: change.id,
    status: 'running',
    checksum: change.checksum,
    checksumVersion: CHECKSUM_VERSION,
    fileChecksums: change.fileChecksums,
    statementsTotal: change.statements.length,
    statementsApplied: 0,
    statementHashes: change.statements.map((s) => statementHash(s.sql)),
    inFlight: null,
    connectionId: null,
    serverUuid: null,
    serverBoot: null,
    startedAt: now,
    finishedAt: null,
    durationMs: null,
    operator: op.user,
    gitCommit: op.gitCommit,
    runUrl: op.runUrl,
    approver: op.approver,
    snapshotId,
    failedStatement: null,
    error: null,
    resolvedBy: null,
    ...(op.emergency ? { emergency: op.emergency } : {}),
  };
}
