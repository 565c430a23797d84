// A statement never runs twice and none is skipped, with real crashes: a child process applies a 50-statement change in which every
// statement leaves a trace, and is SIGKILLed at 20 points (between statements and during slow
// statements that keep running on the server). After every kill, a rerun (and `resolve` where the
// outcome is in doubt, decided by looking at the schema as a person would) carries on. At the end
// every trace is present exactly once: nothing ran twice, nothing was skipped.
import { strict as assert } from 'node:assert';
import { rmSync } from 'node:fs';
import mysql from 'mysql2/promise';
import { getServer, type TestServer } from './helpers/mysql-server.js';
import { localConfig, makeRepo, manifest, runCli, startCli, type CliResult } from './helpers/cli.js';

const ID = '2026-11-05-crash';
const SLOW = new Set([5, 15, 25, 35, 45]);
const KILL_AT = [3, 5, 8, 11, 14, 15, 18, 21, 24, 25, 28, 31, 34, 35, 38, 41, 44, 45, 47, 49];

function statement(k: number): string {
  if (k === 1) return 'CREATE TABLE trace (k INT NOT NULL)';
  if (SLOW.has(k)) return `CREATE TABLE slow_${k} AS SELECT SLEEP(1) AS s`;
  // A short pause in every DML statement gives the test time to see progress and land its kill.
  return k % 2 === 0 ? `INSERT INTO trace (k) SELECT ${k} FROM (SELECT SLEEP(0.05) AS pause) AS p` : `CREATE TABLE t_${k} (id INT)`;
}

describe('crash injection against a real server', function () {
  this.timeout(300_000);
  let server: TestServer;
  let schema: { name: string; url: string; drop(): Promise<void> };
  let repo: string;
  let probe: mysql.Connection;

  before(async () => {
    server = await getServer();
    schema = await server.freshSchema('crash');
    probe = await mysql.createConnection(schema.url);
    const sql = Array.from({ length: 50 }, (_, i) => statement(i + 1) + ';').join('\n') + '\n';
    repo = makeRepo({
      'changegate.yaml': localConfig(),
      ...manifest(ID),
      [`migrations/${ID}/up.sql`]: sql,
    });
  });
  after(async () => {
    await probe?.end();
    await schema?.drop();
    rmSync(repo, { recursive: true, force: true });
  });

  async function progress(): Promise<{ applied: number; inFlight: number | null; status: string } | null> {
    try {
      const [rows] = await probe.query('SELECT statements_applied AS applied, in_flight AS inFlight, status FROM changegate_history WHERE change_id = ?', [ID]);
      const r = (rows as { applied: number; inFlight: number | null; status: string }[])[0];
      return r ?? null;
    } catch {
      return null; // no history table yet
    }
  }

  async function tableExists(name: string): Promise<boolean> {
    const [rows] = await probe.query('SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?', [name]);
    return (rows as unknown[]).length > 0;
  }

  // A person's decision for an in-doubt statement: look whether its table exists.
  async function resolveIfInDoubt(r: CliResult): Promise<boolean> {
    const m = /statement (\d+) of 50 was in flight/.exec(r.stderr);
    if (!m) return false;
    const n = Number(m[1]);
    const name = n === 1 ? 'trace' : SLOW.has(n) ? `slow_${n}` : `t_${n}`;
    const decision = (await tableExists(name)) ? '--applied' : '--not-applied';
    const res = await runCli(['resolve', ID, '--env', 'local', '--statement', String(n), decision], { cwd: repo, env: { TEST_URL: schema.url } });
    assert.equal(res.code, 0, res.stderr);
    return true;
  }

  it('leaves every statement applied exactly once after 20 SIGKILLs', async () => {
    let kills = 0;
    let inDoubt = 0;
    for (const target of KILL_AT) {
      // Retry the same kill point while a run stops by itself on an in-doubt statement left by the
      // previous kill: every kill point gets its kill.
      for (let attempt = 0; attempt < 6; attempt++) {
        const before = await progress();
        if (before && (before.applied >= target || before.status === 'applied')) break;
        const run = startCli(['apply', '--env', 'local'], { cwd: repo, env: { TEST_URL: schema.url } });
        let exited = false;
        void run.done.then(() => (exited = true));
        for (;;) {
          if (exited) break;
          const p = await progress();
          if (p && p.inFlight !== null && p.inFlight >= target) {
            // During a slow statement, give it time to be well under way on the server.
            if (SLOW.has(target)) await new Promise((r) => setTimeout(r, 300));
            run.child.kill('SIGKILL');
            break;
          }
          await new Promise((r) => setTimeout(r, 5));
        }
        const r = await run.done;
        if (r.signal === 'SIGKILL') {
          kills++;
          break;
        }
        if (r.code === 0) break; // it finished before this kill point came up
        // The run stopped by itself: an in-doubt statement from the previous kill.
        assert.equal(r.code, 1, r.stdout + r.stderr);
        assert.ok(await resolveIfInDoubt(r), `unexpected stop: ${r.stderr}`);
        inDoubt++;
      }
    }
    assert.ok(kills >= 18, `${kills} kills landed`);
    for (let attempt = 0; attempt < 5; attempt++) {
      const r = await runCli(['apply', '--env', 'local'], { cwd: repo, env: { TEST_URL: schema.url } });
      if (r.code === 0) break;
      assert.ok(await resolveIfInDoubt(r), `final run failed: ${r.stderr}`);
      inDoubt++;
    }
    const p = await progress();
    assert.deepEqual(p, { applied: 50, inFlight: null, status: 'applied' });
    const [rows] = await probe.query('SELECT k, COUNT(*) AS n FROM trace GROUP BY k ORDER BY k');
    const expected = Array.from({ length: 50 }, (_, i) => i + 1).filter((k) => k !== 1 && !SLOW.has(k) && k % 2 === 0);
    assert.deepEqual((rows as { k: number; n: number }[]).map((x) => [x.k, Number(x.n)]), expected.map((k) => [k, 1]));
    for (let k = 3; k <= 50; k += 2) {
      const name = SLOW.has(k) ? `slow_${k}` : `t_${k}`;
      assert.ok(await tableExists(name), `${name} exists`);
    }
    assert.ok(inDoubt >= 1, 'killing a slow DDL statement leaves its outcome in doubt at least once');
  });
});
