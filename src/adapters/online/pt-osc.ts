// pt-online-schema-change (Percona Toolkit): its command line for one statement, and what its output
// says. The password is never on that line: the DSN's `F=` names the option file.
import type { ServerFacts } from '../../core/impact/types.js';
import type { Throttle } from '../../core/types.js';

/** The tool's executable name, as Debian and Ubuntu install it. */
export const PT_OSC = 'pt-online-schema-change';

/** What the command line needs besides the option file. */
export interface PtOscJob {
  schema: string;
  table: string;
  clauses: string;
  throttle: Throttle;
  server: ServerFacts;
  /** Seconds between progress reports. */
  progressSeconds: number;
}

// A DSN value may not hold a comma or an equals sign: the DSN is split on them.
function dsnValue(v: string): string {
  if (/[,=]/.test(v)) throw new Error(`${PT_OSC} cannot be given ${JSON.stringify(v)} in its DSN (a comma or an equals sign)`);
  return v;
}

/** The arguments after the executable. */
export function ptOscArgs(job: PtOscJob, optionFile: string): string[] {
  const args = ['--alter', job.clauses, '--execute', '--charset', 'utf8mb4', '--progress', `time,${job.progressSeconds}`];
  // Replicas are found through SHOW SLAVE HOSTS or the processlist by default; MySQL 8.4 removed the
  // first, and Aurora's replicas share the storage and need no lag check.
  args.push('--recursion-method', 'none');
  if (job.server.flavor === 'mysql') {
    // MySQL 9's default EXPLAIN format (TREE) hides the row estimate the tool sizes its chunks from:
    // it would see 0 rows and copy the whole table in one locking chunk.
    args.push('--set-vars', 'explain_format=TRADITIONAL');
  }
  if (job.throttle.max_load) args.push('--max-load', job.throttle.max_load);
  if (job.throttle.critical_load) args.push('--critical-load', job.throttle.critical_load);
  if (job.throttle.max_lag !== undefined) args.push('--max-lag', String(job.throttle.max_lag));
  if (job.throttle.chunk_time !== undefined) args.push('--chunk-time', String(job.throttle.chunk_time));
  // DROP PRIMARY KEY is refused by the tool's own check unless told: the plan allows it only when the
  // new key holds the old one's columns, which keeps the triggers exact.
  if (/\bDROP\s+PRIMARY\s+KEY\b/i.test(job.clauses)) args.push('--no-check-alter');
  args.push(`F=${dsnValue(optionFile)},D=${dsnValue(job.schema)},t=${dsnValue(job.table)}`);
  return args;
}

/** One line of the tool's output, read. */
export type PtOscLine =
  | { kind: 'estimate'; rows: number }
  | { kind: 'progress'; percent: number; remain: string }
  | { kind: 'pause'; cause: string }
  | { kind: 'copied' }
  | { kind: 'swapping' }
  | { kind: 'swapped' }
  | { kind: 'done' }
  | { kind: 'other'; text: string };

/** Reads one line of the tool's output. */
export function readPtOscLine(raw: string): PtOscLine {
  // Most lines start with a local timestamp.
  const line = raw.replace(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\s+/, '').trim();
  let m = /^Copying approximately (\d+) rows/.exec(line);
  if (m) return { kind: 'estimate', rows: Number(m[1]) };
  m = /^Copying .*:\s+(\d+)% (\S+) remain$/.exec(line);
  if (m) return { kind: 'progress', percent: Number(m[1]), remain: m[2]! };
  m = /^Pausing because (.*?)\.?$/.exec(line);
  if (m) return { kind: 'pause', cause: m[1]! };
  if (/^Copied rows OK\.?$/.test(line)) return { kind: 'copied' };
  if (/^Swapping tables\.\.\.$/.test(line)) return { kind: 'swapping' };
  if (/^Swapped original and new tables OK\.?$/.test(line)) return { kind: 'swapped' };
  if (/^Successfully altered /.test(line)) return { kind: 'done' };
  return { kind: 'other', text: line };
}

/**
 * Why the tool's row estimate disagrees too much with the plan's to go on, or null. A tool that
 * thinks a big table is small copies it in one chunk, locking every row for the whole copy.
 */
export function estimateRefusal(toolRows: number, planRows: number | null): string | null {
  if (planRows === null || planRows < 10_000) return null;
  if (toolRows * 10 >= planRows && toolRows <= planRows * 10) return null;
  return (
    `${PT_OSC} estimated ${toolRows} rows where the plan read about ${planRows}: with that estimate it would size its chunks wrongly ` +
    '(one chunk for the whole table holds a lock on every row until it ends); stopped before copying. Run ANALYZE TABLE and apply again'
  );
}

/** The tool's error in its last words, in one line without Perl's location; null when it printed none. */
export function ptOscFailure(lines: string[]): string | null {
  const clean = lines.map((l) => l.replace(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\s+/, '').trim()).filter((l) => l !== '' && !l.startsWith('#'));
  const err = [...clean].reverse().find((l) => /^(Error|DBD::|DBI |Cannot|Can't|You |The |Unknown)|exceeds its critical threshold|failed|denied/i.test(l) && !/^Not checking/.test(l));
  return err ? err.replace(/ at \S+ line \d+\.?$/, '').replace(/\s+/g, ' ') : null;
}
