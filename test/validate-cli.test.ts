// The bad-input corpus through the real executable, in every format: the exit code (1 a finding,
// 2 a configuration error), the file and line of each finding in what the user reads, and never a stack trace.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from './helpers/cli.js';

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
