// The history writes and commit points around each statement of one change, for the apply loop
// (its protocol is described at the top of apply.ts): where the marker of statement k is written,
// when a DML batch commits, when a finished DDL statement is recorded through another connection,
// and what is still applied after a statement failed. The loop itself only runs statements.
import type { StatementTraits } from './lint/index.js';
import type { TargetSession } from './ports.js';

/** The defaults of a DML batch's bounds: row locks are held no longer than this. */
export const BATCH_DEFAULTS = { statements: 500, ms: 1000 } as const;

/** What a batch needs from the apply context. */
export interface BatchOptions {
  /** Most DML statements one transaction holds before a commit of its own. */
  maxStatements: number;
  /** Oldest (in ms) a DML batch gets before a commit of its own. */
  maxMs: number;
  /** The clock a batch's age is read on, in ms. */
  clock: () => number;
  /** Records a finished DDL statement through another connection (see ApplyContext.recordApplied). */
  recordApplied?: (changeId: string, applied: number, inFlight: number | null, connectionId: number) => Promise<void>;
  /** How long the DML batch after a DDL statement runs before that statement is recorded aside. */
  recordAppliedAfterMs: number;
}

/** The batch and marker state of one change's run on one session, with the protocol's steps as operations. */
export class ApplyBatch {
  // The open transaction holds DML statements not committed yet, from batchStart on (opened at
  // batchOpened on the batch clock).
  private dirty = false;
  private batchStart = 0;
  private batchOpened = 0;
  // The last history write in the open transaction, visible only to this session.
  private lastWrite: string | null = null;
  // The statement before ran as schema DDL in this run and is not recorded applied yet.
  private afterDdl = false;
  // A finished DDL statement waiting to be recorded through recordApplied: on a timer, when the
  // batch after it grows to a second statement, or by the batch's own commit point, whichever is first.
  private aside: { applied: number; fired: boolean } | null = null;
  // One timer per change, re-armed for each DDL statement (a timer per statement costs more than the
  // statement's own bookkeeping); when it fires with nothing aside, it does nothing.
  private asideTimer: ReturnType<typeof setTimeout> | null = null;
  // Lock-wait retries: the attempt at the statement a retry started from, which counts until the run
  // gets past that statement.
  private attempt = 1;
  private retryAt = 0;

  constructor(
    private readonly session: TargetSession,
    private readonly changeId: string,
    private readonly opts: BatchOptions,
  ) {}

  /**
   * Step 1 of statement k: writes (and commits, where its kind needs it) the marker "k-1 applied,
   * k in flight". Only the write before a commit point can become durable, so inside a DML batch
   * most markers are skipped.
   */
  async marker(k: number, traits: StatementTraits): Promise<void> {
    if (traits.kind === 'dml') {
      // DML statements share a transaction until the next DDL statement commits it implicitly, or
      // until the batch is big or old enough for a COMMIT of its own. The one marker written inside
      // a batch is the one before its second statement: if a later one fails, it shows whether the
      // server kept the batch (statement rollback) or undid all of it (a deadlock).
      if (this.dirty && (k - this.batchStart >= this.opts.maxStatements || this.opts.clock() - this.batchOpened >= this.opts.maxMs)) {
        // The marker first: the commit makes the batch durable, and with it the record that its
        // statements are applied.
        await this.write(k - 1, k);
        await this.commitPoint();
      }
      if (!this.dirty && this.afterDdl) {
        // Record the DDL statement before it as applied now: else a crash anywhere in this batch
        // would leave that finished statement in doubt until the batch's commit point.
        await this.write(k - 1, k);
        await this.commitPoint();
      }
      if (!this.dirty) {
        this.batchStart = k;
        this.batchOpened = this.opts.clock();
      } else if (this.lastWrite === null) {
        // The batch goes on: record the DDL statement before it first, as our marker is about to
        // hold that row until the batch commits.
        await this.fireAside();
        await this.write(k - 1, k);
      }
    } else if (traits.implicit) {
      // This statement's implicit commit records everything before it.
      this.aside = null;
      await this.write(k - 1, k);
    } else {
      // A statement that may or may not commit on its own (SET, CALL, ANALYZE, GRANT...) runs
      // between two commit points of its own, so no batch ever spans it: whatever it commits
      // inside, what was recorded before it is durable and nothing before it can be undone.
      await this.write(k - 1, k);
      await this.commitPoint();
    }
  }

  /**
   * Step 3, after statement k ran: a DML statement joins the batch, schema DDL has committed
   * everything (and is recorded with the next marker, or aside when `nextIsDml`), anything else is
   * recorded and committed at once.
   */
  async record(k: number, traits: StatementTraits, nextIsDml: boolean): Promise<void> {
    if (traits.kind === 'dml') {
      this.dirty = true;
    } else if (traits.implicit) {
      // The marker of the next statement starts a new transaction.
      this.dirty = false;
      this.lastWrite = null;
      if (nextIsDml && this.opts.recordApplied) {
        this.aside = { applied: k, fired: false };
        const after = this.opts.recordAppliedAfterMs;
        if (after <= 0) void this.fireAside();
        else if (this.asideTimer) this.asideTimer.refresh();
        else if (Number.isFinite(after)) this.asideTimer = setTimeout(() => void this.fireAside(), after).unref();
      }
    } else {
      await this.write(k, null);
      await this.commitPoint();
    }
    this.afterDdl = traits.implicit && this.aside === null;
    if (k >= this.retryAt) this.attempt = 1;
  }

  /**
   * After statement k failed on a live session: rolls back what the server's undo left half done
   * and returns how many statements of the change are applied (durable, or kept by the open
   * transaction, which the failure record commits).
   */
  async failed(k: number, traits: StatementTraits): Promise<number> {
    if (traits.kind === 'dml') {
      // The server undid the statement, or (a deadlock, a timeout with innodb_rollback_on_timeout)
      // the whole transaction: our last write, visible only inside it, tells which.
      let intact = false;
      if (this.lastWrite !== null) {
        const row = (await this.session.history.load()).find((r) => r.changeId === this.changeId);
        intact = `${row?.statementsApplied}/${row?.inFlight}` === this.lastWrite;
      }
      if (!intact) {
        await this.session.rollback();
        this.dirty = false;
        this.lastWrite = null;
        return this.batchStart - 1;
      }
    } else if (!traits.implicit) {
      // Only the failed statement's own effects can be in the transaction.
      await this.session.rollback();
      this.lastWrite = null;
    }
    // A schema DDL statement that failed left nothing behind (MySQL 8's atomic DDL; MariaDB's
    // DROP TABLE of several tables is the exception, and the session's error names what it
    // dropped), and the transaction before it is kept either way: nothing to undo.
    return k - 1;
  }

  /**
   * The attempt number of a retry of statement k after a lock wait gave up, counted, or null when
   * `lockRetries` retries were already made.
   */
  retry(k: number, lockRetries: number): number | null {
    if (this.attempt > lockRetries) return null;
    this.retryAt = Math.max(this.retryAt, k);
    return this.attempt++;
  }

  /**
   * After the session was lost while statement k ran: nothing can be written on it, but a finished
   * DDL statement waiting aside is recorded through the other connection now (the lost batch after
   * it never committed), so that the next run resumes after it instead of asking about it.
   */
  connectionLost(): Promise<void> {
    return this.fireAside();
  }

  /** Ends the batch's timer: whatever ended the loop also ended the batch a pending record was for. */
  close(): void {
    if (this.asideTimer) clearTimeout(this.asideTimer);
    this.aside = null;
  }

  /** After the last statement: every one of `total` is applied, nothing in flight, committed. */
  async finish(total: number): Promise<void> {
    await this.session.history.progress(this.changeId, total, null, this.session.connectionId);
    await this.session.commit();
  }

  // Records the finished DDL statement waiting aside through the other connection, once; its
  // failure only leaves that statement to the next commit point.
  private fireAside(): Promise<void> {
    const aside = this.aside;
    if (!aside || aside.fired || !this.opts.recordApplied) return Promise.resolve();
    aside.fired = true;
    return this.opts.recordApplied(this.changeId, aside.applied, aside.applied + 1, this.session.connectionId).catch(() => undefined);
  }

  private async write(applied: number, inFlight: number | null): Promise<void> {
    await this.session.history.progress(this.changeId, applied, inFlight, this.session.connectionId);
    this.lastWrite = `${applied}/${inFlight}`;
  }

  private async commitPoint(): Promise<void> {
    await this.session.commit();
    this.dirty = false;
    this.lastWrite = null;
    this.aside = null;
  }
}
