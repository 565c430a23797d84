// Where the history table is written: one row per change in the target schema, the durable record
// that makes "never twice, never skipped" possible across crashes (DESIGN.md invariants 1 and 3).
// knex only generates SQL here (no connection); every statement runs on the caller's connection so
// that history writes join the apply session's transaction.
import knex from 'knex';
import { RefusedError } from '../../core/errors.js';
import { StatementError, type HistoryWriter } from '../../core/ports.js';
import type { HistoryRecord, HistoryStatus } from '../../core/types.js';
import { openConnection, useSchema, type MysqlConnection, type TargetSpec } from './connection.js';

/** The history table's name, in the target schema. Renaming it later strands every existing history. */
export const HISTORY_TABLE = 'changegate_history';

/** The table layout this version writes; recorded in the table comment so a later version can upgrade it. */
export const HISTORY_LAYOUT = 2;

const COMMENT_PREFIX = 'changegate history, layout ';
const sqlgen = knex({ client: 'mysql2' });

/** Byte-safe limits for text columns: strict sql_mode would reject a longer value, lax mode would cut it silently. */
const LIMITS = { operator: 255, git_commit: 64, run_url: 1024, approver: 255, snapshot_id: 255, resolved_by: 255, error: 60000 } as const;

/**
 * Layout steps, oldest first. A fresh table is created at layout 1 and upgraded through every step,
 * so a fresh install and an upgraded one can never differ. A step is one ALTER (comment included) so
 * a crash cannot leave columns added under an old layout number.
 */
const LAYOUT_STEPS: { layout: number; sql: string }[] = [
  {
    layout: 1,
    sql: ifNotExists(
      sqlgen.schema
        .createTable(HISTORY_TABLE, (t) => {
          t.string('change_id', 191).notNullable().primary();
          t.string('status', 16).notNullable();
          t.string('checksum', 128).notNullable();
          t.integer('checksum_version').notNullable();
          t.text('file_checksums', 'longtext').notNullable();
          t.integer('statements_total').notNullable();
          t.integer('statements_applied').notNullable();
          t.text('statement_hashes', 'longtext').notNullable();
          t.integer('in_flight').nullable();
          t.specificType('connection_id', 'BIGINT UNSIGNED').nullable();
          t.specificType('started_at', 'DATETIME(3)').notNullable();
          t.specificType('finished_at', 'DATETIME(3)').nullable();
          t.bigInteger('duration_ms').nullable();
          t.string('operator', LIMITS.operator).notNullable();
          t.string('git_commit', LIMITS.git_commit).nullable();
          t.string('run_url', LIMITS.run_url).nullable();
          t.string('approver', LIMITS.approver).nullable();
          t.string('snapshot_id', LIMITS.snapshot_id).nullable();
          t.integer('failed_statement').nullable();
          t.text('error', 'mediumtext').nullable();
          // InnoDB is essential: a DML statement and its history update must commit together.
          t.engine('InnoDB');
          t.charset('utf8mb4');
          // Binary collation: change ids are file names, and file names are case-sensitive.
          t.collate('utf8mb4_bin');
          t.comment(`${COMMENT_PREFIX}1`);
        })
        .toSQL(),
    ),
  },
  {
    // Layout 2: who decided an in-doubt statement, and when the row was last written (for in-doubt reports).
    layout: 2,
    sql: oneAlter(
      sqlgen.schema
        .alterTable(HISTORY_TABLE, (t) => {
          t.string('resolved_by', LIMITS.resolved_by).nullable();
          t.specificType('updated_at', 'DATETIME(3)').nullable();
          t.comment(`${COMMENT_PREFIX}2`);
        })
        .toSQL(),
    ),
  },
];

function ifNotExists(stmts: { sql: string }[]): string {
  if (stmts.length !== 1 || !/^create table /i.test(stmts[0]!.sql)) throw new Error('history layout: expected one CREATE TABLE');
  // knex's createTableIfNotExists is deprecated; the statement itself is what we want.
  return stmts[0]!.sql.replace(/^create table /i, 'create table if not exists ');
}

function oneAlter(stmts: { sql: string }[]): string {
  const prefix = /^alter table `[^`]+` /i;
  const head = prefix.exec(stmts[0]!.sql)![0];
  return head + stmts.map((s) => s.sql.replace(prefix, '')).join(', ');
}

/** The layout SQL up to a layout, in order; tests build an older table with it. */
export function historyLayoutSql(upTo: number = HISTORY_LAYOUT): string[] {
  return LAYOUT_STEPS.filter((s) => s.layout <= upTo).map((s) => s.sql);
}

/** The columns of a HistoryRecord (layout 2 adds `updated_at`, which only the server writes). */
const COLUMNS = [
  'change_id', 'status', 'checksum', 'checksum_version', 'file_checksums', 'statements_total',
  'statements_applied', 'statement_hashes', 'in_flight', 'connection_id', 'started_at', 'finished_at',
  'duration_ms', 'operator', 'git_commit', 'run_url', 'approver', 'snapshot_id', 'failed_statement',
  'error', 'resolved_by',
] as const;
type Column = (typeof COLUMNS)[number];
type Row = Record<Column, unknown>;

// knex orders an insert's columns itself; binding each column's own name reveals that order once.
const PUT = sqlgen(HISTORY_TABLE)
  .insert({ ...Object.fromEntries(COLUMNS.map((c) => [c, c])), updated_at: sqlgen.raw('UTC_TIMESTAMP(3)') })
  .onConflict()
  .merge()
  .toSQL();
const PUT_SQL = PUT.sql;
const PUT_ORDER = PUT.bindings as readonly Column[];
// Built once: this runs before every statement of every change, so it is one small UPDATE, one round trip.
const PROGRESS_SQL = sqlgen(HISTORY_TABLE)
  .update({ statements_applied: 0, in_flight: 0, connection_id: 0, updated_at: sqlgen.raw('UTC_TIMESTAMP(3)') })
  .where('change_id', '')
  .toSQL().sql;
// `*`, not the column list: a reader (status, the `after` gate) may meet an older or newer layout.
const LOAD_SQL = sqlgen(HISTORY_TABLE).select('*').orderBy(['started_at', 'change_id']).toSQL().sql;

/** `2026-11-24 10:00:00.123` in UTC: what DATETIME(3) stores, with no session time zone involved. */
export function toSqlTime(d: Date): string {
  return d.toISOString().replace('T', ' ').replace('Z', '');
}

/** Reads DATETIME(3) text (the connection returns dates as strings) as UTC. */
export function fromSqlTime(s: unknown): Date {
  return new Date(String(s).replace(' ', 'T') + 'Z');
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
    statement_hashes: JSON.stringify(rec.statementHashes),
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
  };
  return PUT_ORDER.map((c) => row[c]);
}

function num(v: unknown): number {
  return Number(v);
}

function numOrNull(v: unknown): number | null {
  return v === null || v === undefined ? null : Number(v);
}

function strOrNull(v: unknown): string | null {
  return v === null || v === undefined ? null : String(v);
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
    statementHashes: JSON.parse(String(r.statement_hashes)) as string[],
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
  };
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
 * Creates the history table or upgrades it to HISTORY_LAYOUT. Idempotent and safe when two runners
 * race (CREATE TABLE IF NOT EXISTS; a step another runner already applied is recognised). These are
 * DDL statements: they commit the caller's open transaction. Refuses a layout newer than this version knows.
 */
export async function ensureHistory(conn: MysqlConnection): Promise<void> {
  await conn.exec(LAYOUT_STEPS[0]!.sql);
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
