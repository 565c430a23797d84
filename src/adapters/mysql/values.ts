// Column values as mysql2 hands them back (strings, numbers, NULL as null, and undefined for a
// column that one server flavour lacks under SELECT *), read into the types the adapter builds.

/** One result row by column name. */
export type Row = Record<string, unknown>;

/** The value as text; '' for NULL or a missing column. */
export function str(v: unknown): string {
  return v === null || v === undefined ? '' : String(v);
}

/** The value as text; null for NULL or a missing column. */
export function strOrNull(v: unknown): string | null {
  return v === null || v === undefined ? null : String(v);
}

/** The value as a number; 0 for NULL or a missing column. */
export function num(v: unknown): number {
  return v === null || v === undefined ? 0 : Number(v);
}

/** The value as a number; null for NULL or a missing column. */
export function numOrNull(v: unknown): number | null {
  return v === null || v === undefined ? null : Number(v);
}
