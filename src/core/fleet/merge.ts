// The documents that the shard jobs of one matrix wrote (`apply --shard i/N --format json`), merged
// into the one document of the whole fleet. Every target must come from exactly one document and
// every shard of the matrix must be there: a target reported twice, or a shard whose job wrote
// nothing, would make the merged counts lie, so the first is refused and the second is reported.
import { UsageError } from '../errors.js';
import { summarize } from './run.js';

/** One target as a fleet document reports it; the single-target document's fields ride along. */
export interface FleetTargetEntry {
  target: string;
  result: string;
  duration_ms: number;
  error?: { code: string; message: string };
  [field: string]: unknown;
}

/** A fleet document as `apply --format json` writes it over a fleet (whole, or one shard). */
export interface FleetReport {
  environment: string;
  /** `i/N` for one shard of a matrix, null for the whole fleet (or a `--target` run). */
  shard: string | null;
  targets: FleetTargetEntry[];
  summary: Record<string, number>;
  /** Set when the run stopped with an error after it reported its targets. */
  error?: { code: string; message: string };
}

/** The merged document: the fleet's, plus what the shards could not say about their targets. */
export interface MergedFleet extends FleetReport {
  shard: null;
  /** Shards of the matrix without a document (`i/N`): their targets are missing from `targets`. */
  missing_shards?: string[];
  /** Errors a shard's run ended with, beside its targets. */
  errors?: { file: string; shard: string | null; code: string; message: string }[];
}

/** A document read from a file, checked to be a fleet document. */
export interface ShardDocument {
  file: string;
  doc: FleetReport;
}

// Results that need nobody's attention; anything else makes the merge exit 1.
const GOOD = new Set(['applied', 'nothing-pending', 'dry-run']);

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Checks that `doc` (parsed JSON from `file`) is a fleet document, or a usage error naming the file and what is wrong. */
export function fleetReport(file: string, doc: unknown): FleetReport {
  const not = (why: string) => new UsageError(`${file} is not a fleet document (what apply --format json writes over a fleet): ${why}`);
  if (!isObject(doc)) throw not(`it holds ${Array.isArray(doc) ? 'a list' : doc === null ? 'null' : `a ${typeof doc}`}, not an object`);
  if (!Array.isArray(doc['targets'])) {
    const err = doc['error'];
    if (isObject(err) && typeof err['message'] === 'string') throw not(`its run stopped before any target: ${err['message']}`);
    throw not('it has no "targets" list');
  }
  if (typeof doc['environment'] !== 'string' || doc['environment'] === '') throw not('it has no "environment"');
  const shard = doc['shard'] ?? null;
  if (shard !== null && (typeof shard !== 'string' || !/^[0-9]+\/[0-9]+$/.test(shard))) throw not(`its "shard" is ${JSON.stringify(shard)}, not i/N or null`);
  const targets = doc['targets'] as unknown[];
  targets.forEach((t, i) => {
    if (!isObject(t) || typeof t['target'] !== 'string' || typeof t['result'] !== 'string') throw not(`targets[${i}] has no "target" and "result"`);
  });
  const report: FleetReport = {
    environment: doc['environment'],
    shard,
    targets: (targets as Record<string, unknown>[]).map((t) => ({ ...t, duration_ms: typeof t['duration_ms'] === 'number' ? t['duration_ms'] : 0 }) as FleetTargetEntry),
    summary: isObject(doc['summary']) ? (doc['summary'] as Record<string, number>) : {},
  };
  const err = doc['error'];
  if (isObject(err) && typeof err['message'] === 'string') report.error = { code: String(err['code'] ?? 'failed'), message: err['message'] };
  return report;
}

/**
 * Merges the documents of one run: one environment, each target in one document, shards of one
 * matrix. Every problem found is in the one usage error (exit 2), each naming its files.
 */
export function mergeFleetReports(docs: ShardDocument[]): MergedFleet {
  if (docs.length === 0) throw new UsageError('merge needs at least one document');
  const problems: string[] = [];
  const first = docs[0]!;
  for (const d of docs.slice(1)) {
    if (d.doc.environment !== first.doc.environment) {
      problems.push(`${first.file} is of environment ${first.doc.environment} but ${d.file} of ${d.doc.environment}; merge the documents of one environment`);
    }
  }
  const seen = new Map<string, string>();
  for (const d of docs) {
    for (const t of d.doc.targets) {
      const other = seen.get(t.target);
      if (other !== undefined) problems.push(`target ${t.target} is in both ${other} and ${d.file}; each target belongs to one shard`);
      else seen.set(t.target, d.file);
    }
  }
  const missing = missingShards(docs, problems);
  if (problems.length > 0) throw new UsageError(problems.join('\n'));
  const targets = docs.flatMap((d) => d.doc.targets).sort((a, b) => (a.target < b.target ? -1 : a.target > b.target ? 1 : 0));
  const merged: MergedFleet = { environment: first.doc.environment, shard: null, targets, summary: summarize(targets) };
  if (missing.length > 0) merged.missing_shards = missing;
  const errors = docs.filter((d) => d.doc.error).map((d) => ({ file: d.file, shard: d.doc.shard, ...d.doc.error! }));
  if (errors.length > 0) merged.errors = errors;
  return merged;
}

// The shards of the matrix that sent no document. Documents of different matrices (or a whole
// fleet's beside a shard's) would count some targets twice or not at all: those are problems.
function missingShards(docs: ShardDocument[], problems: string[]): string[] {
  const sharded = docs.filter((d) => d.doc.shard !== null);
  if (sharded.length === 0) return [];
  const whole = docs.find((d) => d.doc.shard === null);
  if (whole) problems.push(`${whole.file} is a whole fleet's document but ${sharded[0]!.file} is shard ${sharded[0]!.doc.shard}; merge the shards of one matrix`);
  const count = (d: ShardDocument) => Number(d.doc.shard!.split('/')[1]);
  const index = (d: ShardDocument) => Number(d.doc.shard!.split('/')[0]);
  const n = count(sharded[0]!);
  const odd = sharded.find((d) => count(d) !== n);
  if (odd) {
    problems.push(`${sharded[0]!.file} is shard ${sharded[0]!.doc.shard} but ${odd.file} is shard ${odd.doc.shard}; merge the shards of one matrix`);
    return [];
  }
  const byIndex = new Map<number, string>();
  for (const d of sharded) {
    const i = index(d);
    if (i < 1 || i > n) problems.push(`${d.file} is shard ${d.doc.shard}, which no matrix of ${n} has`);
    const other = byIndex.get(i);
    if (other !== undefined) problems.push(`${other} and ${d.file} are both shard ${d.doc.shard}; each shard's job writes one document`);
    byIndex.set(i, d.file);
  }
  const missing: string[] = [];
  for (let i = 1; i <= n; i++) if (!byIndex.has(i)) missing.push(`${i}/${n}`);
  return missing;
}

/** 0 when every target applied, had nothing pending or was a dry run and every shard reported without error; 1 otherwise. */
export function mergeExit(doc: MergedFleet): 0 | 1 {
  if ((doc.missing_shards?.length ?? 0) > 0 || (doc.errors?.length ?? 0) > 0) return 1;
  return doc.targets.every((t) => GOOD.has(t.result)) ? 0 : 1;
}

/** The lines a reader needs beside the fleet's own: shards that sent nothing, and errors shards ended with. */
export function mergeNotes(doc: MergedFleet): string[] {
  const lines = (doc.missing_shards ?? []).map((s) => `shard ${s}: no document (its job wrote none); its targets are not counted above`);
  // One line per note, as a fleet's lines are: the message's lines joined.
  const oneLine = (m: string) => m.split('\n').map((l) => l.trim()).filter(Boolean).join(' ');
  for (const e of doc.errors ?? []) lines.push(`${e.shard ? `shard ${e.shard}` : e.file}: ${e.code}: ${oneLine(e.message)}`);
  return lines;
}
