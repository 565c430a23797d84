// The online schema change benchmark, beside the apply comparison (`npm run bench`): the writers'
// longest wait during the same copy-ALTER run blocking (changegate's plain apply) and online
// (through pt-online-schema-change), and the time of changegate's online run against the same tool
// run by hand with the same options. Rounds alternate the three, over one table whose column type
// flips each round, so each run is a real copy.
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { startWriters } from './bench-load.js';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { ptOscArgs, readPtOscLine } from '../src/adapters/online/pt-osc.js';
import { optionFileText } from '../src/adapters/online/option-file.js';

/** What one server's run measured. */
export interface OnlineBench {
  rows: number;
  blockingWaitMs: number[];
  onlineWaitMs: number[];
  changegateMs: number[];
  byHandMs: number[];
  /** The copy alone (from the tool's row estimate to "Copied rows OK"), as changegate reports it and as timed by hand. */
  changegateCopyMs: number[];
  byHandCopyMs: number[];
}

const ROWS = 600_000;
const ROUNDS = 3;

/** Runs the comparison on the server at `url` (an admin URL without a schema), with `cli` the built executable. */
export async function benchOnline(url: string, cli: string, flavor: 'mariadb' | 'mysql'): Promise<OnlineBench> {
  const schema = `bench_online_${process.pid}`;
  const admin = await mysql.createConnection(url);
  await admin.query(`DROP DATABASE IF EXISTS ${schema}`);
  await admin.query(`CREATE DATABASE ${schema}`);
  const u = new URL(url);
  const target = `${u.protocol}//${u.username}:${u.password}@${u.host}/${schema}`;
  const work = mkdtempSync(path.join(tmpdir(), 'changegate-bench-online-'));
  const out: OnlineBench = { rows: ROWS, blockingWaitMs: [], onlineWaitMs: [], changegateMs: [], byHandMs: [], changegateCopyMs: [], byHandCopyMs: [] };
  try {
    await admin.query(`CREATE TABLE ${schema}.orders (id INT NOT NULL PRIMARY KEY, customer_id INT NOT NULL, amount DECIMAL(10,2) NOT NULL, note VARCHAR(40) NULL) ENGINE=InnoDB`);
    for (let start = 1; start <= ROWS; start += 50_000) {
      const values = Array.from({ length: 50_000 }, (_, i) => `(${start + i}, ${(start + i) % 977}, ${((start + i) % 5000) / 100}, 'n${start + i}')`).join(',');
      await admin.query(`INSERT INTO ${schema}.orders VALUES ${values}`);
    }
    await admin.query(`ANALYZE TABLE ${schema}.orders`);
    const cnf = path.join(work, 'client.cnf');
    writeFileSync(cnf, optionFileText({ host: u.hostname, port: Number(u.port || 3306), user: decodeURIComponent(u.username), password: decodeURIComponent(u.password) }), { mode: 0o600 });
    // One repository (the target's history is one), its config switched between the two ways.
    const dir = path.join(work, 'repo');
    mkdirSync(path.join(dir, 'changes'), { recursive: true });
    const configure = (online: boolean) =>
      writeFileSync(path.join(dir, 'changegate.yaml'), [
        'database: bench', 'server: { min_version: "5.0" }', 'protected_clusters: []', 'environments:', '  local:', '    url_env: BENCH_URL',
        ...(online ? ['    online_schema_change: { tool: pt-online-schema-change, above_rows: 1000 }'] : []), '',
      ].join('\n'));
    let type = 10;
    let n = 0;
    const alter = () => {
      type = type === 10 ? 12 : 10;
      return `MODIFY amount DECIMAL(${type},2) NOT NULL`;
    };
    const viaChangegate = async (online: boolean) => {
      configure(online);
      const id = `2026-01-01-r${String(++n).padStart(3, '0')}`;
      mkdirSync(path.join(dir, 'migrations', id), { recursive: true });
      writeFileSync(path.join(dir, 'migrations', id, 'up.sql'), `ALTER TABLE orders ${alter()};\n`);
      writeFileSync(path.join(dir, 'changes', `${id}.yaml`), ['title: Bench', 'ticket: B-1', 'destructive: true', 'apply:', `  - migrations/${id}/up.sql`, ''].join('\n'));
      let stdout = '';
      const ms = await timed(() => {
        const r = spawnSync(process.execPath, [cli, 'apply', '--env', 'local'], { cwd: dir, env: { ...process.env, BENCH_URL: target }, encoding: 'utf8' });
        if (r.status !== 0) throw new Error(`changegate apply failed: ${r.stdout}${r.stderr}`);
        stdout = r.stdout;
      });
      const copied = /altered online: copied in ([\d.]+) s/.exec(stdout);
      if (online && copied) out.changegateCopyMs.push(Number(copied[1]) * 1000);
      return ms;
    };
    const byHand = async () => {
      const args = ptOscArgs({ schema, table: 'orders', clauses: alter(), throttle: {}, server: { flavor, version: '' }, progressSeconds: 30 }, cnf);
      const t0 = performance.now();
      const copy = await toolCopy(args);
      out.byHandCopyMs.push(copy);
      return performance.now() - t0;
    };
    for (let round = 0; round < ROUNDS; round++) {
      out.blockingWaitMs.push((await underLoad(target, schema, () => viaChangegate(false))).longest);
      const online = await underLoad(target, schema, () => viaChangegate(true));
      out.onlineWaitMs.push(online.longest);
      out.changegateMs.push(online.ms);
      out.byHandMs.push((await underLoad(target, schema, byHand)).ms);
    }
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${schema}`).catch(() => undefined);
    await admin.end();
    rmSync(work, { recursive: true, force: true });
  }
  return out;
}

// Runs the tool by hand and times its copy the way changegate's adapter does: from its row estimate to "Copied rows OK".
function toolCopy(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('pt-online-schema-change', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let start = 0;
    let end = 0;
    const read = (line: string) => {
      const l = readPtOscLine(line);
      if (l.kind === 'estimate') start = performance.now();
      if (l.kind === 'copied') end = performance.now();
    };
    createInterface({ input: child.stdout }).on('line', read);
    createInterface({ input: child.stderr }).on('line', read);
    child.on('close', (code) => (code === 0 ? resolve(end - start) : reject(new Error(`pt-online-schema-change exited ${code}`))));
  });
}

async function timed(fn: () => void): Promise<number> {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

// Runs `work` (a synchronous child process) while four writers insert, update and delete.
async function underLoad(url: string, schema: string, work: () => Promise<number>): Promise<{ ms: number; longest: number }> {
  const writers = startWriters(url, [
    `INSERT INTO ${schema}.orders VALUES ({NEW}, 1, 1.5, "w")`,
    `UPDATE ${schema}.orders SET note = "u" WHERE id = {ID}`,
    `DELETE FROM ${schema}.orders WHERE id = {ID}`,
  ], ROWS);
  await new Promise((r) => setTimeout(r, 500));
  const ms = await work();
  const waits = await writers.stop();
  return { ms, longest: waits.longest };
}
