// `npm run bench`: figures for the closing notes, each against a peer measured in the same run
// (these machines are noisy; ratios travel better than seconds). Nothing here is asserted.
//   1. validate on generated repositories of 2,000 and 4,000 changes (10 statements each): growth ratio
//   2. cold start of `changegate validate` on the example repository, against `node -e ''`
//   3. apply of 1,000 statements (500 CREATE TABLE + 500 INSERT) against the `mariadb` client on the
//      same SQL, against `knex migrate:latest` running the same statements, and against the floor of
//      changegate's protocol (mysql2 making only the history writes the protocol needs), on the server
//      CHANGEGATE_TEST_SERVER names, or on each of `--server mariadb,mysql`
//   4. on the same server(s): what impact-aware planning adds to `plan` (50 statements, 50 tables)
//   5. on the same server(s): drift (with its kept result and with --replay), validate --shadow and
//      baseline on 500 and 2,000 generated tables
//      (10,000 with CHANGEGATE_BENCH_10K=1) beside skeema diff and skeema init (scripts/bench-schema.ts)
//   6. on the same server(s), after the online and backfill figures: one change over 1,000 tenant
//      schemas as a fleet against 1,000 single runs, one by one and under `xargs -P 8`; plan and status
//      of the fleet.
// `--only <section>` runs one of: validate, cold-start, apply (with 4, 6 and the online and backfill
// figures), schema, fleet (the fleet section alone, on a server of its own).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchOnline } from './bench-online.js';
import { benchBackfill } from './bench-backfill.js';
import { benchFleet, type FleetBench } from './bench-fleet.js';
import knexFactory from 'knex';
import mysql from 'mysql2/promise';
import { run } from '../src/cli/main.js';
import { validateRepository } from '../src/core/validate.js';
import { startServer } from '../test/helpers/mysql-server.js';
import { bestAsync, benchImpact } from './bench-impact.js';
import { benchSchema, schemaSizes, schemaTable, type SchemaBench } from './bench-schema.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = path.join(root, 'dist', 'cli', 'bin.mjs');

function generateRepo(changes: number, perChange: number): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'changegate-bench-'));
  mkdirSync(path.join(dir, 'changes'));
  mkdirSync(path.join(dir, 'migrations'));
  writeFileSync(path.join(dir, 'changegate.yaml'), [
    'database: bench', 'server: { min_version: "8.0" }', 'ticket_pattern: "^B-[0-9]+$"', 'protected_clusters: []',
    'environments:', '  local:', '    url_env: BENCH_URL', '',
  ].join('\n'));
  const start = Date.UTC(2020, 0, 1);
  for (let c = 0; c < changes; c++) {
    const day = new Date(start + Math.floor(c / 10) * 86_400_000).toISOString().slice(0, 10);
    const id = `${day}-change-${String(c).padStart(5, '0')}`;
    const stmts: string[] = [];
    for (let s = 0; s < perChange; s++) {
      stmts.push(`CREATE TABLE t_${c}_${s} (\n  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,\n  name VARCHAR(100) NOT NULL DEFAULT '',\n  note TEXT\n) ENGINE=InnoDB;`);
    }
    mkdirSync(path.join(dir, 'migrations', id));
    writeFileSync(path.join(dir, 'migrations', id, 'up.sql'), stmts.join('\n\n') + '\n');
    writeFileSync(path.join(dir, 'changes', `${id}.yaml`), [
      `title: Bench change ${c}`, `ticket: B-${c + 1}`, 'destructive: false', 'apply:', `  - migrations/${id}/up.sql`, '',
    ].join('\n'));
  }
  return dir;
}

function best(times: number, fn: () => void): number {
  let min = Infinity;
  for (let i = 0; i < times; i++) {
    const t = process.hrtime.bigint();
    fn();
    min = Math.min(min, Number(process.hrtime.bigint() - t) / 1e6);
  }
  return min;
}

const ms = (x: number) => `${x.toFixed(0)} ms`;
const ROUNDS = 15;

const SECTIONS = ['validate', 'cold-start', 'apply', 'schema', 'fleet'];

// Whether `--only` (if given) names `section`; `alone`: only when it is named (a section that a full
// run reaches through another).
function want(section: string, alone = false): boolean {
  const i = process.argv.indexOf('--only');
  if (i < 0) return !alone;
  const asked = process.argv[i + 1] ?? '';
  if (!SECTIONS.includes(asked)) throw new Error(`--only takes one of ${SECTIONS.join(', ')}, not '${asked}'`);
  return asked === section;
}

async function main(): Promise<void> {
  if (want('fleet', true)) {
    for (const kind of servers()) await fleetAlone(kind);
    return;
  }
  if (want('validate')) benchValidate();
  if (want('cold-start')) {
    // 2. cold start on the example repository
    const node = best(5, () => void spawnSync(process.execPath, ['-e', ''], { stdio: 'ignore' }));
    const cold = best(5, () => void spawnSync(process.execPath, [cli, 'validate'], { cwd: root, stdio: 'ignore' }));
    console.log(`cold start of changegate validate on the example repo: ${ms(cold)} (node -e '' alone: ${ms(node)}; changegate's own share ${ms(cold - node)})`);
  }
  // 3. apply against the raw client and knex, per server; 5. big schemas against Skeema
  for (const kind of servers()) {
    if (want('apply')) await benchApply(kind);
    if (want('schema')) await benchSchemas(kind);
  }
}

async function benchSchemas(kind: 'mariadb' | 'mysql'): Promise<void> {
  if (kind === 'mysql') execFileSync('bash', [path.join(root, 'scripts', 'fetch-oracle-mysql.sh')], { stdio: 'inherit' });
  process.env.CHANGEGATE_TEST_SERVER = kind;
  const server = await startServer();
  const name = `${kind === 'mariadb' ? 'MariaDB' : 'MySQL'} ${server.version}`;
  const skeema = spawnSync('skeema', ['version'], { encoding: 'utf8' });
  if (skeema.status !== 0) throw new Error('skeema is not installed (npm run prebench installs it with apt)');
  console.log(`big schemas on ${name} against ${skeema.stdout.trim()}; load average ${loadavg().map((x) => x.toFixed(1)).join(' ')} on ${cpus().length} cores`);
  try {
    const results: SchemaBench[] = [];
    const rounds = Number(process.env.CHANGEGATE_BENCH_ROUNDS ?? 3);
    for (const n of schemaSizes()) results.push(await benchSchema(server, cli, n, rounds, (l) => console.log(l)));
    for (const l of schemaTable(name, results)) console.log(l);
    console.log(`load average at the end: ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  } finally {
    await server.stop();
  }
}

function benchValidate(): void {
  // 1. validate at two sizes
  const small = generateRepo(2000, 10);
  const large = generateRepo(4000, 10);
  try {
    const check = validateRepository(small);
    if (check.errors > 0) throw new Error(`generated repository does not validate: ${check.diagnostics[0]?.message}`);
    const t2k = best(3, () => void validateRepository(small));
    const t4k = best(3, () => void validateRepository(large));
    console.log(`validate, 2,000 changes / 20,000 statements: ${ms(t2k)} (in-process, best of 3)`);
    console.log(`validate, 4,000 changes / 40,000 statements: ${ms(t4k)}; growth ratio ${(t4k / t2k).toFixed(2)} (2.00 = linear)`);
    const p2k = best(2, () => void spawnSync(process.execPath, [cli, 'validate'], { cwd: small, stdio: 'ignore' }));
    console.log(`validate, 2,000 changes, whole CLI process: ${ms(p2k)}`);
  } finally {
    rmSync(small, { recursive: true, force: true });
    rmSync(large, { recursive: true, force: true });
  }
}

// Oracle MySQL comes from .cache/ (fetched once per machine); the harness reads the kind from the environment.
async function startKind(kind: 'mariadb' | 'mysql'): Promise<Awaited<ReturnType<typeof startServer>>> {
  if (kind === 'mysql') execFileSync('bash', [path.join(root, 'scripts', 'fetch-oracle-mysql.sh')], { stdio: 'inherit' });
  process.env.CHANGEGATE_TEST_SERVER = kind;
  return startServer();
}

async function fleetAlone(kind: 'mariadb' | 'mysql'): Promise<void> {
  const server = await startKind(kind);
  try {
    printFleet(`${kind === 'mariadb' ? 'MariaDB' : 'MySQL'} ${server.version}`, await benchFleet(server.url(), cli, kind));
  } finally {
    await server.stop();
  }
}

function printFleet(name: string, f: FleetBench): void {
  const s = (t: { ms: number }) => `${(t.ms / 1000).toFixed(1)} s`;
  const exit = (t: { code: number | null }) => (t.code === 0 ? '' : ` (exit ${t.code})`);
  const mb = (kb: number | undefined) => (kb === undefined ? 'not measured' : `${(kb / 1024).toFixed(0)} MB`);
  const n = f.tenants.toLocaleString('en-US');
  console.log(`one change of 3 statements (ADD COLUMN, 2 INSERTs) over ${n} tenant schemas on ${name}, each variant on fresh tenants:`);
  console.log(`  (a) fleet: apply --env prod, parallel: ${f.parallel}: ${s(f.fleet)}${exit(f.fleet)}; peak memory ${mb(f.fleet.maxRssKb)} (one single-target apply: ${mb(f.singleMaxRssKb)})`);
  console.log(`  (b) ${n} runs of apply --env one, one by one: ${s(f.sequential)}${exit(f.sequential)}`);
  console.log(`  (c) the same runs under xargs -P ${f.parallel}: ${s(f.xargs)}${exit(f.xargs)}`);
  console.log(`  (b)/(a) ${(f.sequential.ms / f.fleet.ms).toFixed(1)} (target >= 5); (c)/(a) ${(f.xargs.ms / f.fleet.ms).toFixed(2)} (target > 1)`);
  console.log(`  plan --env prod:   ${s(f.planPending)}${exit(f.planPending)} all pending, ${s(f.planApplied)}${exit(f.planApplied)} all applied (target < 10 s)`);
  console.log(`  status --env prod: ${s(f.statusPending)}${exit(f.statusPending)} all pending, ${s(f.statusApplied)}${exit(f.statusApplied)} all applied (target < 10 s)`);
  for (const [what, text] of Object.entries(f.failures)) console.log(`  ${what} failed:\n    ${text.split('\n').join('\n    ')}`);
  for (const p of f.problems) console.log(`  NOT EXACTLY ONCE: ${p}`);
}

// The servers to run the apply comparison on: `--server mariadb,mysql` (or `both`), else CHANGEGATE_TEST_SERVER.
function servers(): ('mariadb' | 'mysql')[] {
  const i = process.argv.indexOf('--server');
  const asked = i > 0 ? process.argv[i + 1] ?? '' : process.env.CHANGEGATE_TEST_SERVER ?? 'mariadb';
  const list = asked === 'both' ? ['mariadb', 'mysql'] : asked.split(',').map((x) => x.trim().toLowerCase());
  for (const k of list) if (k !== 'mariadb' && k !== 'mysql') throw new Error(`--server takes mariadb, mysql or both, not '${k}'`);
  return list as ('mariadb' | 'mysql')[];
}

async function benchApply(kind: 'mariadb' | 'mysql'): Promise<void> {
  const server = await startKind(kind);
  const name = `${kind === 'mariadb' ? 'MariaDB' : 'MySQL'} ${server.version}`;
  // 4. what impact-aware planning adds to `plan` (target: under 1 s for 50 statements over 50 tables)
  const impact = await benchImpact(server.url());
  console.log(
    `plan of ${impact.statements} statements over ${impact.tables} tables on ${name}: ${ms(impact.planMs)} in all, ` +
      `of which impact ${ms(impact.impactMs)} (facts ${ms(impact.factsMs)}), best of 5; target: impact under 1,000 ms`,
  );
  const work = mkdtempSync(path.join(tmpdir(), 'changegate-bench-apply-'));
  try {
    const stmts: string[] = [];
    for (let k = 0; k < 500; k++) {
      stmts.push(`CREATE TABLE bt_${k} (id INT NOT NULL PRIMARY KEY, v VARCHAR(20) NOT NULL DEFAULT '')`);
      stmts.push(`INSERT INTO bt_${k} (id, v) VALUES (${k}, 'x${k}')`);
    }
    const sqlText = stmts.join(';\n') + ';\n';
    const client = ['mariadb', 'mysql'].find((c) => spawnSync(c, ['--version'], { stdio: 'ignore' }).status === 0);

    // changegate: a repository with one change holding the 1,000 statements, applied to `local`
    mkdirSync(path.join(work, 'changes'));
    mkdirSync(path.join(work, 'migrations', '2026-01-01-bench'), { recursive: true });
    writeFileSync(path.join(work, 'migrations', '2026-01-01-bench', 'up.sql'), sqlText);
    writeFileSync(path.join(work, 'changes', '2026-01-01-bench.yaml'), [
      'title: Bench', 'ticket: B-1', 'destructive: false', 'apply:', '  - migrations/2026-01-01-bench/up.sql', '',
    ].join('\n'));
    writeFileSync(path.join(work, 'changegate.yaml'), [
      'database: bench', 'server: { min_version: "5.0" }', 'protected_clusters: []', 'environments:', '  local:', '    url_env: BENCH_URL', '',
    ].join('\n'));

    let round = 0;
    const fresh = async (): Promise<string> => {
      const name = `bench_${process.pid}_${round++}`;
      await server.adminQuery(`CREATE DATABASE ${name}`);
      return name;
    };
    const migrationsDir = path.join(work, 'knex');
    mkdirSync(migrationsDir);
    writeFileSync(path.join(migrationsDir, '20260101000000_bench.cjs'),
      `const stmts = ${JSON.stringify(stmts)};\nexports.up = async (knex) => { for (const s of stmts) await knex.raw(s); };\nexports.down = async () => {};\n`);
    const peers: Record<string, () => Promise<void>> = {
      changegate: async () => {
        const db = await fresh();
        const code = await run(['apply', '--env', 'local'], { env: { ...process.env, BENCH_URL: server.url(db) }, cwd: work, stdout: () => undefined, stderr: () => undefined });
        if (code !== 0) throw new Error(`changegate apply exited ${code}`);
      },
      knex: async () => {
        const db = await fresh();
        const knex = knexFactory({ client: 'mysql2', connection: { host: '127.0.0.1', port: server.port, user: server.user, password: server.password, database: db } });
        try {
          await knex.migrate.latest({ directory: migrationsDir, loadExtensions: ['.cjs'] });
        } finally {
          await knex.destroy();
        }
      },
    };
    // The same tools as their users start them: a process each, as the client always is.
    writeFileSync(path.join(work, 'knexfile.cjs'), [
      'module.exports = {',
      "  client: 'mysql2',",
      `  connection: { host: '127.0.0.1', port: ${server.port}, user: process.env.BENCH_USER, password: process.env.BENCH_PASSWORD, database: process.env.BENCH_DB },`,
      `  migrations: { directory: ${JSON.stringify(migrationsDir)}, loadExtensions: ['.cjs'] },`,
      '};', '',
    ].join('\n'));
    const knexCli = path.join(root, 'node_modules', 'knex', 'bin', 'cli.js');
    // The knex CLI wants a local knex install beside its knexfile.
    symlinkSync(path.join(root, 'node_modules'), path.join(work, 'node_modules'), 'dir');
    peers['changegate-command'] = async () => {
      const db = await fresh();
      execFileSync(process.execPath, [cli, 'apply', '--env', 'local'], { cwd: work, env: { ...process.env, BENCH_URL: server.url(db) }, stdio: 'ignore' });
    };
    peers['knex-command'] = async () => {
      const db = await fresh();
      execFileSync(process.execPath, [knexCli, 'migrate:latest', '--knexfile', path.join(work, 'knexfile.cjs')], {
        cwd: work, env: { ...process.env, BENCH_USER: server.user, BENCH_PASSWORD: server.password, BENCH_DB: db }, stdio: 'ignore',
      });
    };
    peers.floor = async () => {
      // The same statements through mysql2 with, before each CREATE TABLE, the one history write the
      // protocol needs there (committed by the statement's implicit commit): no validation, no lint,
      // no progress lines, no lock. What changegate could cost at best.
      const db = await fresh();
      const conn = await mysql.createConnection({ host: '127.0.0.1', port: server.port, user: server.user, password: server.password, database: db });
      try {
        await conn.query('CREATE TABLE floor_history (id VARCHAR(191) PRIMARY KEY, applied INT NOT NULL, in_flight INT NULL, connection_id BIGINT NOT NULL, updated_at DATETIME(3) NULL)');
        await conn.query("INSERT INTO floor_history VALUES ('bench', 0, NULL, CONNECTION_ID(), UTC_TIMESTAMP(3))");
        await conn.query('SET autocommit = 0');
        for (let i = 0; i < stmts.length; i++) {
          if (i % 2 === 0) await conn.query("UPDATE floor_history SET applied = ?, in_flight = ?, connection_id = CONNECTION_ID(), updated_at = UTC_TIMESTAMP(3) WHERE id = 'bench'", [i, i + 1]);
          await conn.query(stmts[i]!);
        }
        await conn.query('COMMIT');
      } finally {
        await conn.end();
      }
    };
    if (client) {
      peers.client = async () => {
        const db = await fresh();
        const args = ['--host=127.0.0.1', `--port=${server.port}`, `--user=${server.user}`, db];
        execFileSync(client, args, { input: sqlText, env: { ...process.env, MYSQL_PWD: server.password }, stdio: ['pipe', 'ignore', 'inherit'] });
      };
    }
    // Rounds interleave the peers (in a rotating order), so that a busy moment of the machine falls on
    // all of them alike; each round's ratios compare runs made seconds apart, and their median is the
    // figure least moved by this machine's noise.
    const times: Record<string, number[]> = {};
    const names = Object.keys(peers);
    for (let r = 0; r < ROUNDS; r++) {
      for (let i = 0; i < names.length; i++) {
        const name = names[(i + r) % names.length]!;
        (times[name] ??= []).push(await bestAsync(1, peers[name]!));
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
    const bestOf = (name: string) => Math.min(...times[name]!);
    const ratio = (a: string, b: string) => {
      if (!times[a] || !times[b]) return 'n/a';
      const perRound = times[a]!.map((t, r) => t / times[b]![r]!);
      return `${median(perRound).toFixed(2)} (median of ${ROUNDS} rounds; best against best ${(bestOf(a) / bestOf(b)).toFixed(2)})`;
    };
    const line = (label: string, name: string) =>
      console.log(`  ${label.padEnd(58)} ${times[name] ? `best ${ms(bestOf(name))}, median ${ms(median(times[name]!))}` : 'not found'}`);
    console.log(`apply of 1,000 statements (500 CREATE TABLE + 500 INSERT) on ${name}, ${ROUNDS} interleaved rounds:`);
    line(`${client ?? 'mariadb'} client on the same SQL (a process)`, 'client');
    line('changegate apply, as a command', 'changegate-command');
    line('knex migrate:latest, as a command', 'knex-command');
    line('changegate apply, in this process (run())', 'changegate');
    line('knex migrate.latest(), in this process', 'knex');
    line('floor: mysql2 + the one history write per DDL statement', 'floor');
    console.log('  as commands, the way each is run:');
    console.log(`    changegate / raw client: ${ratio('changegate-command', 'client')} (target <= 1.3)`);
    console.log(`    changegate / knex:       ${ratio('changegate-command', 'knex-command')} (target <= 1.05)`);
    console.log('  in this process (no start-up for changegate and knex; the client still starts a process):');
    console.log(`    changegate / raw client: ${ratio('changegate', 'client')}`);
    console.log(`    changegate / knex:       ${ratio('changegate', 'knex')}`);
    console.log(`    changegate / floor:      ${ratio('changegate', 'floor')} (target <= 1.05: what changegate adds to the writes its protocol needs)`);
    console.log(`    floor / knex:            ${ratio('floor', 'knex')} (what those writes cost against knex)`);
    const online = await benchOnline(server.url(), cli, kind);
    const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    console.log(`the same copy-ALTER of ${online.rows.toLocaleString('en-US')} rows on ${name} under 4 writers, ${online.blockingWaitMs.length} interleaved rounds:`);
    console.log(`  writers' longest wait, blocking apply: ${online.blockingWaitMs.map(ms).join(', ')}`);
    console.log(`  writers' longest wait, online apply:   ${online.onlineWaitMs.map(ms).join(', ')} (target <= 1,000 ms)`);
    console.log(`  changegate online apply: ${online.changegateMs.map(ms).join(', ')}; the same pt-online-schema-change by hand: ${online.byHandMs.map(ms).join(', ')}`);
    console.log(`  the copy alone, changegate: ${online.changegateCopyMs.map(ms).join(', ')}; by hand: ${online.byHandCopyMs.map(ms).join(', ')}`);
    console.log(`  copy time, changegate / by hand (medians): ${(med(online.changegateCopyMs) / med(online.byHandCopyMs)).toFixed(2)} (target <= 1.05)`);
    const bf = await benchBackfill(server.url(), cli);
    const rate = (rows: number, ms: number) => Math.round((rows * 1000) / ms);
    console.log(`backfill of ${bf.rows.toLocaleString('en-US')} rows on ${name} (UPDATE ... SET n = n + 1), 4 writers updating random rows:`);
    console.log(`  one statement: ${rate(bf.rows, bf.singleMs).toLocaleString('en-US')} rows/s; writers p99 ${ms(bf.singleWaits.p99)}, longest ${ms(bf.singleWaits.longest)}`);
    console.log(`  batched (1,000 rows): ${rate(bf.rows, bf.batchedMs).toLocaleString('en-US')} rows/s; writers p99 ${ms(bf.batchedWaits.p99)}, longest ${ms(bf.batchedWaits.longest)} (targets: p99 <= 50 ms, longest <= one batch)`);
    console.log(`  batched / one statement: ${(bf.singleMs / bf.batchedMs).toFixed(2)} (target >= 0.8)`);
    console.log(`  DELETE of about ${Math.round(bf.deleteRows).toLocaleString('en-US')} rows in batches of 1,000: changegate ${rate(bf.deleteRows, bf.batchedDeleteMs).toLocaleString('en-US')} rows/s, pt-archiver --purge ${rate(bf.deleteRows, bf.archiverMs).toLocaleString('en-US')} rows/s; changegate / pt-archiver ${(bf.archiverMs / bf.batchedDeleteMs).toFixed(2)} (target >= 1.0)`);
    console.log(`  whole command, changegate / by hand (medians): ${(med(online.changegateMs) / med(online.byHandMs)).toFixed(2)} (changegate also connects, locks, plans, probes the ALTER and logs the tool in first)`);
    printFleet(name, await benchFleet(server.url(), cli, kind));
  } finally {
    rmSync(work, { recursive: true, force: true });
    await server.stop();
  }
}

await main();
