// Paths in manifests name regular files inside the repository, in one spelling: what each refused
// spelling or file reads as, and what a SQL file that cannot be used still gives its change.
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { checksum } from '../src/core/checksum.js';
import { checkRelativePath, SqlFiles } from '../src/core/manifest/paths.js';

describe('manifest: the spelling of a path', () => {
  const CASES: Array<[string, [string, string] | undefined]> = [
    ['/etc/x.sql', ['CG050', '"/etc/x.sql" is an absolute path; write it relative to the repository root']],
    ['\\\\server\\share\\x.sql', ['CG050', '"\\\\server\\share\\x.sql" is an absolute path; write it relative to the repository root']],
    ['C:x.sql', ['CG050', '"C:x.sql" is an absolute path; write it relative to the repository root']],
    ['C:/x.sql', ['CG050', '"C:/x.sql" is an absolute path; write it relative to the repository root']],
    ['migrations/a:b.sql', undefined],
    ['m\\x.sql', ['CG051', '"m\\x.sql" uses \\; separate folders with /']],
    ['..', ['CG051', '".." leaves the repository; paths must stay inside it']],
    ['m/../../x.sql', ['CG051', '"m/../../x.sql" leaves the repository; paths must stay inside it']],
    ['m/../x.sql', ['CG051', '"m/../x.sql" contains ".."; write "x.sql"']],
    ['m/./x.sql', ['CG051', '"m/./x.sql" is not in normal form; write "m/x.sql"']],
    ['m//x.sql', ['CG051', '"m//x.sql" is not in normal form; write "m/x.sql"']],
    ['m/x/', ['CG051', '"m/x/" is not in normal form; write "m/x"']],
    ['m/x.sql', undefined],
  ];
  for (const [p, expected] of CASES) {
    it(`${p}: ${expected ? expected[0] : 'accepted'}`, () => {
      const problem = checkRelativePath(p);
      assert.deepEqual(problem && [problem.code, problem.message], expected);
    });
  }
});

describe('manifest: reading a SQL file of the repository', () => {
  let base: string;
  let root: string;
  const write = (rel: string, content: string | Buffer) => {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), content);
  };
  beforeEach(() => {
    base = mkdtempSync(path.join(tmpdir(), 'cg-paths-'));
    root = path.join(base, 'repo');
    mkdirSync(root);
  });
  afterEach(() => rmSync(base, { recursive: true, force: true }));

  const problem = (files: SqlFiles, rel: string) => {
    const r = files.read(rel);
    return r.ok ? 'ok' : `${r.problem.code} ${r.problem.message}`;
  };

  it('says which reference cannot be read, and why', () => {
    write('m/x.sql', 'SELECT 1;\n');
    mkdirSync(path.join(root, 'm/dir.sql'));
    writeFileSync(path.join(base, 'outside.sql'), 'SELECT 1;\n');
    mkdirSync(path.join(base, 'outdir'));
    writeFileSync(path.join(base, 'outdir/x.sql'), 'SELECT 1;\n');
    symlinkSync(path.join(base, 'outside.sql'), path.join(root, 'm/out.sql'));
    symlinkSync(path.join(base, 'outdir'), path.join(root, 'outlink'));
    symlinkSync('loop.sql', path.join(root, 'm/loop.sql'));
    mkdirSync(path.join(root, 'real'));
    writeFileSync(path.join(root, 'real/y.sql'), 'SELECT 2;\n');
    symlinkSync(path.join(root, 'real'), path.join(root, 'inlink'));
    symlinkSync(path.join(root, 'real/y.sql'), path.join(root, 'm/in.sql'));
    const files = new SqlFiles(root);
    assert.deepEqual(
      ['nope/x.sql', 'nope/deeper/x.sql', 'm/none.sql', 'm/dir.sql', 'm/out.sql', 'outlink/x.sql', 'm/loop.sql', 'm/x.sql/y.sql', 'inlink/y.sql', 'm/in.sql', 'm/x.sql', '/m/x.sql']
        .map((rel) => problem(files, rel)),
      [
        'CG052 nope/x.sql does not exist',
        'CG052 nope/deeper/x.sql does not exist',
        'CG052 m/none.sql does not exist',
        'CG053 m/dir.sql is a directory; name a file',
        'CG054 m/out.sql resolves outside the repository through a symbolic link',
        'CG054 outlink/x.sql resolves outside the repository through a symbolic link',
        'CG053 m/loop.sql is a symbolic link loop',
        'CG052 m/x.sql/y.sql does not exist',
        'ok',
        'ok',
        'ok',
        'CG050 "/m/x.sql" is an absolute path; write it relative to the repository root',
      ],
    );
  });

  it('gives a file that is not UTF-8, does not split or holds no statement no statements to run, and reports each once', () => {
    write('m/latin1.sql', Buffer.from([0x53, 0x45, 0x4c, 0xe9, 0x0a]));
    write('m/open.sql', "SELECT 'unterminated;\n");
    write('m/empty.sql', '-- nothing here\n');
    write('m/ok.sql', 'SELECT 1;\nSELECT 2;\n');
    const files = new SqlFiles(root);
    const read = (rel: string) => {
      const r = files.read(rel);
      assert.ok(r.ok);
      return [r.file.path, r.file.content === '' ? '' : 'content', r.file.checksum === checksum(r.file.content), r.statements.length, r.usable];
    };
    assert.deepEqual(read('m/latin1.sql'), ['m/latin1.sql', '', true, 0, false]);
    assert.deepEqual(read('m/open.sql'), ['m/open.sql', 'content', true, 0, false]);
    assert.deepEqual(read('m/empty.sql'), ['m/empty.sql', 'content', true, 0, false]);
    assert.deepEqual(read('m/ok.sql'), ['m/ok.sql', 'content', true, 2, true]);
    read('m/latin1.sql');
    read('m/empty.sql');
    assert.deepEqual(files.diagnostics.map((d) => [d.code, d.file, d.line, d.column, d.message.split(';')[0]]), [
      ['CG004', 'm/latin1.sql', 1, 4, 'is not valid UTF-8 (first bad byte at line 1, column 4)'],
      ['CG010', 'm/open.sql', 1, 8, "unterminated string literal (') that begins here"],
      ['CG056', 'm/empty.sql', 1, 1, 'has no SQL statements'],
    ]);
  });
});
