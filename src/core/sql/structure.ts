// The one structural reading of a statement: what it acts on (the ALTER TABLE's clauses, the tables
// an UPDATE or DELETE writes with aliases resolved, the table an INSERT, REPLACE or LOAD DATA fills,
// the procedure a CALL runs, the objects CREATE, DROP and RENAME name). Lint, the impact, the backup
// scope and the pull-request lifecycle all read this, so they never disagree on a statement's target.
// It is read from code tokens the caller already has: nothing here lexes twice.
import { codeTokens, type Token } from './lexer.js';
import { closeParen, isName, isPunct, isWord, nameOf, verbIndex } from '../lint/syntax.js';
import { quoteIdent } from './quote.js';

/** A table or object named by a statement; `schema` is null when the statement leaves it to the connection's default. */
export interface TableRef {
  schema: string | null;
  name: string;
}

/** What a statement does, as far as its targets go. */
export type StructureKind =
  | 'alter-table'
  | 'alter'
  | 'create'
  | 'drop'
  | 'rename-table'
  | 'rename'
  | 'truncate'
  | 'optimize'
  | 'repair'
  | 'update'
  | 'delete'
  | 'insert'
  | 'replace'
  | 'load'
  | 'call'
  | 'dynamic'
  | 'other';

/** An ALTER TABLE cut into its comma-separated clauses, as token index ranges [start, end). */
export interface AlterTable {
  /** Index of the table name's first token. */
  at: number;
  clauses: Array<[number, number]>;
  /** Tables an EXCHANGE PARTITION ... WITH TABLE swaps rows with. */
  exchange: TableRef[];
}

/** One statement's structure. Names are as written (backticks removed); `at` fields are token indexes. */
export interface Structure {
  kind: StructureKind;
  /** Index of the verb token (behind parentheses and a WITH list), -1 when there is none. */
  verb: number;
  /**
   * CREATE, DROP, ALTER, RENAME: the object's keyword, lower case (`table`, `view`, `procedure`,
   * `function`, `trigger`, `event`, `index`, `database`, `user`, `logfile group`...); null otherwise
   * or when it cannot be told.
   */
  object: string | null;
  /** Index of the object keyword, -1 when there is none. */
  objectAt: number;
  /**
   * What the statement acts on, in order: the ALTERed, CREATEd or DROPped objects (an index by its
   * name), RENAME TABLE's sources, TRUNCATE's, OPTIMIZE's and REPAIR's tables, the tables UPDATE and
   * DELETE write (aliases resolved, `WITH` names left out), the table INSERT, REPLACE and LOAD DATA
   * fill, the procedure CALL runs.
   */
  targets: TableRef[];
  /**
   * Where the rest of the statement begins: after the last target's name (CREATE and DROP INDEX:
   * after the ON table), at UPDATE's SET, at the FROM, USING or WHERE after DELETE's targets; -1 when none.
   */
  next: number;
  /** The table of CREATE/DROP INDEX and CREATE TRIGGER (`ON t`). */
  on: TableRef | null;
  /** RENAME TABLE a TO b, c TO d and ALTER TABLE ... RENAME [TO] b. */
  renames: { from: TableRef; to: TableRef }[];
  /** CREATE TABLE t LIKE src (also `(LIKE src)`). */
  like: TableRef | null;
  /** ALTER TABLE's clauses; null for every other statement. */
  alter: AlterTable | null;
  /** CREATE OR REPLACE. */
  orReplace: boolean;
  /** CREATE/DROP TEMPORARY. */
  temporary: boolean;
  /** DROP ... IF EXISTS, CREATE ... IF NOT EXISTS. */
  ifExists: boolean;
  /**
   * The token that makes an INSERT, REPLACE or LOAD DATA overwrite existing rows (the REPLACE verb,
   * the ON of ON DUPLICATE KEY UPDATE, LOAD DATA's REPLACE); -1 when it only adds rows.
   */
  overwrites: number;
}

/** The structure of one statement's text (lexed here): for callers that have no tokens yet. */
export function structureOfSql(sql: string): Structure {
  return structureOf(codeTokens(sql));
}

/** The structure of a statement from its code tokens (comments removed), whose verb is at `verb` (found when omitted). */
export function structureOf(all: Token[], verb = verbIndex(all)): Structure {
  // A trailing `;` is no part of the statement; token indexes stay those of `all`.
  const tokens = isPunct(all[all.length - 1], ';') ? all.slice(0, -1) : all;
  const s: Structure = {
    kind: 'other',
    verb,
    object: null,
    objectAt: -1,
    targets: [],
    next: -1,
    on: null,
    renames: [],
    like: null,
    alter: null,
    orReplace: false,
    temporary: false,
    ifExists: false,
    overwrites: -1,
  };
  const v = verb >= 0 ? tokens[verb] : undefined;
  if (!v || v.type !== 'word') return s;
  const r = new Reader(tokens, verb);
  switch (v.value) {
    case 'ALTER':
      r.alter(s);
      break;
    case 'CREATE':
      r.create(s);
      break;
    case 'DROP':
      r.drop(s);
      break;
    case 'RENAME':
      r.rename(s);
      break;
    case 'TRUNCATE':
      s.kind = 'truncate';
      r.list(s, isWord(tokens[verb + 1], 'TABLE') ? verb + 2 : verb + 1);
      break;
    case 'OPTIMIZE':
    case 'REPAIR': {
      let k = verb + 1;
      while (isWord(tokens[k], 'NO_WRITE_TO_BINLOG', 'LOCAL')) k++;
      if (isWord(tokens[k], 'TABLE', 'TABLES')) k++;
      s.kind = v.value === 'OPTIMIZE' ? 'optimize' : 'repair';
      r.list(s, k);
      break;
    }
    case 'UPDATE':
      r.update(s);
      break;
    case 'DELETE':
      r.delete(s);
      break;
    case 'INSERT':
    case 'REPLACE':
      r.insert(s, v.value === 'REPLACE');
      break;
    case 'LOAD':
      r.load(s);
      break;
    case 'CALL': {
      s.kind = 'call';
      const n = r.ref(verb + 1);
      if (n) {
        s.targets.push(n.ref);
        s.next = n.next;
      }
      break;
    }
    case 'PREPARE':
    case 'EXECUTE':
      s.kind = 'dynamic';
      break;
  }
  if (s.kind === 'update' || s.kind === 'delete') {
    // Names a WITH list defines are not tables: nothing of them outlives the statement.
    const ctes = cteNames(tokens, verb);
    if (ctes.size > 0) s.targets = s.targets.filter((t) => t.schema !== null || !ctes.has(t.name.toLowerCase()));
  }
  return s;
}

/** A name for messages: backtick-quoted parts, `schema`.`name` when qualified. */
export function refText(ref: TableRef): string {
  return ref.schema !== null ? `${quoteIdent(ref.schema)}.${quoteIdent(ref.name)}` : quoteIdent(ref.name);
}

/** A table reference of a FROM, JOIN, UPDATE or DELETE list: the table and its alias. */
export interface TableReference {
  ref: TableRef;
  alias: string | null;
}

// Words that end a table reference list (UPDATE ... SET, DELETE ... WHERE, FROM ... USING).
const LIST_END = new Set(['SET', 'WHERE', 'ORDER', 'LIMIT', 'USING', 'FROM', 'RETURNING', 'PARTITION', 'VALUES', 'VALUE', 'SELECT', 'ON', 'ONLY', 'GROUP', 'HAVING', 'WINDOW', 'UNION', 'FOR', 'INTO']);
const JOIN_WORDS = new Set(['JOIN', 'STRAIGHT_JOIN']);
const JOIN_MODIFIERS = new Set(['INNER', 'CROSS', 'LEFT', 'RIGHT', 'OUTER', 'NATURAL', 'LATERAL', 'FULL']);
const NOT_ALIAS = new Set([...LIST_END, ...JOIN_WORDS, ...JOIN_MODIFIERS, 'USE', 'FORCE', 'IGNORE', 'AS']);

/**
 * A table reference list from `from` at the depth of its first token (`a, b AS x, c JOIN d ON ...
 * LEFT JOIN e USING (...)`), until a word that ends it or the end of an enclosing parenthesis.
 * Derived tables (subqueries) are read, never written: skipped. MySQL prints a view's joins in
 * parentheses (`from (a join b on(...))`): a parenthesis that holds no query is read into.
 */
export function tableReferences(tokens: Token[], from: number): TableReference[] {
  const refs: TableReference[] = [];
  const t = tokens;
  if (from >= t.length) return refs;
  const d = t[from]!.depth;
  let j = from;
  let expectName = true;
  while (j < t.length) {
    const tok = t[j]!;
    // The end of an enclosing parenthesis, or of the statement in a compound body.
    if (tok.depth < d || isPunct(tok, ';')) break;
    if (tok.depth > d) {
      j++;
      continue;
    }
    if (isPunct(tok, '(')) {
      if (expectName && !isWord(t[j + 1], 'SELECT', 'WITH', 'VALUES', 'TABLE') && !isPunct(t[j + 1], '(')) {
        refs.push(...tableReferences(t, j + 1));
        j = closeParen(t, j) + 1;
        expectName = false;
        continue;
      }
      j = closeParen(t, j) + 1;
      // A derived table's alias is no table.
      if (isWord(t[j], 'AS')) j++;
      if (isName(t[j]) && !(t[j]!.type === 'word' && NOT_ALIAS.has(t[j]!.value))) j++;
      expectName = false;
      continue;
    }
    if (tok.type === 'word' && LIST_END.has(tok.value) && !(expectName && tok.value === 'ONLY')) {
      if (tok.value !== 'ON') break;
      // ON <condition>: skip to the next JOIN, comma or end of the list.
      j++;
      while (j < t.length && t[j]!.depth >= d && !(t[j]!.depth === d && (isPunct(t[j], ',') || (t[j]!.type === 'word' && (JOIN_WORDS.has(t[j]!.value) || JOIN_MODIFIERS.has(t[j]!.value) || (LIST_END.has(t[j]!.value) && t[j]!.value !== 'ON')))))) j++;
      continue;
    }
    if (isPunct(tok, ',') || (tok.type === 'word' && JOIN_WORDS.has(tok.value))) {
      expectName = true;
      j++;
      continue;
    }
    if (tok.type === 'word' && JOIN_MODIFIERS.has(tok.value)) {
      j++;
      continue;
    }
    if (expectName && isName(tok)) {
      const n = readRef(t, j)!;
      const ref: TableReference = { ref: n.ref, alias: null };
      j = n.next;
      if (isWord(t[j], 'AS')) j++;
      if (isName(t[j]) && !(t[j]!.type === 'word' && NOT_ALIAS.has(t[j]!.value))) {
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

/** A possibly qualified name at `k` (`t`, `db`.`t`; a trailing `.*` is dropped), and the index after it. */
export function readRef(tokens: Token[], k: number): { ref: TableRef; next: number } | undefined {
  if (!isName(tokens[k])) return undefined;
  const parts = [nameOf(tokens[k]!)];
  let j = k + 1;
  while (isPunct(tokens[j], '.') && (isName(tokens[j + 1]) || isPunct(tokens[j + 1], '*'))) {
    if (!isPunct(tokens[j + 1], '*')) parts.push(nameOf(tokens[j + 1]!));
    j += 2;
  }
  const ref = parts.length >= 2 ? { schema: parts[parts.length - 2]!, name: parts[parts.length - 1]! } : { schema: null, name: parts[0]! };
  return { ref, next: j };
}

// Names defined by the statement's WITH list.
function cteNames(t: Token[], verb: number): Set<string> {
  const out = new Set<string>();
  for (let j = 1; j < verb; j++) {
    if (isName(t[j]) && (isWord(t[j - 1], 'WITH', 'RECURSIVE') || isPunct(t[j - 1], ',')) && (isWord(t[j + 1], 'AS') || isPunct(t[j + 1], '('))) {
      out.add(nameOf(t[j]!).toLowerCase());
    }
  }
  return out;
}

// What CREATE may create, and the words of ALTER that name an object.
const CREATABLE = new Set([
  'TABLE', 'VIEW', 'PROCEDURE', 'FUNCTION', 'TRIGGER', 'EVENT', 'INDEX', 'DATABASE', 'SCHEMA', 'USER', 'ROLE',
  'TABLESPACE', 'SERVER', 'LOGFILE', 'RESOURCE', 'SEQUENCE', 'PACKAGE',
]);
const ALTERABLE = ['VIEW', 'PROCEDURE', 'FUNCTION', 'EVENT'];

class Reader {
  private readonly d: number;
  constructor(
    private readonly t: Token[],
    private readonly v: number,
  ) {
    this.d = t[v]!.depth;
  }

  ref(k: number): { ref: TableRef; next: number } | undefined {
    return readRef(this.t, k);
  }

  /** A comma-separated list of names from `k` into the targets; `IF [NOT] EXISTS` skipped. */
  list(s: Structure, k: number): void {
    const t = this.t;
    for (;;) {
      while (isWord(t[k], 'IF', 'NOT', 'EXISTS')) k++;
      const r = this.ref(k);
      if (!r) break;
      s.targets.push(r.ref);
      s.next = r.next;
      k = r.next;
      while (k < t.length && !isPunct(t[k], ',') && t[k]!.depth >= this.d && !(t[k]!.depth === this.d && isWord(t[k], 'RESTRICT', 'CASCADE'))) {
        if (isPunct(t[k], '(')) k = closeParen(t, k);
        k++;
      }
      if (!isPunct(t[k], ',')) break;
      k++;
    }
  }

  /** Index of the first of `words` at the statement's depth from `k`, or the end. */
  private until(k: number, ...words: string[]): number {
    const t = this.t;
    // A `;` ends the statement: a compound body holds more after it.
    while (k < t.length && !(t[k]!.depth === this.d && (isWord(t[k], words[0]!, ...words) || isPunct(t[k], ';')))) k++;
    return k;
  }

  private ifExists(s: Structure, k: number): number {
    const t = this.t;
    if (isWord(t[k], 'IF') && isWord(t[k + 1], 'NOT') && isWord(t[k + 2], 'EXISTS')) {
      s.ifExists = true;
      return k + 3;
    }
    if (isWord(t[k], 'IF') && isWord(t[k + 1], 'EXISTS')) {
      s.ifExists = true;
      return k + 2;
    }
    return k;
  }

  alter(s: Structure): void {
    const t = this.t;
    let k = this.v + 1;
    while (isWord(t[k], 'ONLINE', 'OFFLINE', 'IGNORE')) k++;
    if (isWord(t[k], 'TABLE')) return this.alterTable(s, k);
    s.kind = 'alter';
    if (isWord(t[k], 'DATABASE', 'SCHEMA', 'USER', 'INSTANCE', 'TABLESPACE', 'SERVER', 'LOGFILE', 'RESOURCE', 'SEQUENCE')) {
      // Their names (optional for a schema) are no table a reader of this structure needs.
      s.object = t[k]!.value.toLowerCase();
      s.objectAt = k;
      return;
    }
    // ALTER [ALGORITHM = x] [DEFINER = user] [SQL SECURITY x] VIEW, ALTER [DEFINER = user] EVENT.
    if (!isWord(t[k], 'ALGORITHM', 'DEFINER', 'SQL', ...ALTERABLE)) return;
    for (let m = k; m < t.length && m < k + 16; m++) {
      if (isPunct(t[m - 1], '=') || !isWord(t[m], 'VIEW', 'PROCEDURE', 'FUNCTION', 'EVENT')) continue;
      s.object = t[m]!.value.toLowerCase();
      s.objectAt = m;
      const n = this.ref(m + 1);
      if (n) {
        s.targets.push(n.ref);
        s.next = n.next;
      }
      return;
    }
  }

  private alterTable(s: Structure, k: number): void {
    const t = this.t;
    s.kind = 'alter-table';
    s.object = 'table';
    s.objectAt = k;
    k++;
    const n = this.ref(k);
    const alter: AlterTable = { at: k, clauses: [], exchange: [] };
    s.alter = alter;
    if (!n) return;
    s.targets.push(n.ref);
    s.next = n.next;
    let start = n.next;
    // MariaDB's lock-wait options sit between the name and the clauses.
    if (isWord(t[start], 'WAIT') && t[start + 1]?.type === 'number') start += 2;
    else if (isWord(t[start], 'NOWAIT')) start++;
    for (let m = start; m <= t.length; m++) {
      if (m === t.length || (t[m]!.depth === this.d && isPunct(t[m], ','))) {
        const prev = alter.clauses[alter.clauses.length - 1];
        // Partition operations take comma-separated partition names (DROP PARTITION p0, p1;
        // REORGANIZE PARTITION p0, p1 INTO (...)): such items belong to the clause before them.
        if (prev && isPartitionOp(t, prev[0]) && isName(t[start]) && (m - start === 1 || isWord(t[start + 1], 'INTO'))) prev[1] = m;
        else if (m > start) alter.clauses.push([start, m]);
        start = m + 1;
      }
    }
    for (const [a, e] of alter.clauses) {
      if (isWord(t[a], 'RENAME') && !isWord(t[a + 1], 'COLUMN', 'INDEX', 'KEY')) {
        const to = this.ref(isWord(t[a + 1], 'TO', 'AS') ? a + 2 : a + 1);
        if (to && to.next === e) s.renames.push({ from: n.ref, to: to.ref });
      }
      if (isWord(t[a], 'EXCHANGE')) {
        for (let m = a; m < e; m++) {
          if (isWord(t[m], 'TABLE')) {
            const other = this.ref(m + 1);
            if (other) alter.exchange.push(other.ref);
            break;
          }
        }
      }
    }
  }

  create(s: Structure): void {
    const t = this.t;
    s.kind = 'create';
    let k = this.v + 1;
    if (isWord(t[k], 'OR') && isWord(t[k + 1], 'REPLACE')) {
      s.orReplace = true;
      k += 2;
    }
    // Past TEMPORARY, UNIQUE, ALGORITHM = x, DEFINER = user, SQL SECURITY x, AGGREGATE, UNDO ... to the object keyword.
    let at = -1;
    for (let j = k; j < t.length && j < this.v + 24; j++) {
      const w = t[j]!;
      if (w.depth !== this.d) break;
      if (isWord(w, 'TEMPORARY')) s.temporary = true;
      if (w.type === 'word' && CREATABLE.has(w.value) && !isPunct(t[j - 1], '=')) {
        at = j;
        break;
      }
      if (isWord(w, 'SPATIAL') && isWord(t[j + 1], 'REFERENCE')) {
        at = j;
        break;
      }
    }
    if (at < 0) return;
    s.objectAt = at;
    const word = t[at]!.value;
    s.object = word === 'SPATIAL' ? 'spatial reference system' : word === 'LOGFILE' || word === 'RESOURCE' ? `${word} group`.toLowerCase() : word.toLowerCase();
    // The name follows the object's words (LOGFILE GROUP, SPATIAL REFERENCE SYSTEM).
    const n = this.ref(this.ifExists(s, at + s.object.split(' ').length));
    if (!n) return;
    s.targets.push(n.ref);
    s.next = n.next;
    if (s.object === 'table') {
      let j = n.next;
      if (isPunct(t[j], '(') && isWord(t[j + 1], 'LIKE')) j++;
      if (isWord(t[j], 'LIKE')) s.like = this.ref(j + 1)?.ref ?? null;
    } else if (s.object === 'index' || s.object === 'trigger') {
      const on = this.until(n.next, 'ON');
      const table = this.ref(on + 1);
      if (table) {
        s.on = table.ref;
        if (s.object === 'index') s.next = table.next;
      }
    }
  }

  drop(s: Structure): void {
    const t = this.t;
    s.kind = 'drop';
    let j = this.v + 1;
    if (isWord(t[j], 'TEMPORARY')) {
      s.temporary = true;
      j++;
    }
    if (isWord(t[j], 'UNDO')) j++;
    const w = t[j];
    if (!w || w.type !== 'word') return;
    s.objectAt = j;
    let object = w.value.toLowerCase();
    j++;
    if (object === 'spatial' && isWord(t[j], 'REFERENCE') && isWord(t[j + 1], 'SYSTEM')) {
      object = 'spatial reference system';
      j += 2;
    } else if (isWord(t[j], 'GROUP')) {
      object += ' group';
      j++;
    }
    if (object === 'tables') object = 'table';
    s.object = object;
    // DROP INDEX ONLINE|OFFLINE: old syntax the impact reports; the name follows.
    if (object === 'index') while (isWord(t[j], 'ONLINE', 'OFFLINE')) j++;
    j = this.ifExists(s, j);
    if (object === 'index') {
      const n = this.ref(j);
      if (!n) return;
      s.targets.push(n.ref);
      s.next = n.next;
      if (isWord(t[n.next], 'ON')) {
        const table = this.ref(n.next + 1);
        if (table) {
          s.on = table.ref;
          s.next = table.next;
        }
      }
      return;
    }
    this.list(s, j);
  }

  rename(s: Structure): void {
    const t = this.t;
    const what = t[this.v + 1];
    if (!isWord(what, 'TABLE', 'TABLES')) {
      s.kind = 'rename';
      if (what && what.type === 'word') {
        s.object = what.value.toLowerCase();
        s.objectAt = this.v + 1;
      }
      return;
    }
    s.kind = 'rename-table';
    s.object = 'table';
    s.objectAt = this.v + 1;
    let k = this.v + 2;
    for (;;) {
      const from = this.ref(k);
      if (!from) break;
      s.targets.push(from.ref);
      s.next = from.next;
      if (!isWord(t[from.next], 'TO')) break;
      const to = this.ref(from.next + 1);
      if (!to) break;
      s.renames.push({ from: from.ref, to: to.ref });
      s.next = to.next;
      k = to.next;
      if (!isPunct(t[k], ',')) break;
      k++;
    }
  }

  update(s: Structure): void {
    const t = this.t;
    s.kind = 'update';
    let k = this.v + 1;
    while (isWord(t[k], 'LOW_PRIORITY', 'IGNORE')) k++;
    // Every table of the list is a target: SET may assign to the columns of any of them.
    for (const r of tableReferences(t, k)) s.targets.push(r.ref);
    s.next = this.until(k, 'SET');
  }

  delete(s: Structure): void {
    const t = this.t;
    s.kind = 'delete';
    let k = this.v + 1;
    while (isWord(t[k], 'LOW_PRIORITY', 'QUICK', 'IGNORE')) k++;
    if (isWord(t[k], 'FROM')) {
      const using = this.until(k + 1, 'USING', 'WHERE', 'ORDER', 'LIMIT', 'RETURNING');
      if (isWord(t[using], 'USING')) {
        // DELETE FROM a, b USING <references>: a and b name tables or aliases of the references.
        s.targets = resolve(this.names(k + 1, using), tableReferences(t, using + 1));
        s.next = using;
      } else {
        for (const r of tableReferences(t, k + 1)) s.targets.push(r.ref);
        s.next = using;
      }
      return;
    }
    // DELETE a, b FROM <references>: the names before FROM are tables or aliases of the references.
    const from = this.until(k, 'FROM');
    s.targets = resolve(this.names(k, from), from < t.length ? tableReferences(t, from + 1) : []);
    s.next = from;
  }

  /** DELETE's target names in [k, e): `t`, `db.t`, `t.*`. */
  private names(k: number, e: number): TableRef[] {
    const t = this.t;
    const out: TableRef[] = [];
    while (k < e) {
      const n = this.ref(k);
      if (!n) break;
      out.push(n.ref);
      k = n.next;
      while (k < e && !isPunct(t[k], ',')) k++;
      k++;
    }
    return out;
  }

  insert(s: Structure, replace: boolean): void {
    const t = this.t;
    s.kind = replace ? 'replace' : 'insert';
    let k = this.v + 1;
    while (isWord(t[k], 'LOW_PRIORITY', 'DELAYED', 'HIGH_PRIORITY', 'IGNORE', 'INTO')) k++;
    const n = this.ref(k);
    if (n) {
      s.targets.push(n.ref);
      s.next = n.next;
    }
    if (replace) {
      s.overwrites = this.v;
      return;
    }
    for (let j = k; j + 3 < t.length; j++) {
      if (isWord(t[j], 'ON') && isWord(t[j + 1], 'DUPLICATE') && isWord(t[j + 2], 'KEY') && isWord(t[j + 3], 'UPDATE')) {
        s.overwrites = j;
        return;
      }
    }
  }

  load(s: Structure): void {
    const t = this.t;
    // LOAD INDEX INTO CACHE loads a key cache, no rows.
    if (!isWord(t[this.v + 1], 'DATA', 'XML')) return;
    s.kind = 'load';
    let j = this.v + 2;
    for (; j < t.length && !isWord(t[j], 'INTO'); j++) if (isWord(t[j], 'REPLACE')) s.overwrites = j;
    if (isWord(t[j + 1], 'TABLE')) {
      const n = this.ref(j + 2);
      if (n) {
        s.targets.push(n.ref);
        s.next = n.next;
      }
    }
  }
}

function isPartitionOp(t: Token[], s: number): boolean {
  return (
    isWord(t[s], 'DROP', 'TRUNCATE', 'DISCARD', 'IMPORT', 'REORGANIZE', 'COALESCE', 'ANALYZE', 'CHECK', 'OPTIMIZE', 'REBUILD', 'REPAIR') &&
    isWord(t[s + 1], 'PARTITION')
  );
}

// Multi-table DELETE's targets are tables or aliases of its references (`DELETE i FROM invoices i`):
// each resolves to the table it names, with that table's schema.
function resolve(targets: TableRef[], refs: TableReference[]): TableRef[] {
  return targets.map((tg) => {
    if (tg.schema !== null) return tg;
    const key = tg.name.toLowerCase();
    const hit = refs.find((r) => r.alias !== null && r.alias.toLowerCase() === key) ?? refs.find((r) => r.alias === null && r.ref.name.toLowerCase() === key);
    return hit ? hit.ref : tg;
  });
}
