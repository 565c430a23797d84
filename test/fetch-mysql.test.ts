// scripts/fetch-oracle-mysql.sh: each failure is one line naming its step, and nothing it leaves behind
// is ever taken for a finished install. Two cases reach Debian's mirror, as the script itself must.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'scripts', 'fetch-oracle-mysql.sh');

describe('scripts/fetch-oracle-mysql.sh', function () {
  this.timeout(120_000);
  let dir: string;
  let cache: string;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'changegate-fetch-'));
    cache = path.join(dir, 'oracle-mysql');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function fetch(env: Record<string, string>): { code: number | null; lastLine: string } {
    const r = spawnSync('bash', [SCRIPT], { env: { ...process.env, CHANGEGATE_MYSQL_CACHE: cache, ...env }, encoding: 'utf8' });
    return { code: r.status, lastLine: r.stderr.trim().split('\n').at(-1)! };
  }

  it('names the mirror it could not reach, and leaves nothing behind (not even a cache that had no READY mark)', () => {
    // A half-finished cache from an earlier run: a wrapper, but no READY.
    mkdirSync(path.join(cache, 'bin'), { recursive: true });
    writeFileSync(path.join(cache, 'bin', 'mysqld'), '#!/bin/sh\n');
    const r = fetch({ CHANGEGATE_MYSQL_MIRROR: 'http://127.0.0.1:9/debian' });
    assert.equal(r.code, 1);
    assert.equal(
      r.lastLine,
      "changegate: Oracle MySQL setup failed at step 'apt-get update': no package index of Debian sid from http://127.0.0.1:9/debian: " +
        'W: Failed to fetch http://127.0.0.1:9/debian/dists/sid/InRelease  Could not connect to 127.0.0.1:9 (127.0.0.1). - connect (111: Connection refused)',
    );
    assert.deepEqual(readdirSync(dir), []);
  });

  it('names a package the suite no longer has', () => {
    const r = fetch({ CHANGEGATE_MYSQL_PACKAGE: 'mysql-server-core-5.0' });
    assert.equal(r.code, 1);
    assert.equal(r.lastLine, "changegate: Oracle MySQL setup failed at step 'resolve': package mysql-server-core-5.0 is not in Debian sid (any more)");
    assert.deepEqual(readdirSync(dir), []);
  });

  it('names a package that unpacks without a mysqld, and marks nothing ready', () => {
    const r = fetch({ CHANGEGATE_MYSQL_PACKAGE: 'hello' });
    assert.equal(r.code, 1);
    assert.equal(r.lastLine, "changegate: Oracle MySQL setup failed at step 'unpack': no usr/sbin/mysqld in hello");
    assert.equal(existsSync(path.join(cache, 'READY')), false);
    assert.deepEqual(readdirSync(dir), []);
  });
});
