// The ports the use cases drive: a locked target and what can be done on it, the team's channels, and
// the event sink the CLI renders. The CLI builds them from adapters; tests hand in memory versions.
import type { OnlineTool } from '../online.js';
import type { ApplyEvents, Operator } from '../apply.js';
import type { Backup, BackupItem, BackupRequest, BackupScope, RestoreResult } from '../backup/types.js';
import type { IntegrityProblem } from '../plan.js';
import type { ApplyReport, Plan } from '../plan-types.js';
import type { ServerInspector, TargetSession } from '../ports.js';
import type { Diagnostic, EnvironmentConfig, HistoryRecord } from '../types.js';

/** A target connected and locked for one run, with its history as read under the lock. */
export interface LockedTarget {
  /** The schema changes apply to. */
  readonly schema: string;
  readonly session: TargetSession;
  readonly inspector: ServerInspector;
  /** Every history row, read under the lock in a fresh read view. */
  readonly history: HistoryRecord[];
  /** Whether the run lock is still held (its connection may have ended). */
  lockHeld(): Promise<boolean>;
  /** Records a finished DDL statement on another connection (see ApplyContext.recordApplied). */
  recordApplied?(changeId: string, applied: number, inFlight: number | null, connectionId: number): Promise<void>;
  /** Whether the target's schema holds no table, view, routine, trigger or event. */
  schemaIsEmpty(): Promise<boolean>;
  /** A reader that judges statements against the live tables (plan's impact and pre-checks). */
  impact(): Promise<ImpactPort>;
  /** Snapshots and table backups of this target. */
  readonly protection: ProtectionPort;
  /** The environment's online schema change tool on this target, when it has one. */
  readonly online?: OnlineTool;
  /** Pings the run's idle connections (keeping them under the server's idle bound); rejects when the lock's connection is gone. */
  heartbeat(): Promise<void>;
  /** Drops every connection of the run at once (a silent server, a frozen runner). */
  abort(): void;
  /** Ends the session, then releases the lock. */
  close(): Promise<void>;
}

/** Judges a plan's statements against the live tables and runs their pre-checks. */
export interface ImpactPort {
  /**
   * Sets each pending statement's impact; with `checks`, also each change's pre-check results that
   * today's rows can answer. With `keepFacts`, what was read may serve the next call within seconds.
   */
  assess(plan: Plan, opts: { checks: boolean; keepFacts?: boolean }): Promise<void>;
  close(): Promise<void>;
}

/** The protections a target offers before destructive work. */
export interface ProtectionPort {
  /** An `available` cluster snapshot for this plan (reused when this deployment already took one); its id. */
  clusterSnapshot(plan: Plan, history: HistoryRecord[], runUrl: string | null): Promise<string>;
  /** An `available` RDS instance snapshot for this plan; its id. */
  instanceSnapshot(plan: Plan, runUrl: string | null): Promise<string>;
  /** What a table backup of these statements would copy, measured now. */
  backupScope(statements: string[]): Promise<BackupScope>;
  /** Copies the scope into the backup schema; the backup's id and what it holds. */
  takeBackup(scope: BackupScope, req: BackupRequest): Promise<{ id: string; items: BackupItem[] }>;
  /** The table backups of this environment in `backupSchema`. */
  listBackups(backupSchema: string, environment: string): Promise<Backup[]>;
  /** Puts a table backup back in `schema`, recording who did it. */
  restoreBackup(backup: Backup, backupSchema: string, by: string, now: Date): Promise<RestoreResult>;
}

/** Who approved a run: the deployment approver and the pull request's reviewers. */
export interface Approvals {
  approver: string | null;
  reviewers: string[];
}

/** One moment of a run to tell the team about. */
export interface Announcement {
  /** `refused`: a guard stopped the run after its plan was known and before anything ran (told to the tickets only). */
  phase: 'start' | 'success' | 'failure' | 'refused';
  environment: string;
  plan: Plan;
  approver: string | null;
  runUrl: string | null;
  snapshotId?: string | null;
  error?: string;
  changeId?: string;
  /** How the run ended, when the apply loop ran: each change's result and duration. */
  report?: ApplyReport;
  /** Where a failed statement is: its number within `changeId`, its file and line. */
  failedAt?: { statement?: number | undefined; file?: string | undefined; line?: number | undefined };
  /** The maintenance window the run is in, as a reader says it (`Sat 02:00-05:00 America/New_York, closes ...`). */
  windowNote?: string;
  /** A run over a fleet: how many targets, the count per result, and the targets that did not apply. */
  fleet?: { targets: number; counts: Record<string, number>; odd: string[] };
  /** `apply --emergency`: the reason the run overrides the environment's maintenance windows. */
  emergency?: string;
}

/** A backup taken right before a change's first statement, for the CLI to report. */
export interface BackupTaken {
  changeId: string;
  environment: string;
  id: string;
  items: BackupItem[];
}

/** What the use cases tell the CLI as they go: lines to show, and structured moments to render. */
export interface RunEvents extends ApplyEvents {
  info?(line: string): void;
  warn?(line: string): void;
  /** Findings tied to a file and line (annotations in GitHub). */
  diagnostics?(found: Diagnostic[]): void;
  /** The plan that will run (or the problems that stop it), with notes from the pull-request lifecycle. */
  planned?(plan: Plan, problems: IntegrityProblem[], notes: string[]): void;
  /** A restore is about to put `backup` back, undoing what the `forcedOver` changes did to its tables. */
  restoring?(backup: Backup, forcedOver: { id: string; tables: string[] }[]): void;
  /** A table backup was taken. */
  backupTaken?(taken: BackupTaken): void;
  /** A run that started applying ended with this report (applied, or failed part-way), with who approved it. */
  reported?(report: ApplyReport, approvals: Approvals | null, runUrl: string | null): void;
}

/** The outside world of a run that applies changes to one environment. */
export interface RunPorts {
  /** Connects (with every guard on the way) and takes the run lock. */
  lock(env: EnvironmentConfig, lockTimeoutSec: number): Promise<LockedTarget>;
  /** Reads the history of another environment without locking it (the promotion gate). */
  readHistory(env: EnvironmentConfig): Promise<HistoryRecord[]>;
  /** Who runs this, with the approver known so far. */
  operator(approver: string | null): Promise<Operator>;
  /** In GitHub Actions: who approved this deployment and reviewed the pull request; null when unknown. */
  approvals(): Promise<Approvals | null>;
  /** Tells the team; never fails a run (problems come back as warnings through the events). */
  announce(a: Announcement): Promise<void>;
  /** The clock. */
  now(): Date;
  /** Waits (for a maintenance window to open); a timer when absent. */
  sleep?(ms: number): Promise<void>;
}
