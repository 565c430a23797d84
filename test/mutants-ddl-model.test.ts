// The plan's model of the tables it touches (model.ts), clause by clause: what each statement leaves
// of a table the plan will have altered, created, renamed or dropped, and that a statement on a table
// the model does not hold changes nothing. Written against the mutants `npm run mutate` found alive.
import assert from 'node:assert/strict';
import { parseDdl, type DdlSpec } from '../src/core/impact/ddl.js';
import { caseInsensitiveKey, evolveFacts, evolveInPlace, modelGet, modelKey } from '../src/core/impact/model.js';
import type { ColumnFacts, TableFacts } from '../src/core/impact/types.js';

function spec(sql: string): DdlSpec {
  const s = parseDdl(sql);
  assert.ok(s, sql);
  return s;
}

function column(name: string, columnType: string, position: number, more: Partial<ColumnFacts> = {}): ColumnFacts {
  return { name, columnType, dataType: columnType.replace(/\(.*/, ''), nullable: true, default: null, extra: '', charset: null, collation: null, maxChars: null, maxBytes: null, position, ...more };
}

const UTF8MB4 = { charset: 'utf8mb4', collation: 'utf8mb4_general_ci' };

/** A live table `s.t`: a primary key, a foreign key on `b`, three string columns. */
function facts(more: Partial<TableFacts> = {}): TableFacts {
  return {
    schema: 's',
    name: 't',
    source: 'live',
    engine: 'InnoDB',
    rowFormat: 'dynamic',
    ...UTF8MB4,
    rows: 1000,
    dataBytes: 4096,
    indexBytes: 1024,
    columns: [
      column('id', 'int', 1, { nullable: false }),
      column('a', 'varchar(10)', 2, { ...UTF8MB4, maxChars: 10, maxBytes: 40 }),
      column('b', 'int', 3),
      column('c', 'char(2)', 4, { ...UTF8MB4, maxChars: 2, maxBytes: 8 }),
      column('tx', 'text', 5, { ...UTF8MB4, maxChars: 65535, maxBytes: 65535 }),
    ],
    indexes: [
      { name: 'PRIMARY', primary: true, unique: true, type: 'BTREE', columns: [{ name: 'id', prefix: null }], visible: true },
      { name: 'kb', primary: false, unique: false, type: 'BTREE', columns: [{ name: 'b', prefix: null }], visible: true },
    ],
    foreignKeys: [{ name: 'fk_b', columns: ['b'], refSchema: 's', refTable: 'p', refColumns: ['id'] }],
    totalRowVersions: 3,
    partitioned: false,
    hasFulltext: false,
    hiddenFtsDocId: false,
    ...more,
  };
}

/** The model after `sqls`, starting from `s.t` as `facts(more)`. */
function run(sqls: string[], base: TableFacts = facts()): Map<string, TableFacts> {
  let model = new Map<string, TableFacts>([[`${base.schema}.${base.name}`, base]]);
  for (const sql of sqls) model = evolveFacts(model, spec(sql), 's');
  return model;
}

/** `s.t` after `sql`. */
function t(sql: string, base: TableFacts = facts()): TableFacts {
  const out = run([sql], base).get('s.t');
  assert.ok(out, sql);
  return out;
}

const idx = (x: TableFacts) => x.indexes.map((i) => `${i.name}${i.primary ? ' primary' : ''}${i.unique ? ' unique' : ''} ${i.type} (${i.columns.map((p) => p.expression ?? p.name).join(',')})${i.visible ? '' : ' invisible'}`);
const cols = (x: TableFacts) => x.columns.map((c) => `${c.position}:${c.name}`);

describe('model: finding a table', function () {
  it('keys a table by schema.name, the schema defaulting to the connection\'s', function () {
    assert.equal(modelKey({ schema: null, name: 't' }, 's'), 's.t');
    assert.equal(modelKey({ schema: 'x', name: 't' }, 's'), 'x.t');
  });

  it('finds a table whatever the case of its name, the exact key first', function () {
    const a = facts({ name: 'T' });
    const b = facts({ name: 't' });
    const model = new Map<string, TableFacts>([['s.T', a], ['s.t', b]]);
    assert.deepEqual(modelGet(model, { schema: null, name: 'T' }, 's'), { key: 's.T', facts: a });
    assert.deepEqual(modelGet(new Map([['S.Orders', a]]), { schema: null, name: 'orders' }, 's'), { key: 'S.Orders', facts: a });
    assert.equal(modelGet(model, { schema: null, name: 'u' }, 's'), undefined);
  });

  it('sees a table added to the map after an earlier look-up', function () {
    const model = new Map<string, TableFacts>([['s.t', facts()]]);
    assert.equal(caseInsensitiveKey(model, 'S.U'), undefined);
    model.set('s.U', facts({ name: 'U' }));
    assert.equal(caseInsensitiveKey(model, 'S.u'), 's.U');
  });

  it('keeps its case-insensitive look-up right as statements create, rename and drop tables', function () {
    const model = new Map<string, TableFacts>([['s.t', facts()]]);
    assert.equal(caseInsensitiveKey(model, 'S.T'), 's.t');
    evolveInPlace(model, spec('CREATE TABLE New (x INT)'), 's');
    assert.equal(caseInsensitiveKey(model, 'S.NEW'), 's.New');
    evolveInPlace(model, spec('RENAME TABLE t TO Old'), 's');
    assert.deepEqual([caseInsensitiveKey(model, 'S.OLD'), caseInsensitiveKey(model, 's.T')], ['s.Old', undefined]);
    evolveInPlace(model, spec('DROP TABLE old'), 's');
    assert.deepEqual([...model.keys()], ['s.New']);
  });
});

describe('model: a statement on a table the model does not hold changes nothing', function () {
  const SQL = [
    'DROP TABLE u',
    'TRUNCATE TABLE u',
    'RENAME TABLE u TO v',
    'OPTIMIZE TABLE u',
    'ALTER TABLE u ADD COLUMN x INT',
    'CREATE INDEX i ON u (a)',
    'DROP INDEX i ON u',
    'CREATE TABLE v LIKE u',
    'ALTER TABLE t MODIFY nosuch INT, ALTER COLUMN nosuch SET DEFAULT 1, ALTER COLUMN nosuch SET INVISIBLE, RENAME INDEX nosuch TO x, ALTER INDEX nosuch INVISIBLE',
  ];
  for (const sql of SQL) {
    it(sql, function () {
      const model = new Map<string, TableFacts>([['s.t', facts()]]);
      // A look-up first, so that the model's case-insensitive index exists while the statement runs.
      assert.equal(caseInsensitiveKey(model, 's.x'), undefined);
      const next = evolveFacts(model, spec(sql), 's');
      assert.deepEqual([...next.keys()], ['s.t']);
      const want = sql.startsWith('ALTER TABLE t') ? { ...facts(), source: 'planned' } : facts();
      assert.deepEqual(next.get('s.t'), want);
    });
  }
});

describe('model: whole-table statements', function () {
  it('empties a truncated table, which the plan now describes', function () {
    assert.deepEqual(t('TRUNCATE TABLE t'), { ...facts(), source: 'planned', rows: 0, dataBytes: 0, indexBytes: 0 });
  });

  it('moves a renamed table, into the schema its new name states', function () {
    const a = run(['RENAME TABLE t TO q.u']);
    assert.deepEqual([...a.keys()], ['q.u']);
    assert.deepEqual(a.get('q.u'), { ...facts(), schema: 'q', name: 'u', source: 'planned' });
    const b = run(['RENAME TABLE s.t TO u']);
    assert.deepEqual([...b.keys()], ['s.u']);
    assert.equal(b.get('s.u')!.schema, 's');
  });

  it('starts the row versions over on OPTIMIZE, and changes nothing else', function () {
    assert.deepEqual(run(['OPTIMIZE TABLE t']).get('s.t'), facts({ totalRowVersions: 0 }));
    assert.deepEqual(run(['OPTIMIZE TABLE t'], facts({ totalRowVersions: null })).get('s.t'), facts({ totalRowVersions: null }));
  });

  it('takes a table out of the model on a partition clause it cannot follow', function () {
    assert.deepEqual([...run(['ALTER TABLE t DROP PARTITION p0']).keys()], []);
  });

  it('follows CREATE INDEX and DROP INDEX like the ALTER TABLE clauses they are', function () {
    assert.deepEqual(idx(t('CREATE UNIQUE INDEX u ON t (a)')), ['PRIMARY primary unique BTREE (id)', 'kb BTREE (b)', 'u unique BTREE (a)']);
    assert.deepEqual(idx(t('DROP INDEX kb ON t')), ['PRIMARY primary unique BTREE (id)']);
  });
});

describe('model: CREATE TABLE', function () {
  it('describes a new table from its definition: empty, planned, with its stated options', function () {
    const m = run(["CREATE TABLE q.n (id INT PRIMARY KEY, v VARCHAR(5) NOT NULL DEFAULT 'x', FULLTEXT INDEX f (v)) ENGINE=MyISAM ROW_FORMAT=COMPACT COLLATE=LATIN1_BIN PARTITION\n  BY HASH(id)"]);
    // Row versions are left out: the model counts one per column of the definition, where the server starts a new table at 0.
    const { totalRowVersions: _versions, ...n } = m.get('q.n')!;
    assert.deepEqual(n, {
      schema: 'q',
      name: 'n',
      source: 'planned',
      engine: 'MyISAM',
      rowFormat: 'compact',
      charset: 'latin1',
      collation: 'latin1_bin',
      rows: 0,
      dataBytes: 0,
      indexBytes: 0,
      columns: [
        { name: 'id', columnType: 'int', dataType: 'int', nullable: false, default: null, extra: '', charset: null, collation: null, maxChars: null, maxBytes: null, position: 1 },
        { name: 'v', columnType: 'varchar(5)', dataType: 'varchar', nullable: false, default: 'x', extra: '', charset: 'latin1', collation: 'latin1_bin', maxChars: 5, maxBytes: 5, position: 2 },
      ],
      indexes: [
        { name: 'PRIMARY', primary: true, unique: true, type: 'BTREE', columns: [{ name: 'id', prefix: null }], visible: true },
        { name: 'f', primary: false, unique: false, type: 'FULLTEXT', columns: [{ name: 'v', prefix: null }], visible: true },
      ],
      foreignKeys: [],
      partitioned: true,
      hasFulltext: true,
      hiddenFtsDocId: true,
    });
  });

  it('takes InnoDB, DYNAMIC and unknown character sets when the definition states none', function () {
    const n = run(['CREATE TABLE n (x INT) ROW_FORMAT=DEFAULT']).get('s.n')!;
    assert.deepEqual([n.engine, n.rowFormat, n.charset, n.collation, n.partitioned, n.hasFulltext, n.hiddenFtsDocId], ['InnoDB', 'dynamic', '', '', false, false, false]);
    const u = run(['CREATE TABLE n (x INT) CHARSET=UTF8']).get('s.n')!;
    assert.deepEqual([u.charset, u.collation], ['utf8mb3', '']);
  });

  it('keeps an existing table on CREATE TABLE IF NOT EXISTS, and replaces it otherwise', function () {
    assert.deepEqual(run(['CREATE TABLE IF NOT EXISTS t (x INT)']).get('s.t'), facts());
    assert.deepEqual(cols(run(['CREATE TABLE IF NOT EXISTS n (x INT)']).get('s.n')!), ['1:x']);
    const m = run(['CREATE TABLE t (x INT)'], facts({ name: 'T' }));
    assert.deepEqual([...m.keys()], ['s.t']);
    assert.deepEqual(cols(m.get('s.t')!), ['1:x']);
  });

  it('copies a LIKE source empty, with its row versions started over', function () {
    const m = run(['CREATE TABLE q.c LIKE t']);
    assert.deepEqual(m.get('q.c'), { ...facts(), schema: 'q', name: 'c', source: 'planned', rows: 0, dataBytes: 0, indexBytes: 0, totalRowVersions: 0 });
    assert.equal(run(['CREATE TABLE c LIKE t'], facts({ totalRowVersions: null })).get('s.c')!.totalRowVersions, null);
  });
});

describe('model: column clauses', function () {
  it('keeps columns in their order and numbers them from 1, wherever the new one goes', function () {
    // Facts list columns in any order; the position says where each one is.
    const shuffled = facts({ columns: [column('b', 'int', 2), column('c', 'int', 3), column('a', 'int', 1)] });
    const CASES: Array<[string, string[]]> = [
      ['ADD COLUMN z INT', ['1:a', '2:b', '3:c', '4:z']],
      ['ADD COLUMN z INT FIRST', ['1:z', '2:a', '3:b', '4:c']],
      ['ADD COLUMN z INT AFTER B', ['1:a', '2:b', '3:z', '4:c']],
      ['ADD COLUMN z INT AFTER nosuch', ['1:a', '2:b', '3:c', '4:z']],
      ['MODIFY a INT AFTER c', ['1:b', '2:c', '3:a']],
      ['CHANGE c d INT FIRST', ['1:d', '2:a', '3:b']],
    ];
    for (const [clause, want] of CASES) assert.deepEqual(cols(t(`ALTER TABLE t ${clause}`, shuffled)), want, clause);
    assert.deepEqual(cols(t('ALTER TABLE t DROP COLUMN a')), ['1:id', '2:b', '3:c', '4:tx']);
  });

  it('describes an added column as the server will: character set, lengths, default and extra', function () {
    const CASES: Array<[string, Partial<ColumnFacts>]> = [
      ['v VARCHAR(10)', { columnType: 'varchar(10)', dataType: 'varchar', charset: 'utf8mb4', collation: 'utf8mb4_general_ci', maxChars: 10, maxBytes: 40 }],
      ['v CHAR(3) CHARSET latin1', { columnType: 'char(3)', dataType: 'char', charset: 'latin1', collation: null, maxChars: 3, maxBytes: 3 }],
      ['v VARCHAR(4) COLLATE UTF8MB3_BIN', { columnType: 'varchar(4)', dataType: 'varchar', charset: 'utf8mb3', collation: 'utf8mb3_bin', maxChars: 4, maxBytes: 12 }],
      ['v VARCHAR(4) CHARSET klingon', { columnType: 'varchar(4)', dataType: 'varchar', charset: 'klingon', collation: null, maxChars: 4, maxBytes: null }],
      ['v TEXT', { columnType: 'text', dataType: 'text', charset: 'utf8mb4', collation: 'utf8mb4_general_ci' }],
      ['v VARBINARY(10)', { columnType: 'varbinary(10)', dataType: 'varbinary' }],
      ['v INT DEFAULT NULL', { columnType: 'int', dataType: 'int' }],
      ['v INT NOT NULL DEFAULT 5', { columnType: 'int', dataType: 'int', nullable: false, default: '5' }],
      ['v DATETIME DEFAULT NOW()', { columnType: 'datetime', dataType: 'datetime', default: 'NOW()', extra: 'default_generated' }],
      ['v INT AUTO_INCREMENT INVISIBLE', { columnType: 'int', dataType: 'int', extra: 'auto_increment invisible' }],
      ['v INT AS (b * 2) STORED', { columnType: 'int', dataType: 'int', extra: 'stored generated', generation: 'b * 2' }],
    ];
    for (const [def, want] of CASES) {
      const got = t(`ALTER TABLE t ADD COLUMN ${def}`).columns.find((c) => c.name === 'v');
      assert.deepEqual(got, column('v', want.columnType!, 6, want), def);
    }
  });

  it('takes no collation from a table whose collation it does not know', function () {
    const got = t('ALTER TABLE t ADD COLUMN v VARCHAR(2)', facts({ collation: '' })).columns.find((c) => c.name === 'v');
    assert.deepEqual([got!.charset, got!.collation], ['utf8mb4', null]);
  });

  it('makes an inline PRIMARY KEY or UNIQUE an index, visible and named as the server names it', function () {
    const base = facts({ indexes: [] });
    assert.deepEqual(idx(t('ALTER TABLE t ADD COLUMN v INT PRIMARY KEY', base)), ['PRIMARY primary unique BTREE (v)']);
    assert.deepEqual(idx(t('ALTER TABLE t ADD COLUMN v INT UNIQUE', base)), ['v unique BTREE (v)']);
    assert.deepEqual(idx(t('ALTER TABLE t CHANGE b v INT PRIMARY KEY', base)), ['PRIMARY primary unique BTREE (v)']);
    assert.deepEqual(idx(t('ALTER TABLE t MODIFY b INT UNIQUE', base)), ['b unique BTREE (b)']);
  });

  it('keeps a primary-key column NOT NULL when a new definition leaves it unstated', function () {
    const base = facts({
      indexes: [
        { name: 'PRIMARY', primary: true, unique: true, type: 'BTREE', columns: [{ name: 'id', prefix: null }, { name: 'c', prefix: null }], visible: true },
        { name: 'ub', primary: false, unique: true, type: 'BTREE', columns: [{ name: 'b', prefix: null }], visible: true },
      ],
    });
    const nullable = (sql: string, name: string) => t(sql, base).columns.find((c) => c.name === name)!.nullable;
    assert.deepEqual(
      [nullable('ALTER TABLE t MODIFY c CHAR(4)', 'c'), nullable('ALTER TABLE t MODIFY id BIGINT', 'id'), nullable('ALTER TABLE t MODIFY b BIGINT', 'b'), nullable('ALTER TABLE t MODIFY a VARCHAR(3)', 'a')],
      [false, false, true, true],
    );
  });

  it('renames a column everywhere it is named, also when only its case changes', function () {
    const x = t('ALTER TABLE t RENAME COLUMN b TO B');
    assert.deepEqual([x.columns[2]!.name, x.indexes[1]!.columns[0]!.name, x.foreignKeys[0]!.columns], ['B', 'B', ['B']]);
  });

  it('sets and drops defaults, and shows and hides columns', function () {
    const base = facts({ columns: [column('id', 'int', 1, { default: '1' }), column('h', 'int', 2, { extra: 'auto_increment invisible' })] });
    const CASES: Array<[string, Array<[string | null, string]>]> = [
      ['ALTER id SET DEFAULT NULL', [[null, ''], [null, 'auto_increment invisible']]],
      ["ALTER id SET DEFAULT 'x'", [['x', ''], [null, 'auto_increment invisible']]],
      ['ALTER id DROP DEFAULT', [[null, ''], [null, 'auto_increment invisible']]],
      ['ALTER h SET VISIBLE', [['1', ''], [null, 'auto_increment']]],
      ['ALTER id SET INVISIBLE', [['1', 'invisible'], [null, 'auto_increment invisible']]],
    ];
    for (const [clause, want] of CASES) {
      assert.deepEqual(t(`ALTER TABLE t ${clause}`, base).columns.map((c) => [c.default, c.extra]), want, clause);
    }
  });
});

describe('model: index and key clauses', function () {
  it('drops only the primary key on DROP PRIMARY KEY', function () {
    assert.deepEqual(idx(t('ALTER TABLE t DROP PRIMARY KEY')), ['kb BTREE (b)']);
  });

  it('makes the columns of a new primary key NOT NULL, ignoring a column it does not know', function () {
    const x = t('ALTER TABLE t DROP PRIMARY KEY, ADD PRIMARY KEY (b, nosuch)');
    assert.deepEqual([idx(x)[0], x.columns.map((c) => c.nullable)], ['PRIMARY primary unique BTREE (b,nosuch)', [false, true, false, true, true]]);
  });

  it('names unnamed indexes after their first column, then _2, _3, and a functional one functional_index', function () {
    const x = t('ALTER TABLE t ADD INDEX (a), ADD INDEX (a), ADD UNIQUE (a), ADD INDEX ((lower(a))), ADD SPATIAL INDEX (g), ADD INDEX h USING HASH (b) INVISIBLE');
    assert.deepEqual(idx(x).slice(2), ['a BTREE (a)', 'a_2 BTREE (a)', 'a_3 unique BTREE (a)', 'functional_index BTREE (lower(a))', 'g SPATIAL (g)', 'h HASH (b) invisible']);
    assert.deepEqual(x.indexes[5]!.columns, [{ name: null, prefix: null, expression: 'lower(a)' }]);
    assert.deepEqual(x.indexes[2]!.columns, [{ name: 'a', prefix: null }]);
  });

  it('renames an index and changes its visibility by name', function () {
    assert.deepEqual(idx(t('ALTER TABLE t RENAME INDEX KB TO kb2, ALTER INDEX KB2 INVISIBLE')), ['PRIMARY primary unique BTREE (id)', 'kb2 BTREE (b) invisible']);
    assert.deepEqual(idx(t('ALTER TABLE t ALTER INDEX kb VISIBLE', facts({ indexes: [{ name: 'kb', primary: false, unique: false, type: 'BTREE', columns: [{ name: 'b', prefix: null }], visible: false }] }))), ['kb BTREE (b)']);
  });

  it('keeps the table FULLTEXT while another FULLTEXT index is left', function () {
    const base = facts({
      indexes: [
        { name: 'f1', primary: false, unique: false, type: 'FULLTEXT', columns: [{ name: 'a', prefix: null }], visible: true },
        { name: 'k', primary: false, unique: false, type: 'BTREE', columns: [{ name: 'b', prefix: null }], visible: true },
        { name: 'f2', primary: false, unique: false, type: 'FULLTEXT', columns: [{ name: 'tx', prefix: null }], visible: true },
      ],
      hasFulltext: true,
      hiddenFtsDocId: true,
    });
    const x = t('ALTER TABLE t DROP INDEX f1', base);
    assert.deepEqual([x.hasFulltext, x.hiddenFtsDocId], [true, true]);
    const y = t('ALTER TABLE t DROP INDEX f1, DROP INDEX f2', base);
    assert.deepEqual([y.hasFulltext, y.hiddenFtsDocId], [false, true]);
  });
});

describe('model: foreign keys', function () {
  it('adds an index for a foreign key only when no index starts with its columns', function () {
    const CASES: Array<[string, string[]]> = [
      ['ADD CONSTRAINT f FOREIGN KEY (b) REFERENCES p (id)', []],
      ['ADD CONSTRAINT f FOREIGN KEY (b, c) REFERENCES p (x, y)', ['f BTREE (b,c)']],
      ['ADD CONSTRAINT f FOREIGN KEY (c) REFERENCES p (x)', ['f BTREE (c)']],
      ['ADD FOREIGN KEY (a) REFERENCES p (x)', ['t_ibfk_2 BTREE (a)']],
    ];
    for (const [clause, added] of CASES) {
      assert.deepEqual(idx(t(`ALTER TABLE t ${clause}`)).slice(2), added, clause);
    }
  });

  it('does not take a functional key part for a foreign key\'s column', function () {
    const base = facts({ indexes: [{ name: 'fx', primary: false, unique: false, type: 'BTREE', columns: [{ name: null, prefix: null, expression: 'b + 1' }], visible: true }] });
    assert.deepEqual(idx(t('ALTER TABLE t ADD CONSTRAINT f FOREIGN KEY (b) REFERENCES p (id)', base)), ['fx BTREE (b + 1)', 'f BTREE (b)']);
  });

  it('drops a foreign key by DROP FOREIGN KEY and leaves an index of that name', function () {
    const base = facts({ foreignKeys: [{ name: 'kb', columns: ['b'], refSchema: 's', refTable: 'p', refColumns: ['id'] }] });
    const x = t('ALTER TABLE t DROP FOREIGN KEY KB', base);
    assert.deepEqual([x.foreignKeys, idx(x)], [[], ['PRIMARY primary unique BTREE (id)', 'kb BTREE (b)']]);
    const y = t('ALTER TABLE t DROP FOREIGN KEY nosuch');
    assert.deepEqual([y.foreignKeys.map((f) => f.name), idx(y).length], [['fk_b'], 2]);
    const z = t('ALTER TABLE t DROP FOREIGN KEY kb');
    assert.deepEqual([z.foreignKeys.map((f) => f.name), idx(z)], [['fk_b'], ['PRIMARY primary unique BTREE (id)', 'kb BTREE (b)']]);
  });

  it('drops a foreign key by DROP CONSTRAINT first, else a key of that name', function () {
    const base = facts({ foreignKeys: [{ name: 'kb', columns: ['b'], refSchema: 's', refTable: 'p', refColumns: ['id'] }] });
    const x = t('ALTER TABLE t DROP CONSTRAINT kb', base);
    assert.deepEqual([x.foreignKeys, idx(x).length], [[], 2]);
    const y = t('ALTER TABLE t DROP CONSTRAINT kb');
    assert.deepEqual([y.foreignKeys.length, idx(y)], [1, ['PRIMARY primary unique BTREE (id)']]);
  });
});

describe('model: table options, character sets and rebuilds', function () {
  it('changes what an option states and starts the row versions over on a rebuild', function () {
    const CASES: Array<[string, Partial<TableFacts>]> = [
      ['ENGINE=MyISAM', { engine: 'MyISAM', totalRowVersions: 0 }],
      ['ROW_FORMAT=COMPACT', { rowFormat: 'compact', totalRowVersions: 0 }],
      ['ROW_FORMAT=DEFAULT', { totalRowVersions: 0 }],
      ['KEY_BLOCK_SIZE=8', { totalRowVersions: 0 }],
      ["COMMENT='x'", {}],
      ['AUTO_INCREMENT=5', {}],
      ['COLLATE=LATIN1_BIN', { charset: 'latin1', collation: 'latin1_bin' }],
      ['CHARSET=latin1 COLLATE=latin1_bin', { charset: 'latin1', collation: 'latin1_bin' }],
      // Another character set without a collation: the new default collation is not known here.
      ['CHARSET=utf8', { charset: 'utf8mb3', collation: '' }],
      ['FORCE', { totalRowVersions: 0 }],
    ];
    for (const [clause, want] of CASES) {
      assert.deepEqual(t(`ALTER TABLE t ${clause}`), { ...facts(), source: 'planned', ...want }, clause);
    }
  });

  it('keeps no row-version count where the server has none', function () {
    for (const clause of ['FORCE', 'ENGINE=InnoDB', 'ADD COLUMN z INT', 'DROP COLUMN b']) {
      assert.equal(t(`ALTER TABLE t ${clause}`, facts({ totalRowVersions: null })).totalRowVersions, null, clause);
    }
  });

  it('converts the string columns to the new character set, in bytes too for CHAR and VARCHAR', function () {
    const x = t('ALTER TABLE t CONVERT TO CHARACTER SET latin1');
    assert.deepEqual([x.charset, x.collation, x.totalRowVersions], ['latin1', '', 0]);
    assert.deepEqual(x.columns.map((c) => [c.name, c.charset, c.collation, c.maxChars, c.maxBytes]), [
      ['id', null, null, null, null],
      ['a', 'latin1', null, 10, 10],
      ['b', null, null, null, null],
      ['c', 'latin1', null, 2, 2],
      ['tx', 'latin1', null, 65535, 65535],
    ]);
    const y = t('ALTER TABLE t CONVERT TO CHARSET utf8 COLLATE UTF8_BIN');
    assert.deepEqual([y.charset, y.collation, y.columns[1]!.collation, y.columns[1]!.maxBytes], ['utf8mb3', 'utf8_bin', 'utf8_bin', 30]);
    // TEXT keeps its length in bytes whatever the character set.
    const w = t('ALTER TABLE t CONVERT TO CHARSET utf8mb4');
    assert.deepEqual(w.columns.map((c) => [c.maxChars, c.maxBytes]), [[null, null], [10, 40], [null, null], [2, 8], [65535, 65535]]);
    // A character set the model has no width for leaves the byte lengths as they were.
    const z = t('ALTER TABLE t CONVERT TO CHARSET klingon');
    assert.deepEqual(z.columns.map((c) => c.maxBytes), [null, 40, null, 8, 65535]);
  });
});
