// The backfill benchmark, beside the apply comparison (`npm run bench`): on one million rows, the
// batched UPDATE's rows per second through changegate against the same UPDATE as one statement
// (unthrottled), the waits of writers on random rows during each, and a batched DELETE against
// `pt-archiver --purge` with the same batch size.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { startWriters, type Waits } from './bench-load.js';
import { optionFileText } from '../src/adapters/online/option-file.js';

/** What one server's run measured. */
export interface BackfillBench {
  rows: number;
  singleMs: number;
  batchedMs: number;
  singleWaits: Waits;
  batchedWaits: Waits;
  deleteRows: number;
  batchedDeleteMs: number;
  archiverMs: number;
}

const ROWS = 1_000_000;
const BATCH = 1000;

/** Runs the comparison on the server at `url` (an admin URL without a schema), with `cli` the built executable. */
export async function benchBackfill(url: string, cli: string): Promise<BackfillBench> {
  const schema = `bench_backfill_${process.pid}`;
  const admin = await mysql.createConnection(url);
  const u = new URL(url);
  const target = `${u.protocol}//${u.username}:${u.password}@${u.host}/${schema}`;
  const work = mkdtempSync(path.join(tmpdir(), 'changegate-bench-backfill-'));
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${schema}`);
    await admin.query(`CREATE DATABASE ${schema}`);
    await admin.query(`CREATE TABLE ${schema}.items (id INT NOT NULL PRIMARY KEY, grp INT NOT NULL, n INT NOT NULL DEFAULT 0) ENGINE=InnoDB`);
    for (let start = 1; start <= ROWS; start += 50_000) {
      await admin.query(`INSERT INTO ${schema}.items VALUES ${Array.from({ length: 50_000 }, (_, i) => `(${start + i}, ${(start + i) % 7}, 0)`).join(',')}`);
    }
    await admin.query(`ANALYZE TABLE ${schema}.items`);
    const repo = path.join(work, 'repo');
    mkdirSync(path.join(repo, 'changes'), { recursive: true });
    // Unthrottled: chunk_time keeps batches near the marker's size without pauses.
    writeFileSync(path.join(repo, 'changegate.yaml'), ['database: bench', 'server: { min_version: "5.0" }', 'protected_clusters: []', 'environments:', '  local:', '    url_env: BENCH_URL', ''].join('\n'));
    let n = 0;
    const apply = (sql: string): number => {
      const id = `2026-01-01-b${String(++n).padStart(3, '0')}`;
      mkdirSync(path.join(repo, 'migrations', id), { recursive: true });
      writeFileSync(path.join(repo, 'migrations', id, 'up.sql'), sql);
      writeFileSync(path.join(repo, 'changes', `${id}.yaml`), ['title: Bench', 'ticket: B-1', 'destructive: true', 'apply:', `  - migrations/${id}/up.sql`, ''].join('\n'));
      const t0 = performance.now();
      const r = spawnSync(process.execPath, [cli, 'apply', '--env', 'local'], { cwd: repo, env: { ...process.env, BENCH_URL: target }, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`changegate apply failed: ${r.stdout}${r.stderr}`);
      return performance.now() - t0;
    };
    const load = () => startWriters(target, [`UPDATE ${schema}.items SET grp = grp WHERE id = {ID}`], ROWS);
    let writers = load();
    const singleMs = apply('UPDATE items SET n = n + 1 WHERE grp >= 0;\n');
    const singleWaits = await writers.stop();
    writers = load();
    const batchedMs = apply(`-- changegate:batch rows=${BATCH}\nUPDATE items SET n = n + 1 WHERE grp >= 0;\n`);
    const batchedWaits = await writers.stop();
    // DELETE: three sevenths of the rows each way, changegate first, then pt-archiver on three others.
    const deleteRows = (ROWS * 3) / 7;
    const batchedDeleteMs = apply(`-- changegate:batch rows=${BATCH}\nDELETE FROM items WHERE grp IN (1, 2, 3);\n`);
    const cnf = path.join(work, 'client.cnf');
    writeFileSync(cnf, optionFileText({ host: u.hostname, port: Number(u.port || 3306), user: decodeURIComponent(u.username), password: decodeURIComponent(u.password) }), { mode: 0o600 });
    const t0 = performance.now();
    execFileSync('pt-archiver', ['--source', `F=${cnf},D=${schema},t=items`, '--where', 'grp IN (4, 5, 6)', '--purge', '--limit', String(BATCH), '--commit-each', '--no-check-charset', '--bulk-delete'], { stdio: 'ignore' });
    const archiverMs = performance.now() - t0;
    return { rows: ROWS, singleMs, batchedMs, singleWaits, batchedWaits, deleteRows, batchedDeleteMs, archiverMs };
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${schema}`).catch(() => undefined);
    await admin.end();
    rmSync(work, { recursive: true, force: true });
  }
}
