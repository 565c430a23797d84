import { strict as assert } from 'node:assert';
import { splitSql } from '../src/core/sql/split.js';
import type { Statement } from '../src/core/types.js';

function sqls(text: string): string[] {
  const r = splitSql('m.sql', text);
  assert.deepEqual(r.errors, []);
  return r.statements.map((s) => s.sql);
}

function at(s: Statement): string {
  return `${s.line}:${s.column}`;
}

describe('splitSql', () => {
  describe('delimiters and quoting', () => {
    it('splits on ; and trims each statement', () => {
      assert.deepEqual(sqls('SELECT 1;  SELECT 2 ;\n\nSELECT 3'), ['SELECT 1', 'SELECT 2', 'SELECT 3']);
    });
    it('keeps ; inside a single-quoted string', () => {
      assert.deepEqual(sqls("INSERT INTO t VALUES ('a;b');SELECT 2;"), ["INSERT INTO t VALUES ('a;b')", 'SELECT 2']);
    });
    it("keeps ; after a doubled '' inside a string", () => {
      assert.deepEqual(sqls("SELECT 'it''s; fine';SELECT 2"), ["SELECT 'it''s; fine'", 'SELECT 2']);
    });
    it("keeps ; after a backslash-escaped \\' inside a string", () => {
      assert.deepEqual(sqls("SELECT 'it\\'s; fine';SELECT 2"), ["SELECT 'it\\'s; fine'", 'SELECT 2']);
    });
    it('an escaped backslash before the closing quote ends the string', () => {
      assert.deepEqual(sqls("SELECT 'a\\\\';SELECT 2"), ["SELECT 'a\\\\'", 'SELECT 2']);
    });
    it('keeps ; inside a double-quoted string with "" and \\" escapes', () => {
      assert.deepEqual(sqls('SELECT "a"";\\";b";SELECT 2'), ['SELECT "a"";\\";b"', 'SELECT 2']);
    });
    it('keeps ; inside a backtick identifier with a doubled backtick', () => {
      assert.deepEqual(sqls('CREATE TABLE `a``;b` (x INT);SELECT 2'), ['CREATE TABLE `a``;b` (x INT)', 'SELECT 2']);
    });
    it('a backslash does not escape inside a backtick identifier', () => {
      assert.deepEqual(sqls('SELECT `a\\`;SELECT 2'), ['SELECT `a\\`', 'SELECT 2']);
    });
    it('quotes of one kind inside another do not count', () => {
      assert.deepEqual(sqls('SELECT "it\'s;", \'say "hi;"\', `it\'s`;SELECT 2'), ['SELECT "it\'s;", \'say "hi;"\', `it\'s`', 'SELECT 2']);
    });
    it('strings may span lines', () => {
      assert.deepEqual(sqls("INSERT INTO t VALUES ('a\n;b');\nSELECT 2"), ["INSERT INTO t VALUES ('a\n;b')", 'SELECT 2']);
    });
  });

  describe('comments', () => {
    it('keeps ; inside a -- comment', () => {
      assert.deepEqual(sqls('SELECT 1 -- no; split\n, 2;SELECT 3'), ['SELECT 1 -- no; split\n, 2', 'SELECT 3']);
    });
    it('--x without whitespace is not a comment', () => {
      assert.deepEqual(sqls('SELECT 5--1;SELECT 2'), ['SELECT 5--1', 'SELECT 2']);
    });
    it('-- followed by a tab or the end of the line is a comment', () => {
      assert.deepEqual(sqls('SELECT 1 --\t;x\n;SELECT 2 --\n;'), ['SELECT 1 --\t;x', 'SELECT 2 --']);
    });
    it('keeps ; inside a # comment', () => {
      assert.deepEqual(sqls('SELECT 1 # no; split\n;SELECT 2'), ['SELECT 1 # no; split', 'SELECT 2']);
    });
    it('keeps ; inside a /* */ comment spanning lines', () => {
      assert.deepEqual(sqls('SELECT /* a;\n b; */ 1;SELECT 2'), ['SELECT /* a;\n b; */ 1', 'SELECT 2']);
    });
    it('keeps ; inside a /*! */ executable comment', () => {
      assert.deepEqual(sqls('CREATE TABLE t (a INT) /*!50100 PARTITION BY HASH(a); */;SELECT 2'), ['CREATE TABLE t (a INT) /*!50100 PARTITION BY HASH(a); */', 'SELECT 2']);
    });
    it('quotes inside comments do not open strings', () => {
      assert.deepEqual(sqls("SELECT 1 -- it's\n;/* don't */SELECT 2 # `x\n;"), ['SELECT 1 -- it\'s', 'SELECT 2 # `x']);
    });
    it('comment markers inside strings do not open comments', () => {
      assert.deepEqual(sqls("SELECT '-- x', '/* y', '#z';SELECT 2"), ["SELECT '-- x', '/* y', '#z'", 'SELECT 2']);
    });
    it('a statement that is only an executable comment is kept (mysqldump headers)', () => {
      assert.deepEqual(sqls('/*!40101 SET NAMES utf8mb4 */;\n/* just a note */;\nSELECT 1;'), ['/*!40101 SET NAMES utf8mb4 */', 'SELECT 1']);
    });
    it('comments before a statement go to leadingComments, not into sql', () => {
      const r = splitSql('m.sql', '-- changegate:nolint CG201\n/* two */\nUSE x;');
      assert.equal(r.statements[0]!.sql, 'USE x');
      assert.equal(r.statements[0]!.leadingComments, '-- changegate:nolint CG201\n/* two */');
    });
    it('a comment after the delimiter on the same line belongs to that statement', () => {
      const r = splitSql('m.sql', 'USE a; -- changegate:nolint CG202\nUSE b;\n');
      assert.equal(r.statements[0]!.leadingComments, '-- changegate:nolint CG202');
      assert.equal(r.statements[1]!.leadingComments, undefined);
    });
    it('a comment between two statements on one line belongs to the second', () => {
      const r = splitSql('m.sql', 'USE a; /* x */ USE b;');
      assert.equal(r.statements[0]!.leadingComments, undefined);
      assert.equal(r.statements[1]!.leadingComments, '/* x */');
    });
    it('comments after the last statement are dropped', () => {
      const r = splitSql('m.sql', 'SELECT 1;\n-- the end\n');
      assert.equal(r.statements.length, 1);
      assert.equal(r.statements[0]!.leadingComments, undefined);
    });
  });

  describe('empty statements', () => {
    it('drops empty statements, blank files and comment-only files', () => {
      assert.deepEqual(sqls(';;  ;\n;SELECT 1;;'), ['SELECT 1']);
      assert.deepEqual(sqls(''), []);
      assert.deepEqual(sqls('  \n\t\n'), []);
      assert.deepEqual(sqls('-- nothing\n/* here */\n# at all\n'), []);
    });
    it('keeps the last statement without a delimiter', () => {
      assert.deepEqual(sqls('SELECT 1;\nSELECT 2\n'), ['SELECT 1', 'SELECT 2']);
    });
  });

  describe('DELIMITER', () => {
    it('splits a procedure body on the new delimiter and is not itself a statement', () => {
      const text = [
        'DELIMITER //',
        'CREATE PROCEDURE archive_old()',
        'BEGIN',
        "  DELETE FROM invoices WHERE status = 'void;';",
        '  SELECT ROW_COUNT();',
        'END //',
        'DELIMITER ;',
        'CALL archive_old();',
      ].join('\n');
      const r = splitSql('m.sql', text);
      assert.deepEqual(r.errors, []);
      assert.deepEqual(r.statements.map((s) => s.sql), [
        "CREATE PROCEDURE archive_old()\nBEGIN\n  DELETE FROM invoices WHERE status = 'void;';\n  SELECT ROW_COUNT();\nEND",
        'CALL archive_old()',
      ]);
      assert.deepEqual(r.statements.map(at), ['2:1', '8:1']);
    });
    it('splits a trigger body, with a lower-case delimiter command and $$', () => {
      const text = 'delimiter $$\nCREATE TRIGGER t_bi BEFORE INSERT ON t FOR EACH ROW\nBEGIN\n  SET NEW.a = 1;\n  SET NEW.b = 2;\nEND$$\ndelimiter ;\nSELECT 1;';
      assert.deepEqual(sqls(text), ['CREATE TRIGGER t_bi BEFORE INSERT ON t FOR EACH ROW\nBEGIN\n  SET NEW.a = 1;\n  SET NEW.b = 2;\nEND', 'SELECT 1']);
    });
    it('splits an event body, with an indented DELIMITER line and a two-character delimiter', () => {
      const text = '  DELIMITER ;;\nCREATE EVENT purge ON SCHEDULE EVERY 1 DAY DO\nBEGIN\n  DELETE FROM log WHERE at < NOW() - INTERVAL 30 DAY;\nEND;;\n  DELIMITER ;\nSELECT 1;';
      assert.deepEqual(sqls(text), ['CREATE EVENT purge ON SCHEDULE EVERY 1 DAY DO\nBEGIN\n  DELETE FROM log WHERE at < NOW() - INTERVAL 30 DAY;\nEND', 'SELECT 1']);
    });
    it('several statements may share a custom delimiter', () => {
      assert.deepEqual(sqls('DELIMITER //\nSELECT 1; SELECT 2//SELECT 3//\nDELIMITER ;\n'), ['SELECT 1; SELECT 2', 'SELECT 3']);
    });
    it('the delimiter is not recognized inside strings or comments', () => {
      assert.deepEqual(sqls("DELIMITER //\nSELECT '//' -- //\n, 2 /* // *///\n"), ["SELECT '//' -- //\n, 2 /* // */"]);
    });
    it('a quoted delimiter argument and trailing text on the DELIMITER line', () => {
      assert.deepEqual(sqls("DELIMITER '$$' ignored\nSELECT 1$$\nDELIMITER ;\n"), ['SELECT 1']);
    });
    it('DELIMITER inside a statement (a column named delimiter) is not a command', () => {
      assert.deepEqual(sqls('CREATE TABLE t (\ndelimiter VARCHAR(4)\n);'), ['CREATE TABLE t (\ndelimiter VARCHAR(4)\n)']);
    });
    it('a word that only starts with delimiter is not a command', () => {
      assert.deepEqual(sqls('delimiters_seen;'), ['delimiters_seen']);
    });
    it('keeps comments before a DELIMITER line for the next statement', () => {
      const r = splitSql('m.sql', '-- changegate:nolint CG203\nDELIMITER //\nCREATE PROCEDURE p() SELECT 1//');
      assert.equal(r.statements[0]!.leadingComments, '-- changegate:nolint CG203');
    });
    it('DELIMITER without an argument is an error', () => {
      const r = splitSql('m.sql', 'SELECT 1;\nDELIMITER\nSELECT 2;');
      assert.deepEqual(r.errors, [{
        code: 'CG010', severity: 'error', file: 'm.sql', line: 2, column: 1, destructive: false,
        message: 'DELIMITER must be followed by the new delimiter (DELIMITER // or DELIMITER ;)',
      }]);
      assert.deepEqual(r.statements.map((s) => s.sql), ['SELECT 1', 'SELECT 2']);
    });
    it('a DELIMITER with a backslash is an error', () => {
      const r = splitSql('m.sql', 'DELIMITER \\\\\n');
      assert.equal(r.errors[0]!.message, 'a DELIMITER cannot contain a backslash');
    });
  });

  describe('positions', () => {
    it('line and column of the first non-blank, non-comment character', () => {
      const r = splitSql('db/m.sql', '-- header\n\n   /* c */  SELECT 1; SELECT\n2;\n\t# x\n\tINSERT INTO t VALUES (1)');
      assert.deepEqual(r.statements.map(at), ['3:13', '3:23', '6:2']);
      assert.equal(r.statements[0]!.file, 'db/m.sql');
    });
    it('a string spanning lines moves the next statement down', () => {
      const r = splitSql('m.sql', "SELECT 'a\nb\nc';\nSELECT 2;");
      assert.deepEqual(r.statements.map(at), ['1:1', '4:1']);
    });
    it('an executable comment starts a statement where it is', () => {
      const r = splitSql('m.sql', '  /*!40101 SET NAMES utf8mb4 */;');
      assert.deepEqual(r.statements.map(at), ['1:3']);
    });
    it('CRLF line ends count as one line and stay out of the statement ends', () => {
      const r = splitSql('m.sql', 'SELECT 1;\r\n-- c\r\n  SELECT\r\n 2 ;\r\nSELECT 3\r\n');
      assert.deepEqual(r.statements.map(at), ['1:1', '3:3', '5:1']);
      assert.deepEqual(r.statements.map((s) => s.sql), ['SELECT 1', 'SELECT\r\n 2', 'SELECT 3']);
      assert.equal(r.statements[1]!.leadingComments, '-- c');
    });
    it('a BOM is skipped and does not count as a column', () => {
      const r = splitSql('m.sql', '\uFEFFSELECT 1;\nSELECT 2;');
      assert.deepEqual(r.statements.map((s) => s.sql), ['SELECT 1', 'SELECT 2']);
      assert.deepEqual(r.statements.map(at), ['1:1', '2:1']);
    });
    it('a BOM before a DELIMITER line still lets it start the line', () => {
      assert.deepEqual(sqls('\uFEFFDELIMITER //\nSELECT 1; SELECT 2//'), ['SELECT 1; SELECT 2']);
    });
  });

  describe('unterminated', () => {
    const cg010 = (line: number, column: number, message: string) => ({
      code: 'CG010', severity: 'error', file: 'm.sql', line, column, message, destructive: false,
    });
    it('a single-quoted string, at the line where it began', () => {
      const r = splitSql('m.sql', "SELECT 1;\nINSERT INTO t VALUES\n  ('abc);\nSELECT 2;\n");
      assert.deepEqual(r.errors, [cg010(3, 4, "unterminated string literal (') that begins here")]);
      assert.deepEqual(r.statements.map((s) => s.sql), ['SELECT 1']);
    });
    it('a double-quoted string', () => {
      const r = splitSql('m.sql', 'SELECT "abc\\";');
      assert.deepEqual(r.errors, [cg010(1, 8, 'unterminated string literal (") that begins here')]);
    });
    it('a backtick identifier', () => {
      const r = splitSql('m.sql', 'SELECT 1;\r\nCREATE TABLE `t (a INT);');
      assert.deepEqual(r.errors, [cg010(2, 14, 'unterminated quoted identifier (`) that begins here')]);
    });
    it('a block comment', () => {
      const r = splitSql('m.sql', 'SELECT 1;\n\n  /* never\nclosed; SELECT 2;');
      assert.deepEqual(r.errors, [cg010(3, 3, 'unterminated comment that begins here')]);
      assert.deepEqual(r.statements.map((s) => s.sql), ['SELECT 1']);
    });
    it('an executable comment inside a statement', () => {
      const r = splitSql('m.sql', 'SELECT /*!50000 1;');
      assert.deepEqual(r.errors, [cg010(1, 8, 'unterminated comment that begins here')]);
      assert.deepEqual(r.statements, []);
    });
    it('a line comment at the end of the file is not unterminated', () => {
      assert.deepEqual(sqls('SELECT 1; -- bye'), ['SELECT 1']);
    });
  });

  it('splits 20,000 statements across 2,000 files quickly', () => {
    const file = Array.from({ length: 10 }, (_, k) =>
      `-- step ${k}\nALTER TABLE invoices ADD COLUMN c${k} VARCHAR(20) NOT NULL DEFAULT 'a;b' COMMENT "x", ALGORITHM=INSTANT; /* done */\n`,
    ).join('');
    const t0 = process.hrtime.bigint();
    let count = 0;
    for (let f = 0; f < 2000; f++) count += splitSql(`migrations/${f}/up.sql`, file).statements.length;
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    assert.equal(count, 20000);
    // Not a timing assertion (CI machines vary): a guard against an accidentally quadratic scan.
    assert.ok(ms < 5000, `took ${ms} ms`);
  });
});
