// Installs npm dependencies when any is missing (a fresh clone, or a pull that added one), so `npm test`
// and `npm run demo` work without a separate install step.
import { existsSync, readFileSync } from 'node:fs';
import { execSync } from 'node:child_process';

const root = new URL('..', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));
const names = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies });
const missing = names.filter((n) => !existsSync(new URL(`node_modules/${n}/package.json`, root)));
if (missing.length > 0) {
  execSync('npm ci --no-audit --no-fund', { stdio: 'inherit', cwd: root });
}
