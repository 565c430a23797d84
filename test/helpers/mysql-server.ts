// A throwaway MySQL-compatible server for tests and the demo: fresh datadir under the OS temp folder,
// a free loopback port, a socket beside the datadir, TLS with a CA made for this run with openssl
// (scripts/ensure-mysql.sh installs it), torn down at exit even when tests fail. Or the server in CHANGEGATE_TEST_MYSQL_URL.
// No mocha here: scripts/demo imports it too.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mysql from 'mysql2/promise';

/** A running server the tests may do anything to. */
export interface TestServer {
  host: string;
  port: number;
  /** Unix socket, PID and temp folder of a server started here; undefined for CHANGEGATE_TEST_MYSQL_URL. */
  socket?: string;
  pid?: number;
  dir?: string;
  /** Admin credentials (all privileges). */
  user: string;
  password: string;
  /** `VERSION()`. */
  version: string;
  /** CA that signed the server's TLS certificate (for `?ssl=true&ssl-ca=`), when TLS is set up. */
  caFile?: string;
  /** `mysql://admin:pw@host:port/schema`. */
  url(schema?: string): string;
  /** A new empty schema with a unique name, for one test. */
  freshSchema(prefix: string): Promise<{ name: string; url: string; drop(): Promise<void> }>;
  /** One statement as admin; rows as objects. */
  adminQuery<T = Record<string, unknown>>(sql: string, values?: unknown[]): Promise<T[]>;
  /**
   * (Re)creates `'name'@'%'` with the password and grants, e.g. `['SELECT, INSERT ON `db`.*']`; returns
   * a URL factory for it.
   */
  createUser(name: string, password: string, grants: string[]): Promise<{ url(schema?: string): string }>;
  stop(): Promise<void>;
  /** Started here only: SIGKILL the server process (a crash; a failover as clients see it), waiting until it is gone. */
  crash?(): Promise<void>;
  /** Started here only: start it again on the same datadir and port, after `crash`; connection ids start again. */
  restart?(): Promise<void>;
}

const DIR_PREFIX = 'changegate-mysql-';

/** Which server the harness starts: CHANGEGATE_TEST_SERVER (`mariadb`, the default, or `mysql`). */
export function testServerKind(): 'mariadb' | 'mysql' {
  const v = (process.env.CHANGEGATE_TEST_SERVER ?? 'mariadb').toLowerCase();
  if (v !== 'mariadb' && v !== 'mysql') throw new Error(`CHANGEGATE_TEST_SERVER must be mariadb or mysql, not '${v}'`);
  return v;
}

/** The folder scripts/fetch-oracle-mysql.sh unpacks Oracle MySQL into. */
export function oracleMysqlCache(): string {
  return process.env.CHANGEGATE_MYSQL_CACHE ?? fileURLToPath(new URL('../../../.cache/oracle-mysql', import.meta.url));
}

/**
 * The server binary CHANGEGATE_TEST_SERVER asks for: Debian's `mariadbd` on PATH or in the sbin
 * folders, or the Oracle MySQL wrapper that scripts/fetch-oracle-mysql.sh leaves in .cache/.
 */
export function findServerBinary(kind: 'mariadb' | 'mysql' = testServerKind()): string | undefined {
  if (kind === 'mysql') {
    const cache = oracleMysqlCache();
    return existsSync(join(cache, 'READY')) ? join(cache, 'bin', 'mysqld') : undefined;
  }
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/usr/libexec'];
  for (const d of dirs) {
    if (!d) continue;
    const p = join(d, 'mariadbd');
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // next
    }
  }
  return undefined;
}

function findNear(binary: string, names: string[]): string | undefined {
  const dirs = [join(binary, '..'), join(binary, '..', '..', 'bin'), '/usr/bin', '/usr/local/bin', ...(process.env.PATH ?? '').split(delimiter)];
  for (const name of names) for (const d of dirs) if (d && existsSync(join(d, name))) return join(d, name);
  return undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Kills servers and removes datadirs left by test runs that were themselves killed (SIGKILL skips exit handlers). */
export function reapOrphans(): void {
  for (const entry of readdirSync(tmpdir())) {
    if (!entry.startsWith(DIR_PREFIX)) continue;
    const dir = join(tmpdir(), entry);
    try {
      const owner = JSON.parse(readFileSync(join(dir, 'owner.json'), 'utf8')) as { owner: number; server?: number };
      if (alive(owner.owner)) continue;
      // Only a process whose command line names this datadir: the PID may have been reused.
      if (owner.server && alive(owner.server)) {
        const cmd = readFileSync(`/proc/${owner.server}/cmdline`, 'utf8');
        if (cmd.includes(dir)) process.kill(owner.server, 'SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // Not ours, or half-written: leave it.
    }
  }
}

/**
 * Makes a CA and a server certificate for 127.0.0.1/localhost with openssl. Throws when openssl is
 * missing or fails: the set-up installs it, and a server without TLS would leave the TLS tests nothing to run.
 */
function makeCerts(dir: string): void {
  const openssl = findNear('/usr/bin/openssl', ['openssl']);
  if (!openssl) throw new Error('openssl not found: the test servers need it for their TLS certificates; run scripts/ensure-mysql.sh');
  const run = (args: string[]) => {
    try {
      execFileSync(openssl, args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (e) {
      const stderr = String((e as { stderr?: Buffer }).stderr ?? '').trim();
      throw new Error(`openssl ${args.slice(0, 2).join(' ')} failed while making the test server's TLS certificates: ${stderr || (e as Error).message}`);
    }
  };
  writeFileSync(join(dir, 'san.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  run(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'ca-key.pem']);
  run(['req', '-x509', '-new', '-key', 'ca-key.pem', '-days', '2', '-subj', '/CN=changegate test CA', '-out', 'ca.pem']);
  run(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'server-key.pem']);
  run(['req', '-new', '-key', 'server-key.pem', '-subj', '/CN=localhost', '-out', 'server.csr']);
  run(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca-key.pem', '-CAcreateserial', '-days', '2', '-extfile', 'san.cnf', '-out', 'server.pem']);
}

/**
 * The CA of the server's TLS certificate, for a test that needs TLS (AWS environments always use it).
 * Every server started here has one; a CHANGEGATE_TEST_MYSQL_URL server has none the harness knows of,
 * and such a test then fails saying so instead of passing over its checks.
 */
export function serverCa(server: TestServer): string {
  if (server.caFile) return server.caFile;
  throw new Error('this test needs TLS with a CA the harness knows, which only a server it starts has: CHANGEGATE_TEST_MYSQL_URL names a server of your own');
}

async function waitForServer(socket: string, child: ChildProcess, log: string): Promise<mysql.Connection> {
  const deadline = Date.now() + 60_000;
  let last: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    try {
      return await mysql.createConnection({ socketPath: socket, user: 'root' });
    } catch (e) {
      last = e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const tail = existsSync(log) ? readFileSync(log, 'utf8').split('\n').slice(-15).join('\n') : '';
  throw new Error(`test server did not start: ${String((last as Error)?.message ?? last)}\n${tail}`);
}

interface Admin {
  conn: mysql.Connection;
  host: string;
  port: number;
  user: string;
  password: string;
}

function buildServer(admin: Admin, extra: Partial<TestServer>, teardown: () => Promise<void>, version: string): TestServer {
  let counter = 0;
  const enc = encodeURIComponent;
  const urlFor = (user: string, password: string, schema = '') =>
    `mysql://${enc(user)}${password ? `:${enc(password)}` : ''}@${admin.host}:${admin.port}/${enc(schema)}`;
  const stream = (admin.conn as unknown as { connection?: { stream?: { ref?(): void; unref?(): void } } }).connection?.stream;
  // The idle admin connection must not keep the process alive: a run without the root hook then still
  // ends, and the exit handler removes the server. It is held only while a query is in flight.
  stream?.unref?.();
  const adminQuery = async <T,>(sql: string, values?: unknown[]): Promise<T[]> => {
    stream?.ref?.();
    try {
      const [rows] = await admin.conn.query({ sql, values });
      return (Array.isArray(rows) ? rows : []) as T[];
    } finally {
      stream?.unref?.();
    }
  };
  const server: TestServer = {
    host: admin.host,
    port: admin.port,
    user: admin.user,
    password: admin.password,
    version,
    ...extra,
    url: (schema) => urlFor(admin.user, admin.password, schema),
    async freshSchema(prefix) {
      const stem = prefix.toLowerCase().replace(/[^a-z0-9_]/g, '_').slice(0, 40);
      const name = `${stem}_${++counter}_${randomBytes(3).toString('hex')}`;
      await adminQuery(`CREATE DATABASE \`${name}\``);
      return { name, url: urlFor(admin.user, admin.password, name), drop: async () => void (await adminQuery(`DROP DATABASE IF EXISTS \`${name}\``)) };
    },
    adminQuery,
    async createUser(name, password, grants) {
      await adminQuery('DROP USER IF EXISTS ?@?', [name, '%']);
      await adminQuery('CREATE USER ?@? IDENTIFIED BY ?', [name, '%', password]);
      for (const g of grants) await adminQuery(`GRANT ${g} TO ?@?`, [name, '%']);
      return { url: (schema?: string) => urlFor(name, password, schema) };
    },
    stop: teardown,
  };
  return server;
}

/** Uses the server in CHANGEGATE_TEST_MYSQL_URL (its user must be allowed to create schemas and users). */
async function useExternal(url: string): Promise<TestServer> {
  const u = new URL(url);
  const admin: Admin = {
    host: u.hostname,
    port: Number(u.port || 3306),
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    conn: undefined as unknown as mysql.Connection,
  };
  admin.conn = await mysql.createConnection({ host: admin.host, port: admin.port, user: admin.user, password: admin.password });
  const [[row]] = (await admin.conn.query('SELECT VERSION() AS v')) as unknown as [[{ v: string }]];
  return buildServer(admin, {}, async () => void (await admin.conn.end().catch(() => undefined)), row!.v);
}

/** What `startServer` starts. */
export interface StartOptions {
  /**
   * This server whatever CHANGEGATE_TEST_SERVER and CHANGEGATE_TEST_MYSQL_URL say, for a test that needs
   * one flavour's feature (MariaDB's PAM plugin for the IAM token tests): it is always started here.
   */
  kind?: 'mariadb' | 'mysql';
}

/**
 * Starts one throwaway server (or connects to CHANGEGATE_TEST_MYSQL_URL) with `extraArgs` after the
 * harness's own options. The caller owns it; most callers want `getServer()`, which shares one per process.
 */
export async function startServer(extraArgs: string[] = [], options: StartOptions = {}): Promise<TestServer> {
  const external = process.env.CHANGEGATE_TEST_MYSQL_URL;
  if (external && !options.kind) return useExternal(external);
  const kind = options.kind ?? testServerKind();
  const binary = findServerBinary(kind);
  if (!binary) throw new Error(`no ${kind === 'mysql' ? 'Oracle MySQL in .cache/' : 'mariadbd'} found: run scripts/ensure-mysql.sh`);
  reapOrphans();
  const dir = mkdtempSync(join(tmpdir(), DIR_PREFIX));
  const datadir = join(dir, 'data');
  const socket = join(dir, 'mysql.sock');
  const log = join(dir, 'server.log');
  writeFileSync(join(dir, 'owner.json'), JSON.stringify({ owner: process.pid }));
  const isMaria = kind === 'mariadb';
  // Oracle MySQL from .cache/ finds its messages, plugins and share files only when told where they are.
  const mysqlRoot = isMaria ? '' : join(oracleMysqlCache(), 'root');
  const mysqlPaths = isMaria
    ? []
    : [`--basedir=${join(mysqlRoot, 'usr')}`, `--lc-messages-dir=${join(mysqlRoot, 'usr/share/mysql')}`, `--plugin-dir=${join(mysqlRoot, 'usr/lib/mysql/plugin')}`, '--secure-file-priv='];
  const asRoot = process.getuid?.() === 0 ? ['--user=root'] : [];
  let child: ChildProcess | undefined;

  const killNow = () => {
    if (child?.pid && child.exitCode === null) {
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const onExit = () => killNow();
  const onSignal = (sig: NodeJS.Signals) => {
    killNow();
    // Let the default action (or another handler) end the process as the signal intended.
    if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
  };
  process.once('exit', onExit);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(sig, onSignal);

  try {
    if (isMaria) {
      const install = findNear(binary, ['mariadb-install-db', 'mysql_install_db']);
      if (!install) throw new Error(`mariadb-install-db not found next to ${binary}`);
      execFileSync(
        install,
        ['--no-defaults', '--auth-root-authentication-method=normal', '--skip-test-db', `--datadir=${datadir}`, ...asRoot],
        { stdio: 'ignore' },
      );
    } else {
      mkdirSync(datadir);
      execFileSync(binary, ['--no-defaults', '--initialize-insecure', `--datadir=${datadir}`, ...mysqlPaths, ...asRoot], { stdio: 'ignore' });
    }
    makeCerts(dir);
    const port = await freePort();
    const args = [
      '--no-defaults',
      `--datadir=${datadir}`,
      '--bind-address=127.0.0.1',
      `--port=${port}`,
      `--socket=${socket}`,
      `--pid-file=${join(dir, 'mysqld.pid')}`,
      `--log-error=${log}`,
      ...asRoot,
      '--skip-log-bin',
      // Its own temp folder: files in the shared /tmp can be cleaned away by anything on the machine.
      `--tmpdir=${dir}`,
      // 'x'@'%' must match loopback clients; name resolution would also let ''@'localhost' shadow them.
      '--skip-name-resolve',
      '--character-set-server=utf8mb4',
      '--innodb-buffer-pool-size=64M',
      // MySQL 8.0.30+ sizes its redo log with innodb_redo_log_capacity; 8.4 and later reject the old option.
      ...(isMaria ? ['--innodb-log-file-size=48M'] : ['--innodb-redo-log-capacity=96M']),
      // The tests kill clients, never this server: durability against an OS crash buys nothing here.
      '--innodb-flush-log-at-trx-commit=2',
      '--innodb-doublewrite=OFF',
      '--performance-schema=OFF',
      '--max-connections=300',
      ...(isMaria ? [] : ['--mysqlx=OFF', ...mysqlPaths]),
      ...extraArgs,
      `--ssl-ca=${join(dir, 'ca.pem')}`,
      `--ssl-cert=${join(dir, 'server.pem')}`,
      `--ssl-key=${join(dir, 'server-key.pem')}`,
    ];
    child = spawn(binary, args, { stdio: 'ignore' });
    child.unref();
    writeFileSync(join(dir, 'owner.json'), JSON.stringify({ owner: process.pid, server: child.pid }));
    const root = await waitForServer(socket, child, log);
    const password = `cg-${randomBytes(8).toString('hex')}`;
    // With skip-name-resolve, root@localhost only matches the socket; tests connect over TCP as root@127.0.0.1.
    await root.query("CREATE USER IF NOT EXISTS 'root'@'127.0.0.1'");
    await root.query("ALTER USER 'root'@'127.0.0.1' IDENTIFIED BY ?", [password]);
    await root.query("GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION");
    const [[row]] = (await root.query('SELECT VERSION() AS v')) as unknown as [[{ v: string }]];
    const admin: Admin = { conn: root, host: '127.0.0.1', port, user: 'root', password };
    let stopped = false;
    const stop = async () => {
      if (stopped) return;
      stopped = true;
      // A connection to a server that crashed may never answer a polite end.
      await Promise.race([admin.conn.end().catch(() => undefined), new Promise((r) => setTimeout(r, 2000).unref())]);
      admin.conn.destroy();
      const c = child!;
      if (c.exitCode === null) {
        const exited = new Promise<void>((r) => c.once('exit', () => r()));
        c.kill('SIGTERM');
        const timer = setTimeout(() => c.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
      process.removeListener('exit', onExit);
      for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.removeListener(sig, onSignal);
    };
    const crash = async () => {
      const c = child!;
      if (c.exitCode !== null) return;
      const exited = new Promise<void>((r) => c.once('exit', () => r()));
      c.kill('SIGKILL');
      await exited;
      admin.conn.destroy();
    };
    const restart = async () => {
      child = spawn(binary, args, { stdio: 'ignore' });
      child.unref();
      writeFileSync(join(dir, 'owner.json'), JSON.stringify({ owner: process.pid, server: child.pid }));
      const again = await waitForServer(socket, child, log);
      // The admin connection the server had is gone with it; later queries use this one.
      admin.conn = again;
      (again as unknown as { connection?: { stream?: { unref?(): void } } }).connection?.stream?.unref?.();
    };
    const built = buildServer(admin, { socket, pid: child.pid!, dir, caFile: join(dir, 'ca.pem') }, stop, row!.v);
    return Object.assign(built, { crash, restart });
  } catch (e) {
    killNow();
    process.removeListener('exit', onExit);
    throw e;
  }
}

let shared: Promise<TestServer> | undefined;

/** The one server of this process, started on first use; stopped by `stopSharedServer` (the mocha root hook). */
export function getServer(): Promise<TestServer> {
  shared ??= startServer();
  return shared;
}

/** Stops the shared server if one was started. */
export async function stopSharedServer(): Promise<void> {
  if (!shared) return;
  const s = shared;
  shared = undefined;
  await (await s.catch(() => undefined))?.stop();
}
