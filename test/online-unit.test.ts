// The pure parts of online schema changes: which statements go online and why others cannot, the
// verdict on an interrupted one from its mark and the live schema, the apply loop's steps around a
// tool (over the in-memory target and a recording tool), and the adapter's pure pieces: the tool's
// command line, what its output says, the option file, a command template's quoting.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { applyPlan, reconcileInterrupted, type ApplyContext } from '../src/core/apply.js';
import { parseDdl } from '../src/core/impact/ddl.js';
import { clausesOf, onlineDecision, type OnlineOptions } from '../src/core/impact/online.js';
import type { Impact, TableFacts } from '../src/core/impact/types.js';
import { onlineVerdict, type OnlineJob, type OnlineLook, type OnlineTool } from '../src/core/online.js';
import { planEnvironment } from '../src/core/plan.js';
import type { EnvironmentConfig, OnlineMark } from '../src/core/types.js';
import { commandLine, shellQuote } from '../src/adapters/online/command.js';
import { optionFileText, withOptionFile } from '../src/adapters/online/option-file.js';
import { estimateRefusal, ptOscArgs, ptOscFailure, readPtOscLine } from '../src/adapters/online/pt-osc.js';
import { definitionFingerprint } from '../src/adapters/mysql/online-schema.js';
import { MemoryServer, memoryChange } from './helpers/memory-target.js';
import { assessChanges } from '../src/core/impact/assess.js';
import type { PlannedChange } from '../src/core/plan-types.js';
import { impactMarkdown } from '../src/adapters/github/impact-table.js';
import { slackMessage } from '../src/adapters/slack/notify.js';

const COPY: Impact = { table: 'shop.orders', rows: 2_000_000, bytes: 400 * 1024 * 1024, algorithm: 'copy', lock: 'shared', rebuild: true, seconds: 20 };
const PT: OnlineOptions = { tool: 'pt-online-schema-change', aboveRows: 1_000_000 };

function facts(over: Partial<TableFacts> = {}): TableFacts {
  return {
    schema: 'shop', name: 'orders', source: 'live', engine: 'InnoDB', rowFormat: 'dynamic', charset: 'utf8mb4', collation: 'utf8mb4_0900_ai_ci',
    rows: 2_000_000, dataBytes: 300 * 1024 * 1024, indexBytes: 100 * 1024 * 1024,
    columns: [
      { name: 'id', columnType: 'int', dataType: 'int', nullable: false, default: null, extra: '', charset: null, collation: null, maxChars: null, maxBytes: null, position: 1 },
      { name: 'email', columnType: 'varchar(100)', dataType: 'varchar', nullable: true, default: null, extra: '', charset: 'utf8mb4', collation: 'utf8mb4_0900_ai_ci', maxChars: 100, maxBytes: 400, position: 2 },
      { name: 'code', columnType: 'varchar(10)', dataType: 'varchar', nullable: false, default: null, extra: '', charset: 'utf8mb4', collation: 'utf8mb4_0900_ai_ci', maxChars: 10, maxBytes: 40, position: 3 },
    ],
    indexes: [{ name: 'PRIMARY', primary: true, unique: true, type: 'BTREE', columns: [{ name: 'id', prefix: null }], visible: true }],
    foreignKeys: [], totalRowVersions: 0, partitioned: false, hasFulltext: false, hiddenFtsDocId: false,
    ...over,
  };
}

function decide(sql: string, f: TableFacts | null = facts(), impact: Impact = COPY, opts: OnlineOptions = PT) {
  return onlineDecision(sql, parseDdl(sql)!, impact, f, opts);
}

describe('online schema change: which statements go online', () => {
  it('sends a copy-ALTER on a table over above_rows to the tool, with its clauses and the time', () => {
    assert.deepEqual(decide('ALTER TABLE orders MODIFY email VARCHAR(200) NULL, ADD INDEX ix_code (code)'), {
      tool: 'pt-online-schema-change',
      reason: 'online via pt-online-schema-change, about 40 s for 2,000,000 rows (over above_rows, 1,000,000), writes blocked only at the table swap',
      clauses: 'MODIFY email VARCHAR(200) NULL, ADD INDEX ix_code (code)',
      table: 'orders',
    });
  });

  it('leaves alone what need not go online: a table at or under above_rows, an instant or in-place change without a rebuild, DML', () => {
    assert.equal(decide('ALTER TABLE orders MODIFY email VARCHAR(200) NULL', facts({ rows: 1_000_000 })), null);
    assert.equal(decide('ALTER TABLE orders ADD COLUMN x INT NULL', facts(), { ...COPY, algorithm: 'instant', lock: 'none', rebuild: false }), null);
    assert.equal(decide('ALTER TABLE orders ADD INDEX ix (code)', facts(), { ...COPY, algorithm: 'inplace', lock: 'none', rebuild: false }), null);
    assert.equal(decide('ALTER TABLE orders MODIFY email VARCHAR(200) NULL', null), null);
  });

  it('takes an in-place rebuild and an unknown algorithm online too', () => {
    assert.equal(decide('ALTER TABLE orders FORCE', facts(), { ...COPY, algorithm: 'inplace', lock: 'none', rebuild: true })?.tool, 'pt-online-schema-change');
    assert.equal(decide('ALTER TABLE orders FORCE', facts(), { ...COPY, algorithm: null, lock: null, rebuild: null })?.clauses, 'FORCE');
  });

  it('reads CREATE INDEX and DROP INDEX as ALTER TABLE clauses, and a qualified or IGNORE table name', () => {
    assert.equal(clausesOf('CREATE UNIQUE INDEX ux ON shop.orders (id, code)', parseDdl('CREATE UNIQUE INDEX ux ON shop.orders (id, code)')!), 'ADD UNIQUE INDEX ux (id, code)');
    assert.equal(clausesOf('CREATE INDEX `ix` ON `orders` (code(4));', parseDdl('CREATE INDEX `ix` ON `orders` (code(4));')!), 'ADD INDEX `ix` (code(4))');
    assert.equal(clausesOf('DROP INDEX ix ON orders', parseDdl('DROP INDEX ix ON orders')!), 'DROP INDEX ix');
    assert.equal(clausesOf('ALTER TABLE `shop`.`orders` ENGINE=InnoDB', parseDdl('ALTER TABLE `shop`.`orders` ENGINE=InnoDB')!), 'ENGINE=InnoDB');
    assert.equal(clausesOf('ALTER IGNORE TABLE orders FORCE ;', parseDdl('ALTER IGNORE TABLE orders FORCE ;')!), 'FORCE');
  });

  // Each case: a statement (and table facts) that cannot go through the tool, and the reason the plan prints.
  const refusals: [string, string, TableFacts?][] = [
    ['OPTIMIZE TABLE orders', 'OPTIMIZE TABLE is not an ALTER; write ALTER TABLE … ENGINE=InnoDB, which the tool can run'],
    ['ALTER TABLE orders MODIFY email VARCHAR(200) NULL, RENAME TO orders2', 'it renames the table, and the tool itself swaps table names; rename in a statement of its own'],
    ['ALTER TABLE orders REMOVE PARTITIONING', 'partition operations and partitioned tables are not run through the tool'],
    ['ALTER TABLE orders FORCE', 'partition operations and partitioned tables are not run through the tool', facts({ partitioned: true })],
    ['ALTER TABLE orders FORCE', 'orders has no primary key or NOT NULL unique key, which the tool needs to copy in chunks and to keep its triggers exact', facts({ indexes: [] })],
    [
      'ALTER TABLE orders FORCE',
      'orders has no primary key or NOT NULL unique key, which the tool needs to copy in chunks and to keep its triggers exact',
      facts({ indexes: [{ name: 'ue', primary: false, unique: true, type: 'BTREE', columns: [{ name: 'email', prefix: null }], visible: true }] }),
    ],
    [
      'ALTER TABLE orders FORCE',
      'orders has foreign keys (fk_customer), which the tool recreates under new names, so the schema would differ from what the statement says',
      facts({ foreignKeys: [{ name: 'fk_customer', columns: ['email'], refSchema: 'shop', refTable: 'customers', refColumns: ['email'] }] }),
    ],
    [
      'ALTER TABLE orders MODIFY email VARCHAR(200) NULL, ADD UNIQUE KEY ue (email)',
      'it adds a unique key (email): the tool copies rows with INSERT IGNORE and its triggers REPLACE rows, so a duplicate, one there now or one written during the copy, would be lost silently instead of refused; add the key with a blocking ALTER in a quiet hour, or make the key include the primary key',
    ],
    [
      'ALTER TABLE orders DROP PRIMARY KEY, ADD PRIMARY KEY (code)',
      'it adds a unique key (code): the tool copies rows with INSERT IGNORE and its triggers REPLACE rows, so a duplicate, one there now or one written during the copy, would be lost silently instead of refused; add the key with a blocking ALTER in a quiet hour, or make the key include the primary key',
    ],
  ];
  for (const [sql, why, f] of refusals) {
    it(`cannot go online: ${sql}: ${why.split(/[,:]/)[0]}`, () => {
      assert.deepEqual(decide(sql, f ?? facts()), { tool: null, reason: `cannot run online through pt-online-schema-change: ${why}` });
    });
  }

  it('allows a new primary key or unique key that holds the old primary key: its values are unique already', () => {
    assert.equal(decide('ALTER TABLE orders DROP PRIMARY KEY, ADD PRIMARY KEY (id, code)')?.tool, 'pt-online-schema-change');
    assert.equal(decide('ALTER TABLE orders MODIFY email VARCHAR(200) NULL, ADD UNIQUE KEY u2 (code, id)')?.tool, 'pt-online-schema-change');
  });

  it('names a command tool by what it is', () => {
    assert.deepEqual(decide('ALTER TABLE orders FORCE', facts({ indexes: [] }), COPY, { tool: 'command', aboveRows: 10 }), {
      tool: null,
      reason: 'cannot run online through the online schema change command: orders has no primary key or NOT NULL unique key, which the tool needs to copy in chunks and to keep its triggers exact',
    });
    assert.match(decide('ALTER TABLE orders FORCE', facts(), COPY, { tool: 'command', aboveRows: 10 })!.reason, /^online via the online schema change command, about 40 s for 2,000,000 rows \(over above_rows, 10\)/);
  });
});

describe('online schema change: the verdict on an interrupted statement', () => {
  const mark: OnlineMark = { statement: 2, tool: 'pt-online-schema-change', table: 'orders', before: 'B', after: 'A', existing: ['table _orders_archive'] };
  const look = (over: Partial<OnlineLook>): OnlineLook => ({ definition: 'B', objects: [], sessions: [], ...over });

  it('waits while sessions that may be the tool are on the server, whatever the table looks like', () => {
    const sessions = [{ id: 7, seconds: 3, info: null }];
    assert.deepEqual(onlineVerdict(mark, look({ definition: 'A', sessions })), { kind: 'running', sessions });
  });
  it('applied when the table has the definition the statement makes; leftovers are only what was not there before', () => {
    assert.deepEqual(onlineVerdict(mark, look({ definition: 'A', objects: ['table _orders_archive', 'table _orders_old'] })), { kind: 'applied', leftovers: ['table _orders_old'] });
  });
  it('not applied when the table is as it was; the tool\'s new table and triggers are leftovers', () => {
    const objects = ['table _orders_archive', 'table _orders_new', 'trigger pt_osc_shop_orders_ins'];
    assert.deepEqual(onlineVerdict(mark, look({ objects })), { kind: 'not-applied', leftovers: ['table _orders_new', 'trigger pt_osc_shop_orders_ins'] });
  });
  it('in doubt when the table is missing or in a third shape, saying what was found', () => {
    assert.deepEqual(onlineVerdict(mark, look({ definition: null, objects: ['table _orders_new'] })), { kind: 'in-doubt', found: 'table orders is missing; beside it: table _orders_new' });
    assert.deepEqual(onlineVerdict(mark, look({ definition: 'X' })), { kind: 'in-doubt', found: 'table orders has neither its definition from before statement 2 nor the one the statement makes' });
  });
});

/** A tool that records what it is asked and changes the in-memory schema as its script says. */
class RecordingTool implements OnlineTool {
  readonly name = 'pt-online-schema-change';
  calls: string[] = [];
  definition = 'B';
  objects: string[] = [];
  sessions: OnlineLook['sessions'] = [];
  constructor(private readonly server: MemoryServer, private readonly script: (t: RecordingTool, job: OnlineJob) => Promise<void>) {}
  async check(): Promise<void> {
    this.calls.push('check');
  }
  async prepare(table: string, clauses: string) {
    this.calls.push(`prepare ${table} ${clauses}`);
    return { before: 'B', after: 'A', existing: [...this.objects] };
  }
  async run(job: OnlineJob) {
    // What the history says, durably, as the tool starts: the mark must be there.
    const row = this.server.committed.history.get(job.changeId);
    this.calls.push(`run ${job.statement} (durable: ${row?.statementsApplied}/${row?.inFlight}, mark ${row?.online?.statement} ${row?.online?.before}->${row?.online?.after})`);
    await this.script(this, job);
    return { copySeconds: 1.5, swapSeconds: 0.1 };
  }
  async look() {
    this.calls.push('look');
    return { definition: this.definition, objects: [...this.objects], sessions: this.sessions.splice(0) };
  }
  async remove(objects: string[]) {
    this.calls.push(`remove ${objects.join(', ')}`);
    this.objects = this.objects.filter((o) => !objects.includes(o));
  }
}

describe('online schema change: the apply loop around a tool (in-memory target)', () => {
  const env: EnvironmentConfig = { name: 'prod', snapshot: 'never', lock_wait_timeout: 5, lock_retries: 0, lock_timeout: 10, snapshot_timeout: 60, snapshot_poll_seconds: 1, line: 1 };
  const change = memoryChange('2026-12-07-orders', ["INSERT INTO trace VALUES ('a')", 'ALTER TABLE orders FORCE', "INSERT INTO trace VALUES ('b')"]);

  async function run(server: MemoryServer, tool: RecordingTool, inFlightWaitMs = 0) {
    const session = server.connect();
    const ctx: ApplyContext = {
      session, inspector: server, snapshotId: null, lockRetries: 0, inFlightWaitMs, pollMs: 0, sleep: async () => undefined,
      operator: { user: 'test', gitCommit: null, runUrl: null, approver: null }, online: tool,
    };
    const byId = new Map([[change.id, change]]);
    const history = await reconcileInterrupted(byId, await session.history.load(), env.name, ctx);
    const { plan } = planEnvironment([change], history, env);
    for (const c of plan.changes) {
      const s = c.statements[1];
      if (s && s.n >= c.resumeFrom) s.online = { tool: 'pt-online-schema-change', reason: 'online', clauses: 'FORCE', table: 'orders' };
    }
    return applyPlan(plan, byId, history, ctx);
  }

  it('commits the statement before it and the mark with its marker before the tool starts, then records it applied', async () => {
    const server = new MemoryServer();
    const tool = new RecordingTool(server, async (t) => void (t.definition = 'A'));
    const report = await run(server, tool);
    assert.equal(report.changes[0]!.result, 'applied');
    assert.deepEqual(tool.calls, ['prepare orders FORCE', 'run 2 (durable: 1/2, mark 2 B->A)']);
    assert.deepEqual(report.changes[0]!.statements[1]!.online!.ran, { copySeconds: 1.5, swapSeconds: 0.1 });
    assert.deepEqual(server.committed.trace, ['a', 'b']);
  });

  it('a tool that fails with the table as it was: its leftovers removed, the statement failed, the run resumes at it', async () => {
    const server = new MemoryServer();
    const tool = new RecordingTool(server, async (t) => {
      t.objects.push('table _orders_new', 'trigger pt_osc_shop_orders_ins');
      throw new Error('Threads_running=60 exceeds its critical threshold 50');
    });
    await assert.rejects(run(server, tool), (e: Error) => {
      assert.equal(
        e.message,
        '2026-12-07-orders: statement 2 of 3 failed at migrations/2026-12-07-orders/up.sql:2: pt-online-schema-change stopped: Threads_running=60 exceeds its critical threshold 50; ' +
          'orders is as it was; removed what it left: table _orders_new, trigger pt_osc_shop_orders_ins. Statement 1 is applied and recorded; nothing after it ran. Run apply again to start statement 2 over',
      );
      return true;
    });
    assert.deepEqual(tool.objects, []);
    const row = server.committed.history.get(change.id)!;
    assert.deepEqual([row.status, row.statementsApplied, row.failedStatement], ['failed', 1, 2]);
    const again = new RecordingTool(server, async (t) => void (t.definition = 'A'));
    assert.equal((await run(server, again)).changes[0]!.result, 'applied');
    assert.deepEqual(server.committed.trace, ['a', 'b']);
  });

  it('a tool that fails after its swap: applied, and what it left removed', async () => {
    const server = new MemoryServer();
    const tool = new RecordingTool(server, async (t) => {
      t.definition = 'A';
      t.objects.push('table _orders_old');
      throw new Error('lost connection while dropping the old table');
    });
    assert.equal((await run(server, tool)).changes[0]!.result, 'applied');
    assert.deepEqual(tool.calls.slice(2), ['look', 'remove table _orders_old']);
  });

  it('a rerun after a crash while the tool ran: waits for its sessions, then records it applied without running it again', async () => {
    const server = new MemoryServer();
    const crashing = new RecordingTool(server, async () => {
      server.crashAt = server.ops + 1;
      throw new Error('crashed');
    });
    await assert.rejects(run(server, crashing));
    const rerun = new RecordingTool(server, async () => assert.fail('the tool must not run again'));
    rerun.definition = 'A';
    rerun.sessions = [{ id: 41, seconds: 12, info: 'INSERT LOW_PRIORITY IGNORE INTO `shop`.`_orders_new` ...' }];
    const report = await run(server, rerun, 60_000);
    assert.equal(report.changes[0]!.resumeFrom, 3);
    assert.deepEqual(rerun.calls, ['look', 'look']);
    assert.deepEqual(server.committed.trace, ['a', 'b']);
  });

  it('a rerun that finds the tool still working past the wait refuses, naming its sessions', async () => {
    const server = new MemoryServer();
    await assert.rejects(run(server, new RecordingTool(server, async () => {
      server.crashAt = server.ops + 1;
      throw new Error('crashed');
    })));
    const rerun = new RecordingTool(server, async () => undefined);
    rerun.sessions = [{ id: 41, seconds: 12, info: null }];
    await assert.rejects(run(server, rerun, 0), (e: Error) => {
      assert.equal(
        e.message,
        'refused: statement 2 of 2026-12-07-orders from an interrupted run is still being applied online to orders in prod by pt-online-schema-change, whose sessions are on the server (connection 41). ' +
          'Starting it again would run it twice. Wait for the tool to finish (or, to stop it, KILL 41 on the server), then run apply again',
      );
      return true;
    });
  });

  it('a rerun that finds the table in a third shape records the change in doubt with what it found', async () => {
    const server = new MemoryServer();
    await assert.rejects(run(server, new RecordingTool(server, async () => {
      server.crashAt = server.ops + 1;
      throw new Error('crashed');
    })));
    const rerun = new RecordingTool(server, async () => undefined);
    rerun.definition = 'C';
    await run(server, rerun).catch(() => undefined);
    const row = server.committed.history.get(change.id)!;
    assert.equal(row.status, 'in-doubt');
    assert.equal(row.error, 'statement 2 ran online through pt-online-schema-change and was interrupted: table orders has neither its definition from before statement 2 nor the one the statement makes');
  });
});

describe('online schema change: pt-online-schema-change and command tools (pure adapter parts)', () => {
  it('builds the command line: credentials only through F=, TRADITIONAL EXPLAIN on MySQL, the throttle, no replica discovery', () => {
    const job = { schema: 'shop', table: 'orders', clauses: 'FORCE', throttle: { max_load: 'Threads_running=25', critical_load: 'Threads_running=50', max_lag: 1, chunk_time: 0.5 }, progressSeconds: 30 };
    assert.deepEqual(ptOscArgs({ ...job, server: { flavor: 'mysql', version: '9.7.4' } }, '/tmp/x/client.cnf'), [
      '--alter', 'FORCE', '--execute', '--charset', 'utf8mb4', '--progress', 'time,30', '--recursion-method', 'none', '--set-vars', 'explain_format=TRADITIONAL',
      '--max-load', 'Threads_running=25', '--critical-load', 'Threads_running=50', '--max-lag', '1', '--chunk-time', '0.5', 'F=/tmp/x/client.cnf,D=shop,t=orders',
    ]);
    assert.deepEqual(ptOscArgs({ ...job, throttle: {}, clauses: 'DROP PRIMARY KEY, ADD PRIMARY KEY (id, code)', server: { flavor: 'mariadb', version: '10.11.6' } }, '/f'), [
      '--alter', 'DROP PRIMARY KEY, ADD PRIMARY KEY (id, code)', '--execute', '--charset', 'utf8mb4', '--progress', 'time,30', '--recursion-method', 'none', '--no-check-alter', 'F=/f,D=shop,t=orders',
    ]);
    assert.throws(() => ptOscArgs({ ...job, table: 'a,b', server: { flavor: 'mariadb', version: '10.11.6' } }, '/f'), /cannot be given "a,b" in its DSN/);
  });

  it('reads the lines of its output', () => {
    assert.deepEqual(readPtOscLine('2026-12-07T05:40:01 Copying approximately 119925 rows...'), { kind: 'estimate', rows: 119925 });
    assert.deepEqual(readPtOscLine('Copying `shop`.`orders`:  45% 00:12 remain'), { kind: 'progress', percent: 45, remain: '00:12' });
    assert.deepEqual(readPtOscLine('Pausing because Threads_running=30.'), { kind: 'pause', cause: 'Threads_running=30' });
    assert.deepEqual(readPtOscLine('2026-12-07T05:40:04 Copied rows OK.'), { kind: 'copied' });
    assert.deepEqual(readPtOscLine('2026-12-07T05:40:04 Swapping tables...'), { kind: 'swapping' });
    assert.deepEqual(readPtOscLine('2026-12-07T05:40:04 Swapped original and new tables OK.'), { kind: 'swapped' });
    assert.deepEqual(readPtOscLine('Successfully altered `shop`.`orders`.'), { kind: 'done' });
    assert.deepEqual(readPtOscLine('Altering new table...'), { kind: 'other', text: 'Altering new table...' });
  });

  it('stops when its row estimate is ten times off the plan\'s, on tables big enough to matter', () => {
    assert.equal(estimateRefusal(0, 9_999), null);
    assert.equal(estimateRefusal(60_000, 600_000), null);
    assert.equal(estimateRefusal(6_000_000, 600_000), null);
    assert.equal(estimateRefusal(5, null), null);
    assert.equal(
      estimateRefusal(0, 600_000),
      'pt-online-schema-change estimated 0 rows where the plan read about 600000: with that estimate it would size its chunks wrongly ' +
        '(one chunk for the whole table holds a lock on every row until it ends); stopped before copying. Run ANALYZE TABLE and apply again',
    );
    assert.notEqual(estimateRefusal(6_000_001, 600_000), null);
  });

  it('finds the error in its last words, without Perl\'s location', () => {
    assert.equal(
      ptOscFailure(['Not checking slave lag because no slaves were found', '2026-12-07T05:40:04 Error copying rows from `s`.`t` to `s`.`_t_new`: Threads_running=51 exceeds its critical threshold 50 at /usr/bin/pt-online-schema-change line 11577.', '# Exiting on SIGTERM.']),
      'Error copying rows from `s`.`t` to `s`.`_t_new`: Threads_running=51 exceeds its critical threshold 50',
    );
    assert.equal(ptOscFailure(['Not checking slave lag because no slaves were found', 'Creating triggers...']), null);
  });

  it('writes credentials to an option file only the tool reads, quoted, and removes its folder whatever happens', async () => {
    assert.equal(
      optionFileText({ host: 'db.internal', port: 3307, user: 'deploy', password: 'p"a\\ss\nword', cleartext: true, ca: 'PEM' }, '/d/ca.pem'),
      '[client]\nhost="db.internal"\nport=3307\nuser="deploy"\npassword="p\\"a\\\\ss\\nword"\nprotocol=TCP\nssl-ca="/d/ca.pem"\nssl-verify-server-cert\nenable-cleartext-plugin\n',
    );
    let seen = '';
    await withOptionFile({ host: 'h', port: 1, user: 'u', password: 'secret', ca: 'PEM' }, async (file) => {
      seen = file;
      assert.equal(statSync(file).mode & 0o777, 0o600);
      assert.equal(statSync(path.dirname(file)).mode & 0o777, 0o700);
      assert.equal(readFileSync(path.join(path.dirname(file), 'ca.pem'), 'utf8'), 'PEM');
    });
    assert.equal(existsSync(path.dirname(seen)), false);
    await assert.rejects(withOptionFile({ host: 'h', port: 1, user: 'u', password: 'x' }, async (file) => {
      seen = file;
      throw new Error('tool failed');
    }), /tool failed/);
    assert.equal(existsSync(path.dirname(seen)), false);
  });

  it('quotes each value of a command template for the shell, so a clause stays one argument', () => {
    const line = commandLine("printf '%s|' {TABLE} {CLAUSES} {PASSWORD}", { TABLE: 'orders', CLAUSES: "ADD COLUMN note VARCHAR(9) DEFAULT 'it''s'; echo $HOME" });
    assert.equal(execFileSync('/bin/sh', ['-c', line], { encoding: 'utf8' }), "orders|ADD COLUMN note VARCHAR(9) DEFAULT 'it''s'; echo $HOME|{PASSWORD}|");
    assert.equal(shellQuote("a'b"), "'a'\\''b'");
  });

  it('fingerprints a definition without its name and counter, so a temporary copy matches the table', () => {
    const a = definitionFingerprint('CREATE TEMPORARY TABLE `changegate_online_probe` (\n  `id` int NOT NULL\n) ENGINE=InnoDB AUTO_INCREMENT=9 DEFAULT CHARSET=utf8mb4');
    const b = definitionFingerprint('CREATE TABLE `orders` (\n  `id` int NOT NULL\n) ENGINE=InnoDB AUTO_INCREMENT=12 DEFAULT CHARSET=utf8mb4');
    assert.equal(a, b);
    assert.notEqual(a, definitionFingerprint('CREATE TABLE `orders` (\n  `id` bigint NOT NULL\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4'));
  });
});

describe('online schema change: the plan, the bound and what people read', () => {
  const planned = (sql: string): PlannedChange => ({
    id: '2026-12-07-orders', title: 'orders', ticket: 'T-1', file: 'changes/2026-12-07-orders.yaml', destructive: false, resumeFrom: 1, diagnostics: [],
    statements: [{ n: 1, file: 'migrations/2026-12-07-orders/up.sql', line: 1, sql }],
  });
  const assess = (c: PlannedChange, online?: OnlineOptions) =>
    assessChanges({ changes: [c], schema: 'shop', server: { flavor: 'mysql', version: '8.0.36' }, live: new Map([['shop.orders', facts()]]), maxCopyRows: 1000, environment: 'prod', ...(online ? { online } : {}) });

  it('max_copy_rows does not refuse what the tool runs, and names the setting when there is no tool', () => {
    const withTool = planned('ALTER TABLE orders MODIFY code CHAR(10) NOT NULL');
    assess(withTool, PT);
    assert.deepEqual(withTool.checks, []);
    assert.equal(withTool.statements[0]!.online?.tool, 'pt-online-schema-change');
    const without = planned('ALTER TABLE orders MODIFY code CHAR(10) NOT NULL');
    assess(without);
    assert.match(without.checks![0]!.message, /, or set online_schema_change on prod to run it through pt-online-schema-change$/);
    assert.equal(without.statements[0]!.online, undefined);
  });

  it('a statement that cannot go online is still bounded, and the refusal says why the tool cannot run it', () => {
    const c = planned('ALTER TABLE orders MODIFY code CHAR(10) NOT NULL, ADD UNIQUE KEY ue (email)');
    assess(c, PT);
    assert.equal(c.checks![0]!.code, 'CG401');
    assert.match(c.checks![0]!.message, /, or a form the online tool can run \(cannot run online through pt-online-schema-change: it adds a unique key \(email\): .*or make the key include the primary key\)$/);
  });

  it('the PR comment and job summary list online statements, with copy and swap times once run', () => {
    const c = planned('ALTER TABLE orders MODIFY code CHAR(10) NOT NULL');
    assess(c, PT);
    c.statements[0]!.online!.ran = { copySeconds: 12.34, swapSeconds: 0.05 };
    const md = impactMarkdown([c]);
    assert.ok(md.some((l) => l.includes('🔁 online (pt-online-schema-change): blocked only at the swap')), md.join('\n'));
    assert.equal(
      md[md.indexOf('**Online schema changes**') + 2],
      '- `2026-12-07-orders` statement 1: online via pt-online-schema-change, about 40 s for 2,000,000 rows (over above\\_rows, 1,000,000), writes blocked only at the table swap — copied in 12.3 s, table swap 0.1 s',
    );
  });

  it('the Slack message names the tables rebuilt online', () => {
    const msg = slackMessage({ phase: 'start', environment: 'prod', changes: [], online: ['shop.orders (pt-online-schema-change, 2026-12-07-orders statement 1)'] });
    assert.deepEqual(msg.blocks![1], {
      type: 'section',
      text: { type: 'mrkdwn', text: '*Rebuilt online (writes blocked only at the table swap)*\n• shop.orders (pt-online-schema-change, 2026-12-07-orders statement 1)' },
    });
  });
});
