// validate over the bad-input corpus (test/fixtures/bad/<case>/expected.json) and the example repo.
// Validation findings are asserted in full, word for word and in order; lint and splitter findings
// (owned by their own tests) only where a case names them.
import assert from 'node:assert/strict';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CODES } from '../src/core/manifest/codes.js';
import { formatDiagnostic, validateRepository } from '../src/core/validate.js';
import type { Diagnostic } from '../src/core/types.js';

const repoRoot = path.resolve(fileURLToPath(import.meta.url), '../../..');
const corpus = path.join(repoRoot, 'test/fixtures/bad');
const ownCodes = new Set<string>(Object.values(CODES));

interface Expected {
  description: string;
  exitCode: 0 | 1 | 2;
  diagnostics: Pick<Diagnostic, 'code' | 'severity' | 'file' | 'line' | 'column' | 'field' | 'message'>[];
  others?: Partial<Diagnostic>[];
  symlinks?: Record<string, string>;
}

// Key order as in expected.json, so that a failing deepEqual diff reads like the file.
function own(d: Diagnostic): Expected['diagnostics'][number] {
  return { code: d.code, severity: d.severity, file: d.file, line: d.line, column: d.column, ...(d.field !== undefined ? { field: d.field } : {}), message: d.message };
}

describe('validate: bad-input corpus', () => {
  const cases = readdirSync(corpus, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();

  before(() => {
    // A checkout with core.symlinks=false turns a symlink into a text file holding its target.
    for (const name of cases) {
      const exp = JSON.parse(readFileSync(path.join(corpus, name, 'expected.json'), 'utf8')) as Expected;
      for (const [rel, target] of Object.entries(exp.symlinks ?? {})) {
        const p = path.join(corpus, name, rel);
        let isLink = false;
        try {
          isLink = lstatSync(p).isSymbolicLink();
        } catch {
          // missing: created below
        }
        if (!isLink) {
          rmSync(p, { force: true });
          // A copy that left the link out (the mutation-testing sandbox) has no folder for it either.
          mkdirSync(path.dirname(p), { recursive: true });
          symlinkSync(target, p);
        }
      }
    }
  });

  it('holds at least 40 cases', () => {
    assert.ok(cases.length >= 40, `${cases.length} cases`);
  });

  for (const name of cases) {
    const expected = JSON.parse(readFileSync(path.join(corpus, name, 'expected.json'), 'utf8')) as Expected;
    it(`${name}: ${expected.description}`, () => {
      const result = validateRepository(path.join(corpus, name));
      const mine = result.diagnostics.filter((d) => ownCodes.has(d.code)).map(own);
      assert.deepEqual(mine, expected.diagnostics);
      for (const other of expected.others ?? []) {
        const found = result.diagnostics.some((d) => Object.entries(other).every(([k, v]) => (d as unknown as Record<string, unknown>)[k] === v));
        assert.ok(found, `expected a finding like ${JSON.stringify(other)} in\n${result.diagnostics.map(formatDiagnostic).join('\n')}`);
      }
      assert.equal(result.exitCode, expected.exitCode, result.diagnostics.map(formatDiagnostic).join('\n'));
      assert.equal(result.errors, result.diagnostics.filter((d) => d.severity === 'error').length);
      for (const d of result.diagnostics) {
        assert.ok(d.line >= 1 && d.column >= 1, `position of ${formatDiagnostic(d)}`);
        assert.ok(!path.isAbsolute(d.file), `file of ${formatDiagnostic(d)} is relative`);
      }
    });
  }
});

describe('validate: the example change set', () => {
  it('passes with no errors and orders the changes by dependency and date', () => {
    const result = validateRepository(repoRoot);
    assert.equal(result.errors, 0, result.diagnostics.map(formatDiagnostic).join('\n'));
    assert.equal(result.exitCode, 0);
    // The declared destructive change's lint findings are acknowledged: notices, not warnings.
    assert.equal(result.warnings, 0);
    assert.ok(result.diagnostics.some((d) => d.destructive && d.severity === 'notice' && d.file === 'migrations/2026-11-17-drop-customer-email/up.sql'));
    assert.deepEqual(result.changes.map((c) => c.id), [
      '2026-11-03-create-invoicing-tables',
      '2026-11-10-create-customer-contacts',
      '2026-11-12-backfill-customer-contacts',
      '2026-11-17-drop-customer-email',
      '2026-11-24-add-invoice-due-date',
    ]);
    assert.deepEqual(result.changes.map((c) => c.destructive), [false, false, false, true, false]);
    assert.equal(result.config?.database, 'invoicingdb');
  });
});

describe('validate: results', () => {
  let root: string;
  const write = (rel: string, text: string) => {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  };
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'cg-validate-'));
    write('changegate.yaml', 'database: x\nenvironments:\n  local: { url_env: X }\n');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('reports every problem of every file at once, sorted by file and line', () => {
    write('changes/2026-11-09-b.yaml', 'title: b\nticket: T\ndestructive: false\napply: [missing.sql]\n');
    write('changes/2026-11-08-a.yaml', 'title: a\nticket: T\ndestructive: false\napply: [nope.sql]\nextra: 1\n');
    write('changegate.yaml', 'database: x\nenvironments:\n  local: { url_env: X, snapshot_method: instance }\n');
    const r = validateRepository(root);
    assert.deepEqual(r.diagnostics.map(formatDiagnostic), [
      'changegate.yaml:3:41  environments.local.snapshot_method  cannot be instance for a URL environment: only an AWS instance can be snapshotted; use tables',
      'changes/2026-11-08-a.yaml:5:1  extra  unknown field; expected one of title, ticket, tickets, owner, destructive, apply, verify, rollback, depends_on, environments, baseline, lint',
      'changes/2026-11-09-b.yaml:4:9  apply[0]  missing.sql does not exist',
    ]);
    assert.equal(r.errors, 3);
    assert.equal(r.warnings, 0);
    assert.equal(r.exitCode, 2);
    assert.equal(r.config, undefined);
  });

  it('exits 0 on a valid config with no changes folder', () => {
    const r = validateRepository(root);
    assert.deepEqual(r.diagnostics, []);
    assert.equal(r.exitCode, 0);
    assert.deepEqual(r.changes, []);
  });

  it('honours configFile and changesDir', () => {
    write('db.yaml', 'database: x\nenvironments:\n  local: { url_env: X }\n');
    write('db/changes/2026-11-08-a.yaml', 'title: a\nticket: T\ndestructive: false\napply: [gone.sql]\n');
    const r = validateRepository(root, { configFile: 'db.yaml', changesDir: 'db/changes' });
    assert.deepEqual(r.diagnostics.map(formatDiagnostic), ['db/changes/2026-11-08-a.yaml:4:9  apply[0]  gone.sql does not exist']);
    assert.equal(r.exitCode, 1);
  });

  it('keeps the destructive check when a nolint comment names a destructive code (lint does not suppress those)', () => {
    write('m.sql', '-- changegate:nolint CG101\nDROP TABLE old_t;\n');
    write('changes/2026-11-08-a.yaml', 'title: a\nticket: T\ndestructive: false\napply: [m.sql]\n');
    const codes = validateRepository(root).diagnostics.map((d) => `${d.code} ${d.severity}`);
    assert.ok(codes.includes('CG070 error') && codes.includes('CG101 warning'), codes.join(', '));
  });

  it('reports a SQL file shared by two changes once', () => {
    write('shared.sql', '/* nothing */\n');
    write('changes/2026-11-08-a.yaml', 'title: a\nticket: T\ndestructive: false\napply: [shared.sql]\n');
    write('changes/2026-11-09-b.yaml', 'title: b\nticket: T\ndestructive: false\napply: [shared.sql]\n');
    const r = validateRepository(root);
    assert.deepEqual(r.diagnostics.map(formatDiagnostic), ['shared.sql:1:1  CG056  has no SQL statements; a change file must run at least one']);
  });
});

describe('formatDiagnostic', () => {
  it('puts the field path between location and message', () => {
    assert.equal(
      formatDiagnostic({ code: 'CG012', severity: 'error', file: 'changes/a.yaml', line: 3, column: 14, field: 'verify[0].expect', message: 'must be a number', destructive: false }),
      'changes/a.yaml:3:14  verify[0].expect  must be a number',
    );
  });
  it('puts the code there when the finding has no field (SQL, whole files)', () => {
    assert.equal(
      formatDiagnostic({ code: 'CG101', severity: 'error', file: 'migrations/a/up.sql', line: 7, column: 1, message: 'drops table t', destructive: true }),
      'migrations/a/up.sql:7:1  CG101  drops table t',
    );
  });
});
