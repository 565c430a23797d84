// Which statements an online schema change tool runs, and why the others cannot go online. A tool
// copies the table into a new one in chunks while triggers carry the writers' changes across, then
// swaps the two names: writes wait only for that swap. Its price is what it cannot do safely, and a
// plan states that before the run, never at 2 a.m.
import { codeTokens, type Token } from '../sql/lexer.js';
import { isWord } from '../lint/syntax.js';
import type { DdlSpec, IndexDef } from './ddl.js';
import { blocksWrites } from './blocking.js';
import { COPY_BYTES_PER_SECOND } from './rules.js';
import type { Impact, TableFacts } from './types.js';
import { secondsText } from './present.js';
import { thousands } from '../numbers.js';

/** What a plan says about a statement that would go online: the tool that runs it, or null and why it cannot. */
export interface OnlinePlan {
  /** The tool that runs it; null when the statement cannot go online (the reason says why). */
  tool: string | null;
  reason: string;
  /** The ALTER TABLE clauses the tool is given (set when `tool` is). */
  clauses?: string;
  /** The table the tool rebuilds, unqualified (set when `tool` is). */
  table?: string;
  /** Once the tool ran: seconds its copy took, and its table swap (null when the tool does not say). */
  ran?: { copySeconds: number; swapSeconds: number | null };
}

/** The environment's online settings, as the pass reads them. */
export interface OnlineOptions {
  tool: 'pt-online-schema-change' | 'command';
  aboveRows: number;
}

/** Statement kinds a tool can be handed as ALTER TABLE clauses. */
const ONLINE_KINDS = new Set<DdlSpec['kind']>(['alter-table', 'create-index', 'drop-index', 'optimize-table']);

// A tool's chunked copy with triggers runs at about half the speed of the server's own copy.
const ONLINE_SLOWDOWN = 2;

/**
 * The online verdict on one judged statement: null when it need not go online (a small table, or an
 * impact that neither blocks writes nor rebuilds), else the tool with its clauses, or why not.
 */
export function onlineDecision(sql: string, spec: DdlSpec, impact: Impact, facts: TableFacts | null, opts: OnlineOptions): OnlinePlan | null {
  if (!ONLINE_KINDS.has(spec.kind) || !facts || facts.rows <= opts.aboveRows) return null;
  if (!blocksWrites(impact) && impact.rebuild === false) return null;
  const tool = opts.tool === 'command' ? 'the online schema change command' : opts.tool;
  const no = (why: string): OnlinePlan => ({ tool: null, reason: `cannot run online through ${tool}: ${why}` });
  const why = refusal(spec, facts);
  if (why) return no(why);
  const clauses = clausesOf(sql, spec);
  if (clauses === null) return no('changegate cannot read this statement as ALTER TABLE clauses to hand to the tool; write it as ALTER TABLE');
  const seconds = onlineSeconds(facts.dataBytes + facts.indexBytes);
  return {
    tool: opts.tool,
    reason:
      `online via ${tool}, about ${secondsText(seconds).replace(/^~/, '')} for ${thousands(facts.rows)} rows (over above_rows, ${thousands(opts.aboveRows)}), ` +
      'writes blocked only at the table swap',
    clauses,
    table: facts.name,
  };
}

/** Seconds a tool's copy of a table of `bytes` (data and indexes) is expected to take. */
export function onlineSeconds(bytes: number): number {
  return Math.ceil((bytes / COPY_BYTES_PER_SECOND) * ONLINE_SLOWDOWN);
}

// Why a statement cannot go through a tool safely, or null.
function refusal(spec: DdlSpec, facts: TableFacts): string | null {
  if (spec.kind === 'optimize-table') return 'OPTIMIZE TABLE is not an ALTER; write ALTER TABLE … ENGINE=InnoDB, which the tool can run';
  if (spec.renames.length > 0 || spec.clauses.some((c) => c.kind === 'rename-table')) {
    return 'it renames the table, and the tool itself swaps table names; rename in a statement of its own';
  }
  if (spec.clauses.some((c) => c.kind === 'partition') || facts.partitioned) return 'partition operations and partitioned tables are not run through the tool';
  const key = chunkKey(facts);
  if (!key) return `${facts.name} has no primary key or NOT NULL unique key, which the tool needs to copy in chunks and to keep its triggers exact`;
  if (facts.foreignKeys.length > 0) {
    return `${facts.name} has foreign keys (${facts.foreignKeys.map((f) => f.name).join(', ')}), which the tool recreates under new names, so the schema would differ from what the statement says`;
  }
  const unique = addedUniqueKeys(spec).find((cols) => !key.every((k) => cols.includes(k.toLowerCase())));
  if (unique) {
    return (
      `it adds a unique key (${unique.join(', ')}): the tool copies rows with INSERT IGNORE and its triggers REPLACE rows, so a duplicate, ` +
      'one there now or one written during the copy, would be lost silently instead of refused; add the key with a blocking ALTER in a quiet hour, ' +
      'or make the key include the primary key'
    );
  }
  return null;
}

// The primary key's columns, else those of a unique key over NOT NULL columns, lower case.
function chunkKey(facts: TableFacts): string[] | null {
  const notNull = new Set(facts.columns.filter((c) => !c.nullable).map((c) => c.name.toLowerCase()));
  const whole = (i: (typeof facts.indexes)[number]) => i.columns.every((c) => c.name !== null && c.prefix === null);
  const pk = facts.indexes.find((i) => i.primary && whole(i));
  const uk = facts.indexes.find((i) => i.unique && whole(i) && i.columns.every((c) => notNull.has(c.name!.toLowerCase())));
  const k = pk ?? uk;
  return k ? k.columns.map((c) => c.name!.toLowerCase()) : null;
}

// The column lists (lower case) of every unique or primary key the statement adds.
function addedUniqueKeys(spec: DdlSpec): string[][] {
  const out: string[][] = [];
  const cols = (i: IndexDef) => i.columns.map((c) => (c.name ?? c.expression ?? '?').toLowerCase());
  for (const c of spec.clauses) {
    if (c.kind === 'add-index' && (c.index.kind === 'unique' || c.index.kind === 'primary')) out.push(cols(c.index));
    if ((c.kind === 'add-column' || c.kind === 'change-column') && (c.column.unique || c.column.primaryKey)) out.push([c.column.name.toLowerCase()]);
  }
  return out;
}

/**
 * The statement as ALTER TABLE clauses (what follows the table name), or null when it cannot be
 * read so: `CREATE [UNIQUE|FULLTEXT|SPATIAL] INDEX i ON t (...)` becomes `ADD ... INDEX i (...)`,
 * `DROP INDEX i ON t` becomes `DROP INDEX i`.
 */
export function clausesOf(sql: string, spec: DdlSpec): string | null {
  const t = codeTokens(sql);
  const text = (from: Token | undefined) => (from ? sql.slice(from.start).replace(/\s*;?\s*$/, '').trim() : '');
  const after = (k: number) => afterName(t, k);
  if (spec.kind === 'alter-table') {
    const k = t.findIndex((x) => isWord(x, 'TABLE'));
    const at = k < 0 ? -1 : after(isWord(t[k + 1], 'IGNORE') ? k + 2 : k + 1);
    return at < 0 || at >= t.length ? null : text(t[at]);
  }
  if (spec.kind === 'create-index') {
    const k = t.findIndex((x) => isWord(x, 'INDEX'));
    const on = t.findIndex((x, i) => i > k && x.depth === 0 && isWord(x, 'ON'));
    if (k < 1 || on < 0) return null;
    const kind = t.slice(1, k).map((x) => x.value).join(' ');
    if (!/^(UNIQUE|FULLTEXT|SPATIAL)?$/.test(kind)) return null;
    const name = sql.slice(t[k + 1]!.start, t[on]!.start).trim();
    const rest = after(on + 1);
    if (rest < 0 || rest >= t.length) return null;
    return `ADD ${kind ? kind + ' ' : ''}INDEX ${name} ${text(t[rest])}`;
  }
  if (spec.kind === 'drop-index') {
    const k = t.findIndex((x) => isWord(x, 'INDEX'));
    const on = t.findIndex((x, i) => i > k && isWord(x, 'ON'));
    if (k < 0 || on !== k + 2) return null;
    if (after(on + 1) !== t.length) return null;
    return `DROP INDEX ${t[k + 1]!.text}`;
  }
  if (spec.kind === 'optimize-table') return null;
  return null;
}

// The index just past a table name starting at token k (`t`, `` `s`.`t` ``), or -1.
function afterName(t: Token[], k: number): number {
  if (!t[k] || (t[k]!.type !== 'word' && t[k]!.type !== 'ident')) return -1;
  return t[k + 1]?.text === '.' ? (t[k + 2] ? k + 3 : -1) : k + 1;
}
