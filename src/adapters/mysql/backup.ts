// Where `snapshot_method: tables` backups are taken and put back: a copy of every table a change may
// write or drop, its exact definition and the definitions of dropped objects, in `backup_schema` on
// the same server, with a catalog table that ties each copy to its change and run. Nothing here
// ever deletes a backup.
import { createHash } from 'node:crypto';
import { RefusedError } from '../../core/errors.js';
import { bodyWrites, statementTargets, viewBaseTables, type ObjectKind, type ObjectName } from '../../core/backup/targets.js';
import type { Backup, BackupItem, BackupRequest, BackupScope, BackupTable, RestoreResult } from '../../core/backup/types.js';

export type { Backup, BackupItem, BackupRequest, BackupScope, BackupTable, RestoreResult } from '../../core/backup/types.js';
import { StatementError } from '../../core/ports.js';
import type { MysqlConnection } from './connection.js';
import { quoteIdent } from '../../core/sql/quote.js';

/** The catalog table in `backup_schema`: one row per copied table or kept definition. */
export const CATALOG_TABLE = 'changegate_backups';

const catalogSql = (backupSchema: string) => `CREATE TABLE IF NOT EXISTS ${quoteIdent(backupSchema)}.${quoteIdent(CATALOG_TABLE)} (
  backup_id VARCHAR(191) NOT NULL,
  item INT NOT NULL,
  change_id VARCHAR(191) NOT NULL,
  environment VARCHAR(64) NOT NULL,
  kind VARCHAR(16) NOT NULL,
  source_schema VARCHAR(64) NOT NULL,
  source_name VARCHAR(64) NOT NULL,
  on_table VARCHAR(64) NULL,
  copy_table VARCHAR(64) NULL,
  definition LONGTEXT NOT NULL,
  sql_mode VARCHAR(1024) NULL,
  row_count BIGINT NULL,
  bytes BIGINT NULL,
  created_at DATETIME(3) NOT NULL,
  operator VARCHAR(255) NOT NULL,
  run_url VARCHAR(1024) NULL,
  restored_at DATETIME(3) NULL,
  restored_by VARCHAR(255) NULL,
  PRIMARY KEY (backup_id, item)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin COMMENT='changegate backups, layout 1'`;

// Column types whose text-protocol bytes are the value itself; every other value is text in the
// connection's character set (utf8mb4) and goes back through CONVERT(... USING utf8mb4).
const BINARY_TYPES = new Set([
  'binary', 'varbinary', 'tinyblob', 'blob', 'mediumblob', 'longblob', 'bit', 'geometry', 'point', 'linestring',
  'polygon', 'multipoint', 'multilinestring', 'multipolygon', 'geometrycollection', 'geomcollection',
]);
// Bytes per INSERT of copied rows: well under the smallest default max_allowed_packet (16 MB on MariaDB).
const INSERT_BYTES = 2 * 1024 * 1024;
// Rows read per page of a table with a primary key.
const PAGE_ROWS = 10_000;

const key = (schema: string, name: string) => `${schema.toLowerCase()}.${name.toLowerCase()}`;

/**
 * Every existing table the statements may write or drop, followed through views (to their base
 * tables), triggers (to what their bodies write) and called procedures; with row counts and sizes.
 */
export async function backupScope(conn: MysqlConnection, schema: string, statements: string[]): Promise<BackupScope> {
  const tables = new Map<string, ObjectName & { schema: string }>();
  const objects = new Map<string, { kind: ObjectKind; schema: string; name: string }>();
  const queue: { schema: string; name: string }[] = [];
  const calls: { schema: string; name: string }[] = [];
  const own = (n: ObjectName) => ({ schema: n.schema ?? schema, name: n.name });
  for (const sql of statements) {
    const t = statementTargets(sql);
    if (t.unknown) return { tables: [], objects: [], unknown: t.unknown, rows: 0, bytes: 0 };
    queue.push(...t.tables.map(own));
    calls.push(...t.calls.map(own));
    for (const o of t.objects) {
      const n = own(o.name);
      objects.set(`${o.kind}:${key(n.schema, n.name)}`, { kind: o.kind, ...n });
    }
  }
  // A dropped trigger's table keeps its rows; a dropped view's definition is all it loses.
  const seenCalls = new Set<string>();
  while (calls.length) {
    const c = calls.pop()!;
    if (seenCalls.has(key(c.schema, c.name))) continue;
    seenCalls.add(key(c.schema, c.name));
    const [r] = await conn.query<{ def: string | null }>(
      "SELECT ROUTINE_DEFINITION AS def FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ? AND ROUTINE_NAME = ? AND ROUTINE_TYPE = 'PROCEDURE'",
      [c.schema, c.name],
    );
    if (r?.def) queue.push(...bodyWrites(r.def).map((n) => ({ schema: n.schema ?? c.schema, name: n.name })));
    for (const inner of r?.def ? statementsCalled(r.def) : []) calls.push({ schema: inner.schema ?? c.schema, name: inner.name });
  }
  const visited = new Set<string>();
  while (queue.length) {
    const n = queue.shift()!;
    const k = key(n.schema, n.name);
    if (visited.has(k)) continue;
    visited.add(k);
    const [info] = await conn.query<{ type: string; def: string | null }>(
      `SELECT t.TABLE_TYPE AS type, v.VIEW_DEFINITION AS def FROM information_schema.TABLES t
       LEFT JOIN information_schema.VIEWS v ON v.TABLE_SCHEMA = t.TABLE_SCHEMA AND v.TABLE_NAME = t.TABLE_NAME
       WHERE t.TABLE_SCHEMA = ? AND t.TABLE_NAME = ?`,
      [n.schema, n.name],
    );
    if (!info) continue; // created by an earlier statement or change: nothing of it to lose yet
    if (info.type === 'VIEW') {
      queue.push(...viewBaseTables(info.def ?? '').map((b) => ({ schema: b.schema ?? n.schema, name: b.name })));
      continue;
    }
    if (!/TABLE/.test(info.type) || /TEMPORARY/.test(info.type)) continue;
    tables.set(k, n);
    // A write to this table fires its triggers, which may write elsewhere.
    const triggers = await conn.query<{ body: string }>(
      'SELECT ACTION_STATEMENT AS body FROM information_schema.TRIGGERS WHERE EVENT_OBJECT_SCHEMA = ? AND EVENT_OBJECT_TABLE = ?',
      [n.schema, n.name],
    );
    for (const tr of triggers) queue.push(...bodyWrites(tr.body).map((b) => ({ schema: b.schema ?? n.schema, name: b.name })));
  }
  const out: BackupTable[] = [];
  for (const t of tables.values()) {
    const [size] = await conn.query<{ bytes: unknown }>(
      'SELECT COALESCE(DATA_LENGTH, 0) + COALESCE(INDEX_LENGTH, 0) AS bytes FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?',
      [t.schema, t.name],
    );
    const [count] = await conn.query<{ n: unknown }>(`SELECT COUNT(*) AS n FROM ${quoteIdent(t.schema)}.${quoteIdent(t.name)}`);
    out.push({ schema: t.schema, name: t.name, rows: Number(count?.n ?? 0), bytes: Number(size?.bytes ?? 0) });
  }
  const existing: BackupScope['objects'] = [];
  for (const o of objects.values()) if ((await showCreate(conn, o.kind, o.schema, o.name)) !== null) existing.push(o);
  return {
    tables: out,
    objects: existing,
    rows: out.reduce((a, t) => a + t.rows, 0),
    bytes: out.reduce((a, t) => a + t.bytes, 0),
  };
}

function statementsCalled(body: string): ObjectName[] {
  const out: ObjectName[] = [];
  const re = /\bCALL\s+((?:`[^`]+`|[A-Za-z0-9_$]+)(?:\.(?:`[^`]+`|[A-Za-z0-9_$]+))?)/gi;
  for (const m of body.matchAll(re)) {
    const parts = m[1]!.split('.').map((p) => p.replace(/^`|`$/g, ''));
    out.push(parts.length === 2 ? { schema: parts[0]!, name: parts[1]! } : { name: parts[0]! });
  }
  return out;
}

// SHOW CREATE <kind> of an object, with the sql_mode it was created under; null when it is not there.
async function showCreate(conn: MysqlConnection, kind: ObjectKind | 'table', schema: string, name: string): Promise<{ definition: string; sqlMode: string | null } | null> {
  const what = kind.toUpperCase();
  try {
    const [row] = await conn.query<Record<string, string | null>>(`SHOW CREATE ${what} ${quoteIdent(schema)}.${quoteIdent(name)}`);
    if (!row) return null;
    const column = { table: 'Create Table', view: 'Create View', procedure: 'Create Procedure', function: 'Create Function', trigger: 'SQL Original Statement', event: 'Create Event' }[kind];
    const definition = row[column] ?? (kind === 'table' ? row['Create View'] : null);
    if (definition === null || definition === undefined) return null;
    return { definition, sqlMode: row['sql_mode'] ?? null };
  } catch (e) {
    // 1146 no table, 1305 no routine, 1360 no trigger, 1539 no event, 1347 not a view.
    if (e instanceof StatementError && [1146, 1305, 1360, 1539, 1347].includes(e.errno ?? 0)) return null;
    throw e;
  }
}

/** `yymmddhhmmssmmm` in UTC: the run part of every copy's name. */
export function backupStamp(d: Date): string {
  const iso = d.toISOString();
  return iso.slice(2, 4) + iso.slice(5, 7) + iso.slice(8, 10) + iso.slice(11, 13) + iso.slice(14, 16) + iso.slice(17, 19) + iso.slice(20, 23);
}

/**
 * `cg_<run start>_<6 hex of the target schema and the change id>`: the prefix of every copy of one
 * change's backup in one run, and the backup's id with the backup schema in front. The catalog names
 * the change in full. The target schema is in the hash because the tenants of a fleet share one
 * backup schema per server and back up the same change in the same millisecond.
 */
export function backupPrefix(changeId: string, at: Date, targetSchema: string): string {
  return `cg_${backupStamp(at)}_${createHash('sha256').update(`${targetSchema}\0${changeId}`).digest('hex').slice(0, 6)}`;
}

/** The copy of `source` in a backup: the prefix, then as much of the source name as fits in 64. */
export function copyName(prefix: string, source: string, taken: Set<string>): string {
  const base = `${prefix}_${source}`.slice(0, 64);
  let name = base;
  // Two long source names can share their first 38 characters: number the later ones.
  for (let i = 2; taken.has(name.toLowerCase()); i++) name = `${base.slice(0, 64 - String(i).length - 1)}~${i}`;
  taken.add(name.toLowerCase());
  return name;
}

interface SessionVars {
  sql_mode: string;
  foreign_key_checks: unknown;
  time_zone: string;
}

async function saveVars(conn: MysqlConnection): Promise<SessionVars> {
  const [v] = await conn.query<SessionVars>('SELECT @@SESSION.sql_mode AS sql_mode, @@SESSION.foreign_key_checks AS foreign_key_checks, @@SESSION.time_zone AS time_zone');
  return v!;
}

async function restoreVars(conn: MysqlConnection, v: SessionVars): Promise<void> {
  await conn.exec('SET SESSION sql_mode = ?, SESSION foreign_key_checks = ?, SESSION time_zone = ?', [v.sql_mode, Number(v.foreign_key_checks), v.time_zone]);
}

/**
 * Copies the scope's tables (rows and exact definitions) and keeps the objects' definitions, all
 * from one consistent read, on `conn` (which must have no open transaction: the copies' CREATE TABLE
 * statements commit). Returns the backup id `<backup_schema>.<prefix>`. Session settings are put back.
 */
export async function takeBackup(conn: MysqlConnection, targetSchema: string, scope: BackupScope, req: BackupRequest): Promise<{ id: string; items: BackupItem[] }> {
  const prefix = backupPrefix(req.changeId, req.runStarted, targetSchema);
  const id = `${req.backupSchema}.${prefix}`;
  const bq = quoteIdent(req.backupSchema);
  const saved = await saveVars(conn);
  const items: BackupItem[] = [];
  const item = (p: Partial<BackupItem> & Pick<BackupItem, 'kind' | 'sourceSchema' | 'sourceName' | 'definition'>): BackupItem => {
    const it: BackupItem = {
      backupId: id, item: items.length + 1, changeId: req.changeId, environment: req.environment, onTable: null, copyTable: null,
      sqlMode: null, rows: null, bytes: null, createdAt: req.now, operator: req.operator, runUrl: req.runUrl, restoredAt: null, restoredBy: null, ...p,
    };
    items.push(it);
    return it;
  };
  try {
    await conn.exec('COMMIT');
    await conn.exec(`CREATE DATABASE IF NOT EXISTS ${bq} CHARACTER SET utf8mb4`);
    await conn.exec(catalogSql(req.backupSchema));
    const taken = new Set<string>();
    const copies = scope.tables.map((t) => ({ ...t, copy: copyName(prefix, t.name, taken) }));
    // LIKE keeps columns, indexes and partitioning but no foreign keys: constraint names are unique
    // per schema, and a copy must never point at (or block) live rows. The exact definition is kept
    // in the catalog for restore.
    for (const c of copies) await conn.exec(`CREATE TABLE ${bq}.${quoteIdent(c.copy)} LIKE ${quoteIdent(c.schema)}.${quoteIdent(c.name)}`);
    await conn.exec("SET SESSION sql_mode = 'NO_AUTO_VALUE_ON_ZERO', SESSION foreign_key_checks = 0, SESSION time_zone = '+00:00'");
    await conn.exec('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    // One read view for every table: the copies show the tables at one moment, as a snapshot does.
    // The reads are plain (non-locking) SELECTs, so the application's writes never wait on a backup.
    await conn.exec('START TRANSACTION WITH CONSISTENT SNAPSHOT');
    for (const c of copies) {
      const cols = await insertableColumns(conn, c.schema, c.name);
      const key = await primaryKey(conn, c.schema, c.name);
      const select = `SELECT ${cols.map((x) => quoteIdent(x.name)).join(', ')} FROM ${quoteIdent(c.schema)}.${quoteIdent(c.name)}`;
      let copied = 0;
      let def: Awaited<ReturnType<typeof showCreate>> = null;
      // In pages along the primary key, so memory stays bounded; the read view keeps OFFSET stable.
      // A table without one is read at once.
      for (let offset = 0; ; offset += PAGE_ROWS) {
        const rows = await conn.rawRows(key.length ? `${select} ORDER BY ${key.map(quoteIdent).join(', ')} LIMIT ${PAGE_ROWS} OFFSET ${offset}` : select);
        // Read after the first SELECT: its metadata lock holds the definition still until the commit.
        def ??= await showCreate(conn, 'table', c.schema, c.name);
        await insertRows(conn, `${bq}.${quoteIdent(c.copy)}`, cols, rows);
        copied += rows.length;
        if (!key.length || rows.length < PAGE_ROWS) break;
      }
      item({ kind: 'table', sourceSchema: c.schema, sourceName: c.name, copyTable: c.copy, definition: def?.definition ?? '', rows: copied, bytes: c.bytes });
      // Restoring a table re-creates it, which drops its triggers: keep them with it.
      const triggers = await conn.query<{ name: string }>(
        'SELECT TRIGGER_NAME AS name FROM information_schema.TRIGGERS WHERE EVENT_OBJECT_SCHEMA = ? AND EVENT_OBJECT_TABLE = ? ORDER BY ACTION_TIMING, EVENT_MANIPULATION, ACTION_ORDER',
        [c.schema, c.name],
      );
      for (const tr of triggers) {
        const d = await showCreate(conn, 'trigger', c.schema, tr.name);
        if (d) item({ kind: 'trigger', sourceSchema: c.schema, sourceName: tr.name, onTable: c.name, definition: d.definition, sqlMode: d.sqlMode });
      }
    }
    for (const o of scope.objects) {
      if (items.some((i) => i.kind === o.kind && key(i.sourceSchema, i.sourceName) === key(o.schema, o.name))) continue;
      const d = await showCreate(conn, o.kind, o.schema, o.name);
      if (d) item({ kind: o.kind, sourceSchema: o.schema, sourceName: o.name, definition: d.definition, sqlMode: d.sqlMode });
    }
    for (const it of items) await putItem(conn, req.backupSchema, it);
    await conn.exec('COMMIT');
  } catch (e) {
    await conn.exec('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    await restoreVars(conn, saved).catch(() => undefined);
  }
  return { id, items };
}

async function primaryKey(conn: MysqlConnection, schema: string, table: string): Promise<string[]> {
  const rows = await conn.query<{ name: string }>(
    "SELECT COLUMN_NAME AS name FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND INDEX_NAME = 'PRIMARY' ORDER BY SEQ_IN_INDEX",
    [schema, table],
  );
  return rows.map((r) => r.name);
}

async function insertableColumns(conn: MysqlConnection, schema: string, table: string): Promise<{ name: string; binary: boolean }[]> {
  // Generated columns are computed again from the others; invisible ones are named, so they are copied too.
  const rows = await conn.query<{ name: string; type: string; gen: string | null; extra: string | null }>(
    `SELECT COLUMN_NAME AS name, DATA_TYPE AS type, GENERATION_EXPRESSION AS gen, EXTRA AS extra FROM information_schema.COLUMNS
     WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`,
    [schema, table],
  );
  return rows
    .filter((r) => !(r.gen && r.gen.trim() !== '') && !/GENERATED/i.test((r.extra ?? '').replace(/DEFAULT_GENERATED/gi, '')))
    .map((r) => ({ name: r.name, binary: BINARY_TYPES.has(r.type.toLowerCase()) }));
}

async function insertRows(conn: MysqlConnection, into: string, cols: { name: string; binary: boolean }[], rows: (Buffer | null)[][]): Promise<void> {
  const head = `INSERT INTO ${into} (${cols.map((c) => quoteIdent(c.name)).join(', ')}) VALUES `;
  let batch: string[] = [];
  let size = head.length;
  const flush = async () => {
    if (batch.length) await conn.exec(head + batch.join(', '));
    batch = [];
    size = head.length;
  };
  for (const row of rows) {
    const values = row.map((v, i) => {
      if (v === null) return 'NULL';
      const hex = `X'${v.toString('hex')}'`;
      return cols[i]!.binary ? (v.length === 0 ? "''" : hex) : v.length === 0 ? "''" : `CONVERT(${hex} USING utf8mb4)`;
    });
    const tuple = `(${values.join(', ')})`;
    if (batch.length && size + tuple.length > INSERT_BYTES) await flush();
    batch.push(tuple);
    size += tuple.length + 2;
  }
  await flush();
}

async function putItem(conn: MysqlConnection, backupSchema: string, it: BackupItem): Promise<void> {
  await conn.exec(
    `INSERT INTO ${quoteIdent(backupSchema)}.${quoteIdent(CATALOG_TABLE)} (backup_id, item, change_id, environment, kind, source_schema, source_name, on_table, copy_table, definition, sql_mode, row_count, bytes, created_at, operator, run_url)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [it.backupId, it.item, it.changeId, it.environment, it.kind, it.sourceSchema, it.sourceName, it.onTable, it.copyTable, it.definition, it.sqlMode, it.rows, it.bytes, sqlTime(it.createdAt), it.operator.slice(0, 255), it.runUrl?.slice(0, 1024) ?? null],
  );
}

function sqlTime(d: Date): string {
  return d.toISOString().replace('T', ' ').replace('Z', '');
}

function fromSqlTime(s: unknown): Date | null {
  return s === null || s === undefined ? null : new Date(String(s).replace(' ', 'T') + 'Z');
}

/** Every backup in `backupSchema` for `environment`, oldest first; none when the schema or catalog is not there. */
export async function listBackups(conn: MysqlConnection, backupSchema: string, environment?: string): Promise<Backup[]> {
  let rows: Record<string, unknown>[];
  try {
    rows = await conn.query(
      `SELECT * FROM ${quoteIdent(backupSchema)}.${quoteIdent(CATALOG_TABLE)}${environment ? ' WHERE environment = ?' : ''} ORDER BY created_at, backup_id, item`,
      environment ? [environment] : [],
    );
  } catch (e) {
    if (e instanceof StatementError && (e.errno === 1146 || e.errno === 1049)) return [];
    throw e;
  }
  const byId = new Map<string, Backup>();
  for (const r of rows) {
    const it: BackupItem = {
      backupId: String(r['backup_id']), item: Number(r['item']), changeId: String(r['change_id']), environment: String(r['environment']),
      kind: String(r['kind']) as BackupItem['kind'], sourceSchema: String(r['source_schema']), sourceName: String(r['source_name']),
      onTable: r['on_table'] === null ? null : String(r['on_table']), copyTable: r['copy_table'] === null ? null : String(r['copy_table']),
      definition: String(r['definition']), sqlMode: r['sql_mode'] === null ? null : String(r['sql_mode']),
      rows: r['row_count'] === null ? null : Number(r['row_count']), bytes: r['bytes'] === null ? null : Number(r['bytes']),
      createdAt: fromSqlTime(r['created_at'])!, operator: String(r['operator']), runUrl: r['run_url'] === null ? null : String(r['run_url']),
      restoredAt: fromSqlTime(r['restored_at']), restoredBy: r['restored_by'] === null ? null : String(r['restored_by']),
    };
    let b = byId.get(it.backupId);
    if (!b) {
      b = { id: it.backupId, changeId: it.changeId, environment: it.environment, createdAt: it.createdAt, items: [], rows: 0, bytes: 0, restoredAt: null };
      byId.set(it.backupId, b);
    }
    b.items.push(it);
    b.rows += it.rows ?? 0;
    b.bytes += it.bytes ?? 0;
    if (it.restoredAt && (!b.restoredAt || it.restoredAt > b.restoredAt)) b.restoredAt = it.restoredAt;
  }
  return [...byId.values()];
}

/**
 * Puts every table of the backup back exactly as it was (its kept definition, foreign keys and
 * indexes included, then its rows), then its triggers and the dropped objects, on `conn` in the
 * target schema `schema`; marks the catalog rows restored. Session settings are put back.
 */
export async function restoreBackup(conn: MysqlConnection, backup: Backup, schema: string, backupSchema: string, by: string, now: Date): Promise<RestoreResult> {
  const saved = await saveVars(conn);
  const result: RestoreResult = { tables: [], objects: [] };
  const bq = quoteIdent(backupSchema);
  try {
    await conn.exec('COMMIT');
    // Foreign keys off: a table is dropped and re-created while other tables still point at it,
    // and its rows come back before (or without) the rows they reference, exactly as they were.
    await conn.exec("SET SESSION sql_mode = 'NO_AUTO_VALUE_ON_ZERO', SESSION foreign_key_checks = 0, SESSION time_zone = '+00:00'");
    for (const it of backup.items.filter((i) => i.kind === 'table')) {
      const target = `${quoteIdent(it.sourceSchema)}.${quoteIdent(it.sourceName)}`;
      await conn.exec(`DROP TABLE IF EXISTS ${target}`);
      // The kept definition names the table without its schema, as SHOW CREATE TABLE prints it.
      await conn.exec(`USE ${quoteIdent(it.sourceSchema)}`);
      await conn.exec(it.definition);
      const cols = await insertableColumns(conn, backupSchema, it.copyTable!);
      const list = cols.map((c) => quoteIdent(c.name)).join(', ');
      await conn.exec(`INSERT INTO ${target} (${list}) SELECT ${list} FROM ${bq}.${quoteIdent(it.copyTable!)}`);
      await conn.exec('COMMIT');
      result.tables.push({ schema: it.sourceSchema, name: it.sourceName, rows: it.rows ?? 0 });
    }
    // Views last among objects that depend on tables; triggers need their tables back first.
    const order: Record<string, number> = { function: 0, procedure: 1, view: 2, trigger: 3, event: 4 };
    const objects = backup.items.filter((i) => i.kind !== 'table').sort((a, b) => order[a.kind]! - order[b.kind]! || a.item - b.item);
    for (const it of objects) {
      await conn.exec(`USE ${quoteIdent(it.sourceSchema)}`);
      await conn.exec(`SET SESSION sql_mode = ?`, [it.sqlMode ?? 'NO_AUTO_VALUE_ON_ZERO']);
      const name = `${quoteIdent(it.sourceSchema)}.${quoteIdent(it.sourceName)}`;
      if (it.kind === 'view') await conn.exec(`DROP VIEW IF EXISTS ${name}`);
      else await conn.exec(`DROP ${it.kind.toUpperCase()} IF EXISTS ${name}`);
      await conn.exec(it.definition);
      if (!it.onTable) result.objects.push({ kind: it.kind, schema: it.sourceSchema, name: it.sourceName });
    }
    await conn.exec(`UPDATE ${bq}.${quoteIdent(CATALOG_TABLE)} SET restored_at = ?, restored_by = ? WHERE backup_id = ?`, [sqlTime(now), by.slice(0, 255), backup.id]);
    await conn.exec('COMMIT');
  } catch (e) {
    await conn.exec('ROLLBACK').catch(() => undefined);
    throw new RefusedError(
      `restore of ${backup.id} stopped: ${e instanceof Error ? e.message : String(e)}; the tables restored so far are back (${result.tables.map((t) => t.name).join(', ') || 'none'}), the backup is intact: fix the cause and run restore again`,
      { cause: e },
    );
  } finally {
    await conn.exec(`USE ${quoteIdent(schema)}`).catch(() => undefined);
    await restoreVars(conn, saved).catch(() => undefined);
  }
  return result;
}
