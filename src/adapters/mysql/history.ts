// Where the history table is written: one row per change in the target schema, the durable record
// that makes "never twice, never skipped" possible across crashes (a statement is never executed
// twice on a target, none is silently skipped, and a change whose files changed after it ran is
// reported as drift, never re-run).
// Every statement runs on the caller's connection, so that history writes join the apply session's
// transaction.
import { RefusedError } from '../../core/errors.js';
import { StatementError, type HistoryWriter } from '../../core/ports.js';
import type { BackfillProgress, HistoryRecord, OnlineMark, HistoryStatus, Statement } from '../../core/types.js';
import { openConnection, useSchema, type MysqlConnection, type TargetSpec } from './connection.js';
import { COLUMNS, HISTORY_LAYOUT, HISTORY_TABLE, LIMITS } from './history-layout.js';
import { numOrNull, strOrNull } from './values.js';
// The table's definition and the statements below are written with knex's builders in
// scripts/history-codegen.ts and generated ahead of time: importing knex cost a tenth of a second on
// every command's start. `npm run codegen` regenerates them; a test fails when they are stale.
import { CREATE_SQL, LAYOUT_STEPS, LOAD_SQL, PROGRESS_SQL, PUT_ORDER, PUT_SQL } from './history-sql.generated.js';

export { HISTORY_LAYOUT, HISTORY_TABLE };

type Column = (typeof COLUMNS)[number];
type Row = Record<Column, unknown>;

/** The layout SQL up to a layout, in order; tests build an older table with it. */
export function historyLayoutSql(upTo: number = HISTORY_LAYOUT): string[] {
  return LAYOUT_STEPS.filter((s) => s.layout <= upTo).map((s) => s.sql);
}

/** `2026-11-24 10:00:00.123` in UTC: what DATETIME(3) stores, with no session time zone involved. */
export function toSqlTime(d: Date): string {
  return d.toISOString().replace('T', ' ').replace('Z', '');
}

/** Reads DATETIME(3) text (the connection returns dates as strings) as UTC. */
export function fromSqlTime(s: unknown): Date {
  return new Date(String(s).replace(' ', 'T') + 'Z');
}

// Statement hashes as 48-bit prefixes, base64 in one string: 8 bytes a statement instead of the 19 of
// a JSON array of hex, so that the row of a 500,000-statement change still fits in one packet
// (MariaDB's default max_allowed_packet is 16 MB, and the whole row travels in one). Rows written
// before keep their JSON array, which `decodeHashes` still reads.
const HASH_PREFIX = 'b64:';
const HASH_BYTES = 6;

/** The history column's text for a record's statement hashes. */
export function encodeHashes(hashes: string[]): string {
  const buf = Buffer.alloc(hashes.length * HASH_BYTES);
  for (let i = 0; i < hashes.length; i++) buf.write(hashes[i]!.slice(0, HASH_BYTES * 2), i * HASH_BYTES, 'hex');
  return HASH_PREFIX + buf.toString('base64');
}

/** Statement hashes (hex) from the history column, in either form. */
export function decodeHashes(text: string): string[] {
  if (!text.startsWith(HASH_PREFIX)) return JSON.parse(text) as string[];
  const buf = Buffer.from(text.slice(HASH_PREFIX.length), 'base64');
  const out = new Array<string>(buf.length / HASH_BYTES);
  for (let i = 0; i < out.length; i++) out[i] = buf.toString('hex', i * HASH_BYTES, (i + 1) * HASH_BYTES);
  return out;
}

function clip(value: string | null, max: number): string | null {
  return value === null || value.length <= max ? value : value.slice(0, max - 1) + '…';
}

function toRow(rec: HistoryRecord): unknown[] {
  const row: Row = {
    change_id: rec.changeId,
    status: rec.status,
    checksum: rec.checksum,
    checksum_version: rec.checksumVersion,
    file_checksums: JSON.stringify(rec.fileChecksums),
    statements_total: rec.statementsTotal,
    statements_applied: rec.statementsApplied,
    statement_hashes: encodeHashes(rec.statementHashes),
    in_flight: rec.inFlight,
    connection_id: rec.connectionId,
    started_at: toSqlTime(rec.startedAt),
    finished_at: rec.finishedAt ? toSqlTime(rec.finishedAt) : null,
    duration_ms: rec.durationMs,
    operator: clip(rec.operator, LIMITS.operator),
    git_commit: clip(rec.gitCommit, LIMITS.git_commit),
    run_url: clip(rec.runUrl, LIMITS.run_url),
    approver: clip(rec.approver, LIMITS.approver),
    snapshot_id: clip(rec.snapshotId, LIMITS.snapshot_id),
    failed_statement: rec.failedStatement,
    error: clip(rec.error, LIMITS.error),
    resolved_by: clip(rec.resolvedBy, LIMITS.resolved_by),
    server_uuid: clip(rec.serverUuid, LIMITS.server_uuid),
    server_boot: rec.serverBoot ? toSqlTime(rec.serverBoot).slice(0, 19) : null,
    pull_request: rec.pullRequest?.number ?? null,
    head_commit: clip(rec.pullRequest?.headCommit ?? null, LIMITS.head_commit),
    // Never clipped: a cut statement would run as something else. LONGTEXT holds anything a packet can.
    rollback_sql: rec.pullRequest?.rollback ? JSON.stringify(rec.pullRequest.rollback) : null,
    merge_commit: clip(rec.pullRequest?.mergeCommit ?? null, LIMITS.merge_commit),
    pr_objects: rec.pullRequest ? JSON.stringify(rec.pullRequest.objects) : null,
    step_state: rec.online || rec.backfill || rec.emergency
      ? JSON.stringify({ ...(rec.online ? { online: rec.online } : {}), ...(rec.backfill ? { backfill: rec.backfill } : {}), ...(rec.emergency ? { emergency: rec.emergency } : {}) })
      : null,
  };
  return PUT_ORDER.map((c) => row[c]);
}

function num(v: unknown): number {
  return Number(v);
}

function fromRow(r: Row): HistoryRecord {
  return {
    changeId: String(r.change_id),
    status: String(r.status) as HistoryStatus,
    checksum: String(r.checksum),
    checksumVersion: num(r.checksum_version),
    fileChecksums: JSON.parse(String(r.file_checksums)) as Record<string, string>,
    statementsTotal: num(r.statements_total),
    statementsApplied: num(r.statements_applied),
    statementHashes: decodeHashes(String(r.statement_hashes)),
    inFlight: numOrNull(r.in_flight),
    connectionId: numOrNull(r.connection_id),
    startedAt: fromSqlTime(r.started_at),
    finishedAt: r.finished_at === null || r.finished_at === undefined ? null : fromSqlTime(r.finished_at),
    durationMs: numOrNull(r.duration_ms),
    operator: String(r.operator),
    gitCommit: strOrNull(r.git_commit),
    runUrl: strOrNull(r.run_url),
    approver: strOrNull(r.approver),
    snapshotId: strOrNull(r.snapshot_id),
    failedStatement: numOrNull(r.failed_statement),
    error: strOrNull(r.error),
    resolvedBy: strOrNull(r.resolved_by),
    // Absent in rows a layout-2 reader loads before anyone upgraded the table.
    serverUuid: strOrNull(r.server_uuid),
    serverBoot: r.server_boot === null || r.server_boot === undefined ? null : fromSqlTime(r.server_boot),
    // Absent before layout 4, null on rows no pull request wrote.
    pullRequest:
      r.pull_request === null || r.pull_request === undefined
        ? null
        : {
            number: num(r.pull_request),
            headCommit: strOrNull(r.head_commit),
            rollback: r.rollback_sql === null || r.rollback_sql === undefined ? null : (JSON.parse(String(r.rollback_sql)) as Statement[]),
            mergeCommit: strOrNull(r.merge_commit),
            objects: r.pr_objects === null || r.pr_objects === undefined ? [] : (JSON.parse(String(r.pr_objects)) as string[]),
          },
    ...stepState(r.step_state),
  };
}

// Absent before layout 5, null on rows no statement in steps wrote. An emergency's reason rides here
// too (`apply --emergency`), set only on the rows an emergency run wrote.
function stepState(v: unknown): { online: OnlineMark | null; backfill: BackfillProgress | null; emergency?: string } {
  const state = v === null || v === undefined ? {} : (JSON.parse(String(v)) as { online?: OnlineMark; backfill?: BackfillProgress; emergency?: string });
  return { online: state.online ?? null, backfill: state.backfill ?? null, ...(state.emergency ? { emergency: state.emergency } : {}) };
}

/** The layout recorded on the table, null when there is no table; refuses a table changegate did not make. */
export async function historyLayout(conn: MysqlConnection): Promise<number | null> {
  const rows = await conn.query<{ TABLE_COMMENT: string }>(
    'SELECT TABLE_COMMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?',
    [HISTORY_TABLE],
  );
  if (!rows.length) return null;
  const comment = rows[0]!.TABLE_COMMENT ?? '';
  const m = /^changegate history, layout (\d+)$/.exec(comment);
  if (!m) {
    throw new RefusedError(
      `refused: the table ${HISTORY_TABLE} on ${conn.label} was not created by changegate (its comment is "${comment}"); rename it`,
    );
  }
  return Number(m[1]);
}

/**
 * Creates the history table at HISTORY_LAYOUT or upgrades it there. Idempotent and safe when two runners
 * race (CREATE TABLE IF NOT EXISTS; a step another runner already applied is recognised). These are
 * DDL statements: they commit the caller's open transaction. Refuses a layout newer than this version knows.
 */
export async function ensureHistory(conn: MysqlConnection): Promise<void> {
  // A fresh table at the newest layout; an existing one (perhaps older, perhaps from an older
  // changegate racing this one) is left to the steps below.
  await conn.exec(CREATE_SQL);
  let layout = (await historyLayout(conn))!;
  if (layout > HISTORY_LAYOUT) {
    throw new RefusedError(
      `refused: the history table ${HISTORY_TABLE} on ${conn.label} has layout ${layout}, newer than this changegate knows (${HISTORY_LAYOUT}); upgrade changegate`,
    );
  }
  for (const step of LAYOUT_STEPS) {
    if (step.layout <= layout) continue;
    try {
      await conn.exec(step.sql);
    } catch (e) {
      // 1060 duplicate column, 1061 duplicate key, 1091 cannot drop: another runner got there first.
      if (!(e instanceof StatementError && [1060, 1061, 1091].includes(e.errno ?? 0))) throw e;
      if (((await historyLayout(conn)) ?? 0) < step.layout) throw e;
    }
    layout = step.layout;
  }
}

/** HistoryWriter over one connection; writes join that connection's transaction and never commit. */
export class MysqlHistory implements HistoryWriter {
  constructor(private readonly conn: MysqlConnection) {}

  /** `ensureHistory` on this connection. */
  ensure(): Promise<void> {
    return ensureHistory(this.conn);
  }

  /**
   * Every row, oldest first. Inside an open transaction this is a consistent read: load after taking
   * the run lock, with no transaction open, to see what the previous runner committed.
   */
  async load(): Promise<HistoryRecord[]> {
    return (await this.conn.query<Row>(LOAD_SQL)).map(fromRow);
  }

  async put(rec: HistoryRecord): Promise<void> {
    await this.conn.exec(PUT_SQL, toRow(rec));
  }

  async progress(changeId: string, applied: number, inFlight: number | null, connectionId: number): Promise<void> {
    const matched = await this.conn.exec(PROGRESS_SQL, [applied, inFlight, connectionId, changeId]);
    if (matched !== 1) throw new Error(`history: no row for change ${changeId} to record progress on (put it first)`);
  }
}

/**
 * Reads a target's history without the apply guards (status, the `after` gate reading another
 * environment): its own connection, autocommit on, closed after. No table yet means no history.
 */
export async function readHistory(
  source: TargetSpec | MysqlConnection | { connection: MysqlConnection },
  label = 'the target',
): Promise<HistoryRecord[]> {
  if ('connection' in source) return loadIfPresent(source.connection);
  if (isConnection(source)) return loadIfPresent(source);
  const conn = await openConnection(source, label);
  try {
    await useSchema(conn, source.schema);
    return await loadIfPresent(conn);
  } finally {
    await conn.close();
  }
}

function isConnection(x: TargetSpec | MysqlConnection): x is MysqlConnection {
  return typeof (x as MysqlConnection).query === 'function';
}

async function loadIfPresent(conn: MysqlConnection): Promise<HistoryRecord[]> {
  try {
    return await new MysqlHistory(conn).load();
  } catch (e) {
    if (e instanceof StatementError && e.errno === 1146) return [];
    throw e;
  }
}
