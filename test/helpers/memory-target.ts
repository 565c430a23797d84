// An in-memory target that keeps MySQL's commit rules, for pure tests of the apply loop's protocol:
// autocommit off, a transaction's writes are its own until COMMIT (row by row, so another
// connection's committed write to a row it did not touch survives), DDL commits implicitly before
// it runs and on its own after, a deadlock undoes the whole transaction, and a crash discards
// whatever was not committed. Statements leave a trace (INSERT INTO trace VALUES ('x') or
// CREATE TABLE x) so a test can count how often each ran. The real adapter is tested against a real
// server; this double only models the rules above.
import type { ExpectedStatement, HistoryWriter, ProcessInfo, RunResult, ServerIdentity, ServerInspector, TargetSession } from '../../src/core/ports.js';
import { StatementError } from '../../src/core/ports.js';
import { checksum, combinedChecksum } from '../../src/core/checksum.js';
import type { Change, HistoryRecord } from '../../src/core/types.js';

/** A change of the given statements (one per line of its up.sql), as the loader builds it, for the apply loop on this target. */
export function memoryChange(id: string, sqls: string[], verify: Change['verify'] = []): Change {
  const statements = sqls.map((sql, i) => ({ file: `migrations/${id}/up.sql`, line: i + 1, column: 1, sql }));
  const body = sqls.join(';\n');
  const fileChecksums = { [`changes/${id}.yaml`]: checksum(id), [`migrations/${id}/up.sql`]: checksum(body) };
  return {
    id, file: `changes/${id}.yaml`, title: id, ticket: 'INV-1', destructive: false,
    apply: [{ path: `migrations/${id}/up.sql`, content: body, checksum: checksum(body) }], rollback: [], verify,
    depends_on: [], lint: { ignore: [] }, statements, rollbackStatements: [],
    checksum: combinedChecksum(Object.entries(fileChecksums).map(([name, c]) => ({ name, checksum: c }))), fileChecksums,
  };
}

/** Thrown by a session when the test's crash point is reached: the runner "dies" there. */
export class Crash extends Error {}

interface State {
  history: Map<string, HistoryRecord>;
  trace: string[];
}

/** The "server": committed state plus a count of every operation sessions perform. */
export class MemoryServer implements ServerInspector {
  committed: State = { history: new Map(), trace: [] };
  /** Operation number at which the next session crashes (1-based), or 0 for never. */
  crashAt = 0;
  /** When the crash hits a DDL statement: true = the server finishes it although the client died. */
  ddlCompletesOnCrash = true;
  /** How many more times an INSERT of 'DEADLOCK' (or CALL deadlock()) deadlocks. */
  deadlocks = 0;
  /** How many `INSERT INTO trace VALUES ('LOST')` statements still lose their connection mid-statement. */
  losses = 0;
  ops = 0;
  private nextId = 1;
  /** Connection ids the "processlist" still shows. */
  alive = new Set<number>();
  /** Of those, the ids an unrelated client holds (after a restart, ids start again): they run something else. */
  strangers = new Set<number>();
  /** This server's identity; a restart gives it a new boot time. */
  identity = { uuid: null as string | null, boot: new Date('2026-11-24T09:00:00Z') };

  /** Opens a session with its own transaction. */
  connect(): MemorySession {
    const id = this.nextId++;
    this.alive.add(id);
    return new MemorySession(this, id);
  }

  /** The processlist lookup the apply loop uses for in-doubt decisions. */
  async process(connectionId: number, expect?: ExpectedStatement): Promise<ProcessInfo> {
    if (!this.alive.has(connectionId)) return { alive: false };
    const stranger = this.strangers.has(connectionId);
    return { alive: true, seconds: 0, info: stranger ? 'SELECT SLEEP(8)' : 'our statement', ...(expect ? { runs: !stranger } : {}) };
  }

  /**
   * The apply loop's `recordApplied`, as another autocommit connection runs it: a guarded update of
   * the committed row. A row the runner's open transaction holds would make it wait and then find
   * the row moved on, so it changes nothing then. Counts as an operation (a crash there loses it).
   */
  recordAside(session: MemorySession) {
    return async (changeId: string, applied: number, inFlight: number | null, connectionId: number): Promise<void> => {
      this.tick(session);
      const row = this.committed.history.get(changeId);
      if (!row || session.holds(changeId)) return;
      if (row.statementsApplied === applied - 1 && row.inFlight === applied) {
        this.committed.history.set(changeId, { ...structuredClone(row), statementsApplied: applied, inFlight, connectionId });
      }
    };
  }

  /** Counts an operation and crashes when the test says so. */
  tick(session: MemorySession): void {
    this.ops++;
    if (this.crashAt > 0 && this.ops === this.crashAt) {
      session.dead = true;
      this.alive.delete(session.connectionId);
      throw new Crash(`crash at operation ${this.ops}`);
    }
  }
}

/** One connection with MySQL's transaction rules. */
export class MemorySession implements TargetSession {
  dead = false;
  // The open transaction: rows it wrote, and trace entries it added.
  private rows = new Map<string, HistoryRecord>();
  private traced: string[] = [];
  readonly history: HistoryWriter;

  readonly identity: ServerIdentity;

  constructor(private readonly server: MemoryServer, readonly connectionId: number) {
    this.identity = { ...server.identity };
    const self = this;
    this.history = {
      async load() {
        self.guard();
        const all = new Map(self.server.committed.history);
        for (const [k, v] of self.rows) all.set(k, v);
        return [...all.values()].map((r) => structuredClone(r));
      },
      async put(rec) {
        self.step();
        self.rows.set(rec.changeId, structuredClone(rec));
      },
      async progress(changeId, applied, inFlight, connectionId) {
        self.step();
        const rec = self.rows.get(changeId) ?? self.server.committed.history.get(changeId);
        if (!rec) throw new Error(`no history row for ${changeId}`);
        self.rows.set(changeId, { ...structuredClone(rec), statementsApplied: applied, inFlight, connectionId });
      },
    };
  }

  /** Whether the open transaction has written the history row of `changeId`. */
  holds(changeId: string): boolean {
    return this.rows.has(changeId);
  }

  private guard(): void {
    if (this.dead) throw new Crash('the runner is dead');
  }

  private step(): void {
    this.guard();
    this.server.tick(this);
  }

  private commitNow(): void {
    for (const [k, v] of this.rows) this.server.committed.history.set(k, structuredClone(v));
    this.server.committed.trace.push(...this.traced);
    this.discard();
  }

  private discard(): void {
    this.rows = new Map();
    this.traced = [];
  }

  async commit(): Promise<void> {
    this.step();
    this.commitNow();
  }

  async rollback(): Promise<void> {
    this.step();
    this.discard();
  }

  async run(sql: string): Promise<RunResult> {
    const text = sql.trim();
    if (/^SELECT /i.test(text)) {
      this.step();
      const m = /^SELECT COUNT\(\*\) FROM trace WHERE v = '([^']*)'/i.exec(text);
      const seen = [...this.server.committed.trace, ...this.traced];
      return { rows: [[m ? seen.filter((t) => t === m[1]).length : 1]], affectedRows: 0 };
    }
    if (/SYNTAX ERROR/i.test(text)) {
      this.step();
      throw new StatementError("You have an error in your SQL syntax near 'SYNTAX ERROR'", 1064, '42000', false);
    }
    const dml = /^INSERT INTO trace VALUES \('([^']*)'\)$/i.exec(text);
    if (dml && dml[1] === 'FAIL') {
      this.step();
      // InnoDB undoes the failed statement only; the transaction goes on.
      throw new StatementError("Duplicate entry 'FAIL' for key 'PRIMARY'", 1062, '23000', false);
    }
    if (dml && dml[1] === 'LOST' && this.server.losses > 0) {
      this.step();
      this.server.losses--;
      // The server rolls back a dead session's transaction; the runner sees the socket close.
      this.discard();
      this.dead = true;
      this.server.alive.delete(this.connectionId);
      throw new StatementError('Lost connection to server during query', 2013, 'HY000', true);
    }
    if (dml && dml[1] === 'DEADLOCK' && this.server.deadlocks > 0) {
      this.step();
      this.server.deadlocks--;
      this.discard(); // a deadlock undoes the whole transaction
      throw new StatementError('Deadlock found when trying to get lock; try restarting transaction', 1213, '40001', false);
    }
    if (dml) {
      this.step();
      this.traced.push(dml[1]!);
      return { rows: null, affectedRows: 1 };
    }
    if (/^SET @\w+ = \d+$/i.test(text)) {
      this.step();
      return { rows: null, affectedRows: 0 };
    }
    if (/^CALL \w+\(\)$/i.test(text)) {
      this.step();
      if (/deadlock/i.test(text) && this.server.deadlocks > 0) {
        this.server.deadlocks--;
        this.discard();
        throw new StatementError('Deadlock found when trying to get lock; try restarting transaction', 1213, '40001', false);
      }
      // A procedure's DML joins the open transaction, as it does in MySQL.
      this.traced.push(text.toLowerCase());
      return { rows: null, affectedRows: 0 };
    }
    const analyze = /^ANALYZE TABLE (\w+)$/i.exec(text);
    if (analyze) {
      // Commits implicitly on its own, like the schema DDL it is not classified as.
      this.step();
      this.traced.push(`analyze ${analyze[1]}`);
      this.commitNow();
      return { rows: null, affectedRows: 0 };
    }
    const ddl = /^CREATE TABLE (\w+)/i.exec(text);
    if (ddl) {
      this.guard();
      // Implicit commit first, then the statement, which commits on its own.
      this.commitNow();
      try {
        this.server.tick(this);
      } catch (crash) {
        if (this.server.ddlCompletesOnCrash) this.server.committed.trace.push(ddl[1]!);
        throw crash;
      }
      this.server.committed.trace.push(ddl[1]!);
      return { rows: null, affectedRows: 0 };
    }
    throw new Error(`memory target does not understand: ${text}`);
  }
}
