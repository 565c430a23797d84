// Which tables and objects a statement may write or drop: what `snapshot_method: tables` must copy
// before a destructive change runs, and what `restore` checks later changes against. Deliberately
// small and conservative: a table that is only read in a multi-table UPDATE is copied too, since a
// copy too many costs rows while a copy too few loses data.
import { codeTokens } from '../sql/lexer.js';
import { isWord } from '../lint/syntax.js';
import { structureOf, structureOfSql, tableReferences, type Structure, type TableRef } from '../sql/structure.js';

/** A possibly schema-qualified name; `schema` undefined means the schema the change runs in. */
export interface ObjectName {
  schema?: string;
  name: string;
}

/** Kinds of objects besides tables whose definitions a backup keeps when a statement drops or replaces them. */
export type ObjectKind = 'view' | 'procedure' | 'function' | 'trigger' | 'event';

/** What one statement may write or drop. */
export interface StatementTargets {
  /** Tables (or views written through) whose rows or definition the statement may change or drop. */
  tables: ObjectName[];
  /** Views, routines, triggers and events it drops or replaces. */
  objects: { kind: ObjectKind; name: ObjectName }[];
  /** Procedures it calls: their bodies say what they write. */
  calls: ObjectName[];
  /** Why the statement's targets cannot be known (DROP DATABASE, dynamic SQL); undefined when they can. */
  unknown?: string;
}

const OBJECT_KINDS: Record<string, ObjectKind> = { view: 'view', procedure: 'procedure', function: 'function', trigger: 'trigger', event: 'event' };

function nameOfRef(r: TableRef): ObjectName {
  return r.schema !== null ? { schema: r.schema, name: r.name } : { name: r.name };
}

/** The tables and objects one statement may write or drop. */
export function statementTargets(sql: string): StatementTargets {
  return targetsOf(structureOfSql(sql));
}

function targetsOf(s: Structure): StatementTargets {
  const out: StatementTargets = { tables: [], objects: [], calls: [] };
  const tables = (refs: TableRef[]) => out.tables.push(...refs.map(nameOfRef));
  const kind = s.object ? OBJECT_KINDS[s.object] : undefined;
  switch (s.kind) {
    case 'alter-table':
      // EXCHANGE PARTITION swaps rows with another table, which changes too.
      tables([...s.targets, ...s.alter!.exchange]);
      return out;
    case 'alter':
      if (kind === 'view') out.objects.push(...s.targets.map((n) => ({ kind, name: nameOfRef(n) })));
      return out;
    case 'drop':
      if (s.temporary) return out;
      if (s.object === 'database' || s.object === 'schema') return { ...out, unknown: 'it drops a whole schema' };
      if (s.object === 'table') tables(s.targets);
      else if (s.object === 'index') tables(s.on ? [s.on] : []);
      else if (kind) out.objects.push(...s.targets.map((n) => ({ kind, name: nameOfRef(n) })));
      return out;
    case 'truncate':
    case 'rename-table':
    case 'update':
    case 'delete':
      tables(s.targets);
      return out;
    case 'insert':
    case 'replace':
    case 'load':
      if (s.overwrites >= 0) tables(s.targets);
      return out;
    case 'create':
      if (!s.orReplace) return out;
      if (s.object === 'table') tables(s.targets);
      else if (kind) out.objects.push(...s.targets.map((n) => ({ kind, name: nameOfRef(n) })));
      return out;
    case 'call':
      out.calls.push(...s.targets.map(nameOfRef));
      return out;
    case 'dynamic':
      return { ...out, unknown: 'it runs SQL built at run time' };
    default:
      return out;
  }
}

/** Tables a compound body (a trigger's or procedure's) may write: every write statement inside it. */
export function bodyWrites(sql: string): ObjectName[] {
  const t = codeTokens(sql);
  const out: ObjectName[] = [];
  for (let j = 0; j < t.length; j++) {
    // A write verb anywhere in the body starts a statement of its own (ON UPDATE / ON DELETE are foreign-key words).
    if (!isWord(t[j], 'INSERT', 'REPLACE', 'UPDATE', 'DELETE', 'TRUNCATE') || isWord(t[j - 1], 'ON', 'KEY')) continue;
    out.push(...structureOf(t, j).targets.map(nameOfRef));
  }
  return out;
}

/** Tables a view's definition reads from (FROM and JOIN lists at any depth): writes through the view land there. */
export function viewBaseTables(sql: string): ObjectName[] {
  const t = codeTokens(sql);
  const out: ObjectName[] = [];
  for (let j = 0; j < t.length; j++) {
    if (isWord(t[j], 'FROM', 'JOIN', 'STRAIGHT_JOIN')) out.push(...tableReferences(t, j + 1).map((r) => nameOfRef(r.ref)));
  }
  const seen = new Set<string>();
  return out.filter((n) => {
    const k = `${n.schema ?? ''}.${n.name}`.toLowerCase();
    return seen.has(k) ? false : (seen.add(k), true);
  });
}

/**
 * Every table a statement changes in any way, additive ones included (INSERT, CREATE INDEX, a
 * trigger created on it): what `restore` checks later changes against, since putting a table back
 * undoes those too.
 */
export function touchedNames(sql: string): ObjectName[] {
  const s = structureOfSql(sql);
  const found = targetsOf(s);
  const out = [...found.tables, ...found.objects.map((o) => o.name)];
  if (s.kind === 'insert' || s.kind === 'replace') out.push(...s.targets.map(nameOfRef));
  else if (s.kind === 'create') {
    if (s.object === 'table') out.push(...s.targets.map(nameOfRef));
    else if (s.on) out.push(nameOfRef(s.on));
  }
  return out;
}
