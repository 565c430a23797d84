// The helpers both flavours' rules read: version comparison, type spellings, character sets and their
// widths, ENUM/SET members, timestamp and nondeterministic defaults, and the facts about a table (which
// columns are indexed, in the primary key, generated, FTS_DOC_ID). Written against the mutants
// `npm run mutate` found alive in rules-common.ts.
import assert from 'node:assert/strict';
import {
  atLeast,
  canonicalCharset,
  charsetOfCollation,
  declaredLength,
  generatedKind,
  hasFtsDocId,
  inPrimaryKey,
  isIndexed,
  isMetadataOption,
  isNondeterministic,
  isStringType,
  isTimestampDefault,
  mbMaxLen,
  members,
  normalizeType,
} from '../src/core/impact/rules-common.js';
import { mysqlRowVersionLimit } from '../src/core/impact/rules-mysql.js';
import type { ColumnFacts, TableFacts } from '../src/core/impact/types.js';

describe('impact rules: atLeast compares dotted versions', function () {
  const CASES: Array<[string, string, boolean]> = [
    ['8.0.29', '8.0.29', true],
    ['8.0.28', '8.0.29', false],
    ['8.0.30', '8.0.3', true],
    ['8.1', '8.0.29', true],
    ['9', '8.4.0', true],
    ['8', '8.0.1', false],
    // An RDS engine version without a patch level reads as .0.
    ['8.0', '8.0.0', true],
    ['8.0', '8.0.12', false],
    ['10.11.6-MariaDB', '10.5.2', true],
    ['9.1.0-log', '9.1.0', true],
    [' 8.0.12 ', '8.0.12', true],
    ['10.4.2', '10.4.3', false],
    // A version it cannot read counts as 0.0.0: the oldest rules, the most blocking.
    ['unknown', '8.0.12', false],
    ['unknown', '0.0.0', true],
  ];
  for (const [version, min, expected] of CASES) {
    it(`${JSON.stringify(version)} ${expected ? '>=' : '<'} ${min}`, function () {
      assert.equal(atLeast(version, min), expected);
    });
  }

  it('gives MySQL 64 row versions for instant column changes, 255 from 9.1.0', function () {
    assert.deepEqual(['8.0.29', '8.4.3', '9.0.1', '9.1.0', '9.7.4'].map(mysqlRowVersionLimit), [64, 64, 64, 255, 255]);
  });
});

describe('impact rules: column types in one spelling', function () {
  const CASES: Array<[string, string]> = [
    ['INT(11)', 'int'],
    ['int(10) unsigned', 'int unsigned'],
    ['  BIGINT(20)   UNSIGNED  ', 'bigint unsigned'],
    ['tinyint(1)', 'tinyint'],
    ['integer', 'int'],
    ['integer(5) unsigned', 'int unsigned'],
    ['decimal', 'decimal(10,0)'],
    ['numeric', 'decimal(10,0)'],
    ['decimal unsigned', 'decimal(10,0) unsigned'],
    ['decimal(5)', 'decimal(5,0)'],
    ['numeric(12)', 'decimal(12,0)'],
    ['decimal(12,2)', 'decimal(12,2)'],
    ['char', 'char(1)'],
    ['binary', 'binary(1)'],
    ['bit', 'bit(1)'],
    ['char(5)', 'char(5)'],
    ['varchar(5)', 'varchar(5)'],
    ['year(4)', 'year'],
    ['datetime(0)', 'datetime'],
    ['timestamp(0)', 'timestamp'],
    ['time(0)', 'time'],
    ['datetime(6)', 'datetime(6)'],
  ];
  for (const [type, expected] of CASES) {
    it(`${type} → ${expected}`, function () {
      assert.equal(normalizeType(type), expected);
    });
  }

  it('leaves alone ENUM members that spell a type', function () {
    const type = "enum('int(11)','integer','decimal(5)','year(4)','time(0)')";
    assert.equal(normalizeType(type), type);
  });

  it('reads the declared length of CHAR, VARCHAR, BINARY and VARBINARY only', function () {
    assert.deepEqual(['varchar(20)', 'VARCHAR(5)', 'char(3)', 'varbinary(7)', 'binary(2)', 'text', 'int(11)', "enum('char(3)')"].map(declaredLength), [20, 5, 3, 7, 2, null, null, null]);
  });

  it('knows which types hold characters', function () {
    const text = ['char', 'varchar', 'tinytext', 'text', 'mediumtext', 'longtext', 'enum', 'set', 'VARCHAR'];
    const other = ['int', 'varbinary', 'binary', 'blob', 'json', 'datetime'];
    assert.deepEqual([...text, ...other].map(isStringType), [...text.map(() => true), ...other.map(() => false)]);
  });

  it('reads ENUM and SET members as written: quotes doubled or escaped, commas inside, spaces between', function () {
    assert.deepEqual(
      [
        members("enum('a','b')"),
        members("set('x')"),
        members("enum('it''s','x')"),
        members("enum('a\\'b','c\\\\d')"),
        members("enum('a,b','c')"),
        members("enum( 'a' , 'b' )"),
        members("  enum('a')  "),
        members("enum('')"),
        members("enum('abc)"),
        members("enum('a\\)"),
        members('enum()'),
        members('int'),
        members("varchar(10)"),
      ],
      [['a', 'b'], ['x'], ["it's", 'x'], ["a'b", 'c\\d'], ['a,b', 'c'], ['a', 'b'], ['a'], [''], ['abc'], ['a\\'], [], null, null],
    );
  });
});

describe('impact rules: character sets', function () {
  it('names the character set of a collation (utf8 is utf8mb3; MariaDB 11 uca1400 collations name none)', function () {
    assert.deepEqual(
      [null, 'binary', 'BINARY', 'utf8mb4_0900_ai_ci', 'UTF8MB4_BIN', 'utf8_general_ci', 'utf8mb3_bin', 'latin1_swedish_ci', 'uca1400_ai_ci', 'nonsense', 'ucs2_bin'].map(charsetOfCollation),
      [null, 'binary', 'binary', 'utf8mb4', 'utf8mb4', 'utf8mb3', 'utf8mb3', 'latin1', null, null, 'ucs2'],
    );
  });

  it('spells a character set as the server reports it now', function () {
    assert.deepEqual([null, undefined, '', 'UTF8', 'utf8', 'Latin1', 'utf8mb4'].map(canonicalCharset), [null, null, null, 'utf8mb3', 'utf8mb3', 'latin1', 'utf8mb4']);
  });

  it('knows how many bytes a character takes at most', function () {
    assert.deepEqual(
      ['latin1', 'ASCII', 'binary', 'ucs2', 'gbk', 'utf8', 'utf8mb3', 'UTF8MB4', 'utf16', 'utf32', 'gb18030', 'nope', null, undefined].map(mbMaxLen),
      [1, 1, 1, 2, 2, 3, 3, 4, 4, 4, 4, undefined, undefined, undefined],
    );
  });
});

describe('impact rules: defaults and table options', function () {
  it('takes a timestamp function with an optional precision as a literal default, and nothing else', function () {
    const yes = ['CURRENT_TIMESTAMP', 'current_timestamp()', 'now()', 'NOW( )', 'now (3)', 'now( 3)', 'now(3 )', 'CURRENT_TIMESTAMP(6)', 'localtime', 'LOCALTIMESTAMP()', ' now() '];
    const no = ['now() + interval 1 day', 'my_now()', 'xnow()', 'now(a)', 'now(', 'curdate()', '1 + 1'];
    assert.deepEqual([...yes, ...no].map(isTimestampDefault), [...yes.map(() => true), ...no.map(() => false)]);
  });

  it('spots a call MySQL deems nondeterministic in an expression', function () {
    const yes = ['RAND()', 'rand (1)', 'uuid()', 'UUID_SHORT()', 'concat(uuid(), a)', 'SYSDATE()', 'user()', 'last_insert_id()', 'current_user()'];
    // The statement's clock and connection replicate with it: MySQL accepts them (seen on 9.7).
    const no = ['b + 1', 'grand(1)', 'random_col', 'concat(a, b)', 'user_id * 2', 'now() + 1', 'utc_timestamp()', 'UNIX_TIMESTAMP(NOW(6)) * 1000', 'connection_id()'];
    assert.deepEqual([...yes, ...no].map(isNondeterministic), [...yes.map(() => true), ...no.map(() => false)]);
  });

  it('knows the table options that only change metadata, by name', function () {
    const yes = ['STATS_PERSISTENT=1', 'STATS_AUTO_RECALC=0', 'STATS_SAMPLE_PAGES=20', 'MAX_ROWS=10', 'MIN_ROWS=1', 'AVG_ROW_LENGTH=100', 'PACK_KEYS=1', 'CHECKSUM=1', 'TABLE_CHECKSUM=1', 'DELAY_KEY_WRITE=1'];
    const no = ['PAGE_CHECKSUM=1', "ENCRYPTION='Y'", 'STATS_PERSISTENT', 'INSERT_METHOD=LAST'];
    assert.deepEqual([...yes, ...no].map(isMetadataOption), [...yes.map(() => true), ...no.map(() => false)]);
  });
});

describe('impact rules: facts about a table', function () {
  const column = (name: string, extra = ''): ColumnFacts => ({ name, columnType: 'int', dataType: 'int', nullable: true, default: null, extra, charset: null, collation: null, maxChars: null, maxBytes: null, position: 1 });
  const table = (more: Partial<TableFacts>): TableFacts => ({
    schema: 's', name: 't', source: 'live', engine: 'InnoDB', rowFormat: 'dynamic', charset: 'utf8mb4', collation: 'utf8mb4_general_ci', rows: 1, dataBytes: 0, indexBytes: 0,
    columns: [column('id'), column('a'), column('b')], indexes: [], foreignKeys: [], totalRowVersions: 0, partitioned: false, hasFulltext: false, hiddenFtsDocId: false,
    ...more,
  });
  const idx = (name: string, primary: boolean, ...columns: Array<string | null>) => ({
    name, primary, unique: primary, type: 'BTREE', visible: true,
    columns: columns.map((c) => (c === null ? { name: null, prefix: null, expression: '(`a` + 1)' } : { name: c, prefix: null })),
  });

  it('knows which columns an index or the primary key uses, in any case, past a functional key part', function () {
    const t = table({ indexes: [idx('PRIMARY', true, 'id', 'a'), idx('kx', false, null, 'b'), idx('kab', false, 'a', 'B')] });
    assert.deepEqual(['id', 'ID', 'a', 'b', 'nope'].map((c) => isIndexed(t, c)), [true, true, true, true, false]);
    assert.deepEqual(['id', 'ID', 'a', 'b'].map((c) => inPrimaryKey(t, c)), [true, true, true, false]);
    assert.deepEqual([isIndexed(table({}), 'a'), inPrimaryKey(table({ indexes: [idx('kid', false, 'id')] }), 'id')], [false, false]);
  });

  it('sees FTS_DOC_ID from a FULLTEXT index, the hidden column, or a column of that name in any case', function () {
    assert.deepEqual(
      [
        hasFtsDocId(table({})),
        hasFtsDocId(table({ hasFulltext: true })),
        hasFtsDocId(table({ hiddenFtsDocId: true })),
        hasFtsDocId(table({ columns: [column('id'), column('fts_doc_id')] })),
        hasFtsDocId(table({ columns: [column('id'), column('FTS_DOC_ID')] })),
        hasFtsDocId(table({ columns: [column('fts_doc'), column('doc_id')] })),
      ],
      [false, true, true, true, true, false],
    );
  });

  it('reads whether a column is generated from its EXTRA, in both servers\' words', function () {
    assert.deepEqual(
      ['virtual generated', 'stored generated', 'persistent generated', '', 'auto_increment', 'default_generated', 'default_generated on update current_timestamp'].map((e) => generatedKind(column('g', e))),
      ['virtual', 'stored', 'stored', null, null, null, null],
    );
  });
});
