// snapshot_method: tables through the real executable against the throwaway server: the backup taken
// before a destructive change, its bound, `restore` putting back definitions (foreign keys, indexes,
// triggers) and rows exactly, and what status says after.
import { strict as assert } from 'node:assert';
import { rmSync } from 'node:fs';
import mysql from 'mysql2/promise';
import { getServer, type TestServer } from './helpers/mysql-server.js';
import { localConfig, makeRepo, manifest, runCli, writeFiles } from './helpers/cli.js';

const CREATE = `CREATE TABLE customers (
  id INT NOT NULL PRIMARY KEY,
  name VARCHAR(100) NOT NULL,
  email VARCHAR(200) NULL,
  score DOUBLE NULL,
  photo VARBINARY(16) NULL,
  born DATE NULL,
  seen TIMESTAMP NULL,
  UNIQUE KEY uq_email (email)
) ENGINE=InnoDB AUTO_INCREMENT=100 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE invoices (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  customer_id INT NOT NULL,
  amount DECIMAL(12,2) NOT NULL,
  total DECIMAL(13,2) AS (amount * 1.1) VIRTUAL,
  KEY ix_customer (customer_id),
  CONSTRAINT fk_invoices_customer FOREIGN KEY (customer_id) REFERENCES customers (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE invoice_lines (
  id INT NOT NULL PRIMARY KEY,
  invoice_id INT NOT NULL,
  description VARCHAR(100) NOT NULL,
  CONSTRAINT fk_lines_invoice FOREIGN KEY (invoice_id) REFERENCES invoices (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE audit (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  what VARCHAR(100) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TRIGGER invoices_audit AFTER UPDATE ON invoices FOR EACH ROW INSERT INTO audit (what) VALUES (CONCAT('invoice ', NEW.id));

CREATE VIEW big_invoices AS SELECT id, amount FROM invoices WHERE amount > 100;

CREATE PROCEDURE purge_audit() DELETE FROM audit WHERE id < 0;
`;

const SEED = `INSERT INTO customers (id, name, email, score, photo, born, seen) VALUES
  (1, 'Ada', 'ada@example.com', 0.1, X'00FF10', '1815-12-10', '2026-03-29 01:30:00'),
  (2, 'Grace ''Amazing'' Hopper', NULL, -1.5e-7, NULL, NULL, NULL),
  (3, 'Zoë', 'zoe@example.com', NULL, X'', '2000-01-01', '2026-11-29 07:00:00');
INSERT INTO invoices (id, customer_id, amount) VALUES (1, 1, 120.50), (2, 1, 9.99), (3, 3, 1000.00);
INSERT INTO invoice_lines (id, invoice_id, description) VALUES (1, 1, 'consulting'), (2, 1, 'travel'), (3, 3, 'licence');
`;

const DESTROY = `ALTER TABLE customers DROP INDEX uq_email, DROP COLUMN email;
DROP TABLE invoice_lines;
UPDATE invoices SET amount = 0 WHERE id = 1;
DROP VIEW big_invoices;
DROP TRIGGER invoices_audit;
DROP PROCEDURE purge_audit;
`;

describe('snapshot_method: tables (CLI, real server)', function () {
  this.timeout(180_000);
  let server: TestServer;
  let schema: { name: string; url: string; drop(): Promise<void> };
  let backupSchema: string;
  let repo: string;
  const env = () => ({ TEST_URL: schema.url });
  const cli = (...args: string[]) => runCli(args, { cwd: repo, env: env() });

  before(async () => {
    server = await getServer();
  });
  beforeEach(async () => {
    schema = await server.freshSchema('bk');
    backupSchema = `${schema.name}_bk`;
    repo = makeRepo({
      'changegate.yaml': localConfig(`    snapshot: destructive\n    backup_schema: ${backupSchema}`),
      ...manifest('2026-11-01-create'),
      'migrations/2026-11-01-create/up.sql': CREATE,
      ...manifest('2026-11-02-seed'),
      'migrations/2026-11-02-seed/up.sql': SEED,
    });
  });
  afterEach(async () => {
    await schema.drop();
    await server.adminQuery(`DROP DATABASE IF EXISTS \`${backupSchema}\``);
    rmSync(repo, { recursive: true, force: true });
  });

  async function query<T = Record<string, unknown>>(sql: string): Promise<T[]> {
    const conn = await mysql.createConnection({ uri: schema.url, dateStrings: true, supportBigNumbers: true, bigNumberStrings: true });
    try {
      await conn.query("SET time_zone = '+00:00'");
      const [rows] = await conn.query(sql);
      return rows as T[];
    } finally {
      await conn.end();
    }
  }

  // Everything restore must put back: definitions as the server prints them, and every row.
  async function picture(): Promise<Record<string, unknown>> {
    const out: Record<string, unknown> = {};
    for (const t of ['customers', 'invoices', 'invoice_lines', 'audit']) {
      const [def] = await query<Record<string, string>>(`SHOW CREATE TABLE \`${t}\``);
      // MySQL's data dictionary remembers whether a column's collation was written out
      // (is_explicit_collation), and SHOW CREATE TABLE prints `CHARACTER SET x COLLATE y` or just
      // `COLLATE y` accordingly: the kept definition spells it out, so the text differs in that word
      // alone, for the same collation. MariaDB prints both the same. The columns' collations are
      // compared from information_schema below.
      out[`${t} definition`] = def!['Create Table']!.replace(/ CHARACTER SET utf8mb4 COLLATE /g, ' COLLATE ');
      out[`${t} columns`] = await query(`SELECT COLUMN_NAME, COLUMN_TYPE, CHARACTER_SET_NAME, COLLATION_NAME, IS_NULLABLE, COLUMN_DEFAULT, EXTRA FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '${t}' ORDER BY ORDINAL_POSITION`);
      out[`${t} rows`] = await query(`SELECT * FROM \`${t}\` ORDER BY id`);
    }
    const [view] = await query<Record<string, string>>('SHOW CREATE VIEW big_invoices');
    out['view'] = view!['Create View'];
    out['triggers'] = await query("SELECT TRIGGER_NAME, EVENT_OBJECT_TABLE, ACTION_TIMING, EVENT_MANIPULATION, ACTION_STATEMENT, SQL_MODE FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE()");
    const [proc] = await query<Record<string, string>>('SHOW CREATE PROCEDURE purge_audit');
    out['procedure'] = [proc!['Create Procedure'], proc!['sql_mode']];
    return out;
  }

  function addDestructive(extra = ''): void {
    writeFiles(repo, { ...manifest('2026-11-03-destroy', { destructive: true }), 'migrations/2026-11-03-destroy/up.sql': DESTROY + extra });
  }

  it('backs up what a destructive change may write or drop, and restore puts it back exactly', async () => {
    const first = await cli('apply', '--env', 'local');
    assert.equal(first.code, 0, first.stderr + first.stdout);
    assert.doesNotMatch(first.stdout, /^backup:/m, 'additive changes take no backup');
    const before = await picture();

    addDestructive();
    const applied = await cli('apply', '--env', 'local');
    assert.equal(applied.code, 0, applied.stderr + applied.stdout);
    const id = /^backup: (\S+) holds /m.exec(applied.stdout)?.[1];
    assert.ok(id, applied.stdout);
    assert.match(id!, new RegExp(`^${backupSchema}\\.cg_\\d{15}_[0-9a-f]{6}$`));
    const lines = applied.stdout.split('\n');
    assert.ok(lines.includes('backup: 2026-11-03-destroy will be backed up to ' + backupSchema + ' before its first statement (customers 3 rows, invoice_lines 3 rows, invoices 3 rows, audit 0 rows; ' + /audit 0 rows; ([^)]+)\)/.exec(applied.stdout)![1] + ')'), applied.stdout);
    assert.ok(lines.includes(`backup: ${id} holds customers (3 rows), invoice_lines (3 rows), invoices (3 rows), audit (0 rows) and the definitions of view big_invoices, procedure purge_audit`), applied.stdout);
    assert.ok(lines.includes('to restore it: changegate restore 2026-11-03-destroy --env local'), applied.stdout);
    // The copy comes before the first statement: the backup line precedes statement 1's progress line.
    assert.ok(applied.stdout.indexOf('backup: ' + id) < applied.stdout.indexOf('2026-11-03-destroy: 1/6'), applied.stdout);
    // Copies hold the rows, without foreign keys (they must never point at live rows).
    const copies = await server.adminQuery<{ TABLE_NAME: string }>('SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME', [backupSchema]);
    const prefix = id!.split('.')[1]!;
    assert.deepEqual(copies.map((c) => c.TABLE_NAME).sort(), [`${prefix}_audit`, `${prefix}_customers`, `${prefix}_invoice_lines`, `${prefix}_invoices`, 'changegate_backups']);
    const fks = await server.adminQuery('SELECT 1 FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ?', [backupSchema]);
    assert.equal(fks.length, 0);

    const status = await cli('status', '--env', 'local');
    assert.equal(status.code, 0, status.stderr + status.stdout);
    assert.match(status.stdout, new RegExp(`^  applied     2026-11-03-destroy  6/6  snapshot ${id!.replace('.', '\\.')}  `, 'm'));
    assert.match(status.stdout, new RegExp(`^backups in ${backupSchema} \\(never deleted by changegate\\):$`, 'm'));
    assert.match(status.stdout, new RegExp(`^  ${id!.replace('.', '\\.')}  2026-11-03-destroy  4 tables, 9 rows, \\d+\\.\\d KiB  \\S+Z$`, 'm'));

    const restored = await cli('restore', '2026-11-03-destroy', '--env', 'local');
    assert.equal(restored.code, 0, restored.stderr + restored.stdout);
    assert.match(restored.stdout, new RegExp(`^restore: putting back customers \\(3 rows\\), invoice_lines \\(3 rows\\), invoices \\(3 rows\\), audit \\(0 rows\\) in local as they were at \\S+Z, from ${id!.replace('.', '\\.')}$`, 'm'));
    assert.match(restored.stdout, /^restore: procedure purge_audit re-created\nrestore: view big_invoices re-created$/m);
    assert.match(restored.stdout, /^2026-11-03-destroy is restored in local; status shows it restored, and apply runs it again when it is next applied$/m);
    assert.deepEqual(await picture(), before);

    const after = await cli('--format', 'json', 'status', '--env', 'local');
    const doc = JSON.parse(after.stdout) as { changes: { id: string; status: string; snapshot: string }[]; backups: { id: string; restored_at: string | null; rows: number }[] };
    assert.deepEqual(doc.changes.find((c) => c.id === '2026-11-03-destroy'), { ...doc.changes.find((c) => c.id === '2026-11-03-destroy'), status: 'restored', snapshot: id });
    assert.equal(doc.backups.length, 1);
    assert.equal(doc.backups[0]!.rows, 9);
    assert.ok(doc.backups[0]!.restored_at);

    // Restored means pending again: the change runs once more, with a new backup.
    const again = await cli('apply', '--env', 'local');
    assert.equal(again.code, 0, again.stderr + again.stdout);
    const id2 = /^backup: (\S+) holds /m.exec(again.stdout)?.[1];
    assert.ok(id2 && id2 !== id, again.stdout);
    assert.equal((await query("SELECT COUNT(*) AS n FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'customers' AND COLUMN_NAME = 'email'"))[0]!['n'], '0');
  });

  it('copies a table larger than one page of rows, and restores every row', async () => {
    writeFiles(repo, {
      ...manifest('2026-11-05-big'),
      'migrations/2026-11-05-big/up.sql':
        'CREATE TABLE digits (n INT NOT NULL PRIMARY KEY) ENGINE=InnoDB;\n' +
        'INSERT INTO digits VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9);\n' +
        'CREATE TABLE big (id INT NOT NULL PRIMARY KEY, label VARCHAR(20) NOT NULL) ENGINE=InnoDB;\n' +
        "INSERT INTO big SELECT a.n * 10000 + b.n * 1000 + c.n * 100 + d.n * 10 + e.n, CONCAT('row ', a.n, b.n, c.n, d.n, e.n) FROM digits a, digits b, digits c, digits d, digits e WHERE a.n < 2 OR (a.n = 2 AND b.n < 5) OR (a.n = 2 AND b.n = 5 AND c.n = 0 AND d.n = 0 AND e.n = 0);\n",
    });
    assert.equal((await cli('apply', '--env', 'local')).code, 0);
    const sums = async () => (await query('SELECT COUNT(*) AS n, SUM(id) AS s, SUM(CRC32(label)) AS c FROM big'))[0];
    const before = await sums();
    writeFiles(repo, { ...manifest('2026-11-06-purge', { destructive: true }), 'migrations/2026-11-06-purge/up.sql': 'DELETE FROM big WHERE id % 2 = 0;\n' });
    assert.equal((await cli('apply', '--env', 'local')).code, 0);
    assert.equal((await sums())!['n'], '12500');
    const restored = await cli('restore', '2026-11-06-purge', '--env', 'local');
    assert.equal(restored.code, 0, restored.stderr + restored.stdout);
    assert.match(restored.stdout, /^restore: putting back big \(25,001 rows\) in local as they were at /m);
    const after = await sums();
    assert.equal(after!['n'], '25001');
    assert.equal(after!['s'], String((25000 * 25001) / 2));
    assert.deepEqual(after, before);
  });

  it('copies nothing for a change that writes no existing table, even with snapshot: always', async () => {
    writeFiles(repo, { 'changegate.yaml': localConfig(`    snapshot: always\n    backup_schema: ${backupSchema}`) });
    const r = await cli('apply', '--env', 'local');
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /^backup: 2026-11-01-create may write or drop no existing table or object; nothing to copy$/m);
    assert.match(r.stdout, /^backup: 2026-11-02-seed may write or drop no existing table or object; nothing to copy$/m);
    assert.deepEqual(await query("SELECT snapshot_id FROM changegate_history ORDER BY change_id"), [{ snapshot_id: null }, { snapshot_id: null }]);
  });

  it('refuses a backup bigger than backup_max_rows before any statement', async () => {
    assert.equal((await cli('apply', '--env', 'local')).code, 0);
    writeFiles(repo, { 'changegate.yaml': localConfig(`    snapshot: destructive\n    backup_schema: ${backupSchema}\n    backup_max_rows: 8`) });
    addDestructive();
    const r = await cli('apply', '--env', 'local');
    assert.equal(r.code, 1, r.stderr + r.stdout);
    const bytes = /audit 0 rows; ([^)]+)\)/.exec(r.stderr)?.[1];
    assert.equal(
      r.stderr.trim(),
      `error: refused: the backup of 2026-11-03-destroy would copy 9 rows (customers 3 rows, invoice_lines 3 rows, invoices 3 rows, audit 0 rows; ${bytes}), ` +
        'more than backup_max_rows (8) of local; nothing was executed. Raise backup_max_rows in the config, or protect local with a cluster or instance snapshot (snapshot_method: cluster | instance)',
    );
    assert.equal((await query("SELECT COUNT(*) AS n FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'customers' AND COLUMN_NAME = 'email'"))[0]!['n'], '1');
    assert.equal((await query("SELECT COUNT(*) AS n FROM changegate_history WHERE change_id = '2026-11-03-destroy'"))[0]!['n'], '0');
    const copies = await server.adminQuery('SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?', [backupSchema]);
    assert.equal(copies.length, 0);
  });

  it('refuses to restore over a later change that touched the same tables, unless --force (recorded)', async () => {
    assert.equal((await cli('apply', '--env', 'local')).code, 0);
    addDestructive();
    assert.equal((await cli('apply', '--env', 'local')).code, 0);
    writeFiles(repo, { ...manifest('2026-11-04-note'), 'migrations/2026-11-04-note/up.sql': 'ALTER TABLE invoices ADD COLUMN note VARCHAR(20) NULL;\n' });
    assert.equal((await cli('apply', '--env', 'local')).code, 0);

    const refused = await cli('restore', '2026-11-03-destroy', '--env', 'local');
    assert.equal(refused.code, 1, refused.stderr + refused.stdout);
    assert.match(
      refused.stderr,
      /^error: refused: 2026-11-04-note \(applied \S+Z\) touched invoices after the backup of 2026-11-03-destroy was taken; restoring would undo it too\. Deal with that change first, or pass --force to restore anyway \(recorded in the history\)$/m,
    );
    const forced = await cli('restore', '2026-11-03-destroy', '--env', 'local', '--force');
    assert.equal(forced.code, 0, forced.stderr + forced.stdout);
    assert.match(forced.stderr, /^warning: restore: --force: undoing what 2026-11-04-note did to invoices$/m);
    const [rec] = await query<{ status: string; error: string }>("SELECT status, error FROM changegate_history WHERE change_id = '2026-11-03-destroy'");
    assert.equal(rec!.status, 'restored');
    assert.match(rec!.error, /^restored from \S+ by \S+ with --force over 2026-11-04-note \(invoices\)$/);
  });

  it('sends a cluster environment to the aws rds restore command it printed (exit 2, nothing contacted)', async () => {
    writeFiles(repo, { 'changegate.yaml': localConfig('  aurora:\n    cluster: qainvoicingdb\n    region: us-east-2\n    secret: s\n    schema: invoicing') });
    const r = await cli('restore', '2026-11-02-seed', '--env', 'aurora');
    assert.equal(r.code, 2, r.stderr + r.stdout);
    assert.equal(
      r.stderr.trim(),
      "error: restore puts back a snapshot_method: tables backup, and aurora takes cluster snapshots: restore one with the aws rds command printed when it was taken (it is in the run's log and job summary)",
    );
  });

  it('keeps a row whose AUTO_INCREMENT id is 0 at 0, through the backup and the restore', async () => {
    // An id of 0 is legal but fragile: an INSERT of it gets the next sequence value instead, unless the
    // session's sql_mode has NO_AUTO_VALUE_ON_ZERO. The UPDATE puts it there without that mode.
    writeFiles(repo, {
      ...manifest('2026-11-07-plans', { destructive: true }),
      'migrations/2026-11-07-plans/up.sql':
        'CREATE TABLE plans (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, label VARCHAR(20) NOT NULL) ENGINE=InnoDB;\n' +
        "INSERT INTO plans (id, label) VALUES (1, 'free'), (2, 'team'), (3, 'business');\n" +
        'UPDATE plans SET id = 0 WHERE id = 1;\n',
    });
    assert.equal((await cli('apply', '--env', 'local')).code, 0);
    const rows = () => query<{ id: number; label: string }>('SELECT id, label FROM plans ORDER BY id');
    const before = [{ id: 0, label: 'free' }, { id: 2, label: 'team' }, { id: 3, label: 'business' }];
    assert.deepEqual(await rows(), before);
    writeFiles(repo, { ...manifest('2026-11-08-drop-plans', { destructive: true }), 'migrations/2026-11-08-drop-plans/up.sql': 'DROP TABLE plans;\n' });
    const dropped = await cli('apply', '--env', 'local');
    assert.equal(dropped.code, 0, dropped.stderr + dropped.stdout);
    const id = /^backup: (\S+) holds plans \(3 rows\)$/m.exec(dropped.stdout)?.[1];
    assert.ok(id, dropped.stdout);
    const copy = await server.adminQuery<{ id: number; label: string }>(`SELECT id, label FROM \`${backupSchema}\`.\`${id!.split('.')[1]}_plans\` ORDER BY id`);
    assert.deepEqual(copy.map((r) => [Number(r.id), r.label]), [[0, 'free'], [2, 'team'], [3, 'business']], 'the copy keeps id 0');
    const restored = await cli('restore', '2026-11-08-drop-plans', '--env', 'local');
    assert.equal(restored.code, 0, restored.stderr + restored.stdout);
    assert.deepEqual(await rows(), before, 'restore keeps id 0');
  });

  it('refuses restore without the approval an environment requires, before connecting', async () => {
    writeFiles(repo, { 'changegate.yaml': localConfig(`    snapshot: destructive\n    approval: required\n    backup_schema: ${backupSchema}`) });
    const r = await cli('restore', '2026-11-02-seed', '--env', 'local');
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim(), 'error: refused: local requires approval; outside GitHub Actions pass --approved-by <the teammate who verified this change>, which is recorded in the history');
  });
});
