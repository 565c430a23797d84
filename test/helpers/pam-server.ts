// A MariaDB that logs users in the way Aurora logs in IAM users: Debian's MariaDB with its auth_pam plugin
// and `pam_use_cleartext_plugin=ON` asks the client for `mysql_clear_password`, as Aurora does for a user
// IDENTIFIED WITH AWSAuthenticationPlugin, and hands the token to a PAM service of this run whose only
// check is pam-verify.ts (the token's host, port, user, region, service, lifetime and SigV4 signature).
//
// Always MariaDB, whatever CHANGEGATE_TEST_SERVER picks: Oracle MySQL's community build has no PAM
// plugin, so on a `mysql` run these tests still run here, on Debian's mariadbd. Needs root (the PAM
// service file goes in /etc/pam.d/ under a name unique to this run, removed at stop and at exit).
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TEST_CREDENTIALS } from './aws-fake.js';
import { startServer, type TestServer } from './mysql-server.js';
import type { Verification, VerifierConfig } from './pam-verify.js';

const PAM_DIR = '/etc/pam.d';
const PAM_PREFIX = 'changegate-iam-test-';
const VERIFIER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'pam-verify.js');

/** The PAM-checked server and what its verifier saw. */
export interface PamServer {
  server: TestServer;
  /** The PAM service name (`changegate-iam-test-<pid>-<hex>`). */
  service: string;
  /** Every login attempt the verifier judged, in order. */
  verifications(): Verification[];
  /** (Re)creates `name`@`%` IDENTIFIED VIA pam, the way an IAM user has no password of its own. */
  createIamUser(name: string, grants: string[]): Promise<void>;
  stop(): Promise<void>;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

// PAM files of killed runs (SIGKILL skips exit handlers): ours carry the owner's pid in their name.
function reapPamFiles(): void {
  for (const name of readdirSync(PAM_DIR)) {
    const m = new RegExp(`^${PAM_PREFIX}(\\d+)-[0-9a-f]+$`).exec(name);
    if (m && !alive(Number(m[1]))) rmSync(path.join(PAM_DIR, name), { force: true });
  }
}

/**
 * Starts a MariaDB with auth_pam whose tokens must be signed for `host` (the writer endpoint the fake
 * AWS reports) and `region` with the test credentials. Fails, never skips, when it cannot.
 */
export async function startPamServer(expect: { host: string; region: string }): Promise<PamServer> {
  if (process.getuid?.() !== 0) {
    throw new Error(`the IAM token tests write a PAM service to ${PAM_DIR} and need root; run them as root (CI does)`);
  }
  for (const f of ['/usr/lib/mysql/plugin/auth_pam.so', '/lib/x86_64-linux-gnu/security/pam_exec.so']) {
    if (!existsSync(f) && !existsSync(f.replace('/x86_64-linux-gnu', ''))) {
      throw new Error(`${f} is missing: install Debian's mariadb-server and libpam-modules (scripts/ensure-mysql.sh)`);
    }
  }
  reapPamFiles();
  const server = await startServer(['--plugin-load-add=auth_pam', '--pam-use-cleartext-plugin=ON'], { kind: 'mariadb' });
  if (!server.caFile) {
    await server.stop();
    throw new Error('the IAM token tests need TLS (a token is never sent without it), and the harness made no certificate: install openssl');
  }
  const service = `${PAM_PREFIX}${process.pid}-${randomBytes(4).toString('hex')}`;
  const pamFile = path.join(PAM_DIR, service);
  const dir = mkdtempSync(path.join(tmpdir(), 'changegate-pam-'));
  const log = path.join(dir, 'verifications.jsonl');
  const config: VerifierConfig = {
    host: expect.host,
    port: server.port,
    region: expect.region,
    accessKeyId: TEST_CREDENTIALS.accessKeyId,
    secretAccessKey: TEST_CREDENTIALS.secretAccessKey,
    log,
  };
  writeFileSync(path.join(dir, 'verifier.json'), JSON.stringify(config));
  writeFileSync(log, '');
  const cleanup = () => {
    rmSync(pamFile, { force: true });
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', cleanup);
  // pam_exec runs the command without a shell or PATH: absolute paths only.
  writeFileSync(
    pamFile,
    `auth required pam_exec.so expose_authtok quiet ${process.execPath} ${VERIFIER} ${path.join(dir, 'verifier.json')}\n` +
      'account required pam_permit.so\n',
  );
  return {
    server,
    service,
    verifications: () =>
      readFileSync(log, 'utf8')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as Verification),
    async createIamUser(name, grants) {
      await server.adminQuery('DROP USER IF EXISTS ?@?', [name, '%']);
      await server.adminQuery('CREATE USER ?@? IDENTIFIED VIA pam USING ?', [name, '%', service]);
      for (const g of grants) await server.adminQuery(`GRANT ${g} TO ?@?`, [name, '%']);
    },
    async stop() {
      cleanup();
      process.removeListener('exit', cleanup);
      await server.stop();
    },
  };
}
