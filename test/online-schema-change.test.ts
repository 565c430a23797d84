// Online schema changes through the real executable, the real pt-online-schema-change (Debian's
// percona-toolkit) and the throwaway server: a copy-ALTER on a table over above_rows runs online
// under a write load and ends equal, row for row, to a twin that took the same writes and was altered
// offline; no password in any process's command line; kills of changegate and of the tool end with
// the statement applied exactly once and nothing left behind; a stand-in `command:` tool crashing
// right before and right after its swap.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { getServer, type TestServer } from './helpers/mysql-server.js';
import { localConfig, makeRepo, manifest, runCli, startCli, writeFiles } from './helpers/cli.js';

const ROWS = 120_000;
const ID = '2026-11-10-orders-amount';
const ALTER = 'ALTER TABLE orders MODIFY amount DECIMAL(14,2) NOT NULL, ADD INDEX idx_customer (customer_id)';

describe('online schema change (pt-online-schema-change, CLI)', function () {
  this.timeout(300_000);
  let server: TestServer;
  let schema: { name: string; url: string; drop(): Promise<void> };
  let repo: string;
  const env = () => ({ TEST_URL: schema.url });

  before(async () => {
    server = await getServer();
    // The suite needs the tool: a missing one fails here with the reason, never a silent skip.
    execFileSync('pt-online-schema-change', ['--version']);
  });
  beforeEach(async () => {
    schema = await server.freshSchema('osc');
    await q(`CREATE TABLE orders (id INT NOT NULL PRIMARY KEY, customer_id INT NOT NULL, amount DECIMAL(10,2) NOT NULL, note VARCHAR(40) NULL) ENGINE=InnoDB`);
    await q('CREATE TABLE orders_twin LIKE orders');
    // Rows in one statement per 20,000: quick to load, deterministic to compare.
    for (let start = 1; start <= ROWS; start += 20_000) {
      const values = Array.from({ length: 20_000 }, (_, i) => `(${start + i}, ${(start + i) % 977}, ${((start + i) % 5000) / 100}, 'n${start + i}')`).join(',');
      await q(`INSERT INTO orders VALUES ${values}`);
    }
    await q('INSERT INTO orders_twin SELECT * FROM orders');
    await q('ANALYZE TABLE orders');
    repo = makeRepo({
      'changegate.yaml': localConfig(
        ['    online_schema_change: { tool: pt-online-schema-change, above_rows: 1000 }', '    throttle: { chunk_time: 0.1 }'].join('\n'),
      ),
    });
    writeFiles(repo, { ...manifest(ID, { destructive: true }), [`migrations/${ID}/up.sql`]: `${ALTER};\n` });
  });
  afterEach(async () => {
    await schema.drop();
    rmSync(repo, { recursive: true, force: true });
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

  /** Tables and triggers besides the two the test made. */
  async function leftovers(): Promise<string[]> {
    const t = await q<{ n: string }>("SELECT TABLE_NAME AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME NOT IN ('orders', 'orders_twin', 'changegate_history')");
    const g = await q<{ n: string }>('SELECT TRIGGER_NAME AS n FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE()');
    return [...t.map((r) => `table ${r.n}`), ...g.map((r) => `trigger ${r.n}`)];
  }

  /** SHOW CREATE TABLE without the name and counter: what the statement must have made. */
  async function definition(table: string): Promise<string> {
    const [row] = await q<Record<string, string>>(`SHOW CREATE TABLE ${table}`);
    return row!['Create Table']!.replace(/^CREATE TABLE `[^`]+`/, 'CREATE TABLE t').replace(/ AUTO_INCREMENT=\d+/, '');
  }

  async function history(): Promise<{ status: string; statements_applied: number; in_flight: number | null }> {
    const [row] = await q<{ status: string; statements_applied: number; in_flight: number | null }>('SELECT status, statements_applied, in_flight FROM changegate_history WHERE change_id = ?', [ID]);
    return row!;
  }

  /** The twin altered offline, then both compared by rows and by checksum. */
  async function assertEqualToTwin(): Promise<void> {
    await q(ALTER.replace('orders', 'orders_twin'));
    assert.equal(await definition('orders'), await definition('orders_twin'));
    const [a] = await q<{ Checksum: unknown }>('CHECKSUM TABLE orders');
    const [b] = await q<{ Checksum: unknown }>('CHECKSUM TABLE orders_twin');
    const diff = await q<{ n: number }>(
      'SELECT COUNT(*) AS n FROM orders o LEFT JOIN orders_twin t ON t.id = o.id AND t.customer_id = o.customer_id AND t.amount = o.amount AND t.note <=> o.note WHERE t.id IS NULL',
    );
    const [counts] = await q<{ a: number; b: number }>('SELECT (SELECT COUNT(*) FROM orders) AS a, (SELECT COUNT(*) FROM orders_twin) AS b');
    assert.equal(Number(counts!.a), Number(counts!.b));
    assert.equal(Number(diff[0]!.n), 0);
    assert.equal(String(a!.Checksum), String(b!.Checksum));
  }

  it('plans the copy-ALTER online, and names why another statement cannot go online', async () => {
    writeFiles(repo, {
      ...manifest('2026-11-11-orders-unique', { destructive: true }),
      'migrations/2026-11-11-orders-unique/up.sql': 'ALTER TABLE orders MODIFY note CHAR(40) NULL, ADD UNIQUE KEY uq_note (note);\n',
    });
    const plan = await runCli(['plan', '--env', 'local'], { cwd: repo, env: env() });
    assert.equal(plan.code, 0, plan.stderr);
    assert.match(plan.stdout, new RegExp(`online via pt-online-schema-change, about \\d+ s for [\\d,]+ rows \\(over above_rows, 1,000\\), writes blocked only at the table swap`));
    assert.ok(
      plan.stdout.includes(
        'cannot run online through pt-online-schema-change: it adds a unique key (note): the tool copies rows with INSERT IGNORE and its triggers REPLACE rows, ' +
          'so a duplicate, one there now or one written during the copy, would be lost silently instead of refused; add the key with a blocking ALTER in a quiet hour, or make the key include the primary key',
      ),
      plan.stdout,
    );
    const json = JSON.parse((await runCli(['--format', 'json', 'plan', '--env', 'local'], { cwd: repo, env: env() })).stdout);
    const [first, second] = json.changes;
    assert.equal(first.statements[0].online.tool, 'pt-online-schema-change');
    assert.equal(first.statements[0].online.clauses, 'MODIFY amount DECIMAL(14,2) NOT NULL, ADD INDEX idx_customer (customer_id)');
    assert.equal(second.statements[0].online.tool, null);
  });

  it('alters online under a write load: equal row for row to a twin altered offline, no leftovers, no password on any command line', async () => {
    // Writers: each operation writes the same row change to orders and to the twin, in one transaction.
    let stop = false;
    let next = ROWS + 1;
    let longestMs = 0;
    const writer = async (seed: number) => {
      const conn = await mysql.createConnection(schema.url);
      let n = seed;
      try {
        while (!stop) {
          n = (n * 1103515245 + 12345) % 2147483648;
          const id = 1 + (n % ROWS);
          const t0 = Date.now();
          await conn.query('BEGIN');
          if (n % 3 === 0) {
            const fresh = next++;
            for (const t of ['orders', 'orders_twin']) await conn.query(`INSERT INTO ${t} VALUES (?, ?, ?, ?)`, [fresh, fresh % 977, 1.5, `w${fresh}`]);
          } else if (n % 3 === 1) {
            for (const t of ['orders', 'orders_twin']) await conn.query(`UPDATE ${t} SET amount = amount + 1, note = CONCAT('u', id) WHERE id = ?`, [id]);
          } else {
            for (const t of ['orders', 'orders_twin']) await conn.query(`DELETE FROM ${t} WHERE id = ?`, [id]);
          }
          await conn.query('COMMIT');
          longestMs = Math.max(longestMs, Date.now() - t0);
        }
      } finally {
        await conn.end();
      }
    };
    const writers = [1, 2, 3, 4].map((s) => writer(s * 7919));
    // Every process's command line, read while the tool runs.
    const password = new URL(schema.url).password;
    assert.ok(password.length > 8);
    const seen: string[] = [];
    const scan = setInterval(() => {
      for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
        try {
          const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
          if (cmd.includes('pt-online-schema-change')) seen.push(cmd.replace(/\0/g, ' '));
          assert.ok(!cmd.includes(password), `a command line holds the password: ${cmd.replace(/\0/g, ' ')}`);
        } catch (e) {
          if (e instanceof assert.AssertionError) throw e;
        }
      }
    }, 20);
    let res;
    try {
      res = await runCli(['apply', '--env', 'local'], { cwd: repo, env: env() });
    } finally {
      clearInterval(scan);
      stop = true;
      await Promise.all(writers);
    }
    assert.equal(res.code, 0, res.stdout + res.stderr);
    assert.ok(seen.length > 0, 'the scan saw the tool running');
    assert.ok(!res.stdout.includes(password) && !res.stderr.includes(password));
    assert.match(res.stdout, new RegExp(`${ID}: statement 1: copying orders into a new table: about \\d+ rows`));
    assert.match(res.stdout, new RegExp(`${ID}: statement 1: orders altered online: copied in [\\d.]+ s, tables swapped in [\\d.]+ s`));
    assert.deepEqual(await history(), { status: 'applied', statements_applied: 1, in_flight: null });
    assert.deepEqual(await leftovers(), []);
    await assertEqualToTwin();
    // Not asserted (timings belong to the bench), but shown when the test is read with --reporter spec.
    console.log(`      writers' longest wait during the online ALTER: ${longestMs} ms`);
  });

  it('a killed tool: its leftovers are removed by name, the statement is recorded failed, and a rerun applies it once', async () => {
    const cli = startCli(['apply', '--env', 'local'], { cwd: repo, env: env() });
    const tool = await waitFor(async () => {
      const copied = (await leftovers()).includes('table _orders_new') ? await q<{ n: number }>('SELECT COUNT(*) AS n FROM _orders_new') : [];
      if (!copied[0] || Number(copied[0].n) === 0) return null;
      return toolPid();
    });
    process.kill(tool, 'SIGKILL');
    const res = await cli.done;
    assert.equal(res.code, 1, res.stdout + res.stderr);
    assert.ok(
      res.stderr.includes(
        `${ID}: statement 1 of 1 failed at migrations/${ID}/up.sql:1: pt-online-schema-change stopped: killed by SIGKILL; orders is as it was; ` +
          `removed what it left: table _orders_new, trigger pt_osc_${schema.name}_orders_del, trigger pt_osc_${schema.name}_orders_ins, trigger pt_osc_${schema.name}_orders_upd. ` +
          'No statement of this change is applied. Run apply again to start statement 1 over\n',
      ),
      res.stderr,
    );
    assert.deepEqual(await leftovers(), []);
    assert.deepEqual(await history(), { status: 'failed', statements_applied: 0, in_flight: null });
    const again = await runCli(['apply', '--env', 'local'], { cwd: repo, env: env() });
    assert.equal(again.code, 0, again.stdout + again.stderr);
    assert.deepEqual(await history(), { status: 'applied', statements_applied: 1, in_flight: null });
    assert.deepEqual(await leftovers(), []);
    await assertEqualToTwin();
  });

  it('a killed changegate during the copy: the rerun settles the statement from the live schema and applies it exactly once', async () => {
    const cli = startCli(['apply', '--env', 'local'], { cwd: repo, env: env() });
    await waitFor(async () => {
      if (!(await leftovers()).includes('table _orders_new')) return null;
      const [r] = await q<{ n: number }>('SELECT COUNT(*) AS n FROM _orders_new');
      return Number(r!.n) > 0 ? true : null;
    });
    cli.child.kill('SIGKILL');
    await cli.done;
    // The tool may go on as an orphan (the rerun then waits for it) or die writing to the closed
    // pipe (the rerun removes what it left and runs it again): either way, once.
    const again = await runCli(['apply', '--env', 'local'], { cwd: repo, env: env() });
    assert.equal(again.code, 0, again.stdout + again.stderr);
    assert.match(
      again.stdout,
      new RegExp(`statement 1 of ${ID} (was applied online before the interruption: orders has the definition it makes|did not apply online before the interruption: orders is as it was; removed what the tool left: .*; it runs again)`),
    );
    assert.deepEqual(await history(), { status: 'applied', statements_applied: 1, in_flight: null });
    assert.deepEqual(await leftovers(), []);
    await assertEqualToTwin();
  });

  it('a run cut short by critical_load stops with exit 1 and a one-line reason, leaving nothing behind', async () => {
    writeFiles(repo, {
      'changegate.yaml': localConfig(
        ['    online_schema_change: { tool: pt-online-schema-change, above_rows: 1000 }', '    throttle: { critical_load: "Threads_running=1", chunk_time: 0.1 }'].join('\n'),
      ),
    });
    const res = await runCli(['apply', '--env', 'local'], { cwd: repo, env: env() });
    assert.equal(res.code, 1, res.stdout + res.stderr);
    const line = res.stderr.split('\n').find((l) => l.startsWith('error: '));
    assert.match(
      line ?? '',
      new RegExp(`^error: ${ID}: statement 1 of 1 failed at migrations/${ID}/up.sql:1: pt-online-schema-change stopped: .*Threads_running=\\d+ exceeds its critical threshold 1 \\(exit code \\d+\\); orders is as it was(; removed what it left: [^.]+)?\\. No statement of this change is applied\\. Run apply again to start statement 1 over$`),
      res.stderr,
    );
    assert.deepEqual(await leftovers(), []);
    assert.deepEqual(await history(), { status: 'failed', statements_applied: 0, in_flight: null });
  });

  async function toolPid(): Promise<number | null> {
    for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
      try {
        const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        if (cmd.includes('pt-online-schema-change') && cmd.includes(`D=${schema.name},t=orders`)) return Number(pid);
      } catch {
        // gone meanwhile
      }
    }
    return null;
  }
});

describe('online schema change (command: a stand-in tool, CLI)', function () {
  this.timeout(120_000);
  let server: TestServer;
  let schema: { name: string; url: string; drop(): Promise<void> };
  let repo: string;
  const env = (crash = '') => ({ TEST_URL: schema.url, STANDIN_CRASH: crash });

  before(async () => {
    server = await getServer();
  });
  beforeEach(async () => {
    schema = await server.freshSchema('osc_cmd');
    await q('CREATE TABLE items (id INT NOT NULL PRIMARY KEY, label VARCHAR(20) NOT NULL) ENGINE=InnoDB');
    await q(`INSERT INTO items VALUES ${Array.from({ length: 3000 }, (_, i) => `(${i + 1}, 'l${i + 1}')`).join(',')}`);
    await q('ANALYZE TABLE items');
    repo = makeRepo({});
    const standin = path.join(repo, 'standin.sh');
    writeFileSync(standin, STANDIN);
    chmodSync(standin, 0o755);
    writeFiles(repo, {
      'changegate.yaml': localConfig(
        `    online_schema_change: { tool: command, above_rows: 100, command: "${standin} {DEFAULTS_FILE} {SCHEMA} {TABLE} {CLAUSES}" }`,
      ),
      ...manifest('2026-11-12-items-label', { destructive: true }),
      'migrations/2026-11-12-items-label/up.sql': 'ALTER TABLE items MODIFY label CHAR(30) NOT NULL;\n',
    });
  });
  afterEach(async () => {
    await schema.drop();
    rmSync(repo, { recursive: true, force: true });
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
  const labelType = async () => String((await q<{ t: string }>("SELECT COLUMN_TYPE AS t FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'items' AND COLUMN_NAME = 'label'"))[0]!.t);
  const tables = async () => (await q<{ n: string }>('SELECT TABLE_NAME AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY 1')).map((r) => r.n);
  const status = async () => (await q<{ status: string; a: number }>("SELECT status, statements_applied AS a FROM changegate_history WHERE change_id = '2026-11-12-items-label'"))[0];

  it('crashes right before its swap: the copy it left is removed by name, the statement is failed, and the rerun applies it', async () => {
    const res = await runCli(['apply', '--env', 'local'], { cwd: repo, env: env('before-swap') });
    assert.equal(res.code, 1, res.stdout + res.stderr);
    assert.ok(
      res.stderr.includes(
        '2026-11-12-items-label: statement 1 of 1 failed at migrations/2026-11-12-items-label/up.sql:1: the online schema change command stopped: ' +
          'stand-in: crashing before the swap (exit code 3); items is as it was; removed what it left: table _items_new. No statement of this change is applied. Run apply again to start statement 1 over\n',
      ),
      res.stderr,
    );
    assert.deepEqual(await tables(), ['changegate_history', 'items']);
    assert.equal(await labelType(), 'varchar(20)');
    assert.deepEqual(await status(), { status: 'failed', a: 0 });
    const again = await runCli(['apply', '--env', 'local'], { cwd: repo, env: env() });
    assert.equal(again.code, 0, again.stdout + again.stderr);
    assert.equal(await labelType(), 'char(30)');
    assert.deepEqual(await status(), { status: 'applied', a: 1 });
    assert.equal(Number((await q<{ n: number }>('SELECT COUNT(*) AS n FROM items'))[0]!.n), 3000);
  });

  it('crashes right after its swap: the statement is applied, recorded once, and the old table it left is removed', async () => {
    const res = await runCli(['apply', '--env', 'local'], { cwd: repo, env: env('after-swap') });
    assert.equal(res.code, 0, res.stdout + res.stderr);
    assert.ok(
      res.stdout.includes(
        'the online schema change command failed after the swap (stand-in: crashing after the swap (exit code 4)), but items has the definition statement 1 makes: recorded applied',
      ),
      res.stdout,
    );
    assert.deepEqual(await tables(), ['changegate_history', 'items']);
    assert.equal(await labelType(), 'char(30)');
    assert.deepEqual(await status(), { status: 'applied', a: 1 });
  });

  it('changegate killed while the tool is about to swap: the rerun removes the copy and applies the statement once', async () => {
    const cli = startCli(['apply', '--env', 'local'], { cwd: repo, env: env('hang-before-swap') });
    await waitFor(async () => ((await tables()).includes('_items_new') && existsSync(path.join(repo, 'standin.waiting')) ? true : null));
    // A runner that dies takes its tool with it.
    const standinPid = Number(readFileSync(path.join(repo, 'standin.waiting'), 'utf8'));
    cli.child.kill('SIGKILL');
    process.kill(standinPid, 'SIGKILL');
    await cli.done;
    const again = await runCli(['apply', '--env', 'local'], { cwd: repo, env: env() });
    assert.equal(again.code, 0, again.stdout + again.stderr);
    assert.ok(
      again.stdout.includes(
        'statement 1 of 2026-11-12-items-label did not apply online before the interruption: items is as it was; removed what the tool left: table _items_new; it runs again',
      ),
      again.stdout,
    );
    assert.equal(await labelType(), 'char(30)');
    assert.deepEqual(await tables(), ['changegate_history', 'items']);
    assert.deepEqual(await status(), { status: 'applied', a: 1 });
  });

  it('changegate killed right after the swap: the rerun records the statement applied without running it again', async () => {
    const cli = startCli(['apply', '--env', 'local'], { cwd: repo, env: env('hang-after-swap') });
    await waitFor(async () => ((await tables()).includes('_items_old') && existsSync(path.join(repo, 'standin.waiting')) ? true : null));
    const standinPid = Number(readFileSync(path.join(repo, 'standin.waiting'), 'utf8'));
    cli.child.kill('SIGKILL');
    process.kill(standinPid, 'SIGKILL');
    await cli.done;
    const again = await runCli(['apply', '--env', 'local'], { cwd: repo, env: env('refuse-to-run') });
    assert.equal(again.code, 0, again.stdout + again.stderr);
    assert.ok(
      again.stdout.includes(
        'statement 1 of 2026-11-12-items-label was applied online before the interruption: items has the definition it makes; removed what the tool left: table _items_old',
      ),
      again.stdout,
    );
    assert.deepEqual(await tables(), ['changegate_history', 'items']);
    assert.deepEqual(await status(), { status: 'applied', a: 1 });
  });
});

// A stand-in for an online tool: copy into `_t_new` altered, swap by RENAME, drop the old table; it
// crashes or hangs where STANDIN_CRASH says. Its client reads the credentials from the option file.
const STANDIN = `#!/bin/sh
set -e
cnf="$1"; db="$2"; t="$3"; clauses="$4"
dir=$(dirname "$0")
client=$(command -v mariadb || command -v mysql)
sql() { "$client" --defaults-file="$cnf" "$db" -e "$1"; }
[ "$STANDIN_CRASH" = refuse-to-run ] && { echo "stand-in: must not run again" >&2; exit 9; }
echo "stand-in: copying $t"
sql "CREATE TABLE \\\`_\${t}_new\\\` LIKE \\\`$t\\\`; ALTER TABLE \\\`_\${t}_new\\\` $clauses; INSERT INTO \\\`_\${t}_new\\\` SELECT * FROM \\\`$t\\\`"
[ "$STANDIN_CRASH" = before-swap ] && { echo "stand-in: crashing before the swap" >&2; exit 3; }
[ "$STANDIN_CRASH" = hang-before-swap ] && { echo $$ > "$dir/standin.waiting"; exec sleep 600; }
sql "RENAME TABLE \\\`$t\\\` TO \\\`_\${t}_old\\\`, \\\`_\${t}_new\\\` TO \\\`$t\\\`"
[ "$STANDIN_CRASH" = after-swap ] && { echo "stand-in: crashing after the swap" >&2; exit 4; }
[ "$STANDIN_CRASH" = hang-after-swap ] && { echo $$ > "$dir/standin.waiting"; exec sleep 600; }
sql "DROP TABLE \\\`_\${t}_old\\\`"
echo "stand-in: done"
`;

/** Polls `probe` until it returns a value (never null), for at most 60 s. */
async function waitFor<T>(probe: () => Promise<T | null>): Promise<T> {
  const until = Date.now() + 60_000;
  for (;;) {
    const v = await probe();
    if (v !== null) return v;
    if (Date.now() > until) throw new Error('waited 60 s for a state that never came');
    await new Promise((r) => setTimeout(r, 25));
  }
}

