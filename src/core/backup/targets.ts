// Which tables and objects a statement may write or drop: what `snapshot_method: tables` must copy
// before a destructive change runs, and what `restore` checks later changes against. Deliberately
// small and conservative: a table that is only read in a multi-table UPDATE is copied too, since a
// copy too many costs rows while a copy too few loses data.
import { codeTokens, type Token } from '../sql/lexer.js';
import { closeParen, isName, isPunct, isWord, nameOf, parseAlterTable, readName, verbIndex } from '../lint/syntax.js';

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

const OBJECT_KINDS: Record<string, ObjectKind> = { VIEW: 'view', PROCEDURE: 'procedure', FUNCTION: 'function', TRIGGER: 'trigger', EVENT: 'event' };
// Words that end a table reference list (UPDATE ... SET, DELETE ... WHERE, FROM ... USING).
const LIST_END = new Set(['SET', 'WHERE', 'ORDER', 'LIMIT', 'USING', 'FROM', 'RETURNING', 'PARTITION', 'VALUES', 'VALUE', 'SELECT', 'ON', 'ONLY']);
const JOIN_WORDS = new Set(['JOIN', 'STRAIGHT_JOIN']);

function nameFrom(parts: string[]): ObjectName {
  return parts.length >= 2 ? { schema: parts[parts.length - 2]!, name: parts[parts.length - 1]! } : { name: parts[0]! };
}

function code(sql: string): Token[] {
  return codeTokens(sql);
}

/** The tables and objects one statement may write or drop. */
export function statementTargets(sql: string): StatementTargets {
  const t = code(sql);
  const out: StatementTargets = { tables: [], objects: [], calls: [] };
  const k = verbIndex(t);
  if (k < 0 || t[k]!.type !== 'word') return out;
  const verb = t[k]!.value;
  const d = t[k]!.depth;
  // Names a WITH list defines are not tables: nothing of them outlives the statement.
  const ctes = new Set<string>();
  for (let j = 1; j < k; j++) {
    if (isName(t[j]) && (isWord(t[j - 1], 'WITH', 'RECURSIVE') || isPunct(t[j - 1], ',')) && (isWord(t[j + 1], 'AS') || isPunct(t[j + 1], '('))) {
      ctes.add(nameOf(t[j]!).toLowerCase());
    }
  }
  const result = targetsOf(t, k, verb, d, out);
  result.tables = result.tables.filter((n) => n.schema !== undefined || !ctes.has(n.name.toLowerCase()));
  return result;
}

function targetsOf(t: Token[], k: number, verb: string, d: number, out: StatementTargets): StatementTargets {
  const readList = (from: number, stop: (tok: Token) => boolean): ObjectName[] => {
    const names: ObjectName[] = [];
    let j = from;
    while (j < t.length) {
      while (isWord(t[j], 'IF', 'EXISTS', 'NOT')) j++;
      const n = readName(t, j);
      if (!n) break;
      names.push(nameFrom(n.parts));
      j = n.next;
      while (j < t.length && !isPunct(t[j], ',') && !stop(t[j]!)) j++;
      if (!isPunct(t[j], ',')) break;
      j++;
    }
    return names;
  };
  switch (verb) {
    case 'ALTER': {
      const alter = parseAlterTable(t, k);
      if (alter?.table) {
        out.tables.push(nameFrom(alter.table.parts));
        // EXCHANGE PARTITION swaps rows with another table, which changes too.
        for (let j = alter.at; j < t.length; j++) {
          if (isWord(t[j], 'EXCHANGE')) {
            for (let m = j; m < t.length; m++) {
              if (isWord(t[m], 'TABLE')) {
                const other = readName(t, m + 1);
                if (other) out.tables.push(nameFrom(other.parts));
                break;
              }
            }
          }
        }
        return out;
      }
      const kind = objectAfter(t, k + 1, 6);
      if (kind && kind.kind === 'view') out.objects.push({ kind: 'view', name: kind.name });
      return out;
    }
    case 'DROP': {
      let j = k + 1;
      if (isWord(t[j], 'TEMPORARY')) return out;
      if (isWord(t[j], 'DATABASE', 'SCHEMA')) return { ...out, unknown: 'it drops a whole schema' };
      if (isWord(t[j], 'TABLE', 'TABLES')) {
        out.tables.push(...readList(j + 1, (tok) => isWord(tok, 'RESTRICT', 'CASCADE')));
        return out;
      }
      if (isWord(t[j], 'INDEX')) {
        for (; j < t.length; j++) {
          if (isWord(t[j], 'ON')) {
            const n = readName(t, j + 1);
            if (n) out.tables.push(nameFrom(n.parts));
            break;
          }
        }
        return out;
      }
      const kind = t[j]?.type === 'word' ? OBJECT_KINDS[t[j]!.value] : undefined;
      if (kind) for (const name of readList(j + 1, () => false)) out.objects.push({ kind, name });
      return out;
    }
    case 'TRUNCATE': {
      const n = readName(t, isWord(t[k + 1], 'TABLE') ? k + 2 : k + 1);
      if (n) out.tables.push(nameFrom(n.parts));
      return out;
    }
    case 'RENAME': {
      if (!isWord(t[k + 1], 'TABLE', 'TABLES')) return out;
      // RENAME TABLE a TO b, c TO d: the sources are what changes.
      let j = k + 2;
      while (j < t.length) {
        const n = readName(t, j);
        if (!n) break;
        out.tables.push(nameFrom(n.parts));
        j = n.next;
        while (j < t.length && !isPunct(t[j], ',')) j++;
        j++;
      }
      return out;
    }
    case 'UPDATE': {
      let j = k + 1;
      while (isWord(t[j], 'LOW_PRIORITY', 'IGNORE')) j++;
      out.tables.push(...tableRefs(t, j, d).map((r) => r.name));
      return out;
    }
    case 'DELETE': {
      let j = k + 1;
      while (isWord(t[j], 'LOW_PRIORITY', 'QUICK', 'IGNORE')) j++;
      if (isWord(t[j], 'FROM')) {
        const refs = tableRefs(t, j + 1, d);
        const using = t.findIndex((tok, m) => m > j && tok.depth === d && isWord(tok, 'USING'));
        // DELETE FROM a, b USING ...: a and b name tables (or aliases) of the USING list.
        if (using >= 0) out.tables.push(...resolveAliases(refs, tableRefs(t, using + 1, d)));
        else out.tables.push(...refs.map((r) => r.name));
        return out;
      }
      // DELETE a, b FROM ...: the names before FROM are tables or aliases of the FROM list.
      const before = tableRefs(t, j, d);
      const from = t.findIndex((tok, m) => m > j && tok.depth === d && isWord(tok, 'FROM'));
      out.tables.push(...(from >= 0 ? resolveAliases(before, tableRefs(t, from + 1, d)) : before.map((r) => r.name)));
      return out;
    }
    case 'REPLACE':
    case 'INSERT': {
      let j = k + 1;
      while (isWord(t[j], 'LOW_PRIORITY', 'DELAYED', 'HIGH_PRIORITY', 'IGNORE', 'INTO')) j++;
      const n = readName(t, j);
      const overwrites = verb === 'REPLACE' || t.some((tok, m) => tok.depth === d && isWord(tok, 'DUPLICATE') && isWord(t[m + 1], 'KEY'));
      if (n && overwrites) out.tables.push(nameFrom(n.parts));
      return out;
    }
    case 'LOAD': {
      const rep = t.findIndex((tok) => isWord(tok, 'REPLACE'));
      const into = t.findIndex((tok, m) => isWord(tok, 'TABLE') && isWord(t[m - 1], 'INTO'));
      if (rep >= 0 && into >= 0) {
        const n = readName(t, into + 1);
        if (n) out.tables.push(nameFrom(n.parts));
      }
      return out;
    }
    case 'CREATE': {
      if (!(isWord(t[k + 1], 'OR') && isWord(t[k + 2], 'REPLACE'))) return out;
      const obj = objectAfter(t, k + 3, 10);
      if (!obj) return out;
      if (obj.kind === 'table') out.tables.push(obj.name);
      else out.objects.push({ kind: obj.kind, name: obj.name });
      return out;
    }
    case 'CALL': {
      const n = readName(t, k + 1);
      if (n) out.calls.push(nameFrom(n.parts));
      return out;
    }
    case 'PREPARE':
    case 'EXECUTE':
      return { ...out, unknown: 'it runs SQL built at run time' };
    default:
      return out;
  }
}

// The object a CREATE OR REPLACE / ALTER names, past DEFINER = x, ALGORITHM = y, SQL SECURITY z.
function objectAfter(t: Token[], from: number, lookahead: number): { kind: ObjectKind | 'table'; name: ObjectName } | undefined {
  for (let j = from; j < Math.min(t.length, from + lookahead); j++) {
    if (isPunct(t[j], '=') || isPunct(t[j], '@')) continue;
    const tok = t[j]!;
    if (tok.type !== 'word') continue;
    const kind = tok.value === 'TABLE' ? 'table' : OBJECT_KINDS[tok.value];
    if (!kind) continue;
    let m = j + 1;
    while (isWord(t[m], 'IF', 'NOT', 'EXISTS')) m++;
    const n = readName(t, m);
    return n ? { kind, name: nameFrom(n.parts) } : undefined;
  }
  return undefined;
}

interface TableRef {
  name: ObjectName;
  alias?: string;
}

// A table reference list (a, b AS x, c JOIN d ON ... LEFT JOIN e USING (...)) at depth `d`, until a
// word that ends it. Derived tables (subqueries) are read, never written: skipped.
function tableRefs(t: Token[], from: number, d: number): TableRef[] {
  const refs: TableRef[] = [];
  let j = from;
  let expectName = true;
  while (j < t.length) {
    const tok = t[j]!;
    if (tok.depth < d) break;
    if (tok.depth > d) {
      j++;
      continue;
    }
    if (isPunct(tok, '(')) {
      j = closeParen(t, j) + 1;
      continue;
    }
    if (tok.type === 'word' && LIST_END.has(tok.value) && !(expectName && tok.value === 'ONLY')) {
      if (tok.value !== 'ON') break;
      // ON <condition>: skip to the next JOIN or list end.
      j++;
      while (j < t.length && !(t[j]!.depth === d && (isPunct(t[j], ',') || (t[j]!.type === 'word' && (JOIN_WORDS.has(t[j]!.value) || LIST_END.has(t[j]!.value) && t[j]!.value !== 'ON'))))) j++;
      continue;
    }
    if (isPunct(tok, ',') || (tok.type === 'word' && JOIN_WORDS.has(tok.value))) {
      expectName = true;
      j++;
      continue;
    }
    if (tok.type === 'word' && ['INNER', 'CROSS', 'LEFT', 'RIGHT', 'OUTER', 'NATURAL', 'LATERAL'].includes(tok.value)) {
      j++;
      continue;
    }
    if (expectName && isName(tok)) {
      const n = readName(t, j)!;
      const ref: TableRef = { name: nameFrom(n.parts) };
      j = n.next;
      if (isWord(t[j], 'AS')) j++;
      if (isName(t[j]) && !(t[j]!.type === 'word' && (LIST_END.has(t[j]!.value) || JOIN_WORDS.has(t[j]!.value) || ['INNER', 'CROSS', 'LEFT', 'RIGHT', 'NATURAL', 'STRAIGHT_JOIN', 'USE', 'FORCE', 'IGNORE'].includes(t[j]!.value)))) {
        ref.alias = nameOf(t[j]!);
        j++;
      }
      refs.push(ref);
      expectName = false;
      continue;
    }
    j++;
  }
  return refs;
}

// Names before FROM/USING in a multi-table DELETE may be aliases (`DELETE i FROM invoices i ...`),
// or `t.*`: each resolves to its table in the reference list.
function resolveAliases(targets: TableRef[], list: TableRef[]): ObjectName[] {
  return targets.map((tg) => {
    const name = tg.name.name === '*' && tg.name.schema ? { name: tg.name.schema } : tg.name;
    const hit = list.find((r) => !name.schema && r.alias !== undefined && r.alias.toLowerCase() === name.name.toLowerCase());
    return hit ? hit.name : name;
  });
}

/** Tables a compound body (a trigger's or procedure's) may write: every write statement inside it. */
export function bodyWrites(sql: string): ObjectName[] {
  const t = code(sql);
  const out: ObjectName[] = [];
  for (let j = 0; j < t.length; j++) {
    const tok = t[j]!;
    if (tok.type !== 'word') continue;
    if (tok.value === 'INSERT' || tok.value === 'REPLACE') {
      let m = j + 1;
      while (isWord(t[m], 'LOW_PRIORITY', 'DELAYED', 'HIGH_PRIORITY', 'IGNORE', 'INTO')) m++;
      const n = readName(t, m);
      if (n) out.push(nameFrom(n.parts));
    } else if (tok.value === 'UPDATE' && !isWord(t[j - 1], 'KEY') && !isWord(t[j - 1], 'ON')) {
      let m = j + 1;
      while (isWord(t[m], 'LOW_PRIORITY', 'IGNORE')) m++;
      out.push(...tableRefs(t, m, t[m]?.depth ?? tok.depth).map((r) => r.name));
    } else if (tok.value === 'DELETE' && !isWord(t[j - 1], 'ON')) {
      let m = j + 1;
      while (isWord(t[m], 'LOW_PRIORITY', 'QUICK', 'IGNORE', 'FROM')) m++;
      out.push(...tableRefs(t, m, t[m]?.depth ?? tok.depth).map((r) => r.name));
    } else if (tok.value === 'TRUNCATE') {
      const n = readName(t, isWord(t[j + 1], 'TABLE') ? j + 2 : j + 1);
      if (n) out.push(nameFrom(n.parts));
    }
  }
  return out;
}

/** Tables a view's definition reads from (FROM and JOIN lists at any depth): writes through the view land there. */
export function viewBaseTables(sql: string): ObjectName[] {
  const t = code(sql);
  const out: ObjectName[] = [];
  for (let j = 0; j < t.length; j++) {
    if (isWord(t[j], 'FROM') || isWord(t[j], 'JOIN', 'STRAIGHT_JOIN')) {
      // MySQL prints a view's joins in parentheses: `from (a join b on(...))`.
      let m = j + 1;
      while (isPunct(t[m], '(') && !isWord(t[m + 1], 'SELECT', 'WITH')) m++;
      if (m < t.length) out.push(...tableRefs(t, m, t[m]!.depth).map((r) => r.name));
    }
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
  const found = statementTargets(sql);
  const out = [...found.tables, ...found.objects.map((o) => o.name)];
  const t = code(sql);
  const k = verbIndex(t);
  if (k < 0) return out;
  if (isWord(t[k], 'INSERT', 'REPLACE')) {
    let j = k + 1;
    while (isWord(t[j], 'LOW_PRIORITY', 'DELAYED', 'HIGH_PRIORITY', 'IGNORE', 'INTO')) j++;
    const n = readName(t, j);
    if (n) out.push(nameFrom(n.parts));
  } else if (isWord(t[k], 'CREATE')) {
    const on = t.findIndex((tok, m) => m > k && isWord(tok, 'ON') && t[k]!.depth === tok.depth);
    const obj = objectAfter(t, k + 1, 10);
    if (obj?.kind === 'table') out.push(obj.name);
    else if (on >= 0 && (obj?.kind === 'trigger' || t.slice(k + 1, on).some((tok) => isWord(tok, 'INDEX')))) {
      const n = readName(t, on + 1);
      if (n) out.push(nameFrom(n.parts));
    }
  }
  return out;
}
