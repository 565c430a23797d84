// apply, status, drift, resolve and the guards, through the real executable against the throwaway
// server: the messages a database engineer reads, word for word.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { getServer, type TestServer } from './helpers/mysql-server.js';
import { localConfig, makeRepo, manifest, runCli, startCli, writeFiles } from './helpers/cli.js';

describe('apply against a real server (CLI)', function () {
  this.timeout(120_000);
  let server: TestServer;
  let schema: { name: string; url: string; drop(): Promise<void> };
  let repo: string;
  const env = () => ({ TEST_URL: schema.url });

  before(async () => {
    server = await getServer();
  });
  beforeEach(async () => {
    schema = await server.freshSchema('cli');
    repo = makeRepo({
      'changegate.yaml': localConfig(),
      ...manifest('2026-11-01-create-invoices', {
        verify: 'verify:\n  - name: invoices exists\n    sql: SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = \'invoices\'\n    expect: 1',
      }),
      'migrations/2026-11-01-create-invoices/up.sql':
        'CREATE TABLE invoices (\n  id BIGINT NOT NULL PRIMARY KEY,\n  amount DECIMAL(10,2) NOT NULL DEFAULT 0\n) ENGINE=InnoDB;\n\nCREATE INDEX idx_amount ON invoices (amount);\n',
      ...manifest('2026-11-02-seed'),
      'migrations/2026-11-02-seed/up.sql': "INSERT INTO invoices (id, amount) VALUES (1, 10.00);\nINSERT INTO invoices (id, amount) VALUES (2, 20.00);\n",
    });
  });
  afterEach(async () => {
    await schema.drop();
    rmSync(repo, { recursive: true, force: true });
  });

  async function query<T>(sql: string, values?: unknown[]): Promise<T[]> {
    const conn = await mysql.createConnection(schema.url);
    try {
      const [rows] = await conn.query({ sql, values });
      return rows as T[];
    } finally {
      await conn.end();
    }
  }

  /**
   * Waits for an event the test cannot be told of: asks `check` again until it returns a value, and
   * fails naming the event when it has not happened in `ms`.
   */
  async function waitFor<T>(what: string, check: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const v = await check();
      if (v !== undefined) return v;
      if (Date.now() > deadline) throw new Error(`timed out after ${ms / 1000} s waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** The connection id of the session now running a statement that starts with `prefix`, once the server runs it. */
  function running(prefix: string): Promise<number> {
    return waitFor(`the server to run \`${prefix}…\``, async () => {
      const rows = await query<{ id: number }>('SELECT ID AS id FROM information_schema.PROCESSLIST WHERE INFO LIKE ? AND ID <> CONNECTION_ID()', [`${prefix}%`]);
      return rows.length > 0 ? Number(rows[0]!.id) : undefined;
    });
  }

  /** Resolves once the server has ended connection `id` (its client died and the statement it ran finished). */
  function ended(id: number): Promise<true> {
    return waitFor(`the server to end connection ${id}`, async () => {
      const rows = await query<{ n: number }>('SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE ID = ?', [id]);
      return Number(rows[0]!.n) === 0 ? true : undefined;
    });
  }

  it('applies pending changes once, then has nothing to do', async () => {
    const first = await runCli(['apply', '--env', 'local'], { cwd: repo, env: env() });
    assert.equal(first.code, 0, first.stderr + first.stdout);
    assert.match(first.stdout, /^2026-11-01-create-invoices: 1\/2 /m);
    assert.match(first.stdout, /^2026-11-01-create-invoices: verify "invoices exists" ok \(expected 1, got 1\)$/m);
    assert.match(first.stdout, /^  applied  2026-11-02-seed  T-1  /m);
    const rows = await query<{ n: number }>('SELECT COUNT(*) AS n FROM invoices');
    assert.equal(Number(rows[0]!.n), 2);

    const second = await runCli(['apply', '--env', 'local'], { cwd: repo, env: env() });
    assert.equal(second.code, 0);
    assert.match(second.stdout, /^plan for local: nothing to apply$/m);

    const status = await runCli(['--format', 'json', 'status', '--env', 'local'], { cwd: repo, env: env() });
    assert.equal(status.code, 0);
    const doc = JSON.parse(status.stdout);
    assert.equal(doc.environment, 'local');
    assert.deepEqual(doc.changes.map((c: { id: string; status: string; statements_applied: number; statements_total: number }) => [c.id, c.status, c.statements_applied, c.statements_total]), [
      ['2026-11-01-create-invoices', 'applied', 2, 2],
      ['2026-11-02-seed', 'applied', 2, 2],
    ]);
  });

  it('reports checksum drift naming the file and never re-runs the change', async () => {
    assert.equal((await runCli(['apply', '--env', 'local'], { cwd: repo, env: env() })).code, 0);
    writeFiles(repo, { 'migrations/2026-11-02-seed/up.sql': "INSERT INTO invoices (id, amount) VALUES (1, 10.00);\nINSERT INTO invoices (id, amount) VALUES (3, 30.00);\n" });
    const r = await runCli(['apply', '--env', 'local'], { cwd: repo, env: env() });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /2026-11-02-seed was applied in local but migrations\/2026-11-02-seed\/up\.sql changed since; an applied change is never re-run: revert the edit and put the new work in a new change/);
    const rows = await query<{ n: number }>('SELECT COUNT(*) AS n FROM invoices');
    assert.equal(Number(rows[0]!.n), 2, 'nothing ran again');
    const drift = await runCli(['drift', '--env', 'local'], { cwd: repo, env: env() });
    assert.equal(drift.code, 1);
    assert.match(drift.stdout, /^file drift: 2026-11-02-seed was applied in local but migrations\/2026-11-02-seed\/up\.sql changed since/m);
  });

  it('reports an applied change that is missing from the repository', async () => {
    assert.equal((await runCli(['apply', '--env', 'local'], { cwd: repo, env: env() })).code, 0);
    rmSync(`${repo}/changes/2026-11-02-seed.yaml`);
    const r = await runCli(['plan', '--env', 'local'], { cwd: repo, env: env() });
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^blocked: 2026-11-02-seed is recorded as applied in local but its manifest is no longer in the repository; restore changes\/2026-11-02-seed\.yaml \(changes that ran are never deleted, fix forward with a new change\)$/m);
  });

  it('finds live schema drift after a manual ALTER', async () => {
    assert.equal((await runCli(['apply', '--env', 'local'], { cwd: repo, env: env() })).code, 0);
    const clean = await runCli(['drift', '--env', 'local'], { cwd: repo, env: env() });
    assert.equal(clean.code, 0, clean.stdout + clean.stderr);
    assert.match(clean.stdout, /^no drift in local: 2 applied change\(s\) match their files and the live schema$/m);
    await query('ALTER TABLE invoices ADD COLUMN note VARCHAR(200) NULL');
    const r = await runCli(['drift', '--env', 'local'], { cwd: repo, env: env() });
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^schema drift in local \(expected from 2 applied change\(s\) -> live\):$/m);
    assert.match(r.stdout, /^  \+ column invoices\.note /m);
  });

  it('stops at a failed statement with where it failed and how to go on', async () => {
    writeFiles(repo, {
      ...manifest('2026-11-03-broken'),
      'migrations/2026-11-03-broken/up.sql': 'CREATE TABLE ok_before (id INT PRIMARY KEY);\nCREATE TABLE broken (id INT PRIMARY KEY,);\nCREATE TABLE never_run (id INT PRIMARY KEY);\n',
    });
    const r = await runCli(['apply', '--env', 'local'], { cwd: repo, env: env() });
    assert.equal(r.code, 1);
    // The failing statement's progress line says it started, not that it got through.
    assert.match(r.stdout, /^2026-11-03-broken: 2\/3 starts at \d+\.\d s {2}migrations\/2026-11-03-broken\/up\.sql:2$/m);
    assert.match(r.stderr, /^error: 2026-11-03-broken: statement 2 of 3 failed at migrations\/2026-11-03-broken\/up\.sql:2: You have an error in your SQL syntax; .*\. Statement 1 is applied and recorded; nothing after it ran\. To go on, fix forward with a new change, or edit statements 2-3 of this change \(applied ones must stay as they are\) and run apply again$/m);
    const tables = await query<{ t: string }>("SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN ('ok_before', 'never_run')");
    assert.deepEqual(tables.map((x) => x.t), ['ok_before']);
    // Fix the failed statement and go on: statement 1 is not run again.
    writeFiles(repo, { 'migrations/2026-11-03-broken/up.sql': 'CREATE TABLE ok_before (id INT PRIMARY KEY);\nCREATE TABLE broken (id INT PRIMARY KEY);\nCREATE TABLE never_run (id INT PRIMARY KEY);\n' });
    const again = await runCli(['apply', '--env', 'local'], { cwd: repo, env: env() });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /^2026-11-03-broken: resuming at statement 2 /m);
  });

  it('records a failure exactly after a change turned on NO_BACKSLASH_ESCAPES and switched the connection charset', async () => {
    // History values must not depend on the session's sql_mode or character set, which a change may set.
    writeFiles(repo, {
      ...manifest('2026-11-03-modes'),
      'migrations/2026-11-03-modes/up.sql':
        "SET SESSION sql_mode = CONCAT(@@SESSION.sql_mode, ',NO_BACKSLASH_ESCAPES');\nSET NAMES latin1;\nINSERT INTO no_such_table (note) VALUES ('it''s a back\\\\slash, café');\n",
    });
    const r = await runCli(['apply', '--env', 'local'], { cwd: repo, env: env() });
    assert.equal(r.code, 1, r.stderr);
    const message = `Table '${schema.name}.no_such_table' doesn't exist`;
    assert.ok(r.stderr.includes(`error: 2026-11-03-modes: statement 3 of 3 failed at migrations/2026-11-03-modes/up.sql:3: ${message}. Statements 1-2 are applied and recorded`), r.stderr);
    const [row] = await query<{ status: string; statements_applied: number; failed_statement: number; error: string }>(
      "SELECT status, statements_applied, failed_statement, error FROM changegate_history WHERE change_id = '2026-11-03-modes'");
    assert.deepEqual({ ...row }, { status: 'failed', statements_applied: 2, failed_statement: 3, error: message });
  });

  it('fails a change whose verify query does not match, with expected and actual', async () => {
    writeFiles(repo, {
      ...manifest('2026-11-03-verify', { verify: 'verify:\n  - name: three invoices\n    sql: SELECT COUNT(*) FROM invoices\n    expect: 3' }),
      'migrations/2026-11-03-verify/up.sql': 'CREATE TABLE notes (id INT PRIMARY KEY);\n',
    });
    const r = await runCli(['apply', '--env', 'local'], { cwd: repo, env: env() });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^error: 2026-11-03-verify: verify "three invoices" expected 3, got 2\. All 1 statements are applied; fix the data or the verify query, then run apply again to re-check$/m);
    const status = JSON.parse((await runCli(['--format', 'json', 'status', '--env', 'local'], { cwd: repo, env: env() })).stdout);
    assert.equal(status.changes[2].status, 'failed');
  });

  it('refuses a server below the version floor before running anything', async () => {
    writeFiles(repo, { 'changegate.yaml': localConfig().replace('min_version: "5.5"', 'min_version: "99.1"') });
    const r = await runCli(['apply', '--env', 'local'], { cwd: repo, env: env() });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^error: refused: local runs .+, below the configured floor 99\.1 \(server\.min_version\)$/m);
    const tables = await query<{ t: string }>('SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()');
    assert.deepEqual(tables, []);
  });

  it('refuses a schema that does not exist', async () => {
    const r = await runCli(['apply', '--env', 'local'], { cwd: repo, env: { TEST_URL: server.url('no_such_schema_here') } });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^error: refused: .*no_such_schema_here.*$/m);
  });

  it('refuses a protected cluster before connecting', async () => {
    writeFiles(repo, { 'changegate.yaml': localConfig() + '  corp:\n    url: mysql://u@prodinvoicingco.cluster-abc.us-east-2.rds.amazonaws.com/invoicing\n' });
    const r = await runCli(['apply', '--env', 'corp'], { cwd: repo, env: env() });
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim(), 'error: refused: environment corp points at host prodinvoicingco.cluster-abc.us-east-2.rds.amazonaws.com, which is the protected cluster prodinvoicingco (protected_clusters in changegate.yaml); nothing was contacted');
  });

  it('refuses a read-only server', async () => {
    const user = await server.createUser('cg_ro_user', 'Ro-pass-12345', [`ALL PRIVILEGES ON \`${schema.name}\`.*`]);
    await server.adminQuery('SET GLOBAL read_only = 1');
    try {
      const r = await runCli(['apply', '--env', 'local'], { cwd: repo, env: { TEST_URL: user.url(schema.name) } });
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^error: refused: local is read-only \(read_only=ON\): it looks like a reader endpoint or a replica; point the environment at the writer$/m);
    } finally {
      await server.adminQuery('SET GLOBAL read_only = 0');
    }
  });

  it('never prints the password, on access denied or on a syntax error', async () => {
    const secret = 'Sup3r-Secret-pw-42';
    const user = await server.createUser('cg_redact_user', secret, [`ALL PRIVILEGES ON \`${schema.name}\`.*`]);
    const denied = user.url(schema.name).replace(secret, 'Wrong-' + secret);
    for (const format of ['text', 'json', 'github']) {
      const r = await runCli(['--format', format, 'apply', '--env', 'local'], { cwd: repo, env: { TEST_URL: denied } });
      assert.equal(r.code, 1, r.stderr);
      // ::add-mask:: is how @actions/core tells the runner what to mask: the one place a secret must appear.
      const shown = (r.stdout + r.stderr).split('\n').filter((l) => !l.startsWith('::add-mask::')).join('\n');
      assert.ok(!shown.includes(secret), `${format}: ${shown}`);
      assert.match(shown, /cannot connect to local as cg_redact_user@\S+ \(URL from TEST_URL\): Access denied for user 'cg_redact_user'@/, `${format}: whom the server refused`);
    }
    writeFiles(repo, { ...manifest('2026-11-03-bad'), 'migrations/2026-11-03-bad/up.sql': "CREATE TABLE x (id INT,, note VARCHAR(10) DEFAULT 'Sup3r-Secret-pw-42');\n" });
    const r = await runCli(['apply', '--env', 'local'], { cwd: repo, env: { TEST_URL: user.url(schema.name) } });
    assert.equal(r.code, 1);
    assert.ok(!(r.stdout + r.stderr).includes(secret), r.stderr);
  });

  it('lets exactly one of two concurrent runs apply; the other names the holder', async () => {
    writeFiles(repo, { ...manifest('2026-11-03-slow'), 'migrations/2026-11-03-slow/up.sql': 'CREATE TABLE slow AS SELECT SLEEP(3) AS s;\n' });
    const a = startCli(['apply', '--env', 'local'], { cwd: repo, env: env() });
    // Start the second run once the first is inside its slow statement (and so holds the lock).
    await running('CREATE TABLE slow AS SELECT SLEEP(3)');
    const b = await runCli(['apply', '--env', 'local'], { cwd: repo, env: env() });
    const ra = await a.done;
    assert.equal(ra.code, 0, ra.stderr);
    assert.equal(b.code, 1);
    assert.match(b.stderr, new RegExp(`^error: refused: another changegate run holds the lock on schema ${schema.name} \\(connection \\d+, .+ applying 2026-11-0\\d-[a-z-]+ since .+\\); waited 1 s$`, 'm'));
    const rows = await query<{ changeId: string; n: number }>('SELECT change_id AS changeId FROM changegate_history ORDER BY change_id');
    assert.deepEqual(rows.map((x) => x.changeId), ['2026-11-01-create-invoices', '2026-11-02-seed', '2026-11-03-slow']);
  });

  it('prints what would run with --dry-run and executes nothing', async () => {
    const r = await runCli(['apply', '--env', 'local', '--dry-run'], { cwd: repo, env: env() });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^plan for local: 2 change\(s\) to apply$/m);
    assert.match(r.stdout, /^dry run: nothing was executed$/m);
    const json = await runCli(['--format', 'json', 'apply', '--env', 'local', '--dry-run'], { cwd: repo, env: env() });
    const doc = JSON.parse(json.stdout);
    assert.deepEqual(Object.keys(doc), ['environment', 'snapshot', 'changes']);
    assert.deepEqual(doc.snapshot, { required: false, reason: 'local is configured with snapshot: never' });
    assert.deepEqual(doc.changes.map((c: { id: string; result: string; duration_ms: number; statements: unknown[] }) => [c.id, c.result, c.duration_ms, c.statements.length]), [
      ['2026-11-01-create-invoices', 'not-run', 0, 2],
      ['2026-11-02-seed', 'not-run', 0, 2],
    ]);
    // The index is built on the table statement 1 creates: the plan's own model says it is empty.
    assert.deepEqual(doc.changes[0].statements[1], {
      file: 'migrations/2026-11-01-create-invoices/up.sql', line: 6, sql: 'CREATE INDEX idx_amount ON invoices (amount)',
      impact: { table: `${schema.name}.invoices`, rows: 0, bytes: 0, algorithm: 'inplace', lock: 'none', rebuild: false, seconds: 0 },
    });
    assert.deepEqual(doc.changes[0].checks, []);
    const tables = await query<{ t: string }>("SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'invoices'");
    assert.deepEqual(tables, []);
  });

  it('rolls a change back explicitly, records it, and never re-runs it', async () => {
    writeFiles(repo, {
      'changes/2026-11-03-note.yaml': 'title: note column\nticket: T-2\ndestructive: false\napply:\n  - migrations/2026-11-03-note/up.sql\nrollback:\n  - migrations/2026-11-03-note/down.sql\n',
      'migrations/2026-11-03-note/up.sql': 'ALTER TABLE invoices ADD COLUMN note VARCHAR(200) NULL;\n',
      'migrations/2026-11-03-note/down.sql': 'ALTER TABLE invoices DROP COLUMN note;\n',
    });
    assert.equal((await runCli(['apply', '--env', 'local'], { cwd: repo, env: env() })).code, 0);
    const r = await runCli(['rollback', '2026-11-03-note', '--env', 'local'], { cwd: repo, env: env() });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^2026-11-03-note:rollback: 1\/1 starts at \d+\.\d s {2}migrations\/2026-11-03-note\/down\.sql:1$/m);
    assert.match(r.stdout, /^2026-11-03-note is rolled back in local; apply will not run it again \(put new work in a new change\)$/m);
    // A rollback has no destructive: to declare; its destructive statements are said, as notices.
    assert.match(r.stdout, /^ {4}notice CG106 migrations\/2026-11-03-note\/down\.sql:1: ALTER TABLE `invoices` DROP COLUMN `note` deletes the column and every value in it$/m);
    assert.doesNotMatch(r.stdout, /declare destructive/);
    const cols = await query<{ c: string }>("SELECT COLUMN_NAME AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'invoices' AND COLUMN_NAME = 'note'");
    assert.deepEqual(cols, []);
    const status = JSON.parse((await runCli(['--format', 'json', 'status', '--env', 'local'], { cwd: repo, env: env() })).stdout);
    assert.equal(status.changes.find((c: { id: string }) => c.id === '2026-11-03-note').status, 'rolled-back');
    const again = await runCli(['apply', '--env', 'local'], { cwd: repo, env: env() });
    assert.match(again.stdout, /^plan for local: nothing to apply$/m);
    const twice = await runCli(['rollback', '2026-11-03-note', '--env', 'local'], { cwd: repo, env: env() });
    assert.equal(twice.code, 1);
    assert.match(twice.stderr, /^error: refused: 2026-11-03-note is rolled-back in local; only an applied or failed change can be rolled back$/m);
  });

  it('replays every change into a throwaway schema with validate --shadow, and drops it', async () => {
    const ok = await runCli(['validate', '--shadow', '--shadow-url', server.url(schema.name)], { cwd: repo, env: env() });
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /^shadow: all 2 change\(s\) replayed cleanly$/m);
    writeFiles(repo, { ...manifest('2026-11-03-bad-ref'), 'migrations/2026-11-03-bad-ref/up.sql': 'CREATE INDEX idx_missing ON no_such_table (id);\n' });
    const bad = await runCli(['validate', '--shadow', '--shadow-url', server.url(schema.name)], { cwd: repo, env: env() });
    assert.equal(bad.code, 1);
    assert.match(bad.stdout, /^migrations\/2026-11-03-bad-ref\/up\.sql:1:1  error CG090  shadow replay of 2026-11-03-bad-ref failed: Table '.*no_such_table' doesn't exist$/m);
    const left = await server.adminQuery<{ s: string }>("SELECT SCHEMA_NAME AS s FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE 'cg\\_shadow\\_%'");
    assert.deepEqual(left, []);
  });

  it('fails a DDL statement fast behind a long transaction, names the blocker, retries, then stops', async () => {
    assert.equal((await runCli(['apply', '--env', 'local'], { cwd: repo, env: env() })).code, 0);
    writeFiles(repo, {
      'changegate.yaml': localConfig('    lock_wait_timeout: 1\n    lock_retries: 1'),
      ...manifest('2026-11-03-add-note'),
      'migrations/2026-11-03-add-note/up.sql': 'ALTER TABLE invoices ADD COLUMN note VARCHAR(200) NULL;\n',
    });
    const blocker = await mysql.createConnection(schema.url);
    try {
      await blocker.query('BEGIN');
      await blocker.query('SELECT COUNT(*) FROM invoices'); // holds a metadata lock until the transaction ends
      const [[{ id }]] = (await blocker.query('SELECT CONNECTION_ID() AS id')) as unknown as [[{ id: number }]];
      const r = await runCli(['apply', '--env', 'local'], { cwd: repo, env: env() });
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stderr, /^warning: 2026-11-03-add-note: statement 1 hit a lock wait timeout \(Lock wait timeout exceeded; try restarting transaction.*\); retry 1 of 1$/m);
      assert.match(r.stderr, new RegExp(`^error: 2026-11-03-add-note: statement 1 of 1 failed at migrations/2026-11-03-add-note/up\\.sql:1: Lock wait timeout exceeded; try restarting transaction \\(sessions that may hold the lock: connection ${id}, .*\\)\\. No statement of this change is applied`, 'm'));
    } finally {
      await blocker.end();
    }
    const again = await runCli(['apply', '--env', 'local'], { cwd: repo, env: env() });
    assert.equal(again.code, 0, again.stderr);
  });

  it('folds each change into a group and writes step outputs in the github format', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'changegate-gh-'));
    const output = path.join(dir, 'output');
    const summary = path.join(dir, 'summary');
    writeFileSync(output, '');
    writeFileSync(summary, '');
    try {
      const r = await runCli(['--format', 'github', 'apply', '--env', 'local'], { cwd: repo, env: { ...env(), GITHUB_OUTPUT: output, GITHUB_STEP_SUMMARY: summary } });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /^::group::2026-11-01-create-invoices \(T-1\)\n2026-11-01-create-invoices: starting \(T-1, 2 statement\(s\)\)$/m);
      assert.equal(r.stdout.split('\n').filter((l) => l === '::endgroup::').length, 2);
      const outputs = readFileSync(output, 'utf8');
      assert.match(outputs, /^applied<<(ghadelimiter_[0-9a-f-]+)\n2\n\1$/m);
      assert.match(outputs, /^pending<<(ghadelimiter_[0-9a-f-]+)\n0\n\1$/m);
      assert.match(readFileSync(summary, 'utf8'), /^\| `2026-11-02-seed` 2026-11-02-seed \| T-1 \| 2 \| no \| — \| ✅ applied \| \d+ ms \|$/m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('after a runner dies mid-DDL: status says running, then in-doubt; apply stops until resolve', async () => {
    assert.equal((await runCli(['apply', '--env', 'local'], { cwd: repo, env: env() })).code, 0);
    writeFiles(repo, { ...manifest('2026-11-03-slow-copy'), 'migrations/2026-11-03-slow-copy/up.sql': 'CREATE TABLE invoices_copy AS SELECT id, SLEEP(4) AS s FROM invoices LIMIT 1;\nCREATE INDEX idx_copy ON invoices_copy (id);\n' });
    const run = startCli(['apply', '--env', 'local'], { cwd: repo, env: env() });
    // Killed once the server runs the statement: it then finishes without its client.
    const connection = await running('CREATE TABLE invoices_copy AS SELECT');
    run.child.kill('SIGKILL');
    await run.done;
    const stateOf = async () => {
      const doc = JSON.parse((await runCli(['--format', 'json', 'status', '--env', 'local'], { cwd: repo, env: env() })).stdout);
      return doc.changes.find((c: { id: string }) => c.id === '2026-11-03-slow-copy').status as string;
    };
    assert.equal(await stateOf(), 'running', 'the server still runs the killed client\'s statement');
    await ended(connection);
    assert.equal(await stateOf(), 'in-doubt');
    const stopped = await runCli(['apply', '--env', 'local'], { cwd: repo, env: env() });
    assert.equal(stopped.code, 1);
    assert.match(stopped.stderr, /2026-11-03-slow-copy: statement 1 of 2 was in flight in local when its connection \d+ was lost, and it may or may not have been applied\. Check the schema, then record what happened: changegate resolve 2026-11-03-slow-copy --env local --statement 1 --applied \(or --not-applied\)/);
    const exists = await query<{ t: string }>("SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'invoices_copy'");
    assert.equal(exists.length, 1, 'the statement completed on the server after its client died');
    const resolved = await runCli(['resolve', '2026-11-03-slow-copy', '--env', 'local', '--statement', '1', '--applied'], { cwd: repo, env: env() });
    assert.equal(resolved.code, 0, resolved.stderr);
    assert.match(resolved.stdout, /^2026-11-03-slow-copy: statement 1 recorded as applied by .+; apply resumes at statement 2$/m);
    const done = await runCli(['apply', '--env', 'local'], { cwd: repo, env: env() });
    assert.equal(done.code, 0, done.stderr);
    assert.match(done.stdout, /^2026-11-03-slow-copy: resuming at statement 2 /m);
    const hist = await query<{ resolved_by: string; status: string }>("SELECT resolved_by, status FROM changegate_history WHERE change_id = '2026-11-03-slow-copy'");
    assert.equal(hist[0]!.status, 'applied');
    assert.match(hist[0]!.resolved_by, /: statement 1 applied$/);
  });

  it('stops before the next change when the run lock is lost mid-run', async () => {
    writeFiles(repo, {
      ...manifest('2026-11-01-create-invoices'),
      'migrations/2026-11-01-create-invoices/up.sql': 'CREATE TABLE invoices (id BIGINT NOT NULL PRIMARY KEY, amount DECIMAL(10,2) NOT NULL DEFAULT 0) AS SELECT 99 AS id FROM (SELECT SLEEP(2)) AS pause;\n',
    });
    const run = startCli(['apply', '--env', 'local'], { cwd: repo, env: env() });
    // Kill the lock's connection while the first change's slow statement runs.
    await running('CREATE TABLE invoices (id BIGINT');
    const rows = await query<{ h: number | null }>(`SELECT IS_USED_LOCK('changegate:${schema.name}') AS h`);
    const holder = rows[0]!.h === null ? null : Number(rows[0]!.h);
    assert.ok(holder !== null, 'the run took its lock');
    await server.adminQuery(`KILL ${holder}`);
    const r = await run.done;
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /^error: refused: the run lock on local was lost \(its connection ended\); stopping before 2026-11-02-seed, with everything before it recorded\. Run apply again$/m);
    const again = await runCli(['apply', '--env', 'local'], { cwd: repo, env: env() });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /^plan for local: 1 change\(s\) to apply$/m);
  });

  it('resumes without asking after a runner dies in the DML right after a finished DDL statement', async () => {
    assert.equal((await runCli(['apply', '--env', 'local'], { cwd: repo, env: env() })).code, 0);
    writeFiles(repo, {
      ...manifest('2026-11-03-notes'),
      'migrations/2026-11-03-notes/up.sql': 'CREATE TABLE notes (id INT NOT NULL PRIMARY KEY);\nINSERT INTO notes (id) SELECT 1 FROM (SELECT SLEEP(3)) AS pause;\n',
    });
    const run = startCli(['apply', '--env', 'local'], { cwd: repo, env: env() });
    // Kill the runner in the middle of the INSERT: once the server runs it, and once the CREATE TABLE
    // before it is recorded applied (through another connection, while the INSERT's batch is open).
    await running('INSERT INTO notes');
    await waitFor('2026-11-03-notes statement 1 to be recorded applied', async () => {
      const rows = await query<{ n: number }>("SELECT COUNT(*) AS n FROM changegate_history WHERE change_id = '2026-11-03-notes' AND statements_applied = 1");
      return Number(rows[0]!.n) === 1 ? true : undefined;
    });
    run.child.kill('SIGKILL');
    await run.done;
    // A durable marker on a DML statement means it did not commit: no question, resume there.
    const again = await runCli(['apply', '--env', 'local'], { cwd: repo, env: env() });
    assert.equal(again.code, 0, again.stdout + again.stderr);
    assert.match(again.stdout, /^2026-11-03-notes: resuming at statement 2 /m);
    const rows = await query<{ n: number }>('SELECT COUNT(*) AS n FROM notes');
    assert.equal(Number(rows[0]!.n), 1);
  });
});

