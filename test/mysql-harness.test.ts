// The throwaway server never outlives its test run: a failing run, a terminated one, and (on the next
// start) one killed outright all leave no server and no datadir behind.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { reapOrphans } from './helpers/mysql-server.js';

const helper = new URL('./helpers/mysql-server.js', import.meta.url).href;

/** True while the process exists and is not a zombie waiting for its parent. */
function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

async function until(cond: () => boolean, ms = 10_000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return cond();
}

/** Starts a child that starts a server, reports it, then does `then`. */
async function child(then: string): Promise<{ pid: number; dir: string; proc: ReturnType<typeof spawn> }> {
  // The kind makes the child start a server of its own even when CHANGEGATE_TEST_MYSQL_URL names one:
  // the teardown under test is that of a server started here.
  const code = `import { startServer, testServerKind } from ${JSON.stringify(helper)};
    const s = await startServer([], { kind: testServerKind() });
    process.stdout.write(JSON.stringify({ pid: s.pid, dir: s.dir }) + '\\n');
    ${then}`;
  const proc = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'ignore'] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: proc.stdout! }).once('line', resolve);
    proc.once('exit', (c) => reject(new Error(`child exited with ${c} before reporting`)));
  });
  return { ...(JSON.parse(line) as { pid: number; dir: string }), proc };
}

describe('mysql test harness: teardown', function () {
  it('removes the server and its datadir when the run fails', async () => {
    const c = await child("await new Promise((r) => setTimeout(r, 10)); throw new Error('a test failed');");
    assert.ok(existsSync(c.dir));
    assert.ok(await until(() => !running(c.pid)), 'server still running');
    assert.ok(await until(() => !existsSync(c.dir)), 'datadir left behind');
  });

  it('removes them when the run is terminated (SIGTERM)', async () => {
    const c = await child('setInterval(() => {}, 1000);');
    c.proc.kill('SIGTERM');
    assert.ok(await until(() => !running(c.pid)), 'server still running');
    assert.ok(await until(() => !existsSync(c.dir)), 'datadir left behind');
  });

  it('reaps what a killed run (SIGKILL) left, on the next start', async () => {
    const c = await child('setInterval(() => {}, 1000);');
    c.proc.kill('SIGKILL');
    await until(() => c.proc.exitCode !== null || c.proc.signalCode !== null);
    assert.ok(running(c.pid), 'the orphan should still be there before reaping');
    reapOrphans();
    assert.ok(await until(() => !running(c.pid)), 'orphan server still running');
    assert.equal(existsSync(c.dir), false);
  });
});
