// Runs the real `changegate` executable in a child process, as a user or a workflow step would, so
// exit codes, stdout/stderr and process-wide state (redaction registry) are exactly what ships.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The CLI as the package ships it: the bundle scripts/bundle.mjs builds from the compiled entry point. */
export const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'cli', 'bin.mjs');

/** What a finished CLI run printed and returned. */
export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts the CLI; the caller may kill the child. */
export function startCli(args: string[], opts: { cwd: string; env?: Record<string, string | undefined> }): { child: ChildProcess; done: Promise<CliResult> } {
  const env = { ...process.env, NODE_NO_WARNINGS: '1', ...opts.env } as NodeJS.ProcessEnv;
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  const child = spawn(process.execPath, [BIN, ...args], { cwd: opts.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<CliResult>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done };
}

/** Runs the CLI to the end. */
export function runCli(args: string[], opts: { cwd: string; env?: Record<string, string | undefined> }): Promise<CliResult> {
  return startCli(args, opts).done;
}

/** A repository on disk: file path -> content, written under a new temp folder. */
export function makeRepo(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'changegate-repo-'));
  writeFiles(dir, files);
  return dir;
}

/** Writes (or overwrites) files under a repository. */
export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), content);
  }
}

/** A config with one URL environment `local` reading TEST_URL, and a low version floor for MariaDB. */
export function localConfig(extra = ''): string {
  return [
    'database: testdb',
    'server: { min_version: "5.5" }',
    'ticket_pattern: "^T-[0-9]+$"',
    'protected_clusters: [prodinvoicingco]',
    'environments:',
    '  local:',
    '    url_env: TEST_URL',
    '    lock_timeout: 1',
    extra,
  ].join('\n') + '\n';
}

/** A manifest for `id` applying migrations/<id>/up.sql. */
export function manifest(id: string, opts: { destructive?: boolean; verify?: string; extra?: string } = {}): Record<string, string> {
  return {
    [`changes/${id}.yaml`]: [
      `title: ${id}`,
      'ticket: T-1',
      `destructive: ${opts.destructive ?? false}`,
      'apply:',
      `  - migrations/${id}/up.sql`,
      opts.verify ?? '',
      opts.extra ?? '',
    ].join('\n') + '\n',
  };
}
