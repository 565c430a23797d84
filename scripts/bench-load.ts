// A bounded write load for the benchmarks: four writers in a Node process of their own (the command
// being measured blocks the bench's own process), each running one of the given statements at a
// time, in autocommit, against random rows; they report the longest wait and the 99th percentile.
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';

const require = createRequire(import.meta.url);

/** What the writers saw: every statement's wait, summed up. */
export interface Waits {
  longest: number;
  p99: number;
  count: number;
}

// Each set of writers inserts ids of its own.
let spawned = 0;

/**
 * Starts four writers looping over `statements` (`{ID}`: a random id from 1 to `rows`, `{NEW}`: a
 * fresh id); `stop()` ends them and resolves with their waits.
 */
export function startWriters(url: string, statements: string[], rows: number): { stop(): Promise<Waits> } {
  const code = `
    const mysql = require(${JSON.stringify(require.resolve('mysql2/promise'))});
    const statements = ${JSON.stringify(statements)};
    let stop = false, next = ${(spawned += 1_000_000) + 10_000_000};
    const waits = [];
    process.on('message', () => { stop = true; });
    const w = async (seed) => {
      const c = await mysql.createConnection(${JSON.stringify(url)});
      let n = seed;
      while (!stop) {
        n = (n * 1103515245 + 12345) % 2147483648;
        const sql = statements[n % statements.length].replace('{ID}', String(1 + (n % ${rows}))).replace('{NEW}', String(next++));
        const t0 = Date.now();
        await c.query(sql);
        waits.push(Date.now() - t0);
      }
      await c.end();
    };
    Promise.all([1, 2, 3, 4].map((s) => w(s * 7919))).then(() => {
      waits.sort((a, b) => a - b);
      const r = { longest: waits[waits.length - 1] || 0, p99: waits[Math.floor(waits.length * 0.99)] || 0, count: waits.length };
      process.send(r, () => process.exit(0));
    });
  `;
  const dir = mkdtempSync(path.join(tmpdir(), 'changegate-bench-writers-'));
  const file = path.join(dir, 'writers.cjs');
  writeFileSync(file, code);
  const child = fork(file, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return {
    stop: () =>
      new Promise((resolve) => {
        child.once('message', (m) => {
          rmSync(dir, { recursive: true, force: true });
          resolve(m as Waits);
        });
        child.send('stop');
      }),
  };
}
