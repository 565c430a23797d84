// The fleet benchmark, beside the apply comparison (`npm run bench`): one change of three statements
// over N tenant schemas on one server (CHANGEGATE_BENCH_TENANTS, 1,000 by default), applied as one
// fleet run 8 at a time, against N single-target runs one after the other (the way before fleets) and
// the same N runs 8 at a time under `xargs -P 8`; the fleet process's peak memory; `plan` and
// `status` over the same fleet. Every variant starts from fresh tenants, and afterwards every tenant
// is checked to hold the change exactly once.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';

/** One timed command: its wall time, exit code and, where measured, its peak resident memory. */
export interface Timed {
  ms: number;
  code: number | null;
  maxRssKb?: number;
}

/** What one server's run measured; `problems` lists what the checks after each variant found wrong. */
export interface FleetBench {
  tenants: number;
  parallel: number;
  fleet: Timed;
  sequential: Timed;
  xargs: Timed;
  /** A single-target apply's peak memory, for scale beside the fleet's. */
  singleMaxRssKb?: number;
  /** `plan` and `status` over the fleet before the change (all pending) and after the fleet apply. */
  planPending: Timed;
  statusPending: Timed;
  planApplied: Timed;
  statusApplied: Timed;
  /** The first lines of what a command that failed printed, keyed by what ran. */
  failures: Record<string, string>;
  problems: string[];
}

const CHANGE = '2026-12-01-tenant-notes';
const PARALLEL = 8;

/** The number of tenants: CHANGEGATE_BENCH_TENANTS, 1,000 unless set. */
export function fleetSize(): number {
  const raw = process.env.CHANGEGATE_BENCH_TENANTS ?? '1000';
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`CHANGEGATE_BENCH_TENANTS must be a positive whole number, not '${raw}'`);
  return n;
}

/** Runs the comparison on the server at `url` (an admin URL without a schema), with `cli` the built executable. */
export async function benchFleet(url: string, cli: string, flavor: 'mariadb' | 'mysql'): Promise<FleetBench> {
  const n = fleetSize();
  const names = Array.from({ length: n }, (_, i) => `tenant_${String(i).padStart(4, '0')}`);
  const u = new URL(url);
  const base = new URL(url);
  base.pathname = '/';
  const urlOf = (schema: string) => {
    const t = new URL(base);
    t.pathname = `/${schema}`;
    return t.toString();
  };
  const admin = await mysql.createConnection({
    host: u.hostname, port: Number(u.port || 3306), user: decodeURIComponent(u.username), password: decodeURIComponent(u.password), multipleStatements: true,
  });
  const work = mkdtempSync(path.join(tmpdir(), 'changegate-bench-fleet-'));
  const repo = path.join(work, 'repo');
  const failures: Record<string, string> = {};
  const problems: string[] = [];
  // Both servers take an added column in place without a copy; INSTANT where the server has it.
  const algorithm = flavor === 'mysql' || (await instantOnMariadb(admin)) ? 'INSTANT' : 'INPLACE';
  try {
    mkdirSync(path.join(repo, 'changes'), { recursive: true });
    mkdirSync(path.join(repo, 'migrations', CHANGE), { recursive: true });
    writeFileSync(path.join(repo, 'changegate.yaml'), [
      'database: tenantdb',
      'server: { min_version: "5.5" }',
      'protected_clusters: []',
      'environments:',
      '  prod:',
      '    targets:',
      '      - { url_env: FLEET_URL }',
      '    schemas: { like: "tenant\\\\_%" }',
      `    fleet: { parallel: ${PARALLEL} }`,
      '  one:',
      '    url_env: ONE_URL',
      '',
    ].join('\n'));
    writeFileSync(path.join(repo, 'changes', `${CHANGE}.yaml`), [
      'title: Tenant notes get an author', 'ticket: B-1', 'destructive: false', 'apply:', `  - migrations/${CHANGE}/up.sql`, '',
    ].join('\n'));
    writeFileSync(path.join(repo, 'migrations', CHANGE, 'up.sql'), [
      `ALTER TABLE notes ADD COLUMN author VARCHAR(20) NULL, ALGORITHM=${algorithm};`,
      "INSERT INTO notes (id, body) VALUES (1, 'one');",
      "INSERT INTO notes (id, body) VALUES (2, 'two');",
      '',
    ].join('\n'));
    const env = { ...process.env, FLEET_URL: base.toString() };
    const command = (args: string[], extraEnv: Record<string, string> = {}, label = args.join(' ')): Timed => {
      const t0 = performance.now();
      const r = spawnSync(process.execPath, [cli, ...args], { cwd: repo, env: { ...env, ...extraEnv }, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
      const ms = performance.now() - t0;
      if (r.status !== 0) failures[label] ??= firstLines(`${r.stdout}${r.stderr}`);
      return { ms, code: r.status };
    };
    // A command under GNU time, for its peak resident memory (in KB); the wrapper adds a fork and an exec.
    const measured = (args: string[], extraEnv: Record<string, string> = {}): Timed & { stdout: string } => {
      const rssFile = path.join(work, 'rss.txt');
      rmSync(rssFile, { force: true });
      const t0 = performance.now();
      const r = existsSync('/usr/bin/time')
        ? spawnSync('/usr/bin/time', ['-f', '%M', '-o', rssFile, process.execPath, cli, ...args], { cwd: repo, env: { ...env, ...extraEnv }, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 })
        : spawnSync(process.execPath, [cli, ...args], { cwd: repo, env: { ...env, ...extraEnv }, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
      const ms = performance.now() - t0;
      if (r.status !== 0) failures[args.join(' ')] ??= firstLines(`${r.stdout}${r.stderr}`);
      const rss = existsSync(rssFile) ? Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()) : NaN;
      return { ms, code: r.status, maxRssKb: Number.isFinite(rss) ? rss : undefined, stdout: r.stdout };
    };

    // (a) the fleet, with plan and status before and after
    await reset(admin, names);
    const planPending = command(['plan', '--env', 'prod']);
    const statusPending = command(['status', '--env', 'prod']);
    const fleetRun = measured(['--format', 'json', 'apply', '--env', 'prod']);
    const fleet: Timed = { ms: fleetRun.ms, code: fleetRun.code, maxRssKb: fleetRun.maxRssKb };
    problems.push(...fleetDocument(fleetRun.stdout, n));
    problems.push(...(await check(admin, names, 'fleet apply')));
    const planApplied = command(['plan', '--env', 'prod'], {}, 'plan --env prod (applied)');
    const statusApplied = command(['status', '--env', 'prod'], {}, 'status --env prod (applied)');

    // (c) the same single-target runs, 8 at a time
    await reset(admin, names);
    const list = path.join(work, 'tenants.txt');
    writeFileSync(list, names.join('\n') + '\n');
    const errFile = path.join(work, 'xargs-stderr.txt');
    const line = `xargs -P ${PARALLEL} -I{} env ONE_URL="$BASE{}" "$NODE" "$CLI" apply --env one < "$LIST" > /dev/null 2> "$ERR"`;
    const t0 = performance.now();
    const x = spawnSync('sh', ['-c', line], { cwd: repo, env: { ...env, BASE: base.toString(), NODE: process.execPath, CLI: cli, LIST: list, ERR: errFile } });
    const xargs: Timed = { ms: performance.now() - t0, code: x.status };
    if (x.status !== 0) failures[`xargs -P ${PARALLEL}`] = firstLines(readFileSync(errFile, 'utf8'));
    problems.push(...(await check(admin, names, `xargs -P ${PARALLEL}`)));

    // (b) one after the other, the first under GNU time for a single run's memory
    await reset(admin, names);
    const first = measured(['apply', '--env', 'one'], { ONE_URL: urlOf(names[0]!) });
    let failed = first.code === 0 ? 0 : 1;
    const s0 = performance.now() - first.ms;
    for (const name of names.slice(1)) {
      if (command(['apply', '--env', 'one'], { ONE_URL: urlOf(name) }, 'apply --env one').code !== 0) failed++;
    }
    const sequential: Timed = { ms: performance.now() - s0, code: failed === 0 ? 0 : 1 };
    if (failed > 0) problems.push(`sequential: ${failed} of ${n} runs exited non-zero`);
    problems.push(...(await check(admin, names, 'sequential')));

    return { tenants: n, parallel: PARALLEL, fleet, sequential, xargs, singleMaxRssKb: first.maxRssKb, planPending, statusPending, planApplied, statusApplied, failures, problems };
  } finally {
    await dropTenants(admin, names).catch(() => undefined);
    await admin.end();
    rmSync(work, { recursive: true, force: true });
  }
}

// MariaDB adds a column instantly from 10.3 on; older ones do it in place.
async function instantOnMariadb(admin: mysql.Connection): Promise<boolean> {
  const [rows] = await admin.query('SELECT VERSION() AS v');
  const m = /^(\d+)\.(\d+)/.exec(String((rows as { v: string }[])[0]!.v));
  return !!m && (Number(m[1]) > 10 || (Number(m[1]) === 10 && Number(m[2]) >= 3));
}

function firstLines(text: string): string {
  return text.trim().split('\n').slice(0, 5).join('\n');
}

// Batches keep each round trip short without one statement per schema.
const BATCH = 50;

async function dropTenants(admin: mysql.Connection, names: string[]): Promise<void> {
  for (let i = 0; i < names.length; i += BATCH) {
    await admin.query(names.slice(i, i + BATCH).map((s) => `DROP DATABASE IF EXISTS \`${s}\``).join(';\n'));
  }
}

// Fresh tenants: each schema dropped and made again with its notes table, and nothing else.
async function reset(admin: mysql.Connection, names: string[]): Promise<void> {
  await dropTenants(admin, names);
  for (let i = 0; i < names.length; i += BATCH) {
    await admin.query(names.slice(i, i + BATCH)
      .map((s) => `CREATE DATABASE \`${s}\`; CREATE TABLE \`${s}\`.notes (id INT NOT NULL PRIMARY KEY, body VARCHAR(40) NOT NULL) ENGINE=InnoDB`)
      .join(';\n'));
  }
}

// The fleet's JSON: a line per target, all applied.
function fleetDocument(stdout: string, n: number): string[] {
  try {
    const doc = JSON.parse(stdout) as { targets: { result: string }[]; summary: Record<string, number> };
    if (doc.targets.length !== n || doc.summary.applied !== n) return [`fleet apply: JSON has ${doc.targets.length} targets, summary ${JSON.stringify(doc.summary)}; expected ${n} applied`];
    return [];
  } catch (e) {
    return [`fleet apply: the output is not JSON (${(e as Error).message}): ${firstLines(stdout)}`];
  }
}

// After a variant, every tenant holds the change exactly once: one history row, applied, all three
// statements, the column there and exactly the two inserted rows. One query across the schemas that
// have a history table; the others are counted as missing.
async function check(admin: mysql.Connection, names: string[], variant: string): Promise<string[]> {
  const [tables] = await admin.query(
    "SELECT TABLE_SCHEMA AS s FROM information_schema.TABLES WHERE TABLE_NAME = 'changegate_history' AND TABLE_SCHEMA LIKE 'tenant\\_%'",
  );
  const withHistory = new Set((tables as { s: string }[]).map((r) => r.s));
  const missing = names.filter((s) => !withHistory.has(s));
  const present = names.filter((s) => withHistory.has(s));
  const wrong: string[] = [];
  for (let i = 0; i < present.length; i += 500) {
    const sql = present.slice(i, i + 500).map((s) =>
      `SELECT '${s}' AS s, ` +
        `(SELECT COUNT(*) FROM \`${s}\`.changegate_history WHERE change_id = '${CHANGE}' AND status = 'applied' AND statements_applied = 3) AS applied, ` +
        `(SELECT COUNT(*) FROM \`${s}\`.changegate_history) AS history, ` +
        `(SELECT COUNT(*) FROM \`${s}\`.notes) AS notes`,
    ).join('\nUNION ALL\n');
    const [rows] = await admin.query(sql);
    for (const r of rows as { s: string; applied: number | string; history: number | string; notes: number | string }[]) {
      if (Number(r.applied) !== 1 || Number(r.history) !== 1 || Number(r.notes) !== 2) wrong.push(`${r.s} (history ${r.history}, applied ${r.applied}, rows ${r.notes})`);
    }
  }
  const [cols] = await admin.query(
    "SELECT COUNT(*) AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA LIKE 'tenant\\_%' AND TABLE_NAME = 'notes' AND COLUMN_NAME = 'author'",
  );
  const out: string[] = [];
  if (missing.length > 0) out.push(`${variant}: ${missing.length} of ${names.length} tenants have no history table (first: ${missing.slice(0, 3).join(', ')})`);
  if (wrong.length > 0) out.push(`${variant}: ${wrong.length} tenants do not hold the change exactly once (first: ${wrong.slice(0, 3).join(', ')})`);
  const c = Number((cols as { c: number }[])[0]!.c);
  if (c !== names.length) out.push(`${variant}: ${c} of ${names.length} tenants have the new column`);
  return out;
}
