// The baseline writer's pure parts (ordering, DEFINER and qualifier stripping, deferred foreign keys)
// on plain data, and on the real server the objects Sakila lacks: an event, a view that calls a
// function, an explicit DEFINER, rows behind an AUTO_INCREMENT counter, partitions, a CHECK, a generated column.
import assert from 'node:assert/strict';
import { baselineSql, splitForeignKeys, stripDefiner, stripQualifier, tableOrder, viewOrder } from '../src/adapters/mysql/baseline-sql.js';
import { connectTarget, parseTargetUrl } from '../src/adapters/mysql/connect.js';
import { describeSchema } from '../src/adapters/mysql/introspect.js';
import { diffSchemas } from '../src/core/drift.js';
import type { TableShape } from '../src/core/drift.js';
import { splitSql } from '../src/core/sql/split.js';
import { getServer } from './helpers/mysql-server.js';

const table = (name: string, refs: string[]): TableShape => ({
  name, engine: 'InnoDB', collation: null, comment: '', columns: [], indexes: [], checks: [], partitioning: '',
  foreignKeys: refs.map((r, i) => ({ name: `fk_${name}_${i}`, columns: ['x'], refSchema: null, refTable: r, refColumns: ['id'], onUpdate: 'RESTRICT', onDelete: 'RESTRICT' })),
});

describe('baseline SQL writer', () => {
  it('orders tables after what their foreign keys reference; only a cycle is broken, at its first table by name', () => {
    const order = tableOrder([table('a_child', ['z_parent']), table('z_parent', []), table('self', ['self']), table('staff', ['store']), table('store', ['staff']), table('customer', ['store'])]);
    assert.deepEqual(order.map((t) => t.name), ['self', 'z_parent', 'a_child', 'staff', 'store', 'customer']);
  });

  it('orders views after the views they name', () => {
    const v = (name: string, create: string) => ({ name, create });
    const order = viewOrder([v('a_top', 'CREATE VIEW `a_top` AS select * from `m_mid`'), v('m_mid', 'CREATE VIEW `m_mid` AS select * from `z_base`'), v('z_base', 'CREATE VIEW `z_base` AS select 1')]);
    assert.deepEqual(order.map((x) => x.name), ['z_base', 'm_mid', 'a_top']);
  });

  it('drops DEFINER in every spelling and only from the head', () => {
    assert.equal(stripDefiner('CREATE DEFINER=`root`@`localhost` PROCEDURE `p`() BEGIN SELECT 1; END'), 'CREATE PROCEDURE `p`() BEGIN SELECT 1; END');
    assert.equal(stripDefiner("CREATE ALGORITHM=UNDEFINED DEFINER='app'@'%' SQL SECURITY DEFINER VIEW `v` AS select 1"), 'CREATE ALGORITHM=UNDEFINED SQL SECURITY DEFINER VIEW `v` AS select 1');
    assert.equal(stripDefiner('CREATE DEFINER=`we``ird`@`%` TRIGGER t BEFORE INSERT ON x FOR EACH ROW SET NEW.a = 1'), 'CREATE TRIGGER t BEFORE INSERT ON x FOR EACH ROW SET NEW.a = 1');
  });

  it("removes the schema's own qualifier and keeps whitespace and other schemas", () => {
    assert.equal(stripQualifier('select `shop`.`a`.`id` from `shop`.`a` join other.b -- shop.c\n', 'shop'), 'select `a`.`id` from `a` join other.b -- c\n');
  });

  it('moves the named foreign keys out of a CREATE TABLE into ALTER TABLE statements', () => {
    const create = [
      'CREATE TABLE `staff` (',
      '  `id` int NOT NULL,',
      '  `store_id` int NOT NULL,',
      '  PRIMARY KEY (`id`),',
      '  CONSTRAINT `fk_staff_store` FOREIGN KEY (`store_id`) REFERENCES `store` (`id`)',
      ') ENGINE=InnoDB',
    ].join('\n');
    const r = splitForeignKeys('staff', create, new Set(['fk_staff_store']));
    assert.equal(r.create, 'CREATE TABLE `staff` (\n  `id` int NOT NULL,\n  `store_id` int NOT NULL,\n  PRIMARY KEY (`id`)\n) ENGINE=InnoDB');
    assert.deepEqual(r.later, ['ALTER TABLE `staff` ADD CONSTRAINT `fk_staff_store` FOREIGN KEY (`store_id`) REFERENCES `store` (`id`)']);
  });

  it('writes an event, a view calling a function, an explicit DEFINER, a used counter, partitions, a CHECK and a generated column so that they replay equal', async function () {
    this.timeout(60_000);
    const server = await getServer();
    const live = await server.freshSchema('bl_live');
    const shadow = await server.freshSchema('bl_shadow');
    const a = await connectTarget(parseTargetUrl(live.url), { minVersion: '5.0', lockWaitTimeout: 3, label: 'live' });
    const b = await connectTarget(parseTargetUrl(shadow.url), { minVersion: '5.0', lockWaitTimeout: 3, label: 'shadow' });
    try {
      for (const sql of [
        'CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, v INT)',
        'INSERT INTO t (v) VALUES (1), (2), (3)',
        'CREATE DEFINER = CURRENT_USER FUNCTION twice(x INT) RETURNS INT DETERMINISTIC RETURN x * 2',
        `CREATE VIEW a_doubled AS SELECT id, twice(v) AS v2 FROM \`${live.name}\`.t`,
        "CREATE EVENT ev_purge ON SCHEDULE EVERY 1 DAY DO DELETE FROM t WHERE v < 0",
        // Partitions, a CHECK and a generated column: the parts of SHOW CREATE TABLE after and inside the column list.
        `CREATE TABLE p (id INT NOT NULL, v INT, g INT AS (v * 2) STORED, CONSTRAINT chk_v CHECK (v >= 0), PRIMARY KEY (id))
           PARTITION BY RANGE (id) (PARTITION p0 VALUES LESS THAN (10), PARTITION p1 VALUES LESS THAN MAXVALUE)`,
      ]) await a.session.run(sql);
      await a.session.commit();
      const written = await baselineSql(a.connection, live.name, '-- test');
      assert.doesNotMatch(written.sql, /AUTO_INCREMENT=|DEFINER\s*=/);
      assert.ok(written.sql.indexOf('FUNCTION `twice`') < written.sql.indexOf('VIEW `a_doubled`'), 'functions before views');
      assert.match(written.sql, /CREATE EVENT `ev_purge`/);
      assert.deepEqual(written.counts, { tables: 2, views: 1, routines: 1, triggers: 0, events: 1 });
      const split = splitSql('up.sql', written.sql);
      assert.deepEqual(split.errors, []);
      for (const st of split.statements) await b.session.run(st.sql);
      await b.session.commit();
      assert.deepEqual(diffSchemas(await describeSchema(b.connection, shadow.name), await describeSchema(a.connection, live.name)), []);
    } finally {
      await a.close();
      await b.close();
      await live.drop();
      await shadow.drop();
    }
  });
});
