// Runs the core's pre-checks on a reader connection: each query bounded by the server's own statement
// time limit, EXPLAIN for row estimates (nothing is executed), and a check that runs out of time or
// is refused is a warning that says so, never a pass.
import { checkResult, notVerified, timedOut, type PreCheck } from '../../core/impact/checks.js';
import type { CheckResult, ServerFacts } from '../../core/impact/types.js';
import { StatementError } from '../../core/ports.js';
import type { MysqlConnection } from './connection.js';
import { bounded, isTimeout } from './facts.js';

/** Seconds each pre-check query may run by default. */
export const PRECHECK_TIMEOUT_SEC = 30;

/** Runs the checks one after another (each scans a table: in parallel they would compete for the same disk). */
export async function runPreChecks(conn: MysqlConnection, server: ServerFacts, checks: PreCheck[], timeoutSec = PRECHECK_TIMEOUT_SEC): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  for (const check of checks) {
    try {
      out.push(checkResult(check, await count(conn, server, check, timeoutSec)));
    } catch (e) {
      if (isTimeout(e)) out.push(timedOut(check, timeoutSec));
      else if (e instanceof StatementError && !e.connectionLost) out.push(notVerified(check, e.message));
      else throw e;
    }
  }
  return out;
}

async function count(conn: MysqlConnection, server: ServerFacts, check: PreCheck, timeoutSec: number): Promise<number> {
  if (check.read === 'count') {
    const rows = await conn.run(bounded(check.sql, server, timeoutSec));
    return Number(rows.rows?.[0]?.[0] ?? 0);
  }
  // EXPLAIN's `rows` of the first table read: the estimate for a single-table statement, the driving
  // table's for a join. MySQL's `filtered` (percent kept by the WHERE) narrows it where present.
  // MySQL 9 prints a tree unless asked for the table (explain_format); MariaDB knows no FORMAT=TRADITIONAL.
  const sql = server.flavor === 'mariadb' ? bounded(`EXPLAIN ${check.sql}`, server, timeoutSec) : `EXPLAIN FORMAT=TRADITIONAL ${bounded(check.sql, server, timeoutSec)}`;
  const rows = await conn.query<Record<string, unknown>>(sql);
  const first = rows.find((r) => r.rows !== null && r.rows !== undefined);
  if (!first) return 0;
  const filtered = first.filtered === null || first.filtered === undefined ? 100 : Number(first.filtered);
  return Math.round((Number(first.rows) * filtered) / 100);
}
