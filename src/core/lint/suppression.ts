// `changegate:nolint` markers: parsed here once, for the runner and for the check of the markers.
import type { StatementContext } from './analyzer.js';

/** One `changegate:nolint A,B` marker and where it was written. */
export interface NolintMarker {
  codes: string[];
  /** True when the marker sits inside the statement text (its offset is then `offset`). */
  inside: boolean;
  offset: number;
}

const MARKER = /changegate:nolint\b[ \t]*([A-Za-z0-9]+(?:[ \t]*,[ \t]*[A-Za-z0-9]+)*)?/gi;

function parse(text: string, inside: boolean, base: number, out: NolintMarker[]): void {
  MARKER.lastIndex = 0;
  for (let m = MARKER.exec(text); m; m = MARKER.exec(text)) {
    const codes = (m[1] ?? '').split(',').map((c) => c.trim().toUpperCase()).filter((c) => c !== '');
    out.push({ codes, inside, offset: base + m.index });
  }
}

/** The markers that apply to a statement: in the comments before it (or after it on its line) and inside it. */
export function nolintMarkers(ctx: StatementContext): NolintMarker[] {
  const out: NolintMarker[] = [];
  const lead = ctx.statement.leadingComments;
  if (lead && lead.includes('changegate:')) parse(lead, false, 0, out);
  for (const c of ctx.comments) if (c.text.includes('changegate:')) parse(c.text, true, c.start, out);
  return out;
}

/**
 * Whether a code can be suppressed. Destructive findings cannot: they decide the PROD snapshot
 * and the check of the manifest's `destructive:` flag, and the way to accept one is to declare
 * `destructive: true`, not to hide it.
 */
export function isSuppressible(code: string): boolean {
  return !code.startsWith('CG1');
}
