// A statement run through an online schema change tool: a process changegate does not control,
// working on connections of its own. Exactly once still holds because the loop records, before the
// tool starts, what the table looked like and what the statement must make of it; whatever happens
// to changegate or to the tool, the live schema then says which of four things is true:
//   - the table has the definition the statement makes: it is applied (the swap happened);
//   - the tool's sessions are still on the server: it is still running, and is waited for;
//   - the table is as it was: it did not apply; the tool's leftovers (tables and triggers that were
//     not there before and hold the table's name) are removed by name, and it runs again;
//   - anything else: in doubt, with what was found, for a person to decide.
// Nothing that stood before the tool started is ever removed.
import type { OnlineMark } from './types.js';

/** What the server shows around a table an online statement rebuilds. */
export interface OnlineLook {
  /** Fingerprint of the table's definition now; null when no table has that name. */
  definition: string | null;
  /** Tables and triggers in the schema whose names hold the table's name, other than the table itself: `table x`, `trigger y`. */
  objects: string[];
  /** Sessions of our database user besides this run's own, which may be the tool's: id, seconds, what it runs. */
  sessions: { id: number; seconds: number; info: string | null }[];
}

/** What the loop reads before the tool starts. */
export interface OnlinePrepared {
  /** Fingerprint of the table's definition now. */
  before: string;
  /** Fingerprint of the definition the clauses make (read from an empty copy the clauses were applied to). */
  after: string;
  /** The objects around the table now (see OnlineLook.objects). */
  existing: string[];
}

/** One run of the tool. */
export interface OnlineJob {
  changeId: string;
  statement: number;
  /** The table, unqualified, in the target schema. */
  table: string;
  /** The ALTER TABLE clauses the tool applies. */
  clauses: string;
  /** The plan's row estimate for the table, which the tool's own estimate must roughly agree with. */
  rows: number | null;
}

/** What the tool reports as it works; the CLI turns these into progress lines. */
export interface OnlineEvents {
  /** A line of progress in words: copied share, rows, time left, a pause and its cause. */
  progress?(job: OnlineJob, line: string): void;
}

/** The port to an online schema change tool and the schema it works in. */
export interface OnlineTool {
  /** Which tool, as the plan names it. */
  readonly name: string;
  /** Rejects with the reason when the tool cannot run on this runner: said before any statement of the run. */
  check(): Promise<void>;
  /** Reads the table's definition, the one the clauses make, and what stands around it; rejects when the server refuses the clauses. */
  prepare(table: string, clauses: string): Promise<OnlinePrepared>;
  /** Runs the tool to the end; rejects with its reason in one line when it fails or was stopped. */
  run(job: OnlineJob, events: OnlineEvents): Promise<{ copySeconds: number; swapSeconds: number | null }>;
  /** What the server shows around the table now. */
  look(table: string): Promise<OnlineLook>;
  /** Drops exactly these objects (`table x`, `trigger y`) from the target schema. */
  remove(objects: string[]): Promise<void>;
}

/** The outcome of an online statement, decided from its mark and the live schema. */
export type OnlineVerdict =
  | { kind: 'applied'; leftovers: string[] }
  | { kind: 'running'; sessions: OnlineLook['sessions'] }
  | { kind: 'not-applied'; leftovers: string[] }
  | { kind: 'in-doubt'; found: string };

/** Decides an online statement's outcome (see the top of this file). */
export function onlineVerdict(mark: OnlineMark, look: OnlineLook): OnlineVerdict {
  if (look.sessions.length > 0) return { kind: 'running', sessions: look.sessions };
  const before = new Set(mark.existing);
  const leftovers = look.objects.filter((o) => !before.has(o));
  if (look.definition === mark.after) return { kind: 'applied', leftovers };
  if (look.definition === mark.before) return { kind: 'not-applied', leftovers };
  const around = leftovers.length > 0 ? `; beside it: ${leftovers.join(', ')}` : '';
  return {
    kind: 'in-doubt',
    found:
      look.definition === null
        ? `table ${mark.table} is missing${around}`
        : `table ${mark.table} has neither its definition from before statement ${mark.statement} nor the one the statement makes${around}`,
  };
}

/** The mark the loop records before the tool starts. */
export function onlineMark(statement: number, tool: string, table: string, prepared: OnlinePrepared): OnlineMark {
  return { statement, tool, table, before: prepared.before, after: prepared.after, existing: [...prepared.existing] };
}

/** Whether a plan runs any statement through a tool. */
export function plansOnline(changes: { statements: { online?: { tool: string | null } }[] }[]): boolean {
  return changes.some((c) => c.statements.some((s) => !!s.online?.tool));
}
