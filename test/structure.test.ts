// The one structural parse of a statement, as a table of statements and what they act on, with the
// cases the earlier parsers (lint, impact, backup) read differently; and its readers agreeing on them.
import { strict as assert } from 'node:assert';
import { statementTargets, touchedNames } from '../src/core/backup/targets.js';
import { parseDdl, tablesOf } from '../src/core/impact/ddl.js';
import { lintStatements } from '../src/core/lint/index.js';
import { lifecycleView, newestFirst, touchedObjects } from '../src/core/provisional.js';
import { codeTokens } from '../src/core/sql/lexer.js';
import { structureOf, structureOfSql, type Structure, type TableRef } from '../src/core/sql/structure.js';
import { statementLabel } from '../src/core/statement-digest.js';
import type { Change, EnvironmentConfig, HistoryRecord, Statement } from '../src/core/types.js';

const ref = (r: TableRef) => (r.schema !== null ? `${r.schema}.${r.name}` : r.name);

// One line per structure: kind, object, targets, then what else is set.
function summary(sql: string): string {
  const tokens = codeTokens(sql);
  const s: Structure = structureOf(tokens);
  const parts = [`${s.kind}${s.object ? ` ${s.object}` : ''}: ${s.targets.map(ref).join(', ')}`];
  if (s.on) parts.push(`on ${ref(s.on)}`);
  if (s.like) parts.push(`like ${ref(s.like)}`);
  if (s.renames.length) parts.push(`renames ${s.renames.map((r) => `${ref(r.from)}>${ref(r.to)}`).join(' ')}`);
  if (s.orReplace) parts.push('or-replace');
  if (s.temporary) parts.push('temporary');
  if (s.ifExists) parts.push('if-exists');
  if (s.overwrites >= 0) parts.push(`overwrites at ${tokens[s.overwrites]!.text}`);
  if (s.alter) {
    const text = ([a, e]: [number, number]) => sql.slice(tokens[a]!.start, tokens[e - 1]!.start + tokens[e - 1]!.text.length);
    parts.push(`clauses [${s.alter.clauses.map(text).join(' | ')}]`);
    if (s.alter.exchange.length) parts.push(`exchange ${s.alter.exchange.map(ref).join(', ')}`);
  }
  return parts.join('; ');
}

describe('structure: what a statement acts on', () => {
  const cases: [string, string][] = [
    // Multi-table DELETE names its targets by alias: each is the table behind it (lint said `i`).
    ['DELETE i FROM invoices i JOIN customers c ON c.id = i.customer_id WHERE c.closed = 1', 'delete: invoices'],
    ['DELETE FROM i USING invoices AS i LEFT JOIN customers c ON c.id = i.customer_id WHERE c.id IS NULL', 'delete: invoices'],
    ['DELETE i, l FROM invoices i JOIN invoice_lines l ON l.invoice_id = i.id', 'delete: invoices, invoice_lines'],
    // A target named by its table takes the schema the reference gives it (backup said `a`).
    ['DELETE a FROM s.a JOIN b ON a.id = b.id', 'delete: s.a'],
    ['DELETE x FROM s.a AS x JOIN b ON x.id = b.id', 'delete: s.a'],
    ['DELETE invoices.* FROM invoices LEFT JOIN customers c ON c.id = invoices.customer_id', 'delete: invoices'],
    ['DELETE inv.t.* FROM inv.t JOIN u ON u.id = t.id', 'delete: inv.t'],
    ['DELETE FROM t1, t2 USING t1 JOIN t2 ON t1.id = t2.id', 'delete: t1, t2'],
    ['DELETE LOW_PRIORITY QUICK IGNORE FROM `inv`.`log` PARTITION (p0) WHERE id < 10', 'delete: inv.log'],
    ['DELETE FROM t AS x WHERE x.id = 1', 'delete: t'],
    ['WITH old AS (SELECT id FROM invoices) DELETE FROM invoices WHERE id IN (SELECT id FROM old)', 'delete: invoices'],
    // UPDATE writes every table of its list (SET may assign to any); a WITH name is no table (impact counted `x`).
    ['UPDATE a x JOIN b y ON x.id = y.id SET x.v = y.v', 'update: a, b'],
    ['UPDATE LOW_PRIORITY IGNORE a, s.b AS bb SET a.x = bb.y', 'update: a, s.b'],
    ['WITH x AS (SELECT 1 AS id) UPDATE t JOIN x ON x.id = t.id SET t.v = 0', 'update: t'],
    ['UPDATE (a JOIN b ON a.id = b.id) SET a.x = 1', 'update: a, b'],
    ['UPDATE t SET a = (SELECT MAX(v) FROM u) WHERE id IN (SELECT id FROM w)', 'update: t'],
    ['INSERT INTO s.t (id) VALUES (1)', 'insert: s.t'],
    ['INSERT LOW_PRIORITY IGNORE INTO t VALUES (1) ON DUPLICATE KEY UPDATE a = 1', 'insert: t; overwrites at ON'],
    ["REPLACE DELAYED INTO settings (k) VALUES ('a')", 'replace: settings; overwrites at REPLACE'],
    ["LOAD DATA LOCAL INFILE 'f.csv' REPLACE INTO TABLE s.t", 'load: s.t; overwrites at REPLACE'],
    // A REPLACE() in SET is a function: the load only adds rows (backup counted any REPLACE word).
    ["LOAD DATA INFILE 'f.csv' INTO TABLE t (@x) SET c = REPLACE(@x, 'a', 'b')", 'load: t'],
    ['LOAD INDEX INTO CACHE t', 'other: '],
    ['CALL inv.purge_old(30)', 'call: inv.purge_old'],
    ['EXECUTE stmt', 'dynamic: '],
    ['CREATE TABLE IF NOT EXISTS notes (id INT)', 'create table: notes; if-exists'],
    ['CREATE TEMPORARY TABLE scratch LIKE s.model', 'create table: scratch; like s.model; temporary'],
    ['CREATE TABLE y (LIKE x)', 'create table: y; like x'],
    ['CREATE OR REPLACE ALGORITHM = MERGE DEFINER = `a`@`%` SQL SECURITY INVOKER VIEW s.v AS SELECT 1', 'create view: s.v; or-replace'],
    ['CREATE UNIQUE INDEX u USING BTREE ON s.t (a, b(4))', 'create index: u; on s.t'],
    ['CREATE DEFINER = CURRENT_USER TRIGGER tr BEFORE INSERT ON invoices FOR EACH ROW SET NEW.n = 1', 'create trigger: tr; on invoices'],
    ['CREATE EVENT e ON SCHEDULE EVERY 1 DAY DO DELETE FROM t', 'create event: e'],
    ["CREATE USER 'a'@'%'", 'create user: '],
    ['DROP TABLE IF EXISTS a, `b`, inv.c CASCADE', 'drop table: a, b, inv.c; if-exists'],
    ['DROP TEMPORARY TABLES scratch', 'drop table: scratch; temporary'],
    ['DROP INDEX ix ON inv.invoices ALGORITHM = INPLACE', 'drop index: ix; on inv.invoices'],
    ['DROP INDEX ONLINE ix ON invoices', 'drop index: ix; on invoices'],
    ['DROP PROCEDURE IF EXISTS s.p', 'drop procedure: s.p; if-exists'],
    ['DROP VIEW v1, inv.v2', 'drop view: v1, inv.v2'],
    ['DROP DATABASE invoicing', 'drop database: invoicing'],
    ['RENAME TABLE a TO b, c TO s.d', 'rename-table table: a, c; renames a>b c>s.d'],
    ['RENAME USER a TO b', 'rename user: '],
    ['TRUNCATE TABLE s.t', 'truncate: s.t'],
    ['OPTIMIZE NO_WRITE_TO_BINLOG TABLE a, s.b', 'optimize: a, s.b'],
    ['REPAIR LOCAL TABLE t', 'repair: t'],
    ['ALTER TABLE t ADD COLUMN c INT, DROP INDEX i, ALGORITHM=INPLACE', 'alter-table table: t; clauses [ADD COLUMN c INT | DROP INDEX i | ALGORITHM=INPLACE]'],
    // MariaDB's WAIT n is no clause (lint took it for the first one).
    ['ALTER ONLINE IGNORE TABLE `s`.`t` WAIT 5 DROP COLUMN a', 'alter-table table: s.t; clauses [DROP COLUMN a]'],
    // Partition names belong to their clause; anything else after them is a clause (lint kept ORDER BY in the partition clause).
    ['ALTER TABLE t DROP PARTITION p0, p1, ORDER BY a', 'alter-table table: t; clauses [DROP PARTITION p0, p1 | ORDER BY a]'],
    // ... and REORGANIZE's `p1 INTO (...)` is the same clause (impact took it for an unknown clause).
    ['ALTER TABLE t REORGANIZE PARTITION p0, p1 INTO (PARTITION p2 VALUES LESS THAN (10))', 'alter-table table: t; clauses [REORGANIZE PARTITION p0, p1 INTO (PARTITION p2 VALUES LESS THAN (10))]'],
    ['ALTER TABLE t EXCHANGE PARTITION p0 WITH TABLE s.u', 'alter-table table: t; clauses [EXCHANGE PARTITION p0 WITH TABLE s.u]; exchange s.u'],
    ['ALTER TABLE t RENAME TO s.u;', 'alter-table table: t; renames t>s.u; clauses [RENAME TO s.u]'],
    ['ALTER DEFINER = CURRENT_USER VIEW v AS SELECT 2', 'alter view: v'],
    ['ALTER DATABASE CHARACTER SET latin1', 'alter database: '],
    ['EXPLAIN DELETE FROM t', 'other: '],
    ['(SELECT 1) UNION (SELECT 2)', 'other: '],
  ];
  for (const [sql, expected] of cases) {
    it(sql, () => assert.equal(summary(sql), expected));
  }

  it('reads the statement in an EXPLAIN ANALYZE or a body from the verb it is given', () => {
    const tokens = codeTokens('EXPLAIN ANALYZE DELETE d FROM s.t AS d');
    assert.deepEqual(structureOf(tokens, 2).targets, [{ schema: 's', name: 't' }]);
    assert.equal(structureOf(tokens, 2).verb, 2);
  });

  it('reads each write of a compound body as a statement of its own', () => {
    const tokens = codeTokens('BEGIN DELETE FROM cache; UPDATE a, b SET a.n = 1; END');
    assert.deepEqual(structureOf(tokens, 1).targets, [{ schema: null, name: 'cache' }]);
  });

  it('keeps the token indexes of a statement with a trailing semicolon', () => {
    const tokens = codeTokens('ALTER TABLE t DROP a;');
    assert.deepEqual(structureOf(tokens).alter!.clauses, [[3, 5]]);
  });
});

describe('structure: lint, impact, backup and the pull-request lifecycle name the same tables', () => {
  const sql = 'DELETE i FROM invoices i JOIN customers c ON c.id = i.customer_id WHERE c.closed = 1';
  const statement: Statement = { file: 'up.sql', line: 1, column: 1, sql, comments: [] } as unknown as Statement;

  it('CG103 names the table, not its alias', () => {
    const d = lintStatements([statement]).find((x) => x.code === 'CG103');
    assert.equal(d?.message, 'DELETE removes rows from `invoices`; declare destructive: true so PROD is snapshotted first');
  });

  it('CG209 and the plan digest name the table behind the alias too', () => {
    const bare: Statement = { ...statement, sql: 'DELETE i FROM inv.invoices AS i JOIN customers c USING (customer_id)' };
    const d = lintStatements([bare]).find((x) => x.code === 'CG209');
    assert.equal(d?.message, 'DELETE without WHERE removes every row of `inv`.`invoices`; add the WHERE clause you mean, or use TRUNCATE TABLE if emptying the table is the point');
    assert.equal(statementLabel(sql), 'DELETE from invoices');
    assert.equal(statementLabel('CREATE DEFINER = CURRENT_USER VIEW s.v AS SELECT 1'), 'CREATE VIEW v');
    assert.equal(statementLabel('DROP INDEX ix ON s.t'), 'DROP INDEX on t');
  });

  it('the impact, the backup, restore and the pull request record say invoices too', () => {
    assert.deepEqual(tablesOf(parseDdl(sql)!), [{ schema: null, name: 'invoices' }]);
    assert.deepEqual(statementTargets(sql).tables, [{ name: 'invoices' }]);
    assert.deepEqual(touchedNames(sql), [{ name: 'invoices' }]);
    assert.deepEqual(touchedObjects([statement]), ['invoices']);
  });

  it('records every table a pull request touched, additive statements and index tables included', () => {
    const st = (text: string): Statement => ({ ...statement, sql: text });
    assert.deepEqual(
      touchedObjects([
        st('CREATE TABLE Notes LIKE inv.Model'),
        st('ALTER TABLE t ADD COLUMN c INT'),
        st('CREATE INDEX ix ON u (a)'),
        st("INSERT INTO inv.audit VALUES (1)"),
        st("LOAD DATA INFILE 'f' INTO TABLE loaded"),
        st('DROP VIEW v'),
        st('CREATE VIEW w AS SELECT 1'),
        st('OPTIMIZE TABLE o'),
        st('UPDATE p x JOIN q y ON x.id = y.id SET x.a = 1'),
        st('SELECT 1'),
      ]),
      ['inv.audit', 'inv.model', 'loaded', 'notes', 'o', 'p', 'q', 't', 'u', 'v'],
    );
  });

  it('a statement without one is no structure', () => {
    assert.equal(structureOfSql('').kind, 'other');
    assert.equal(structureOfSql('').verb, -1);
  });
});

describe('undo order', () => {
  it('rolls back two amended changes of one pull request newest first: the later one may build on the earlier', () => {
    const mark = { number: 7, headCommit: null, mergeCommit: null, objects: ['t'], rollback: [{ file: 'down.sql', line: 1, column: 1, sql: 'DROP TABLE t' }] };
    const rec = (changeId: string, at: number) => ({ changeId, status: 'provisional', checksum: 'old', startedAt: new Date(at), pullRequest: mark }) as unknown as HistoryRecord;
    const change = (id: string) => ({ id, checksum: 'new', file: `changes/${id}.yaml`, statements: [] }) as unknown as Change;
    const env = { name: 'qa' } as EnvironmentConfig;
    const view = lifecycleView([change('2026-01-01-table'), change('2026-01-02-column')], [rec('2026-01-01-table', 1000), rec('2026-01-02-column', 2000)], env, 7);
    assert.deepEqual(view.undo.map((r) => r.changeId), ['2026-01-02-column', '2026-01-01-table']);
  });

  it('undoes the newest provisional change first, ties broken by id, newest id first', () => {
    const rec = (changeId: string, at: number) => ({ changeId, startedAt: new Date(at) }) as Pick<HistoryRecord, 'changeId' | 'startedAt'>;
    const order = newestFirst([rec('2026-01-01-a', 1000), rec('2026-01-02-b', 3000), rec('2026-01-03-c', 2000), rec('2026-01-04-d', 3000)]);
    assert.deepEqual(order.map((r) => r.changeId), ['2026-01-04-d', '2026-01-02-b', '2026-01-03-c', '2026-01-01-a']);
  });
});
