// Impact-aware plans through the real executable against the throwaway server: the plan's impact and
// checks in text and JSON, a failing pre-check and the max_copy_rows bound stopping apply before the
// change's first statement with nothing recorded, and a plan under a SELECT/SHOW VIEW/PROCESS-only user.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { bytesText } from '../src/core/impact/present.js';
import { getServer, testServerKind, type TestServer } from './helpers/mysql-server.js';
import { localConfig, makeRepo, manifest, runCli, writeFiles } from './helpers/cli.js';

const ROWS = 2000;

describe('impact-aware plan and apply (CLI)', function () {
  this.timeout(120_000);
  let server: TestServer;
  let schema: { name: string; url: string; drop(): Promise<void> };
  let repo: string;
  const env = () => ({ TEST_URL: schema.url });

  before(async () => {
    server = await getServer();
  });
  beforeEach(async () => {
    schema = await server.freshSchema('impact_cli');
    const conn = await mysql.createConnection(schema.url);
    try {
      await conn.query('CREATE TABLE users (id INT NOT NULL PRIMARY KEY, email VARCHAR(100) NULL, score INT NULL) ENGINE=InnoDB');
      // Ten emails twice: ids 1991..2000 repeat u1..u10.
      const values = Array.from({ length: ROWS }, (_, i) => `(${i + 1}, 'u${(i + 1) % 1990}', ${i})`).join(', ');
      await conn.query(`INSERT INTO users VALUES ${values}`);
      await conn.query('CREATE TABLE audit (id INT NOT NULL PRIMARY KEY, note VARCHAR(50) NULL) ENGINE=InnoDB');
      await conn.query('ANALYZE TABLE users');
    } finally {
      await conn.end();
    }
    repo = makeRepo({ 'changegate.yaml': localConfig() });
  });
  afterEach(async () => {
    await schema.drop();
    rmSync(repo, { recursive: true, force: true });
  });

  async function query<T>(sql: string): Promise<T[]> {
    const conn = await mysql.createConnection(schema.url);
    try {
      const [rows] = await conn.query(sql);
      return rows as T[];
    } finally {
      await conn.end();
    }
  }

  /** The row estimate and bytes the reader sees for `users`, as the plan must show them. */
  async function usersFacts(): Promise<{ rows: number; bytes: number }> {
    const conn = await mysql.createConnection(schema.url);
    try {
      // Fresh statistics, as the plan's reader reads them (MySQL caches them for a day otherwise).
      if (testServerKind() === 'mysql') await conn.query('SET SESSION information_schema_stats_expiry = 0');
      const [rows] = await conn.query(`SELECT TABLE_ROWS, DATA_LENGTH + INDEX_LENGTH AS B FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'users'`);
      const r = (rows as { TABLE_ROWS: number; B: number }[])[0]!;
      return { rows: Number(r.TABLE_ROWS), bytes: Number(r.B) };
    } finally {
      await conn.end();
    }
  }

  function change(id: string, sql: string, opts: { destructive?: boolean } = {}): void {
    writeFiles(repo, { ...manifest(id, opts), [`migrations/${id}/up.sql`]: sql });
  }

  it('plans each statement with its table, rows, size, algorithm, lock and time, riskiest first, in text and JSON', async () => {
    change('2026-11-01-users', 'ALTER TABLE users ADD COLUMN note VARCHAR(20) NULL;\nALTER TABLE users MODIFY score BIGINT NULL;\n', { destructive: true });
    const json = await runCli(['--format', 'json', 'plan', '--env', 'local'], { cwd: repo, env: env() });
    assert.equal(json.code, 0, json.stderr);
    const doc = JSON.parse(json.stdout);
    const [c] = doc.changes;
    const t = `${schema.name}.users`;
    const first = c.statements[0].impact;
    const second = c.statements[1].impact;
    assert.deepEqual({ ...first, rows: 0, bytes: 0 }, { table: t, rows: 0, bytes: 0, algorithm: 'instant', lock: 'none', rebuild: false, seconds: 0 });
    // INT to BIGINT rewrites every row: a table copy on both servers.
    assert.deepEqual({ ...second, bytes: 0, seconds: 0 }, { table: t, rows: first.rows, bytes: 0, algorithm: 'copy', lock: 'shared', rebuild: true, seconds: 0 });
    const facts = await usersFacts();
    assert.equal(first.rows, facts.rows);
    assert.equal(first.bytes, facts.bytes);
    assert.equal(second.seconds, 1);
    // Every check that ran passed: the new type holds every score.
    assert.deepEqual(c.checks, [{ code: 'CG503', statement: 2, outcome: 'pass', count: 0, message: `${t}.score: every value fits bigint` }]);
    // CG301 (no ALGORITHM stated) gives way to the impact, which answers it from the live table.
    assert.deepEqual(c.diagnostics.map((d: { code: string }) => d.code), ['CG108']);

    const text = await runCli(['plan', '--env', 'local'], { cwd: repo, env: env() });
    assert.equal(text.code, 0, text.stderr);
    const kb = bytesText(facts.bytes);
    const rows = `${facts.rows.toLocaleString('en-US')} rows`;
    const lines = text.stdout.split('\n');
    const at = lines.indexOf('    impact (riskiest first):');
    assert.ok(at > 0, text.stdout);
    assert.equal(lines[at + 1], `       2  ${t}  ${rows}  ${kb}  copy, lock shared, rebuilds  ~1 s  BLOCKS WRITES`);
    assert.match(lines[at + 2]!, /^ {10}\S/, 'the rules\' reason under the blocking statement');
    assert.equal(lines[at + 3], `       1  ${t}  ${rows}  ${kb}  instant, lock none  0 s`);
    assert.equal(lines[at + 4], 'snapshot: not required (local is configured with snapshot: never)');

    // lint still says it without a database
    const lint = await runCli(['lint', 'migrations/2026-11-01-users/up.sql'], { cwd: repo, env: env() });
    assert.match(lint.stdout, /CG301/);
  });

  it('does not flag BLOCKS WRITES on a table the same change creates and nothing has written to', async () => {
    change(
      '2026-11-01-subtitles',
      'CREATE TABLE subtitle (id INT NOT NULL PRIMARY KEY, user_id INT NOT NULL) ENGINE=InnoDB;\n' +
        'ALTER TABLE subtitle ADD CONSTRAINT fk_user FOREIGN KEY (user_id) REFERENCES users (id);\n',
    );
    const t = `${schema.name}.subtitle`;
    const text = await runCli(['plan', '--env', 'local'], { cwd: repo, env: env() });
    assert.equal(text.code, 0, text.stderr);
    const lines = text.stdout.split('\n');
    const at = lines.indexOf('    impact (riskiest first):');
    assert.ok(at > 0, text.stdout);
    assert.deepEqual(lines.slice(at, at + 4), [
      '    impact (riskiest first):',
      `       2  ${t}  0 rows  0 B  copy, lock shared, rebuilds  0 s`,
      '          Adding foreign key `fk_user` (`user_id`) → `users` with foreign_key_checks on copies `subtitle` to validate every row, blocking writes for the whole copy. ' +
        'With foreign_key_checks=0 it runs in place without a copy, but then existing orphans go unnoticed: check for them first. ' +
        '`subtitle` is new: statement 1 of this change creates it empty and nothing writes to it before this statement, so no one waits for it.',
      `       1  ${t}  0 rows  0 B  instant, lock none  0 s`,
    ]);
    const json = await runCli(['--format', 'json', 'plan', '--env', 'local'], { cwd: repo, env: env() });
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual(JSON.parse(json.stdout).changes[0].statements[1].impact, { table: t, rows: 0, bytes: 0, algorithm: 'copy', lock: 'shared', rebuild: true, seconds: 0, fresh: true });
    const github = await runCli(['--format', 'github', 'plan', '--env', 'local'], { cwd: repo, env: env() });
    assert.doesNotMatch(github.stdout, /CG400/);
    // A later change that alters it finds a table others may write to by then: it blocks them.
    change('2026-11-02-subtitle-lang', 'ALTER TABLE subtitle ADD CONSTRAINT fk_user2 FOREIGN KEY (id) REFERENCES users (id);\n');
    const later = await runCli(['--format', 'json', 'plan', '--env', 'local'], { cwd: repo, env: env() });
    assert.deepEqual(JSON.parse(later.stdout).changes[1].statements[0].impact, { table: t, rows: 0, bytes: 0, algorithm: 'copy', lock: 'shared', rebuild: true, seconds: 0 });
  });

  it('says that a check on a table an earlier pending change writes runs at apply time', async () => {
    change('2026-11-01-fix-emails', "UPDATE users SET email = CONCAT('x', id) WHERE id > 1990;\n", { destructive: true });
    change('2026-11-02-unique-email', 'CREATE UNIQUE INDEX uq_email ON users (email);\n');
    const r = await runCli(['--format', 'json', 'plan', '--env', 'local'], { cwd: repo, env: env() });
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    const t = `${schema.name}.users`;
    assert.deepEqual(doc.changes[0].checks.map((k: { code: string; outcome: string }) => [k.code, k.outcome]), [['CG506', 'warn']]);
    assert.match(doc.changes[0].checks[0].message, new RegExp(`^${t.replace('.', '\\.')}: the UPDATE changes about \\d+ rows \\(EXPLAIN's estimate; it was not run\\)`));
    assert.deepEqual(doc.changes[1].checks, [{
      code: 'CG501', statement: 1, outcome: 'warn', count: null,
      message: `duplicates in ${t} (email): verified at apply time, right before 2026-11-02-unique-email starts, since 2026-11-01-fix-emails (statement 1) changes ${t} first`,
    }]);
    // And at apply time it is verified on the fixed rows: both changes apply.
    const a = await runCli(['apply', '--env', 'local'], { cwd: repo, env: env() });
    assert.equal(a.code, 0, a.stderr + a.stdout);
  });

  it('stops apply before the first statement of a change whose pre-check fails, with the numbers and no history row', async () => {
    change('2026-11-01-audit-note', 'ALTER TABLE audit ADD COLUMN seen INT NULL;\n');
    change('2026-11-02-unique-email', "INSERT INTO audit (id, note) VALUES (1, 'unique email');\nCREATE UNIQUE INDEX uq_email ON users (email);\n");
    const plan = await runCli(['plan', '--env', 'local'], { cwd: repo, env: env() });
    assert.equal(plan.code, 1, 'a failing pre-check fails the plan too');
    const t = `${schema.name}.users`;
    const message = `${t}: 10 values of (email) occur more than once, so UNIQUE index uq_email fails with a duplicate-key error, after the server has scanned the table; remove or merge the duplicates first (SELECT email, COUNT(*) FROM ${t} GROUP BY email HAVING COUNT(*) > 1)`;
    assert.match(plan.stdout, new RegExp(`^    fail CG501 statement 2: ${escape(message)}$`, 'm'));

    const r = await runCli(['apply', '--env', 'local'], { cwd: repo, env: env() });
    assert.equal(r.code, 1, r.stdout);
    assert.equal(
      r.stderr,
      `error: refused: 2026-11-02-unique-email stops before its first statement: 1 pre-check(s) failed in local:\n  statement 2 CG501: ${message}\n`,
    );
    assert.match(r.stdout, /^  applied  2026-11-01-audit-note  T-1  /m);
    assert.match(r.stdout, /^  not-run  2026-11-02-unique-email  T-1  0\.0 s  refused: /m);
    const history = await query<{ change_id: string; status: string }>('SELECT change_id, status FROM changegate_history ORDER BY change_id');
    assert.deepEqual(history.map((h) => [h.change_id, h.status]), [['2026-11-01-audit-note', 'applied']]);
    assert.deepEqual(await query('SELECT * FROM audit'), [], 'statement 1 of the refused change never ran');
  });

  it('max_copy_rows refuses a table copy over the bound and lets an instant change on the same table run', async () => {
    writeFiles(repo, { 'changegate.yaml': localConfig('    max_copy_rows: 100') });
    change('2026-11-01-note', 'ALTER TABLE users ADD COLUMN note VARCHAR(20) NULL;\n');
    change('2026-11-02-bigint', 'ALTER TABLE users MODIFY score BIGINT NULL;\n', { destructive: true });
    const r = await runCli(['--format', 'json', 'apply', '--env', 'local'], { cwd: repo, env: env() });
    assert.equal(r.code, 1, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.deepEqual(doc.changes.map((c: { id: string; result: string }) => [c.id, c.result]), [['2026-11-01-note', 'applied'], ['2026-11-02-bigint', 'not-run']]);
    const { rows } = await usersFacts();
    const t = `${schema.name}.users`;
    const bound = {
      code: 'CG401', statement: 1, outcome: 'fail', count: rows,
      message:
        `${t}: statement 1 copies the table and blocks writes for as long as that runs, on about ${rows.toLocaleString('en-US')} rows, over max_copy_rows (100) of local; ` +
        'use a form that runs INSTANT or INPLACE if one exists (one ALTER per clause, ALGORITHM stated), an expand/contract sequence (add the new shape, backfill in batches, switch readers, drop the old), ' +
        'or set online_schema_change on local to run it through pt-online-schema-change',
    };
    assert.deepEqual(doc.changes[1].checks, [bound, { code: 'CG503', statement: 1, outcome: 'pass', count: 0, message: `${t}.score: every value fits bigint` }]);
    assert.deepEqual(doc.error, { code: 'refused', message: `refused: 2026-11-02-bigint stops before its first statement: 1 pre-check(s) failed in local:\n  statement 1 CG401: ${bound.message}` });
    assert.doesNotMatch(r.stderr, /^error: /m, 'the error is in the document, not repeated on stderr');
    const history = await query<{ change_id: string }>('SELECT change_id FROM changegate_history ORDER BY change_id');
    assert.deepEqual(history.map((h) => h.change_id), ['2026-11-01-note']);
    const [col] = await query<{ DATA_TYPE: string }>("SELECT DATA_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'users' AND COLUMN_NAME = 'score'");
    assert.equal(col!.DATA_TYPE, 'int');
  });

  it('plans end to end as a user with SELECT, SHOW VIEW and PROCESS alone, writing nothing', async () => {
    change('2026-11-01-users', 'ALTER TABLE users ADD COLUMN note VARCHAR(20) NULL;\nCREATE INDEX idx_email ON users (email);\n');
    change('2026-11-02-prune', 'DELETE FROM audit WHERE id < 10;\n', { destructive: true });
    const user = await server.createUser('cg_impact_reader', 'pw-impact-1', [`SELECT, SHOW VIEW ON \`${schema.name}\`.*`, 'PROCESS ON *.*']);
    const summary = path.join(mkdtempSync(path.join(tmpdir(), 'cg-summary-')), 'summary.md');
    writeFileSync(summary, '');
    writeFileSync(`${summary}.out`, '');
    const r = await runCli(['--format', 'github', 'plan', '--env', 'local'], { cwd: repo, env: { TEST_URL: user.url(schema.name), GITHUB_STEP_SUMMARY: summary, GITHUB_OUTPUT: `${summary}.out` } });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /^    impact \(riskiest first\):$/m);
    const t = `${schema.name}.users`;
    const md = readFileSync(summary, 'utf8');
    assert.match(md, new RegExp(`^\\| \`2026-11-01-users\` 2 \\| \`${escape(t)}\` \\| [0-9,]+ rows \\| \\d+ KB \\| inplace, lock none \\| ~1 s \\| — \\|$`, 'm'));
    assert.match(md, new RegExp(`^\\| \`2026-11-01-users\` 1 \\| \`${escape(t)}\` \\| [0-9,]+ rows \\| \\d+ KB \\| instant, lock none \\| 0 s \\| — \\|$`, 'm'));
    const json = await runCli(['--format', 'json', 'plan', '--env', 'local'], { cwd: repo, env: { TEST_URL: user.url(schema.name) } });
    assert.equal(json.code, 0, json.stderr);
    const doc = JSON.parse(json.stdout);
    assert.deepEqual(doc.changes[0].checks, []);
    // EXPLAIN, which the user may run on a SELECT: an estimate (an empty table reads as 0 or 1 row, by server).
    assert.deepEqual(doc.changes[1].checks.map((k: { code: string; statement: number }) => [k.code, k.statement]), [['CG506', 1]]);
    assert.match(doc.changes[1].checks[0].message, new RegExp(`^${escape(schema.name)}\\.audit: the DELETE (reaches no rows, by EXPLAIN's estimate|deletes about 1 row \\(EXPLAIN's estimate; it was not run\\), )`));
    const tables = await query<{ t: string }>("SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'changegate_history'");
    assert.deepEqual(tables, [], 'a plan writes nothing, not even the history table');
  });

  it('annotates the SQL line of each risk in --format github', async () => {
    writeFiles(repo, { 'changegate.yaml': localConfig('    max_copy_rows: 100') });
    change('2026-11-01-bigint', 'ALTER TABLE users ADD COLUMN note VARCHAR(20) NULL;\n\nALTER TABLE users MODIFY score BIGINT NULL;\n', { destructive: true });
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'cg-out-')), 'out');
    writeFileSync(out, '');
    writeFileSync(`${out}.md`, '');
    const r = await runCli(['--format', 'github', 'plan', '--env', 'local'], { cwd: repo, env: { ...env(), GITHUB_OUTPUT: out, GITHUB_STEP_SUMMARY: `${out}.md` } });
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^::warning title=CG400,file=migrations\/2026-11-01-bigint\/up\.sql,line=3,col=1::.+users  [0-9,]+ rows  \d+ KB  copy, lock shared, rebuilds  ~1 s  BLOCKS WRITES: /m);
    assert.match(r.stdout, /^::error title=CG401,file=migrations\/2026-11-01-bigint\/up\.sql,line=3,col=1::.+users: statement 2 copies the table/m);
    assert.doesNotMatch(r.stdout, /line=1,col=1::/);
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

