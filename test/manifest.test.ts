// Manifests: YAML positions, ids, path spelling, the dependency graph, loading a repository into
// fully filled Changes (statements, checksums), and `changegate new`.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { checksum, combinedChecksum } from '../src/core/checksum.js';
import { UsageError } from '../src/core/errors.js';
import { changeChecksum, manifestChecksum } from '../src/core/manifest/change.js';
import { formatDiagnostic } from '../src/core/manifest/format.js';
import { dependencyOrder, findCycles } from '../src/core/manifest/graph.js';
import { formatDate, idProblem } from '../src/core/manifest/ids.js';
import { checkRelativePath } from '../src/core/manifest/paths.js';
import { loadRepository } from '../src/core/manifest/repository.js';
import { fieldPath, YamlSource } from '../src/core/manifest/yaml.js';
import { scaffoldChange, schemaReference } from '../src/core/scaffold.js';
import { validateRepository } from '../src/core/validate.js';

describe('YamlSource', () => {
  const src = YamlSource.parse('changes/a.yaml', '# c\ntitle: x\nverify:\n  - name: n\n    expect:\napply: [a.sql, "b.sql"]\n');

  it('finds the value, or with key the key, of a path', () => {
    assert.deepEqual(src.position(['title']), { line: 2, column: 8 });
    assert.deepEqual(src.position(['title'], true), { line: 2, column: 1 });
    assert.deepEqual(src.position(['verify', 0, 'name']), { line: 4, column: 11 });
    assert.deepEqual(src.position(['apply', 1]), { line: 6, column: 16 });
  });

  it('falls back to the deepest node that exists', () => {
    assert.deepEqual(src.position(['verify', 0, 'sql']), { line: 4, column: 5 });
    assert.deepEqual(src.position(['apply', 7]), { line: 6, column: 8 });
  });

  it('points an empty value at the end of its key', () => {
    assert.deepEqual(src.position(['verify', 0, 'expect']), { line: 5, column: 12 });
  });

  it('reports the first syntax error with the parser position, and every duplicate key', () => {
    const bad = YamlSource.parse('c.yaml', 'a: 1\nb: [1, 2\nc: 3\n');
    assert.equal(bad.data, undefined);
    assert.deepEqual(bad.diagnostics.map(formatDiagnostic), ['c.yaml:3:1  CG002  Flow sequence in block collection must be sufficiently indented and end with a ]']);
    const dup = YamlSource.parse('c.yaml', 'a: 1\nb: 2\na: 3\n"b": 4\n');
    assert.deepEqual(dup.diagnostics.map(formatDiagnostic), [
      'c.yaml:3:1  CG002  the key "a" appears twice in the same mapping',
      'c.yaml:4:1  CG002  the key "b" appears twice in the same mapping',
    ]);
  });

  it('keeps parser warnings as CG003 warnings and still gives the data', () => {
    const w = YamlSource.parse('c.yaml', 'a: !custom 1\n');
    assert.deepEqual(w.diagnostics.map((d) => `${d.severity} ${formatDiagnostic(d)}`), ['warning c.yaml:1:4  CG003  Unresolved tag: !custom']);
    assert.deepEqual(w.data, { a: '1' });
    assert.ok(w.ok);
  });

  it('names a second document instead of the parser API', () => {
    const m = YamlSource.parse('c.yaml', 'a: 1\n---\nb: 2\n');
    assert.deepEqual(m.diagnostics.map(formatDiagnostic), ['c.yaml:2:1  CG002  holds more than one YAML document (a second "---" line); keep one document per file']);
  });

  it('formats field paths with dots and indexes', () => {
    assert.equal(fieldPath(['verify', 0, 'expect']), 'verify[0].expect');
    assert.equal(fieldPath(['environments', 'prod', 'after']), 'environments.prod.after');
    assert.equal(fieldPath([]), '');
  });
});

describe('change ids', () => {
  it('accepts YYYY-MM-DD-slug with a real date', () => {
    for (const id of ['2026-11-24-add-invoice-due-date', '2024-02-29-leap', '2026-01-01-a1']) assert.equal(idProblem(id), undefined, id);
  });
  it('rejects other spellings and unreal dates', () => {
    assert.equal(idProblem('2026-11-24_add')?.kind, 'format');
    assert.equal(idProblem('2026-11-24-Add')?.kind, 'format');
    assert.equal(idProblem('2026-11-24-add--x')?.kind, 'format');
    assert.equal(idProblem('2026-11-24')?.kind, 'format');
    assert.equal(idProblem('2025-02-29-x')?.message, '"2025-02-29-x" starts with 2025-02-29, which is not a real date');
    assert.equal(idProblem('2026-13-01-x')?.kind, 'date');
    assert.equal(idProblem('2026-04-31-x')?.kind, 'date');
  });
  it('formats the local calendar day', () => {
    assert.equal(formatDate(new Date(2026, 10, 4, 23, 59)), '2026-11-04');
  });
});

describe('checkRelativePath', () => {
  const table: [string, string | undefined][] = [
    ['migrations/a/up.sql', undefined],
    ['up.sql', undefined],
    ['/etc/passwd', '"/etc/passwd" is an absolute path; write it relative to the repository root'],
    ['C:/sql/up.sql', '"C:/sql/up.sql" is an absolute path; write it relative to the repository root'],
    ['../x.sql', '"../x.sql" leaves the repository; paths must stay inside it'],
    ['a/../../x.sql', '"a/../../x.sql" leaves the repository; paths must stay inside it'],
    ['a/../b.sql', '"a/../b.sql" contains ".."; write "b.sql"'],
    ['./a.sql', '"./a.sql" is not in normal form; write "a.sql"'],
    ['a//b.sql', '"a//b.sql" is not in normal form; write "a/b.sql"'],
    ['a\\b.sql', '"a\\b.sql" uses \\; separate folders with /'],
  ];
  for (const [p, message] of table) {
    it(JSON.stringify(p), () => assert.equal(checkRelativePath(p)?.message, message));
  }
});

describe('dependency graph', () => {
  const n = (id: string, ...deps: string[]) => ({ id, depends_on: deps });

  it('finds each cycle once, from its smallest id', () => {
    const nodes = [n('a', 'b'), n('b', 'c'), n('c', 'a'), n('d', 'd'), n('e', 'a'), n('f', 'g'), n('g', 'f')];
    assert.deepEqual(findCycles(nodes), [['a', 'b', 'c', 'a'], ['d', 'd'], ['f', 'g', 'f']]);
  });

  it('prints a shortest cycle through the smallest id', () => {
    const nodes = [n('a', 'x', 'b'), n('x', 'y'), n('y', 'a'), n('b', 'a')];
    assert.deepEqual(findCycles(nodes), [['a', 'b', 'a']]);
  });

  it('orders dependencies first, then by id; unknown ids are ignored', () => {
    const nodes = [n('2026-01-05-e'), n('2026-01-01-a', '2026-01-03-c'), n('2026-01-03-c'), n('2026-01-02-b', 'nope')];
    assert.deepEqual(dependencyOrder(nodes).map((x) => x.id), ['2026-01-02-b', '2026-01-03-c', '2026-01-01-a', '2026-01-05-e']);
  });

  it('places changes caught in a cycle last, by id', () => {
    const nodes = [n('c', 'b'), n('b', 'c'), n('a'), n('d', 'b')];
    assert.deepEqual(dependencyOrder(nodes).map((x) => x.id), ['a', 'b', 'c', 'd']);
  });

  it('is linear: 20,000 chained changes', () => {
    const nodes = Array.from({ length: 20000 }, (_, i) => n(String(i).padStart(6, '0'), ...(i > 0 ? [String(i - 1).padStart(6, '0')] : [])));
    assert.deepEqual(findCycles(nodes), []);
    assert.equal(dependencyOrder([...nodes].reverse())[19999]!.id, '019999');
  });
});

describe('loadRepository', () => {
  let root: string;
  const write = (rel: string, text: string) => {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  };
  const manifest = (extra = '') =>
    `title: Add t\nticket: INV-7\nowner: "@me"\ndestructive: false\napply:\n  - m/1.sql\n  - m/2.sql\nverify:\n  - name: t exists\n    sql: SELECT 1\n    expect: 1\n${extra}`;

  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'cg-manifest-'));
    write('changegate.yaml', 'database: d\nticket_pattern: "^INV-[0-9]+$"\nenvironments:\n  local: { url_env: X }\n');
    write('changes/2026-11-05-add-t.yaml', manifest());
    write('m/1.sql', 'CREATE TABLE t (id INT PRIMARY KEY);\nCREATE TABLE u (id INT PRIMARY KEY);\n');
    write('m/2.sql', '-- second file\nCREATE INDEX ix ON t (id);\n');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('fills every field of a Change', () => {
    const { changes, diagnostics, config } = loadRepository(root);
    assert.deepEqual(diagnostics, []);
    assert.equal(config?.database, 'd');
    const [c] = changes;
    assert.ok(c);
    assert.equal(c.id, '2026-11-05-add-t');
    assert.equal(c.file, 'changes/2026-11-05-add-t.yaml');
    assert.equal(c.owner, '@me');
    assert.equal(c.environments, undefined);
    assert.deepEqual(c.depends_on, []);
    assert.deepEqual(c.lint, { ignore: [] });
    assert.deepEqual(c.verify, [{ name: 't exists', sql: 'SELECT 1', expect: 1, line: 9 }]);
    assert.deepEqual(c.apply.map((f) => f.path), ['m/1.sql', 'm/2.sql']);
    assert.deepEqual(c.statements.map((s) => [s.file, s.line]), [['m/1.sql', 1], ['m/1.sql', 2], ['m/2.sql', 2]]);
    assert.deepEqual(c.rollbackStatements, []);
    const manifestSum = manifestChecksum({ apply: ['m/1.sql', 'm/2.sql'], destructive: false, verify: [{ name: 't exists', sql: 'SELECT 1', expect: 1 }] });
    assert.deepEqual(c.fileChecksums, {
      'changes/2026-11-05-add-t.yaml': manifestSum,
      'm/1.sql': checksum(readFileSync(path.join(root, 'm/1.sql'), 'utf8')),
      'm/2.sql': checksum(readFileSync(path.join(root, 'm/2.sql'), 'utf8')),
    });
    assert.equal(c.checksum, changeChecksum(c.file, manifestSum, c.apply));
    assert.equal(c.checksum, combinedChecksum([
      { name: c.file, checksum: manifestSum },
      { name: 'm/1.sql', checksum: c.fileChecksums['m/1.sql']! },
      { name: 'm/2.sql', checksum: c.fileChecksums['m/2.sql']! },
    ]));
  });

  it('keeps the checksum through documentation edits, a new rollback and line-ending changes', () => {
    const before = loadRepository(root).changes[0]!.checksum;
    write('changes/2026-11-05-add-t.yaml', `# why: INV-7\n${manifest('rollback: [m/down.sql]\nenvironments: [local]\n').replace('Add t', 'Add table t').replace('@me', '@you')}`);
    write('m/down.sql', 'DROP TABLE u;\nDROP TABLE t;\n');
    write('m/1.sql', 'CREATE TABLE t (id INT PRIMARY KEY);  \r\nCREATE TABLE u (id INT PRIMARY KEY);\r\n\r\n');
    const after = loadRepository(root).changes[0]!;
    assert.equal(after.checksum, before);
    assert.equal(after.rollbackStatements.length, 2);
  });

  it('changes the checksum when SQL, apply order, verify or the destructive flag change', () => {
    const base = loadRepository(root).changes[0]!.checksum;
    const variants: [string, () => void][] = [
      ['sql', () => write('m/2.sql', 'CREATE INDEX ix2 ON t (id);\n')],
      ['order', () => write('changes/2026-11-05-add-t.yaml', manifest().replace('  - m/1.sql\n  - m/2.sql', '  - m/2.sql\n  - m/1.sql'))],
      ['verify', () => write('changes/2026-11-05-add-t.yaml', manifest().replace('expect: 1', 'expect: 2'))],
      ['destructive', () => write('changes/2026-11-05-add-t.yaml', manifest().replace('destructive: false', 'destructive: true'))],
    ];
    for (const [what, edit] of variants) {
      const saved = { m: readFileSync(path.join(root, 'changes/2026-11-05-add-t.yaml'), 'utf8'), s: readFileSync(path.join(root, 'm/2.sql'), 'utf8') };
      edit();
      assert.notEqual(loadRepository(root).changes[0]!.checksum, base, what);
      write('changes/2026-11-05-add-t.yaml', saved.m);
      write('m/2.sql', saved.s);
    }
  });

  it('reads a file shared by two changes once and orders changes by dependency', () => {
    write('changes/2026-11-01-base.yaml', 'title: base\nticket: INV-1\ndestructive: false\napply: [m/1.sql]\n');
    write('changes/2026-11-05-add-t.yaml', manifest('depends_on: [2026-11-01-base]\n'));
    const { changes, diagnostics } = loadRepository(root);
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(changes.map((c) => c.id), ['2026-11-01-base', '2026-11-05-add-t']);
    assert.equal(changes[0]!.apply[0], changes[1]!.apply[0]);
  });

  it('accepts a symlink that stays inside the repository', () => {
    // A relative link inside the temp repo: realpath lands inside, so it is allowed.
    rmSync(path.join(root, 'm/2.sql'));
    write('m/real2.sql', 'CREATE INDEX ix ON t (id);\n');
    symlinkSync('real2.sql', path.join(root, 'm/2.sql'));
    assert.deepEqual(loadRepository(root).diagnostics, []);
  });
});

describe('scaffoldChange (changegate new)', () => {
  let root: string;
  const today = new Date(2026, 10, 24, 9, 30);
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'cg-new-'));
    writeFileSync(path.join(root, 'changegate.yaml'), 'database: d\nticket_pattern: "^INV-[0-9]+$"\nenvironments:\n  local: { url_env: X }\n');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('writes a manifest and SQL files that validate as written', () => {
    const written = scaffoldChange(root, 'add-invoice-notes', 'INV-42', today);
    assert.deepEqual(written, {
      manifest: 'changes/2026-11-24-add-invoice-notes.yaml',
      up: 'migrations/2026-11-24-add-invoice-notes/up.sql',
      down: 'migrations/2026-11-24-add-invoice-notes/down.sql',
    });
    const text = readFileSync(path.join(root, written.manifest), 'utf8');
    assert.equal(text.split('\n')[0], '# yaml-language-server: $schema=../node_modules/changegate/schema/change.schema.json');
    const result = validateRepository(root);
    assert.deepEqual(result.diagnostics.map(formatDiagnostic), []);
    assert.equal(result.exitCode, 0);
    const [c] = result.changes;
    assert.equal(c?.title, 'Add invoice notes');
    assert.equal(c?.ticket, 'INV-42');
    assert.equal(c?.destructive, false);
    assert.equal(c?.rollback.length, 1);
  });

  it('dates a change after the last one when today would sort before it (a baseline written today), and it validates', () => {
    mkdirSync(path.join(root, 'changes'), { recursive: true });
    mkdirSync(path.join(root, 'migrations/2026-11-24-baseline'), { recursive: true });
    writeFileSync(path.join(root, 'migrations/2026-11-24-baseline/up.sql'), 'CREATE TABLE film (id INT PRIMARY KEY);\n');
    writeFileSync(path.join(root, 'changes/2026-11-24-baseline.yaml'), 'title: Baseline\nticket: INV-1\ndestructive: false\nbaseline: true\napply:\n  - migrations/2026-11-24-baseline/up.sql\n');
    const written = scaffoldChange(root, 'add-film-subtitle', 'INV-2', today);
    assert.deepEqual(written, {
      manifest: 'changes/2026-11-25-add-film-subtitle.yaml',
      up: 'migrations/2026-11-25-add-film-subtitle/up.sql',
      down: 'migrations/2026-11-25-add-film-subtitle/down.sql',
      after: '2026-11-24-baseline',
    });
    const result = validateRepository(root);
    assert.deepEqual(result.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic), []);
    // Across a month and a year.
    writeFileSync(path.join(root, 'changes/2026-12-31-year-end.yaml'), 'title: y\n');
    assert.equal(scaffoldChange(root, 'after-new-year', 'INV-4', today).manifest, 'changes/2027-01-01-after-new-year.yaml');
  });

  it('refuses to overwrite, and writes nothing then', () => {
    scaffoldChange(root, 'add-invoice-notes', 'INV-42', today);
    writeFileSync(path.join(root, 'migrations/2026-11-24-add-invoice-notes/up.sql'), 'ALTER TABLE t ADD COLUMN n INT, ALGORITHM=INSTANT;\n');
    assert.throws(() => scaffoldChange(root, 'add-invoice-notes', 'INV-42', today), (e: unknown) =>
      e instanceof UsageError && e.message === 'changes/2026-11-24-add-invoice-notes.yaml already exists; changegate new never overwrites a file');
    assert.match(readFileSync(path.join(root, 'migrations/2026-11-24-add-invoice-notes/up.sql'), 'utf8'), /ALGORITHM=INSTANT/);
    rmSync(path.join(root, 'changes/2026-11-24-add-invoice-notes.yaml'));
    assert.throws(() => scaffoldChange(root, 'add-invoice-notes', 'INV-42', today), /^UsageError: migrations\/2026-11-24-add-invoice-notes\/up.sql already exists; changegate new never overwrites a file$/);
    assert.ok(!existsSync(path.join(root, 'changes/2026-11-24-add-invoice-notes.yaml')));
  });

  it('checks the slug and the ticket', () => {
    assert.throws(() => scaffoldChange(root, 'Add_Notes', 'INV-42', today), (e: unknown) =>
      e instanceof UsageError && e.message === '"Add_Notes" is not a valid slug: use lowercase letters, digits and single hyphens (add-invoice-due-date)');
    assert.throws(() => scaffoldChange(root, 'add-notes', 'JIRA-1', today), (e: unknown) =>
      e instanceof UsageError && e.message === 'ticket "JIRA-1" does not match ticket_pattern ^INV-[0-9]+$');
    assert.ok(!existsSync(path.join(root, 'changes')));
  });

  it('refuses when changegate.yaml is invalid', () => {
    writeFileSync(path.join(root, 'changegate.yaml'), 'database: d\n');
    assert.throws(() => scaffoldChange(root, 'add-notes', 'INV-1', today), (e: unknown) =>
      e instanceof UsageError && e.message === 'changegate.yaml has errors; run changegate validate (first: changegate.yaml:1:1  environments  is required)');
  });

  it('points $schema at the repository copy when the package is not installed but schema/ is there', () => {
    assert.equal(schemaReference(root), '../node_modules/changegate/schema/change.schema.json');
    mkdirSync(path.join(root, 'schema'));
    writeFileSync(path.join(root, 'schema/change.schema.json'), '{}');
    assert.equal(schemaReference(root), '../schema/change.schema.json');
  });
});
