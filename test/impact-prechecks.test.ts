// The pre-checks against thousands of real rows: each fires on violating data with the exact count
// and the words a user reads, stays quiet (pass) on clean data, and a check the server stops at its
// time bound is a warning, never a pass.
import assert from 'node:assert/strict';
import mysql from 'mysql2/promise';
import { connectTarget, parseTargetUrl, type Target } from '../src/adapters/mysql/connect.js';
import type { MysqlConnection } from '../src/adapters/mysql/connection.js';
import { readTableFacts, serverFacts } from '../src/adapters/mysql/facts.js';
import { runPreChecks } from '../src/adapters/mysql/prechecks.js';
import { preChecks, selectOf, type PreCheck } from '../src/core/impact/checks.js';
import { parseDdl } from '../src/core/impact/ddl.js';
import type { CheckResult, ServerFacts } from '../src/core/impact/types.js';
import { getServer, type TestServer } from './helpers/mysql-server.js';

const opts = { minVersion: '5.0', lockWaitTimeout: 3, label: 'local' };
const ROWS = 3000;

// `dirty`: 10 duplicate email groups (ids 2991..3000 repeat u1..u10), 30 NULL names (id % 100 = 0),
// 6 names of 40 characters (id % 250 = 0 but not % 100), scores id*100 (2,673 above SMALLINT's
// 32,767), org_id = id % 7 against orgs 1..5 (856 rows point at 0 or 6), state 'done' in 1,000 rows.
// `clean`: the same shape with none of that.
function rows(dirty: boolean): string {
  const out: string[] = [];
  for (let id = 1; id <= ROWS; id++) {
    const email = dirty ? `u${id % 2990}` : `u${id}`;
    const name = dirty && id % 100 === 0 ? 'NULL' : dirty && id % 250 === 0 ? `'${'x'.repeat(40)}'` : `'n${id}'`;
    const score = dirty ? id * 100 : id;
    const org = dirty ? id % 7 : (id % 5) + 1;
    const state = dirty ? ['new', 'open', 'done'][id % 3] : ['new', 'open'][id % 2];
    out.push(`(${id}, '${email}', ${name}, ${score}, ${org}, '${state}')`);
  }
  return out.join(', ');
}

describe('impact pre-checks on live rows', function () {
  this.timeout(120_000);
  let server: TestServer;
  let schema: { name: string; url: string; drop(): Promise<void> };
  let target: Target;
  let reader: MysqlConnection;
  let sf: ServerFacts;

  before(async () => {
    server = await getServer();
    schema = await server.freshSchema('prechecks');
    const admin = await mysql.createConnection(schema.url);
    try {
      await admin.query('CREATE TABLE orgs (id INT NOT NULL PRIMARY KEY)');
      await admin.query('INSERT INTO orgs VALUES (1), (2), (3), (4), (5)');
      await admin.query('CREATE TABLE single (id INT NOT NULL PRIMARY KEY)');
      await admin.query('INSERT INTO single VALUES (1)');
      await admin.query('CREATE TABLE prices (id INT NOT NULL PRIMARY KEY, amount DECIMAL(10,2) NULL, ratio DOUBLE NULL)');
      await admin.query('INSERT INTO prices VALUES (1, 1.25, 0.1), (2, 2.50, 0.5), (3, 3.00, 1), (4, NULL, NULL), (5, -7.75, 2.25)');
      for (const t of ['dirty', 'clean']) {
        await admin.query(`CREATE TABLE ${t} (id INT NOT NULL PRIMARY KEY, email VARCHAR(100) NULL, name VARCHAR(50) NULL, score INT NULL, org_id INT NULL, nokey INT NULL, state ENUM('new','open','done') NULL)`);
        await admin.query(`INSERT INTO ${t} (id, email, name, score, org_id, state) VALUES ${rows(t === 'dirty')}`);
        await admin.query(`ANALYZE TABLE ${t}`);
      }
    } finally {
      await admin.end();
    }
    target = await connectTarget(parseTargetUrl(schema.url), opts);
    reader = await target.reader();
    sf = serverFacts(target.server.version);
  });
  after(async () => {
    await reader?.close();
    await target?.close();
    await schema?.drop();
  });

  async function check(sql: string, extra: { lossBound?: number; timeoutSec?: number } = {}): Promise<CheckResult[]> {
    const spec = parseDdl(sql)!;
    const facts = await readTableFacts(reader, sf, ['dirty', 'clean', 'orgs', 'single', 'prices'].map((name) => ({ schema: schema.name, name })));
    const checks = preChecks({ spec, statement: 2, schema: schema.name, facts, ...(extra.lossBound ? { lossBound: extra.lossBound } : {}) });
    return runPreChecks(reader, sf, checks, extra.timeoutSec);
  }

  it('CG501: a new UNIQUE index over duplicates fails with the number of duplicate groups', async () => {
    const S = schema.name;
    assert.deepEqual(await check('ALTER TABLE dirty ADD UNIQUE INDEX uq_email (email)'), [{
      code: 'CG501', statement: 2, outcome: 'fail', count: 10,
      message: `${S}.dirty: 10 values of (email) occur more than once, so UNIQUE index uq_email fails with a duplicate-key error, after the server has scanned the table; remove or merge the duplicates first (SELECT email, COUNT(*) FROM ${S}.dirty GROUP BY email HAVING COUNT(*) > 1)`,
    }]);
    assert.deepEqual(await check('CREATE UNIQUE INDEX uq_email ON clean (email)'), [
      { code: 'CG501', statement: 2, outcome: 'pass', count: 0, message: `${S}.clean: no duplicate values in (email)` },
    ]);
  });

  it('CG501: NULLs never count as duplicates, and a prefix index is checked over its prefix, as the server does', async () => {
    const S = schema.name;
    // clean.nokey is NULL in every row; org_id repeats 5 values. The server takes both keys.
    assert.deepEqual(await check('ALTER TABLE clean ADD UNIQUE INDEX uq_nokey (nokey)'), [
      { code: 'CG501', statement: 2, outcome: 'pass', count: 0, message: `${S}.clean: no duplicate values in (nokey)` },
    ]);
    assert.deepEqual(await check('ALTER TABLE clean ADD UNIQUE INDEX uq_org_nokey (org_id, nokey)'), [
      { code: 'CG501', statement: 2, outcome: 'pass', count: 0, message: `${S}.clean: no duplicate values in (org_id, nokey)` },
    ]);
    // clean.email is u1..u3000, distinct as a whole; over its first 2 characters, u1..u9 each repeat.
    assert.deepEqual(await check('ALTER TABLE clean ADD UNIQUE INDEX uq_email2 (email(2))'), [{
      code: 'CG501', statement: 2, outcome: 'fail', count: 9,
      message: `${S}.clean: 9 values of (email(2)) occur more than once, so UNIQUE index uq_email2 fails with a duplicate-key error, after the server has scanned the table; remove or merge the duplicates first (SELECT email(2), COUNT(*) FROM ${S}.clean GROUP BY email(2) HAVING COUNT(*) > 1)`,
    }]);
    const admin = await mysql.createConnection(schema.url);
    try {
      await admin.query('ALTER TABLE clean ADD UNIQUE INDEX uq_nokey (nokey), ADD UNIQUE INDEX uq_org_nokey (org_id, nokey)');
      await admin.query('ALTER TABLE clean DROP INDEX uq_nokey, DROP INDEX uq_org_nokey');
      await assert.rejects(admin.query('ALTER TABLE clean ADD UNIQUE INDEX uq_email2 (email(2))'), (e: { errno?: number }) => e.errno === 1062);
    } finally {
      await admin.end();
    }
  });

  it('CG501: a new column under a UNIQUE or PRIMARY key that gives every row one value fails, as the server does', async () => {
    const S = schema.name;
    const fail = (cols: string, how: string, what: string) => ({
      code: 'CG501', statement: 2, outcome: 'fail', count: 2,
      message: `${S}.clean: ADD COLUMN ${cols} gives every existing row (at least 2) the same value (${how}), so ${what} fails with a duplicate-key error after the server has copied the table; add the column without the key (NULL by default), fill in distinct values, then add the key in a change of its own`,
    });
    const cases: [string, unknown[]][] = [
      ["ALTER TABLE clean ADD COLUMN code VARCHAR(10) NOT NULL DEFAULT 'x' UNIQUE", [fail('code', "its DEFAULT 'x'", 'UNIQUE on code')]],
      ['ALTER TABLE clean ADD COLUMN code INT NOT NULL, ADD UNIQUE KEY uq_code (code)', [fail('code', "the type's implicit default, as it is NOT NULL without a DEFAULT", 'UNIQUE index uq_code')]],
      ['ALTER TABLE clean ADD COLUMN a INT NOT NULL DEFAULT 7, ADD COLUMN b DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP, ADD UNIQUE (a, b)', [fail('a, b', 'a: its DEFAULT 7; b: the time of the ALTER, its DEFAULT', 'UNIQUE index on (a, b)')]],
      // NULLs never collide, nor do values of their own.
      ['ALTER TABLE clean ADD COLUMN code INT NULL UNIQUE', []],
      ['ALTER TABLE clean ADD COLUMN code INT NOT NULL DEFAULT 0, ADD UNIQUE (code, id)', []],
    ];
    for (const [sql, expected] of cases) assert.deepEqual(await check(sql), expected, sql);
    assert.deepEqual(await check("ALTER TABLE single ADD COLUMN code VARCHAR(10) NOT NULL DEFAULT 'x' UNIQUE"), [
      { code: 'CG501', statement: 2, outcome: 'pass', count: 1, message: `${S}.single holds one row: the new (code) cannot repeat a value yet` },
    ]);
    // The server: a duplicate-key error on the 3,000-row table, and the one-row table takes the column.
    const admin = await mysql.createConnection(schema.url);
    try {
      for (const [sql, expected] of cases.slice(0, 3)) {
        if (expected.length === 0) continue;
        await assert.rejects(admin.query(sql), (e: { errno?: number }) => e.errno === 1062, sql);
      }
      await admin.query("ALTER TABLE single ADD COLUMN code VARCHAR(10) NOT NULL DEFAULT 'x' UNIQUE");
    } finally {
      await admin.end();
    }
  });

  it('CG502: NOT NULL over NULLs fails with the number of NULL rows', async () => {
    const S = schema.name;
    assert.deepEqual(await check('ALTER TABLE dirty MODIFY name VARCHAR(50) NOT NULL'), [{
      code: 'CG502', statement: 2, outcome: 'fail', count: 30,
      message: `${S}.dirty.name: 30 rows hold NULL, so MODIFY to NOT NULL fails in strict mode (or silently turns them into the type's zero value outside it); UPDATE ${S}.dirty SET name = <value> WHERE name IS NULL first, in its own change`,
    }]);
    assert.deepEqual(await check('ALTER TABLE clean MODIFY name VARCHAR(50) NOT NULL'), [
      { code: 'CG502', statement: 2, outcome: 'pass', count: 0, message: `${S}.clean.name holds no NULL` },
    ]);
  });

  it('CG503: a narrowed VARCHAR or integer fails with the number of values that do not fit', async () => {
    const S = schema.name;
    assert.deepEqual(await check('ALTER TABLE dirty MODIFY name VARCHAR(30) NULL'), [{
      code: 'CG503', statement: 2, outcome: 'fail', count: 6,
      message: `${S}.dirty.name: 6 values are longer than 30 characters, so changing it to varchar(30) fails in strict mode (or cuts them outside it); fix or shorten those rows first, or pick a type that holds them`,
    }]);
    assert.deepEqual(await check('ALTER TABLE dirty CHANGE score score SMALLINT NULL'), [{
      code: 'CG503', statement: 2, outcome: 'fail', count: 2673,
      message: `${S}.dirty.score: 2,673 values lie outside -32768 to 32767, so changing it to smallint fails in strict mode (or cuts them outside it); fix or shorten those rows first, or pick a type that holds them`,
    }]);
    assert.deepEqual(await check('ALTER TABLE dirty MODIFY score DECIMAL(7,2) NULL'), [{
      code: 'CG503', statement: 2, outcome: 'fail', count: 2001,
      message: `${S}.dirty.score: 2,001 values lie outside -99999.99 to 99999.99, so changing it to decimal(7,2) fails in strict mode (or cuts them outside it); fix or shorten those rows first, or pick a type that holds them`,
    }]);
    assert.deepEqual(await check("ALTER TABLE dirty MODIFY state ENUM('new','open') NULL"), [{
      code: 'CG503', statement: 2, outcome: 'fail', count: 1000,
      message: `${S}.dirty.state: 1,000 values are not in its list, so changing it to enum('new','open') fails in strict mode (or cuts them outside it); fix or shorten those rows first, or pick a type that holds them`,
    }]);
    assert.deepEqual(
      (await check("ALTER TABLE clean MODIFY name VARCHAR(30) NULL, MODIFY score SMALLINT NULL, MODIFY state ENUM('new','open') NULL")).map((r) => [r.code, r.outcome, r.count, r.message]),
      [
        ['CG503', 'pass', 0, `${S}.clean.name: every value fits varchar(30)`],
        ['CG503', 'pass', 0, `${S}.clean.score: every value fits smallint`],
        ['CG503', 'pass', 0, `${S}.clean.state: every value fits enum('new','open')`],
      ],
    );
  });

  it('CG503: fewer decimal places warn with the number of values the server will round, as it does', async () => {
    const S = schema.name;
    const warn = (count: number, places: string, to: string) => ({
      code: 'CG503', statement: 2, outcome: 'warn', count,
      message: `${S}.prices.amount: ${count} ${count === 1 ? 'value has' : 'values have'} more than ${places}, so changing it to ${to} rounds ${count === 1 ? 'it' : 'them'} (the server does so without an error, in strict mode too); keep the scale, or copy the exact values aside in an earlier change`,
    });
    // Beside the range check, which these values pass.
    const fits = (to: string, column = 'amount') => ({ code: 'CG503', statement: 2, outcome: 'pass', count: 0, message: `${S}.prices.${column}: every value fits ${to}` });
    assert.deepEqual(await check('ALTER TABLE prices MODIFY amount DECIMAL(10,1) NULL'), [fits('decimal(10,1)'), warn(2, '1 decimal place', 'decimal(10,1)')]);
    // NUMERIC is DECIMAL by another name.
    assert.deepEqual(await check('ALTER TABLE prices MODIFY amount NUMERIC(12) NULL'), [fits('decimal(12)'), warn(3, '0 decimal places', 'decimal(12)')]);
    assert.deepEqual(await check('ALTER TABLE prices MODIFY amount BIGINT NULL'), [fits('bigint'), warn(3, '0 decimal places', 'bigint')]);
    // More places, or a DOUBLE (whose stored values are approximations), call for no rounding check.
    assert.deepEqual(await check('ALTER TABLE prices MODIFY amount DECIMAL(12,3) NULL'), [fits('decimal(12,3)')]);
    assert.deepEqual(await check('ALTER TABLE prices MODIFY ratio DECIMAL(10,1) NULL'), [fits('decimal(10,1)', 'ratio')]);
    // The server: no error, and the values rounded as the count said.
    const admin = await mysql.createConnection(schema.url);
    try {
      await admin.query('ALTER TABLE prices MODIFY amount DECIMAL(10,1) NULL');
      const [rows] = await admin.query('SELECT amount FROM prices ORDER BY id');
      assert.deepEqual((rows as { amount: string | null }[]).map((r) => r.amount), ['1.3', '2.5', '3.0', null, '-7.8']);
    } finally {
      await admin.end();
    }
  });

  it('CG504: a new foreign key fails with the number of orphan rows', async () => {
    const S = schema.name;
    assert.deepEqual(await check('ALTER TABLE dirty ADD CONSTRAINT fk_org FOREIGN KEY (org_id) REFERENCES orgs (id)'), [{
      code: 'CG504', statement: 2, outcome: 'fail', count: 856,
      message: `${S}.dirty: 856 rows have (org_id) with no match in ${S}.orgs (id), so adding foreign key fk_org fails while foreign_key_checks is on; delete or fix those rows first (or point them at existing ${S}.orgs rows)`,
    }]);
    assert.deepEqual(await check('ALTER TABLE clean ADD FOREIGN KEY (org_id) REFERENCES orgs (id)'), [
      { code: 'CG504', statement: 2, outcome: 'pass', count: 0, message: `${S}.clean: every (org_id) has its row in ${S}.orgs` },
    ]);
  });

  it('CG505: DROP TABLE, TRUNCATE and DROP COLUMN warn with the rows or values lost, "at least" past the bound', async () => {
    const S = schema.name;
    assert.deepEqual(await check('DROP TABLE dirty'), [{
      code: 'CG505', statement: 2, outcome: 'warn', count: 3000,
      message: `${S}.dirty: DROP TABLE deletes 3,000 rows for good; make sure a snapshot or backup holds them (snapshot: destructive) or copy them aside in an earlier change`,
    }]);
    assert.deepEqual(await check('TRUNCATE TABLE clean', { lossBound: 1000 }), [{
      code: 'CG505', statement: 2, outcome: 'warn', count: 1000,
      message: `${S}.clean: TRUNCATE TABLE deletes at least 1,000 rows for good; make sure a snapshot or backup holds them (snapshot: destructive) or copy them aside in an earlier change`,
    }]);
    assert.deepEqual(await check('ALTER TABLE dirty DROP COLUMN name'), [{
      code: 'CG505', statement: 2, outcome: 'warn', count: 2970,
      message: `${S}.dirty.name: DROP COLUMN deletes 2,970 non-NULL values for good; make sure a snapshot or backup holds them, or stop writing the column and drop it in a later change`,
    }]);
    assert.deepEqual(await check('ALTER TABLE dirty DROP COLUMN nokey'), [
      { code: 'CG505', statement: 2, outcome: 'pass', count: 0, message: `${S}.dirty.nokey holds only NULL: DROP COLUMN loses no value` },
    ]);
  });

  it('CG506: UPDATE and DELETE get EXPLAIN\'s row estimate, and nothing is changed', async () => {
    const S = schema.name;
    const [upd] = await check('UPDATE dirty SET name = NULL WHERE id BETWEEN 1 AND 100');
    assert.equal(upd!.code, 'CG506');
    assert.equal(upd!.outcome, 'warn');
    // An estimate: InnoDB's range estimate on the primary key is close, not exact.
    assert.ok(upd!.count! >= 90 && upd!.count! <= 110, `estimate ${upd!.count}`);
    assert.equal(upd!.message, `${S}.dirty: the UPDATE changes about ${upd!.count} rows (EXPLAIN's estimate; it was not run), holding their row locks until it commits; batch it by primary key ranges when that is more than a few thousand`);
    const [del] = await check('DELETE FROM clean');
    assert.equal(del!.outcome, 'warn');
    assert.ok(del!.count! > 2000, `estimate ${del!.count}`);
    assert.match(del!.message, new RegExp(`^${S}\\.clean: the DELETE deletes about [0-9,]+ rows \\(EXPLAIN's estimate; it was not run\\)`));
    const [n] = await server.adminQuery<{ n: number }>(`SELECT COUNT(*) AS n FROM \`${S}\`.clean`);
    assert.equal(Number(n!.n), ROWS);
  });

  it('turns UPDATE and DELETE into the SELECT that EXPLAIN reads (SELECT privilege only)', () => {
    assert.equal(selectOf('UPDATE t SET a = 1 WHERE b = 2 ORDER BY id LIMIT 10'), 'SELECT 1 FROM t WHERE b = 2');
    assert.equal(selectOf('UPDATE LOW_PRIORITY a JOIN b ON a.id = b.id SET a.x = b.x WHERE b.y > 0;'), 'SELECT 1 FROM a JOIN b ON a.id = b.id WHERE b.y > 0');
    assert.equal(selectOf('DELETE FROM t WHERE created < NOW() - INTERVAL 1 DAY LIMIT 100'), 'SELECT 1 FROM t WHERE created < NOW() - INTERVAL 1 DAY');
    assert.equal(selectOf('DELETE a FROM a JOIN b ON a.id = b.id WHERE b.gone = 1'), 'SELECT 1 FROM a JOIN b ON a.id = b.id WHERE b.gone = 1');
    assert.equal(selectOf('DELETE FROM a USING a JOIN b ON a.id = b.id'), 'SELECT 1 FROM a JOIN b ON a.id = b.id');
    assert.equal(selectOf('DELETE FROM t'), 'SELECT 1 FROM t');
  });

  it('a check that runs out of time is a warning that says so, never a pass', async () => {
    const slow: PreCheck = {
      code: 'CG501', statement: 3, tables: [], columns: [], read: 'count', subject: `duplicates in ${schema.name}.dirty (email)`,
      sql: `SELECT COUNT(*) FROM \`${schema.name}\`.dirty a, \`${schema.name}\`.dirty b, \`${schema.name}\`.dirty c WHERE a.name <> c.email`,
      judge: () => ({ outcome: 'pass', message: 'never' }),
    };
    const t0 = Date.now();
    assert.deepEqual(await runPreChecks(reader, sf, [slow], 1), [{
      code: 'CG501', statement: 3, outcome: 'warn', count: null,
      message: `could not verify duplicates in ${schema.name}.dirty (email) in 1 s; check it by hand before applying, or run it in a quieter hour`,
    }]);
    assert.ok(Date.now() - t0 < 5000);
  });
});
