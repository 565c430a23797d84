// MySQL's online DDL rules (8.0, 8.4, 9.x, and Aurora MySQL 3 at its MySQL version), from the manual's
// "Online DDL Operations" and checked against Oracle MySQL 9.7 by test/impact-agreement.test.ts.
// Versions matter: INSTANT ADD COLUMN appeared in 8.0.12 (last position only), anywhere and INSTANT
// DROP COLUMN in 8.0.29, INSTANT RENAME COLUMN in 8.0.28; each instant ADD/DROP adds a row version,
// and at the limit (TOTAL_ROW_VERSIONS 64; 255 from 9.1) the server falls back to a rebuild.
import type { AlterClause, ColumnDef, ColumnPosition } from './ddl.js';
import {
  atLeast,
  columnChange,
  copyWays,
  dependencyRefusal,
  findColumn,
  generatedDependents,
  generatedKind,
  hasFtsDocId,
  inPrimaryKey,
  inplaceWays,
  instantWays,
  isIndexed,
  isMetadataOption,
  isNondeterministic,
  isTimestampDefault,
  missingRefusal,
  verdict,
  type ClauseContext,
  type ClauseVerdict,
} from './rules-common.js';
import { quoteIdent } from '../sql/quote.js';
import {
  addAutoIncrement,
  addColumnShared,
  inlineKey,
  addCheck,
  addForeignKey,
  addIndex,
  dropForeignKey,
  dropIndex,
  dropPrimaryKey,
  engineChange,
  rebuildInPlace,
  unknownClause,
} from './rules-shared-clauses.js';

// MySQL's words for a column that generated columns read (ER_DEPENDENT_BY_GENERATED_COLUMN, 3108).
const MYSQL_DEPENDENCY = '"has a generated column dependency"';

/** The row-version limit for instant ADD/DROP COLUMN on this MySQL version. */
export function mysqlRowVersionLimit(version: string): number {
  // MySQL 9.1.0 raised INNODB's maximum row versions from 64 to 255 (release notes, WL#16131).
  return atLeast(version, '9.1.0') ? 255 : 64;
}

/** Why instant ADD/DROP COLUMN is out for this table on MySQL, or null when it is possible. */
function noInstantColumn(ctx: ClauseContext, position: ColumnPosition | 'drop'): string | null {
  const { table, server } = ctx;
  if (!atLeast(server.version, '8.0.12')) return `MySQL ${server.version} has no instant ADD COLUMN (8.0.12+)`;
  if (position === 'drop' && !atLeast(server.version, '8.0.29')) return `MySQL ${server.version} has no instant DROP COLUMN (8.0.29+)`;
  // A drop before 8.0.29 was answered above.
  if (position !== null && !atLeast(server.version, '8.0.29')) return `MySQL ${server.version} adds instantly only as the last column (anywhere from 8.0.29)`;
  if (hasFtsDocId(table)) return `${quoteIdent(table.name)} has a FULLTEXT index, which rules out instant column changes`;
  if (table.rowFormat === 'compressed') return `${quoteIdent(table.name)} is ROW_FORMAT=COMPRESSED, which rules out instant column changes`;
  const limit = mysqlRowVersionLimit(server.version);
  if (table.totalRowVersions !== null && table.totalRowVersions >= limit) {
    return `${quoteIdent(table.name)} has reached ${table.totalRowVersions} row versions (the limit is ${limit}), so MySQL rebuilds instead`;
  }
  return null;
}

function addColumn(col: ColumnDef, position: ColumnPosition, ctx: ClauseContext): ClauseVerdict {
  const shared = addColumnShared(col, ctx);
  if (shared) return shared;
  const t = quoteIdent(ctx.table.name);
  const c = quoteIdent(col.name);
  if (col.generated?.kind === 'stored') {
    return verdict(copyWays(), `Adding STORED generated column ${c} copies ${t} to compute it for every row, blocking writes for the whole copy. A VIRTUAL column is added instantly.`);
  }
  if (col.generated?.kind === 'virtual') {
    return verdict(instantWays(false), `Adding VIRTUAL column ${c} only changes metadata: instant, nothing blocked.`);
  }
  if (col.default?.kind === 'expression' && !isTimestampDefault(col.default.text)) {
    if (isNondeterministic(col.default.text)) {
      return verdict(null, `MySQL refuses to add ${c} with the nondeterministic DEFAULT (${col.default.text}) ("Statement is unsafe"). Add the column with a constant default and fill it in batches.`);
    }
    return verdict(copyWays(), `Adding ${c} with an expression DEFAULT copies ${t} to compute it for every row, blocking writes for the whole copy. Add it with a constant default (instant) and backfill in batches.`);
  }
  if (/^(datetime|date|timestamp)$/.test(col.dataType) && col.nullable === false && col.default === null) {
    return verdict(inplaceWays('none', true), `Adding ${c} ${col.dataType.toUpperCase()} NOT NULL without a DEFAULT cannot be instant on MySQL: it rebuilds ${t} in place. Give it a DEFAULT to make it instant.`);
  }
  const why = noInstantColumn(ctx, position);
  if (why) return verdict(inplaceWays('none', true), `Adding ${c} rebuilds ${t} in place because ${why}: writes go on, but every row is rewritten.`);
  return verdict(instantWays(true), `Adding ${c} is instant on MySQL ${ctx.server.version}: only metadata changes, nothing is blocked.`);
}

function dropColumn(name: string, ctx: ClauseContext): ClauseVerdict {
  const t = quoteIdent(ctx.table.name);
  const col = findColumn(ctx.table, name);
  if (!col) return missingRefusal(ctx, 'column', name);
  const dependents = generatedDependents(ctx, name);
  if (dependents.length > 0) return dependencyRefusal(ctx, col.name, dependents, 'drop', MYSQL_DEPENDENCY);
  if (inPrimaryKey(ctx.table, name)) return verdict(null, `${quoteIdent(name)} is part of the primary key of ${t}; how the server runs dropping it depends on the key that remains, so this is unknown.`);
  if (generatedKind(col) === 'virtual') return verdict(instantWays(false), `Dropping VIRTUAL column ${quoteIdent(name)} only changes metadata: instant.`);
  if (isIndexed(ctx.table, name)) {
    return verdict(inplaceWays('none', true), `Dropping ${quoteIdent(name)}, which an index uses, rebuilds ${t} in place: writes go on, but every row is rewritten. The rows' values in it are lost.`);
  }
  const why = noInstantColumn(ctx, 'drop');
  if (why) return verdict(inplaceWays('none', true), `Dropping ${quoteIdent(name)} rebuilds ${t} in place because ${why}: writes go on, but every row is rewritten.`);
  return verdict(instantWays(true), `Dropping ${quoteIdent(name)} is instant on MySQL ${ctx.server.version}: only metadata changes. Its values are lost.`);
}

function renameColumn(from: string, ctx: ClauseContext): ClauseVerdict {
  const col = findColumn(ctx.table, from);
  if (!col) return missingRefusal(ctx, 'column', from);
  const dependents = generatedDependents(ctx, from);
  if (dependents.length > 0) return dependencyRefusal(ctx, col.name, dependents, 'rename', MYSQL_DEPENDENCY);
  if (atLeast(ctx.server.version, '8.0.28')) return verdict(instantWays(false), `Renaming ${quoteIdent(from)} only changes metadata: instant. Deploy code that reads both names first.`);
  return verdict(inplaceWays('none', false), `Renaming ${quoteIdent(from)} only changes metadata, in place: reads and writes go on.`);
}

function changeColumn(clause: Extract<AlterClause, { kind: 'change-column' }>, ctx: ClauseContext): ClauseVerdict[] {
  const t = quoteIdent(ctx.table.name);
  const ch = columnChange(ctx.table, clause.from, clause.column, clause.position);
  if (!ch) return [missingRefusal(ctx, 'column', clause.from)];
  if (ch.renamed) {
    const dependents = generatedDependents(ctx, clause.from);
    if (dependents.length > 0) return [dependencyRefusal(ctx, clause.from, dependents, 'rename', MYSQL_DEPENDENCY)];
  }
  const c = quoteIdent(clause.from);
  if (ch.special === 'auto-increment') {
    if (clause.column.autoIncrement) return [addAutoIncrement(clause.column.name, ctx)];
    return [verdict(copyWays(), `Taking AUTO_INCREMENT off ${c} changes its definition, which MySQL cannot do in place: it copies ${t} and blocks writes for the whole copy.`)];
  }
  if (ch.special === 'generated') return [verdict(null, `Changing generated column ${c} (or making a column generated): the rules do not know how the server runs this, so it counts as blocking.`)];
  const out: ClauseVerdict[] = [];
  switch (ch.type.kind) {
    case 'same':
      out.push(
        ch.renamed && !atLeast(ctx.server.version, '8.0.28')
          ? verdict(inplaceWays('none', false), `Renaming ${c} only changes metadata, in place.`)
          : verdict(instantWays(false), `Changing ${c}'s name, default or comment only changes metadata: instant.`),
      );
      break;
    case 'varchar-longer': {
      const { oldBytes, newBytes } = ch.type;
      if (oldBytes <= 255 === newBytes <= 255) {
        out.push(verdict(inplaceWays('none', false), `Widening ${c} from ${oldBytes} to ${newBytes} bytes keeps its length prefix, so it only changes metadata in place: reads and writes go on.`));
      } else {
        out.push(
          verdict(
            copyWays(),
            `Widening ${c} from ${oldBytes} to ${newBytes} bytes crosses 255 bytes, where each value's length prefix grows from 1 to 2 bytes: MySQL copies ${t} and blocks writes for the whole copy. Stay at or under 255 bytes (${Math.floor(255 / Math.max(1, Math.round(newBytes / Math.max(1, declaredChars(clause.column.type)))))} characters in this character set), or use an online schema change tool.`,
          ),
        );
      }
      break;
    }
    case 'enum-append':
      out.push(
        ch.type.sameStorage
          ? verdict(instantWays(false), `Appending members to the end of ${c}'s list only changes metadata: instant.`)
          : verdict(copyWays(), `The new members grow ${c}'s storage size, so MySQL copies ${t} and blocks writes for the whole copy.`),
      );
      break;
    case 'charset':
      if (ch.type.from === 'utf8mb3' && ch.type.to === 'utf8mb4' && ch.type.lengthBytesSame && !isIndexed(ctx.table, clause.from)) {
        out.push(verdict(inplaceWays('none', false), `Converting ${c} from utf8mb3 to utf8mb4 keeps its stored bytes, so MySQL does it in place without a rebuild.`));
      } else {
        out.push(verdict(copyWays(), `Changing ${c}'s character set from ${ch.type.from} to ${ch.type.to} re-encodes every value: MySQL copies ${t} and blocks writes for the whole copy. Add a new column, backfill it in batches, and switch over instead.`));
      }
      break;
    case 'collation':
      out.push(verdict(null, `Changing only ${c}'s collation: whether MySQL needs a copy depends on the indexes over it, so this is unknown.`));
      break;
    case 'other':
      out.push(
        verdict(
          copyWays(),
          `Changing ${c}'s type from ${ch.old.columnType} to ${clause.column.type} rewrites every value: MySQL copies ${t} and blocks writes for the whole copy. Add a new column, backfill it in batches, and switch over, or use an online schema change tool.`,
        ),
      );
      break;
  }
  if (ch.reordered) out.push(verdict(inplaceWays('none', true), `Moving ${c} to another position rebuilds ${t} in place on MySQL: writes go on, but every row is rewritten. Leave the column where it is.`));
  if (ch.nullability === 'to-not-null') {
    out.push(verdict(inplaceWays('none', true), `Making ${c} NOT NULL rebuilds ${t} in place: writes go on, but every row is rewritten, and a NULL in it makes the statement fail at the end.`));
  }
  if (ch.nullability === 'to-null') out.push(verdict(inplaceWays('none', true), `Making ${c} nullable rebuilds ${t} in place on MySQL: writes go on, but every row is rewritten.`));
  return out;
}

function declaredChars(type: string): number {
  const m = /\((\d+)\)/.exec(type);
  return m ? Number(m[1]) : 1;
}

function tableOptions(clause: Extract<AlterClause, { kind: 'table-options' }>, ctx: ClauseContext): ClauseVerdict[] {
  const o = clause.options;
  const t = quoteIdent(ctx.table.name);
  const out: ClauseVerdict[] = [];
  if (o.engine !== undefined) out.push(o.engine.toLowerCase() === ctx.table.engine.toLowerCase() ? forceOrEngine('ENGINE=' + o.engine, ctx) : engineChange(o.engine, ctx));
  if (o.rowFormat !== undefined) out.push(rebuildInPlace(`ROW_FORMAT=${o.rowFormat.toUpperCase()}`, ctx));
  if (o.keyBlockSize !== undefined) out.push(rebuildInPlace(`KEY_BLOCK_SIZE=${o.keyBlockSize}`, ctx));
  if (o.autoIncrement !== undefined) out.push(verdict(inplaceWays('none', false), `Setting ${t}'s AUTO_INCREMENT counter changes metadata in place: reads and writes go on.`));
  if (o.comment !== undefined) out.push(verdict(inplaceWays('none', false), `Changing ${t}'s comment changes metadata in place: reads and writes go on.`));
  if (o.charset !== undefined || o.collation !== undefined) {
    out.push(verdict(inplaceWays('none', false), `Changing ${t}'s default character set or collation only affects columns added later; existing columns keep theirs. In place, nothing blocked.`));
  }
  for (const other of o.other ?? []) {
    if (isMetadataOption(other)) out.push(verdict(inplaceWays('none', false), `${other} changes metadata in place: nothing blocked.`));
    else out.push(unknownClause(other));
  }
  return out;
}

function forceOrEngine(what: string, ctx: ClauseContext): ClauseVerdict {
  return rebuildInPlace(what, ctx);
}

/** MySQL's verdicts on one clause (several when one clause changes several things, e.g. a type and a position). */
export function mysqlClause(clause: AlterClause, ctx: ClauseContext): ClauseVerdict[] {
  const t = quoteIdent(ctx.table.name);
  switch (clause.kind) {
    case 'add-column':
      return [addColumn(clause.column, clause.position, ctx)];
    case 'drop-column':
      return [dropColumn(clause.name, ctx)];
    case 'rename-column':
      return [renameColumn(clause.from, ctx)];
    case 'change-column':
      return [...changeColumn(clause, ctx), ...inlineKey(clause.column, ctx)];
    case 'alter-column-default':
      if (!findColumn(ctx.table, clause.name)) return [missingRefusal(ctx, 'column', clause.name)];
      return [verdict(instantWays(false), `Changing ${quoteIdent(clause.name)}'s default only changes metadata: instant. Rows already there keep their values.`)];
    case 'alter-column-visibility':
      if (!atLeast(ctx.server.version, '8.0.23')) return [verdict(null, `MySQL ${ctx.server.version} has no invisible columns (8.0.23+): the server refuses the statement.`)];
      return [verdict(instantWays(false), `Making ${quoteIdent(clause.name)} ${clause.visible ? 'visible' : 'invisible'} only changes metadata: instant.`)];
    case 'add-index':
      return [addIndex(clause.index, ctx)];
    case 'drop-index':
      return [dropIndex(clause.name, ctx)];
    case 'drop-primary-key':
      return [dropPrimaryKey(ctx)];
    case 'rename-index':
      if (!ctx.table.indexes.some((i) => i.name.toLowerCase() === clause.from.toLowerCase())) return [missingRefusal(ctx, 'index', clause.from)];
      return [verdict(inplaceWays('none', false), `Renaming index ${quoteIdent(clause.from)} changes metadata in place: reads and writes go on. Queries with index hints naming it fail afterwards.`)];
    case 'alter-index-visibility':
      return [verdict(inplaceWays('none', false), `Making index ${quoteIdent(clause.name)} ${clause.visible ? 'visible' : 'invisible'} changes metadata in place: nothing blocked, and it is the safe way to try dropping an index.`)];
    case 'add-foreign-key':
      return [addForeignKey(clause, ctx)];
    case 'drop-foreign-key':
      return [dropForeignKey(clause.name, ctx, false)];
    case 'add-check':
      return [addCheck(ctx)];
    case 'drop-check':
      return [verdict(instantWays(false), `Dropping a CHECK constraint only changes metadata: instant.`)];
    case 'drop-constraint': {
      if (ctx.table.foreignKeys.some((f) => f.name.toLowerCase() === clause.name.toLowerCase())) return [dropForeignKey(clause.name, ctx, false)];
      if (ctx.table.indexes.some((i) => i.name.toLowerCase() === clause.name.toLowerCase())) return [dropIndex(clause.name, ctx)];
      return [verdict(instantWays(false), `Dropping a CHECK constraint only changes metadata: instant.`)];
    }
    case 'table-options':
      return tableOptions(clause, ctx);
    case 'convert-charset':
      return [verdict(copyWays(), `CONVERT TO CHARACTER SET ${clause.charset} re-encodes every text column: MySQL copies ${t} and blocks writes for the whole copy. Convert column by column with an online schema change tool on big tables.`)];
    case 'force':
      return [forceOrEngine('FORCE', ctx)];
    case 'rename-table':
      return [verdict(instantWays(false), `Renaming ${t} only changes metadata: instant. Anything that still uses the old name fails afterwards.`)];
    case 'partition':
    case 'unknown':
      return [unknownClause(clause.text)];
  }
}
