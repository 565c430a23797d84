// Loads test/fixtures/sakila/sakila-schema.sql into a schema as its users would: with the server's
// own client where the machine has one (Debian's `mariadb`), else (Oracle MySQL, whose client binary
// is not in the unpacked cache) through mysql2 with multipleStatements, handling DELIMITER lines the
// way the mysql client does. changegate's own splitter is not used, so a bug in it cannot hide here.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import mysql from 'mysql2/promise';
import { testServerKind, type TestServer } from './mysql-server.js';

/** The fixture's path in the source tree. */
export const SAKILA_SQL = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'test', 'fixtures', 'sakila', 'sakila-schema.sql');

/** The client binary used for MariaDB, when present. */
export const MARIADB_CLIENT = '/usr/bin/mariadb';

/** How the last load ran, for the test's log: `mariadb client` or `mysql2`. */
export function sakilaLoader(): string {
  return testServerKind() === 'mariadb' && existsSync(MARIADB_CLIENT) ? 'mariadb client' : 'mysql2';
}

/** Creates Sakila's tables, views, routines and triggers in `schema` (which must exist and be empty). */
export async function loadSakila(server: TestServer, schema: string): Promise<void> {
  if (sakilaLoader() === 'mariadb client') {
    await new Promise<void>((resolve, reject) => {
      const child = execFile(
        MARIADB_CLIENT,
        ['--protocol=tcp', `--host=${server.host}`, `--port=${server.port}`, `--user=${server.user}`, `--password=${server.password}`, '--skip-ssl', schema],
        (err, _stdout, stderr) => (err ? reject(new Error(`mariadb client failed: ${stderr || err.message}`)) : resolve()),
      );
      child.stdin!.end(readFileSync(SAKILA_SQL));
    });
    return;
  }
  const conn = await mysql.createConnection({ host: server.host, port: server.port, user: server.user, password: server.password, database: schema, multipleStatements: true });
  try {
    let delimiter = ';';
    let buffer: string[] = [];
    const flush = async (): Promise<void> => {
      const text = buffer.join('\n').trim();
      buffer = [];
      if (!text) return;
      if (delimiter === ';') await conn.query(text);
      else for (const stmt of text.split(delimiter).map((s) => s.trim()).filter(Boolean)) await conn.query(stmt);
    };
    for (const line of readFileSync(SAKILA_SQL, 'utf8').split('\n')) {
      const m = /^DELIMITER\s+(\S+)\s*$/i.exec(line);
      if (m) {
        await flush();
        delimiter = m[1]!;
      } else if (!line.startsWith('--')) buffer.push(line);
    }
    await flush();
  } finally {
    await conn.end();
  }
}
