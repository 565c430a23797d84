// `npm run demo`: the real example change set, run through validate --shadow, plan, apply, status and
// drift against a throwaway local server as the `local` environment. Leaves nothing running.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../src/cli/main.js';
import { startServer, testServerKind } from '../test/helpers/mysql-server.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

async function main(): Promise<number> {
  const kind = testServerKind() === 'mysql' ? 'Oracle MySQL' : 'MariaDB';
  process.stdout.write(`changegate demo: starting a throwaway ${kind} server (CHANGEGATE_TEST_SERVER=mariadb|mysql picks it)...\n`);
  const server = await startServer();
  try {
    await server.adminQuery('CREATE DATABASE IF NOT EXISTS invoicing CHARACTER SET utf8mb4');
    const env = { ...process.env, CHANGEGATE_LOCAL_URL: server.url('invoicing') };
    process.stdout.write(`server ${kind} ${server.version} on 127.0.0.1:${server.port}\n`);
    const steps: string[][] = [
      ['validate', '--shadow'],
      ['plan', '--env', 'local'],
      ['apply', '--env', 'local'],
      ['status', '--env', 'local'],
      ['drift', '--env', 'local'],
      ['apply', '--env', 'local'],
    ];
    for (const argv of steps) {
      process.stdout.write(`\n$ changegate ${argv.join(' ')}\n`);
      const code = await run(argv, { env, cwd: root });
      process.stdout.write(`(exit ${code})\n`);
      if (code !== 0) return code;
    }
    return 0;
  } finally {
    await server.stop();
    process.stdout.write('\nserver stopped; nothing is left running\n');
  }
}

process.exitCode = await main();
