// MariaDB's online DDL rules (10.x, 11.x), from the knowledge base's "InnoDB Online DDL Operations with
// ALGORITHM=INSTANT / NOCOPY / INPLACE" pages, checked against MariaDB 10.11 by
// test/impact-agreement.test.ts. MariaDB does more instantly than MySQL: ADD COLUMN anywhere (10.4+,
// last only in 10.3), DROP COLUMN and column reorder (10.4+), VARCHAR widening that keeps the length
// prefix or starts at 127 bytes or less (10.4.3+), NOT NULL → NULL, utf8mb3 → utf8mb4, renaming an
// index, and most table options. It has no row-version limit.
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
  missingRefusal,
  perRowDefault,
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

/** Why instant ADD/DROP/reorder of a column is out for this table on MariaDB, or null when it is possible. */
function noInstantColumn(ctx: ClauseContext, op: 'add-last' | 'add' | 'drop' | 'reorder'): string | null {
  const { table, server } = ctx;
  if (!atLeast(server.version, '10.3.2')) return `MariaDB ${server.version} has no instant column changes (10.3.2+)`;
  if (op !== 'add-last' && !atLeast(server.version, '10.4.0')) return `MariaDB ${server.version} only adds a last column instantly (anywhere, and drops, from 10.4)`;
  if (hasFtsDocId(table)) return `${quoteIdent(table.name)} has a FULLTEXT index (InnoDB's hidden FTS_DOC_ID), which rules out instant column changes`;
  if (table.rowFormat === 'compressed' && op !== 'reorder') return `${quoteIdent(table.name)} is ROW_FORMAT=COMPRESSED, which rules out instant column changes`;
  return null;
}

function addColumn(col: ColumnDef, position: ColumnPosition, ctx: ClauseContext): ClauseVerdict {
  const shared = addColumnShared(col, ctx);
  if (shared) return shared;
  const t = quoteIdent(ctx.table.name);
  const c = quoteIdent(col.name);
  if (col.generated?.kind === 'stored') {
    return verdict(copyWays(), `Adding STORED (PERSISTENT) generated column ${c} copies ${t} to compute it for every row, blocking writes for the whole copy. A VIRTUAL column is added instantly.`);
  }
  if (col.generated?.kind === 'virtual' && ctx.table.partitioned) {
    return verdict(copyWays(), `Adding VIRTUAL column ${c} to partitioned ${t} makes MariaDB copy the table, blocking writes for the whole copy.`);
  }
  if (col.generated?.kind === 'virtual') return verdict(instantWays(false), `Adding VIRTUAL column ${c} only changes metadata: instant, nothing blocked.`);
  const expression = col.default?.kind === 'expression' ? col.default.text : null;
  const perRow = expression === null ? null : perRowDefault(expression, ctx);
  if (perRow) {
    return verdict(
      copyWays(),
      `Adding ${c} with DEFAULT (${expression}), which ${perRow}, makes MariaDB compute it for every row: it copies ${t} and blocks writes for the whole copy. Add it with a constant default (instant) and backfill in batches.`,
    );
  }
  const why = noInstantColumn(ctx, position === null ? 'add-last' : 'add');
  if (why) return verdict(inplaceWays('none', true), `Adding ${c} rebuilds ${t} in place because ${why}: writes go on, but every row is rewritten.`);
  return verdict(instantWays(true), `Adding ${c} is instant on MariaDB ${ctx.server.version}: only metadata changes, nothing is blocked.`);
}

function dropColumn(name: string, ctx: ClauseContext): ClauseVerdict {
  const t = quoteIdent(ctx.table.name);
  const col = findColumn(ctx.table, name);
  if (!col) return missingRefusal(ctx, 'column', name);
  // Renaming it is another matter: MariaDB accepts that (tested against the server).
  const dependents = generatedDependents(ctx, name);
  if (dependents.length > 0) return dependencyRefusal(ctx, col.name, dependents, 'drop', '"Unknown column in GENERATED ALWAYS AS"');
  if (inPrimaryKey(ctx.table, name)) return verdict(null, `${quoteIdent(name)} is part of the primary key of ${t}; how the server runs dropping it depends on the key that remains, so this is unknown.`);
  if (generatedKind(col) === 'virtual') return verdict(instantWays(false), `Dropping VIRTUAL column ${quoteIdent(name)} only changes metadata: instant.`);
  const why = noInstantColumn(ctx, 'drop');
  if (why) return verdict(inplaceWays('none', true), `Dropping ${quoteIdent(name)} rebuilds ${t} in place because ${why}: writes go on, but every row is rewritten.`);
  if (isIndexed(ctx.table, name)) {
    const n = name.toLowerCase();
    const using = ctx.table.indexes.filter((i) => i.columns.some((p) => p.name?.toLowerCase() === n));
    // An index of this column alone is dropped with it in place (MariaDB's NOCOPY); an index that
    // keeps other columns changes shape, which rebuilds the table.
    if (using.every((i) => i.columns.every((p) => p.name?.toLowerCase() === n))) {
      return verdict(inplaceWays('none', false), `Dropping ${quoteIdent(name)}, which an index uses, drops that index too, in place without a rebuild: reads and writes go on. Its values are lost.`);
    }
    return verdict(inplaceWays('none', true), `Dropping ${quoteIdent(name)}, part of a multi-column index, rebuilds ${t} in place to reshape that index: writes go on, but every row is rewritten. Its values are lost.`);
  }
  return verdict(instantWays(true), `Dropping ${quoteIdent(name)} is instant on MariaDB ${ctx.server.version}: only metadata changes. Its values are lost.`);
}

function changeColumn(clause: Extract<AlterClause, { kind: 'change-column' }>, ctx: ClauseContext): ClauseVerdict[] {
  const t = quoteIdent(ctx.table.name);
  const ch = columnChange(ctx.table, clause.from, clause.column, clause.position);
  if (!ch) return [missingRefusal(ctx, 'column', clause.from)];
  const c = quoteIdent(clause.from);
  // Taking AUTO_INCREMENT off only changes metadata on MariaDB: the rest of the change decides.
  const autoOff = ch.special === 'auto-increment' && !clause.column.autoIncrement;
  if (ch.special === 'auto-increment' && !autoOff) return [addAutoIncrement(clause.column.name, ctx)];
  if (ch.special === 'generated') return [verdict(null, `Changing generated column ${c} (or making a column generated): the rules do not know how the server runs this, so it counts as blocking.`)];
  const redundant = ctx.table.rowFormat === 'redundant';
  const extendable = atLeast(ctx.server.version, '10.4.3');
  const out: ClauseVerdict[] = [];
  switch (ch.type.kind) {
    case 'same':
      out.push(
        verdict(
          instantWays(false),
          autoOff ? `Taking AUTO_INCREMENT off ${c} only changes metadata on MariaDB: instant. New rows then need a value for it.` : `Changing ${c}'s name, default or comment only changes metadata: instant.`,
        ),
      );
      break;
    case 'varchar-longer': {
      const { oldBytes, newBytes } = ch.type;
      // A length up to 127 bytes is stored in one byte whatever the maximum, so such columns can grow past 255 instantly.
      if (extendable && (redundant || oldBytes <= 255 === newBytes <= 255 || oldBytes <= 127)) {
        out.push(verdict(instantWays(false), `Widening ${c} from ${oldBytes} to ${newBytes} bytes keeps how its lengths are stored, so MariaDB does it instantly.`));
      } else {
        out.push(
          verdict(
            copyWays(),
            `Widening ${c} from ${oldBytes} to ${newBytes} bytes changes how its lengths are stored (past 255 bytes from over 127): MariaDB copies ${t} and blocks writes for the whole copy. Use an online schema change tool on a big table.`,
          ),
        );
      }
      break;
    }
    case 'enum-append':
      out.push(
        ch.type.sameStorage
          ? verdict(instantWays(false), `Appending members to the end of ${c}'s list only changes metadata: instant.`)
          : verdict(copyWays(), `The new members grow ${c}'s storage size, so MariaDB copies ${t} and blocks writes for the whole copy.`),
      );
      break;
    case 'charset':
      // Seen instant for an indexed column on 10.11; older releases are only documented for unindexed ones.
      if (
        extendable &&
        ch.type.from === 'utf8mb3' &&
        ch.type.to === 'utf8mb4' &&
        (ch.type.lengthBytesSame || redundant) &&
        (!isIndexed(ctx.table, clause.from) || atLeast(ctx.server.version, '10.11.0'))
      ) {
        out.push(verdict(instantWays(false), `Converting ${c} from utf8mb3 to utf8mb4 keeps its stored bytes, so MariaDB does it instantly.`));
      } else {
        out.push(verdict(copyWays(), `Changing ${c}'s character set from ${ch.type.from} to ${ch.type.to} re-encodes every value: MariaDB copies ${t} and blocks writes for the whole copy. Add a new column, backfill it in batches, and switch over instead.`));
      }
      break;
    case 'collation':
      out.push(verdict(null, `Changing only ${c}'s collation: whether MariaDB needs a copy depends on the indexes over it, so this is unknown.`));
      break;
    case 'other':
      out.push(
        verdict(
          copyWays(),
          `Changing ${c}'s type from ${ch.old.columnType} to ${clause.column.type} rewrites every value: MariaDB copies ${t} and blocks writes for the whole copy. Add a new column, backfill it in batches, and switch over, or use an online schema change tool.`,
        ),
      );
      break;
  }
  if (ch.reordered) {
    const why = noInstantColumn(ctx, 'reorder');
    out.push(why ? verdict(inplaceWays('none', true), `Moving ${c} rebuilds ${t} in place because ${why}.`) : verdict(instantWays(true), `Moving ${c} to another position is instant on MariaDB.`));
  }
  if (ch.nullability === 'to-not-null') {
    // MariaDB cannot recompute STORED generated columns during an in-place NOT NULL conversion.
    if (ctx.table.columns.some((x) => generatedKind(x) === 'stored')) {
      out.push(verdict(copyWays(), `Making ${c} NOT NULL on ${t}, which has STORED generated columns, makes MariaDB copy the table, blocking writes for the whole copy; a NULL in it makes the statement fail at the end.`));
    } else {
      out.push(verdict(inplaceWays('none', true), `Making ${c} NOT NULL rebuilds ${t} in place: writes go on, but every row is rewritten, and a NULL in it makes the statement fail at the end.`));
    }
  }
  if (ch.nullability === 'to-null') {
    // Only ROW_FORMAT=REDUNDANT keeps room for a NULL flag in every row; the other formats rebuild.
    out.push(
      extendable && redundant
        ? verdict(instantWays(true), `Making ${c} nullable is instant on a ROW_FORMAT=REDUNDANT table.`)
        : verdict(inplaceWays('none', true), `Making ${c} nullable rebuilds ${t} in place on MariaDB: writes go on, but every row is rewritten.`),
    );
  }
  return out;
}

function tableOptions(clause: Extract<AlterClause, { kind: 'table-options' }>, ctx: ClauseContext): ClauseVerdict[] {
  const o = clause.options;
  const t = quoteIdent(ctx.table.name);
  const out: ClauseVerdict[] = [];
  if (o.engine !== undefined) out.push(o.engine.toLowerCase() === ctx.table.engine.toLowerCase() ? rebuildInPlace('ENGINE=' + o.engine, ctx) : engineChange(o.engine, ctx));
  if (o.rowFormat !== undefined) out.push(rebuildInPlace(`ROW_FORMAT=${o.rowFormat.toUpperCase()}`, ctx));
  if (o.keyBlockSize !== undefined) out.push(rebuildInPlace(`KEY_BLOCK_SIZE=${o.keyBlockSize}`, ctx));
  if (o.autoIncrement !== undefined) out.push(verdict(instantWays(false), `Setting ${t}'s AUTO_INCREMENT counter only changes metadata: instant.`));
  if (o.comment !== undefined) out.push(verdict(instantWays(false), `Changing ${t}'s comment only changes metadata: instant.`));
  if (o.charset !== undefined || o.collation !== undefined) {
    out.push(verdict(instantWays(false), `Changing ${t}'s default character set or collation only affects columns added later: instant.`));
  }
  for (const other of o.other ?? []) {
    if (isMetadataOption(other)) out.push(verdict(instantWays(false), `${other} only changes metadata: instant.`));
    else out.push(unknownClause(other));
  }
  return out;
}

/** MariaDB's verdicts on one clause (several when one clause changes several things). */
export function mariadbClause(clause: AlterClause, ctx: ClauseContext): ClauseVerdict[] {
  const t = quoteIdent(ctx.table.name);
  switch (clause.kind) {
    case 'add-column':
      return [addColumn(clause.column, clause.position, ctx)];
    case 'drop-column':
      return [dropColumn(clause.name, ctx)];
    case 'rename-column':
      if (!findColumn(ctx.table, clause.from)) return [missingRefusal(ctx, 'column', clause.from)];
      if (!atLeast(ctx.server.version, '10.5.2')) return [verdict(null, `MariaDB ${ctx.server.version} has no RENAME COLUMN (10.5.2+): use CHANGE.`)];
      return [verdict(instantWays(false), `Renaming ${quoteIdent(clause.from)} only changes metadata: instant. Deploy code that reads both names first.`)];
    case 'change-column':
      return [...changeColumn(clause, ctx), ...inlineKey(clause.column, ctx)];
    case 'alter-column-default':
      if (!findColumn(ctx.table, clause.name)) return [missingRefusal(ctx, 'column', clause.name)];
      return [verdict(instantWays(false), `Changing ${quoteIdent(clause.name)}'s default only changes metadata: instant. Rows already there keep their values.`)];
    case 'alter-column-visibility':
      return [verdict(null, 'MariaDB has no ALTER COLUMN ... SET VISIBLE/INVISIBLE: the server refuses the statement (use MODIFY with INVISIBLE).')];
    case 'add-index':
      return [addIndex(clause.index, ctx)];
    case 'drop-index':
      return [dropIndex(clause.name, ctx)];
    case 'drop-primary-key':
      return [dropPrimaryKey(ctx)];
    case 'rename-index':
      if (!ctx.table.indexes.some((i) => i.name.toLowerCase() === clause.from.toLowerCase())) return [missingRefusal(ctx, 'index', clause.from)];
      if (!atLeast(ctx.server.version, '10.5.2')) return [verdict(null, `MariaDB ${ctx.server.version} has no RENAME INDEX (10.5.2+): the server refuses the statement.`)];
      return [verdict(instantWays(false), `Renaming index ${quoteIdent(clause.from)} only changes metadata: instant. Queries with index hints naming it fail afterwards.`)];
    case 'alter-index-visibility':
      return [verdict(null, 'MariaDB spells index visibility IGNORED / NOT IGNORED (10.6+), not VISIBLE / INVISIBLE; the rules do not judge it.')];
    case 'add-foreign-key':
      return [addForeignKey(clause, ctx)];
    case 'drop-foreign-key':
      return [dropForeignKey(clause.name, ctx, true)];
    case 'add-check':
      return [addCheck(ctx)];
    case 'drop-check':
      return [verdict(null, 'MariaDB has no DROP CHECK: the server refuses the statement (use DROP CONSTRAINT).')];
    case 'drop-constraint':
      if (ctx.table.foreignKeys.some((f) => f.name.toLowerCase() === clause.name.toLowerCase())) return [dropForeignKey(clause.name, ctx, true)];
      if (ctx.table.indexes.some((i) => i.name.toLowerCase() === clause.name.toLowerCase())) return [dropIndex(clause.name, ctx)];
      return [verdict(instantWays(false), `Dropping a CHECK constraint only changes metadata: instant.`)];
    case 'table-options':
      return tableOptions(clause, ctx);
    case 'convert-charset':
      return [verdict(copyWays(), `CONVERT TO CHARACTER SET ${clause.charset} re-encodes every text column: MariaDB copies ${t} and blocks writes for the whole copy. Convert column by column with an online schema change tool on big tables.`)];
    case 'force':
      return [rebuildInPlace('FORCE', ctx)];
    case 'rename-table':
      return [verdict(instantWays(false), `Renaming ${t} only changes metadata: instant. Anything that still uses the old name fails afterwards.`)];
    case 'partition':
    case 'unknown':
      return [unknownClause(clause.text)];
  }
}
