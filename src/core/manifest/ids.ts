// Change ids are file names, and their date prefix is what orders them: `YYYY-MM-DD-slug`, zero-padded
// so that sorting the strings sorts the dates.

/** A change id: zero-padded date, then a lowercase slug of letters, digits and single hyphens. */
export const ID_PATTERN = /^(\d{4})-(\d{2})-(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)$/;

/** A slug as `changegate new` accepts it: lowercase letters, digits and single hyphens. */
export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** The manifest file extensions read from `changes/`; the id is the file name without it. */
export const MANIFEST_EXTENSIONS = ['.yaml', '.yml'] as const;

/** What is wrong with an id, or undefined when it is well formed and its date is real. */
export function idProblem(id: string): { kind: 'format' | 'date'; message: string } | undefined {
  const m = ID_PATTERN.exec(id);
  if (!m) {
    return {
      kind: 'format',
      message: `"${id}" is not a change id: name the file YYYY-MM-DD-slug.yaml (a date, then lowercase letters, digits and hyphens)`,
    };
  }
  const [, y, mo, d] = m;
  if (!isRealDate(Number(y), Number(mo), Number(d))) {
    return { kind: 'date', message: `"${id}" starts with ${y}-${mo}-${d}, which is not a real date` };
  }
  return undefined;
}

/** The `YYYY-MM-DD` prefix of an id (the first ten characters). */
export function idDate(id: string): string {
  return id.slice(0, 10);
}

/** Formats a calendar date (local time: the author's today) as `YYYY-MM-DD`. */
export function formatDate(d: Date): string {
  const pad = (n: number, w: number) => String(n).padStart(w, '0');
  return `${pad(d.getFullYear(), 4)}-${pad(d.getMonth() + 1, 2)}-${pad(d.getDate(), 2)}`;
}

function isRealDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const days = [31, (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return d <= days[m - 1]!;
}
