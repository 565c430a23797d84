// The plan's impact pass, pure, over facts written here: which statements it judges and bounds by
// max_copy_rows, what each statement writes (so that a later check reading it waits for apply
// time, with the words a user reads), which checks it hands back to run now, and the tables it asks
// the reader for.
import assert from 'node:assert/strict';
import { assessChanges, blocksWrites, COPY_BOUND_CODE, IMPACT_RULES, tablesToRead, type ImpactRules } from '../src/core/impact/assess.js';
import type { PreCheck } from '../src/core/impact/checks.js';
import type { DdlSpec } from '../src/core/impact/ddl.js';
import type { ColumnFacts, Impact, ImpactDecision, TableFacts } from '../src/core/impact/types.js';
import type { PlannedChange } from '../src/core/plan-types.js';
import type { Diagnostic } from '../src/core/types.js';

const server = { flavor: 'mysql' as const, version: '8.0.36' };

function col(name: string, columnType: string, nullable = true): ColumnFacts {
  return { name, columnType, dataType: /^\w+/.exec(columnType)![0], nullable, default: null, extra: '', charset: null, collation: null, maxChars: null, maxBytes: null, position: 1 };
}

function table(schema: string, name: string, rows: number, columns: ColumnFacts[]): TableFacts {
  return {
    schema, name, source: 'live', engine: 'InnoDB', rowFormat: 'dynamic', charset: 'utf8mb4', collation: 'utf8mb4_0900_ai_ci', rows, dataBytes: rows * 100, indexBytes: rows * 10,
    columns,
    indexes: [{ name: 'PRIMARY', primary: true, unique: true, type: 'BTREE', columns: [{ name: columns[0]!.name, prefix: null }], visible: true }],
    foreignKeys: [], totalRowVersions: 0, partitioned: false, hasFulltext: false, hiddenFtsDocId: false,
  };
}

const USERS = table('shop', 'users', 100, [col('id', 'int', false), col('email', 'varchar(100)'), col('name', 'varchar(50)'), col('org_id', 'int')]);
const ORGS = table('shop', 'orgs', 100, [col('id', 'int', false), col('region', 'int')]);
const live = (...tables: TableFacts[]) => new Map(tables.map((t) => [`${t.schema}.${t.name}`, t]));

let ids = 0;
function change(sqls: string[], more: Partial<PlannedChange> = {}): PlannedChange {
  const id = `2026-12-0${++ids % 9 + 1}-c${ids}`;
  return {
    id, title: id, ticket: 'T-1', file: `changes/${id}.yaml`, destructive: false, resumeFrom: 1, diagnostics: [],
    statements: sqls.map((sql, i) => ({ n: i + 1, file: `migrations/${id}/up.sql`, line: 10 * (i + 1), sql })),
    ...more,
  };
}

/** The checks of the change's last statement: `ready` when the pass hands it back to run now, else the message of its deferral. */
function lastChecks(sqls: string[], rules: ImpactRules = IMPACT_RULES): string[] {
  const c = change(sqls);
  const ready = assessChanges({ changes: [c], schema: 'shop', server, live: live(USERS, ORGS), environment: 'qa', rules }).get(c)!;
  const last = sqls.length;
  return [
    ...ready.filter((k) => k.statement === last).map((k) => `ready ${k.code}`),
    ...c.checks!.filter((k) => k.statement === last).map((k) => `${k.code} ${k.outcome}: ${k.message.replace(`${c.id}`, '<id>')}`),
  ];
}

const T2 = table('shop', 't2', 0, [col('id', 'int', false), col('v', 'int')]);
/**
 * Rules that judge every statement alike and a model that keeps each table as it was, except that
 * a CREATE TABLE adds t2: what a statement writes is then seen apart from what the model can follow.
 */
const KEEP: ImpactRules = {
  decide: (): ImpactDecision => ({ algorithm: 'inplace', lock: 'none', rebuild: false, reason: 'in place' }),
  seconds: () => null,
  evolve: (model: Map<string, TableFacts>, spec: DdlSpec) => {
    if (spec.kind === 'create-table') model.set('shop.t2', T2);
  },
};

const REGION = 'ALTER TABLE orgs MODIFY region INT NOT NULL';
const since = (n: number, what: string) => `CG502 warn: NULLs in shop.orgs.region: cannot be verified before <id> starts, since its statement ${n} changes ${what} first; verify it by hand, or move the statement into a change of its own`;

describe('impact pass: what a statement writes, as the later checks see it', () => {
  const CASES: Array<[string, string[], string[], ImpactRules?]> = [
    ['an ADD COLUMN writes only its column', ['ALTER TABLE orgs ADD COLUMN note INT NULL', REGION], ['ready CG502']],
    ['an ADD INDEX writes nothing a check reads', ['ALTER TABLE orgs ADD INDEX ix (region)', REGION], ['ready CG502']],
    ['table options write nothing a check reads', ['ALTER TABLE orgs COMMENT = \'x\'', REGION], ['ready CG502']],
    ['CREATE INDEX writes nothing a check reads', ['CREATE INDEX ix ON orgs (region)', REGION], ['ready CG502']],
    ['DROP INDEX writes nothing a check reads', ['DROP INDEX ix ON orgs', REGION], ['ready CG502']],
    ['OPTIMIZE TABLE writes nothing a check reads', ['OPTIMIZE TABLE orgs', REGION], ['ready CG502']],
    ['a SELECT writes nothing', ['SELECT COUNT(*) FROM orgs', REGION], ['ready CG502']],
    ['SET writes nothing', ['SET @a = 1', REGION], ['ready CG502']],
    ['a MODIFY writes its column', ['ALTER TABLE orgs MODIFY region INT NULL', REGION], [since(1, 'shop.orgs.region')]],
    ['a DROP COLUMN writes its column', ['ALTER TABLE orgs DROP COLUMN region', 'ALTER TABLE orgs ADD COLUMN region INT NULL', REGION], [since(1, 'shop.orgs.region')]],
    ['a CHANGE writes the column it renames', ['ALTER TABLE orgs CHANGE region old_region INT NULL', 'ALTER TABLE orgs ADD COLUMN region INT NULL', REGION], [since(1, 'shop.orgs.region')]],
    ['a CHANGE writes the column it names', ['ALTER TABLE orgs CHANGE id region INT NULL', REGION], [since(1, 'shop.orgs.region')]],
    ['a RENAME COLUMN writes the column it renames', ['ALTER TABLE orgs RENAME COLUMN region TO old_region', 'ALTER TABLE orgs ADD COLUMN region INT NULL', REGION], [since(1, 'shop.orgs.region')]],
    ['a RENAME COLUMN writes the column it names', ['ALTER TABLE orgs RENAME COLUMN region TO r2', 'ALTER TABLE orgs MODIFY r2 INT NOT NULL'],
      ['CG502 warn: NULLs in shop.orgs.r2: cannot be verified before <id> starts, since its statement 1 changes shop.orgs.r2 first; verify it by hand, or move the statement into a change of its own']],
    ['names are compared in lower case', ['ALTER TABLE Shop.ORGS MODIFY REGION INT NULL', REGION],
      ['CG502 warn: NULLs in shop.orgs.REGION: cannot be verified before <id> starts, since its statement 1 changes shop.orgs.region first; verify it by hand, or move the statement into a change of its own']],
    ['CONVERT TO CHARACTER SET writes the table', ['ALTER TABLE orgs CONVERT TO CHARACTER SET utf8mb4', REGION], [since(1, 'shop.orgs')]],
    // The model gives up on the table after these two: seen with a model that keeps it.
    ['PARTITION BY writes the table', ['ALTER TABLE orgs PARTITION BY HASH(id) PARTITIONS 2', REGION], [since(1, 'shop.orgs')], KEEP],
    ['a clause the parser does not know writes the table', ['ALTER TABLE orgs FROBNICATE', REGION], [since(1, 'shop.orgs')], KEEP],
    ['ALTER TABLE ... RENAME TO writes the new name', ['ALTER TABLE users RENAME TO orgs_old', 'ALTER TABLE orgs RENAME TO users', 'ALTER TABLE users MODIFY region INT NOT NULL'],
      ['CG502 warn: NULLs in shop.users.region: cannot be verified before <id> starts, since its statement 1 changes shop.users first; verify it by hand, or move the statement into a change of its own']],
    ['ALTER TABLE ... RENAME TO writes the name it gives', ['ALTER TABLE orgs RENAME TO teams', 'ALTER TABLE teams MODIFY region INT NOT NULL'],
      ['CG502 warn: NULLs in shop.teams.region: cannot be verified before <id> starts, since its statement 1 changes shop.teams first; verify it by hand, or move the statement into a change of its own']],
    ['RENAME TABLE writes the new name', ['RENAME TABLE orgs TO teams', 'ALTER TABLE teams MODIFY region INT NOT NULL'],
      ['CG502 warn: NULLs in shop.teams.region: cannot be verified before <id> starts, since its statement 1 changes shop.teams first; verify it by hand, or move the statement into a change of its own']],
    ['TRUNCATE writes the table', ['TRUNCATE orgs', REGION], [since(1, 'shop.orgs')]],
    ['UPDATE writes its table', ['UPDATE orgs SET region = 1 WHERE id = 2', REGION], [since(1, 'shop.orgs')]],
    ['DELETE writes its table', ['DELETE FROM orgs WHERE id = 2', REGION], [since(1, 'shop.orgs')]],
    ['INSERT writes its table', ['INSERT INTO Shop.Orgs (id) VALUES (7)', REGION], [since(1, 'shop.orgs')]],
    ['REPLACE writes its table', ['REPLACE INTO orgs (id) VALUES (7)', REGION], [since(1, 'shop.orgs')]],
    ['an INSERT into another table writes only that one', ['INSERT INTO users (id) VALUES (7)', REGION], ['ready CG502']],
    ['an INSERT whose table cannot be told writes anything', ['INSERT INTO @x VALUES (1)', REGION], [since(1, 'shop.orgs')]],
    ['CALL writes anything', ['CALL refresh()', REGION], [since(1, 'shop.orgs')]],
    ['EXECUTE writes anything', ['EXECUTE stmt', REGION], [since(1, 'shop.orgs')]],
    ['LOAD DATA writes anything', ["LOAD DATA INFILE 'f.csv' INTO TABLE users", REGION], [since(1, 'shop.orgs')]],
    ['HANDLER writes anything', ['HANDLER users OPEN', REGION], [since(1, 'shop.orgs')]],
    ['IMPORT TABLE writes anything', ["IMPORT TABLE FROM 'users.sdi'", REGION], [since(1, 'shop.orgs')]],
    ['the first writer of a change is the one named', ['UPDATE orgs SET region = 1', 'UPDATE orgs SET region = 2', REGION], [since(1, 'shop.orgs')]],
  ];
  for (const [name, sqls, expected, rules] of CASES) {
    it(name, () => assert.deepEqual(lastChecks(sqls, rules), expected, sqls.join('; ')));
  }

  const values = (n: number) => Array.from({ length: n }, (_, i) => `(${i + 10}, ${i})`).join(', ');
  const LONG: Array<[string, string, string[]]> = [
    ['a long INSERT is read from its head', `INSERT INTO orgs (id, region) VALUES ${values(60)}`, [since(1, 'shop.orgs')]],
    ['a long INSERT into another table is read from its head', `INSERT INTO users (id, org_id) VALUES ${values(60)}`, ['ready CG502']],
    ['a long INSERT whose head ends in its table name is read whole', `/* ${'x'.repeat(382)} */ INSERT INTO users VALUES ${values(60)}`, ['ready CG502']],
    // `INSERT LOW_PRIORITY IGNORE INTO shop.or|gs`: seven tokens from the verb, the last one cut short.
    ['a long INSERT whose head cuts its table name short is read whole', `/* ${'x'.repeat(354)} */ INSERT LOW_PRIORITY IGNORE INTO shop.orgs VALUES ${values(60)}`, [since(1, 'shop.orgs')]],
    ['a long INSERT behind a long comment is read whole', `/* ${'x'.repeat(420)} */ INSERT INTO users VALUES ${values(60)}`, ['ready CG502']],
  ];
  for (const [name, insert, expected] of LONG) {
    it(name, () => {
      assert.ok(insert.length > 400);
      assert.deepEqual(lastChecks([insert, REGION]), expected);
    });
  }
});

describe('impact pass: tables the plan creates', () => {
  const CASES: Array<[string, string[], string[]]> = [
    ['a table the plan creates holds no row to check', ['CREATE TABLE t2 (id INT PRIMARY KEY, v INT NULL)', 'ALTER TABLE t2 MODIFY v INT NOT NULL'], []],
    ['an INSERT fills it', ['CREATE TABLE t2 (id INT PRIMARY KEY, v INT NULL)', 'INSERT INTO t2 VALUES (1, NULL)', 'ALTER TABLE t2 MODIFY v INT NOT NULL'],
      ['CG502 warn: NULLs in shop.t2.v: cannot be verified before <id> starts, since its statement 1 changes shop.t2 first; verify it by hand, or move the statement into a change of its own']],
    ['an UPDATE may fill it', ['CREATE TABLE t2 (id INT PRIMARY KEY, v INT NULL)', 'UPDATE t2 SET v = 1', 'ALTER TABLE t2 MODIFY v INT NOT NULL'],
      ['CG502 warn: NULLs in shop.t2.v: cannot be verified before <id> starts, since its statement 1 changes shop.t2 first; verify it by hand, or move the statement into a change of its own']],
    ['TRUNCATE leaves it empty', ['CREATE TABLE t2 (id INT PRIMARY KEY, v INT NULL)', 'TRUNCATE t2', 'ALTER TABLE t2 MODIFY v INT NOT NULL'], []],
    ['an INSERT into another table leaves it empty', ['CREATE TABLE t2 (id INT PRIMARY KEY, v INT NULL)', 'INSERT INTO users (id) VALUES (1)', 'ALTER TABLE t2 MODIFY v INT NOT NULL'], []],
    ['a DELETE counts as a write to it', ['CREATE TABLE t2 (id INT PRIMARY KEY, v INT NULL)', 'DELETE FROM t2', 'ALTER TABLE t2 MODIFY v INT NOT NULL'],
      ['CG502 warn: NULLs in shop.t2.v: cannot be verified before <id> starts, since its statement 1 changes shop.t2 first; verify it by hand, or move the statement into a change of its own']],
    ['a CALL may fill it', ['CREATE TABLE t2 (id INT PRIMARY KEY, v INT NULL)', 'CALL fill()', 'ALTER TABLE t2 MODIFY v INT NOT NULL'],
      ['CG502 warn: NULLs in shop.t2.v: cannot be verified before <id> starts, since its statement 1 changes shop.t2 first; verify it by hand, or move the statement into a change of its own']],
    ['a live table renamed onto its name holds rows', ['CREATE TABLE t2 (id INT PRIMARY KEY, v INT NULL)', 'RENAME TABLE t2 TO t3, orgs TO t2', 'ALTER TABLE t2 MODIFY region INT NOT NULL'],
      ['CG502 warn: NULLs in shop.t2.region: cannot be verified before <id> starts, since its statement 1 changes shop.t2 first; verify it by hand, or move the statement into a change of its own']],
    ['a foreign key to it reads a live table too', ['CREATE TABLE t2 (id INT PRIMARY KEY)', 'ALTER TABLE users ADD FOREIGN KEY (org_id) REFERENCES t2 (id)'],
      ['CG504 warn: rows of shop.users without a match in shop.t2: cannot be verified before <id> starts, since its statement 1 changes shop.t2 first; verify it by hand, or move the statement into a change of its own']],
  ];
  for (const [name, sqls, expected] of CASES) {
    it(name, () => assert.deepEqual(lastChecks(sqls), expected, sqls.join('; ')));
  }

  it('a table created from a query holds rows (seen with a model that follows the query)', () => {
    assert.deepEqual(lastChecks(['CREATE TABLE t2 AS SELECT id, region AS v FROM orgs', 'ALTER TABLE t2 MODIFY v INT NOT NULL'], KEEP),
      ['CG502 warn: NULLs in shop.t2.v: cannot be verified before <id> starts, since its statement 1 changes shop.t2 first; verify it by hand, or move the statement into a change of its own']);
    assert.deepEqual(lastChecks(['CREATE TABLE t2 (id INT PRIMARY KEY, v INT NULL)', 'ALTER TABLE t2 MODIFY v INT NOT NULL'], KEEP), []);
  });
});

describe('impact pass: which statements it judges', () => {
  /** Rules that say the same for every statement and record which statements move the model. */
  function recording(decision: Omit<ImpactDecision, 'reason'>) {
    const evolved: string[] = [];
    const rules: ImpactRules = {
      decide: (spec) => ({ ...decision, reason: `${decision.algorithm ?? 'unknown'} for ${spec.kind}` }),
      seconds: (facts) => (facts ? facts.rows / 10 : null),
      evolve: (_model, spec) => void evolved.push(spec.kind),
    };
    return { rules, evolved };
  }
  const COPY = { algorithm: 'copy' as const, lock: 'shared' as const, rebuild: true };
  const impact = (table: string, more: Partial<Impact>): Impact => ({ table, rows: 100, bytes: 11_000, algorithm: 'copy', lock: 'shared', rebuild: true, seconds: 10, ...more });

  it('gives each schema change an impact from its live table, DML and the rest none, and moves the model past the schema changes only', () => {
    const { rules, evolved } = recording(COPY);
    const c = change([
      'ALTER TABLE users ADD COLUMN x INT NULL',
      'CREATE INDEX ix ON Shop.USERS (email)',
      'DROP INDEX ix ON users',
      'OPTIMIZE TABLE users',
      'CREATE TABLE fresh (id INT PRIMARY KEY)',
      'CREATE TABLE IF NOT EXISTS orgs (id INT PRIMARY KEY)',
      'CREATE TABLE copied AS SELECT * FROM orgs',
      'RENAME TABLE orgs TO teams',
      'TRUNCATE users',
      'DROP TABLE users',
      'UPDATE users SET name = NULL',
      'DELETE FROM users',
      'INSERT INTO users (id) VALUES (1)',
      '-- nothing but a comment',
      'ALTER TABLE ghosts ADD COLUMN x INT NULL',
    ]);
    assessChanges({ changes: [c], schema: 'shop', server, live: live(USERS, ORGS), environment: 'qa', rules });
    const users = impact('shop.users', {});
    assert.deepEqual(c.statements.map((s) => s.impact), [
      users, { ...users, table: 'Shop.USERS' }, users, users,
      impact('shop.fresh', { rows: 0, bytes: 0, seconds: null }),
      impact('shop.orgs', {}),
      impact('shop.copied', { rows: null, bytes: null, seconds: null }),
      impact('shop.orgs', {}), users, users,
      null, null, null, null,
      impact('shop.ghosts', { rows: null, bytes: null, seconds: null }),
    ]);
    assert.deepEqual(c.statements.map((s) => s.reason), [
      ...['alter-table', 'create-index', 'drop-index', 'optimize-table', 'create-table', 'create-table', 'create-table', 'rename-table', 'truncate', 'drop-table'].map((k) => `copy for ${k}`),
      undefined, undefined, undefined, undefined, 'copy for alter-table',
    ]);
    assert.deepEqual(evolved, ['alter-table', 'create-index', 'drop-index', 'optimize-table', 'create-table', 'create-table', 'create-table', 'rename-table', 'truncate', 'drop-table', 'alter-table']);
  });

  it('judges from where a change resumes', () => {
    const c = change(['ALTER TABLE users ADD COLUMN x INT NULL', 'ALTER TABLE users ADD COLUMN y INT NULL'], { resumeFrom: 2 });
    assessChanges({ changes: [c], schema: 'shop', server, live: live(USERS), environment: 'qa', rules: recording(COPY).rules });
    assert.deepEqual(c.statements.map((s) => s.impact), [undefined, impact('shop.users', {})]);
  });

  it('reads a statement it has not met before', () => {
    // The pass keeps each text's parse: a text new to it must still be parsed.
    const column = `c${process.hrtime.bigint()}`;
    const c = change([`ALTER TABLE users ADD COLUMN ${column} INT NULL`]);
    assessChanges({ changes: [c], schema: 'shop', server, live: live(USERS), environment: 'qa', rules: recording(COPY).rules });
    assert.deepEqual(c.statements[0]!.impact, impact('shop.users', {}));
  });

  it('finds a table keyed in another case, and prefers the exact key', () => {
    const upper = { ...USERS, schema: 'Shop', name: 'USERS', rows: 7, dataBytes: 0, indexBytes: 70 };
    const c = change(['ALTER TABLE users ADD COLUMN x INT NULL', 'ALTER TABLE SHOP.users ADD COLUMN y INT NULL']);
    assessChanges({ changes: [c], schema: 'shop', server, live: new Map([['shop.users', USERS], ['Shop.USERS', upper]]), environment: 'qa', rules: recording(COPY).rules });
    assert.deepEqual(c.statements.map((s) => s.impact), [impact('shop.users', {}), impact('SHOP.users', { rows: 7, bytes: 70, seconds: 0.7 })]);
  });

  it('drops the no-ALGORITHM notice where the impact of a live table answers it, and keeps every other finding', () => {
    const d = (code: string, line: number): Diagnostic => ({ code, severity: 'notice', file: '', line, column: 1, message: `${code} at ${line}`, destructive: false });
    const c = change(['ALTER TABLE users ADD COLUMN x INT NULL', 'ALTER TABLE ghosts ADD COLUMN x INT NULL', 'UPDATE users SET x = 1']);
    c.diagnostics = [d('CG301', 10), d('CG201', 10), d('CG301', 20), d('CG301', 30), { ...d('CG301', 10), file: 'other.sql' }].map((x) => ({ ...x, file: x.file || c.statements[0]!.file }));
    assessChanges({ changes: [c], schema: 'shop', server, live: live(USERS), environment: 'qa' });
    assert.deepEqual(c.diagnostics.map((x) => `${x.file === 'other.sql' ? 'other ' : ''}${x.code} ${x.line}`), ['CG201 10', 'CG301 20', 'CG301 30', 'other CG301 10']);
  });

  describe('max_copy_rows', () => {
    const BIG = { ...USERS, rows: 1_234_567 };
    const copyFail = (how: string, n = 1) => `shop.users: statement ${n} ${how} and blocks writes for as long as that runs, on about 1,234,567 rows, over max_copy_rows (1,000,000) of prod; ` +
      'use a form that runs INSTANT or INPLACE if one exists (one ALTER per clause, ALGORITHM stated), an expand/contract sequence (add the new shape, backfill in batches, switch readers, drop the old), ' +
      'or set online_schema_change on prod to run it through pt-online-schema-change';
    const CASES: Array<[string, string, Omit<ImpactDecision, 'reason'>, number | undefined, string[]]> = [
      ['an ALTER that copies a table over the bound fails', 'ALTER TABLE users ADD COLUMN x INT NULL', COPY, 1_000_000, [copyFail('copies the table')]],
      ['CREATE INDEX that copies fails', 'CREATE INDEX ix ON users (email)', COPY, 1_000_000, [copyFail('copies the table')]],
      ['DROP INDEX that copies fails', 'DROP INDEX ix ON users', COPY, 1_000_000, [copyFail('copies the table')]],
      ['OPTIMIZE TABLE that copies fails', 'OPTIMIZE TABLE users', COPY, 1_000_000, [copyFail('copies the table')]],
      ['an ALTER the rules cannot tell fails too', 'ALTER TABLE users ADD COLUMN x INT NULL', { algorithm: null, lock: null, rebuild: null }, 1_000_000,
        [copyFail('may copy the table (the rules cannot tell how the server runs it)')]],
      ['an ALTER in place passes', 'ALTER TABLE users ADD COLUMN x INT NULL', { algorithm: 'inplace', lock: 'none', rebuild: true }, 1_000_000, []],
      ['a table exactly at the bound passes', 'ALTER TABLE users ADD COLUMN x INT NULL', COPY, 1_234_567, []],
      ['no bound, no check', 'ALTER TABLE users ADD COLUMN x INT NULL', COPY, undefined, []],
      ['DROP TABLE copies nothing', 'DROP TABLE users', COPY, 1_000_000, []],
      ['TRUNCATE copies nothing', 'TRUNCATE users', COPY, 1_000_000, []],
      ['RENAME TABLE copies nothing', 'RENAME TABLE users TO people', COPY, 1_000_000, []],
      ['a table of unknown size is not bounded', 'ALTER TABLE ghosts ADD COLUMN x INT NULL', COPY, 1_000_000, []],
    ];
    for (const [name, sql, decision, maxCopyRows, expected] of CASES) {
      it(name, () => {
        const c = change(['SELECT 1', sql]);
        assessChanges({ changes: [c], schema: 'shop', server, live: live(BIG), environment: 'prod', rules: recording(decision).rules, ...(maxCopyRows === undefined ? {} : { maxCopyRows }) });
        assert.deepEqual(c.checks!.filter((k) => k.code === COPY_BOUND_CODE).map((k) => {
          assert.deepEqual([k.statement, k.outcome, k.count], [2, 'fail', 1_234_567]);
          return k.message;
        }), expected.map((m) => m.replace('statement 1', 'statement 2')));
      });
    }
  });
});

describe('impact pass: a check behind a write of an earlier change', () => {
  it('waits for apply time, naming the earlier change and its first statement that writes the table', () => {
    const a = change(['UPDATE orgs SET region = 1', 'UPDATE orgs SET region = 2']);
    const b = change([REGION]);
    const ready = assessChanges({ changes: [a, b], schema: 'shop', server, live: live(ORGS), environment: 'qa' });
    assert.deepEqual(ready.get(b), []);
    assert.deepEqual(b.checks, [{
      code: 'CG502', statement: 1, outcome: 'warn', count: null,
      message: `NULLs in shop.orgs.region: verified at apply time, right before ${b.id} starts, since ${a.id} (statement 1) changes shop.orgs first`,
    }]);
  });

  it('names its own change\'s statement first, whose write still holds at apply time', () => {
    const a = change(['UPDATE orgs SET region = 1']);
    const b = change(['ALTER TABLE orgs MODIFY region INT NULL', REGION]);
    assessChanges({ changes: [a, b], schema: 'shop', server, live: live(ORGS), environment: 'qa' });
    assert.deepEqual(b.checks!.map((k) => k.message), [
      `NULLs in shop.orgs.region: cannot be verified before ${b.id} starts, since its statement 1 changes shop.orgs.region first; verify it by hand, or move the statement into a change of its own`,
    ]);
  });

  it('a later change that writes the table again is the one named', () => {
    const a = change(['UPDATE orgs SET region = 1']);
    const b = change(['UPDATE orgs SET region = 2']);
    const c = change([REGION]);
    assessChanges({ changes: [a, b, c], schema: 'shop', server, live: live(ORGS), environment: 'qa' });
    assert.deepEqual(c.checks!.map((k) => k.message), [`NULLs in shop.orgs.region: verified at apply time, right before ${c.id} starts, since ${b.id} (statement 1) changes shop.orgs first`]);
  });

  it('hands back to run now the checks no earlier statement touches, per change', () => {
    const a = change(['ALTER TABLE users MODIFY name VARCHAR(50) NOT NULL']);
    const b = change(['UPDATE users SET email = NULL', REGION]);
    const ready = assessChanges({ changes: [a, b], schema: 'shop', server, live: live(USERS, ORGS), environment: 'qa' });
    assert.deepEqual([...ready.entries()].map(([c, k]: [PlannedChange, PreCheck[]]) => [c.id, k.map((x) => `${x.code} ${x.statement} ${x.subject}`)]), [
      [a.id, ['CG502 1 NULLs in shop.users.name']],
      [b.id, ['CG506 1 how many rows the UPDATE on shop.users reaches', 'CG502 2 NULLs in shop.orgs.region']],
    ]);
    assert.deepEqual([a.checks, b.checks], [[], []]);
  });
});

describe('impact pass: the tables it reads', () => {
  it('names each target and each new foreign key\'s parent once, in the default schema unless qualified, from where each change resumes', () => {
    const a = change(['ALTER TABLE old ADD COLUMN x INT', 'ALTER TABLE users ADD COLUMN x INT, ADD FOREIGN KEY (org_id) REFERENCES crm.orgs (id), ADD FOREIGN KEY (x) REFERENCES teams (id)'], { resumeFrom: 2 });
    const b = change(['UPDATE users u JOIN billing.invoices i ON i.user_id = u.id SET u.name = NULL', 'DROP TABLE Users, t3', '-- only a comment', 'SELECT 1']);
    assert.deepEqual(tablesToRead([a, b], 'shop'), [
      { schema: 'shop', name: 'users' },
      { schema: 'crm', name: 'orgs' },
      { schema: 'shop', name: 'teams' },
      { schema: 'billing', name: 'invoices' },
      { schema: 'shop', name: 'Users' },
      { schema: 'shop', name: 't3' },
    ]);
  });
});

describe('impact pass: which impacts block writes', () => {
  const CASES: Array<[Impact['algorithm'], Impact['lock'], boolean]> = [
    ['instant', 'none', false],
    ['inplace', 'none', false],
    ['copy', 'none', true],
    ['inplace', 'shared', true],
    ['inplace', 'exclusive', true],
    [null, 'none', true],
    ['inplace', null, true],
  ];
  for (const [algorithm, lock, blocks] of CASES) {
    it(`${algorithm ?? 'unknown'}, lock ${lock ?? 'unknown'}: ${blocks ? 'blocks' : 'does not block'}`, () => {
      assert.equal(blocksWrites({ table: 's.t', rows: 1, bytes: 1, algorithm, lock, rebuild: false, seconds: 0 }), blocks);
    });
  }
});
