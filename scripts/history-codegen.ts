// Writes the history table's SQL with knex's schema and query builders ahead of time, into
// src/adapters/mysql/history-sql.generated.ts: the adapter then runs plain strings, and no command
// pays for importing knex (a tenth of a second of every start). test/mysql-history.test.ts fails when
// the generated file no longer matches this definition. Regenerate after editing it:
//   npm run codegen
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import knex, { type Knex } from 'knex';
import { COLUMNS, COMMENT_PREFIX, HISTORY_LAYOUT, HISTORY_TABLE, LIMITS } from '../src/adapters/mysql/history-layout.js';

/** Where the generated module is committed (beside the adapter that runs it). */
export const GENERATED_FILE = new URL('../../src/adapters/mysql/history-sql.generated.ts', import.meta.url);

const sqlgen = knex({ client: 'mysql2' });

/** The text of history-sql.generated.ts for the definition as it is now. */
export function historySqlSource(): string {
  /*
   * Layout steps, oldest first: layout 1's columns, then what each later layout adds. An existing table
   * is upgraded one step at a time, each step one ALTER (comment included) so a crash cannot leave
   * columns added under an old layout number. A fresh table is created at the newest layout in one
   * statement (every step's columns in step order): on MySQL each ALTER is a DDL statement of its own,
   * a tenth of a first apply. test/mysql-history.test.ts proves a fresh table and an upgraded one equal.
   */
  type Columns = (t: Knex.CreateTableBuilder) => void;
  const steps: { layout: number; columns: Columns }[] = [
    {
      layout: 1,
      columns: (t) => {
        t.string('change_id', 191).notNullable().primary();
        t.string('status', 16).notNullable();
        t.string('checksum', 128).notNullable();
        t.integer('checksum_version').notNullable();
        t.text('file_checksums', 'longtext').notNullable();
        t.integer('statements_total').notNullable();
        t.integer('statements_applied').notNullable();
        t.text('statement_hashes', 'longtext').notNullable();
        t.integer('in_flight').nullable();
        t.specificType('connection_id', 'BIGINT UNSIGNED').nullable();
        t.specificType('started_at', 'DATETIME(3)').notNullable();
        t.specificType('finished_at', 'DATETIME(3)').nullable();
        t.bigInteger('duration_ms').nullable();
        t.string('operator', LIMITS.operator).notNullable();
        t.string('git_commit', LIMITS.git_commit).nullable();
        t.string('run_url', LIMITS.run_url).nullable();
        t.string('approver', LIMITS.approver).nullable();
        t.string('snapshot_id', LIMITS.snapshot_id).nullable();
        t.integer('failed_statement').nullable();
        t.text('error', 'mediumtext').nullable();
      },
    },
    {
      // Layout 2: who decided an in-doubt statement, and when the row was last written (for in-doubt reports).
      layout: 2,
      columns: (t) => {
        t.string('resolved_by', LIMITS.resolved_by).nullable();
        t.specificType('updated_at', 'DATETIME(3)').nullable();
      },
    },
    {
      // Layout 3: the server instance and boot of `connection_id`. Ids start again after a restart
      // and differ per instance (a failover moves the writer): a recorded id alone can name a stranger.
      layout: 3,
      columns: (t) => {
        t.string('server_uuid', LIMITS.server_uuid).nullable();
        t.specificType('server_boot', 'DATETIME').nullable();
      },
    },
    {
      // Layout 4: a pull request's provisional change (`apply --pull-request`): its number and head commit, the
      // rollback statements as they were then (the branch may change or vanish before they run), and
      // the merge commit that adopted it.
      layout: 4,
      columns: (t) => {
        t.integer('pull_request').nullable();
        t.string('head_commit', LIMITS.head_commit).nullable();
        t.text('rollback_sql', 'longtext').nullable();
        t.string('merge_commit', LIMITS.merge_commit).nullable();
        t.text('pr_objects', 'mediumtext').nullable();
      },
    },
    {
      // Layout 5: the state of a statement that runs in steps, as JSON: an online schema change
      // (which table, its definition before and after, what stood around it, so that a rerun after a
      // crash decides the outcome from the live schema and removes only what the tool left) and a
      // batched backfill (the last key committed and the rows so far, written with each batch).
      layout: 5,
      columns: (t) => {
        t.text('step_state', 'mediumtext').nullable();
      },
    },
  ];
  const create = (upTo: number) =>
    ifNotExists(
      sqlgen.schema
        .createTable(HISTORY_TABLE, (t) => {
          for (const step of steps) if (step.layout <= upTo) step.columns(t);
          // InnoDB is essential: a DML statement and its history update must commit together.
          t.engine('InnoDB');
          t.charset('utf8mb4');
          // Binary collation: change ids are file names, and file names are case-sensitive.
          t.collate('utf8mb4_bin');
          t.comment(`${COMMENT_PREFIX}${upTo}`);
        })
        .toSQL(),
    );
  const layoutSql = steps.map((step) => ({
    layout: step.layout,
    sql:
      step.layout === 1
        ? create(1)
        : oneAlter(
            sqlgen.schema
              .alterTable(HISTORY_TABLE, (t) => {
                step.columns(t);
                t.comment(`${COMMENT_PREFIX}${step.layout}`);
              })
              .toSQL(),
          ),
  }));
  const newest = steps[steps.length - 1]!.layout;
  if (newest !== HISTORY_LAYOUT) throw new Error(`history layout: the last step is ${newest}, HISTORY_LAYOUT is ${HISTORY_LAYOUT}`);

  // knex orders an insert's columns itself; binding each column's own name reveals that order once.
  const put = sqlgen(HISTORY_TABLE)
    .insert({ ...Object.fromEntries(COLUMNS.map((c) => [c, c])), updated_at: sqlgen.raw('UTC_TIMESTAMP(3)') })
    .onConflict()
    .merge()
    .toSQL();
  const progress = sqlgen(HISTORY_TABLE)
    .update({ statements_applied: 0, in_flight: 0, connection_id: 0, updated_at: sqlgen.raw('UTC_TIMESTAMP(3)') })
    .where('change_id', '')
    .toSQL().sql;
  const load = sqlgen(HISTORY_TABLE).select('*').orderBy(['started_at', 'change_id']).toSQL().sql;

  const lit = (v: unknown) => JSON.stringify(v);
  return [
    '// GENERATED by scripts/history-codegen.ts from knex\'s builders (npm run codegen): do not edit.',
    '',
    '/** The history table\'s layout steps, oldest first: layout 1 creates it, each later one is one ALTER. */',
    'export const LAYOUT_STEPS: readonly { layout: number; sql: string }[] = [',
    ...layoutSql.map((st) => `  { layout: ${st.layout}, sql: ${lit(st.sql)} },`),
    '];',
    '',
    '/** A fresh table at the newest layout in one statement: the same table as layout 1 and every step after it. */',
    `export const CREATE_SQL = ${lit(create(newest))};`,
    '',
    '/** Inserts or replaces a change\'s row; its placeholders follow PUT_ORDER. */',
    `export const PUT_SQL = ${lit(put.sql)};`,
    '',
    '/** The column of each PUT_SQL placeholder, in order. */',
    `export const PUT_ORDER = ${lit(put.bindings)} as const;`,
    '',
    '/** One small UPDATE before each statement: applied, in flight, connection, for a change id. */',
    `export const PROGRESS_SQL = ${lit(progress)};`,
    '',
    '/** Every row, `*` rather than a column list: a reader may meet an older or newer layout. */',
    `export const LOAD_SQL = ${lit(load)};`,
    '',
  ].join('\n');
}

function ifNotExists(stmts: { sql: string }[]): string {
  if (stmts.length !== 1 || !/^create table /i.test(stmts[0]!.sql)) throw new Error('history layout: expected one CREATE TABLE');
  // knex's createTableIfNotExists is deprecated; the statement itself is what we want.
  return stmts[0]!.sql.replace(/^create table /i, 'create table if not exists ');
}

function oneAlter(stmts: { sql: string }[]): string {
  const prefix = /^alter table `[^`]+` /i;
  const head = prefix.exec(stmts[0]!.sql)![0];
  return head + stmts.map((s) => s.sql.replace(prefix, '')).join(', ');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(GENERATED_FILE, historySqlSource());
  process.stdout.write(`wrote ${fileURLToPath(GENERATED_FILE)}\n`);
  await sqlgen.destroy();
}
