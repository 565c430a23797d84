// Installs npm dependencies when they are missing, so `npm test` and `npm run demo` work on a fresh clone.
import { existsSync } from 'node:fs';
import { execSync } from 'node:child_process';

if (!existsSync(new URL('../node_modules/.bin/tsc', import.meta.url))) {
  execSync('npm ci --no-audit --no-fund', { stdio: 'inherit', cwd: new URL('..', import.meta.url) });
}
