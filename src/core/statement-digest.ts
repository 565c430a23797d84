// A change of 40,000 statements listed one per line is a plan nobody reads. Past a bound, a plan shows
// what the statements are (counts by kind and table), the first and last few, and in full every
// statement a finding points at: what a reviewer must see, and nothing they would scroll past.
import type { PlannedStatement } from './plan-types.js';
import type { Diagnostic } from './types.js';
import { codeTokens } from './sql/lexer.js';
import { verbIndex } from './lint/syntax.js';
import { structureOf } from './sql/structure.js';
import { thousands } from './numbers.js';
import { statementLocator } from './sql/locate.js';

/** Plans list every statement of a change up to this many; past it, they show a digest. */
export const DIGEST_BOUND = 50;

/** What a plan shows of a long change's statements. */
export interface StatementDigest {
  /**
   * `INSERT into invoices` → how many, most frequent first (ties by label). Past ten labels, by kind
   * instead, with how many tables: `INSERT (500 tables)`, since 500 labels of one each say nothing.
   */
  counts: { label: string; count: number }[];
  /** The statements shown in full, in order: the first and last few and every one with a finding. */
  shown: PlannedStatement[];
}

/** A digest of `statements`, or null when there are few enough to list them all. */
export function digestStatements(statements: PlannedStatement[], diagnostics: Diagnostic[], edge = 5, bound = DIGEST_BOUND): StatementDigest | null {
  if (statements.length <= bound) return null;
  const counts = new Map<string, number>();
  const kinds = new Map<string, { count: number; tables: Set<string> }>();
  for (const s of statements) {
    const { kind, table } = labelParts(s.sql);
    const label = table === undefined ? kind.short : `${kind.label} ${table}`;
    counts.set(label, (counts.get(label) ?? 0) + 1);
    let k = kinds.get(kind.short);
    if (!k) kinds.set(kind.short, (k = { count: 0, tables: new Set() }));
    k.count++;
    if (table !== undefined) k.tables.add(table);
  }
  const rows =
    counts.size <= 10
      ? [...counts].map(([label, count]) => ({ label, count }))
      : [...kinds].map(([short, k]) => ({ label: k.tables.size === 0 ? short : `${short} (${plural(k.tables.size, 'table')})`, count: k.count }));
  const keep = new Set<number>();
  for (let i = 0; i < Math.min(edge, statements.length); i++) keep.add(i);
  for (let i = Math.max(0, statements.length - edge); i < statements.length; i++) keep.add(i);
  for (const i of flaggedStatements(statements, diagnostics)) keep.add(i);
  return {
    counts: rows.sort((a, b) => b.count - a.count || (a.label < b.label ? -1 : 1)),
    shown: [...keep].sort((a, b) => a - b).map((i) => statements[i]!),
  };
}

/** `40,000 statements: 39,999 INSERT into big, 1 CREATE TABLE big` (the ten most frequent kinds). */
export function describeCounts(digest: StatementDigest): string {
  const total = digest.counts.reduce((a, c) => a + c.count, 0);
  const top = digest.counts.slice(0, 10).map((c) => `${thousands(c.count)} ${c.label}`);
  const rest = digest.counts.length > 10 ? `, ${digest.counts.length - 10} more kind(s)` : '';
  return `${thousands(total)} statements: ${top.join(', ')}${rest}`;
}

// Indexes of the statements a finding points into: the last statement of that file starting at or
// before the finding's line.
function flaggedStatements(statements: PlannedStatement[], diagnostics: Diagnostic[]): number[] {
  // A planned statement has no column: the finding's line alone decides.
  const locate = statementLocator(statements);
  const out: number[] = [];
  for (const d of diagnostics) {
    const found = locate({ file: d.file, line: d.line });
    if (found >= 0) out.push(found);
  }
  return out;
}

// The objects of CREATE, ALTER and DROP whose name a label shows.
const OBJECT_WORDS = new Set(['table', 'view', 'index', 'trigger', 'procedure', 'function', 'event', 'database', 'schema']);

/**
 * A short label of what a statement does and to which table: `INSERT into invoices`, `ALTER TABLE
 * invoices`, `UPDATE customers`, `CREATE INDEX on invoices`; the verb alone when no table is named.
 * Only the statement's head is read: a data load's statements are short, but one may not be.
 */
export function statementLabel(sql: string): string {
  const { kind, table } = labelParts(sql);
  return table === undefined ? kind.short : `${kind.label} ${table}`;
}

// A label's kind, as it reads before a table (`INSERT into`) and without one (`INSERT`).
interface LabelKind {
  label: string;
  short: string;
}

const kindOf = (label: string, short = label): LabelKind => ({ label, short });
const plural = (n: number, word: string) => `${thousands(n)} ${word}${n === 1 ? '' : 's'}`;

function labelParts(sql: string): { kind: LabelKind; table?: string } {
  const code = codeTokens(sql.length > 400 ? sql.slice(0, 400) : sql);
  const k = verbIndex(code);
  if (k < 0) return { kind: kindOf('other') };
  const verb = code[k]!.value.toUpperCase();
  const st = structureOf(code, k);
  // `schema.table`: the table is what counts.
  const table = st.targets[0]?.name;
  switch (verb) {
    case 'INSERT':
    case 'REPLACE':
      return { kind: kindOf(`${verb} into`, verb), table };
    case 'UPDATE':
    case 'TRUNCATE':
      return { kind: kindOf(verb), table };
    case 'DELETE':
      return { kind: kindOf('DELETE from', verb), table };
    case 'CREATE':
    case 'ALTER':
    case 'DROP': {
      if (st.object === null || !OBJECT_WORDS.has(st.object)) return { kind: kindOf(verb) };
      const object = st.object.toUpperCase();
      if (object === 'INDEX') return { kind: kindOf(`${verb} INDEX on`, `${verb} INDEX`), table: st.on?.name };
      return { kind: kindOf(`${verb} ${object}`), table };
    }
    default:
      return { kind: kindOf(verb) };
  }
}
