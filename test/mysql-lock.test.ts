// The run lock on the real server: exclusion, the message naming the holder, release, and a dead
// runner's lock dying with its connection.
import assert from 'node:assert/strict';
import { RefusedError } from '../src/core/errors.js';
import { connectTarget, parseTargetUrl, type Target } from '../src/adapters/mysql/connect.js';
import { acquireRunLock, lockName, type RunLock } from '../src/adapters/mysql/lock.js';
import { historyRecord } from './helpers/records.js';
import { getServer, type TestServer } from './helpers/mysql-server.js';

const opts = { minVersion: '5.0', lockWaitTimeout: 3, label: 'local' };

describe('mysql adapter: run lock', function () {
  let server: TestServer;
  let schema: { name: string; url: string; drop(): Promise<void> };
  const locks: RunLock[] = [];

  before(async () => {
    server = await getServer();
  });
  beforeEach(async () => {
    schema = await server.freshSchema('lock');
  });
  afterEach(async () => {
    while (locks.length) await locks.pop()!.release();
    await schema.drop();
  });

  async function take(timeoutSec = 1): Promise<RunLock> {
    const l = await acquireRunLock(parseTargetUrl(schema.url), schema.name, timeoutSec, 'local');
    locks.push(l);
    return l;
  }

  async function refusal(p: Promise<unknown>): Promise<string> {
    try {
      await p;
    } catch (e) {
      assert.ok(e instanceof RefusedError, String(e));
      return e.message;
    }
    assert.fail('expected a refusal');
  }

  it('is held on its own connection, named after the schema', async () => {
    const l = await take();
    assert.equal(l.name, `changegate:${schema.name}`);
    assert.equal(await l.held(), true);
    const [row] = await server.adminQuery<{ holder: number }>('SELECT IS_USED_LOCK(?) AS holder', [lockName(schema.name)]);
    assert.equal(row!.holder, l.connectionId);
  });

  it('makes a second runner wait, then refuse, naming the holder (no history yet)', async () => {
    const first = await take();
    const started = Date.now();
    assert.equal(
      await refusal(take(1)),
      `refused: another changegate run holds the lock on schema ${schema.name} (connection ${first.connectionId}); waited 1 s`,
    );
    assert.ok(Date.now() - started >= 900);
  });

  it('names who applies what since when, from the running history row', async () => {
    const t: Target = await connectTarget(parseTargetUrl(schema.url), opts);
    try {
      await t.session.history.ensure();
      await t.session.history.put(
        historyRecord('2026-11-24-add-invoice-due-date', {
          checksum: 'c',
          fileChecksums: {},
          statementsTotal: 2,
          statementsApplied: 1,
          statementHashes: ['aaaaaaaaaaaa', 'bbbbbbbbbbbb'],
          inFlight: 2,
          connectionId: t.session.connectionId,
          startedAt: new Date('2026-11-24T10:00:00.250Z'),
        }),
      );
      await t.session.commit();
      const first = await t.lock(1);
      locks.push(first);
      assert.equal(
        await refusal(take(1)),
        `refused: another changegate run holds the lock on schema ${schema.name} (connection ${first.connectionId}, jdoe applying 2026-11-24-add-invoice-due-date since 2026-11-24 10:00:00 UTC); waited 1 s`,
      );
    } finally {
      await t.close();
    }
  });

  it('is free again after release, and release is idempotent', async () => {
    const first = await take();
    await first.release();
    await first.release();
    assert.equal(await first.held(), false);
    const second = await take();
    assert.equal(await second.held(), true);
  });

  it('dies with its connection: after KILL of the holder the next runner gets it', async () => {
    const first = await take();
    await server.adminQuery(`KILL ${first.connectionId}`);
    const second = await take(5);
    assert.equal(await second.held(), true);
    assert.equal(await first.held(), false);
    await first.release(); // the dead holder's release must not throw
  });

  it('waits for a holder that lets go within the timeout', async () => {
    const first = await take();
    setTimeout(() => void first.release(), 300);
    const second = await take(5);
    assert.equal(await second.held(), true);
  });

  it('is per schema: another schema on the same server is not blocked', async () => {
    const other = await server.freshSchema('lock_other');
    try {
      await take();
      const l = await acquireRunLock(parseTargetUrl(other.url), other.name, 1, 'local');
      await l.release();
    } finally {
      await other.drop();
    }
  });

  it('refuses a schema that does not exist before locking anything', async () => {
    assert.equal(
      await refusal(acquireRunLock(parseTargetUrl(server.url('no_such_lock_schema')), 'no_such_lock_schema', 1, 'local')),
      'refused: schema no_such_lock_schema does not exist on local (or this user cannot see it); create it first',
    );
  });
});
