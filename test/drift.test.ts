// Drift, defined in the core over plain schema descriptions: the same lines the live comparison
// prints (test/mysql-introspect.test.ts proves them against the server), reachable without one.
import assert from 'node:assert/strict';
import { diffSchemas, type ColumnShape, type SchemaShape, type TableShape } from '../src/core/drift.js';

const col = (name: string, type = 'INT', extra: Partial<ColumnShape> = {}): ColumnShape => ({
  name, type, nullable: false, default: null, charset: null, collation: null, extra: '', generated: null, comment: '', ...extra,
});
const table = (name: string, columns: ColumnShape[], extra: Partial<TableShape> = {}): TableShape => ({
  name, engine: 'InnoDB', collation: 'utf8mb4_general_ci', comment: '', columns, indexes: [], foreignKeys: [], checks: [], partitioning: '', ...extra,
});
const schema = (tables: TableShape[], extra: Partial<SchemaShape> = {}): SchemaShape => ({
  schema: 'shop', tables, views: [], routines: [], triggers: [], events: [], ...extra,
});

describe('diffSchemas', () => {
  const invoices = table('invoices', [col('id', 'BIGINT'), col('amount', 'DECIMAL(10,2)', { default: '0.00' }), col('note', 'VARCHAR(200)', { nullable: true })], {
    indexes: [{ name: 'PRIMARY', unique: true, type: 'BTREE', columns: ['id'], visible: true }],
  });

  it('is empty for equal schemas', () => {
    assert.deepEqual(diffSchemas(schema([invoices]), schema([structuredClone(invoices)])), []);
  });

  it('says each difference in one line, tables and their parts first, a table on one side only as one line', () => {
    const live = schema(
      [
        table('invoices', [col('amount', 'DECIMAL(12,2)', { default: '0.00' }), col('id', 'BIGINT'), col('extra', 'VARCHAR(20)', { nullable: true })], {
          engine: 'MyISAM',
          indexes: [{ name: 'idx_extra', unique: false, type: 'BTREE', columns: ['extra'], visible: false }],
        }),
        table('manual_backup', [col('id')]),
      ],
      { views: [{ name: 'open_invoices', definition: 'select 1', checkOption: 'NONE', security: 'DEFINER' }] },
    );
    assert.deepEqual(diffSchemas(schema([invoices]), live), [
      '~ table invoices: engine InnoDB -> MyISAM',
      '~ table invoices: column order id, amount -> amount, id',
      '~ column invoices.amount: DECIMAL(10,2) NOT NULL DEFAULT 0.00 -> DECIMAL(12,2) NOT NULL DEFAULT 0.00',
      '+ column invoices.extra VARCHAR(20) NULL',
      '- column invoices.note VARCHAR(200) NULL',
      '- primary key invoices UNIQUE (id)',
      '+ index invoices.idx_extra (extra) INVISIBLE',
      '+ table manual_backup',
      '+ view open_invoices',
    ]);
  });
});
