// The bad-input corpus through the real executable, in every format: the exit code (1 a finding,
// 2 a configuration error), the file and line of each finding in what the user reads, and never a stack trace.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { localConfig, makeRepo, manifest, runCli, writeFiles } from './helpers/cli.js';

const corpus = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'test', 'fixtures', 'bad');

interface Expected {
  description: string;
  exitCode: number;
  diagnostics: { file: string; line: number; column: number; code: string; message: string }[];
}

describe('validate through the CLI: bad-input corpus', function () {
  this.timeout(120_000);
  const cases = readdirSync(corpus, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();

  for (const name of cases) {
    const expected = JSON.parse(readFileSync(path.join(corpus, name, 'expected.json'), 'utf8')) as Expected;
    it(`${name}: exit ${expected.exitCode}, file and line named, no stack trace`, async () => {
      const cwd = path.join(corpus, name);
      const text = await runCli(['validate'], { cwd });
      assert.equal(text.code, expected.exitCode, text.stdout + text.stderr);
      assert.doesNotMatch(text.stdout + text.stderr, /\n\s+at .+:\d+:\d+\)?\n|this is a bug/);
      for (const d of expected.diagnostics) {
        assert.ok(text.stdout.includes(`${d.file}:${d.line}:${d.column}  `), `${d.file}:${d.line}:${d.column} in\n${text.stdout}`);
        assert.ok(text.stdout.includes(d.message), `${d.message} in\n${text.stdout}`);
      }
      const json = await runCli(['--format', 'json', 'validate'], { cwd });
      assert.equal(json.code, expected.exitCode);
      const doc = JSON.parse(json.stdout) as { diagnostics: { file: string; line: number; code: string }[]; errors: number };
      for (const d of expected.diagnostics) {
        assert.ok(doc.diagnostics.some((x) => x.file === d.file && x.line === d.line && x.code === d.code), `${d.code} at ${d.file}:${d.line}`);
      }
      assert.equal(doc.errors > 0, expected.exitCode !== 0);
    });
  }

  it('annotates findings on their file and line in the github format', async () => {
    const name = 'change-bad-ticket';
    const r = await runCli(['--format', 'github', 'validate'], { cwd: path.join(corpus, name), env: { GITHUB_STEP_SUMMARY: undefined } });
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^::error title=CG040,file=changes\/2026-11-03-create-customers\.yaml,line=2,col=9::"JIRA-12" does not match ticket_pattern \^INV-\[0-9\]\+\$$/m);
    assert.match(r.stdout, /^::error::changegate validate failed \(exit 1\); see the annotations above$/m);
  });
});

describe('validate and lint say nothing a user cannot act on', function () {
  this.timeout(60_000);
  const findings = (stdout: string): string[] => stdout.split('\n').filter((l) => /^\S+:\d+:\d+ {2}\S/.test(l));

  it('gives no lint notice on the baseline changegate wrote (never edited), and still does on a change with the same SQL', async () => {
    const sql = [
      'CREATE TABLE customer (id INT NOT NULL PRIMARY KEY, store_id INT NOT NULL) ENGINE=InnoDB;',
      'CREATE TABLE store (id INT NOT NULL, manager_id INT NOT NULL) ENGINE=InnoDB;',
      'ALTER TABLE customer ADD CONSTRAINT fk_customer_store FOREIGN KEY (store_id) REFERENCES store (id);',
      '',
    ].join('\n');
    const repo = makeRepo({
      'changegate.yaml': localConfig(),
      'changes/2026-12-07-baseline.yaml': 'title: Baseline\nticket: T-1\ndestructive: false\nbaseline: true\napply:\n  - migrations/2026-12-07-baseline/up.sql\n',
      'migrations/2026-12-07-baseline/up.sql': sql,
    });
    try {
      for (const command of ['validate', 'lint']) {
        const text = await runCli([command], { cwd: repo });
        assert.equal(text.code, 0, text.stdout + text.stderr);
        assert.deepEqual(findings(text.stdout), [], `${command}:\n${text.stdout}`);
        const json = await runCli(['--format', 'json', command], { cwd: repo });
        assert.deepEqual(JSON.parse(json.stdout).diagnostics, []);
      }
      writeFiles(repo, { ...manifest('2026-12-08-copy'), 'migrations/2026-12-08-copy/up.sql': sql.replace(/customer/g, 'client').replace(/store/g, 'shop') });
      const text = await runCli(['validate'], { cwd: repo });
      assert.deepEqual(findings(text.stdout), [
        'migrations/2026-12-08-copy/up.sql:2:1  notice CG302  CREATE TABLE `shop` has no PRIMARY KEY: InnoDB then clusters rows on a hidden key, and row-based replication, online schema change tools and any fix of a single row need a real one; add a PRIMARY KEY',
        'migrations/2026-12-08-copy/up.sql:3:1  notice CG301  ALTER TABLE `client` does not state ALGORITHM=INSTANT or ALGORITHM=INPLACE: MySQL may copy the table instead, blocking writes for as long as the copy runs; state the algorithm you expect, so that the statement fails rather than copies',
      ]);
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });

  it('tells a change that declares destructive: true what its statements do, without asking it to declare it', async () => {
    const repo = makeRepo({ 'changegate.yaml': localConfig() });
    try {
      writeFiles(repo, { ...manifest('2026-12-07-drop-rating', { destructive: true }), 'migrations/2026-12-07-drop-rating/up.sql': 'ALTER TABLE film DROP COLUMN rating, ALGORITHM=INSTANT;\n' });
      writeFiles(repo, { ...manifest('2026-12-08-drop-year'), 'migrations/2026-12-08-drop-year/up.sql': 'ALTER TABLE film DROP COLUMN release_year, ALGORITHM=INSTANT;\n' });
      const text = await runCli(['validate'], { cwd: repo });
      assert.equal(text.code, 1, text.stdout + text.stderr);
      assert.deepEqual(findings(text.stdout), [
        'changes/2026-12-08-drop-year.yaml:3:14  error CG070  destructive  is false, but the statement at migrations/2026-12-08-drop-year/up.sql:1 is destructive (CG106); set destructive: true',
        'migrations/2026-12-07-drop-rating/up.sql:1:18  notice CG106  ALTER TABLE `film` DROP COLUMN `rating` deletes the column and every value in it',
        'migrations/2026-12-08-drop-year/up.sql:1:18  warning CG106  ALTER TABLE `film` DROP COLUMN `release_year` deletes the column and every value in it; declare destructive: true so PROD is snapshotted first, or stop using the column first and drop it in a later change',
      ]);
      // A rollback file has nothing to declare; a file linted on its own reads as the change that lists it.
      writeFiles(repo, {
        'changes/2026-12-09-subtitle.yaml': 'title: subtitle\nticket: T-1\ndestructive: false\napply:\n  - migrations/2026-12-09-subtitle/up.sql\nrollback:\n  - migrations/2026-12-09-subtitle/down.sql\n',
        'migrations/2026-12-09-subtitle/up.sql': 'ALTER TABLE film ADD COLUMN subtitle VARCHAR(20) NULL, ALGORITHM=INSTANT;\n',
        'migrations/2026-12-09-subtitle/down.sql': 'ALTER TABLE film DROP COLUMN subtitle, ALGORITHM=INSTANT;\n',
        'scratch.sql': 'ALTER TABLE film DROP COLUMN subtitle, ALGORITHM=INSTANT;\n',
      });
      const files = await runCli(['lint', 'migrations/2026-12-09-subtitle/down.sql', 'migrations/2026-12-07-drop-rating/up.sql', 'scratch.sql'], { cwd: repo });
      assert.deepEqual(findings(files.stdout), [
        'migrations/2026-12-09-subtitle/down.sql:1:18  notice CG106  ALTER TABLE `film` DROP COLUMN `subtitle` deletes the column and every value in it',
        'migrations/2026-12-07-drop-rating/up.sql:1:18  notice CG106  ALTER TABLE `film` DROP COLUMN `rating` deletes the column and every value in it',
        'scratch.sql:1:18  warning CG106  ALTER TABLE `film` DROP COLUMN `subtitle` deletes the column and every value in it; declare destructive: true so PROD is snapshotted first, or stop using the column first and drop it in a later change',
      ]);
      const json = await runCli(['--format', 'json', 'lint'], { cwd: repo });
      assert.deepEqual(JSON.parse(json.stdout).diagnostics[0], {
        code: 'CG106', severity: 'notice', file: 'migrations/2026-12-07-drop-rating/up.sql', line: 1, column: 18,
        message: 'ALTER TABLE `film` DROP COLUMN `rating` deletes the column and every value in it', destructive: true,
      });
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });
});
