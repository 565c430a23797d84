// What a read-only command learns from one target, for the command itself and for each target of a
// fleet: its status rows and backups, and both kinds of drift.
import type { SchemaShape } from '../core/drift.js';
import { driftRun, type DriftReport } from '../core/usecases/drift.js';
import { inDoubtNow, statusRows, type StatusRow } from '../core/usecases/status.js';
import { backupRows, type BackupRow } from './backup-status.js';
import type { Change } from '../core/types.js';
import type { CommandContext } from './context.js';
import { readTarget, type Scope } from './flow.js';
import type { OpenEnvironment } from './target.js';
import { DESCRIBE_CONNECTIONS, replayDescribed } from './shadow.js';

/** The status rows and backups of one target, read on a connection that is closed again. */
export async function readStatus(ctx: CommandContext, s: Scope): Promise<{ rows: StatusRow[]; backups: BackupRow[] }> {
  const { open, history } = await readTarget(ctx, s);
  let gone = new Set<string>();
  let backups: BackupRow[] = [];
  try {
    backups = await backupRows(s.env, open.target.connection, (l) => ctx.out.warn(l));
    gone = await inDoubtNow(s, history, open.target.inspector, open.target.session);
  } finally {
    await open.close();
  }
  return { rows: statusRows(s, history, gone), backups };
}

// Past this many tables the live schema is read on DESCRIBE_CONNECTIONS connections (the target's and
// read-only readers): below it, opening them costs more than the queries they share.
const MANY_TABLES = 300;

// The live schema of a target, on several connections when it holds many tables.
async function describeLive(target: OpenEnvironment['target'], schema: string): Promise<SchemaShape> {
  const { describeSchema } = await import('../adapters/mysql/introspect.js');
  const [count] = await target.connection.query<{ n: number }>('SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?', [schema]);
  if (Number(count?.n ?? 0) <= MANY_TABLES) return describeSchema(target.connection, schema);
  const readers = (await Promise.all(Array.from({ length: DESCRIBE_CONNECTIONS - 1 }, () => target.reader().catch(() => null)))).filter((r) => r !== null);
  try {
    return await describeSchema([target.connection, ...readers], schema);
  } finally {
    await Promise.all(readers.map((r) => r.close().catch(() => undefined)));
  }
}

/** Replays already made in this run, by key: targets of a fleet that share a server's settings and their applied changes share one replay. */
export type ReplayMemo = Map<string, Promise<{ failure: string } | { shape: SchemaShape }>>;

/** How `driftOf` runs: where the replay goes, whether it must replay, and replays to share with other targets. */
export interface DriftOptions {
  shadowUrl?: string;
  /** Replay even when a result is kept for the same key. */
  replay?: boolean;
  memo?: ReplayMemo;
}

/**
 * Both kinds of drift of one target: its files against its history, its live schema against a replay
 * on a shadow schema. The replay's result is kept in the target, and used instead of a replay while
 * its key holds; a replay on another server (`shadowUrl`) neither uses nor keeps one, since the key is
 * made of the target server's settings.
 */
export async function driftOf(ctx: CommandContext, s: Scope, opts: DriftOptions = {}): Promise<DriftReport> {
  const { open, history } = await readTarget(ctx, s);
  try {
    const kept = await import('../adapters/mysql/expected-schema.js');
    const conn = open.target.connection;
    const schema = open.target.schema;
    const own = opts.shadowUrl === undefined;
    const replayNow = (applied: Change[]) => replayDescribed(ctx, s, applied, schema, opts.shadowUrl);
    return await driftRun(s, {
      read: async () => ({ history, live: await describeLive(open.target, schema), server: own ? await kept.replayIdentity(conn, schema) : 'the --shadow-url server' }),
      ...(own && {
        kept: (key: string) => kept.readKept(conn, key),
        keep: async (key: string, shape: SchemaShape, changes: number) => {
          try {
            await kept.keepExpected(conn, key, shape, changes);
          } catch (e) {
            ctx.out.warn(`could not keep the expected schema in ${schema}.${kept.EXPECTED_TABLE} (${e instanceof Error ? e.message : String(e)}); the next drift replays again`);
          }
        },
      }),
      replay: (applied, key) => {
        if (!opts.memo) return replayNow(applied);
        let p = opts.memo.get(key);
        if (!p) {
          p = replayNow(applied);
          opts.memo.set(key, p);
          // A replay that could not run (a lost connection) is not a result: the next target tries again.
          p.catch(() => opts.memo!.delete(key));
        }
        return p;
      },
    }, { replay: opts.replay });
  } finally {
    await open.close();
  }
}
