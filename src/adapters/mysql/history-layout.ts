// What the history table is made of, shared by the adapter and by scripts/history-codegen.ts, which
// writes the table's SQL from it ahead of time.

/** The history table's name, in the target schema. Renaming it later strands every existing history. */
export const HISTORY_TABLE = 'changegate_history';

/** The table layout this version writes; recorded in the table comment so a later version can upgrade it. */
export const HISTORY_LAYOUT = 5;

/** The table comment before the layout number: how changegate recognises its own table. */
export const COMMENT_PREFIX = 'changegate history, layout ';

/** Byte-safe limits for text columns: strict sql_mode would reject a longer value, lax mode would cut it silently. */
export const LIMITS = { operator: 255, git_commit: 64, run_url: 1024, approver: 255, snapshot_id: 255, resolved_by: 255, server_uuid: 64, error: 60000, head_commit: 64, merge_commit: 64 } as const;

/** The columns of a HistoryRecord (layout 2 adds `updated_at`, which only the server writes). */
export const COLUMNS = [
  'change_id', 'status', 'checksum', 'checksum_version', 'file_checksums', 'statements_total',
  'statements_applied', 'statement_hashes', 'in_flight', 'connection_id', 'started_at', 'finished_at',
  'duration_ms', 'operator', 'git_commit', 'run_url', 'approver', 'snapshot_id', 'failed_statement',
  'error', 'resolved_by', 'server_uuid', 'server_boot', 'pull_request', 'head_commit', 'rollback_sql', 'merge_commit', 'pr_objects', 'step_state',
] as const;
