// What a run over a fleet says: a line for each target that did not end well (with why), then the
// counts; the job summary shows the same as tables. Shards' documents merge into one of these.
import { mdInline, mdTable } from '../../adapters/github/markdown.js';
import { summarize } from '../../core/fleet/run.js';
import type { FleetReport, FleetTargetEntry } from '../../core/fleet/merge.js';

/** One target in a fleet document: its name, result, timing, error, and the single-target document's fields. */
export type FleetTargetJson = FleetTargetEntry;

/** The JSON of `plan`, `apply`, `status` and `drift` over a fleet (the shape `merge` reads back). */
export type FleetDocument = FleetReport;

// Results a reader need not look at one by one.
const QUIET = new Set(['applied', 'nothing-pending', 'dry-run', 'up-to-date']);

// The order counts are told in: what went well first, what needs a person last.
const ORDER = ['applied', 'nothing-pending', 'up-to-date', 'clean', 'dry-run', 'pending', 'failed', 'refused', 'in-doubt', 'drifted', 'not-run'];

/** Counts in a stable order: the known results first, any other after, alphabetically. */
export function countsText(summary: Record<string, number>): string {
  const keys = Object.keys(summary).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  return keys.map((k) => `${summary[k]} ${k}`).join(', ');
}

function rank(result: string): number {
  const i = ORDER.indexOf(result);
  return i < 0 ? ORDER.length : i;
}

/** An error on one line (its lines joined): a fleet's lines stay one per target, and a refusal's reasons follow its first line. */
export function oneLine(message: string): string {
  return message.split('\n').map((l) => l.trim()).filter(Boolean).join(' ');
}

/** The targets a reader must look at: every one whose result is not a quiet one (by default: applied, nothing pending, up to date). */
export function oddTargets(doc: FleetDocument, quiet: ReadonlySet<string> = QUIET): FleetTargetJson[] {
  return doc.targets.filter((t) => !quiet.has(t.result));
}

/** The text lines of a fleet run: one per odd target, then `<env>: N targets: counts`. */
export function fleetText(doc: FleetDocument, quiet: ReadonlySet<string> = QUIET): string[] {
  const lines = oddTargets(doc, quiet).map((t) => `${t.target}: ${t.result}${t.error ? `: ${oneLine(t.error.message)}` : ''}`);
  const where = doc.shard ? `${doc.environment} (shard ${doc.shard})` : doc.environment;
  lines.push(`${where}: ${doc.targets.length} target${doc.targets.length === 1 ? '' : 's'}: ${countsText(doc.summary)}`);
  return lines;
}

/** The job summary of a fleet run: the counts, then a row per odd target. */
export function fleetMarkdown(title: string, doc: FleetDocument, quiet: ReadonlySet<string> = QUIET): string {
  const where = doc.shard ? `${doc.environment}, shard ${doc.shard}` : doc.environment;
  const parts = [`## changegate ${title}: ${where} (${doc.targets.length} targets)`];
  const keys = Object.keys(doc.summary).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  parts.push(mdTable(['result', 'targets'], keys.map((k) => [k, String(doc.summary[k])])));
  const odd = oddTargets(doc, quiet);
  if (odd.length > 0) {
    parts.push(mdTable(['target', 'result', 'why'], odd.map((t) => [mdInline(t.target), t.result, mdInline(t.error ? oneLine(t.error.message) : '')])));
  }
  return parts.join('\n\n');
}

/** How one target ended, as a fleet command collects it. */
export interface OutcomeLike {
  target: string;
  result: string;
  durationMs: number;
  error?: { code: string; message: string };
  detail?: object;
}

/** A fleet document from the outcomes: every target with its result, timing, error and single-target document. */
export function fleetDocument(environment: string, shard: { index: number; count: number } | null, outcomes: OutcomeLike[]): FleetDocument {
  return {
    environment,
    shard: shard ? `${shard.index}/${shard.count}` : null,
    targets: outcomes.map((o) => ({
      ...(o.detail ?? {}),
      target: o.target,
      result: o.result,
      duration_ms: o.durationMs,
      ...(o.error ? { error: o.error } : {}),
    })),
    summary: summarize(outcomes),
  };
}
