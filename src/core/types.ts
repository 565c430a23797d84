// The shapes every part of changegate shares. Pure data: no driver, no SDK, no I/O.

/** How bad a finding is; `error` fails `validate`/`lint` with exit 1. */
export type Severity = 'error' | 'warning' | 'notice';

/** One finding about a file: from YAML parsing, schema validation, references or lint. */
export interface Diagnostic {
  /** Stable code: `CG0xx` validation, `CG1xx` destructive lint, `CG2xx` safety lint, `CG3xx` notes. */
  code: string;
  severity: Severity;
  /** Path relative to the repository root, with `/` separators. */
  file: string;
  /** 1-based line and column of the node or statement the finding is about. */
  line: number;
  column: number;
  /** Dotted field path inside a YAML file (`verify[0].expect`), absent for SQL findings. */
  field?: string;
  message: string;
  /** True when the finding is the reason a statement counts as destructive. */
  destructive: boolean;
}

/** One SQL statement as split from a file, without its terminating delimiter. */
export interface Statement {
  /** Repository-relative path of the SQL file. */
  file: string;
  /** 1-based position of the statement's first non-blank, non-comment character. */
  line: number;
  column: number;
  /** The statement text as written (comments inside it kept), trimmed. */
  sql: string;
  /**
   * Comments that annotate the statement from outside its text, where `-- changegate:nolint CODE`
   * markers live: those between the previous statement and this one, and any after its delimiter
   * on the same line.
   */
  leadingComments?: string;
}

/** Whether a statement is replayed inside a transaction or commits on its own. */
export type StatementKind = 'dml' | 'ddl';

/** The snapshot policy of an environment. */
export type SnapshotPolicy = 'never' | 'destructive' | 'always';

/** How an environment's backup is taken. */
export type SnapshotMethod = 'cluster' | 'instance' | 'tables';

/** One configured environment, in promotion order. */
export interface EnvironmentConfig {
  name: string;
  /** Aurora cluster identifier; with `region` and `secret` the target is reached through AWS. */
  cluster?: string;
  /** RDS MySQL DB instance identifier, instead of `cluster`. */
  instance?: string;
  region?: string;
  /** Secrets Manager id of the admin credentials (`auth: secret`). */
  secret?: string;
  /**
   * How an AWS environment logs in: `iam` (a 15-minute token per connection, no password anywhere) or
   * `secret` (the admin secret); filled in for AWS environments, `secret` when absent.
   */
  auth?: 'iam' | 'secret';
  /** The database user an IAM token logs in as (`auth: iam`). */
  db_user?: string;
  /** `auth: secret`: refuse a secret that DescribeSecret says never rotates, before it is read. */
  require_rotation?: boolean;
  /** The schema changes run in; for a URL target it may come from the URL's path. */
  schema?: string;
  /** Name of the environment variable that holds a connection URL (local targets). */
  url_env?: string;
  /** A literal connection URL (local targets; never one with a password in a committed file). */
  url?: string;
  /** The environment a change must have succeeded in before this one runs it. */
  after?: string;
  /** `required`: every run that changes the target has an approver; `risky`: only a run whose plan is risky (core/risk.ts); default `none`. */
  approval?: 'required' | 'risky' | 'none';
  snapshot: SnapshotPolicy;
  /** How the backup is taken; `loadConfig` fills it: `cluster`/`instance` from the target, `tables` for a URL. */
  snapshot_method?: SnapshotMethod;
  /** `tables`: the schema the copies and their catalog go to. */
  backup_schema?: string;
  /** `tables`: a bigger backup is refused before any statement. */
  backup_max_rows?: number;
  tls?: { ca_file: string };
  /** Seconds a DDL waits for a metadata lock before it fails (session `lock_wait_timeout`). */
  lock_wait_timeout: number;
  /** How many times a statement that hit a lock wait timeout is retried before the run stops. */
  lock_retries: number;
  /** Seconds `apply` waits for another runner's advisory lock. */
  lock_timeout: number;
  /**
   * Seconds the server may stay silent before a run stops (default 60); the server ends an idle
   * changegate session after twice this, so a vanished runner holds the target no longer.
   */
  unreachable_timeout?: number;
  /** Seconds to wait for a snapshot to become `available`. */
  snapshot_timeout: number;
  /** First wait between snapshot polls in seconds; doubles up to six times this. */
  snapshot_poll_seconds: number;
  /** Refuse a blocking table copy (or an unknown algorithm) on a table with more rows than this; unset: no bound. */
  max_copy_rows?: number;
  /** Refuse an unbatched UPDATE/DELETE whose EXPLAIN estimate reaches more rows than this; unset: no bound. */
  max_dml_rows?: number;
  /** A blocking ALTER on a table over `above_rows` runs through this online schema change tool. */
  online_schema_change?: OnlineSettings;
  /** How online changes (and backfills) yield to the server. */
  throttle?: Throttle;
  /** Weekly maintenance windows `apply` runs in; absent: always open. */
  windows?: MaintenanceWindow[];
  /** Seconds `apply` may wait for the next opening of a window (at most 21600); absent: it does not wait. */
  window_wait?: number;
  /** Whether `apply --pull-request N` may apply unmerged changes here as provisional (QA); default false, never with approval: required. */
  pull_requests?: boolean;
  /** Several targets (servers and the schemas on each); absent for an environment of one target. */
  fleet?: FleetConfig;
  /** Set on the environment of one target of a fleet: its name and its server. */
  target?: FleetTarget;
  /** 1-based line of the environment's key in `changegate.yaml`, for messages. */
  line: number;
}

/** One server of a fleet: the cluster, instance or URL variable that names it. */
export interface ServerRef {
  /** The cluster or instance identifier, or the URL variable's name: the first half of a target's name. */
  name: string;
  cluster?: string;
  instance?: string;
  url_env?: string;
  url?: string;
  /** `auth: secret`: this server's own admin secret, instead of the environment's. */
  secret?: string;
}

/** `targets`, `schemas` and `fleet` of an environment, with defaults filled in. */
export interface FleetConfig {
  /** The servers, in declared order; the environment's own cluster, instance or URL when `targets` is absent. */
  servers: ServerRef[];
  /** Which schemas on each server are targets: a LIKE pattern found at run time, a list, or the environment's one schema. */
  schemas: { like: string } | { names: string[] } | { one: string | null };
  /** Targets applied at once. */
  parallel: number;
  /** Targets applied first, one at a time; a failure there runs nothing else. */
  canary: number;
  /** After this many failed targets no new one starts. */
  stop_after_failures: number;
}

/** One target of a fleet: one schema on one server. */
export interface FleetTarget {
  /** `server/schema`. */
  name: string;
  server: ServerRef;
}

/** `online_schema_change` of an environment, with `above_rows` filled in. */
export interface OnlineSettings {
  tool: 'pt-online-schema-change' | 'command';
  /** tool: command: the command line, with `{SCHEMA}` `{TABLE}` `{CLAUSES}` `{HOST}` `{PORT}` `{USER}` `{DEFAULTS_FILE}`. */
  command?: string;
  /** Tables with more rows than this go online. */
  above_rows: number;
}

/** One weekly maintenance window: on `days`, from `from` to `to` (HH:MM, wall clock of `timezone`; `to` before `from` ends the next day). */
export interface MaintenanceWindow {
  days: Weekday[];
  from: string;
  to: string;
  /** An IANA time zone, such as America/New_York. */
  timezone: string;
}

/** A day of the week as a window names it. */
export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

/** `throttle` of an environment: each field unset leaves the tool's own default. */
export interface Throttle {
  /** Pause while over, `Status_variable=N`. */
  max_load?: string;
  /** Stop cleanly while over, `Status_variable=N`. */
  critical_load?: string;
  /** Seconds of replica lag before pausing. */
  max_lag?: number;
  /** Seconds a copy chunk should take. */
  chunk_time?: number;
}

/** The repository's `changegate.yaml`, with defaults filled in. */
export interface Config {
  /** Absolute path of the repository root (the folder holding `changegate.yaml`). */
  root: string;
  /** Repository-relative path of the config file. */
  file: string;
  database: string;
  server: { min_version: string };
  ticket_pattern?: string;
  protected_clusters: string[];
  /** In promotion order, as declared. */
  environments: EnvironmentConfig[];
  notify?: { slack?: { webhook_env: string; channel?: string }; ticket?: TicketConfig };
}

/** `notify.ticket`: Jira Cloud (user_env set), Jira Data Center (token_env alone) or GitHub issues; exactly one. */
export interface TicketConfig {
  jira?: { url: string; user_env?: string; token_env: string };
  github?: { repository: string };
}

/** A SQL file referenced by a change, read and checksummed. */
export interface SqlFile {
  /** Repository-relative path. */
  path: string;
  content: string;
  /** Normalized checksum of the content (see `checksum.ts`). */
  checksum: string;
}

/** A `verify:` query and the value its first column of its first row must equal. */
export interface Verify {
  name: string;
  sql: string;
  expect: number | string | boolean | null;
  line: number;
}

/** A change manifest from `changes/`, with its SQL read and split. */
export interface Change {
  /** The manifest file name without `.yaml`; sorts by its date prefix. */
  id: string;
  /** Repository-relative path of the manifest. */
  file: string;
  title: string;
  ticket: string;
  /** `tickets:`: a ticket per environment, used there instead of `ticket`. */
  tickets?: Record<string, string>;
  owner?: string;
  /** What the author declared. */
  destructive: boolean;
  apply: SqlFile[];
  rollback: SqlFile[];
  verify: Verify[];
  depends_on: string[];
  /** Environments the change is for; undefined means every configured one. */
  environments?: string[];
  lint: { ignore: string[] };
  /** The statements of `apply`, in file order; numbered 1..n in history and messages. */
  statements: Statement[];
  rollbackStatements: Statement[];
  /** Normalized checksum over the manifest and every apply file (see `checksum.ts`). */
  checksum: string;
  /** `baseline: true`: the change recreates a schema that existed before changegate (see `changegate baseline`). */
  baseline?: boolean;
  /** Set on the change a rollback runs (the `rollback:` files of `rollbackOf`), which has no `destructive:` of its own to declare. */
  rollbackOf?: string;
  /** Per-file normalized checksums of the manifest and each apply file, keyed by repository path. */
  fileChecksums: Record<string, string>;
}

/** Status of a change in one target's history table. */
export type HistoryStatus = 'running' | 'applied' | 'failed' | 'in-doubt' | 'rolled-back' | 'restored' | 'baseline' | 'provisional' | 'abandoned';

/** One row of a target's history table: the durable record of a change in that target. */
export interface HistoryRecord {
  changeId: string;
  status: HistoryStatus;
  checksum: string;
  /** Version of the checksum algorithm that produced `checksum`, so upgrades never fake drift. */
  checksumVersion: number;
  /** Per-file checksums, so drift can name the file that changed. */
  fileChecksums: Record<string, string>;
  statementsTotal: number;
  /** Statements 1..statementsApplied are applied, durably. */
  statementsApplied: number;
  /** One hash per statement, in order. */
  statementHashes: string[];
  /** The statement that was sent or about to be sent (1-based) when the row was last written. */
  inFlight: number | null;
  /** `CONNECTION_ID()` of the session that ran (or runs) `inFlight`. */
  connectionId: number | null;
  /** `@@server_uuid` of the server that session ran on (null on MariaDB, and in rows of layout 2 and before). */
  serverUuid: string | null;
  /** That server's boot time (UTC, to the second); null in rows of layout 2 and before. */
  serverBoot: Date | null;
  startedAt: Date;
  finishedAt: Date | null;
  durationMs: number | null;
  operator: string;
  gitCommit: string | null;
  runUrl: string | null;
  approver: string | null;
  snapshotId: string | null;
  /** 1-based statement that failed, with its error (credentials redacted). */
  failedStatement: number | null;
  error: string | null;
  /** Who decided an in-doubt statement, and what, when `resolve` was used. */
  resolvedBy: string | null;
  /** Set when a pull request's run wrote the row (history layout 4); absent or null otherwise. */
  pullRequest?: PullRequestMark | null;
  /** Set while (and after) a statement ran through an online schema change tool (history layout 5). */
  online?: OnlineMark | null;
  /** A batched statement's progress, written with each batch it commits (history layout 5). */
  backfill?: BackfillProgress | null;
  /** `apply --emergency`: why the run went outside the environment's maintenance windows. */
  emergency?: string | null;
}

/** Where a batched statement stands: written in the transaction of each batch, so it is exactly what committed. */
export interface BackfillProgress {
  /** 1-based statement of the change. */
  statement: number;
  /** The key of the last row of the last committed batch (one string per key column), null before the first. */
  lastKey: string[] | null;
  /** Rows the committed batches matched. */
  rowsDone: number;
  /** Batches committed. */
  batches: number;
  /** Whether the walk reached the end of the key. */
  done: boolean;
}

/**
 * What the loop records as a statement starts through an online schema change tool, committed before
 * the tool runs: after a crash of changegate or of the tool, a rerun decides from the live schema
 * with it whether the statement is applied, still running, or left debris to remove.
 */
export interface OnlineMark {
  /** 1-based statement of the change. */
  statement: number;
  /** `pt-online-schema-change` or `command`. */
  tool: string;
  /** The table the tool rebuilds, unqualified, in the target schema. */
  table: string;
  /** Fingerprint of the table's definition before the tool started. */
  before: string;
  /** Fingerprint of the definition the statement makes. */
  after: string;
  /** Tables and triggers whose names hold the table's name, as they stood before: never the tool's leftovers. */
  existing: string[];
}

/** What a provisional apply records about its pull request, so the change can be undone from history alone. */
export interface PullRequestMark {
  number: number;
  /** The pull request's head commit that was applied. */
  headCommit: string | null;
  /** The rollback statements as they were when the change was applied; null when it had none. */
  rollback: Statement[] | null;
  /** The default branch's commit that adopted the change on merge. */
  mergeCommit: string | null;
  /** Tables and objects the applied statements touch: what a person cleans up when it cannot be rolled back. */
  objects: string[];
}
