// What "destructive" means: any statement that can lose or overwrite existing data, drop, rename
// or replace an existing object, or convert data lossily. Decided on the token stream by the
// statement's verb and clauses, so words in identifiers, strings and comments never count; what the
// analyzer cannot classify is destructive ("any chance").
import type { Token } from '../../sql/lexer.js';
import type { Analyzer, RuleInfo } from '../analyzer.js';
import { isName, isPunct, isWord, nameOf, readName, verbIndex } from '../syntax.js';
import { quoteIdent } from '../../sql/quote.js';
import { refText, structureOf, type Structure, type TableRef } from '../../sql/structure.js';

const rules = {
  drop: { code: 'CG101', severity: 'warning', destructive: true, summary: 'DROP deletes an object (and the data in it)' },
  truncate: { code: 'CG102', severity: 'warning', destructive: true, summary: 'TRUNCATE deletes every row of a table' },
  delete: { code: 'CG103', severity: 'warning', destructive: true, summary: 'DELETE removes rows' },
  update: { code: 'CG104', severity: 'warning', destructive: true, summary: 'UPDATE overwrites values' },
  overwrite: { code: 'CG105', severity: 'warning', destructive: true, summary: 'REPLACE, ON DUPLICATE KEY UPDATE or LOAD DATA ... REPLACE overwrites existing rows' },
  alterDrop: { code: 'CG106', severity: 'warning', destructive: true, summary: 'ALTER TABLE drops a column, index, key or constraint' },
  rename: { code: 'CG107', severity: 'warning', destructive: true, summary: 'renames a table, column, index or account' },
  redefine: { code: 'CG108', severity: 'warning', destructive: true, summary: 'ALTER TABLE CHANGE/MODIFY redefines a column, possibly narrowing or converting it' },
  convert: { code: 'CG109', severity: 'warning', destructive: true, summary: "ALTER TABLE changes the table's character set, collation or engine" },
  partition: { code: 'CG110', severity: 'warning', destructive: true, summary: 'ALTER TABLE deletes, rewrites or swaps partitions or tablespaces' },
  replaceObject: { code: 'CG111', severity: 'warning', destructive: true, summary: 'replaces or changes an existing view, routine or event' },
  event: { code: 'CG112', severity: 'warning', destructive: true, summary: 'CREATE EVENT schedules a statement that changes data' },
  repair: { code: 'CG113', severity: 'warning', destructive: true, summary: 'REPAIR TABLE can drop rows it cannot read' },
  unknown: { code: 'CG199', severity: 'warning', destructive: true, summary: 'lint cannot classify the statement, so it counts as destructive' },
} as const satisfies Record<string, RuleInfo>;

type RuleName = keyof typeof rules;

/** What makes a statement destructive: a code, the token it is about, the message. */
export interface DestructiveFinding {
  code: string;
  token: Token;
  message: string;
}

const DECLARE = 'declare destructive: true so PROD is snapshotted first';

/**
 * A destructive finding's message without its advice (to declare destructive: true, or what to do
 * instead), for statements with nothing left to declare: what the statement does, alone.
 */
export function withoutDeclaring(message: string): string {
  const at = message.indexOf(`; ${DECLARE}`);
  return at < 0 ? message : message.slice(0, at);
}

// Verbs that read, or change only the session, a lock, a transaction, an account or the server:
// none of them loses or overwrites stored data (other rules flag the ones that do not belong in a change).
const HARMLESS_VERBS = new Set([
  'SELECT', 'VALUES', 'TABLE', 'SET', 'SHOW', 'USE', 'LOCK', 'UNLOCK', 'GRANT', 'REVOKE', 'COMMIT', 'ROLLBACK',
  'SAVEPOINT', 'RELEASE', 'XA', 'DO', 'DEALLOCATE', 'FLUSH', 'HELP', 'ANALYZE', 'CHECK', 'CHECKSUM', 'CACHE',
  'SIGNAL', 'RESIGNAL', 'GET', 'KILL', 'RESET', 'PURGE', 'SHUTDOWN', 'RESTART', 'INSTALL', 'UNINSTALL',
  'STOP', 'CHANGE',
  // OPTIMIZE TABLE is, for InnoDB, ALTER TABLE ... FORCE: a rebuild that keeps every row.
  'OPTIMIZE',
]);

// Verbs in an event body that can change or delete data (INSERT alone only adds rows).
const DATA_CHANGING_IN_BODY = new Set(['DELETE', 'UPDATE', 'REPLACE', 'TRUNCATE', 'DROP', 'ALTER', 'RENAME', 'CALL', 'EXECUTE', 'PREPARE', 'LOAD']);

type Report = (rule: RuleName, token: Token, message: string) => void;

/**
 * The destructive findings of one statement's code tokens (comments removed) and their structure;
 * empty when the statement is additive.
 */
export function classifyDestructive(tokens: Token[], structure: Structure = structureOf(tokens)): DestructiveFinding[] {
  const out: DestructiveFinding[] = [];
  classify(tokens, structure, (rule, token, message) => out.push({ code: rules[rule].code, token, message }));
  return out;
}

function classify(tokens: Token[], s: Structure, report: Report): void {
  const k = s.verb;
  const verb = k >= 0 ? tokens[k] : undefined;
  if (!verb) {
    // A WITH list or parenthesis that never reaches a verb: nothing lint can vouch for.
    if (tokens.length > 0) report('unknown', tokens[0]!, cannotClassify(tokens[0]!.text));
    return;
  }
  if (verb.type !== 'word') {
    report('unknown', verb, cannotClassify(`a statement that starts with ${verb.text}`));
    return;
  }
  const next = tokens[k + 1];
  switch (verb.value) {
    case 'DROP':
      return drop(tokens, s, report);
    case 'TRUNCATE': {
      return report('truncate', verb, `TRUNCATE TABLE deletes every row of ${first(s.targets, 'the table')} and cannot be rolled back; ${DECLARE}, or DELETE with a WHERE clause if only some rows should go`);
    }
    case 'DELETE':
      return report('delete', verb, `DELETE removes rows from ${list(s.targets)}; ${DECLARE}`);
    case 'UPDATE':
      return report('update', verb, `UPDATE overwrites values in ${list(s.targets)}, and the old values are gone once it commits; ${DECLARE}`);
    case 'REPLACE': {
      return report('overwrite', verb, `REPLACE deletes every existing row of ${first(s.targets, 'the table')} that has the same primary or unique key as a new row, then inserts the new one; ${DECLARE}, or use INSERT (INSERT IGNORE to keep existing rows)`);
    }
    case 'INSERT':
      if (s.overwrites >= 0) {
        report('overwrite', tokens[s.overwrites]!, `INSERT ... ON DUPLICATE KEY UPDATE overwrites existing rows of ${first(s.targets, 'the table')} that share a primary or unique key with a new row; ${DECLARE}, or use INSERT (INSERT IGNORE to keep existing rows)`);
      }
      return;
    case 'LOAD':
      // LOAD INDEX INTO CACHE loads no rows.
      if (s.kind === 'load' && s.overwrites >= 0) {
        report('overwrite', tokens[s.overwrites]!, `LOAD ${tokens[k + 1]!.value} ... REPLACE replaces existing rows of ${first(s.targets, 'the table')} that share a primary or unique key with a row of the file; ${DECLARE}, or use IGNORE to keep existing rows`);
      }
      return;
    case 'CREATE':
      return create(tokens, s, report);
    case 'ALTER':
      return alter(tokens, s, report);
    case 'RENAME':
      return rename(tokens, s, report);
    case 'REPAIR': {
      return report('repair', verb, `REPAIR TABLE ${s.targets[0] ? refText(s.targets[0]) + ' ' : ''}can drop rows it cannot read (and USE_FRM rebuilds the table from its definition); ${DECLARE}`);
    }
    case 'EXPLAIN':
    case 'DESCRIBE':
    case 'DESC':
      // EXPLAIN ANALYZE runs the statement; plain EXPLAIN only plans it.
      if (isWord(next, 'ANALYZE')) {
        let j = k + 2;
        if (isWord(tokens[j], 'FORMAT') && isPunct(tokens[j + 1], '=')) j += 3;
        return classify(tokens, structureOf(tokens, verbIndex(tokens, j)), report);
      }
      return;
    case 'START':
      if (isWord(next, 'TRANSACTION')) return;
      if (isWord(next, 'REPLICA', 'SLAVE', 'GROUP_REPLICATION')) return;
      return report('unknown', verb, cannotClassify(`START ${next?.text ?? ''}`.trim()));
    case 'BEGIN':
      // BEGIN [WORK] starts a transaction; anything after it is a compound block that runs statements.
      if (!next || (isWord(next, 'WORK') && !tokens[k + 2])) return;
      return report('unknown', verb, cannotClassify('BEGIN ... END'));
    default:
      if (HARMLESS_VERBS.has(verb.value)) return;
      return report('unknown', verb, cannotClassify(verb.value));
  }
}

function cannotClassify(what: string): string {
  return `lint cannot tell what ${what} does to data, so it counts as destructive (any chance); ${DECLARE}, or replace it with the statements it runs`;
}

function list(refs: TableRef[]): string {
  return refs.length === 0 ? 'the table' : refs.map(refText).join(', ');
}

function first(refs: TableRef[], otherwise: string): string {
  return refs[0] ? refText(refs[0]) : otherwise;
}

const DROP_EFFECT: Record<string, (names: string, many: boolean) => string> = {
  TABLE: (n, many) => `deletes ${n} and every row in ${many ? 'them' : 'it'}`,
  DATABASE: (n) => `deletes schema ${n} with every table and row in it`,
  SCHEMA: (n) => `deletes schema ${n} with every table and row in it`,
  VIEW: (n) => `deletes ${n}, and queries that read ${n.includes(',') ? 'them' : 'it'} fail`,
  PROCEDURE: (n) => `deletes ${n}, and its callers fail`,
  FUNCTION: (n) => `deletes ${n}, and its callers fail`,
  TRIGGER: (n) => `deletes ${n}, and what it did on every write stops`,
  EVENT: (n) => `deletes ${n}, and its scheduled work stops`,
  USER: (n, many) => `deletes ${n}, and clients that log in as ${many ? 'them' : 'it'} fail`,
  ROLE: (n) => `deletes ${n} and the privileges it grants`,
};

// The rest of the statement as comma-separated items: names quoted, accounts as written ('app'@'%').
function rawItems(tokens: Token[], k: number): string[] {
  const items: string[] = [];
  let cur = '';
  let prevWordish = false;
  for (let j = k; j < tokens.length; j++) {
    const t = tokens[j]!;
    if (t.depth === tokens[k]!.depth && isPunct(t, ',')) {
      items.push(cur);
      cur = '';
      prevWordish = false;
      continue;
    }
    const wordish = t.type === 'word' || t.type === 'ident' || t.type === 'number';
    if (wordish && prevWordish) cur += ' ';
    cur += t.type === 'word' || t.type === 'ident' ? quoteIdent(nameOf(t)) : t.text;
    prevWordish = wordish;
  }
  if (cur !== '') items.push(cur);
  return items;
}

function drop(tokens: Token[], s: Structure, report: Report): void {
  const verb = tokens[s.verb]!;
  // DROP TEMPORARY TABLE can only drop temporary tables: session data, never stored data.
  if (s.temporary) return;
  // DROP PREPARE is DEALLOCATE PREPARE: it forgets a session's prepared statement.
  if (s.object === 'prepare') return;
  const objectWord = s.object !== null ? s.object.toUpperCase() : (tokens[s.verb + 1]?.text ?? '');
  if (objectWord === 'INDEX') {
    const idx = s.targets[0];
    report('drop', verb, `DROP INDEX deletes index ${idx ? refText(idx) : '?'} on ${s.on ? refText(s.on) : 'its table'}: queries that use it slow down, and a UNIQUE index stops keeping values unique; ${DECLARE}`);
    return;
  }
  // The items follow the object's words and IF EXISTS.
  let j = s.objectAt >= 0 ? s.objectAt + s.object!.split(' ').length : s.verb + 2;
  if (isWord(tokens[j], 'IF') && isWord(tokens[j + 1], 'EXISTS')) j += 2;
  const items = j < tokens.length ? rawItems(tokens, j) : [];
  const names = items.join(', ');
  const effect = DROP_EFFECT[objectWord];
  const what = effect ? effect(names, items.length > 1) : `deletes ${objectWord.toLowerCase()} ${names}`.trimEnd();
  report('drop', verb, `DROP ${objectWord} ${what}; ${DECLARE}`);
}

function create(tokens: Token[], s: Structure, report: Report): void {
  const k = s.verb;
  const verb = tokens[k]!;
  if (s.objectAt < 0) {
    report('unknown', verb, cannotClassify(`CREATE ${tokens[k + 1]?.text ?? ''}`.trim()));
    return;
  }
  const object = tokens[s.objectAt]!;
  const name = s.targets[0] ? refText(s.targets[0]) : undefined;
  if (s.orReplace) {
    report('replaceObject', tokens[k + 1]!, `CREATE OR REPLACE ${object.value} replaces ${name ?? 'the object'} if it exists, and its previous definition is lost; ${DECLARE}, or use CREATE ${object.value} (it fails when the object exists)`);
    return;
  }
  if (s.object === 'event') eventBody(tokens, s.objectAt, name ?? '', report);
}

// An event runs its body on its own schedule, with no further statement: a data-changing body
// makes creating the event destructive.
function eventBody(tokens: Token[], from: number, name: string, report: Report): void {
  const d = tokens[from]!.depth;
  let j = from + 1;
  while (j < tokens.length && !(tokens[j]!.depth === d && isWord(tokens[j], 'DO'))) j++;
  for (j++; j < tokens.length; j++) {
    const t = tokens[j]!;
    if (t.type === 'word' && DATA_CHANGING_IN_BODY.has(t.value)) {
      report('event', t, `CREATE EVENT ${name} schedules ${t.value}, which the server runs on its own and which can change or delete data; ${DECLARE}, or run the data change as a statement of the change`);
      return;
    }
  }
}

function alter(tokens: Token[], s: Structure, report: Report): void {
  const verb = tokens[s.verb]!;
  if (s.kind === 'alter-table') return alterTable(tokens, s, report);
  const at = s.objectAt >= 0 ? tokens[s.objectAt]! : undefined;
  if (s.object === 'database' || s.object === 'schema') {
    return report('convert', at!, `ALTER ${at!.value} changes the schema's defaults (character set, collation, encryption, read-only): tables created later follow them; ${DECLARE}`);
  }
  // ALTER USER changes an account, ALTER INSTANCE server keys and logs (their own rules flag them), not data.
  if (s.object === 'user' || s.object === 'instance') return;
  if (at && (s.object === 'view' || s.object === 'procedure' || s.object === 'function' || s.object === 'event')) {
    const target = s.targets[0] ? refText(s.targets[0]) : '';
    const effect =
      s.object === 'view' ? `replaces the definition of view ${target}, and the previous one is lost`
      : s.object === 'event' ? `changes event ${target} (its schedule, body, name or state)`
      : `changes the characteristics of ${s.object} ${target}`;
    return report('replaceObject', at, `ALTER ${at.value} ${effect}; ${DECLARE}`);
  }
  let j = s.verb + 1;
  while (isWord(tokens[j], 'ONLINE', 'OFFLINE', 'IGNORE')) j++;
  report('unknown', verb, cannotClassify(`ALTER ${tokens[j]?.text ?? ''}`.trim()));
}

// Words that open a clause made of table options (several may follow each other without commas).
const TABLE_OPTIONS = new Set([
  'AUTO_INCREMENT', 'AVG_ROW_LENGTH', 'CHECKSUM', 'COMMENT', 'COMPRESSION', 'CONNECTION', 'DATA', 'DELAY_KEY_WRITE',
  'ENCRYPTION', 'INSERT_METHOD', 'KEY_BLOCK_SIZE', 'MAX_ROWS', 'MIN_ROWS', 'PACK_KEYS', 'PASSWORD', 'ROW_FORMAT',
  'STATS_AUTO_RECALC', 'STATS_PERSISTENT', 'STATS_SAMPLE_PAGES', 'TABLESPACE', 'UNION', 'SECONDARY_ENGINE',
  'SECONDARY_ENGINE_ATTRIBUTE', 'ENGINE_ATTRIBUTE', 'AUTOEXTEND_SIZE', 'SECONDARY_LOAD', 'SECONDARY_UNLOAD',
  'INDEX', 'DEFAULT', 'CHARACTER', 'CHARSET', 'COLLATE', 'ENGINE', 'STORAGE',
]);

// Clauses that keep every row and every value: online DDL options, rebuilds, maintenance, ordering.
const HARMLESS_CLAUSES = new Set([
  'ADD', 'ALGORITHM', 'LOCK', 'FORCE', 'ORDER', 'ENABLE', 'DISABLE', 'WITH', 'WITHOUT', 'ANALYZE', 'CHECK',
  'OPTIMIZE', 'REBUILD', 'UPGRADE',
  // PARTITION BY repartitions: rows move, none is lost (MySQL refuses a scheme that cannot hold them).
  'PARTITION',
]);

function alterTable(tokens: Token[], st: Structure, report: Report): void {
  const subject = `ALTER TABLE ${st.targets[0] ? refText(st.targets[0]) : ''}`;
  for (const [s, e] of st.alter!.clauses) alterClause(tokens, s, e, subject, report);
}

function alterClause(tokens: Token[], s: number, e: number, subject: string, report: Report): void {
  const w = tokens[s]!;
  const v = w.type === 'word' ? w.value : '';
  const at = (i: number): Token | undefined => (i < e ? tokens[i] : undefined);
  const nameAt = (i: number): string => {
    const n = at(i) && readName(tokens, i);
    return n ? n.name : '';
  };
  switch (v) {
    case 'DROP': {
      const what = at(s + 1);
      if (isWord(what, 'PRIMARY')) {
        return report('alterDrop', w, `${subject} DROP PRIMARY KEY deletes the primary key: rows lose the key that identifies them and InnoDB rebuilds the table; ${DECLARE}`);
      }
      if (isWord(what, 'INDEX', 'KEY')) {
        return report('alterDrop', w, `${subject} DROP ${what!.value} ${nameAt(s + 2)} deletes the index: queries that use it slow down, and a UNIQUE index stops keeping values unique; ${DECLARE}`);
      }
      if (isWord(what, 'FOREIGN', 'CONSTRAINT', 'CHECK')) {
        const label = what!.value === 'FOREIGN' ? 'FOREIGN KEY' : what!.value;
        const name = nameAt(what!.value === 'FOREIGN' ? s + 3 : s + 2);
        return report('alterDrop', w, `${subject} DROP ${label} ${name} deletes the constraint, and the data it guarded is no longer checked; ${DECLARE}`);
      }
      if (isWord(what, 'PARTITION')) {
        return report('partition', w, `${subject} DROP PARTITION deletes the partitions and every row in them; ${DECLARE}`);
      }
      const col = isWord(what, 'COLUMN') ? s + 2 : s + 1;
      return report('alterDrop', w, `${subject} DROP COLUMN ${nameAt(col)} deletes the column and every value in it; ${DECLARE}, or stop using the column first and drop it in a later change`);
    }
    case 'CHANGE':
    case 'MODIFY': {
      const col = isWord(at(s + 1), 'COLUMN') ? s + 2 : s + 1;
      const how = v === 'CHANGE' ? 'renames or redefines' : 'redefines';
      return report('redefine', w, `${subject} ${v} COLUMN ${nameAt(col)} ${how} the column: a narrower type, a lossy character set or NOT NULL truncates or converts existing values, and lint cannot see the old definition; ${DECLARE}, or add a new column and copy the data`);
    }
    case 'RENAME': {
      const what = at(s + 1);
      if (isWord(what, 'COLUMN')) {
        return report('rename', w, `${subject} RENAME COLUMN ${nameAt(s + 2)} renames the column, and every statement that names it fails; ${DECLARE}, or add the new column, copy the data and drop the old one in a later change`);
      }
      if (isWord(what, 'INDEX', 'KEY')) {
        return report('rename', w, `${subject} RENAME ${what!.value} ${nameAt(s + 2)} renames the index, and hints and statements that name it fail; ${DECLARE}`);
      }
      const to = isWord(what, 'TO', 'AS') ? s + 2 : s + 1;
      return report('rename', w, `${subject} RENAME TO ${nameAt(to)} renames the table, and every statement that names the old name fails; ${DECLARE}`);
    }
    case 'CONVERT':
      return report('convert', w, `${subject} CONVERT TO CHARACTER SET rewrites every text column: characters the new set cannot hold are lost, and column types can change; ${DECLARE}`);
    case 'ALTER': {
      // ALTER [COLUMN] c SET|DROP DEFAULT, SET VISIBLE|INVISIBLE; ALTER INDEX i [IN]VISIBLE;
      // ALTER CHECK|CONSTRAINT c [NOT] ENFORCED. All change metadata only: no stored value changes
      // (a default applies to rows written later), so none is destructive.
      let c = s + 1;
      if (isWord(at(c), 'COLUMN', 'INDEX', 'CHECK', 'CONSTRAINT')) c++;
      if (at(c) && isName(at(c))) c++;
      const a = at(c);
      const b = at(c + 1);
      if ((isWord(a, 'SET') && isWord(b, 'DEFAULT', 'VISIBLE', 'INVISIBLE')) || (isWord(a, 'DROP') && isWord(b, 'DEFAULT')) || isWord(a, 'VISIBLE', 'INVISIBLE', 'ENFORCED') || (isWord(a, 'NOT') && isWord(b, 'ENFORCED'))) {
        return;
      }
      return report('unknown', w, cannotClassify(`${subject} ALTER ${tokens.slice(s + 1, Math.min(e, s + 4)).map((t) => t.text).join(' ')}`));
    }
    case 'DISCARD':
    case 'IMPORT': {
      const part = isWord(at(s + 1), 'PARTITION');
      const effect = v === 'DISCARD'
        ? `deletes the tablespace file${part ? ' of the partitions' : ''} and every row in it`
        : `replaces the data${part ? ' of the partitions' : ''} with an imported tablespace file`;
      return report('partition', w, `${subject} ${v} ${part ? 'PARTITION' : 'TABLESPACE'} ${effect}; ${DECLARE}`);
    }
    case 'TRUNCATE':
      return report('partition', w, `${subject} TRUNCATE PARTITION deletes every row in the partitions; ${DECLARE}`);
    case 'REORGANIZE':
      return report('partition', w, `${subject} REORGANIZE PARTITION rewrites the partitions and moves their rows; ${DECLARE}`);
    case 'COALESCE':
      return report('partition', w, `${subject} COALESCE PARTITION merges partitions and rewrites their rows; ${DECLARE}`);
    case 'EXCHANGE': {
      let t = s + 1;
      while (t < e && !isWord(tokens[t], 'TABLE')) t++;
      return report('partition', w, `${subject} EXCHANGE PARTITION swaps the rows of a partition with the rows of table ${nameAt(t + 1)}; ${DECLARE}`);
    }
    case 'REMOVE':
      return report('partition', w, `${subject} REMOVE PARTITIONING rewrites the table without partitions; ${DECLARE}`);
    case 'REPAIR':
      return report('partition', w, `${subject} REPAIR PARTITION can drop rows it cannot read; ${DECLARE}`);
  }
  if (HARMLESS_CLAUSES.has(v)) return;
  if (TABLE_OPTIONS.has(v)) return tableOptions(tokens, s, e, subject, report);
  report('unknown', w, cannotClassify(`${subject} ${w.text}`));
}

// A run of table options: ENGINE, and the table's default character set or collation, change data.
function tableOptions(tokens: Token[], s: number, e: number, subject: string, report: Report): void {
  let charset = false;
  for (let j = s; j < e; j++) {
    const t = tokens[j]!;
    if (t.depth !== tokens[s]!.depth || isPunct(tokens[j - 1], '=')) continue;
    if (isWord(t, 'ENGINE')) {
      let v = j + 1;
      if (isPunct(tokens[v], '=')) v++;
      const engine = tokens[v] ? nameOf(tokens[v]!) : '';
      report('convert', t, `${subject} ENGINE=${engine} rebuilds the table in that storage engine, and an engine without transactions (or MEMORY, BLACKHOLE) can lose rows; ${DECLARE}`);
    } else if (!charset && isWord(t, 'CHARACTER', 'CHARSET', 'COLLATE')) {
      charset = true;
      const from = isWord(tokens[j - 1], 'DEFAULT') ? tokens[j - 1]! : t;
      report('convert', from, `${subject} changes the table's default character set or collation: every column defined without its own follows it, so text written later is converted and compared differently; ${DECLARE}`);
    }
  }
}

function rename(tokens: Token[], s: Structure, report: Report): void {
  const verb = tokens[s.verb]!;
  if (s.kind === 'rename-table') {
    const pairs = s.renames.map((r) => `${refText(r.from)} to ${refText(r.to)}`);
    report('rename', verb, `RENAME TABLE renames ${pairs.join(', ') || 'a table'}, and every statement that names the old name fails; ${DECLARE}`);
    return;
  }
  if (s.object === 'user') {
    report('rename', verb, `RENAME USER renames an account, and clients that log in as the old name fail; ${DECLARE}`);
    return;
  }
  report('unknown', verb, cannotClassify(`RENAME ${tokens[s.verb + 1]?.text ?? ''}`.trim()));
}

/** The destructive definition: one analyzer, codes CG101-CG113 and CG199. */
export const destructiveAnalyzer: Analyzer = {
  name: 'destructive',
  rules: Object.values(rules),
  analyze(statements, report) {
    for (const s of statements) {
      for (const f of classifyDestructive(s.tokens, s.structure)) report({ code: f.code, statement: s, token: f.token, message: f.message });
    }
  },
};
