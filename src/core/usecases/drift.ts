// `drift`: files changed after they were applied (checksum drift), and the live schema against what
// replaying the applied changes produces (schema drift).
import { inPlace } from '../baseline.js';
import { planEnvironment } from '../plan.js';
import type { Change, HistoryRecord } from '../types.js';
import type { Scope } from './gates.js';

/** What drift needs: the environment's history and live schema, and a replay compared with it. */
export interface DriftPorts<L> {
  /** The history and the live schema of the environment (read without its lock). */
  read(): Promise<{ history: HistoryRecord[]; live: L }>;
  /** Replays `changes` into a throwaway schema and compares it with `live` (expected -> live). */
  compare(changes: Change[], live: L): Promise<{ failure: string | null; diff: string[] }>;
}

/** Both kinds of drift, and the pull-request changes a reader should know about. */
export interface DriftReport {
  files: string[];
  schema: string[];
  /** How many applied changes the expected schema was built from. */
  applied: number;
  pullRequests: string[];
}

/** Compares the files with the history and the live schema with the applied changes' replay. */
export async function driftRun<L>(s: Scope, ports: DriftPorts<L>): Promise<DriftReport> {
  const { history, live } = await ports.read();
  const { problems } = planEnvironment(s.changes, history, s.env);
  const files = problems.filter((p) => p.kind === 'drift' || p.kind === 'missing').map((p) => p.message);
  const appliedIds = new Set(history.filter((r) => inPlace(r.status)).map((r) => r.changeId));
  const applied = s.changes.filter((c) => appliedIds.has(c.id));
  const result = await ports.compare(applied, live);
  const schema = result.failure ? [`cannot compute the expected schema: ${result.failure}`] : result.diff;
  return { files, schema, applied: applied.length, pullRequests: pullRequestNotes(history, s.env.name) };
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
