// What impact-aware planning adds to `changegate plan`: a plan of 50 statements over 50 tables (200
// rows each, every kind of pre-check among them) against the server at `url`. The target is
// under 1 s added. Figures only; nothing is asserted. scripts/bench.ts prints them beside the others.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { run } from '../src/cli/main.js';
import { Output } from '../src/cli/output.js';
import type { CommandContext } from '../src/cli/context.js';
import { planWithGates, readTarget, scope } from '../src/cli/flow.js';
import { assessPlan, openImpact } from '../src/cli/impact-step.js';

/** The figures, in milliseconds (best of `rounds`). */
export interface ImpactBench {
  statements: number;
  tables: number;
  /** The whole `plan` command, in this process. */
  planMs: number;
  /** What impact adds to it: the reader connection, the facts, the rules and the pre-checks. */
  impactMs: number;
  /** Of which the facts (five or six batched queries). */
  factsMs: number;
}

const TABLES = 50;
const ROWS = 200;

/**
 * Builds a throwaway schema and repository, measures `plan` and its impact step, and drops both.
 * `url` is a server URL with a user that may create schemas (`mysql://user:pw@host:port/`).
 */
export async function benchImpact(url: string, rounds = 5): Promise<ImpactBench> {
  const u = new URL(url);
  const schema = `cg_bench_impact_${randomBytes(3).toString('hex')}`;
  u.pathname = `/${schema}`;
  const admin = await mysql.createConnection({ host: u.hostname, port: Number(u.port || 3306), user: decodeURIComponent(u.username), password: decodeURIComponent(u.password) });
  const repo = mkdtempSync(path.join(tmpdir(), 'changegate-bench-impact-'));
  try {
    await admin.query(`CREATE DATABASE \`${schema}\``);
    await admin.query(`USE \`${schema}\``);
    for (let i = 0; i < TABLES; i++) {
      await admin.query(`CREATE TABLE t${i} (id INT NOT NULL PRIMARY KEY, email VARCHAR(100) NULL, n INT NULL, KEY idx_n (n)) ENGINE=InnoDB`);
      await admin.query(`INSERT INTO t${i} VALUES ${Array.from({ length: ROWS }, (_, r) => `(${r + 1}, 'u${r}', ${r % 50 + 1})`).join(', ')}`);
    }
    const sql: string[] = [];
    for (let i = 0; i < TABLES; i++) {
      sql.push([
        `CREATE UNIQUE INDEX uq_email_${i} ON t${i} (email);`,
        `ALTER TABLE t${i} ADD COLUMN note VARCHAR(20) NULL;`,
        `ALTER TABLE t${i} MODIFY n BIGINT NULL;`,
        `ALTER TABLE t${i} ADD CONSTRAINT fk_${i} FOREIGN KEY (n) REFERENCES t0 (id);`,
        `UPDATE t${i} SET email = NULL WHERE id < 20;`,
      ][i % 5]!);
    }
    mkdirSync(path.join(repo, 'changes'));
    mkdirSync(path.join(repo, 'migrations', '2026-01-01-bench'), { recursive: true });
    writeFileSync(path.join(repo, 'migrations', '2026-01-01-bench', 'up.sql'), sql.join('\n') + '\n');
    writeFileSync(path.join(repo, 'changes', '2026-01-01-bench.yaml'), 'title: bench\nticket: B-1\ndestructive: true\napply:\n  - migrations/2026-01-01-bench/up.sql\nlint:\n  ignore: [CG207]\n');
    writeFileSync(path.join(repo, 'changegate.yaml'), 'database: bench\nserver: { min_version: "5.5" }\nenvironments:\n  local:\n    url_env: BENCH_URL\n');
    const env = { ...process.env, BENCH_URL: u.toString() };

    const planMs = await bestAsync(rounds, async () => {
      const code = await run(['plan', '--env', 'local'], { env, cwd: repo, stdout: () => undefined, stderr: () => undefined });
      // The data is clean and no max_copy_rows is set: every check passes or warns.
      if (code !== 0) throw new Error(`plan exited ${code}`);
    });

    const ctx: CommandContext = { root: repo, configFile: 'changegate.yaml', out: new Output('json', () => undefined, () => undefined), env, now: () => new Date() };
    const s = scope(ctx, 'local');
    const { open, history } = await readTarget(ctx, s);
    let impactMs: number;
    let factsMs: number;
    try {
      const { plan } = await planWithGates(ctx, s, history);
      const { readTableFacts } = await import('../src/adapters/mysql/facts.js');
      const { tablesToRead } = await import('../src/core/impact/assess.js');
      // The impact step as plan runs it: its own reader connection, the facts, the rules, the pre-checks.
      impactMs = await bestAsync(rounds, async () => {
        const session = await openImpact(open);
        try {
          await assessPlan(ctx, s, session, plan, { checks: true });
        } finally {
          await session.close();
        }
      });
      const session = await openImpact(open);
      try {
        const tables = tablesToRead(plan.changes, session.schema);
        factsMs = await bestAsync(rounds, async () => void (await readTableFacts(session.reader, session.server, tables)));
      } finally {
        await session.close();
      }
    } finally {
      await open.close();
    }
    return { statements: sql.length, tables: TABLES, planMs, impactMs, factsMs };
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS \`${schema}\``).catch(() => undefined);
    await admin.end();
    rmSync(repo, { recursive: true, force: true });
  }
}

/** Best of `times`, in milliseconds: these machines are shared and noisy. */
export async function bestAsync(times: number, fn: () => Promise<void>): Promise<number> {
  let min = Infinity;
  for (let i = 0; i < times; i++) {
    const t = process.hrtime.bigint();
    await fn();
    min = Math.min(min, Number(process.hrtime.bigint() - t) / 1e6);
  }
  return min;
}
