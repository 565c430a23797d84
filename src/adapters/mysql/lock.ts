// Two runners never apply to one target at once. A named lock (GET_LOCK) on a connection
// of its own, held for the whole run: if the runner dies, its connection dies and the lock with it.
import { createHash } from 'node:crypto';
import { ChangegateError, RefusedError } from '../../core/errors.js';
import { StatementError } from '../../core/ports.js';
import { openConnection, useSchema, type MysqlConnection, type TargetSpec } from './connection.js';
import { fromSqlTime, HISTORY_TABLE } from './history.js';

/** A held run lock. */
export interface RunLock {
  /** The GET_LOCK name. */
  readonly name: string;
  /** `CONNECTION_ID()` of the connection holding it. */
  readonly connectionId: number;
  /** Whether this connection still holds the lock (false once the connection was lost). */
  held(): Promise<boolean>;
  /** RELEASE_LOCK, then close the connection; safe to call twice and after the connection died. */
  release(): Promise<void>;
  /** A round trip on the lock's connection within `timeoutMs` (skipped while it is busy); rejects once that connection is gone. */
  ping(timeoutMs: number): Promise<void>;
  /** Drops the lock's connection at once; the server releases the lock when it notices. */
  destroy(): void;
  /**
   * Records, on this connection (autocommit), that statement `applied` of a change is done, when
   * the row still shows it in flight; resolves once written (callers need not wait). Best effort: a
   * failure leaves the row as it was, which only means the next run asks about that statement.
   */
  recordApplied(changeId: string, applied: number, inFlight: number | null, connectionId: number): Promise<void>;
}

/** MySQL's limit on lock names. */
const MAX_LOCK_NAME = 64;

/** `changegate:<schema>`, or `changegate:` plus a hash of the schema when that would exceed 64 characters. */
export function lockName(schema: string): string {
  const name = `changegate:${schema}`;
  if (name.length <= MAX_LOCK_NAME) return name;
  const prefix = 'changegate:';
  return prefix + createHash('sha256').update(schema).digest('hex').slice(0, MAX_LOCK_NAME - prefix.length);
}

/**
 * Opens a dedicated connection and waits up to `timeoutSec` for the schema's run lock. GET_LOCK's result
 * is checked (1 only): a timeout is a RefusedError naming the holder's connection and, from the history
 * table's running row, who applies what since when.
 */
export async function acquireRunLock(spec: TargetSpec, schema: string, timeoutSec: number, label = schema): Promise<RunLock> {
  const conn = await openConnection(spec, label);
  try {
    await useSchema(conn, schema);
    // The lock connection is idle for most of a run: the run's heartbeat keeps it under the server's
    // idle bound (wait_timeout, set on every connection), so that a runner that vanished loses its lock
    // within that bound and a living one never does.
    const name = lockName(schema);
    // GET_LOCK treats a negative timeout as "wait forever"; a run must never hang on a stuck holder.
    const wait = Math.max(0, timeoutSec);
    const [got] = await conn.query<{ got: number | null; id: number }>('SELECT GET_LOCK(?, ?) AS got, CONNECTION_ID() AS id', [name, wait], wait * 1000);
    if (got!.got === 1 || (got!.got as unknown) === '1') return new HeldLock(conn, name, Number(got!.id));
    if (got!.got === null) {
      throw new ChangegateError(`could not take the run lock on schema ${schema}: GET_LOCK returned NULL (the server refused it); try again`, 1);
    }
    throw new RefusedError(`refused: another changegate run holds the lock on schema ${schema} (${await describeHolder(conn, name)}); waited ${wait} s`);
  } catch (e) {
    await conn.close().catch(() => undefined);
    throw e;
  }
}

/** `connection 42, alice applying 2026-11-24-x since 2026-11-24 10:00:00 UTC`, as far as the server can tell. */
async function describeHolder(conn: MysqlConnection, name: string): Promise<string> {
  const [used] = await conn.query<{ holder: number | null }>('SELECT IS_USED_LOCK(?) AS holder', [name]);
  const parts = [used?.holder == null ? 'the holder has just released it; run again' : `connection ${used.holder}`];
  try {
    const rows = await conn.query<{ change_id: string; operator: string; started_at: string }>(
      `SELECT change_id, operator, started_at FROM ${HISTORY_TABLE} WHERE status = 'running' ORDER BY started_at DESC LIMIT 1`,
    );
    const run = rows[0];
    if (run) {
      const since = fromSqlTime(run.started_at).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
      parts.push(`${conn.redact(run.operator)} applying ${run.change_id} since ${since}`);
    }
  } catch (e) {
    // No history table yet: the holder is still creating it.
    if (!(e instanceof StatementError && e.errno === 1146)) throw e;
  }
  return parts.join(', ');
}

class HeldLock implements RunLock {
  private released = false;
  private pending: Promise<void> = Promise.resolve();

  constructor(
    private readonly conn: MysqlConnection,
    readonly name: string,
    readonly connectionId: number,
  ) {}

  async ping(timeoutMs: number): Promise<void> {
    if (this.conn.lost) throw new Error('its connection ended');
    if (this.conn.busy) return;
    await this.conn.ping(timeoutMs);
  }

  destroy(): void {
    this.conn.destroy();
  }

  async held(): Promise<boolean> {
    if (this.released || this.conn.lost) return false;
    try {
      const [r] = await this.conn.query<{ mine: number | null }>('SELECT IS_USED_LOCK(?) = CONNECTION_ID() AS mine', [this.name]);
      return Number(r?.mine) === 1;
    } catch {
      return false;
    }
  }

  recordApplied(changeId: string, applied: number, inFlight: number | null, connectionId: number): Promise<void> {
    if (this.released || this.conn.lost) return Promise.resolve();
    // Guarded: only the row that still says "applied - 1 done, applied in flight" changes, so a late
    // arrival can never move the record backwards past what the apply session wrote since.
    this.pending = this.pending
      .then(() =>
        this.conn.exec(
          `UPDATE ${HISTORY_TABLE} SET statements_applied = ?, in_flight = ?, connection_id = ?, updated_at = UTC_TIMESTAMP(3) ` +
            'WHERE change_id = ? AND statements_applied = ? AND in_flight = ?',
          [applied, inFlight, connectionId, changeId, applied - 1, applied],
        ),
      )
      .then(() => undefined, () => undefined);
    return this.pending;
  }

  async release(): Promise<void> {
    await this.pending;
    if (this.released) return;
    this.released = true;
    try {
      if (!this.conn.lost) await this.conn.query('SELECT RELEASE_LOCK(?)', [this.name]);
    } catch {
      // Closing the connection below frees the lock all the same.
    } finally {
      await this.conn.close();
    }
  }
}
