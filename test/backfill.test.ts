// Batched backfills through the real executable against the throwaway server: what validate refuses,
// what the plan says, a batched UPDATE that changes every row exactly once although changegate is
// killed with SIGKILL at ten random moments, max_dml_rows refusing an unbatched UPDATE before the
// change's first statement, and the throttle pausing under load and stopping over critical_load.
import { strict as assert } from 'node:assert';
import { rmSync } from 'node:fs';
import mysql from 'mysql2/promise';
import { getServer, type TestServer } from './helpers/mysql-server.js';
import { localConfig, makeRepo, manifest, runCli, startCli, writeFiles } from './helpers/cli.js';

const ID = '2026-11-15-items-backfill';

describe('batched backfills (CLI)', function () {
  this.timeout(240_000);
  let server: TestServer;
  let schema: { name: string; url: string; drop(): Promise<void> };
  let repo: string;
  const env = () => ({ TEST_URL: schema.url });

  before(async () => {
    server = await getServer();
  });
  async function q<T = Record<string, unknown>>(sql: string, values: unknown[] = []): Promise<T[]> {
    const conn = await mysql.createConnection(schema.url);
    try {
      const [rows] = await conn.query(sql, values);
      return rows as T[];
    } finally {
      await conn.end();
    }
  }
  async function table(rows: number): Promise<void> {
    await q('CREATE TABLE items (id INT NOT NULL PRIMARY KEY, grp INT NOT NULL, n INT NOT NULL DEFAULT 0, note VARCHAR(20) NULL) ENGINE=InnoDB');
    for (let start = 1; start <= rows; start += 10_000) {
      const values = Array.from({ length: Math.min(10_000, rows - start + 1) }, (_, i) => `(${start + i}, ${(start + i) % 7}, 0, NULL)`).join(',');
      await q(`INSERT INTO items VALUES ${values}`);
    }
    await q('ANALYZE TABLE items');
  }
  function change(sql: string, extra = ''): void {
    writeFiles(repo, { ...manifest(ID, { destructive: true }), [`migrations/${ID}/up.sql`]: sql });
    if (extra) writeFiles(repo, { 'changegate.yaml': localConfig(extra) });
  }
  const counts = async () => (await q<{ n: number; c: number }>('SELECT n, COUNT(*) AS c FROM items GROUP BY n ORDER BY n')).map((r) => [Number(r.n), Number(r.c)]);
  const history = async () => (await q<{ status: string; a: number }>('SELECT status, statements_applied AS a FROM changegate_history WHERE change_id = ?', [ID]))[0];

  beforeEach(async () => {
    schema = await server.freshSchema('backfill');
    repo = makeRepo({ 'changegate.yaml': localConfig() });
  });
  afterEach(async () => {
    await schema.drop();
    rmSync(repo, { recursive: true, force: true });
  });

  it('validate refuses a marked statement that cannot be batched safely, saying why, at its line', async () => {
    const cases: [string, string][] = [
      ['UPDATE items SET n = 1 ORDER BY id LIMIT 10', 'cannot be batched: it has ORDER BY: batches walk the key in order and cover every row the statement reaches; remove it'],
      ['UPDATE items i JOIN other o ON o.id = i.id SET i.n = o.n', 'cannot be batched: a multi-table UPDATE cannot be batched: batch the table it changes with a single-table UPDATE'],
      ['DELETE i FROM items i WHERE i.n = 0', 'cannot be batched: a multi-table DELETE cannot be batched: batch the table it deletes from with DELETE FROM that table'],
      ['INSERT INTO items VALUES (1, 1, 1, NULL)', 'cannot be batched: INSERT ... VALUES has no source table to walk; only INSERT ... SELECT from one table can be batched'],
      ['INSERT INTO totals SELECT grp, COUNT(*) FROM items GROUP BY grp', 'cannot be batched: its SELECT has GROUP BY: only a plain SELECT from one table can be batched over that table\'s key'],
    ];
    for (const [sql, why] of cases) {
      change(`-- changegate:batch rows=100\n${sql};\n`);
      const res = await runCli(['validate'], { cwd: repo });
      assert.equal(res.code, 1, sql);
      assert.ok(res.stdout.includes(`migrations/${ID}/up.sql:2:1  error CG214  ${why}\n`), `${sql}\n${res.stdout}${res.stderr}`);
    }
    change('-- changegate:batch rows=100 size=3\nUPDATE items SET n = 1 WHERE n = 0;\n');
    const bad = await runCli(['validate'], { cwd: repo });
    assert.ok((bad.stdout + bad.stderr).includes('unknown option "size=3" in the -- changegate:batch marker; it takes rows=N, key=col[,col] and sleep=SECONDS'), bad.stdout + bad.stderr);
    change('-- changegate:batch key=id\nUPDATE items SET id = id + 1000000 WHERE n = 0;\n');
    const moved = await runCli(['validate'], { cwd: repo });
    assert.ok((moved.stdout + moved.stderr).includes('cannot be batched: its SET changes id, a column of the key the batches walk, so rows would move behind or ahead of the walk'), moved.stdout + moved.stderr);
  });

  it('plans the walk, applies every row once, and records the progress with the change', async () => {
    await table(20_000);
    change('-- changegate:batch rows=500\nUPDATE items SET n = n + 1, note = CONCAT(\'g\', grp) WHERE n >= 0;\n');
    const plan = await runCli(['plan', '--env', 'local'], { cwd: repo, env: env() });
    assert.equal(plan.code, 0, plan.stderr);
    assert.match(plan.stdout, /\n {7}1 {2}batched: 500 rows at a time over \(id\), about [\d,]+ rows in \d+ batches; each batch commits with its progress, so a rerun resumes after the last one\n/);
    const json = JSON.parse((await runCli(['--format', 'json', 'plan', '--env', 'local'], { cwd: repo, env: env() })).stdout);
    assert.deepEqual(Object.keys(json.changes[0].statements[0].batch).sort(), ['batches', 'estimate_rows', 'key', 'numeric', 'rows', 'sleep']);
    assert.deepEqual(json.changes[0].statements[0].batch.key, ['id']);
    const res = await runCli(['apply', '--env', 'local'], { cwd: repo, env: env() });
    assert.equal(res.code, 0, res.stdout + res.stderr);
    assert.match(res.stdout, new RegExp(`${ID}: statement 1: 20,000 of about [\\d,]+ rows \\(\\d+ %\\) in \\d+ batches, [\\d,]+ rows/s, done\\n`));
    assert.deepEqual(await counts(), [[1, 20_000]]);
    assert.equal(Number((await q<{ c: number }>("SELECT COUNT(*) AS c FROM items WHERE note = CONCAT('g', grp)"))[0]!.c), 20_000);
    assert.deepEqual(await history(), { status: 'applied', a: 1 });
  });

  it('walks a composite key, and the JSON report records the batches, rows, pauses and time', async () => {
    await q('CREATE TABLE ledger (tenant VARCHAR(20) NOT NULL, seq INT NOT NULL, n INT NOT NULL DEFAULT 0, PRIMARY KEY (tenant, seq)) ENGINE=InnoDB');
    const rows = ['acme', "o'brien", 'zeta'].flatMap((t) => Array.from({ length: 1500 }, (_, i) => `(${mysql.escape(t)}, ${i + 1}, 0)`));
    await q(`INSERT INTO ledger VALUES ${rows.join(',')}`);
    await q('ANALYZE TABLE ledger');
    writeFiles(repo, { ...manifest(ID, { destructive: true }), [`migrations/${ID}/up.sql`]: '-- changegate:batch rows=250\nUPDATE ledger l SET l.n = l.n + 1 WHERE l.seq > 0;\n' });
    const res = await runCli(['--format', 'json', 'apply', '--env', 'local'], { cwd: repo, env: env() });
    assert.equal(res.code, 0, res.stdout + res.stderr);
    const batch = JSON.parse(res.stdout).changes[0].statements[0].batch;
    assert.deepEqual(batch.key, ['tenant', 'seq']);
    assert.equal(batch.ran.rows, 4500);
    assert.equal(batch.ran.pauses, 0);
    assert.ok(batch.ran.batches >= 2 && batch.ran.seconds > 0, JSON.stringify(batch.ran));
    assert.deepEqual((await q<{ n: number; c: number }>('SELECT n, COUNT(*) AS c FROM ledger GROUP BY n')).map((r) => [Number(r.n), Number(r.c)]), [[1, 4500]]);
  });

  it('killed with SIGKILL at ten random moments and rerun each time, it changes every row exactly once', async () => {
    await table(60_000);
    // Batches of about 10 ms, 30 ms apart, so that ten runs killed mid-way do not finish the walk between them.
    change('-- changegate:batch rows=100 sleep=0.03\nUPDATE items SET n = n + 1 WHERE grp >= 0;\n', '    throttle: { chunk_time: 0.01 }');
    // A fixed seed: the moments are random but the same on every run of the test.
    let seed = 20261207;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const progress = async () => {
      const exists = await q("SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'changegate_history'");
      const [r] = exists.length ? await q<{ step_state: string | null }>('SELECT step_state FROM changegate_history WHERE change_id = ?', [ID]) : [];
      return r?.step_state ? (JSON.parse(r.step_state).backfill as { rowsDone: number; done: boolean }) : { rowsDone: 0, done: false };
    };
    for (let i = 0; i < 10; i++) {
      const before = (await progress()).rowsDone;
      const cli = startCli(['apply', '--env', 'local'], { cwd: repo, env: env() });
      // Once this run has committed a batch, at a random moment within the next 150 ms.
      while ((await progress()).rowsDone === before) await new Promise((r) => setTimeout(r, 5));
      await new Promise((r) => setTimeout(r, Math.floor(rand() * 150)));
      assert.ok(cli.child.kill('SIGKILL'), `run ${i + 1} ended before its kill`);
      await cli.done;
      assert.equal((await progress()).done, false, `run ${i + 1} finished the walk before its kill`);
    }
    // Status shows where the walk stands, from the progress the last committed batch wrote.
    const [row] = await q<{ step_state: string }>('SELECT step_state FROM changegate_history WHERE change_id = ?', [ID]);
    const mid = JSON.parse(row!.step_state).backfill;
    const st = await runCli(['--format', 'json', 'status', '--env', 'local'], { cwd: repo, env: env() });
    const shown = JSON.parse(st.stdout).changes.find((c: { id: string }) => c.id === ID);
    {
      assert.deepEqual(shown.backfill, { statement: 1, last_key: mid.lastKey, rows_done: mid.rowsDone });
      const text = await runCli(['status', '--env', 'local'], { cwd: repo, env: env() });
      assert.ok(text.stdout.includes(`              backfill of statement 1: ${mid.rowsDone.toLocaleString('en-US')} rows done, resumes after key (${mid.lastKey[0]})\n`), text.stdout);
      assert.equal(Number((await q<{ c: number }>('SELECT COUNT(*) AS c FROM items WHERE n = 1'))[0]!.c), mid.rowsDone);
    }
    const done = await runCli(['apply', '--env', 'local'], { cwd: repo, env: env() });
    assert.equal(done.code, 0, done.stdout + done.stderr);
    assert.deepEqual(await counts(), [[1, 60_000]]);
    assert.deepEqual(await history(), { status: 'applied', a: 1 });
  });

  it('max_dml_rows refuses an unbatched UPDATE before the change\'s first statement, naming the marker; batched, it runs', async () => {
    await table(5_000);
    await q('CREATE TABLE items_log (id INT NOT NULL PRIMARY KEY) ENGINE=InnoDB');
    change('INSERT INTO items_log VALUES (1);\nUPDATE items SET n = n + 1 WHERE grp >= 0;\n', '    max_dml_rows: 1000');
    const res = await runCli(['apply', '--env', 'local'], { cwd: repo, env: env() });
    assert.equal(res.code, 1, res.stdout + res.stderr);
    assert.match(
      res.stderr,
      /statement 2 CG402: statement 2 reaches about [\d,]+ rows in one transaction, over max_dml_rows \(1,000\) of local: it would lock every one of them until it ends; put the line -- changegate:batch right before it to run it in batches that each commit with their progress/,
    );
    assert.deepEqual(await counts(), [[0, 5_000]]);
    assert.deepEqual(await q('SELECT * FROM items_log'), [], 'statement 1 did not run');
    change('INSERT INTO items_log VALUES (1);\n-- changegate:batch\nUPDATE items SET n = n + 1 WHERE grp >= 0;\n', '    max_dml_rows: 1000');
    const ok = await runCli(['apply', '--env', 'local'], { cwd: repo, env: env() });
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.deepEqual(await counts(), [[1, 5_000]]);
  });

  it('pauses while the load is over max_load, says so, and goes on when it ends; stops cleanly over critical_load and resumes', async () => {
    await table(3_000);
    const busy = async (seconds: number, n: number) => {
      const conns = await Promise.all(Array.from({ length: n }, () => mysql.createConnection(schema.url)));
      const running = conns.map((c) => c.query(`SELECT SLEEP(${seconds})`));
      // The load is on once the server counts it: this query's own thread, and n sleeping ones.
      for (;;) {
        const [row] = await q<{ Value: string }>("SHOW GLOBAL STATUS LIKE 'Threads_running'");
        if (Number(row!.Value) > n) break;
      }
      return async () => {
        await Promise.all(running);
        await Promise.all(conns.map((c) => c.end()));
      };
    };
    change('-- changegate:batch rows=1000\nUPDATE items SET n = n + 1 WHERE grp >= 0;\n', '    throttle: { max_load: "Threads_running=2" }');
    const load = await busy(3, 3);
    const res = await runCli(['apply', '--env', 'local'], { cwd: repo, env: env() });
    await load();
    assert.equal(res.code, 0, res.stdout + res.stderr);
    assert.match(res.stdout, new RegExp(`${ID}: statement 1: paused: Threads_running=\\d+ is over max_load \\(2\\)\\n`));
    assert.deepEqual(await counts(), [[1, 3_000]]);

    writeFiles(repo, { [`migrations/${ID}/up.sql`]: '-- changegate:batch rows=1000\nUPDATE items SET n = n + 1 WHERE grp >= 0;\n' });
    const id2 = '2026-11-16-items-again';
    writeFiles(repo, { ...manifest(id2, { destructive: true }), [`migrations/${id2}/up.sql`]: '-- changegate:batch rows=1000\nUPDATE items SET n = n + 1 WHERE grp >= 0;\n', 'changegate.yaml': localConfig('    throttle: { critical_load: "Threads_running=2" }') });
    const heavy = await busy(3, 3);
    const stopped = await runCli(['apply', '--env', 'local'], { cwd: repo, env: env() });
    await heavy();
    assert.equal(stopped.code, 1, stopped.stdout + stopped.stderr);
    assert.match(
      stopped.stderr,
      new RegExp(`error: ${id2}: statement 1 of 1 failed at migrations/${id2}/up.sql:2: stopped by critical_load: Threads_running=\\d+, over 2; the batches committed so far stay recorded, and apply resumes after them\\. No statement of this change is applied\\. Run apply again to continue statement 1 after its last committed batch\\n`),
    );
    const again = await runCli(['apply', '--env', 'local'], { cwd: repo, env: env() });
    assert.equal(again.code, 0, again.stdout + again.stderr);
    assert.deepEqual(await counts(), [[2, 3_000]]);
  });
});
