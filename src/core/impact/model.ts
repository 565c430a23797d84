// The plan's own model of the tables it touches: the live facts, evolved statement by statement, so that
// a statement on a table an earlier pending statement creates or alters is judged from what that table
// will be, not from what the live server has now. A table the plan creates is empty. What the model
// cannot follow (an unknown clause, CREATE TABLE ... SELECT) takes the table out of it, so later
// statements on it are judged unknown rather than from stale facts.
import type { AlterClause, ColumnDef, CreateTableSpec, DdlSpec, IndexDef, TableRef } from './ddl.js';
import { canonicalCharset, charsetOfCollation, declaredLength, isStringType, mbMaxLen, normalizeType } from './rules-common.js';
import type { ColumnFacts, IndexFacts, TableFacts } from './types.js';

/** The model's key for a table: `schema.table`, the schema defaulting to the connection's. */
export function modelKey(ref: TableRef, schema: string): string {
  return `${ref.schema ?? schema}.${ref.name}`;
}

/** The model's entry for `ref` (table names compared case-insensitively, as on most servers' defaults). */
export function modelGet(model: Map<string, TableFacts>, ref: TableRef, schema: string): { key: string; facts: TableFacts } | undefined {
  const k = modelKey(ref, schema);
  const exact = model.get(k);
  if (exact) return { key: k, facts: exact };
  const key = caseInsensitiveKey(model, k);
  return key === undefined ? undefined : { key, facts: model.get(key)! };
}

// A lower-cased index of a model's keys, kept up to date by `put` and `remove` below: a scan of every
// key on each miss made a plan that creates 500 tables quadratic. A size that no longer matches means
// the map was changed some other way, and the index is built again.
const lowerKeys = new WeakMap<Map<string, TableFacts>, Map<string, string>>();

/** The key of `model` that equals `k` but for case, if any. */
export function caseInsensitiveKey(model: Map<string, TableFacts>, k: string): string | undefined {
  let index = lowerKeys.get(model);
  if (!index || index.size !== model.size) {
    index = new Map([...model.keys()].map((x) => [x.toLowerCase(), x]));
    lowerKeys.set(model, index);
  }
  return index.get(k.toLowerCase());
}

function put(model: Map<string, TableFacts>, key: string, facts: TableFacts): void {
  model.set(key, facts);
  lowerKeys.get(model)?.set(key.toLowerCase(), key);
}

function remove(model: Map<string, TableFacts>, key: string): void {
  model.delete(key);
  lowerKeys.get(model)?.delete(key.toLowerCase());
}

/**
 * The model after `spec` runs: a new map (the input is not changed) with tables created, altered,
 * renamed, truncated or dropped (absent). `schema` is the connection's default schema.
 */
export function evolveFacts(model: Map<string, TableFacts>, spec: DdlSpec, schema: string): Map<string, TableFacts> {
  const out = new Map(model);
  evolveInPlace(out, spec, schema);
  return out;
}

/**
 * `evolveFacts` on the caller's own map: a plan of 500 statements over 500 tables would otherwise copy
 * the map 500 times. Facts objects are replaced, never changed, so other maps sharing them are safe.
 */
export function evolveInPlace(out: Map<string, TableFacts>, spec: DdlSpec, schema: string): void {
  switch (spec.kind) {
    case 'create-table':
      createTable(out, spec, schema);
      break;
    case 'drop-table':
      for (const t of spec.tables) {
        const hit = modelGet(out, t, schema);
        if (hit) remove(out, hit.key);
      }
      break;
    case 'truncate':
      for (const t of spec.tables) {
        const hit = modelGet(out, t, schema);
        if (hit) put(out, hit.key, { ...hit.facts, source: 'planned', rows: 0, dataBytes: 0, indexBytes: 0 });
      }
      break;
    case 'rename-table':
      for (const r of spec.renames) {
        const hit = modelGet(out, r.from, schema);
        if (!hit) continue;
        remove(out, hit.key);
        const to = r.to.schema ?? r.from.schema ?? schema;
        put(out, `${to}.${r.to.name}`, { ...hit.facts, schema: to, name: r.to.name, source: 'planned' });
      }
      break;
    case 'optimize-table':
      for (const t of spec.tables) {
        const hit = modelGet(out, t, schema);
        // A rebuild starts the row versions over.
        if (hit) put(out, hit.key, { ...hit.facts, totalRowVersions: hit.facts.totalRowVersions === null ? null : 0 });
      }
      break;
    case 'alter-table':
    case 'create-index':
    case 'drop-index':
      alterTable(out, spec, schema);
      break;
    default:
      break;
  }
}

function createTable(out: Map<string, TableFacts>, spec: DdlSpec, schema: string): void {
  const create = spec.create!;
  const ref = spec.table!;
  const existing = modelGet(out, ref, schema);
  if (existing && create.ifNotExists) return;
  if (existing) remove(out, existing.key);
  const key = modelKey(ref, schema);
  if (create.like) {
    const src = modelGet(out, create.like, schema);
    if (!src) return;
    put(out, key, { ...clone(src.facts), schema: ref.schema ?? schema, name: ref.name, source: 'planned', rows: 0, dataBytes: 0, indexBytes: 0, totalRowVersions: src.facts.totalRowVersions === null ? null : 0 });
    return;
  }
  // Rows from a query: how many, and the columns' exact types, are the query's; the model does not guess.
  if (create.asSelect) return;
  put(out, key, fromDefinition(create, ref.schema ?? schema, ref.name, spec.text));
}

function fromDefinition(create: CreateTableSpec, schema: string, name: string, text: string): TableFacts {
  const o = create.options;
  const charset = canonicalCharset(o.charset ?? charsetOfCollation(o.collation ?? null)) ?? '';
  const table: TableFacts = {
    schema,
    name,
    source: 'planned',
    engine: o.engine ?? 'InnoDB',
    rowFormat: (o.rowFormat && o.rowFormat !== 'default' ? o.rowFormat : 'dynamic').toLowerCase(),
    // Unstated, these are the schema's defaults, which the model does not know: '' reads as unknown.
    charset,
    collation: o.collation?.toLowerCase() ?? '',
    rows: 0,
    dataBytes: 0,
    indexBytes: 0,
    columns: [],
    indexes: [],
    foreignKeys: [],
    totalRowVersions: 0,
    partitioned: /\bPARTITION\s+BY\b/i.test(text),
    hasFulltext: false,
    hiddenFtsDocId: false,
  };
  for (const el of create.elements) applyClause(table, el);
  return table;
}

function alterTable(out: Map<string, TableFacts>, spec: DdlSpec, schema: string): void {
  if (!spec.table) return;
  const hit = modelGet(out, spec.table, schema);
  if (!hit) return;
  const table = clone(hit.facts);
  table.source = 'planned';
  let key = hit.key;
  for (const clause of spec.clauses) {
    if (clause.kind === 'unknown' || clause.kind === 'partition') {
      remove(out, hit.key);
      return;
    }
    if (clause.kind === 'rename-table') {
      table.schema = clause.to.schema ?? table.schema;
      table.name = clause.to.name;
      key = `${table.schema}.${table.name}`;
      continue;
    }
    applyClause(table, clause);
  }
  remove(out, hit.key);
  put(out, key, table);
}

function clone(t: TableFacts): TableFacts {
  return {
    ...t,
    columns: t.columns.map((c) => ({ ...c })),
    indexes: t.indexes.map((i) => ({ ...i, columns: i.columns.map((p) => ({ ...p })) })),
    foreignKeys: t.foreignKeys.map((f) => ({ ...f, columns: [...f.columns], refColumns: [...f.refColumns] })),
  };
}

const same = (a: string | null | undefined, b: string | null | undefined): boolean => !!a && !!b && a.toLowerCase() === b.toLowerCase();

function applyClause(t: TableFacts, c: AlterClause): void {
  switch (c.kind) {
    case 'add-column': {
      const col = columnFacts(t, c.column, 0);
      insertColumn(t, col, c.position);
      if (c.column.primaryKey) addIndex(t, { name: null, kind: 'primary', columns: [{ name: c.column.name, prefix: null }], using: null, invisible: false });
      else if (c.column.unique) addIndex(t, { name: null, kind: 'unique', columns: [{ name: c.column.name, prefix: null }], using: null, invisible: false });
      bumpVersions(t);
      return;
    }
    case 'drop-column':
      t.columns = t.columns.filter((x) => !same(x.name, c.name));
      for (const i of t.indexes) i.columns = i.columns.filter((p) => !same(p.name, c.name));
      t.indexes = t.indexes.filter((i) => i.columns.length > 0);
      renumber(t);
      refreshFulltext(t);
      bumpVersions(t);
      return;
    case 'rename-column':
      renameColumn(t, c.from, c.to);
      return;
    case 'change-column': {
      const old = t.columns.find((x) => same(x.name, c.from));
      if (!old) return;
      const col = columnFacts(t, c.column, old.position);
      // A PRIMARY KEY column stays NOT NULL whatever the new definition leaves unstated.
      if (c.column.nullable === null && t.indexes.some((i) => i.primary && i.columns.some((p) => same(p.name, c.from)))) col.nullable = false;
      t.columns = t.columns.map((x) => (x === old ? col : x));
      renameColumn(t, c.from, c.column.name);
      if (c.position) {
        t.columns = t.columns.filter((x) => x !== col);
        insertColumn(t, col, c.position);
      }
      if (c.column.primaryKey) addIndex(t, { name: null, kind: 'primary', columns: [{ name: c.column.name, prefix: null }], using: null, invisible: false });
      else if (c.column.unique) addIndex(t, { name: null, kind: 'unique', columns: [{ name: c.column.name, prefix: null }], using: null, invisible: false });
      return;
    }
    case 'alter-column-default': {
      const col = t.columns.find((x) => same(x.name, c.name));
      if (col) col.default = c.default === null ? null : c.default.kind === 'null' ? null : c.default.text;
      return;
    }
    case 'alter-column-visibility': {
      const col = t.columns.find((x) => same(x.name, c.name));
      if (col) col.extra = c.visible ? col.extra.replace(/\binvisible\b/, '').trim() : `${col.extra} invisible`.trim();
      return;
    }
    case 'add-index':
      addIndex(t, c.index);
      return;
    case 'drop-index':
      t.indexes = t.indexes.filter((i) => !same(i.name, c.name));
      refreshFulltext(t);
      return;
    case 'drop-primary-key':
      t.indexes = t.indexes.filter((i) => !i.primary);
      return;
    case 'rename-index': {
      const i = t.indexes.find((x) => same(x.name, c.from));
      if (i) i.name = c.to;
      return;
    }
    case 'alter-index-visibility': {
      const i = t.indexes.find((x) => same(x.name, c.name));
      if (i) i.visible = c.visible;
      return;
    }
    case 'add-foreign-key': {
      const fk = c.foreignKey;
      const name = fk.name ?? `${t.name}_ibfk_${t.foreignKeys.length + 1}`;
      t.foreignKeys.push({ name, columns: [...fk.columns], refSchema: fk.refTable.schema ?? t.schema, refTable: fk.refTable.name, refColumns: [...fk.refColumns] });
      // The server adds an index for the foreign key's columns when none starts with them.
      const covered = t.indexes.some((i) => fk.columns.every((col, k) => same(i.columns[k]?.name, col)));
      if (!covered) addIndex(t, { name, kind: 'index', columns: fk.columns.map((n) => ({ name: n, prefix: null })), using: null, invisible: false });
      return;
    }
    case 'drop-foreign-key':
      t.foreignKeys = t.foreignKeys.filter((f) => !same(f.name, c.name));
      return;
    case 'drop-constraint':
      if (t.foreignKeys.some((f) => same(f.name, c.name))) t.foreignKeys = t.foreignKeys.filter((f) => !same(f.name, c.name));
      else t.indexes = t.indexes.filter((i) => !same(i.name, c.name));
      return;
    case 'table-options': {
      const o = c.options;
      if (o.engine) t.engine = o.engine;
      if (o.rowFormat && o.rowFormat !== 'default') t.rowFormat = o.rowFormat;
      if (o.charset || o.collation) {
        t.charset = canonicalCharset(o.charset ?? charsetOfCollation(o.collation ?? null)) ?? t.charset;
        t.collation = o.collation?.toLowerCase() ?? (o.charset && !same(o.charset, t.charset) ? '' : t.collation);
      }
      if (o.engine || o.rowFormat || o.keyBlockSize) resetVersions(t);
      return;
    }
    case 'convert-charset': {
      const cs = canonicalCharset(c.charset)!;
      t.charset = cs;
      t.collation = c.collation?.toLowerCase() ?? '';
      for (const col of t.columns) {
        if (!isStringType(col.dataType)) continue;
        col.charset = cs;
        col.collation = c.collation?.toLowerCase() ?? null;
        const mb = mbMaxLen(cs);
        if (col.maxChars !== null && mb !== undefined && (col.dataType === 'varchar' || col.dataType === 'char')) col.maxBytes = col.maxChars * mb;
      }
      resetVersions(t);
      return;
    }
    case 'force':
      resetVersions(t);
      return;
    default:
      return;
  }
}

function columnFacts(t: TableFacts, d: ColumnDef, position: number): ColumnFacts {
  const stringType = isStringType(d.dataType);
  const charset = stringType ? canonicalCharset(d.charset ?? charsetOfCollation(d.collation) ?? (t.charset || null)) : null;
  const collation = stringType ? (d.collation?.toLowerCase() ?? (charset && same(charset, t.charset) && t.collation ? t.collation : null)) : null;
  const chars = declaredLength(d.type);
  const mb = mbMaxLen(charset);
  const extra = [
    d.autoIncrement ? 'auto_increment' : '',
    d.generated ? `${d.generated.kind} generated` : '',
    d.default?.kind === 'expression' ? 'default_generated' : '',
    d.invisible ? 'invisible' : '',
  ]
    .filter(Boolean)
    .join(' ');
  return {
    name: d.name,
    columnType: normalizeType(d.type),
    dataType: d.dataType,
    nullable: d.nullable ?? !d.primaryKey,
    default: d.default === null || d.default.kind === 'null' ? null : d.default.text,
    extra,
    charset,
    collation,
    maxChars: (d.dataType === 'varchar' || d.dataType === 'char') && chars !== null ? chars : null,
    maxBytes: (d.dataType === 'varchar' || d.dataType === 'char') && chars !== null && mb !== undefined ? chars * mb : null,
    position,
    ...(d.generated ? { generation: d.generated.expression } : {}),
  };
}

function insertColumn(t: TableFacts, col: ColumnFacts, position: { first: true } | { after: string } | null): void {
  const ordered = [...t.columns].sort((a, b) => a.position - b.position);
  let at = ordered.length;
  if (position && 'first' in position) at = 0;
  else if (position) {
    const i = ordered.findIndex((x) => same(x.name, position.after));
    if (i >= 0) at = i + 1;
  }
  ordered.splice(at, 0, col);
  t.columns = ordered;
  renumber(t);
}

function renumber(t: TableFacts): void {
  t.columns.forEach((c, i) => (c.position = i + 1));
}

function renameColumn(t: TableFacts, from: string, to: string): void {
  if (from === to) return;
  for (const c of t.columns) if (same(c.name, from)) c.name = to;
  for (const i of t.indexes) for (const p of i.columns) if (same(p.name, from)) p.name = to;
  for (const f of t.foreignKeys) f.columns = f.columns.map((n) => (same(n, from) ? to : n));
}

function addIndex(t: TableFacts, d: IndexDef): void {
  const first = d.columns[0]?.name ?? 'functional_index';
  let name = d.kind === 'primary' ? 'PRIMARY' : (d.name ?? first);
  if (d.kind !== 'primary' && !d.name) {
    // The server names an unnamed index after its first column, then _2, _3... when taken.
    let n = 2;
    while (t.indexes.some((i) => same(i.name, name))) name = `${first}_${n++}`;
  }
  const index: IndexFacts = {
    name,
    primary: d.kind === 'primary',
    unique: d.kind === 'primary' || d.kind === 'unique',
    type: d.kind === 'fulltext' ? 'FULLTEXT' : d.kind === 'spatial' ? 'SPATIAL' : (d.using ?? 'BTREE'),
    columns: d.columns.map((p) => (p.expression !== undefined ? { name: null, prefix: null, expression: p.expression } : { name: p.name, prefix: p.prefix })),
    visible: !d.invisible,
  };
  if (index.primary) {
    t.indexes = t.indexes.filter((i) => !i.primary);
    for (const p of index.columns) {
      const col = t.columns.find((c) => same(c.name, p.name));
      if (col) col.nullable = false;
    }
    t.indexes.unshift(index);
  } else {
    t.indexes.push(index);
  }
  if (index.type === 'FULLTEXT') {
    t.hasFulltext = true;
    t.hiddenFtsDocId = true;
  }
}

// Dropping the last FULLTEXT index leaves InnoDB's hidden FTS_DOC_ID until the next rebuild: the model
// keeps it (hiddenFtsDocId), which errs towards "not instant".
function refreshFulltext(t: TableFacts): void {
  t.hasFulltext = t.indexes.some((i) => i.type === 'FULLTEXT');
}

// Each instant ADD/DROP COLUMN adds a row version on MySQL; the model counts them all, which errs
// towards the limit (and so towards "rebuild"), never away from it.
function bumpVersions(t: TableFacts): void {
  if (t.totalRowVersions !== null) t.totalRowVersions++;
}

function resetVersions(t: TableFacts): void {
  if (t.totalRowVersions !== null) t.totalRowVersions = 0;
}
