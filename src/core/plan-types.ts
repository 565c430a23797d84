// What `plan` prints and `apply` executes: one object, so the reviewer approves exactly what runs.
import type { CheckResult, Impact } from './impact/types.js';
import type { OnlinePlan } from './impact/online.js';
import type { BatchMarker } from './backfill/statement.js';
import type { BatchPlan } from './backfill/plan.js';
import type { Diagnostic, HistoryStatus } from './types.js';

/** A statement as shown in a plan (`file`, `line`, `sql` in `plan --format json`) plus its number within the change. */
export interface PlannedStatement {
  /** 1-based number of the statement within its change. */
  n: number;
  file: string;
  line: number;
  sql: string;
  /**
   * How the target will run it, once the plan has read the target's facts; null for a statement the
   * rules do not judge (DML, SET, views and routines). Absent until then.
   */
  impact?: Impact | null;
  /** The rules' one sentence on it (squawk-style), when `impact` is known. */
  reason?: string;
  /**
   * Set when the statement would block writes on a table over the environment's `above_rows`: the
   * tool that runs it online, or `tool: null` and why it cannot go online.
   */
  online?: OnlinePlan;
  /** The `-- changegate:batch` marker's options, when the statement has one. */
  marker?: BatchMarker;
  /** A batched statement, once the plan has read its table: how it will be walked, or why it cannot. */
  batch?: BatchPlan;
}

/** One change the plan will run (or resume) in the environment. */
export interface PlannedChange {
  id: string;
  title: string;
  ticket: string;
  file: string;
  /** Declared or found by lint. */
  destructive: boolean;
  /** Whether the manifest names rollback files; absent where a plan is built without manifests (counts as none for approval by risk). */
  hasRollback?: boolean;
  /** Every statement of the change; `resumeFrom` says where the run starts. */
  statements: PlannedStatement[];
  /** 1-based statement the run starts at: 1 for a new change, later when resuming. */
  resumeFrom: number;
  /** The history status that made it pending: undefined (new), `running`, `failed`. */
  previous?: HistoryStatus;
  diagnostics: Diagnostic[];
  /** Pre-checks on the live rows and the `max_copy_rows` bound; absent until the target's facts were read. */
  checks?: CheckResult[];
}

/** The snapshot decision for an environment. */
export interface SnapshotDecision {
  required: boolean;
  /** One sentence a reviewer reads: why a snapshot is or is not taken. */
  reason: string;
}

/** What would run in one environment, computed from (changes, history, environment) alone. */
export interface Plan {
  environment: string;
  snapshot: SnapshotDecision;
  changes: PlannedChange[];
  /** Changes already applied there, for status and the promotion diagram. */
  applied: string[];
}

/** The outcome of one change in an `apply` run. */
export type ChangeResult = 'applied' | 'failed' | 'not-run';

/** `apply`'s report: the plan's changes, each with its result and duration. */
export interface ApplyReport {
  environment: string;
  snapshot: SnapshotDecision & { id?: string };
  changes: (PlannedChange & { result: ChangeResult; durationMs: number; error?: string })[];
}
