// `drift`: files changed after they were applied (checksum drift), and the live schema against what
// replaying the applied changes produces (schema drift). A replay's result is kept under its key (the
// replaying server and every statement replayed): while the applied changes, their files and the
// server stay as they were, the kept result is the replay's result, and drift compares with it
// instead of replaying thousands of tables again.
import { inPlace } from '../baseline.js';
import { diffSchemas, type SchemaShape } from '../drift.js';
import { expectedKey } from '../expected-schema.js';
import { planEnvironment } from '../plan.js';
import type { Change, HistoryRecord } from '../types.js';
import type { Scope } from './gates.js';

/** A replay's result kept for a later drift. */
export interface KeptSchema {
  shape: SchemaShape;
  /** When the replay that made it ran. */
  recordedAt: Date;
}

/** What drift needs: the environment's history and live schema, a replay, and a place to keep its result. */
export interface DriftPorts {
  /** The history and the live schema of the environment (read without its lock), and the identity of the server a replay runs on. */
  read(): Promise<{ history: HistoryRecord[]; live: SchemaShape; server: string }>;
  /** The replay result kept under `key`; null when none is. Absent: nothing is ever kept (a replay on another server). */
  kept?(key: string): Promise<KeptSchema | null>;
  /** Replays `changes` (whose key is `key`) into a throwaway schema and describes the result; `failure` names the statement that failed. */
  replay(changes: Change[], key: string): Promise<{ failure: string } | { shape: SchemaShape }>;
  /** Keeps a replay's result under `key` for the next drift; a failure to keep it is the port's to report. */
  keep?(key: string, shape: SchemaShape, changes: number): Promise<void>;
}

/** Both kinds of drift, and the pull-request changes a reader should know about. */
export interface DriftReport {
  files: string[];
  schema: string[];
  /** How many applied changes the expected schema was built from. */
  applied: number;
  pullRequests: string[];
  /** Where the expected schema came from: a replay now, or one kept from an earlier drift (with when it ran). */
  expected: { source: 'replay' } | { source: 'kept'; recordedAt: Date };
}

/**
 * Compares the files with the history and the live schema with the applied changes' replay: the kept
 * one when its key still matches and `replay` is not asked for, else a new one, kept afterwards.
 */
export async function driftRun(s: Scope, ports: DriftPorts, opts: { replay?: boolean } = {}): Promise<DriftReport> {
  const { history, live, server } = await ports.read();
  const { problems } = planEnvironment(s.changes, history, s.env);
  const files = problems.filter((p) => p.kind === 'drift' || p.kind === 'missing').map((p) => p.message);
  const appliedIds = new Set(history.filter((r) => inPlace(r.status)).map((r) => r.changeId));
  const applied = s.changes.filter((c) => appliedIds.has(c.id));
  const base = { files, applied: applied.length, pullRequests: pullRequestNotes(history, s.env.name) };
  const key = expectedKey(server, applied);
  const kept = opts.replay || !ports.kept ? null : await ports.kept(key);
  if (kept) return { ...base, schema: diffSchemas(kept.shape, live), expected: { source: 'kept', recordedAt: kept.recordedAt } };
  const result = await ports.replay(applied, key);
  if ('failure' in result) return { ...base, schema: [`cannot compute the expected schema: ${result.failure}`], expected: { source: 'replay' } };
  await ports.keep?.(key, result.shape, applied.length);
  return { ...base, schema: diffSchemas(result.shape, live), expected: { source: 'replay' } };
}

// Provisional and abandoned changes of pull requests, named with their pull request: the objects of
// an open pull request's change are live but not in the replay of applied changes, and an abandoned
// one that could not be rolled back left objects for a person.
function pullRequestNotes(history: HistoryRecord[], env: string): string[] {
  const out: string[] = [];
  for (const r of history) {
    const pr = r.pullRequest;
    if (!pr || r.changeId.includes(':')) continue;
    const objects = pr.objects.length ? pr.objects.join(', ') : 'unknown objects';
    if (r.status === 'provisional') out.push(`provisional: ${r.changeId} from pull request #${pr.number} is applied in ${env} but not merged; it touches ${objects}`);
    else if (r.status === 'abandoned' && /not rolled back/.test(r.error ?? '')) out.push(`abandoned: ${r.changeId} from pull request #${pr.number} was not rolled back in ${env}; clean up by hand: ${objects}`);
    else if (r.status === 'abandoned') out.push(`abandoned: ${r.changeId} from pull request #${pr.number} was rolled back in ${env}`);
  }
  return out;
}
