// How the server will run one statement: a pure function of the parsed statement, the table's facts and
// the server's flavour and version. Each clause is judged by small flat predicates into the ways the
// server can run it (best first); the statement gets the best algorithm every clause shares, the
// strongest lock among them, and the reason of the clause that held it back. MySQL's and MariaDB's
// rules differ and live in rules-mysql.ts and rules-mariadb.ts; the verdicts they agree on live in
// rules-shared-clauses.ts, the column comparisons in rules-common.ts, and the combining here.
// The test server is the oracle: test/impact-agreement.test.ts tries each case on MySQL and MariaDB.
import type { DdlSpec } from './ddl.js';
import type { ImpactDecision, ServerFacts, TableFacts } from './types.js';
import { mariadbClause } from './rules-mariadb.js';
import { mysqlClause } from './rules-mysql.js';
import { ALGORITHM_RANK, LOCK_RANK, type ClauseVerdict, type Way } from './rules-common.js';
import { quoteIdent } from '../sql/quote.js';

/** Whether the statement is a schema change the rules judge (UPDATE, DELETE and other statements are not). */
export function hasImpact(spec: DdlSpec): boolean {
  return spec.kind !== 'update' && spec.kind !== 'delete' && spec.kind !== 'other';
}

const UNKNOWN = (reason: string): ImpactDecision => ({ algorithm: null, lock: null, rebuild: null, reason });

/**
 * How the server will run `spec` on `table` (undefined when the plan knows nothing of it): the weakest
 * of its clauses' verdicts, honouring a stated ALGORITHM/LOCK (the server runs it that way or refuses).
 */
export function decideImpact(spec: DdlSpec, table: TableFacts | undefined, server: ServerFacts): ImpactDecision {
  const name = spec.table ? quoteIdent(spec.table.name) : 'the table';
  switch (spec.kind) {
    case 'create-table':
      return createTable(spec, name);
    case 'drop-table':
      return {
        algorithm: 'instant',
        lock: 'none',
        rebuild: false,
        reason: `DROP TABLE removes ${name} and its rows at once; it waits for every open transaction that touched the table, and statements queue behind it meanwhile. Take a snapshot first if the rows may be needed.`,
      };
    case 'truncate':
      return {
        algorithm: 'instant',
        lock: 'none',
        rebuild: false,
        reason: `TRUNCATE recreates ${name} empty; like DROP TABLE it waits for open transactions on the table, and the rows are gone.`,
      };
    case 'rename-table':
      return { algorithm: 'instant', lock: 'none', rebuild: false, reason: `RENAME TABLE only changes metadata; it waits briefly for open transactions on the tables it renames.` };
    case 'update':
    case 'delete':
    case 'other':
      return UNKNOWN('Not a schema change: the online DDL rules do not apply (row locks and run time depend on the rows it touches).');
    default:
      break;
  }
  if (!table) return UNKNOWN(`The plan knows nothing of ${name} (not on the target, nor created by an earlier statement), so how the server will run this is unknown.`);
  if (table.engine.toLowerCase() !== 'innodb') {
    return UNKNOWN(`${name} uses the ${table.engine} engine; these rules know InnoDB only, so how the server runs this is unknown. Most other engines copy the table and block writes.`);
  }
  // A partitioned table follows the same rules for column and index changes (checked on both servers);
  // partition maintenance clauses themselves stay unknown.
  if (spec.kind === 'optimize-table') return optimize(table, server, name);
  if (spec.clauses.length === 0) {
    return UNKNOWN(spec.algorithm || spec.lock ? 'An ALTER TABLE with only ALGORITHM/LOCK changes nothing the rules know of.' : 'An ALTER TABLE with no clause the rules understand.');
  }
  if (spec.online && server.flavor === 'mysql') return UNKNOWN('ALTER ONLINE TABLE is MariaDB syntax: MySQL refuses the statement. Write LOCK=NONE instead.');
  const ctx = { spec, table, server, clauses: spec.clauses };
  const judge = server.flavor === 'mariadb' ? mariadbClause : mysqlClause;
  const verdicts = spec.clauses.flatMap((c) => judge(c, ctx)).map((v) => (table.hasFulltext ? fulltextRebuild(v, server) : v));
  if (spec.kind === 'drop-index' && server.flavor === 'mariadb' && (spec.algorithm || spec.lock)) {
    return UNKNOWN('MariaDB takes no ALGORITHM/LOCK on DROP INDEX ... ON (a syntax error): write ALTER TABLE ... DROP INDEX ..., ALGORITHM=... instead.');
  }
  return combine(verdicts, spec, server, table.rows === 0);
}

/**
 * The statement's verdict from its clauses': the best algorithm every clause can run with, the
 * strongest lock and any rebuild at that algorithm; a stated ALGORITHM/LOCK narrows the choice or
 * makes the server refuse the statement.
 */
export function combine(verdicts: ClauseVerdict[], spec: Pick<DdlSpec, 'algorithm' | 'lock'>, server: ServerFacts, emptyTable = false): ImpactDecision {
  const unknown = verdicts.find((v) => v.ways === null);
  if (unknown) return UNKNOWN(unknown.reason);
  const maria = server.flavor === 'mariadb';
  const stated = spec.algorithm && spec.algorithm !== 'default' ? spec.algorithm : null;
  const statedLock = spec.lock && spec.lock !== 'default' ? spec.lock : null;
  if (stated === 'nocopy' && !maria) return UNKNOWN('ALGORITHM=NOCOPY is MariaDB syntax: MySQL refuses the statement with a syntax error.');
  // MySQL runs exactly the stated algorithm; MariaDB takes the stated one as the slowest it accepts.
  const candidates: Array<'instant' | 'inplace' | 'copy'> = (() => {
    if (!stated) return ['instant', 'inplace', 'copy'];
    if (stated === 'instant') return ['instant'];
    if (stated === 'copy') return ['copy'];
    if (maria) return ['instant', 'inplace'];
    return ['inplace'];
  })();
  // MySQL accepts no LOCK but DEFAULT beside ALGORITHM=INSTANT. With a LOCK clause alone it still runs
  // an instant change instantly, except on an empty table, which it rebuilds in place instead (seen on
  // MySQL 9.7: harmless, an empty table rebuilds at once, but it is what the server does).
  if (!maria && stated === 'instant' && statedLock) {
    return UNKNOWN(`MySQL refuses ALGORITHM=INSTANT together with LOCK=${statedLock.toUpperCase()} ("Incorrect usage"): drop the LOCK clause.`);
  }
  const skipInstant = !maria && !stated && statedLock !== null && emptyTable;
  for (const algorithm of candidates) {
    if (algorithm === 'instant' && skipInstant) continue;
    const ways = verdicts.map((v) => v.ways!.find((w) => w.algorithm === algorithm));
    if (ways.some((w) => w === undefined)) continue;
    // NOCOPY refuses a rebuild.
    if (stated === 'nocopy' && algorithm === 'inplace' && ways.some((w) => w!.rebuild)) continue;
    let needed: Way['lock'] = 'none';
    for (const w of ways) if (LOCK_RANK[w!.lock] > LOCK_RANK[needed]) needed = w!.lock;
    let lock = needed;
    if (statedLock && algorithm !== 'instant') {
      if (LOCK_RANK[statedLock] < LOCK_RANK[needed]) {
        if (!stated && algorithm === 'inplace') continue;
        return UNKNOWN(lockRefusal(statedLock, needed, verdicts, ways as Way[]));
      }
      lock = statedLock;
    }
    const rebuild = ways.some((w) => w!.rebuild);
    // The reason of the clause whose best way is the weakest: it is what the statement waits for.
    let limiting = 0;
    for (let i = 1; i < verdicts.length; i++) if (rank(verdicts[i]!.ways![0]!) > rank(verdicts[limiting]!.ways![0]!)) limiting = i;
    let reason = verdicts[limiting]!.reason;
    const best = verdicts[limiting]!.ways![0]!;
    if (stated && best.algorithm !== algorithm) {
      reason = `ALGORITHM=${stated.toUpperCase()} is stated, so the server runs it ${describe(algorithm, needed, rebuild)}. ${reason}`;
    } else if (!stated && statedLock && best.algorithm === 'instant' && algorithm !== 'instant') {
      reason = `With LOCK=${statedLock.toUpperCase()} stated on an empty table, MySQL rebuilds it in place instead of changing it instantly (no cost while it is empty). ${reason}`;
    } else if (verdicts.length > 1 && (best.algorithm !== algorithm || best.rebuild !== rebuild || best.lock !== needed)) {
      reason = `${reason} ${describe(algorithm, needed, rebuild, true)}`;
    }
    if (lock !== needed) reason += ` LOCK=${lock.toUpperCase()} is stated, so it blocks ${lock === 'shared' ? 'writes' : 'reads and writes'} for as long as it runs.`;
    // An instant way never locks, and a stated LOCK leaves an instant change alone.
    return { algorithm, lock, rebuild, reason };
  }
  if (stated) {
    const worst = verdicts.reduce((a, b) => (rank(b.ways![0]!) > rank(a.ways![0]!) ? b : a));
    return UNKNOWN(`The server refuses this statement: ALGORITHM=${stated.toUpperCase()} is not supported for it (${worst.reason}) Drop the ALGORITHM clause or state the algorithm it supports.`);
  }
  return UNKNOWN(`The server refuses this statement: LOCK=${statedLock!.toUpperCase()} is more permissive than any way it can run it. Drop the LOCK clause or state a stronger lock.`);
}

function lockRefusal(stated: Way['lock'], needed: Way['lock'], verdicts: ClauseVerdict[], ways: Way[]): string {
  const i = ways.findIndex((w) => w.lock === needed);
  return `The server refuses this statement: LOCK=${stated.toUpperCase()} is stated but it needs LOCK=${needed.toUpperCase()} (${verdicts[Math.max(0, i)]!.reason}) Drop the LOCK clause or state LOCK=${needed.toUpperCase()}.`;
}

// Rebuilding a table that has a FULLTEXT index rebuilds that index too. MariaDB does it in place but
// not while writes go on (LOCK=SHARED: "Fulltext index creation requires a lock"); MySQL does not do
// it in place at all ("InnoDB presently supports one FULLTEXT index creation at a time") and copies.
function fulltextRebuild(v: ClauseVerdict, server: ServerFacts): ClauseVerdict {
  if (!v.ways) return v;
  const rebuildsInPlace = (w: Way): boolean => w.algorithm === 'inplace' && w.rebuild;
  const first = v.ways[0]!;
  if (server.flavor === 'mysql') {
    const ways = v.ways.filter((w) => !rebuildsInPlace(w));
    const note = rebuildsInPlace(first) ? ' With a FULLTEXT index on the table, MySQL cannot rebuild in place: it copies the table and blocks writes for the whole copy.' : '';
    return { ways, reason: v.reason + note };
  }
  const ways = v.ways.map((w) => (rebuildsInPlace(w) && w.lock === 'none' ? { ...w, lock: 'shared' as const } : w));
  const note = rebuildsInPlace(first) ? " The table's FULLTEXT index is rebuilt too, which blocks writes (LOCK=SHARED) for the whole rebuild." : '';
  return { ways, reason: v.reason + note };
}

function rank(w: Way): number {
  return ALGORITHM_RANK[w.algorithm] * 10 + LOCK_RANK[w.lock] * 2 + (w.rebuild ? 1 : 0);
}

// Never called for an instant run: that is only chosen when the limiting clause's best way is instant too.
function describe(algorithm: Way['algorithm'], lock: Way['lock'], rebuild: boolean, mixed = false): string {
  const how = algorithm === 'copy' ? 'as a table copy that blocks writes' : `in place (LOCK=${lock.toUpperCase()}${rebuild ? ', rebuilding the table' : ''})`;
  return mixed ? `With the other clauses, the whole statement runs ${how}: split them into separate statements to keep the fast ones fast.` : how;
}

function createTable(spec: DdlSpec, name: string): ImpactDecision {
  if (spec.create?.asSelect) {
    return {
      algorithm: 'copy',
      lock: 'shared',
      rebuild: false,
      reason: `CREATE TABLE ... SELECT copies the query's rows into ${name} in one transaction, locking the rows it reads in the source tables; create the table empty and fill it in batches instead.`,
    };
  }
  return { algorithm: 'instant', lock: 'none', rebuild: false, reason: `CREATE TABLE makes an empty ${name}: nothing existing is touched.` };
}

function optimize(table: TableFacts, server: ServerFacts, name: string): ImpactDecision {
  if (table.hasFulltext && server.flavor === 'mysql') {
    return { algorithm: 'copy', lock: 'shared', rebuild: true, reason: `OPTIMIZE TABLE rebuilds ${name}, and with a FULLTEXT index MySQL copies it, blocking writes for the whole copy. Run it in a maintenance window or with an online schema change tool.` };
  }
  if (table.hasFulltext) {
    return { algorithm: 'inplace', lock: 'shared', rebuild: true, reason: `OPTIMIZE TABLE rebuilds ${name} in place, and its FULLTEXT index with it, which blocks writes (LOCK=SHARED) for the whole rebuild. Run it in a quiet window.` };
  }
  return {
    algorithm: 'inplace',
    lock: 'none',
    rebuild: true,
    reason: `OPTIMIZE TABLE rebuilds ${name} in place: writes go on, but it reads and rewrites every row, and replicas replay it after it ends.`,
  };
}

/**
 * Bytes per second a rebuild or copy moves, for estimates. InnoDB rebuilds at roughly 50–150 MB/s on
 * cloud SSD storage (Aurora and RDS included) once secondary indexes are sorted and bulk-loaded; a COPY
 * inserts row by row through every index and is several times slower. The constants sit at the slow end
 * so the plan errs long: a reviewer is better warned of an hour that takes twenty minutes than the reverse.
 */
export const REBUILD_BYTES_PER_SECOND = 50 * 1024 * 1024;
/** Bytes per second of an ALGORITHM=COPY table copy (see REBUILD_BYTES_PER_SECOND). */
export const COPY_BYTES_PER_SECOND = 20 * 1024 * 1024;
/** Bytes per second an in-place index build scans and sorts (no rebuild), same sources. */
export const INDEX_BUILD_BYTES_PER_SECOND = 100 * 1024 * 1024;

/**
 * Estimated seconds `decision` keeps the server busy on `table`: 0 for instant, from the table's bytes
 * for a rebuild or copy, from its data bytes for an in-place index build (when `spec` says one is built;
 * other in-place changes without a rebuild only touch metadata); null when unknown.
 */
export function estimateSeconds(table: TableFacts | undefined, decision: ImpactDecision, spec?: DdlSpec): number | null {
  if (decision.algorithm === null) return null;
  if (decision.algorithm === 'instant') return 0;
  if (!table) return null;
  const bytes = table.dataBytes + table.indexBytes;
  if (table.rows === 0) return 0;
  if (decision.algorithm === 'copy') return Math.ceil(bytes / COPY_BYTES_PER_SECOND);
  if (decision.rebuild) return Math.ceil(bytes / REBUILD_BYTES_PER_SECOND);
  const buildsIndex = spec?.clauses.some((c) => c.kind === 'add-index' || (c.kind === 'add-column' && (c.column.unique || c.column.primaryKey)));
  return buildsIndex ? Math.ceil(table.dataBytes / INDEX_BUILD_BYTES_PER_SECOND) : 0;
}
