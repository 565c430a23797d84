// Which statements of a shadow replay may run at the same time on different connections, so that a
// replay of thousands of CREATE TABLE statements is not one round trip after another, while every
// outcome (the schema built, the first statement that fails) stays what running them one by one in
// order gives. The rule is conservative: only statements whose every object can be read from the
// one structural reading run beside others, and only when they share no object with what runs.
//
// - A table statement (CREATE TABLE without a SELECT, ALTER TABLE without a rename or partition
//   exchange, CREATE/DROP INDEX) names its objects: its table, a LIKE source, every table after
//   REFERENCES. Tables that foreign keys link anywhere in the replay count as one object, so that a
//   parent's ALTER never overtakes the child's statement that drops the key. Every statement that
//   mentions a constraint (CONSTRAINT, FOREIGN, REFERENCES, CHECK) also shares one object: some
//   servers keep those names per schema, so their order decides which one collides.
// - Any other schema-object statement (views, routines, triggers, events, DROP and RENAME TABLE, a
//   statement naming another schema or reading a variable) is a barrier: it waits for everything
//   before it, and everything after waits for it.
// - A statement that may change the session (SET, USE, DML, CALL, temporary tables, anything not
//   recognised) runs on the first connection, and so does everything after it, one at a time: the
//   other connections would not see what it set.
import { codeTokens } from './lexer.js';
import { isWord } from '../lint/syntax.js';
import { readRef, structureOf, type TableRef } from './structure.js';

/** How one statement of a replay is scheduled. */
export interface ReplaySlot {
  /** Indexes of earlier statements that must have finished before this one starts. */
  after: number[];
  /** True when the statement must run on the first connection (a barrier or a session statement, and everything after one). */
  first: boolean;
}

type Reading = { kind: 'objects'; tables: string[]; constraint: boolean } | { kind: 'barrier' } | { kind: 'session' };

const key = (ref: TableRef): string => ref.name.toLowerCase();

// What one statement touches, as far as the ordering goes.
function read(sql: string): Reading {
  const tokens = codeTokens(sql);
  const s = structureOf(tokens);
  if (tokens.some((t) => t.type === 'variable')) return { kind: 'session' };
  const isTableDdl =
    (s.kind === 'create' && (s.object === 'table' || s.object === 'index')) ||
    (s.kind === 'alter-table') ||
    (s.kind === 'drop' && s.object === 'index');
  if (!isTableDdl) {
    if (s.temporary) return { kind: 'session' };
    if (s.kind === 'create' || s.kind === 'drop' || s.kind === 'alter' || s.kind === 'rename-table' || s.kind === 'rename') return { kind: 'barrier' };
    return { kind: 'session' };
  }
  if (s.temporary) return { kind: 'session' };
  if (s.renames.length > 0 || (s.alter && s.alter.exchange.length > 0)) return { kind: 'barrier' };
  // CREATE TABLE ... SELECT (or AS TABLE t) reads other tables and may call functions; a MERGE
  // table's UNION=(...) names tables without REFERENCES.
  if (tokens.some((t) => isWord(t, 'SELECT', 'UNION')) || tokens.filter((t) => isWord(t, 'TABLE')).length > 1) return { kind: 'barrier' };
  const refs: TableRef[] = [...s.targets];
  if (s.on) refs.push(s.on);
  if (s.like) refs.push(s.like);
  let constraint = false;
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k]!;
    if (isWord(t, 'CONSTRAINT', 'FOREIGN', 'REFERENCES', 'CHECK')) constraint = true;
    if (isWord(t, 'REFERENCES')) {
      const r = readRef(tokens, k + 1);
      if (!r) return { kind: 'barrier' };
      refs.push(r.ref);
    }
  }
  if (refs.length === 0 || refs.some((r) => r.schema !== null)) return { kind: 'barrier' };
  return { kind: 'objects', tables: refs.map(key), constraint };
}

/**
 * Schedules `statements` (their SQL, in replay order): for each, the earlier statements it waits for
 * and whether it runs on the first connection. Running each statement once those have finished
 * gives the outcome of running all of them one by one in order.
 */
export function replayOrder(statements: string[]): ReplaySlot[] {
  const readings = statements.map(read);
  // Tables linked by a foreign key anywhere in the replay are one object.
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let r = x;
    while (parent.has(r) && parent.get(r) !== r) r = parent.get(r)!;
    parent.set(x, r);
    return r;
  };
  for (const r of readings) {
    if (r.kind !== 'objects' || r.tables.length < 2) continue;
    const root = find(r.tables[0]!);
    for (const t of r.tables.slice(1)) {
      const other = find(t);
      if (other !== root) parent.set(other, root);
    }
  }
  const CONSTRAINTS = '\0constraints';
  const slots: ReplaySlot[] = [];
  const last = new Map<string, number>();
  let barrier = -1;
  let sinceBarrier: number[] = [];
  let sequential = false;
  readings.forEach((r, i) => {
    if (sequential || r.kind !== 'objects') {
      // A barrier waits for everything since the previous one (which itself waited for the rest).
      const after = sequential ? [i - 1] : barrier >= 0 ? [barrier, ...sinceBarrier] : [...sinceBarrier];
      slots.push({ after: after.filter((x) => x >= 0), first: true });
      if (r.kind === 'session') sequential = true;
      barrier = i;
      sinceBarrier = [];
      last.clear();
      return;
    }
    const objects = new Set(r.tables.map(find));
    if (r.constraint) objects.add(CONSTRAINTS);
    const after = new Set<number>();
    if (barrier >= 0) after.add(barrier);
    for (const o of objects) {
      const prev = last.get(o);
      if (prev !== undefined) after.add(prev);
      last.set(o, i);
    }
    slots.push({ after: [...after].sort((a, b) => a - b), first: false });
    sinceBarrier.push(i);
  });
  return slots;
}
