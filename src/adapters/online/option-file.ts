// The credentials a tool logs in with, in a MySQL option file only the tool reads: a password or an
// IAM token on a command line is visible in `ps` to every user of the machine, and in its output to
// every reader of the log.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { RefusedError } from '../../core/errors.js';
import { rdsCaBundle, type TargetSpec, type TlsMode } from '../mysql/connection.js';

/** What goes into the option file's `[client]` group, already resolved (a token is made by the caller). */
export interface ClientOptions {
  host: string;
  port: number;
  user: string;
  password: string;
  socket?: string;
  /** PEM text of the CAs the server's certificate is verified against (written beside the option file); absent: no TLS. */
  ca?: string;
  /** The password is an IAM token: the client must send it in clear text (over verified TLS). */
  cleartext?: boolean;
}

// Option-file values are read with backslash escapes inside double quotes.
function quoted(v: string): string {
  return `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}"`;
}

/** The option file's text; `caFile` is where the CAs were written. */
export function optionFileText(o: ClientOptions, caFile?: string): string {
  const lines = ['[client]', `host=${quoted(o.host)}`, `port=${o.port}`, `user=${quoted(o.user)}`, `password=${quoted(o.password)}`];
  // Without a socket, TCP even for "localhost", which client libraries would take to mean the socket.
  lines.push(o.socket ? `socket=${quoted(o.socket)}` : 'protocol=TCP');
  if (caFile) lines.push(`ssl-ca=${quoted(caFile)}`, 'ssl-verify-server-cert');
  if (o.cleartext) lines.push('enable-cleartext-plugin');
  return lines.join('\n') + '\n';
}

// Where Debian and Ubuntu keep the system's trusted roots.
const SYSTEM_ROOTS = '/etc/ssl/certs/ca-certificates.crt';

/** The CAs a connection of this target trusts, as PEM text: the same as changegate's own connections. */
export function trustedCas(tls: TlsMode, label: string): string | undefined {
  if (tls.mode === 'off') return undefined;
  const extra = tls.caFile ? [readFileSync(tls.caFile, 'utf8')] : [];
  if (tls.mode === 'aws') return [...rdsCaBundle(), ...extra].join('\n');
  if (extra.length > 0) return extra.join('\n');
  if (!existsSync(SYSTEM_ROOTS)) throw new RefusedError(`refused: the online schema change tool on ${label} must verify the server's certificate, and ${SYSTEM_ROOTS} is missing; set tls.ca_file`);
  return readFileSync(SYSTEM_ROOTS, 'utf8');
}

/** The client options for a target: a fresh token for a token login, the CAs of a verified TLS connection. */
export async function clientOptions(spec: TargetSpec, label: string): Promise<ClientOptions> {
  const o: ClientOptions = { host: spec.host, port: spec.port, user: spec.user, password: spec.tokenLogin ? await spec.tokenLogin.token() : spec.password };
  if (spec.socketPath) o.socket = spec.socketPath;
  const ca = trustedCas(spec.tls, label);
  if (ca) o.ca = ca;
  if (spec.tokenLogin) o.cleartext = true;
  return o;
}

/**
 * Runs `work` with the path of a mode-0600 option file in a private (mode-0700) temporary folder,
 * and removes the folder when `work` ends, whatever its outcome.
 */
export async function withOptionFile<T>(o: ClientOptions, work: (file: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(tmpdir(), 'changegate-tool-'));
  try {
    const file = path.join(dir, 'client.cnf');
    const caFile = o.ca ? path.join(dir, 'ca.pem') : undefined;
    if (caFile) await writeFile(caFile, o.ca!, { mode: 0o600, flag: 'wx' });
    await writeFile(file, optionFileText(o, caFile), { mode: 0o600, flag: 'wx' });
    return await work(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
