// Which statement a finding points into. Findings carry a file and a position; statements carry where
// they start. Changes can hold hundreds of thousands of statements, so each file's statements are
// indexed once and searched by halves (a file's statements are in file order).

/** Where a statement starts, or where a finding points; no column means the whole line. */
export interface FilePosition {
  file: string;
  line: number;
  column?: number;
}

/**
 * A lookup over `statements`: for a finding, the index of the last statement of its file that starts
 * at or before it, or -1 when there is none.
 */
export function statementLocator(statements: readonly FilePosition[]): (at: FilePosition) => number {
  const byFile = new Map<string, number[]>();
  statements.forEach((s, i) => {
    let list = byFile.get(s.file);
    if (!list) byFile.set(s.file, (list = []));
    list.push(i);
  });
  const startsBy = (s: FilePosition, at: FilePosition) =>
    s.line < at.line || (s.line === at.line && (s.column ?? 0) <= (at.column ?? Number.POSITIVE_INFINITY));
  return (at) => {
    const list = byFile.get(at.file);
    if (!list) return -1;
    let lo = 0;
    let hi = list.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (startsBy(statements[list[mid]!]!, at)) {
        found = list[mid]!;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  };
}
