// Drift, defined: the differences between what a schema should be (the changes replayed into a
// shadow schema) and what it is (the live schema), over plain descriptions of both. Reading those
// descriptions from a server is the MySQL adapter's work; what counts as a difference is decided here,
// so every command that reports drift (drift, baseline's self-proof) says the same thing.

/** One column as the server describes it. */
export interface ColumnShape {
  name: string;
  /** `COLUMN_TYPE` with the type name upper-cased: `DECIMAL(10,2)`, `INT(11) UNSIGNED`, `ENUM('a','b')`. */
  type: string;
  nullable: boolean;
  /** `COLUMN_DEFAULT` as the server prints it; null when the column has no default (or defaults to NULL). */
  default: string | null;
  charset: string | null;
  collation: string | null;
  /** `EXTRA` upper-cased without MySQL's `DEFAULT_GENERATED` marker: `AUTO_INCREMENT`, `VIRTUAL GENERATED`, ... */
  extra: string;
  /** Generation expression of a generated column, normalized. */
  generated: string | null;
  comment: string;
}

/** One index; columns in index order. */
export interface IndexShape {
  name: string;
  unique: boolean;
  /** `BTREE`, `HASH`, `FULLTEXT`, `SPATIAL`. */
  type: string;
  /** `name`, `name(10)` for a prefix, `(expr)` for a functional part, with ` DESC` when descending. */
  columns: string[];
  visible: boolean;
}

/** One foreign key. */
export interface ForeignKeyShape {
  name: string;
  columns: string[];
  /** Null when the referenced table is in the same schema. */
  refSchema: string | null;
  refTable: string;
  refColumns: string[];
  onUpdate: string;
  onDelete: string;
}

/** One CHECK constraint. */
export interface CheckShape {
  name: string;
  clause: string;
}

/** One base table. */
export interface TableShape {
  name: string;
  engine: string | null;
  collation: string | null;
  comment: string;
  /** In ordinal order. */
  columns: ColumnShape[];
  indexes: IndexShape[];
  foreignKeys: ForeignKeyShape[];
  checks: CheckShape[];
  /** `RANGE (expr) p0 VALUES LESS THAN (10), ...`; empty for a table that is not partitioned. */
  partitioning: string;
}

/** One view; `definition` has the schema qualifier stripped. */
export interface ViewShape {
  name: string;
  definition: string;
  checkOption: string;
  security: string;
}

/** One stored procedure or function. */
export interface RoutineShape {
  name: string;
  type: 'PROCEDURE' | 'FUNCTION';
  /** `IN x INT(11), OUT y VARCHAR(10)`. */
  params: string;
  /** Return type of a function, null for a procedure. */
  returns: string | null;
  deterministic: boolean;
  dataAccess: string;
  security: string;
  body: string;
}

/** One trigger. */
export interface TriggerShape {
  name: string;
  table: string;
  timing: string;
  event: string;
  order: number;
  statement: string;
}

/** One scheduled event (schedule and body; start and end times are left out, they depend on when it was created). */
export interface EventShape {
  name: string;
  schedule: string;
  status: string;
  body: string;
}

/** Everything `drift` compares in one schema; every list sorted by name, so equal schemas give equal shapes. */
export interface SchemaShape {
  schema: string;
  tables: TableShape[];
  views: ViewShape[];
  routines: RoutineShape[];
  triggers: TriggerShape[];
  events: EventShape[];
}

/** `DECIMAL(10,2) NOT NULL DEFAULT 0.00`, with collation only where it differs from the table's. */
export function describeColumn(c: ColumnShape, tableCollation: string | null): string {
  const parts = [c.type, c.nullable ? 'NULL' : 'NOT NULL'];
  if (c.default !== null) parts.push(`DEFAULT ${c.default}`);
  if (c.collation && c.collation !== tableCollation) parts.push(`COLLATE ${c.collation}`);
  if (c.generated) parts.push(`AS (${c.generated})`);
  if (c.extra) parts.push(c.extra);
  if (c.comment) parts.push(`COMMENT '${c.comment}'`);
  return parts.join(' ');
}

function describeIndex(ix: IndexShape): string {
  const kind = ix.type === 'FULLTEXT' || ix.type === 'SPATIAL' ? `${ix.type} ` : ix.unique ? 'UNIQUE ' : '';
  const using = ix.type !== 'BTREE' && !kind.startsWith(ix.type) ? ` USING ${ix.type}` : '';
  return `${kind}(${ix.columns.join(', ')})${using}${ix.visible ? '' : ' INVISIBLE'}`;
}

function describeForeignKey(fk: ForeignKeyShape): string {
  const ref = (fk.refSchema ? `${fk.refSchema}.` : '') + fk.refTable;
  return `(${fk.columns.join(', ')}) REFERENCES ${ref} (${fk.refColumns.join(', ')}) ON DELETE ${fk.onDelete} ON UPDATE ${fk.onUpdate}`;
}

/** An object in the diff: its kind and name as printed, a summary for +/- lines, and attributes compared one by one. */
interface DiffObject {
  id: string;
  summary: string;
  /** Attribute name ('' = the definition itself) → value. */
  attrs: [string, string][];
}

function objects(s: SchemaShape): DiffObject[] {
  const out: DiffObject[] = [];
  for (const t of s.tables) {
    out.push({
      id: `table ${t.name}`,
      summary: '',
      attrs: [
        ['engine', t.engine ?? ''],
        ['collation', t.collation ?? ''],
        ['comment', t.comment ? `'${t.comment}'` : "''"],
        ['partitioning', t.partitioning || 'none'],
      ],
    });
  }
  for (const t of s.tables) {
    for (const c of t.columns) {
      const def = describeColumn(c, t.collation);
      out.push({ id: `column ${t.name}.${c.name}`, summary: def, attrs: [['', def]] });
    }
    for (const ix of t.indexes) {
      const def = describeIndex(ix);
      const id = ix.name === 'PRIMARY' ? `primary key ${t.name}` : `index ${t.name}.${ix.name}`;
      out.push({ id, summary: def, attrs: [['', def]] });
    }
    for (const fk of t.foreignKeys) {
      const def = describeForeignKey(fk);
      out.push({ id: `foreign key ${t.name}.${fk.name}`, summary: def, attrs: [['', def]] });
    }
    for (const ck of t.checks) {
      out.push({ id: `check ${t.name}.${ck.name}`, summary: `(${ck.clause})`, attrs: [['', `(${ck.clause})`]] });
    }
  }
  for (const v of s.views) {
    out.push({
      id: `view ${v.name}`,
      summary: '',
      attrs: [
        ['definition', v.definition],
        ['check option', v.checkOption],
        ['sql security', v.security],
      ],
    });
  }
  for (const r of s.routines) {
    const signature = `(${r.params})${r.returns ? ` RETURNS ${r.returns}` : ''}`;
    out.push({
      id: `${r.type.toLowerCase()} ${r.name}`,
      summary: signature,
      attrs: [
        ['signature', signature],
        ['characteristics', `${r.deterministic ? 'DETERMINISTIC' : 'NOT DETERMINISTIC'} ${r.dataAccess} SQL SECURITY ${r.security}`],
        ['body', r.body],
      ],
    });
  }
  for (const tr of s.triggers) {
    const when = `${tr.timing} ${tr.event} ON ${tr.table}${tr.order > 1 ? ` (order ${tr.order})` : ''}`;
    out.push({
      id: `trigger ${tr.name}`,
      summary: when,
      attrs: [
        ['timing', when],
        ['statement', tr.statement],
      ],
    });
  }
  for (const ev of s.events) {
    out.push({
      id: `event ${ev.name}`,
      summary: ev.schedule,
      attrs: [
        ['schedule', ev.schedule],
        ['status', ev.status],
        ['body', ev.body],
      ],
    });
  }
  return out;
}

/** Column names of a table in ordinal order, for the column-order comparison. */
function columnOrder(s: SchemaShape): Map<string, string[]> {
  return new Map(s.tables.map((t) => [t.name, t.columns.map((c) => c.name)]));
}

/** Sort key: tables and their parts together, then views, routines, triggers, events; names in byte order. */
function sortKey(id: string): string {
  const m = /^(primary key|foreign key|[a-z]+) (.*)$/.exec(id)!;
  const [, kind, name] = m as unknown as [string, string, string];
  const tableParts: Record<string, string> = { table: '0', column: '1', 'primary key': '2', index: '3', 'foreign key': '4', check: '5' };
  if (kind in tableParts) {
    const table = kind === 'table' || kind === 'primary key' ? name : name.slice(0, name.indexOf('.'));
    return `0\0${table}\0${tableParts[kind]}\0${name}`;
  }
  const order: Record<string, string> = { view: '1', procedure: '2', function: '3', trigger: '4', event: '5' };
  return `${order[kind] ?? '9'}\0${name}`;
}

// Values longer than this (a view's definition, a routine's body) are shown as a word diff: printed whole,
// both sides of a one-word difference make a line of thousands of characters that no one can compare.
const WHOLE_UP_TO = 60;
// Characters of unchanged text kept around each change, and the most changes one line shows.
const CONTEXT = 30;
const MAX_CHANGES = 4;

/** `before -> after` for short values; for long ones, a word diff: `…unchanged [-before-]{+after+} unchanged…`. */
export function changeText(before: string, after: string): string {
  if (before.length <= WHOLE_UP_TO && after.length <= WHOLE_UP_TO) return `${before} -> ${after}`;
  let segments = wordDiff(words(before), words(after));
  // A removal and the addition that replaces it are one change.
  const starts = segments.flatMap((g, i) => (g.kind === '-' || (g.kind === '+' && segments[i - 1]?.kind !== '-') ? [i] : []));
  const more = starts.length > MAX_CHANGES ? ` … (${starts.length - MAX_CHANGES} more change(s))` : '';
  if (more) segments = segments.slice(0, starts[MAX_CHANGES]);
  const last = segments.length - 1;
  const text = segments
    .map((g, i) => {
      if (g.kind === '-') return `[-${clip(g.text)}-]`;
      if (g.kind === '+') return `{+${clip(g.text)}+}`;
      if (i === 0) return g.text.length > CONTEXT ? `…${tail(g.text).trimStart()}` : g.text;
      if (i === last) return g.text.length > CONTEXT ? `${head(g.text).trimEnd()}…` : g.text;
      return clip(g.text);
    })
    .join('');
  return ((more ? text.trimEnd() : text) + more).replace(/\n/g, '\\n');
}

// A run of words, shortened in its middle when it is long.
function clip(text: string): string {
  if (text.length <= 2 * CONTEXT + 3) return text;
  return `${head(text).trimEnd()} … ${tail(text).trimStart()}`;
}

// The whole words that fit in CONTEXT characters at the start of `text` (a part of one when even the first does not).
function head(text: string): string {
  let out = '';
  for (const w of words(text)) {
    if (out.length + w.length > CONTEXT) break;
    out += w;
  }
  return out || text.slice(0, CONTEXT);
}

// The same at the end of `text`.
function tail(text: string): string {
  let out = '';
  for (const w of words(text).reverse()) {
    if (out.length + w.length > CONTEXT) break;
    out = w + out;
  }
  return out || text.slice(-CONTEXT);
}

// Words, quoted names and strings, runs of white space and single punctuation characters: a diff over
// them never splits a name.
function words(text: string): string[] {
  return text.match(/\s+|`(?:[^`]|``)*`|'(?:[^'\\]|\\.|'')*'|[\p{L}\p{N}_$]+|[^\s\p{L}\p{N}_$]/gu) ?? [];
}

interface Segment {
  kind: '=' | '-' | '+';
  text: string;
}

// The longest common subsequence of two word lists, as runs of kept, removed and added text. The
// common start and end are cut off first; a middle too large for the table is one replacement.
function wordDiff(a: string[], b: string[]): Segment[] {
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  const am = a.slice(pre, a.length - suf);
  const bm = b.slice(pre, b.length - suf);
  const ops: [Segment['kind'], string][] = a.slice(0, pre).map((w) => ['=', w]);
  if (am.length * bm.length > 250_000) {
    for (const w of am) ops.push(['-', w]);
    for (const w of bm) ops.push(['+', w]);
  } else {
    const n = am.length;
    const m = bm.length;
    // lcs[i][j]: the common subsequence's length of am[i..] and bm[j..].
    const lcs = new Uint32Array((n + 1) * (m + 1));
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lcs[i * (m + 1) + j] = am[i] === bm[j] ? lcs[(i + 1) * (m + 1) + j + 1]! + 1 : Math.max(lcs[(i + 1) * (m + 1) + j]!, lcs[i * (m + 1) + j + 1]!);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && am[i] === bm[j]) ops.push(['=', am[i++]!]), j++;
      else if (j < m && (i === n || lcs[i * (m + 1) + j + 1]! >= lcs[(i + 1) * (m + 1) + j]!)) ops.push(['+', bm[j++]!]);
      else ops.push(['-', am[i++]!]);
    }
  }
  for (const w of a.slice(a.length - suf)) ops.push(['=', w]);
  // Runs of one kind; within a change, what was removed comes before what was added.
  const segments: Segment[] = [];
  let k = 0;
  while (k < ops.length) {
    if (ops[k]![0] === '=') {
      let text = '';
      while (k < ops.length && ops[k]![0] === '=') text += ops[k++]![1];
      segments.push({ kind: '=', text });
      continue;
    }
    let removed = '';
    let added = '';
    while (k < ops.length && ops[k]![0] !== '=') {
      if (ops[k]![0] === '-') removed += ops[k]![1];
      else added += ops[k]![1];
      k++;
    }
    if (removed) segments.push({ kind: '-', text: removed });
    if (added) segments.push({ kind: '+', text: added });
  }
  return segments;
}

/**
 * Readable differences between what a schema should be (`expected`, e.g. the shadow replay) and what it
 * is (`actual`, the live schema): `+` exists only in actual, `-` only in expected, `~ x: expected -> actual`.
 * A table present on one side only is one line (its parts are implied). Empty when the schemas match.
 */
export function diffSchemas(expected: SchemaShape, actual: SchemaShape): string[] {
  const exp = new Map(objects(expected).map((o) => [o.id, o]));
  const act = new Map(objects(actual).map((o) => [o.id, o]));
  // Sets, not a search of the other side per table: a schema of thousands of tables stays linear.
  const expectedNames = new Set(expected.tables.map((t) => t.name));
  const actualNames = new Set(actual.tables.map((t) => t.name));
  const onlyOneSide = new Set<string>();
  for (const t of expectedNames) if (!actualNames.has(t)) onlyOneSide.add(t);
  for (const t of actualNames) if (!expectedNames.has(t)) onlyOneSide.add(t);
  const tableOf = (id: string): string | null => {
    const m = /^(?:column|index|foreign key|check) ([^.]+)\./.exec(id) ?? /^primary key (.+)$/.exec(id);
    return m ? m[1]! : null;
  };
  const lines: [string, string][] = [];
  const ids = [...new Set([...exp.keys(), ...act.keys()])];
  for (const id of ids) {
    const table = tableOf(id);
    if (table !== null && onlyOneSide.has(table)) continue;
    const e = exp.get(id);
    const a = act.get(id);
    if (e && !a) lines.push([sortKey(id), `- ${id}${e.summary ? ` ${e.summary}` : ''}`]);
    else if (a && !e) lines.push([sortKey(id), `+ ${id}${a.summary ? ` ${a.summary}` : ''}`]);
    else if (e && a) {
      const av = new Map(a.attrs);
      // Attributes in their declared order (engine before collation, timing before statement).
      e.attrs.forEach(([attr, ev], i) => {
        const v = av.get(attr) ?? '';
        if (v !== ev) lines.push([sortKey(id) + `\0${i}`, `~ ${id}: ${attr ? `${attr} ` : ''}${changeText(ev, v)}`]);
      });
    }
  }
  // Same columns in another order (a column moved with AFTER/FIRST) is drift too.
  const eo = columnOrder(expected);
  for (const [table, acols] of columnOrder(actual)) {
    const ecols = eo.get(table);
    if (!ecols) continue;
    const common = new Set(ecols.filter((c) => acols.includes(c)));
    const e1 = ecols.filter((c) => common.has(c));
    const a1 = acols.filter((c) => common.has(c));
    if (e1.join(',') !== a1.join(',')) {
      lines.push([sortKey(`table ${table}`) + '\0~order', `~ table ${table}: column order ${e1.join(', ')} -> ${a1.join(', ')}`]);
    }
  }
  return lines.sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0)).map(([, l]) => l);
}
