// Small text helpers shared by the core and the adapters that render statements.

/** A statement folded to one line and cut to `max` characters, for messages and plan listings. */
export function oneLine(sql: string, max = 100): string {
  const flat = sql.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
