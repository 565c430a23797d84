// Mocha's global fixtures (loaded through .mocharc.json "require"): the first line of a run names the
// server the tests run against, and the shared throwaway server is stopped once at the end, pass or fail.
import { getServer, stopSharedServer } from './mysql-server.js';

/** Starts the shared server and names it, e.g. `tests against MySQL 9.7.4-2`. */
export async function mochaGlobalSetup(): Promise<void> {
  try {
    const s = await getServer();
    const maria = /mariadb/i.test(s.version);
    // MariaDB's VERSION() carries its build after the number ("10.11.14-MariaDB-0+deb12u2").
    const shown = maria ? s.version.replace(/-MariaDB.*$/i, '') : s.version;
    process.stdout.write(`tests against ${maria ? 'MariaDB' : 'MySQL'} ${shown}\n`);
  } catch (e) {
    // The tests that need a server fail with this same reason; the unit tests still run.
    process.stdout.write(`tests against no server: ${(e as Error).message.split('\n')[0]}\n`);
  }
}

/** Stops the shared server if one was started. */
export async function mochaGlobalTeardown(): Promise<void> {
  await stopSharedServer();
}
