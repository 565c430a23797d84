// An in-memory target that keeps MySQL's commit rules, for pure tests of the apply loop's protocol:
// autocommit off, DDL commits implicitly before it runs and on its own after, SAVEPOINT is lost
// with that commit, and a crash discards whatever was not committed. Statements leave a trace
// (INSERT INTO trace VALUES ('x') or CREATE TABLE x) so a test can count how often each ran.
// The real adapter is tested against a real server; this double only models the rules above.
import type { HistoryWriter, ProcessInfo, RunResult, ServerInspector, TargetSession } from '../../src/core/ports.js';
import { StatementError } from '../../src/core/ports.js';
import type { HistoryRecord } from '../../src/core/types.js';

/** Thrown by a session when the test's crash point is reached: the runner "dies" there. */
export class Crash extends Error {}

interface State {
  history: Map<string, HistoryRecord>;
  trace: string[];
}

const clone = (s: State): State => ({
  history: new Map([...s.history].map(([k, v]) => [k, structuredClone(v)])),
  trace: [...s.trace],
});

/** The "server": committed state plus a count of every operation sessions perform. */
export class MemoryServer implements ServerInspector {
  committed: State = { history: new Map(), trace: [] };
  /** Operation number at which the next session crashes (1-based), or 0 for never. */
  crashAt = 0;
  /** When the crash hits a DDL statement: true = the server finishes it although the client died. */
  ddlCompletesOnCrash = true;
  /** How many more times an INSERT of 'DEADLOCK' deadlocks. */
  deadlocks = 0;
  ops = 0;
  private nextId = 1;
  /** Connection ids the "processlist" still shows. */
  alive = new Set<number>();

  /** Opens a session with its own transaction. */
  connect(): MemorySession {
    const id = this.nextId++;
    this.alive.add(id);
    return new MemorySession(this, id);
  }

  /** The processlist lookup the apply loop uses for in-doubt decisions. */
  async process(connectionId: number): Promise<ProcessInfo> {
    return { alive: this.alive.has(connectionId), seconds: 0 };
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
  private tx: State;
  private savepoint: State | null = null;
  readonly history: HistoryWriter;

  constructor(private readonly server: MemoryServer, readonly connectionId: number) {
    this.tx = clone(server.committed);
    const self = this;
    this.history = {
      async load() {
        self.guard();
        return [...self.tx.history.values()].map((r) => structuredClone(r));
      },
      async put(rec) {
        self.step();
        self.tx.history.set(rec.changeId, structuredClone(rec));
      },
      async progress(changeId, applied, inFlight, connectionId) {
        self.step();
        const rec = self.tx.history.get(changeId);
        if (!rec) throw new Error(`no history row for ${changeId}`);
        Object.assign(rec, { statementsApplied: applied, inFlight, connectionId });
      },
    };
  }

  private guard(): void {
    if (this.dead) throw new Crash('the runner is dead');
  }

  private step(): void {
    this.guard();
    this.server.tick(this);
  }

  async commit(): Promise<void> {
    this.step();
    this.server.committed = clone(this.tx);
    this.savepoint = null;
  }

  async rollback(): Promise<void> {
    this.step();
    this.tx = clone(this.server.committed);
    this.savepoint = null;
  }

  async run(sql: string): Promise<RunResult> {
    const text = sql.trim();
    if (/^SAVEPOINT /i.test(text)) {
      this.step();
      this.savepoint = clone(this.tx);
      return { rows: null, affectedRows: 0 };
    }
    if (/^ROLLBACK TO SAVEPOINT /i.test(text)) {
      this.step();
      if (!this.savepoint) throw new StatementError('SAVEPOINT changegate_statement does not exist', 1305, '42000', false);
      this.tx = clone(this.savepoint);
      return { rows: null, affectedRows: 0 };
    }
    if (/^SELECT /i.test(text)) {
      this.step();
      const m = /^SELECT COUNT\(\*\) FROM trace WHERE v = '([^']*)'/i.exec(text);
      return { rows: [[m ? this.tx.trace.filter((t) => t === m[1]).length : 1]], affectedRows: 0 };
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
    if (dml && dml[1] === 'DEADLOCK' && this.server.deadlocks > 0) {
      this.step();
      // A deadlock undoes the whole transaction.
      this.server.deadlocks--;
      this.tx = clone(this.server.committed);
      this.savepoint = null;
      throw new StatementError('Deadlock found when trying to get lock; try restarting transaction', 1213, '40001', false);
    }
    if (dml) {
      this.step();
      this.tx.trace.push(dml[1]!);
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
        this.tx = clone(this.server.committed);
        throw new StatementError('Deadlock found when trying to get lock; try restarting transaction', 1213, '40001', false);
      }
      // A procedure's DML joins the open transaction, as it does in MySQL.
      this.tx.trace.push(text.toLowerCase());
      return { rows: null, affectedRows: 0 };
    }
    const analyze = /^ANALYZE TABLE (\w+)$/i.exec(text);
    if (analyze) {
      // Commits implicitly on its own, like the schema DDL it is not classified as.
      this.step();
      this.tx.trace.push(`analyze ${analyze[1]}`);
      this.server.committed = clone(this.tx);
      return { rows: null, affectedRows: 0 };
    }
    const ddl = /^CREATE TABLE (\w+)/i.exec(text);
    if (ddl) {
      this.guard();
      // Implicit commit first, then the statement, which commits on its own.
      this.server.committed = clone(this.tx);
      this.savepoint = null;
      try {
        this.server.tick(this);
      } catch (crash) {
        if (this.server.ddlCompletesOnCrash) this.server.committed.trace.push(ddl[1]!);
        throw crash;
      }
      this.tx.trace.push(ddl[1]!);
      this.server.committed = clone(this.tx);
      return { rows: null, affectedRows: 0 };
    }
    throw new Error(`memory target does not understand: ${text}`);
  }
}
