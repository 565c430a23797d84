// Drift, defined in the core over plain schema descriptions: the same lines the live comparison
// prints (test/mysql-introspect.test.ts proves them against the server), reachable without one.
import assert from 'node:assert/strict';
import { changeText, diffSchemas, type ColumnShape, type SchemaShape, type TableShape } from '../src/core/drift.js';

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

  // Sakila's film_list as the server prints it, and the same view with one table qualified by the
  // schema it was written in: printed whole, the two make one line of 1,400 characters.
  const filmList =
    'select `film`.`film_id` AS `FID`,`film`.`title` AS `title`,`film`.`description` AS `description`,`category`.`name` AS `category`,' +
    '`film`.`rental_rate` AS `price`,`film`.`length` AS `length`,`film`.`rating` AS `rating`,' +
    "group_concat(concat(`actor`.`first_name`,_utf8mb4' ',`actor`.`last_name`) separator ', ') AS `actors` " +
    'from ((((`category` left join `film_category` on(`category`.`category_id` = `film_category`.`category_id`)) ' +
    'left join `film` on(`film_category`.`film_id` = `film`.`film_id`)) join `film_actor` on(`film`.`film_id` = `film_actor`.`film_id`)) ' +
    'join `actor` on(`film_actor`.`actor_id` = `actor`.`actor_id`)) group by `film`.`film_id`,`category`.`name`';
  const view = (definition: string) => schema([], { views: [{ name: 'film_list', definition, checkOption: 'NONE', security: 'DEFINER' }] });

  it('shows a long definition that differs as a short word diff around the change, not as both whole texts', () => {
    const live = filmList.replace('join `film_actor` on', 'join `sakila`.`film_actor` on');
    assert.deepEqual(diffSchemas(view(filmList), view(live)), [
      '~ view film_list: definition …= `film`.`film_id`)) join {+`sakila`.+}`film_actor` on(`film`.…',
    ]);
  });

  it('shows each change of a long text with its context, removed before added, and counts those it leaves out', () => {
    const body = "BEGIN UPDATE invoices SET status = 'paid', paid_at = NOW() WHERE id = p_id AND status = 'open'; END";
    assert.equal(
      changeText(body, body.replace("'paid'", "'settled'").replace("'open'", "'due'")),
      "…UPDATE invoices SET status = [-'paid'-]{+'settled'+}, paid_at = NOW() WHERE id = p_id AND status = [-'open'-]{+'due'+}; END",
    );
    const letters = 'abcdefghijklmnopqrstuvwxyz'.split('');
    const changed = letters.map((l, i) => (i % 5 === 1 ? l.toUpperCase() : l));
    assert.equal(
      changeText(letters.join(' ') + ' ' + letters.join(' '), changed.join(' ') + ' ' + letters.join(' ').replace(' z', '')),
      'a [-b-]{+B+} c d e f [-g-]{+G+} h i j k [-l-]{+L+} m n o p [-q-]{+Q+} r s t u … (2 more change(s))',
    );
    // Short values stay whole: they are easier to compare side by side.
    assert.equal(changeText('VARCHAR(50) NOT NULL', 'VARCHAR(60) NOT NULL'), 'VARCHAR(50) NOT NULL -> VARCHAR(60) NOT NULL');
  });
});
