// What the plan says about a batched statement once it has read the table: the key it walks, the
// first batch size, the row estimate and the number of batches; or why it cannot be walked.
import type { BatchMarker, KeyColumns } from './statement.js';
import { batchShape } from './statement.js';
import type { TableFacts } from '../impact/types.js';
import { thousands } from '../numbers.js';

/** A batched statement in the plan (`"batch"` on the statement in `plan --format json`). */
export interface BatchPlan {
  /** First batch size. */
  rows: number;
  /** The key columns walked, in order. */
  key: string[];
  /** Whether each key column is numeric (its values are written as numbers). */
  numeric: boolean[];
  /** Seconds to wait between batches. */
  sleep: number;
  /** Rows of the table (an upper bound of the rows the statement reaches). */
  estimate_rows: number;
  /** Batches at the first batch size. */
  batches: number;
  /** Once run: batches, rows, pauses and seconds. */
  ran?: { batches: number; rows: number; pauses: number; seconds: number };
}

/** The first batch size when the marker gives none. */
export const DEFAULT_BATCH_ROWS = 1000;

const NUMERIC = new Set(['tinyint', 'smallint', 'mediumint', 'int', 'integer', 'bigint', 'decimal', 'numeric', 'float', 'double', 'year']);
const TEXTUAL = new Set(['char', 'varchar', 'date', 'datetime', 'timestamp', 'time', 'enum']);

/** The batch plan of a marked statement on `facts`' table, or the reason it cannot be walked. */
export function batchPlan(sql: string, marker: BatchMarker, facts: TableFacts): BatchPlan | { error: string } {
  const shape = batchShape(sql);
  if ('error' in shape) return shape;
  const key = keyOf(marker, facts);
  if ('error' in key) return key;
  const moved = key.names.find((k) => shape.assigns.includes(k.toLowerCase()));
  if (moved) return { error: `its SET changes ${moved}, a column of the key the batches walk (${key.names.join(', ')}), so rows would move behind or ahead of the walk` };
  const rows = marker.rows ?? DEFAULT_BATCH_ROWS;
  return { rows, key: key.names, numeric: key.numeric, sleep: marker.sleep ?? 0, estimate_rows: facts.rows, batches: Math.max(1, Math.ceil(facts.rows / rows)) };
}

// The key to walk: the marker's columns (which must be unique and NOT NULL together), else the
// primary key, else a unique key over NOT NULL columns.
function keyOf(marker: BatchMarker, facts: TableFacts): KeyColumns | { error: string } {
  const col = (n: string) => facts.columns.find((c) => c.name.toLowerCase() === n.toLowerCase());
  const whole = (i: (typeof facts.indexes)[number]) => i.columns.every((c) => c.name !== null && c.prefix === null);
  const notNull = (i: (typeof facts.indexes)[number]) => i.columns.every((c) => col(c.name!)?.nullable === false);
  let names: string[];
  if (marker.key) {
    const missing = marker.key.find((k) => !col(k));
    if (missing) return { error: `key=${marker.key.join(',')} names ${missing}, which ${facts.name} does not have` };
    names = marker.key.map((k) => col(k)!.name);
    const lower = names.map((n) => n.toLowerCase());
    const unique = facts.indexes.some((i) => i.unique && whole(i) && notNull(i) && i.columns.every((c) => lower.includes(c.name!.toLowerCase())));
    if (!unique) return { error: `key=${marker.key.join(',')} is not unique and NOT NULL in ${facts.name} (no primary or unique key within it): batches over it could repeat or skip rows` };
  } else {
    const k = facts.indexes.find((i) => i.primary && whole(i)) ?? facts.indexes.find((i) => i.unique && whole(i) && notNull(i));
    if (!k) return { error: `${facts.name} has no primary key or NOT NULL unique key to walk; name one with key=` };
    names = k.columns.map((c) => c.name!);
  }
  const numeric: boolean[] = [];
  for (const n of names) {
    const t = col(n)!.dataType.toLowerCase();
    if (!NUMERIC.has(t) && !TEXTUAL.has(t)) return { error: `key column ${n} is ${t}, which changegate does not walk (numbers, strings, dates and times)` };
    numeric.push(NUMERIC.has(t));
  }
  return { names, numeric };
}

/** `batched: 1,000 rows at a time over (id), about 2,000,000 rows in 2,000 batches` for the plan's text. */
export function batchText(b: BatchPlan): string {
  return `batched: ${thousands(b.rows)} rows at a time over (${b.key.join(', ')}), about ${thousands(b.estimate_rows)} rows in ${thousands(b.batches)} batches` +
    `${b.sleep > 0 ? `, ${b.sleep} s between batches` : ''}; each batch commits with its progress, so a rerun resumes after the last one`;
}
