// `npm run demo` walks its nine steps (validate, qa, prod refused then approved with a backup, status,
// drift, restore) and exits 0, on whichever server CHANGEGATE_TEST_SERVER picks:
// the compiled script, in a child process, as a new user would run it.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const DEMO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'scripts', 'demo.js');

describe('npm run demo', function () {
  this.timeout(180_000);

  it('shows each of its nine steps with its command line and exit code, and leaves nothing running', async () => {
    const child = spawn(process.execPath, [DEMO], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_NO_WARNINGS: '1' } });
    let text = '';
    child.stdout.on('data', (d) => (text += d));
    child.stderr.on('data', (d) => (text += d));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 0, text);
    const commands = [...text.matchAll(/^\$ changegate (.*)\n/gm)].map((m) => m[1]);
    assert.deepEqual(commands, [
      'validate',
      'plan --env prod',
      'apply --env qa',
      'apply --env prod',
      'apply --env prod --approved-by teammate',
      'status --env prod',
      'drift --env prod',
      'restore 2026-11-17-drop-customer-email --env prod --approved-by teammate',
      'status --env prod',
    ]);
    assert.deepEqual([...text.matchAll(/^  exit (\d+)$/gm)].map((m) => Number(m[1])), [0, 1, 0, 1, 0, 0, 0, 0, 0]);
    assert.equal([...text.matchAll(/^\[\d\/9\] runbook: .+$/gm)].length, 9);
    assert.match(text, /^  blocked: refused: 2026-11-17-drop-customer-email has not run in qa; prod runs only what succeeded in qa first \(after: qa\)$/m);
    assert.match(text, /^  backup: changegate_backup\.cg_\d{15}_[0-9a-f]{6} holds customers \(3 rows\)$/m);
    assert.match(text, /^    restored    2026-11-17-drop-customer-email  0\/1  snapshot changegate_backup\.cg_/m);
    assert.match(text, /^after the restore, prod's customers have their email column back: 3 of 3 rows have one$/m);
    assert.match(text, /^server stopped; nothing is left running\n$/m);
    assert.ok(text.split('\n').length < 120, `no wall of text: ${text.split('\n').length} lines`);
  });
});
