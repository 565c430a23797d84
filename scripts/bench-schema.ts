// Big schemas: `changegate drift` (with the kept replay result, and with `--replay`), `validate --shadow` and `baseline` on N generated tables (5 columns,
// 3 indexes each; applied by `changegate apply` as one change per 50 tables), each beside its Skeema
// counterpart (`skeema diff`, which also replays into a temporary schema; `skeema init` + `skeema diff`
// for baseline) on the same server in the same run. Rounds interleave the tools so that a busy moment
// of this shared machine falls on all of them alike; ratios are medians of per-round ratios. Peak RSS
// is changegate's own process. Figures only; nothing is asserted. scripts/bench.ts prints them.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestServer } from '../test/helpers/mysql-server.js';

/** One size's figures: per tool, the wall times of each round (ms), and changegate's peak RSS (MiB). */
export interface SchemaBench {
  tables: number;
  applyMs: number;
  times: Record<string, number[]>;
  rssMiB: Record<string, number>;
}

const PER_CHANGE = 50;

/** One table of the generated schema: 5 columns, 3 indexes (the primary key and two secondary). */
export function tableSql(i: number): string {
  return `CREATE TABLE t_${String(i).padStart(5, '0')} (\n` +
    '  id BIGINT NOT NULL AUTO_INCREMENT,\n' +
    '  account_id INT NOT NULL,\n' +
    "  email VARCHAR(190) NOT NULL DEFAULT '',\n" +
    '  created_at DATETIME NOT NULL,\n' +
    '  note VARCHAR(255) NULL,\n' +
    '  PRIMARY KEY (id),\n' +
    '  UNIQUE KEY uq_email (email),\n' +
    '  KEY ix_account_created (account_id, created_at)\n' +
    ') ENGINE=InnoDB;';
}

function config(): string {
  return ['database: bench', 'server: { min_version: "5.0" }', 'ticket_pattern: "^B-[0-9]+$"', 'protected_clusters: []',
    'environments:', '  local:', '    url_env: BENCH_URL', ''].join('\n');
}

function generateRepo(tables: number): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'changegate-bench-schema-'));
  mkdirSync(path.join(dir, 'changes'));
  mkdirSync(path.join(dir, 'migrations'));
  writeFileSync(path.join(dir, 'changegate.yaml'), config());
  for (let c = 0; c * PER_CHANGE < tables; c++) {
    const id = `2026-01-01-tables-${String(c).padStart(4, '0')}`;
    const stmts: string[] = [];
    for (let i = c * PER_CHANGE; i < Math.min(tables, (c + 1) * PER_CHANGE); i++) stmts.push(tableSql(i));
    mkdirSync(path.join(dir, 'migrations', id));
    writeFileSync(path.join(dir, 'migrations', id, 'up.sql'), stmts.join('\n\n') + '\n');
    writeFileSync(path.join(dir, 'changes', `${id}.yaml`), [`title: Tables ${c}`, `ticket: B-${c + 1}`, 'destructive: false', 'apply:', `  - migrations/${id}/up.sql`, ''].join('\n'));
  }
  return dir;
}

// A preload that writes the process's peak RSS (KiB) to the file named by CG_BENCH_RSS on exit.
function rssPreload(dir: string): string {
  const file = path.join(dir, 'rss-preload.cjs');
  writeFileSync(file, "process.on('exit', () => { if (process.env.CG_BENCH_RSS) require('node:fs').writeFileSync(process.env.CG_BENCH_RSS, String(process.resourceUsage().maxRSS)); });\n");
  return file;
}

/** Sizes: 500 and 2,000 tables, and 10,000 when CHANGEGATE_BENCH_10K=1; CHANGEGATE_BENCH_TABLES=a,b overrides. */
export function schemaSizes(): number[] {
  const asked = process.env.CHANGEGATE_BENCH_TABLES;
  if (asked) return asked.split(',').map((x) => Number(x.trim())).filter((n) => n > 0);
  return process.env.CHANGEGATE_BENCH_10K === '1' ? [500, 2000, 10000] : [500, 2000];
}

/** Measures one size on `server` with `rounds` interleaved rounds; `cli` is dist/cli/bin.mjs. */
export async function benchSchema(server: TestServer, cli: string, tables: number, rounds: number, log: (line: string) => void = () => undefined): Promise<SchemaBench> {
  const work = mkdtempSync(path.join(tmpdir(), 'changegate-bench-schema-work-'));
  const repo = generateRepo(tables);
  const baseRepo = path.join(work, 'base-repo');
  mkdirSync(baseRepo);
  writeFileSync(path.join(baseRepo, 'changegate.yaml'), config());
  const tag = randomBytes(3).toString('hex');
  const target = `cg_bs_${tables}_${tag}`;
  const base = `cg_bb_${tables}_${tag}`;
  const preload = rssPreload(work);
  const rssFile = path.join(work, 'rss');
  const skeemaAuth = ['--host=127.0.0.1', `--port=${server.port}`, `--user=${server.user}`, `--password=${server.password}`];
  const times: Record<string, number[]> = {};
  const rss: Record<string, number> = {};
  const timed = (name: string, fn: () => void): void => {
    const t = process.hrtime.bigint();
    fn();
    (times[name] ??= []).push(Number(process.hrtime.bigint() - t) / 1e6);
  };
  const changegate = (name: string, args: string[], cwd: string, url: string, ok: number[] = [0]): void => {
    rmSync(rssFile, { force: true });
    const r = spawnSync(process.execPath, ['--require', preload, cli, ...args], {
      cwd, env: { ...process.env, BENCH_URL: url, CG_BENCH_RSS: rssFile }, encoding: 'utf8', maxBuffer: 1 << 28,
    });
    if (!ok.includes(r.status ?? -1)) throw new Error(`changegate ${args.join(' ')} exited ${r.status}: ${(r.stderr || r.stdout).slice(-2000)}`);
    const kib = Number(readFileSync(rssFile, 'utf8'));
    rss[name] = Math.max(rss[name] ?? 0, kib / 1024);
  };
  const skeema = (args: string[], cwd: string): void => {
    const r = spawnSync('skeema', args, { cwd, encoding: 'utf8', maxBuffer: 1 << 28 });
    // skeema diff: 0 no differences, 1 differences, 2+ an error; skeema init: 0 or an error.
    if (r.error) throw r.error;
    if ((r.status ?? 9) > 1 || (args[0] !== 'diff' && r.status !== 0)) throw new Error(`skeema ${args.join(' ')} in ${cwd} exited ${r.status}: ${(r.stderr + r.stdout).slice(-2000)}`);
  };
  try {
    await server.adminQuery(`CREATE DATABASE ${target}`);
    await server.adminQuery(`CREATE DATABASE ${base}`);
    const t0 = Date.now();
    changegate('apply', ['apply', '--env', 'local'], repo, server.url(target));
    const applyMs = Date.now() - t0;
    log(`  applied ${tables} tables in ${Math.ceil(tables / PER_CHANGE)} changes: ${applyMs} ms`);
    // The baseline's schema holds the same tables, made without changegate (a baseline refuses a history).
    const client = ['mariadb', 'mysql'].find((c) => spawnSync(c, ['--version'], { stdio: 'ignore' }).status === 0);
    if (!client) throw new Error('the bench needs the mariadb or mysql client');
    const all = Array.from({ length: tables }, (_, i) => tableSql(i)).join('\n');
    execFileSync(client, ['--host=127.0.0.1', `--port=${server.port}`, `--user=${server.user}`, base], {
      input: all, env: { ...process.env, MYSQL_PWD: server.password }, stdio: ['pipe', 'ignore', 'inherit'],
    });
    // A first drift keeps its replay's result in the target (a table of changegate's own, which Skeema's
    // directory then holds like the history table).
    changegate('drift --replay', ['drift', '--env', 'local'], repo, server.url(target));
    // Skeema's directory for the target, as a team that uses Skeema would have it.
    const skeemaDir = path.join(work, 'skeema-target');
    // skeema init takes --dir relative to where it runs, even when absolute.
    skeema(['init', ...skeemaAuth, `--schema=${target}`, '--dir=skeema-target'], work);

    for (let r = 0; r < rounds; r++) {
      const steps: [string, () => void][] = [
        ['changegate drift --replay', () => changegate('drift --replay', ['drift', '--env', 'local', '--replay'], repo, server.url(target))],
        // After a replay (the one above, or the previous round's), drift compares with its kept result.
        ['changegate drift', () => changegate('drift', ['drift', '--env', 'local'], repo, server.url(target))],
        ['skeema diff', () => skeema(['diff', `--password=${server.password}`], skeemaDir)],
        ['changegate validate --shadow', () => changegate('validate --shadow', ['validate', '--shadow'], repo, server.url(target))],
        ['changegate baseline', () => {
          try {
            changegate('baseline', ['baseline', '--env', 'local', '--ticket', 'B-1'], baseRepo, server.url(base));
          } finally {
            rmSync(path.join(baseRepo, 'changes'), { recursive: true, force: true });
            rmSync(path.join(baseRepo, 'migrations'), { recursive: true, force: true });
          }
        }],
        ['skeema init', () => {
          rmSync(path.join(work, 'skeema-base'), { recursive: true, force: true });
          skeema(['init', ...skeemaAuth, `--schema=${base}`, '--dir=skeema-base'], work);
        }],
        ['skeema diff (after init)', () => skeema(['diff', `--password=${server.password}`], path.join(work, 'skeema-base'))],
      ];
      // Rotate the order each round (init and its diff stay together).
      const k = r % 2;
      const order = k === 0 ? steps : [...steps.slice(4), ...steps.slice(0, 4)];
      for (const [name, fn] of order) {
        timed(name, fn);
        if (name === 'changegate baseline') await server.adminQuery(`DROP TABLE IF EXISTS ${base}.changegate_history`);
      }
      log(`  round ${r + 1}: ${Object.entries(times).map(([n, t]) => `${n} ${Math.round(t[t.length - 1]!)} ms`).join(', ')}`);
    }
    return { tables, applyMs, times, rssMiB: rss };
  } finally {
    await server.adminQuery(`DROP DATABASE IF EXISTS ${target}`).catch(() => undefined);
    await server.adminQuery(`DROP DATABASE IF EXISTS ${base}`).catch(() => undefined);
    rmSync(repo, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const s = (x: number): string => `${(x / 1000).toFixed(1)} s`;

/** The markdown table of the figures of each size, with the ratios the issue sets targets for. */
export function schemaTable(server: string, results: SchemaBench[]): string[] {
  const ratio = (b: SchemaBench, a: string, peers: string[]): number => median(b.times[a]!.map((t, r) => t / peers.reduce((sum, p) => sum + b.times[p]![r]!, 0)));
  const lines = [
    `big schemas on ${server} (median of ${results[0]?.times['changegate drift']?.length ?? 0} interleaved rounds; ratios are medians of per-round ratios):`,
    '',
    '| tables | drift (kept) | drift --replay | skeema diff | drift / skeema diff | --replay / skeema diff | validate --shadow | / skeema diff | baseline | skeema init + diff | baseline / (init + diff) | peak RSS (drift, --replay, validate, baseline) |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const b of results) {
    const t = (n: string) => median(b.times[n]!);
    lines.push(`| ${b.tables.toLocaleString('en-US')} | ${s(t('changegate drift'))} | ${s(t('changegate drift --replay'))} | ${s(t('skeema diff'))} | ${ratio(b, 'changegate drift', ['skeema diff']).toFixed(2)} | ${ratio(b, 'changegate drift --replay', ['skeema diff']).toFixed(2)} | ` +
      `${s(t('changegate validate --shadow'))} | ${ratio(b, 'changegate validate --shadow', ['skeema diff']).toFixed(2)} | ` +
      `${s(t('changegate baseline'))} | ${s(t('skeema init') + t('skeema diff (after init)'))} | ${ratio(b, 'changegate baseline', ['skeema init', 'skeema diff (after init)']).toFixed(2)} | ` +
      `${['drift', 'drift --replay', 'validate --shadow', 'baseline'].map((n) => `${Math.round(b.rssMiB[n] ?? 0)}`).join(' / ')} MiB |`);
  }
  lines.push('');
  for (let i = 1; i < results.length; i++) {
    const a = results[i - 1]!;
    const b = results[i]!;
    const g = (n: string) => (median(b.times[n]!) / median(a.times[n]!)).toFixed(2);
    lines.push(`growth ${a.tables} -> ${b.tables} tables (x${(b.tables / a.tables).toFixed(0)}): drift ${g('changegate drift')}, drift --replay ${g('changegate drift --replay')}, validate --shadow ${g('changegate validate --shadow')}, baseline ${g('changegate baseline')}; skeema diff ${g('skeema diff')}, skeema init ${g('skeema init')}`);
  }
  lines.push('targets: drift and validate --shadow <= 0.70 of skeema diff, baseline <= 1.50 of skeema init + diff, drift 500 -> 2,000 <= 4.5x');
  return lines;
}
