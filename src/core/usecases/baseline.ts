// `baseline`: adopt a database that existed before changegate. The first time, the live schema is
// written as one change (`baseline: true`); every time, that change is proven against the live schema
// (replayed into a shadow schema, compared as drift compares) and only then recorded in the history
// as `baseline`, without running a statement. Nothing is written or recorded unless the proof holds.
import { baselineChange, baselineRecord, inPlace } from '../baseline.js';
import { RefusedError, UsageError } from '../errors.js';
import { lintStatements } from '../lint/index.js';
import { formatDate } from '../manifest/ids.js';
import { splitSql } from '../sql/split.js';
import type { Change } from '../types.js';
import type { Scope } from './gates.js';
import type { LockedTarget, RunEvents, RunPorts } from './ports.js';

/** The live schema as the proof compares it; only its emptiness matters to the use case. */
export interface LiveSchema {
  empty: boolean;
}

/** What baseline needs beyond a locked target. */
export interface BaselinePorts<L extends LiveSchema = LiveSchema> extends Pick<RunPorts, 'lock' | 'operator' | 'now'> {
  /** Reads the live schema of the locked target. */
  describe(target: LockedTarget): Promise<L>;
  /** The SQL that recreates the target's schema on an empty one, and how many objects it holds. */
  baselineSql(target: LockedTarget, header: string): Promise<{ sql: string; counts: { tables: number; views: number; routines: number; triggers: number; events: number } }>;
  /** Replays `change` into a throwaway schema and compares the result with `live` (baseline -> live). */
  prove(change: Pick<Change, 'id' | 'statements'>, live: L): Promise<{ failure: string | null; diff: string[] }>;
  /** Whether a repository file exists. */
  exists(rel: string): boolean;
  /** Writes the baseline's files (never over one) and loads the change from them as validate does; removes them if that fails. */
  write(files: BaselineFiles, sql: string, manifest: string): Promise<Change>;
}

/** The two files a first baseline writes. */
export interface BaselineFiles {
  manifest: string;
  up: string;
}

/** How a baseline run ended. */
export type BaselineOutcome =
  | { result: 'already-recorded'; change: string }
  | { result: 'recorded'; change: Change; written: BaselineFiles | null; by: string }
  | { result: 'differs'; change: string; differences: string[] };

/** Writes (first environment) or proves (later ones) the baseline, and records it when the proof holds. */
export async function baselineRun<L extends LiveSchema>(
  s: Scope,
  req: { ticket?: string; schemaRef: string },
  ports: BaselinePorts<L>,
  events: RunEvents,
): Promise<BaselineOutcome> {
  const existing = baselineChange(s.changes);
  const id = existing?.id ?? `${formatDate(ports.now())}-baseline`;
  const files: BaselineFiles = { manifest: `changes/${id}.yaml`, up: `migrations/${id}/up.sql` };
  if (!existing) refuseFirstBaseline(s, id, files, req.ticket, ports.exists);

  const target = await ports.lock(s.env, s.env.lock_timeout);
  try {
    const env = s.env.name;
    const schema = target.schema;
    if (existing) {
      const rec = target.history.find((r) => r.changeId === existing.id);
      if (rec && inPlace(rec.status)) {
        events.info?.(`${env} already records the baseline ${existing.id} (${rec.status}); nothing to do`);
        return { result: 'already-recorded', change: existing.id };
      }
      if (rec) throw new RefusedError(`refused: ${existing.id} is ${rec.status} in ${env}; a baseline is recorded only in an environment that has not run it`);
    } else {
      const ran = target.history.filter((r) => !r.changeId.includes(':'));
      if (ran.length > 0) {
        throw new RefusedError(`refused: ${env} already has ${ran.length} change(s) in its history (${ran[0]!.changeId}${ran.length > 1 ? ', ...' : ''}); a baseline describes a schema from before changegate`);
      }
    }
    const live = await ports.describe(target);
    if (live.empty) {
      throw new RefusedError(
        existing
          ? `refused: ${env}'s schema ${schema} is empty, so there is nothing to record; changegate apply --env ${env} builds it from ${existing.id}`
          : `refused: ${env}'s schema ${schema} is empty: there is nothing to baseline; write changes and apply them`,
      );
    }

    let change: Pick<Change, 'id' | 'statements'>;
    let sql = '';
    if (existing) change = existing;
    else {
      const header = `-- ${req.ticket}: baseline of ${schema} as ${env} had it on ${formatDate(ports.now())}, written by changegate baseline.\n` +
        `-- It recreates the schema on an empty database (no rows). Environments that already have this schema\n` +
        `-- record it with changegate baseline --env <name>; apply runs it only where the schema is empty.\n`;
      const written = await ports.baselineSql(target, header);
      sql = written.sql;
      change = { id, statements: checkedStatements(files.up, sql) };
      const c = written.counts;
      events.info?.(`${env}: read ${c.tables} table(s), ${c.views} view(s), ${c.routines} routine(s), ${c.triggers} trigger(s), ${c.events} event(s) from ${schema}`);
    }

    // The proof: what the baseline builds on an empty schema must be what the environment has.
    const proof = await ports.prove(change, live);
    const failed = proof.failure !== null || proof.diff.length > 0;
    if (!existing && failed) {
      const detail = proof.failure ? [proof.failure] : proof.diff;
      throw new RefusedError(
        `this is a bug in changegate baseline: the baseline of ${env} does not rebuild its schema ` +
          `(${proof.failure ? 'replay failed' : `${proof.diff.length} difference(s), baseline -> live`}); nothing was written or recorded:\n` +
          detail.map((l) => `  ${l}`).join('\n'),
      );
    }
    if (existing && failed) {
      return { result: 'differs', change: existing.id, differences: proof.failure ? [`the baseline does not replay: ${proof.failure}`] : proof.diff };
    }
    // Recorded with the checksum validate computes from the files as written, so drift agrees.
    const recorded = existing ?? (await ports.write(files, sql, manifestText(req.schemaRef, s.config.database, env, req.ticket!, files.up)));
    if (!existing) for (const f of [files.manifest, files.up]) events.info?.(`wrote ${f}`);
    const op = await ports.operator(null);
    await target.session.history.put(baselineRecord(recorded, op, ports.now()));
    await target.session.commit();
    return { result: 'recorded', change: recorded, written: existing ? null : files, by: op.user };
  } finally {
    await target.close();
  }
}

// What a first baseline needs before anything connects: a ticket, no change dated before it, no file in the way.
function refuseFirstBaseline(s: Scope, id: string, files: BaselineFiles, ticket: string | undefined, exists: (rel: string) => boolean): void {
  if (!ticket || ticket.trim() === '') {
    throw new UsageError(`baseline --env ${s.env.name} writes the baseline change and needs its work ticket: pass --ticket`);
  }
  const pattern = s.config.ticket_pattern;
  if (pattern !== undefined && !new RegExp(pattern).test(ticket)) {
    throw new UsageError(`ticket "${ticket}" does not match ticket_pattern ${pattern}`);
  }
  const earlier = s.changes.filter((c) => c.id < id).map((c) => c.file).sort();
  if (earlier.length > 0) {
    throw new UsageError(`${earlier[0]} sorts before the baseline ${id} that this run would write; the baseline must be the first change: move ${earlier.length === 1 ? 'it' : `it and ${earlier.length - 1} other(s)`} to a later date first`);
  }
  for (const rel of [files.manifest, `changes/${id}.yml`, files.up]) {
    if (exists(rel)) throw new UsageError(`${rel} already exists; changegate baseline never overwrites a file`);
  }
}

// The written SQL as statements, refusing what would be a bug of the writer: SQL that does not split or fails lint.
function checkedStatements(file: string, sql: string): Change['statements'] {
  const split = splitSql(file, sql);
  if (split.errors.length > 0) throw new RefusedError(`this is a bug in changegate baseline: the SQL it wrote does not split (${split.errors[0]!.message}); nothing was written or recorded`);
  const lintErrors = lintStatements(split.statements, { ignore: [] }).filter((d) => d.severity === 'error');
  if (lintErrors.length > 0) {
    throw new RefusedError(`this is a bug in changegate baseline: its SQL fails lint ${lintErrors[0]!.code} at line ${lintErrors[0]!.line} (${lintErrors[0]!.message}); nothing was written or recorded`);
  }
  return split.statements;
}

// The baseline manifest: `schemaRef` is where an editor finds the manifests' JSON Schema.
function manifestText(schemaRef: string, database: string, env: string, ticket: string, up: string): string {
  return `# yaml-language-server: $schema=${schemaRef}
# The schema of ${database} as it was when changegate was adopted, read from ${env} by changegate baseline.
# Never edit it: later work goes in new changes. Environments that already have this schema record it
# with changegate baseline --env <name>; apply runs it only on an empty schema.
title: ${JSON.stringify(`Baseline of ${database} from ${env}`)}
ticket: ${JSON.stringify(ticket)}
destructive: false
baseline: true
apply:
  - ${up}
`;
}
