// The MySQL/MariaDB/Aurora adapter: connecting with guards, the apply session, the history table, the
// run lock, the processlist and schema introspection. The core sees only the ports it implements.
export { connectTarget, parseTargetUrl, DEFAULT_PORT } from './connect.js';
export type { ConnectOptions, ServerInfo, Target, TargetSpec, TlsMode } from './connect.js';
export { missingSchemaError, MysqlConnection, openConnection, rdsCaBundle, sslOptions, useSchema } from './connection.js';
export { ensureHistory, historyLayout, historyLayoutSql, readHistory, HISTORY_LAYOUT, HISTORY_TABLE, MysqlHistory } from './history.js';
export { acquireRunLock, lockName } from './lock.js';
export type { RunLock } from './lock.js';
export { lockHolders, MysqlInspector } from './processlist.js';
export { MysqlSession } from './session.js';
export { createShadowSchema, describeSchema, dropSchema, normalizeSql, SHADOW_PREFIX } from './introspect.js';
export { compareVersions, describeVersion, parseServerVersion } from './version.js';
export type { ServerVersion } from './version.js';
