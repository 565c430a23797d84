// The data pre-checks without a server: each statement is parsed, its checks are built from table
// facts written here, and an in-memory reader records the SQL each check sends and answers with a
// count chosen by the test. What is pinned: which read-only query each rule must send (a duplicate
// count that skips NULLs and groups a prefix index by its prefix, a bounded count of rows lost...),
// and the exact words a user reads for every count.
import assert from 'node:assert/strict';
import { CHECK_CODES, LOSS_BOUND, checkResult, deferred, notVerified, numericRange, preChecks, selectOf, timedOut, type PreCheck } from '../src/core/impact/checks.js';
import { parseDdl } from '../src/core/impact/ddl.js';
import type { CheckResult, ColumnFacts, IndexFacts, TableFacts } from '../src/core/impact/types.js';

function col(name: string, columnType: string, nullable = true, maxChars: number | null = null): ColumnFacts {
  return { name, columnType, dataType: /^\w+/.exec(columnType)![0], nullable, default: null, extra: '', charset: null, collation: null, maxChars, maxBytes: null, position: 1 };
}

function unique(name: string, ...columns: Array<[string, number | null]>): IndexFacts {
  return { name, primary: false, unique: true, type: 'BTREE', columns: columns.map(([c, prefix]) => ({ name: c, prefix })), visible: true };
}

function table(schema: string, name: string, columns: ColumnFacts[], indexes: IndexFacts[] = []): TableFacts {
  return {
    schema, name, source: 'live', engine: 'InnoDB', rowFormat: 'dynamic', charset: 'utf8mb4', collation: 'utf8mb4_0900_ai_ci', rows: 1000, dataBytes: 0, indexBytes: 0,
    columns, indexes, foreignKeys: [], totalRowVersions: 0, partitioned: false, hasFulltext: false, hiddenFtsDocId: false,
  };
}

const USERS = table('shop', 'users', [
  col('id', 'int', false),
  col('email', 'varchar(100)', true, 100),
  col('name', 'varchar(50)', true, 50),
  col('nick', 'varchar(20)', false, 20),
  col('slug', 'varchar(40)', true, 40),
  col('org_id', 'int'),
  col('team_id', 'int'),
  col('score', 'int'),
  col('state', "enum('new','open','done')"),
  col('label', "enum('a b','c')"),
  col('amount', 'decimal(10,2)'),
  col('ratio', 'double'),
  col('code', 'char(8)', true, 8),
  col('bio', 'text', true, 65535),
  col('blurb', 'tinytext', true, 255),
  col('body', 'longtext', true, 4294967295),
  col('notes', 'mediumtext'),
  col('born', 'datetime'),
  col('tiny', 'tinyint'),
  col('small', 'smallint'),
  col('med', 'mediumint'),
  col('big', 'bigint'),
  col('fl', 'float'),
  col('Mixed', 'int'),
], [
  { name: 'PRIMARY', primary: true, unique: true, type: 'BTREE', columns: [{ name: 'id', prefix: null }], visible: true },
  unique('uq_nick', ['nick', null]),
  unique('uq_slug', ['slug', 10]),
  unique('uq_org_team', ['org_id', null], ['team_id', null]),
  { name: 'uq_lower_bio', primary: false, unique: true, type: 'BTREE', columns: [{ name: null, prefix: null, expression: 'lower(`bio`)' }], visible: true },
]);
const ORGS = table('shop', 'orgs', [col('id', 'int', false), col('region', 'int', false)]);

function facts(...tables: TableFacts[]): Map<string, TableFacts> {
  return new Map(tables.map((t) => [`${t.schema}.${t.name}`, t]));
}

function checksOf(sql: string, more: { facts?: Map<string, TableFacts>; lossBound?: number } = {}): PreCheck[] {
  const spec = parseDdl(sql);
  assert.ok(spec, sql);
  return preChecks({ spec, statement: 3, schema: 'shop', facts: more.facts ?? facts(USERS, ORGS), ...(more.lossBound ? { lossBound: more.lossBound } : {}) });
}

/**
 * The reader port, in memory: records each query as `count: <sql>` or `explain: <sql>` and answers
 * every one with `count` rows (the first column of a count, or EXPLAIN's estimate).
 */
function memoryReader(count: number) {
  const sent: string[] = [];
  return {
    sent,
    run(checks: PreCheck[]): CheckResult[] {
      return checks.map((c) => {
        sent.push(`${c.read}: ${c.sql}`);
        return checkResult(c, count);
      });
    },
  };
}

/** The queries a statement's checks send, in order. */
function sentBy(sql: string, more: { facts?: Map<string, TableFacts>; lossBound?: number } = {}): string[] {
  const reader = memoryReader(0);
  reader.run(checksOf(sql, more));
  return reader.sent;
}

/** `[outcome, message]` of each check of a statement, when the reader answers `count`. */
function verdicts(sql: string, count: number, more: { facts?: Map<string, TableFacts>; lossBound?: number } = {}): Array<[string, string, string, number | null]> {
  return memoryReader(count).run(checksOf(sql, more)).map((r) => {
    assert.equal(r.statement, 3);
    return [r.code, r.outcome, r.message, r.count];
  });
}

const U = '`shop`.`users`';

describe('pre-checks: the query each rule sends', () => {
  const CASES: Array<[string, string, string[]]> = [
    // CG501: groups of equal non-NULL keys, counted.
    ['a UNIQUE index counts the groups of equal non-NULL values', 'ALTER TABLE users ADD UNIQUE INDEX uq_email (email)',
      [`count: SELECT COUNT(*) FROM (SELECT 1 AS one FROM ${U} WHERE \`email\` IS NOT NULL GROUP BY \`email\` HAVING COUNT(*) > 1) AS duplicate_groups`]],
    ['a prefix key part is grouped by its prefix, an expression by itself, every part non-NULL', 'CREATE UNIQUE INDEX uq ON users (email(10), (lower(name)), org_id)',
      [`count: SELECT COUNT(*) FROM (SELECT 1 AS one FROM ${U} WHERE LEFT(\`email\`, 10) IS NOT NULL AND (lower(name)) IS NOT NULL AND \`org_id\` IS NOT NULL GROUP BY LEFT(\`email\`, 10), (lower(name)), \`org_id\` HAVING COUNT(*) > 1) AS duplicate_groups`]],
    ['a non-unique index calls for no check', 'ALTER TABLE users ADD INDEX ix_email (email)', []],
    ['a PRIMARY KEY over nullable columns counts their NULLs, then the duplicates', 'ALTER TABLE users ADD PRIMARY KEY (email, id, (lower(name)))', [
      `count: SELECT COUNT(*) FROM ${U} WHERE \`email\` IS NULL`,
      `count: SELECT COUNT(*) FROM (SELECT 1 AS one FROM ${U} WHERE \`email\` IS NOT NULL AND \`id\` IS NOT NULL AND (lower(name)) IS NOT NULL GROUP BY \`email\`, \`id\`, (lower(name)) HAVING COUNT(*) > 1) AS duplicate_groups`,
    ]],
    ['a key over an existing column and an added one with one value is not checked (the rows differ in the first)', 'ALTER TABLE users ADD COLUMN k INT NOT NULL DEFAULT 0, ADD UNIQUE (k, id)', []],
    ['a key over an added column and a column no table has is not checked', 'ALTER TABLE users ADD COLUMN k INT NOT NULL DEFAULT 0, ADD UNIQUE (k, ghost)', []],
    ['a key over added columns that each give every row one value asks whether two rows exist', 'ALTER TABLE users ADD COLUMN k INT NOT NULL DEFAULT 0, ADD COLUMN j INT NOT NULL, ADD UNIQUE (k, j)',
      [`count: SELECT COUNT(*) FROM (SELECT 1 AS one FROM ${U} LIMIT 2) AS existing_rows`]],
    ['a key over an added column and an expression is not checked', 'ALTER TABLE users ADD COLUMN k INT NOT NULL DEFAULT 0, ADD UNIQUE (k, (k + 1))', []],
    ['a key over an added AUTO_INCREMENT column is not checked (each row gets its own value)', 'ALTER TABLE users ADD COLUMN k INT NOT NULL AUTO_INCREMENT, ADD UNIQUE (k)', []],
    ['a UNIQUE generated column is not checked (each row computes its own value)', 'ALTER TABLE users ADD COLUMN k INT AS (id + 1) STORED NOT NULL UNIQUE', []],
    ['an inline UNIQUE column with one value asks whether two rows exist', "ALTER TABLE users ADD COLUMN k VARCHAR(5) NOT NULL DEFAULT 'x' UNIQUE",
      [`count: SELECT COUNT(*) FROM (SELECT 1 AS one FROM ${U} LIMIT 2) AS existing_rows`]],
    ['a column neither UNIQUE nor PRIMARY calls for no check', "ALTER TABLE users ADD COLUMN k VARCHAR(5) NOT NULL DEFAULT 'x'", []],
    ['a UNIQUE column of NULLs calls for no check', 'ALTER TABLE users ADD COLUMN k INT NULL UNIQUE', []],
    // CG502
    ['MODIFY to NOT NULL counts the NULLs', 'ALTER TABLE users MODIFY name VARCHAR(50) NOT NULL', [`count: SELECT COUNT(*) FROM ${U} WHERE \`name\` IS NULL`]],
    ['NOT NULL on a column that is already NOT NULL calls for no check', 'ALTER TABLE users MODIFY nick VARCHAR(20) NOT NULL', []],
    ['a column made the PRIMARY KEY by MODIFY counts its NULLs', 'ALTER TABLE users CHANGE email email VARCHAR(100) NOT NULL PRIMARY KEY', [
      `count: SELECT COUNT(*) FROM ${U} WHERE \`email\` IS NULL`,
    ]],
    ['a column not yet there calls for no check', 'ALTER TABLE users MODIFY ghost INT NOT NULL', []],
    // CG503
    ['a shorter VARCHAR counts the longer values', 'ALTER TABLE users MODIFY name VARCHAR(30) NULL', [`count: SELECT COUNT(*) FROM ${U} WHERE CHAR_LENGTH(\`name\`) > 30`]],
    ['a shorter CHAR from CHAR counts the longer values', 'ALTER TABLE users MODIFY code CHAR(4) NULL', [`count: SELECT COUNT(*) FROM ${U} WHERE CHAR_LENGTH(\`code\`) > 4`]],
    ['a shorter VARCHAR from TINYTEXT counts the longer values', 'ALTER TABLE users MODIFY blurb VARCHAR(99) NULL', [`count: SELECT COUNT(*) FROM ${U} WHERE CHAR_LENGTH(\`blurb\`) > 99`]],
    ['a VARCHAR from LONGTEXT counts the longer values', 'ALTER TABLE users MODIFY body VARCHAR(16000) NULL', [`count: SELECT COUNT(*) FROM ${U} WHERE CHAR_LENGTH(\`body\`) > 16000`]],
    ['a shorter CHAR from TEXT counts the longer values', 'ALTER TABLE users MODIFY bio CHAR(255) NULL', [`count: SELECT COUNT(*) FROM ${U} WHERE CHAR_LENGTH(\`bio\`) > 255`]],
    ['a string column of unknown length is counted too', 'ALTER TABLE users MODIFY notes VARCHAR(1000) NULL', [`count: SELECT COUNT(*) FROM ${U} WHERE CHAR_LENGTH(\`notes\`) > 1000`]],
    ['a type as long as the column calls for no check', 'ALTER TABLE users MODIFY email CHAR(100) NULL', []],
    ['a longer type calls for no check', 'ALTER TABLE users MODIFY email VARCHAR(200) NULL', []],
    ['an ENUM counts the values outside its list', "ALTER TABLE users MODIFY state ENUM('new','open') NULL",
      [`count: SELECT COUNT(*) FROM ${U} WHERE \`state\` IS NOT NULL AND \`state\` NOT IN ('new','open')`]],
    ['an ENUM over a VARCHAR counts the values outside its list, whatever the list holds', "ALTER TABLE users MODIFY name ENUM('char(3)','x') NULL",
      [`count: SELECT COUNT(*) FROM ${U} WHERE \`name\` IS NOT NULL AND \`name\` NOT IN ('char(3)','x')`]],
    ['an ENUM over a CHAR counts the values outside its list', "ALTER TABLE users MODIFY code ENUM('a') NULL",
      [`count: SELECT COUNT(*) FROM ${U} WHERE \`code\` IS NOT NULL AND \`code\` NOT IN ('a')`]],
    ['an unchanged ENUM calls for no check', "ALTER TABLE users MODIFY label ENUM('a b','c') NULL", []],
    ['an ENUM over a TEXT column calls for no check', "ALTER TABLE users MODIFY bio ENUM('a') NULL", []],
    ['a string column made a number calls for no check', 'ALTER TABLE users MODIFY name INT NULL', []],
    ['a number made a string calls for no check', 'ALTER TABLE users MODIFY score VARCHAR(5) NULL', []],
    ['a date made a number calls for no check', 'ALTER TABLE users MODIFY born BIGINT NULL', []],
    ['a smaller integer counts the values outside its range', 'ALTER TABLE users CHANGE score score SMALLINT NULL', [`count: SELECT COUNT(*) FROM ${U} WHERE \`score\` < -32768 OR \`score\` > 32767`]],
    ['TINYINT made unsigned', 'ALTER TABLE users MODIFY tiny TINYINT UNSIGNED NULL', [`count: SELECT COUNT(*) FROM ${U} WHERE \`tiny\` < 0 OR \`tiny\` > 255`]],
    ['SMALLINT made TINYINT', 'ALTER TABLE users MODIFY small TINYINT NULL', [`count: SELECT COUNT(*) FROM ${U} WHERE \`small\` < -128 OR \`small\` > 127`]],
    ['MEDIUMINT made SMALLINT', 'ALTER TABLE users MODIFY med SMALLINT UNSIGNED NULL', [`count: SELECT COUNT(*) FROM ${U} WHERE \`med\` < 0 OR \`med\` > 65535`]],
    ['BIGINT made INT', 'ALTER TABLE users MODIFY big INT NULL', [`count: SELECT COUNT(*) FROM ${U} WHERE \`big\` < -2147483648 OR \`big\` > 2147483647`]],
    ['FLOAT made DECIMAL', 'ALTER TABLE users MODIFY fl DECIMAL(5,2) NULL', [`count: SELECT COUNT(*) FROM ${U} WHERE \`fl\` < -999.99 OR \`fl\` > 999.99`]],
    ['DOUBLE made INT: the range only (its values are approximations, never counted as rounded)', 'ALTER TABLE users MODIFY ratio INT NULL', [`count: SELECT COUNT(*) FROM ${U} WHERE \`ratio\` < -2147483648 OR \`ratio\` > 2147483647`]],
    ['a DECIMAL with fewer places counts the range, then the values it rounds', 'ALTER TABLE users MODIFY amount DECIMAL(10,1) NULL', [
      `count: SELECT COUNT(*) FROM ${U} WHERE \`amount\` < -999999999.9 OR \`amount\` > 999999999.9`,
      `count: SELECT COUNT(*) FROM ${U} WHERE \`amount\` <> ROUND(\`amount\`, 1)`,
    ]],
    ['a DECIMAL made an integer rounds to no place', 'ALTER TABLE users MODIFY amount INT NULL', [
      `count: SELECT COUNT(*) FROM ${U} WHERE \`amount\` < -2147483648 OR \`amount\` > 2147483647`,
      `count: SELECT COUNT(*) FROM ${U} WHERE \`amount\` <> ROUND(\`amount\`, 0)`,
    ]],
    ['a DECIMAL of no stated scale rounds to no place', 'ALTER TABLE users MODIFY amount DECIMAL(12) NULL', [
      `count: SELECT COUNT(*) FROM ${U} WHERE \`amount\` < -999999999999 OR \`amount\` > 999999999999`,
      `count: SELECT COUNT(*) FROM ${U} WHERE \`amount\` <> ROUND(\`amount\`, 0)`,
    ]],
    ['a bare DECIMAL is DECIMAL(10,0)', 'ALTER TABLE users MODIFY amount DECIMAL NULL', [
      `count: SELECT COUNT(*) FROM ${U} WHERE \`amount\` < -9999999999 OR \`amount\` > 9999999999`,
      `count: SELECT COUNT(*) FROM ${U} WHERE \`amount\` <> ROUND(\`amount\`, 0)`,
    ]],
    ['a DECIMAL with ten places counts the range only', 'ALTER TABLE users MODIFY amount DECIMAL(40,10) NULL', [
      `count: SELECT COUNT(*) FROM ${U} WHERE \`amount\` < -999999999999999999999999999999.9999999999 OR \`amount\` > 999999999999999999999999999999.9999999999`,
    ]],
    ['a DECIMAL with as many places counts the range only', 'ALTER TABLE users MODIFY amount DECIMAL(5,2) NULL', [`count: SELECT COUNT(*) FROM ${U} WHERE \`amount\` < -999.99 OR \`amount\` > 999.99`]],
    ['a DECIMAL with more places counts the range only', 'ALTER TABLE users MODIFY amount DECIMAL(14,3) NULL', [`count: SELECT COUNT(*) FROM ${U} WHERE \`amount\` < -99999999999.999 OR \`amount\` > 99999999999.999`]],
    ['a DECIMAL made a DOUBLE calls for no check', 'ALTER TABLE users MODIFY amount DOUBLE NULL', []],
    // CG501 on CHANGE/MODIFY ... UNIQUE
    ['a column made UNIQUE counts its duplicates', 'ALTER TABLE users MODIFY score INT NULL UNIQUE', [
      `count: SELECT COUNT(*) FROM (SELECT 1 AS one FROM ${U} WHERE \`score\` IS NOT NULL GROUP BY \`score\` HAVING COUNT(*) > 1) AS duplicate_groups`,
    ]],
    ['a column UNIQUE already calls for no check', 'ALTER TABLE users MODIFY nick VARCHAR(20) NOT NULL UNIQUE', []],
    ['a column UNIQUE over a prefix only is counted over its whole value', 'ALTER TABLE users MODIFY slug VARCHAR(40) NULL UNIQUE', [
      `count: SELECT COUNT(*) FROM (SELECT 1 AS one FROM ${U} WHERE \`slug\` IS NOT NULL GROUP BY \`slug\` HAVING COUNT(*) > 1) AS duplicate_groups`,
    ]],
    ['a column UNIQUE only with another is counted alone', 'ALTER TABLE users MODIFY org_id INT NULL UNIQUE', [
      `count: SELECT COUNT(*) FROM (SELECT 1 AS one FROM ${U} WHERE \`org_id\` IS NOT NULL GROUP BY \`org_id\` HAVING COUNT(*) > 1) AS duplicate_groups`,
    ]],
    // CG504
    ['a foreign key counts the non-NULL rows with no parent', 'ALTER TABLE users ADD CONSTRAINT fk_org FOREIGN KEY (org_id, team_id) REFERENCES orgs (id, region)', [
      `count: SELECT COUNT(*) FROM ${U} AS c WHERE c.\`org_id\` IS NOT NULL AND c.\`team_id\` IS NOT NULL AND NOT EXISTS (SELECT 1 FROM \`shop\`.\`orgs\` AS p WHERE p.\`id\` = c.\`org_id\` AND p.\`region\` = c.\`team_id\`)`,
    ]],
    ['a foreign key to a table not read calls for no check', 'ALTER TABLE users ADD FOREIGN KEY (org_id) REFERENCES ghosts (id)', []],
    ['a foreign key whose lists differ in length calls for no check', 'ALTER TABLE users ADD FOREIGN KEY (org_id, team_id) REFERENCES orgs (id)', []],
    ['a foreign key over a column not there calls for no check', 'ALTER TABLE users ADD FOREIGN KEY (ghost) REFERENCES orgs (id)', []],
    ['a foreign key with one column not there calls for no check', 'ALTER TABLE users ADD FOREIGN KEY (org_id, ghost) REFERENCES orgs (id, region)', []],
    ['a foreign key to one column not there calls for no check', 'ALTER TABLE users ADD FOREIGN KEY (org_id, team_id) REFERENCES orgs (id, ghost)', []],
    ['a foreign key over no column calls for no check', 'ALTER TABLE users ADD FOREIGN KEY () REFERENCES orgs ()', []],
    ['a foreign key to a column not there calls for no check', 'ALTER TABLE users ADD FOREIGN KEY (org_id) REFERENCES orgs (ghost)', []],
    // CG505
    ['DROP COLUMN counts its non-NULL values up to the bound', 'ALTER TABLE users DROP COLUMN name', [`count: SELECT COUNT(*) FROM (SELECT 1 AS one FROM ${U} WHERE \`name\` IS NOT NULL LIMIT ${LOSS_BOUND}) AS lost`]],
    ['DROP COLUMN of a column not there calls for no check', 'ALTER TABLE users DROP COLUMN ghost', []],
    ['DROP TABLE counts the rows of each table it has facts of, up to the bound', 'DROP TABLE IF EXISTS users, ghosts, orgs', [
      `count: SELECT COUNT(*) FROM (SELECT 1 AS one FROM ${U} LIMIT 100000) AS lost`,
      'count: SELECT COUNT(*) FROM (SELECT 1 AS one FROM `shop`.`orgs` LIMIT 100000) AS lost',
    ]],
    // CG506
    ['UPDATE is explained as the SELECT of the rows it reaches', 'UPDATE users SET name = NULL WHERE id < 10', ['explain: SELECT 1 FROM users WHERE id < 10']],
    ['DELETE is explained as the SELECT of the rows it reaches', 'DELETE FROM users WHERE id < 10 LIMIT 5', ['explain: SELECT 1 FROM users WHERE id < 10']],
    ['an UPDATE of a table not read calls for no check', 'UPDATE ghosts SET a = 1', []],
    ['an UPDATE whose shape is not recognised calls for no check', 'UPDATE users', []],
    // Nothing to read.
    ['an ALTER of a table not read calls for no check', 'ALTER TABLE ghosts MODIFY a INT NOT NULL', []],
    ['CREATE TABLE calls for no check', 'CREATE TABLE fresh (id INT PRIMARY KEY)', []],
    ['RENAME TABLE calls for no check', 'RENAME TABLE users TO people', []],
    ['DROP INDEX calls for no check', 'DROP INDEX uq_nick ON users', []],
  ];
  for (const [name, sql, sent] of CASES) {
    it(name, () => assert.deepEqual(sentBy(sql), sent, sql));
  }

  it('TRUNCATE counts the rows up to the bound it is given', () => {
    assert.deepEqual(sentBy('TRUNCATE TABLE users', { lossBound: 500 }), [`count: SELECT COUNT(*) FROM (SELECT 1 AS one FROM ${U} LIMIT 500) AS lost`]);
  });

  it('finds a table whose facts are keyed in another case, and prefers the exact key', () => {
    const upper = table('Shop', 'USERS', [col('id', 'int', false), col('Email', 'varchar(100)', true, 100)]);
    assert.deepEqual(sentBy('ALTER TABLE users ADD UNIQUE (email)', { facts: new Map([['Shop.USERS', upper]]) }),
      ['count: SELECT COUNT(*) FROM (SELECT 1 AS one FROM `Shop`.`USERS` WHERE `email` IS NOT NULL GROUP BY `email` HAVING COUNT(*) > 1) AS duplicate_groups']);
    // The model holds both spellings after a rename: the statement's own wins.
    assert.deepEqual(sentBy('ALTER TABLE users DROP COLUMN id', { facts: new Map([['shop.users', USERS], ['Shop.USERS', upper]]) }),
      [`count: SELECT COUNT(*) FROM (SELECT 1 AS one FROM ${U} WHERE \`id\` IS NOT NULL LIMIT 100000) AS lost`]);
  });

  it('quotes names that hold a backtick, so the query cannot end a name early', () => {
    const odd = table('sh`op', 'us`ers', [col('na`me', 'varchar(50)', true, 50)]);
    assert.deepEqual(sentBy('ALTER TABLE `sh``op`.`us``ers` MODIFY `na``me` VARCHAR(50) NOT NULL', { facts: new Map([['sh`op.us`ers', odd]]) }),
      ['count: SELECT COUNT(*) FROM `sh``op`.`us``ers` WHERE `na``me` IS NULL']);
  });
});

describe('pre-checks: what each count means', () => {
  const S = 'shop.users';
  // [statement, count, [code, outcome, message, count] of each check]
  const CASES: Array<[string, number, Array<[string, string, string, number | null]>, number?]> = [
    // CG501 over existing columns
    ['ALTER TABLE users ADD UNIQUE INDEX uq_email (email)', 0, [['CG501', 'pass', `${S}: no duplicate values in (email)`, 0]]],
    ['ALTER TABLE users ADD UNIQUE INDEX uq_email (email)', 1, [['CG501', 'fail',
      `${S}: 1 value of (email) occurs more than once, so UNIQUE index uq_email fails with a duplicate-key error, after the server has scanned the table; remove or merge the duplicates first (SELECT email, COUNT(*) FROM ${S} GROUP BY email HAVING COUNT(*) > 1)`, 1]]],
    ['CREATE UNIQUE INDEX uq ON users (email(10), (lower(name)))', 1234, [['CG501', 'fail',
      `${S}: 1,234 values of (email(10), (lower(name))) occur more than once, so UNIQUE index uq fails with a duplicate-key error, after the server has scanned the table; remove or merge the duplicates first (SELECT email(10), (lower(name)), COUNT(*) FROM ${S} GROUP BY email(10), (lower(name)) HAVING COUNT(*) > 1)`, 1234]]],
    ['ALTER TABLE users ADD UNIQUE (org_id, score)', 2, [['CG501', 'fail',
      `${S}: 2 values of (org_id, score) occur more than once, so UNIQUE index on (org_id, score) fails with a duplicate-key error, after the server has scanned the table; remove or merge the duplicates first (SELECT org_id, score, COUNT(*) FROM ${S} GROUP BY org_id, score HAVING COUNT(*) > 1)`, 2]]],
    ['ALTER TABLE users ADD PRIMARY KEY (nick)', 3, [['CG501', 'fail',
      `${S}: 3 values of (nick) occur more than once, so the PRIMARY KEY fails with a duplicate-key error, after the server has scanned the table; remove or merge the duplicates first (SELECT nick, COUNT(*) FROM ${S} GROUP BY nick HAVING COUNT(*) > 1)`, 3]]],
    ['ALTER TABLE users MODIFY score INT NULL UNIQUE', 2, [['CG501', 'fail',
      `${S}: 2 values of (score) occur more than once, so UNIQUE on score fails with a duplicate-key error, after the server has scanned the table; remove or merge the duplicates first (SELECT score, COUNT(*) FROM ${S} GROUP BY score HAVING COUNT(*) > 1)`, 2]]],
    // CG501 over added columns: two rows are enough
    ["ALTER TABLE users ADD COLUMN k VARCHAR(5) NOT NULL DEFAULT 'it''s' UNIQUE", 0, [['CG501', 'pass', `${S} holds no row: the new (k) cannot repeat a value yet`, 0]]],
    ["ALTER TABLE users ADD COLUMN k VARCHAR(5) NOT NULL DEFAULT 'it''s' UNIQUE", 1, [['CG501', 'pass', `${S} holds one row: the new (k) cannot repeat a value yet`, 1]]],
    ["ALTER TABLE users ADD COLUMN k VARCHAR(5) NOT NULL DEFAULT 'v1' UNIQUE", 2, [['CG501', 'fail', sameValue('k', "its DEFAULT 'v1'", 'UNIQUE on k'), 2]]],
    ["ALTER TABLE users ADD COLUMN k BIT(3) NOT NULL DEFAULT b'101' UNIQUE", 2, [['CG501', 'fail', sameValue('k', "its DEFAULT b'101'", 'UNIQUE on k'), 2]]],
    ["ALTER TABLE users ADD COLUMN k VARCHAR(5) NOT NULL DEFAULT 'it''s' UNIQUE", 2, [['CG501', 'fail', sameValue('k', "its DEFAULT 'it''s'", 'UNIQUE on k'), 2]]],
    ['ALTER TABLE users ADD COLUMN k INT PRIMARY KEY', 2, [['CG501', 'fail', sameValue('k', "the type's implicit default, as it is NOT NULL without a DEFAULT", 'the PRIMARY KEY'), 2]]],
    ['ALTER TABLE users ADD COLUMN k INT NOT NULL DEFAULT -1, ADD COLUMN j BINARY(1) NOT NULL DEFAULT X\'0A\', ADD PRIMARY KEY (k, j)', 2, [['CG501', 'fail',
      sameValue('k, j', "k: its DEFAULT -1; j: its DEFAULT X'0A'", 'the PRIMARY KEY'), 2]]],
    ['ALTER TABLE users ADD COLUMN k DATETIME NOT NULL DEFAULT NOW(), ADD UNIQUE INDEX uq_k (k)', 2, [['CG501', 'fail', sameValue('k', 'the time of the ALTER, its DEFAULT', 'UNIQUE index uq_k'), 2]]],
    // CG502
    ['ALTER TABLE users MODIFY name VARCHAR(50) NOT NULL', 0, [['CG502', 'pass', `${S}.name holds no NULL`, 0]]],
    ['ALTER TABLE users MODIFY name VARCHAR(50) NOT NULL', 1, [['CG502', 'fail', nullsFail('name', '1 row holds', 'MODIFY to NOT NULL'), 1]]],
    ['ALTER TABLE users CHANGE name name VARCHAR(50) NOT NULL', 4321, [['CG502', 'fail', nullsFail('name', '4,321 rows hold', 'CHANGE to NOT NULL'), 4321]]],
    ['ALTER TABLE users CHANGE email email VARCHAR(100) NOT NULL PRIMARY KEY', 5, [['CG502', 'fail', nullsFail('email', '5 rows hold', 'making it the PRIMARY KEY'), 5]]],
    ['ALTER TABLE users ADD PRIMARY KEY (name, id)', 2, [
      ['CG502', 'fail', nullsFail('name', '2 rows hold', 'adding the PRIMARY KEY'), 2],
      ['CG501', 'fail', `${S}: 2 values of (name, id) occur more than once, so the PRIMARY KEY fails with a duplicate-key error, after the server has scanned the table; remove or merge the duplicates first (SELECT name, id, COUNT(*) FROM ${S} GROUP BY name, id HAVING COUNT(*) > 1)`, 2],
    ]],
    // CG503
    ['ALTER TABLE users MODIFY name VARCHAR(30) NULL', 0, [['CG503', 'pass', `${S}.name: every value fits varchar(30)`, 0]]],
    ['ALTER TABLE users MODIFY name VARCHAR(30) NULL', 1, [['CG503', 'fail', narrowFail('name', '1 value is longer than 30 characters', 'varchar(30)'), 1]]],
    ['ALTER TABLE users MODIFY name VARCHAR(30) NULL', 1500, [['CG503', 'fail', narrowFail('name', '1,500 values are longer than 30 characters', 'varchar(30)'), 1500]]],
    ["ALTER TABLE users MODIFY state ENUM('new','open') NULL", 0, [['CG503', 'pass', `${S}.state: every value fits enum('new','open')`, 0]]],
    ["ALTER TABLE users MODIFY state ENUM('new','open') NULL", 1, [['CG503', 'fail', narrowFail('state', "1 value is not in its list", "enum('new','open')"), 1]]],
    ["ALTER TABLE users MODIFY state ENUM('new','open') NULL", 7, [['CG503', 'fail', narrowFail('state', '7 values are not in its list', "enum('new','open')"), 7]]],
    ['ALTER TABLE users MODIFY score SMALLINT NULL', 0, [['CG503', 'pass', `${S}.score: every value fits smallint`, 0]]],
    ['ALTER TABLE users MODIFY score SMALLINT NULL', 1, [['CG503', 'fail', narrowFail('score', '1 value lies outside -32768 to 32767', 'smallint'), 1]]],
    ['ALTER TABLE users MODIFY score SMALLINT NULL', 2673, [['CG503', 'fail', narrowFail('score', '2,673 values lie outside -32768 to 32767', 'smallint'), 2673]]],
    ['ALTER TABLE users MODIFY amount DECIMAL(10,1) NULL', 0, [
      ['CG503', 'pass', `${S}.amount: every value fits decimal(10,1)`, 0],
      ['CG503', 'pass', `${S}.amount: no value has more than 1 decimal place`, 0],
    ]],
    ['ALTER TABLE users MODIFY amount DECIMAL(10,1) NULL', 1, [
      ['CG503', 'fail', narrowFail('amount', '1 value lies outside -999999999.9 to 999999999.9', 'decimal(10,1)'), 1],
      ['CG503', 'warn', `${S}.amount: 1 value has more than 1 decimal place, so changing it to decimal(10,1) rounds it (the server does so without an error, in strict mode too); keep the scale, or copy the exact values aside in an earlier change`, 1],
    ]],
    ['ALTER TABLE users MODIFY amount BIGINT NULL', 3000, [
      ['CG503', 'fail', narrowFail('amount', '3,000 values lie outside -9223372036854775808 to 9223372036854775807', 'bigint'), 3000],
      ['CG503', 'warn', `${S}.amount: 3,000 values have more than 0 decimal places, so changing it to bigint rounds them (the server does so without an error, in strict mode too); keep the scale, or copy the exact values aside in an earlier change`, 3000],
    ]],
    // CG504
    ['ALTER TABLE users ADD CONSTRAINT fk_org FOREIGN KEY (org_id) REFERENCES orgs (id)', 0, [['CG504', 'pass', `${S}: every (org_id) has its row in shop.orgs`, 0]]],
    ['ALTER TABLE users ADD CONSTRAINT fk_org FOREIGN KEY (org_id) REFERENCES orgs (id)', 1, [['CG504', 'fail',
      `${S}: 1 row has (org_id) with no match in shop.orgs (id), so adding foreign key fk_org fails while foreign_key_checks is on; delete or fix those rows first (or point them at existing shop.orgs rows)`, 1]]],
    ['ALTER TABLE users ADD FOREIGN KEY (org_id, team_id) REFERENCES shop.orgs (id, region)', 856, [['CG504', 'fail',
      `${S}: 856 rows have (org_id, team_id) with no match in shop.orgs (id, region), so adding the foreign key on (org_id, team_id) fails while foreign_key_checks is on; delete or fix those rows first (or point them at existing shop.orgs rows)`, 856]]],
    // CG505
    ['DROP TABLE users', 0, [['CG505', 'pass', `${S} is empty: DROP TABLE loses no rows`, 0]]],
    ['DROP TABLE users', 1, [['CG505', 'warn', `${S}: DROP TABLE deletes 1 row for good; make sure a snapshot or backup holds them (snapshot: destructive) or copy them aside in an earlier change`, 1]]],
    ['DROP TABLE users', 99_999, [['CG505', 'warn', `${S}: DROP TABLE deletes 99,999 rows for good; make sure a snapshot or backup holds them (snapshot: destructive) or copy them aside in an earlier change`, 99_999]]],
    ['DROP TABLE users', 100_000, [['CG505', 'warn', `${S}: DROP TABLE deletes at least 100,000 rows for good; make sure a snapshot or backup holds them (snapshot: destructive) or copy them aside in an earlier change`, 100_000]]],
    ['TRUNCATE users', 0, [['CG505', 'pass', `${S} is empty: TRUNCATE TABLE loses no rows`, 0]]],
    ['TRUNCATE users', 20, [['CG505', 'warn', `${S}: TRUNCATE TABLE deletes at least 20 rows for good; make sure a snapshot or backup holds them (snapshot: destructive) or copy them aside in an earlier change`, 20]], 20],
    ['TRUNCATE users', 19, [['CG505', 'warn', `${S}: TRUNCATE TABLE deletes 19 rows for good; make sure a snapshot or backup holds them (snapshot: destructive) or copy them aside in an earlier change`, 19]], 20],
    ['ALTER TABLE users DROP COLUMN name', 0, [['CG505', 'pass', `${S}.name holds only NULL: DROP COLUMN loses no value`, 0]]],
    ['ALTER TABLE users DROP COLUMN name', 1, [['CG505', 'warn', `${S}.name: DROP COLUMN deletes 1 non-NULL value for good; make sure a snapshot or backup holds them, or stop writing the column and drop it in a later change`, 1]]],
    ['ALTER TABLE users DROP COLUMN name', 2970, [['CG505', 'warn', `${S}.name: DROP COLUMN deletes 2,970 non-NULL values for good; make sure a snapshot or backup holds them, or stop writing the column and drop it in a later change`, 2970]]],
    ['ALTER TABLE users DROP COLUMN name', 100_000, [['CG505', 'warn', `${S}.name: DROP COLUMN deletes at least 100,000 non-NULL values for good; make sure a snapshot or backup holds them, or stop writing the column and drop it in a later change`, 100_000]]],
    // CG506
    ['UPDATE users SET name = NULL', 0, [['CG506', 'pass', `${S}: the UPDATE reaches no rows, by EXPLAIN's estimate`, 0]]],
    ['UPDATE users SET name = NULL', 1, [['CG506', 'warn', `${S}: the UPDATE changes about 1 row (EXPLAIN's estimate; it was not run), holding their row locks until it commits; batch it by primary key ranges when that is more than a few thousand`, 1]]],
    ['DELETE FROM users WHERE id > 5', 0, [['CG506', 'pass', `${S}: the DELETE reaches no rows, by EXPLAIN's estimate`, 0]]],
    ['DELETE FROM users WHERE id > 5', 12_345, [['CG506', 'warn', `${S}: the DELETE deletes about 12,345 rows (EXPLAIN's estimate; it was not run), holding their row locks until it commits; batch it by primary key ranges when that is more than a few thousand`, 12_345]]],
  ];
  for (const [sql, count, expected, lossBound] of CASES) {
    it(`${sql} → ${count}`, () => assert.deepEqual(verdicts(sql, count, lossBound ? { lossBound } : {}), expected));
  }

  function sameValue(cols: string, how: string, what: string): string {
    return `${S}: ADD COLUMN ${cols} gives every existing row (at least 2) the same value (${how}), so ${what} fails with a duplicate-key error after the server has copied the table; ` +
      'add the column without the key (NULL by default), fill in distinct values, then add the key in a change of its own';
  }
  function nullsFail(column: string, rows: string, what: string): string {
    return `${S}.${column}: ${rows} NULL, so ${what} fails in strict mode (or silently turns them into the type's zero value outside it); UPDATE ${S} SET ${column} = <value> WHERE ${column} IS NULL first, in its own change`;
  }
  function narrowFail(column: string, what: string, to: string): string {
    return `${S}.${column}: ${what}, so changing it to ${to} fails in strict mode (or cuts them outside it); fix or shorten those rows first, or pick a type that holds them`;
  }
});

describe('pre-checks: which tables and columns a check reads, and what it verifies', () => {
  // A later statement's check is deferred when an earlier one writes a table or column it reads.
  const CASES: Array<[string, Array<Pick<PreCheck, 'code' | 'tables' | 'columns' | 'subject'>>]> = [
    ['CREATE UNIQUE INDEX uq ON users (Email(10), (lower(name)), Mixed)', [
      { code: 'CG501', tables: ['shop.users'], columns: ['shop.users#email', 'shop.users#mixed'], subject: 'duplicates in shop.users (Email(10), (lower(name)), Mixed)' },
    ]],
    ['ALTER TABLE users ADD COLUMN k INT NOT NULL UNIQUE', [
      { code: 'CG501', tables: ['shop.users'], columns: [], subject: 'duplicates in shop.users (k)' },
    ]],
    ['ALTER TABLE users MODIFY Mixed INT NOT NULL', [
      { code: 'CG502', tables: ['shop.users'], columns: ['shop.users#mixed'], subject: 'NULLs in shop.users.Mixed' },
    ]],
    ['ALTER TABLE users MODIFY Mixed TINYINT NULL', [
      { code: 'CG503', tables: ['shop.users'], columns: ['shop.users#mixed'], subject: 'values of shop.users.Mixed against tinyint' },
    ]],
    ['ALTER TABLE users MODIFY amount DECIMAL(10,0) NULL', [
      { code: 'CG503', tables: ['shop.users'], columns: ['shop.users#amount'], subject: 'values of shop.users.amount against decimal(10,0)' },
      { code: 'CG503', tables: ['shop.users'], columns: ['shop.users#amount'], subject: 'values of shop.users.amount with more than 0 decimal places' },
    ]],
    ['ALTER TABLE users ADD FOREIGN KEY (org_id) REFERENCES orgs (id)', [
      { code: 'CG504', tables: ['shop.users', 'shop.orgs'], columns: ['shop.users#org_id', 'shop.orgs#id'], subject: 'rows of shop.users without a match in shop.orgs' },
    ]],
    ['ALTER TABLE users DROP COLUMN Mixed', [
      { code: 'CG505', tables: ['shop.users'], columns: ['shop.users#mixed'], subject: 'the values DROP COLUMN removes from shop.users.Mixed' },
    ]],
    ['TRUNCATE users', [
      { code: 'CG505', tables: ['shop.users'], columns: [], subject: 'the rows TRUNCATE TABLE removes from shop.users' },
    ]],
    ['UPDATE users u JOIN ghosts g ON g.id = u.id JOIN orgs o ON o.id = u.org_id SET u.name = o.id', [
      { code: 'CG506', tables: ['shop.users', 'shop.orgs'], columns: [], subject: 'how many rows the UPDATE on shop.users reaches' },
    ]],
    ['DELETE FROM users', [
      { code: 'CG506', tables: ['shop.users'], columns: [], subject: 'how many rows the DELETE on shop.users reaches' },
    ]],
  ];
  for (const [sql, expected] of CASES) {
    it(sql, () => assert.deepEqual(checksOf(sql).map(({ code, tables, columns, subject }) => ({ code, tables, columns, subject })), expected));
  }

  it('numbers the codes CG501 to CG506 in the order of the risks they watch', () => {
    assert.deepEqual(CHECK_CODES, { duplicates: 'CG501', nulls: 'CG502', narrowing: 'CG503', orphans: 'CG504', dataLoss: 'CG505', rowsTouched: 'CG506' });
  });
});

describe('pre-checks: a check not answered is a warning, never a pass', () => {
  const [check] = checksOf('ALTER TABLE users ADD UNIQUE INDEX uq_email (email)');
  it('a query stopped at its time bound', () => {
    assert.deepEqual(timedOut(check!, 30), {
      code: 'CG501', statement: 3, outcome: 'warn', count: null,
      message: 'could not verify duplicates in shop.users (email) in 30 s; check it by hand before applying, or run it in a quieter hour',
    });
  });
  it('a query the server refused, in the server\'s words', () => {
    assert.deepEqual(notVerified(check!, 'SELECT command denied to user'), {
      code: 'CG501', statement: 3, outcome: 'warn', count: null, message: 'could not verify duplicates in shop.users (email): SELECT command denied to user',
    });
  });
  it('a check an earlier statement makes stale', () => {
    assert.deepEqual(deferred(check!, 'verified at apply time'), {
      code: 'CG501', statement: 3, outcome: 'warn', count: null, message: 'duplicates in shop.users (email): verified at apply time',
    });
  });
});

describe('pre-checks: the edges of the helpers', () => {
  it('numericRange reads wide precisions and scales, and only integer words at the start of the type', () => {
    const CASES: Array<[string, { min: string; max: string } | null]> = [
      ['decimal(12,2)', { min: '-9999999999.99', max: '9999999999.99' }],
      ['decimal(30,12) unsigned', { min: '0', max: '999999999999999999.999999999999' }],
      ['point', null],
      ['text', null],
    ];
    for (const [type, range] of CASES) assert.deepEqual(numericRange(type), range, type);
  });

  it('selectOf keeps an UPDATE\'s WHERE up to a LIMIT, and a DELETE\'s FROM list up to its LIMIT or ORDER', () => {
    const CASES: Array<[string, string | null]> = [
      ['UPDATE t SET a = 1 WHERE b = 2 LIMIT 5', 'SELECT 1 FROM t WHERE b = 2'],
      ['UPDATE IGNORE t SET a = 1', 'SELECT 1 FROM t'],
      ['DELETE FROM t ORDER BY id LIMIT 3', 'SELECT 1 FROM t'],
      ['DELETE FROM t WHERE a IN (SELECT b FROM u LIMIT 1) LIMIT 3', 'SELECT 1 FROM t WHERE a IN (SELECT b FROM u LIMIT 1)'],
      ['DELETE FROM a USING a JOIN b ON a.id = b.id LIMIT 4', 'SELECT 1 FROM a JOIN b ON a.id = b.id'],
      ['DELETE QUICK FROM t WHERE x = 1 ORDER BY id', 'SELECT 1 FROM t WHERE x = 1'],
      ['DELETE FROM t WHERE x = 1;;', 'SELECT 1 FROM t WHERE x = 1'],
      ['SELECT 1 FROM t', null],
    ];
    for (const [sql, select] of CASES) assert.equal(selectOf(sql), select, sql);
  });
});
