// Where drift keeps a shadow replay's result: one row in a table of changegate's own beside the history
// table, in the target schema, holding the described schema (JSON, gzipped) under the key of the
// replay that made it (core/expected-schema.ts). Keeping it is a cache, never a record of what ran:
// no table, no right to read it or a row that cannot be decoded is "nothing kept", and drift replays
// again; a failure to keep it is a warning.
import { gunzipSync, gzipSync } from 'node:zlib';
import { StatementError } from '../../core/ports.js';
import type { SchemaShape } from '../../core/drift.js';
import type { KeptSchema } from '../../core/usecases/drift.js';
import type { MysqlConnection } from './connection.js';
import { fromSqlTime } from './history.js';
import { str, type Row } from './values.js';

/** The table drift keeps the expected schema in, in the target schema; introspection leaves it out like the history. */
export const EXPECTED_TABLE = 'changegate_expected_schema';

// Settings that change what a replayed CREATE or ALTER makes (implicit defaults, row formats, name
// case, what strict mode refuses), read from the session a replay would run in. SHOW VARIABLES
// leaves out a name the server does not have (MySQL's default_collation_for_utf8mb4, MariaDB's
// character_set_collations) instead of failing.
const SETTINGS = [
  'version', 'version_comment', 'sql_mode', 'lower_case_table_names', 'default_storage_engine',
  'explicit_defaults_for_timestamp', 'innodb_default_row_format', 'innodb_strict_mode', 'innodb_file_per_table',
  'default_collation_for_utf8mb4', 'character_set_collations', 'foreign_key_checks', 'sql_require_primary_key',
];

/** The identity of a replay on this connection's server in a shadow made like `schema`: the settings above and the schema's defaults. */
export async function replayIdentity(conn: MysqlConnection, schema: string): Promise<string> {
  const vars = await conn.query<Row>(`SHOW SESSION VARIABLES WHERE Variable_name IN (${SETTINGS.map(() => '?').join(', ')})`, SETTINGS);
  const [defaults] = await conn.query<Row>(
    'SELECT DEFAULT_CHARACTER_SET_NAME AS cs, DEFAULT_COLLATION_NAME AS co FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?',
    [schema],
  );
  const pairs = vars.map((r) => `${str(r.Variable_name)}=${str(r.Value)}`).sort();
  pairs.push(`schema_charset=${str(defaults?.cs)}`, `schema_collation=${str(defaults?.co)}`);
  return pairs.join('\n');
}

// 1146 no such table (nothing kept yet), 1142 no SELECT on it: both mean "nothing kept here".
const NOTHING_KEPT = new Set([1146, 1142]);

/** The replay result kept under `key` in the connection's schema, or null. */
export async function readKept(conn: MysqlConnection, key: string): Promise<KeptSchema | null> {
  let rows: Row[];
  try {
    rows = await conn.query<Row>(`SELECT recorded_at, shape FROM ${EXPECTED_TABLE} WHERE id = 1 AND record_key = ?`, [key]);
  } catch (e) {
    if (e instanceof StatementError && NOTHING_KEPT.has(e.errno ?? 0)) return null;
    throw e;
  }
  const row = rows[0];
  if (!row || !Buffer.isBuffer(row.shape)) return null;
  try {
    return { shape: JSON.parse(gunzipSync(row.shape).toString('utf8')) as SchemaShape, recordedAt: fromSqlTime(row.recorded_at) };
  } catch {
    return null; // a damaged row: replay, and the replay's result replaces it
  }
}

/**
 * Keeps `shape` under `key` in the connection's schema, replacing what was kept before, and commits (the
 * target's session runs with autocommit off); returns the stored size in bytes.
 */
export async function keepExpected(conn: MysqlConnection, key: string, shape: SchemaShape, changes: number): Promise<number> {
  const blob = gzipSync(JSON.stringify(shape));
  const put = () => conn.exec(`REPLACE INTO ${EXPECTED_TABLE} (id, record_key, changes, recorded_at, shape) VALUES (1, ?, ?, UTC_TIMESTAMP(3), ?)`, [key, changes, blob]);
  try {
    await put();
  } catch (e) {
    // The first result kept in this schema creates the table: a user that may only replace the row
    // (INSERT and DELETE on it) never needs CREATE once it exists.
    if (!(e instanceof StatementError && e.errno === 1146)) throw e;
    await conn.exec(
      `CREATE TABLE IF NOT EXISTS ${EXPECTED_TABLE} (id TINYINT UNSIGNED NOT NULL PRIMARY KEY, record_key CHAR(64) NOT NULL, ` +
        'changes INT NOT NULL, recorded_at DATETIME(3) NOT NULL, shape LONGBLOB NOT NULL) ENGINE=InnoDB ' +
        "COMMENT='changegate: the schema a shadow replay of the applied changes produced, kept for drift'",
    );
    await put();
  }
  await conn.exec('COMMIT');
  return blob.length;
}
