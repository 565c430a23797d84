// Clause verdicts MySQL and MariaDB agree on: indexes, keys, foreign keys, CHECK constraints, table
// rebuilds. Each is a flat predicate over the clause and the table, with the one reason a user reads.
import type { AlterClause, ColumnDef, IndexDef } from './ddl.js';
import {
  autoIncrementAfter,
  copyWays,
  findColumn,
  findIndex,
  hasFtsDocId,
  hasPrimaryKey,
  inplaceWays,
  instantWays,
  keyStartsWith,
  missingRefusal,
  verdict,
  type ClauseContext,
  type ClauseVerdict,
} from './rules-common.js';
import { quoteIdent } from '../sql/quote.js';

/**
 * ADD COLUMN where both servers answer alike: a column that is already there is refused, AUTO_INCREMENT
 * rebuilds under a shared lock, a column with a key of its own rebuilds in place. Null when the
 * flavour's own rules decide.
 */
export function addColumnShared(col: ColumnDef, ctx: ClauseContext): ClauseVerdict | null {
  const t = quoteIdent(ctx.table.name);
  const c = quoteIdent(col.name);
  if (findColumn(ctx.table, col.name)) return verdict(null, `${t} already has a column ${c}: the server refuses the statement.`);
  if (col.autoIncrement) {
    return verdict(inplaceWays('shared', true), `Adding AUTO_INCREMENT column ${c} rebuilds ${t} and blocks writes (LOCK=SHARED) for the whole rebuild, while it numbers every row.`);
  }
  if (col.primaryKey || col.unique) {
    return verdict(inplaceWays('none', true), `Adding ${c} with its own ${col.primaryKey ? 'PRIMARY KEY' : 'UNIQUE'} index rebuilds ${t} in place: writes go on, but every row is rewritten. Add the column, then the index, in separate statements to keep the first instant.`);
  }
  return null;
}

/**
 * CHANGE/MODIFY that puts AUTO_INCREMENT on a column: both servers copy the table (they number nothing,
 * but cannot change the attribute in place), and refuse it when no key starts with the column.
 */
export function addAutoIncrement(column: string, ctx: ClauseContext): ClauseVerdict {
  const c = quoteIdent(column);
  if (!keyStartsWith(ctx, column)) {
    return verdict(null, `No key starts with ${c}: the server refuses to make it AUTO_INCREMENT ("there can be only one auto column and it must be defined as a key"). Add a key that starts with it first.`);
  }
  return verdict(copyWays(), `Making ${c} AUTO_INCREMENT copies ${quoteIdent(ctx.table.name)} and blocks writes for the whole copy.`);
}

/** ADD INDEX / UNIQUE / PRIMARY KEY / FULLTEXT / SPATIAL and CREATE INDEX. */
export function addIndex(index: IndexDef, ctx: ClauseContext): ClauseVerdict {
  const { table, clauses } = ctx;
  const name = index.name ? quoteIdent(index.name) : 'the new index';
  if (index.kind === 'primary') {
    const replaces = clauses.some((c) => c.kind === 'drop-primary-key');
    if (hasPrimaryKey(table) && !replaces) return verdict(null, `${quoteIdent(table.name)} already has a primary key: the server refuses a second one ("Multiple primary key defined"). Drop the old one in the same statement.`);
    return verdict(
      inplaceWays('none', true),
      `Adding a primary key rebuilds ${quoteIdent(table.name)} in place (the rows are reorganised by the new key): writes go on, but it reads and rewrites every row and replicas replay it after it ends. A duplicate or NULL in the key columns makes it fail at the end.`,
    );
  }
  if (index.kind === 'fulltext') {
    const fulltextAdds = clauses.filter((c) => c.kind === 'add-index' && c.index.kind === 'fulltext').length;
    if (fulltextAdds > 1) return verdict(null, 'InnoDB builds one FULLTEXT index per statement: the server refuses several at once. Add them in separate statements.');
    if (hasFtsDocId(table)) {
      return verdict(inplaceWays('shared', false), `Building FULLTEXT index ${name} in place blocks writes to ${quoteIdent(table.name)} (LOCK=SHARED) for as long as it takes; reads go on. Build it in a quiet window or with an online schema change tool.`);
    }
    return verdict(
      inplaceWays('shared', true),
      `The first FULLTEXT index rebuilds ${quoteIdent(table.name)} to add InnoDB's hidden FTS_DOC_ID column, and blocks writes (LOCK=SHARED) for the whole rebuild. Add an FTS_DOC_ID BIGINT UNSIGNED NOT NULL AUTO_INCREMENT column with a unique index FTS_DOC_ID_INDEX beforehand, or use an online schema change tool.`,
    );
  }
  if (index.kind === 'spatial') {
    return verdict(inplaceWays('shared', false), `Building SPATIAL index ${name} blocks writes to ${quoteIdent(table.name)} (LOCK=SHARED) while it runs; reads go on.`);
  }
  const unique = index.kind === 'unique' ? ' A duplicate value makes it fail at the end, after all the work.' : '';
  return verdict(inplaceWays('none', false), `Building index ${name} runs in place: reads and writes go on, it scans the table once, and replicas replay it after it ends.${unique}`);
}

/** The index an inline PRIMARY KEY / UNIQUE in CHANGE or MODIFY adds to the column. */
export function inlineKey(col: ColumnDef, ctx: ClauseContext): ClauseVerdict[] {
  if (col.primaryKey) return [addIndex({ name: null, kind: 'primary', columns: [{ name: col.name, prefix: null }], using: null, invisible: false }, ctx)];
  if (col.unique) return [addIndex({ name: null, kind: 'unique', columns: [{ name: col.name, prefix: null }], using: null, invisible: false }, ctx)];
  return [];
}

/** DROP INDEX / DROP KEY. */
export function dropIndex(name: string, ctx: ClauseContext): ClauseVerdict {
  const index = findIndex(ctx.table, name);
  if (!index) return missingRefusal(ctx, 'index', name);
  if (index.primary) return dropPrimaryKey(ctx);
  return verdict(inplaceWays('none', false), `Dropping index ${quoteIdent(name)} only changes metadata in place: reads and writes go on. Queries that used it get slower.`);
}

/** DROP PRIMARY KEY (alone it needs a copy; with a new primary key in the same statement it rebuilds in place). */
export function dropPrimaryKey(ctx: ClauseContext): ClauseVerdict {
  if (!hasPrimaryKey(ctx.table)) return verdict(null, `${quoteIdent(ctx.table.name)} has no primary key to drop: the server refuses the statement.`);
  const auto = autoIncrementAfter(ctx);
  if (auto && !keyStartsWith(ctx, auto.name)) {
    const c = quoteIdent(auto.name);
    return verdict(
      null,
      `${c} stays AUTO_INCREMENT and no key would start with it: the server refuses the statement ("there can be only one auto column and it must be defined as a key"). Take AUTO_INCREMENT off in the same statement (MODIFY ${c} ${auto.columnType.toUpperCase()}${auto.nullable ? '' : ' NOT NULL'}, DROP PRIMARY KEY), or keep a key that starts with ${c}.`,
    );
  }
  const replaced = ctx.clauses.some((c) => c.kind === 'add-index' && c.index.kind === 'primary');
  if (replaced) return verdict(inplaceWays('none', true), `Replacing the primary key rebuilds ${quoteIdent(ctx.table.name)} in place: writes go on, but every row is rewritten.`);
  return verdict(
    copyWays(),
    `Dropping the primary key without adding another copies ${quoteIdent(ctx.table.name)} and blocks writes for the whole copy. Add the new primary key in the same statement (DROP PRIMARY KEY, ADD PRIMARY KEY (...)) to rebuild in place instead.`,
  );
}

/** ADD FOREIGN KEY: with foreign_key_checks on (the default, and what changegate runs with) only a copy validates it. */
export function addForeignKey(clause: Extract<AlterClause, { kind: 'add-foreign-key' }>, ctx: ClauseContext): ClauseVerdict {
  const fk = clause.foreignKey;
  return verdict(
    copyWays(),
    `Adding foreign key ${fk.name ? quoteIdent(fk.name) + ' ' : ''}(${fk.columns.map(quoteIdent).join(', ')}) → ${quoteIdent(fk.refTable.name)} with foreign_key_checks on copies ${quoteIdent(ctx.table.name)} to validate every row, blocking writes for the whole copy. With foreign_key_checks=0 it runs in place without a copy, but then existing orphans go unnoticed: check for them first.`,
  );
}

/** DROP FOREIGN KEY. */
export function dropForeignKey(name: string, ctx: ClauseContext, instant: boolean): ClauseVerdict {
  const fk = ctx.table.foreignKeys.find((f) => f.name.toLowerCase() === name.toLowerCase());
  if (!fk) return missingRefusal(ctx, 'foreign key', name);
  return verdict(instant ? instantWays(false) : inplaceWays('none', false), `Dropping foreign key ${quoteIdent(name)} only changes metadata: reads and writes go on (its index stays).`);
}

/** ADD CHECK: the server validates every row, which takes a table copy. */
export function addCheck(ctx: ClauseContext): ClauseVerdict {
  return verdict(
    copyWays(),
    `Adding a CHECK constraint copies ${quoteIdent(ctx.table.name)} to validate every row, blocking writes for the whole copy. On a big table, enforce the rule in the application first and add the constraint in a quiet window.`,
  );
}

/** ENGINE=InnoDB on an InnoDB table, FORCE, OPTIMIZE's recreate, ROW_FORMAT, KEY_BLOCK_SIZE: a rebuild in place. */
export function rebuildInPlace(what: string, ctx: ClauseContext): ClauseVerdict {
  return verdict(
    inplaceWays('none', true),
    `${what} rebuilds ${quoteIdent(ctx.table.name)} in place: reads and writes go on, but every row is rewritten (it needs free space the size of the table) and replicas replay it after it ends.`,
  );
}

/** An engine change: a table copy. */
export function engineChange(engine: string, ctx: ClauseContext): ClauseVerdict {
  return verdict(copyWays(), `Changing ${quoteIdent(ctx.table.name)} to ENGINE=${engine} copies every row into the new engine and blocks writes for the whole copy.`);
}

/** A clause the rules do not understand. */
export function unknownClause(text: string): ClauseVerdict {
  return verdict(null, `The rules do not know how the server runs \`${text.length > 60 ? text.slice(0, 57) + '...' : text}\`, so this counts as blocking. Run it on a copy of the table with ALGORITHM=INPLACE, LOCK=NONE to find out.`);
}
