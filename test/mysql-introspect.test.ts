// Live schema drift on the real server: the same changes replayed into two schemas describe equally,
// and each kind of manual change shows up as one readable line.
import assert from 'node:assert/strict';
import { connectTarget, parseTargetUrl, type Target } from '../src/adapters/mysql/connect.js';
import { createShadowSchema, describeSchema, dropSchema, SHADOW_PREFIX } from '../src/adapters/mysql/introspect.js';
import { diffSchemas } from '../src/core/drift.js';
import { getServer, type TestServer } from './helpers/mysql-server.js';

const opts = { minVersion: '5.0', lockWaitTimeout: 3, label: 'local' };

/** One of each kind of object; `$S` is replaced by the schema's own name to prove qualifiers are normalized. */
const BASE = [
  'CREATE TABLE customers (id INT PRIMARY KEY AUTO_INCREMENT, name VARCHAR(100) NOT NULL, code CHAR(8) CHARACTER SET ascii COLLATE ascii_bin NOT NULL, UNIQUE KEY uq_code (code))',
  `CREATE TABLE invoices (
     id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
     customer_id INT NOT NULL,
     amount DECIMAL(10,2) NOT NULL DEFAULT 0.00,
     status ENUM('open','paid') NOT NULL DEFAULT 'open',
     due DATE NULL,
     created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
     total_cents DECIMAL(14,0) AS (amount * 100) STORED,
     note VARCHAR(200) NULL COMMENT 'free text',
     KEY idx_due (due, status),
     KEY idx_note (note(20)),
     CONSTRAINT fk_customer FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE RESTRICT ON UPDATE CASCADE,
     CONSTRAINT chk_amount CHECK (amount >= 0)
   ) COMMENT 'bills'`,
  'CREATE TABLE audit (id INT PRIMARY KEY, msg TEXT)',
  "CREATE VIEW open_invoices AS SELECT i.id, c.name FROM `$S`.invoices i JOIN $S.customers c ON c.id = i.customer_id WHERE i.status = 'open'",
  "CREATE PROCEDURE close_invoice(IN p_id BIGINT) MODIFIES SQL DATA BEGIN UPDATE `$S`.invoices SET status = 'paid' WHERE id = p_id; END",
  'CREATE FUNCTION cents(p DECIMAL(10,2)) RETURNS DECIMAL(12,0) DETERMINISTIC RETURN p * 100',
  'CREATE TRIGGER trg_inv_bi BEFORE INSERT ON invoices FOR EACH ROW SET NEW.note = TRIM(NEW.note)',
  "CREATE EVENT ev_cleanup ON SCHEDULE EVERY 1 DAY DO DELETE FROM invoices WHERE status = 'paid' AND due < '2000-01-01'",
];

describe('mysql adapter: schema introspection and diff', function () {
  let server: TestServer;
  let a: { name: string; url: string; drop(): Promise<void> };
  let b: { name: string; url: string; drop(): Promise<void> };
  let ta: Target;
  let tb: Target;

  before(async () => {
    server = await getServer();
  });
  beforeEach(async () => {
    a = await server.freshSchema('intro_expected');
    b = await server.freshSchema('intro_actual');
    ta = await connectTarget(parseTargetUrl(a.url), opts);
    tb = await connectTarget(parseTargetUrl(b.url), opts);
    for (const sql of BASE) {
      await ta.session.run(sql.replaceAll('$S', a.name));
      await tb.session.run(sql.replaceAll('$S', b.name));
    }
  });
  afterEach(async () => {
    await ta?.close();
    await tb?.close();
    await a?.drop();
    await b?.drop();
  });

  it('describes the same changes in two schemas identically, without the history table', async () => {
    await ta.session.history.ensure();
    const ea = await describeSchema(ta.connection, a.name);
    const eb = await describeSchema(tb.connection, b.name);
    assert.deepEqual(diffSchemas(ea, eb), []);
    assert.deepEqual({ ...ea, schema: '' }, { ...eb, schema: '' });
    assert.deepEqual(
      ea.tables.map((t) => t.name),
      ['audit', 'customers', 'invoices'],
    );
    const inv = ea.tables.find((t) => t.name === 'invoices')!;
    assert.deepEqual(
      inv.columns.map((c) => c.name),
      ['id', 'customer_id', 'amount', 'status', 'due', 'created_at', 'total_cents', 'note'],
    );
    assert.deepEqual(inv.foreignKeys, [
      { name: 'fk_customer', columns: ['customer_id'], refSchema: null, refTable: 'customers', refColumns: ['id'], onUpdate: 'CASCADE', onDelete: 'RESTRICT' },
    ]);
    assert.deepEqual(inv.checks, [{ name: 'chk_amount', clause: '`amount` >= 0' }]);
    assert.deepEqual(
      inv.indexes.map((i) => [i.name, i.unique, i.columns]),
      [
        ['fk_customer', false, ['customer_id']],
        ['idx_due', false, ['due', 'status']],
        ['idx_note', false, ['note(20)']],
        ['PRIMARY', true, ['id']],
      ].sort((x, y) => ((x[0] as string) < (y[0] as string) ? -1 : 1)),
    );
    assert.ok(!ea.views[0]!.definition.includes(a.name));
    assert.equal(ea.routines.find((r) => r.name === 'close_invoice')!.body, "BEGIN UPDATE invoices SET status = 'paid' WHERE id = p_id; END");
    assert.deepEqual(ea.triggers.map((t) => [t.name, t.timing, t.event, t.table]), [['trg_inv_bi', 'BEFORE', 'INSERT', 'invoices']]);
    assert.deepEqual(ea.events.map((e) => [e.name, e.schedule]), [['ev_cleanup', 'EVERY 1 DAY']]);
  });

  it('reads the same description on four connections at once as on one, partitions, foreign keys and checks included', async () => {
    await ta.session.run('CREATE TABLE parted (id INT NOT NULL, PRIMARY KEY (id)) PARTITION BY HASH (id) PARTITIONS 2');
    const more = await Promise.all([1, 2, 3].map(() => ta.reader()));
    try {
      const one = await describeSchema(ta.connection, a.name);
      const four = await describeSchema([ta.connection, ...more], a.name);
      assert.deepEqual(four, one);
      assert.equal(four.tables.find((t) => t.name === 'parted')!.partitioning, 'HASH (`id`) p0, p1');
      assert.equal(four.tables.find((t) => t.name === 'invoices')!.foreignKeys.length, 1);
      assert.equal(four.tables.find((t) => t.name === 'invoices')!.checks.length, 1);
    } finally {
      await Promise.all(more.map((c) => c.close()));
    }
  });

  it('reports each kind of manual change as one readable line, in a stable order', async () => {
    for (const sql of [
      'ALTER TABLE invoices ADD COLUMN extra VARCHAR(20) NULL AFTER id',
      "ALTER TABLE invoices MODIFY amount DECIMAL(12,2) NOT NULL DEFAULT 0.00",
      'ALTER TABLE invoices DROP INDEX idx_due',
      'ALTER TABLE invoices ADD UNIQUE INDEX uq_note (note(50))',
      'ALTER TABLE invoices DROP FOREIGN KEY fk_customer',
      'ALTER TABLE invoices ADD CONSTRAINT fk_customer FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE ON UPDATE CASCADE',
      'ALTER TABLE invoices DROP CONSTRAINT chk_amount',
      "ALTER TABLE audit ENGINE = MyISAM, COMMENT = 'kept'",
      'ALTER TABLE customers MODIFY name VARCHAR(100) CHARACTER SET latin1 COLLATE latin1_bin NOT NULL',
      'ALTER TABLE customers MODIFY code CHAR(8) CHARACTER SET ascii COLLATE ascii_bin NOT NULL FIRST',
      'CREATE TABLE manual_backup (id INT)',
      "CREATE OR REPLACE VIEW open_invoices AS SELECT i.id FROM invoices i WHERE i.status = 'open'",
      'DROP PROCEDURE close_invoice',
      "CREATE PROCEDURE close_invoice(IN p_id BIGINT) MODIFIES SQL DATA BEGIN UPDATE invoices SET status = 'open' WHERE id = p_id; END",
      'DROP FUNCTION cents',
      'DROP TRIGGER trg_inv_bi',
      'CREATE TRIGGER trg_inv_bi AFTER INSERT ON invoices FOR EACH ROW SET @x = 1',
      'ALTER EVENT ev_cleanup ON SCHEDULE EVERY 2 DAY',
    ]) {
      await tb.session.run(sql);
    }
    const lines = diffSchemas(await describeSchema(ta.connection, a.name), await describeSchema(tb.connection, b.name));
    const view = lines.findIndex((l) => l.startsWith('~ view open_invoices: definition '));
    assert.ok(view >= 0, lines.join('\n'));
    // Each server prints its own form of a definition: a word diff, what the replay has and live lacks in [-...-].
    assert.match(lines[view]!, /^~ view open_invoices: definition select `i`\.`id` AS `id`\[-,`c`\.`name`-\] .*$/);
    assert.ok(lines[view]!.length < 250, lines[view]);
    assert.ok(!lines[view]!.includes(a.name) && !lines[view]!.includes(b.name));
    lines.splice(view, 1);
    assert.deepEqual(lines, [
      '~ table audit: engine InnoDB -> MyISAM',
      "~ table audit: comment '' -> 'kept'",
      '~ table customers: column order id, name, code -> code, id, name',
      '~ column customers.name: VARCHAR(100) NOT NULL -> VARCHAR(100) NOT NULL COLLATE latin1_bin',
      '~ column invoices.amount: DECIMAL(10,2) NOT NULL DEFAULT 0.00 -> DECIMAL(12,2) NOT NULL DEFAULT 0.00',
      '+ column invoices.extra VARCHAR(20) NULL',
      '- index invoices.idx_due (due, status)',
      '+ index invoices.uq_note UNIQUE (note(50))',
      '~ foreign key invoices.fk_customer: …customers (id) ON DELETE [-RESTRICT-]{+CASCADE+} ON UPDATE CASCADE',
      '- check invoices.chk_amount (`amount` >= 0)',
      '+ table manual_backup',
      "~ procedure close_invoice: body …UPDATE invoices SET status = [-'paid'-]{+'open'+} WHERE id = p_id; END",
      '- function cents (IN p DECIMAL(10,2)) RETURNS DECIMAL(12,0)',
      '~ trigger trg_inv_bi: timing BEFORE INSERT ON invoices -> AFTER INSERT ON invoices',
      '~ trigger trg_inv_bi: statement SET NEW.note = TRIM(NEW.note) -> SET @x = 1',
      '~ event ev_cleanup: schedule EVERY 1 DAY -> EVERY 2 DAY',
    ]);
  });

  it('compares partitioning: methods, expressions and each partition in order', async () => {
    const ledger = 'CREATE TABLE ledger (id INT NOT NULL, booked DATE NOT NULL, PRIMARY KEY (id, booked)) ' +
      'PARTITION BY RANGE (YEAR(booked)) (PARTITION p2024 VALUES LESS THAN (2025), PARTITION p2025 VALUES LESS THAN (2026))';
    const regions = "CREATE TABLE regions (id INT NOT NULL, code CHAR(2) NOT NULL) PARTITION BY LIST COLUMNS (code) (PARTITION eu VALUES IN ('DE', 'FR'), PARTITION us VALUES IN ('US'))";
    const sales = 'CREATE TABLE sales (id INT NOT NULL, d DATE NOT NULL) PARTITION BY RANGE (YEAR(d)) SUBPARTITION BY HASH (TO_DAYS(d)) SUBPARTITIONS 2 ' +
      '(PARTITION p0 VALUES LESS THAN (2025), PARTITION p1 VALUES LESS THAN MAXVALUE)';
    for (const sql of [ledger, regions, sales]) {
      await ta.session.run(sql);
      await tb.session.run(sql);
    }
    const expected = await describeSchema(ta.connection, a.name);
    assert.deepEqual(diffSchemas(expected, await describeSchema(tb.connection, b.name)), []);
    assert.equal(
      expected.tables.find((t) => t.name === 'sales')!.partitioning,
      'RANGE (year(`d`)) SUBPARTITION BY HASH (to_days(`d`)) p0 VALUES LESS THAN (2025) (p0sp0, p0sp1), p1 VALUES LESS THAN MAXVALUE (p1sp0, p1sp1)',
    );
    await tb.session.run('ALTER TABLE ledger ADD PARTITION (PARTITION pmax VALUES LESS THAN MAXVALUE)');
    await tb.session.run('ALTER TABLE audit PARTITION BY HASH (id) PARTITIONS 2');
    await tb.session.run("ALTER TABLE regions REORGANIZE PARTITION eu INTO (PARTITION eu VALUES IN ('DE', 'FR', 'NL'))");
    const lines = diffSchemas(await describeSchema(ta.connection, a.name), await describeSchema(tb.connection, b.name));
    assert.deepEqual(lines, [
      '~ table audit: partitioning none -> HASH (`id`) p0, p1',
      '~ table ledger: partitioning …p2025 VALUES LESS THAN (2026){+, pmax VALUES LESS THAN MAXVALUE+}',
      "~ table regions: partitioning …) eu VALUES IN ('DE','FR'{+,'NL'+}), us VALUES IN ('US')",
    ]);
  });

  it('reports tables, views, routines and triggers missing from the live schema', async () => {
    for (const sql of ['DROP VIEW open_invoices', 'DROP TRIGGER trg_inv_bi', 'DROP PROCEDURE close_invoice', 'DROP EVENT ev_cleanup', 'DROP TABLE audit']) {
      await tb.session.run(sql);
    }
    await tb.session.run('ALTER TABLE invoices DROP COLUMN note');
    assert.deepEqual(diffSchemas(await describeSchema(ta.connection, a.name), await describeSchema(tb.connection, b.name)), [
      '- table audit',
      "- column invoices.note VARCHAR(200) NULL COMMENT 'free text'",
      '- index invoices.idx_note (note(20))',
      '- view open_invoices',
      '- procedure close_invoice (IN p_id BIGINT' + (tb.server.version.flavor === 'mariadb' ? '(20))' : ')'),
      '- trigger trg_inv_bi BEFORE INSERT ON invoices',
      '- event ev_cleanup EVERY 1 DAY',
    ]);
  });

  it('creates a shadow schema with the base collation and drops only shadow schemas', async () => {
    await server.adminQuery(`ALTER DATABASE \`${a.name}\` CHARACTER SET latin1 COLLATE latin1_swedish_ci`);
    const shadow = await createShadowSchema(ta.connection, a.name);
    try {
      assert.ok(shadow.startsWith(`${SHADOW_PREFIX}intro_expected_`), shadow);
      assert.ok(shadow.length <= 64);
      const [row] = await server.adminQuery<{ c: string }>('SELECT DEFAULT_COLLATION_NAME AS c FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [shadow]);
      assert.equal(row!.c, 'latin1_swedish_ci');
      await assert.rejects(dropSchema(ta.connection, a.name), {
        message: `refusing to drop schema ${a.name}: only cg_shadow_* schemas are dropped`,
      });
    } finally {
      await dropSchema(ta.connection, shadow);
    }
    const left = await server.adminQuery('SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [shadow]);
    assert.equal(left.length, 0);
  });
});
