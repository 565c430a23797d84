// A history row for tests that write the history table directly: every field set, overridable.
import { CHECKSUM_VERSION } from '../../src/core/checksum.js';
import type { HistoryRecord } from '../../src/core/types.js';

/** A `running` row of change `id` with three statements, none applied; `over` replaces fields. */
export function historyRecord(id: string, over: Partial<HistoryRecord> = {}): HistoryRecord {
  return {
    changeId: id,
    status: 'running',
    checksum: 'c'.repeat(64),
    checksumVersion: CHECKSUM_VERSION,
    fileChecksums: { 'changes/x.yaml': 'a'.repeat(64), 'migrations/x/up.sql': 'b'.repeat(64) },
    statementsTotal: 3,
    statementsApplied: 0,
    statementHashes: ['111111111111', '222222222222', '333333333333'],
    inFlight: null,
    connectionId: null,
    serverUuid: null,
    serverBoot: null,
    startedAt: new Date('2026-11-24T10:00:00.123Z'),
    finishedAt: null,
    durationMs: null,
    operator: 'jdoe',
    gitCommit: null,
    runUrl: null,
    approver: null,
    snapshotId: null,
    failedStatement: null,
    error: null,
    resolvedBy: null,
    pullRequest: null,
    online: null,
    backfill: null,
    ...over,
  };
}
