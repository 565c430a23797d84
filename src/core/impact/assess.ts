// The plan's impact pass: walks the pending statements in order over a model of their tables (the
// live facts, evolved by each earlier statement of the plan), gives each statement its Impact, checks
// the `max_copy_rows` bound, and lists the pre-check queries that can run now. A check whose table an
// earlier pending statement changes cannot be judged from today's rows: it says when it will run.
import { codeTokens } from '../sql/lexer.js';
import { structureOf } from '../sql/structure.js';
import { isWord, verbIndex } from '../lint/syntax.js';
import type { PlannedChange, PlannedStatement } from '../plan-types.js';
import { deferred, preChecks, refKey, type PreCheck } from './checks.js';
import { parseDdl, tablesOf, type DdlSpec } from './ddl.js';
import { caseInsensitiveKey, evolveInPlace } from './model.js';
import { decideImpact, estimateSeconds } from './rules.js';
import { onlineDecision, type OnlineOptions } from './online.js';
import { batchShape } from '../backfill/statement.js';
import { batchPlan, type BatchPlan } from '../backfill/plan.js';
import type { CheckResult, Impact, ImpactDecision, ServerFacts, TableFacts } from './types.js';
import { thousands } from '../numbers.js';
import { quoteIdent } from '../sql/quote.js';
import { blocksWrites } from './blocking.js';

/** The code of a batched statement whose table cannot be walked. */
export const BATCH_CODE = 'CG403';

/** The code of the `max_copy_rows` refusal. */
export const COPY_BOUND_CODE = 'CG401';

/** The rules the pass applies; the impact rules and model in this folder, or a test's stand-ins. */
export interface ImpactRules {
  decide(spec: DdlSpec, table: TableFacts | undefined, server: ServerFacts): ImpactDecision;
  seconds(table: TableFacts | undefined, decision: ImpactDecision, spec: DdlSpec): number | null;
  /** Moves the pass's own model past the statement: tables created, altered, renamed or dropped (absent from the map). */
  evolve(model: Map<string, TableFacts>, spec: DdlSpec, schema: string): void;
}

/** The rules and model of this folder. */
export const IMPACT_RULES: ImpactRules = {
  decide: decideImpact,
  seconds: estimateSeconds,
  evolve: evolveInPlace,
};

/** What the pass needs besides the plan. */
export interface AssessInput {
  /** The changes to judge, in run order; statements before `resumeFrom` are not judged. */
  changes: PlannedChange[];
  /** The schema unqualified names are in. */
  schema: string;
  server: ServerFacts;
  /** Facts read from the target, keyed `schema.table`. */
  live: Map<string, TableFacts>;
  /** The environment's `max_copy_rows`, when set, and its name for messages. */
  maxCopyRows?: number;
  environment: string;
  /** Default IMPACT_RULES. */
  rules?: ImpactRules;
  /** The environment's online schema change tool, when it has one: blocking ALTERs on big tables go through it. */
  online?: OnlineOptions;
}

/** Statement kinds whose impact the rules judge: DML, views and the rest get `impact: null`. */
const JUDGED = new Set<DdlSpec['kind']>(['alter-table', 'create-index', 'drop-index', 'optimize-table', 'create-table', 'drop-table', 'truncate', 'rename-table']);
/** Kinds that may copy a table, which `max_copy_rows` bounds. */
const COPYING = new Set<DdlSpec['kind']>(['alter-table', 'create-index', 'drop-index', 'optimize-table']);

/** A parsed statement, cached: plan, apply and the bench ask for the same text again. */
function parsed(sql: string): DdlSpec | null {
  let spec = specs.get(sql);
  if (spec === undefined) {
    spec = parseDdl(sql);
    specs.set(sql, spec);
  }
  return spec;
}
const specs = new Map<string, DdlSpec | null>();

/** Every `schema.table` the pending statements name (their targets and the parents of new foreign keys). */
export function tablesToRead(changes: PlannedChange[], schema: string): { schema: string; name: string }[] {
  const seen = new Map<string, { schema: string; name: string }>();
  for (const c of changes) {
    for (const s of pending(c)) {
      const spec = parsed(s.sql);
      if (!spec && !s.marker) continue;
      const refs = spec ? [...tablesOf(spec)] : [];
      // A batched statement walks its table's key: the facts say which.
      const shape = s.marker ? batchShape(s.sql) : null;
      if (shape && !('error' in shape)) refs.push(shape.table);
      for (const cl of spec?.clauses ?? []) if (cl.kind === 'add-foreign-key') refs.push(cl.foreignKey.refTable);
      for (const r of refs) seen.set(refKey(r, schema), { schema: r.schema ?? schema, name: r.name });
    }
  }
  return [...seen.values()];
}

/**
 * Sets each pending statement's `impact` and `reason`, drops the lint notice CG301 where the impact
 * now answers it, sets each change's `checks` to the bound's verdicts and the deferred checks, and
 * returns the pre-checks to run now, per change.
 */
export function assessChanges(input: AssessInput): Map<PlannedChange, PreCheck[]> {
  const { schema, server } = input;
  const rules = input.rules ?? IMPACT_RULES;
  const model = new Map(input.live);
  // Who changed each table first, of the statements judged so far: `*` for a statement whose writes
  // cannot be told (CALL, say).
  const changedBy = new Map<string, { change: PlannedChange; n: number }>();
  const out = new Map<PlannedChange, PreCheck[]>();
  // Tables the plan creates empty and no statement has written rows into yet.
  const empty = new Set<string>();
  for (const change of input.changes) {
    // Of those, the ones this change creates, by the statement that does: until the change ends no
    // one else has a reason to use them (a later change's run may find the application writing there).
    const createdHere = new Map<string, number>();
    const results: CheckResult[] = [];
    const ready: PreCheck[] = [];
    const answered = new Set<string>();
    for (const s of pending(change)) {
      if (s.marker) {
        const planned = plannedBatch(s, schema, model);
        if ('error' in planned) results.push({ code: BATCH_CODE, statement: s.n, outcome: 'fail', count: null, message: `statement ${s.n} cannot be batched: ${planned.error}` });
        else s.batch = planned;
      }
      const spec = parsed(s.sql);
      if (!spec) {
        s.impact = null;
        continue;
      }
      const target = spec.table ? refKey(spec.table, schema) : null;
      const facts = target ? (lookup(model, target) ?? null) : null;
      if (JUDGED.has(spec.kind) && target) {
        const decision = rules.decide(spec, facts ?? undefined, server);
        s.impact = impactOf(target, facts, decision, rules.seconds(facts ?? undefined, decision, spec));
        // A table the statement creates starts empty (unless a query fills it).
        if (spec.kind === 'create-table' && !facts && !spec.create?.asSelect) Object.assign(s.impact, { rows: 0, bytes: 0 });
        s.reason = decision.reason;
        const creator = createdHere.get(target.toLowerCase());
        if (creator !== undefined && empty.has(target.toLowerCase()) && spec.kind !== 'create-table' && blocksWrites(s.impact)) {
          s.impact.fresh = true;
          const name = quoteIdent(spec.table!.name);
          s.reason += ` ${name} is new: statement ${creator} of this change creates it empty and nothing writes to it before this statement, so no one waits for it.`;
        }
        if (facts) answered.add(`${s.file}:${s.line}`);
        const online = input.online ? onlineDecision(s.sql, spec, s.impact, facts, input.online) : null;
        if (online) s.online = online;
        const bound = online?.tool ? null : copyBound(input, s, spec, facts);
        if (bound) results.push(bound);
      } else {
        s.impact = null;
      }

      for (const check of preChecks({ spec, statement: s.n, schema, facts: model })) {
        // A table the plan creates and nothing has filled yet holds no row to check.
        if (check.tables.every((k) => empty.has(k.toLowerCase()))) continue;
        const hits = [...check.tables.map((k) => k.toLowerCase()), ...check.columns, '*'].filter((k) => changedBy.has(k));
        // The same change's own earlier statement is the reason that still holds at apply time.
        const hit = hits.find((k) => changedBy.get(k)!.change === change) ?? hits[0];
        const first = hit ? changedBy.get(hit) : undefined;
        if (!first) {
          // Facts of a table the plan itself creates or rebuilt are a model, not rows to query.
          if (check.tables.every((k) => lookup(input.live, k))) ready.push(check);
          continue;
        }
        const table = hit === '*' ? check.tables[0]! : hit!.replace('#', '.');
        results.push(
          first.change === change
            ? deferred(check, `cannot be verified before ${change.id} starts, since its statement ${first.n} changes ${table} first; verify it by hand, or move the statement into a change of its own`)
            : deferred(check, `verified at apply time, right before ${change.id} starts, since ${first.change.id} (statement ${first.n}) changes ${table} first`),
        );
      }

      // CREATE TABLE IF NOT EXISTS over a table already there creates and writes nothing: its rows are still checked.
      const existing = spec.kind === 'create-table' && target !== null && lookup(model, target) !== undefined;
      const writes = existing ? [] : written(spec, s.sql, schema);
      // Per key, the first writer within the latest change that wrote it.
      for (const k of writes) if (changedBy.get(k)?.change !== change) changedBy.set(k, { change, n: s.n });
      if (spec.kind === 'create-table' && target && !spec.create?.asSelect) {
        const created = !existing;
        if (created) empty.add(target.toLowerCase());
        // A name the target has today (dropped and created again) may be in use by the application.
        if (created && !lookup(input.live, target)) createdHere.set(target.toLowerCase(), s.n);
      } else if (['other', 'update', 'delete', 'rename-table'].includes(spec.kind)) {
        // These statements write whole tables (or `*`), never a single column.
        for (const k of writes) empty.delete(k);
        if (writes.includes('*')) empty.clear();
      }
      // The model is the pass's own copy of the live facts, moved on one statement at a time.
      if (JUDGED.has(spec.kind)) rules.evolve(model, spec, schema);
    }
    change.diagnostics = change.diagnostics.filter((d) => !(d.code === 'CG301' && answered.has(`${d.file}:${d.line}`)));
    change.checks = results;
    out.set(change, ready);
  }
  return out;
}

// A marked statement's batch plan over the table it walks, as the plan's model has it now.
function plannedBatch(s: PlannedStatement, schema: string, model: Map<string, TableFacts>): BatchPlan | { error: string } {
  const shape = batchShape(s.sql);
  if ('error' in shape) return shape;
  const facts = lookup(model, refKey(shape.table, schema));
  if (!facts) return { error: `the table it walks, ${refKey(shape.table, schema)}, could not be read` };
  return batchPlan(s.sql, s.marker!, facts);
}

/** The statements a run of the change would send. */
function pending(c: PlannedChange): PlannedStatement[] {
  return c.statements.filter((s) => s.n >= c.resumeFrom);
}

function lookup(model: Map<string, TableFacts>, k: string): TableFacts | undefined {
  const exact = model.get(k);
  if (exact) return exact;
  const key = caseInsensitiveKey(model, k);
  return key === undefined ? undefined : model.get(key);
}

function impactOf(table: string, facts: TableFacts | null, d: ImpactDecision, seconds: number | null): Impact {
  return {
    table,
    rows: facts ? facts.rows : null,
    bytes: facts ? facts.dataBytes + facts.indexBytes : null,
    algorithm: d.algorithm,
    lock: d.lock,
    rebuild: d.rebuild,
    seconds,
  };
}

/** Whether an impact blocks writes (see blocking.ts). */
export { blocksWrites } from './blocking.js';

function copyBound(input: AssessInput, s: PlannedStatement, spec: DdlSpec, facts: TableFacts | null): CheckResult | null {
  const i = s.impact;
  if (input.maxCopyRows === undefined || !i || !facts || !COPYING.has(spec.kind)) return null;
  if (i.algorithm !== 'copy' && i.algorithm !== null) return null;
  if (facts.rows <= input.maxCopyRows) return null;
  const how = i.algorithm === 'copy' ? 'copies the table' : 'may copy the table (the rules cannot tell how the server runs it)';
  return {
    code: COPY_BOUND_CODE,
    statement: s.n,
    outcome: 'fail',
    count: facts.rows,
    message:
      `${i.table}: statement ${s.n} ${how} and blocks writes for as long as that runs, on about ${thousands(facts.rows)} rows, ` +
      `over max_copy_rows (${thousands(input.maxCopyRows)}) of ${input.environment}; ` +
      `use a form that runs INSTANT or INPLACE if one exists (one ALTER per clause, ALGORITHM stated), an expand/contract sequence ` +
      `(add the new shape, backfill in batches, switch readers, drop the old), ` +
      (s.online ? `or a form the online tool can run (${s.online.reason})` : `or set online_schema_change on ${input.environment} to run it through pt-online-schema-change`),
  };
}

// How much of a statement `written` lexes first.
const HEAD_CHARS = 400;

/**
 * What a statement changes that a later check may read, lower case: `schema.table` for its rows,
 * `schema.table#column` for one column's values, `*` when it cannot be told. An ALTER that only adds
 * indexes, keys or options changes no value a check reads.
 */
function written(spec: DdlSpec, sql: string, schema: string): string[] {
  if (spec.kind === 'alter-table' && spec.table) {
    const t = refKey(spec.table, schema).toLowerCase();
    const out: string[] = [];
    for (const c of spec.clauses) {
      if (c.kind === 'add-column') out.push(`${t}#${c.column.name}`.toLowerCase());
      else if (c.kind === 'drop-column') out.push(`${t}#${c.name}`.toLowerCase());
      else if (c.kind === 'change-column') out.push(`${t}#${c.from}`.toLowerCase(), `${t}#${c.column.name}`.toLowerCase());
      else if (c.kind === 'rename-column') out.push(`${t}#${c.from}`.toLowerCase(), `${t}#${c.to}`.toLowerCase());
      else if (['convert-charset', 'rename-table', 'partition', 'unknown'].includes(c.kind)) out.push(t);
    }
    for (const r of spec.renames) out.push(refKey(r.to, schema).toLowerCase());
    return out;
  }
  if (spec.kind === 'create-index' || spec.kind === 'drop-index' || spec.kind === 'optimize-table') return [];
  if (spec.kind !== 'other') {
    const out = tablesOf(spec).map((r) => refKey(r, schema).toLowerCase());
    for (const r of spec.renames) out.push(refKey(r.to, schema).toLowerCase());
    return out;
  }
  // The verb and the table come first: a data load's long VALUES list is not lexed for them, unless
  // its head (a long comment, say) does not hold them.
  const head = sql.length > HEAD_CHARS ? sql.slice(0, HEAD_CHARS) : null;
  let t = codeTokens(head ?? sql);
  // The head's last token may be cut short.
  if (head !== null) t.pop();
  let v = verbIndex(t);
  // Up to three words before the name, then `schema.table`: seven tokens from the verb on.
  if (head !== null && (v < 0 || t.length < v + 7)) {
    t = codeTokens(sql);
    v = verbIndex(t);
  }
  if (v < 0) return [];
  if (isWord(t[v], 'INSERT', 'REPLACE')) {
    const into = structureOf(t, v).targets[0];
    return [into ? refKey(into, schema).toLowerCase() : '*'];
  }
  if (isWord(t[v], 'CALL', 'EXECUTE', 'LOAD', 'HANDLER', 'IMPORT')) return ['*'];
  return [];
}
