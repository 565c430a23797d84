// The online schema change port on a real server: runs pt-online-schema-change or the environment's
// own command as a child process, with the credentials in a private option file, and reads and
// cleans the schema around the table on connections of its own.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { RefusedError } from '../../core/errors.js';
import type { OnlineEvents, OnlineJob, OnlineLook, OnlinePrepared, OnlineTool } from '../../core/online.js';
import type { ServerFacts } from '../../core/impact/types.js';
import type { OnlineSettings, Throttle } from '../../core/types.js';
import type { MysqlConnection, TargetSpec } from '../mysql/connection.js';
import { lookOnline, prepareOnline, removeObjects } from '../mysql/online-schema.js';
import { clientOptions, withOptionFile } from './option-file.js';
import { estimateRefusal, PT_OSC, ptOscArgs, ptOscFailure, readPtOscLine } from './pt-osc.js';
import { commandLine } from './command.js';

/** What the port needs from the run. */
export interface OnlinePortOptions {
  settings: OnlineSettings;
  throttle: Throttle;
  spec: TargetSpec;
  /** The environment's name, for messages. */
  label: string;
  server: ServerFacts;
  /** A short-lived connection to the target (closed by the port). */
  connect(): Promise<MysqlConnection>;
  /** The ids of this run's own connections, never taken for the tool's. */
  ownIds(): number[];
  /** The process environment the tool runs with (PATH finds it). */
  env: NodeJS.ProcessEnv;
  /** Seconds between progress lines (default 30). */
  progressSeconds?: number;
}

// The tool's last lines, kept for its failure reason.
const TAIL = 40;

/** The port. */
export function onlineTool(o: OnlinePortOptions): OnlineTool {
  const schema = o.spec.schema;
  const progressSeconds = o.progressSeconds ?? 30;
  const name = o.settings.tool === 'command' ? 'the online schema change command' : PT_OSC;
  const onConnection = async <T>(work: (c: MysqlConnection) => Promise<T>): Promise<T> => {
    const c = await o.connect();
    try {
      return await work(c);
    } finally {
      await c.close().catch(() => undefined);
    }
  };
  return {
    name,
    check: async () => {
      const missing = await toolMissing(o.settings, o.env);
      if (missing) throw new RefusedError(`refused: ${missing}; nothing ran in ${o.label}`);
      if (o.settings.tool !== 'pt-online-schema-change') return;
      // A login through the tool's own driver and the very option file it will read: a password, a
      // token or a certificate it cannot use is said now, never after half of the run.
      const refused = await withOptionFile(await clientOptions(o.spec, o.label), (file) => driverLogin(file, o.env));
      if (refused) throw new RefusedError(`refused: ${PT_OSC} cannot log in to ${o.label} with these credentials (${refused}); nothing ran`);
    },
    prepare: (table, clauses): Promise<OnlinePrepared> => onConnection((c) => prepareOnline(c, schema, table, clauses)),
    look: (table): Promise<OnlineLook> => onConnection((c) => lookOnline(c, schema, table, o.spec.user, o.ownIds())),
    remove: (objects) => onConnection((c) => removeObjects(c, schema, objects)),
    run: async (job, events) =>
      withOptionFile(await clientOptions(o.spec, o.label), (file) => {
        if (o.settings.tool === 'command') {
          const line = commandLine(o.settings.command!, { SCHEMA: schema, TABLE: job.table, CLAUSES: job.clauses, HOST: o.spec.host, PORT: String(o.spec.port), USER: o.spec.user, DEFAULTS_FILE: file });
          return runProcess('/bin/sh', ['-c', line], o.env, name, job, events, progressSeconds, 'command');
        }
        const args = ptOscArgs({ schema, table: job.table, clauses: job.clauses, throttle: o.throttle, server: o.server, progressSeconds }, file);
        return runProcess(PT_OSC, args, o.env, name, job, events, progressSeconds, 'pt-osc');
      }),
  };
}

// Runs the tool to its end, turning its output into progress and its failure into one line.
function runProcess(
  exe: string, args: string[], env: NodeJS.ProcessEnv, name: string, job: OnlineJob, events: OnlineEvents, progressSeconds: number, dialect: 'pt-osc' | 'command',
): Promise<{ copySeconds: number; swapSeconds: number | null }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    let copyStart = started;
    let copyEnd: number | null = null;
    let swapStart: number | null = null;
    let swapEnd: number | null = null;
    let done = dialect === 'command';
    let stopped: string | null = null;
    let lastPause = { cause: '', at: 0 };
    let lastLine = 0;
    const tail: string[] = [];
    const child = spawn(exe, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const say = (line: string) => events.progress?.(job, line);
    const onLine = (raw: string): void => {
      tail.push(raw);
      if (tail.length > TAIL) tail.shift();
      if (dialect === 'command') {
        // Another tool's words, passed on at most once per progress interval.
        const now = Date.now();
        if (raw.trim() !== '' && now - lastLine >= progressSeconds * 1000) {
          lastLine = now;
          say(raw.trim());
        }
        return;
      }
      const l = readPtOscLine(raw);
      if (l.kind === 'estimate') {
        copyStart = Date.now();
        const refusal = estimateRefusal(l.rows, job.rows);
        if (refusal) {
          stopped = refusal;
          child.kill('SIGTERM');
          return;
        }
        say(`copying ${job.table} into a new table: about ${l.rows} rows`);
      } else if (l.kind === 'progress') {
        say(`copying ${job.table}: ${l.percent}% copied, about ${l.remain} left`);
      } else if (l.kind === 'pause') {
        const now = Date.now();
        if (l.cause !== lastPause.cause || now - lastPause.at >= progressSeconds * 1000) say(`copy of ${job.table} paused: ${l.cause} (over max_load)`);
        lastPause = { cause: l.cause, at: now };
      } else if (l.kind === 'copied') copyEnd = Date.now();
      else if (l.kind === 'swapping') swapStart = Date.now();
      else if (l.kind === 'swapped') swapEnd = Date.now();
      else if (l.kind === 'done') done = true;
    };
    createInterface({ input: child.stdout }).on('line', onLine);
    createInterface({ input: child.stderr }).on('line', onLine);
    child.on('error', (err: NodeJS.ErrnoException) => {
      reject(
        err.code === 'ENOENT'
          ? new RefusedError(`${name} is not installed on this runner (${exe} not found on PATH); install percona-toolkit, or remove online_schema_change from the environment`)
          : err,
      );
    });
    child.on('close', (code, signal) => {
      if (code === 0 && done && stopped === null) {
        const end = Date.now();
        resolve({ copySeconds: ((copyEnd ?? swapStart ?? end) - copyStart) / 1000, swapSeconds: swapStart !== null && swapEnd !== null ? (swapEnd - swapStart) / 1000 : null });
        return;
      }
      const how = signal ? `killed by ${signal}` : code !== 0 ? `exit code ${code}` : 'it ended without finishing';
      const said = dialect === 'pt-osc' ? ptOscFailure(tail) : lastWords(tail);
      const why = stopped ?? (said ? `${said} (${how})` : how);
      reject(new Error(why));
    });
  });
}

// The last non-empty line another tool printed.
function lastWords(tail: string[]): string | null {
  return [...tail].reverse().find((l) => l.trim() !== '')?.trim() ?? null;
}

// Logs in through Perl's DBD::mysql, as pt-online-schema-change does with F= in its DSN; null when it could.
function driverLogin(file: string, env: NodeJS.ProcessEnv): Promise<string | null> {
  const script =
    'use DBI; my $d = DBI->connect("DBI:mysql:;mysql_read_default_file=$ENV{CHANGEGATE_OPTION_FILE};mysql_read_default_group=client", undef, undef, ' +
    '{ PrintError => 0, RaiseError => 0 }); if ($d) { $d->do("SELECT 1"); exit 0 } print STDERR $DBI::errstr; exit 1';
  return new Promise((resolve) => {
    let err = '';
    const child = spawn('perl', ['-e', script], { env: { ...env, CHANGEGATE_OPTION_FILE: file }, stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr.on('data', (d) => (err += d));
    child.on('error', (e) => resolve(e.message));
    child.on('close', (code) => resolve(code === 0 ? null : err.trim().replace(/\s+/g, ' ') || `exit code ${code}`));
  });
}

/** Why the tool cannot run on this runner, or null: said before any statement of the run. */
function toolMissing(settings: OnlineSettings, env: NodeJS.ProcessEnv): Promise<string | null> {
  if (settings.tool === 'command') return Promise.resolve(null);
  return new Promise((resolve) => {
    const child = spawn(PT_OSC, ['--version'], { env, stdio: ['ignore', 'pipe', 'ignore'] });
    child.on('error', () => resolve(`${PT_OSC} is not installed on this runner (install percona-toolkit, or remove online_schema_change from the environment)`));
    child.on('close', (code) => resolve(code === 0 ? null : `${PT_OSC} --version failed (exit code ${code}) on this runner`));
  });
}
