// Manifest checks no pure test read, written against the mutants `npm run mutate` found alive:
// the `<FILL: ...>` placeholders `changegate init` leaves (only a whole value is one, at any depth),
// and the one baseline a repository may have, which must come first.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/core/manifest/config.js';
import { placeholder } from '../src/core/manifest/placeholders.js';
import { validateRepository } from '../src/core/validate.js';
import type { Diagnostic } from '../src/core/types.js';

const at = (d: Diagnostic) => [d.code, d.severity, d.file, d.line, d.column, d.field, d.message];

describe('manifest: placeholders changegate init leaves', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'cg-mutants-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('reports each whole <FILL: ...> value, in a list or a nested mapping, with its field path', () => {
    writeFileSync(path.join(root, 'changegate.yaml'), [
      `database: "${placeholder('the database')}"`,
      'ticket_pattern: "^INV-[0-9]+$"',
      `protected_clusters: [prod, "${placeholder('the production cluster')}"]`,
      'environments:',
      '  qa: { cluster: "<FILL: the qa\\ncluster>", region: eu-west-1, secret: "x <FILL: y>", schema: "<FILL: a schema> " }',
      '',
    ].join('\n'));
    const found = loadConfig(root).diagnostics.filter((d) => d.code === 'CG080');
    assert.deepEqual(found.map(at), [
      ['CG080', 'error', 'changegate.yaml', 1, 11, 'database', 'is a placeholder that changegate init wrote: fill in the database'],
      ['CG080', 'error', 'changegate.yaml', 3, 28, 'protected_clusters[1]', 'is a placeholder that changegate init wrote: fill in the production cluster'],
      ['CG080', 'error', 'changegate.yaml', 5, 18, 'environments.qa.cluster', 'is a placeholder that changegate init wrote: fill in the qa\ncluster'],
    ]);
  });

  it('finds none in a config without placeholders', () => {
    writeFileSync(path.join(root, 'changegate.yaml'), 'database: d\nenvironments:\n  local: { url_env: X }\n');
    assert.deepEqual(loadConfig(root).diagnostics, []);
  });
});

describe('manifest: one baseline, first', () => {
  let root: string;
  const write = (rel: string, text: string) => {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  };
  const change = (id: string, baseline: boolean | null) => {
    write(`changes/${id}.yaml`, `title: t\nticket: INV-1\ndestructive: false\n${baseline === null ? '' : `baseline: ${baseline}\n`}apply:\n  - m/${id}.sql\n`);
    write(`m/${id}.sql`, `CREATE TABLE t_${id.slice(11)} (id INT PRIMARY KEY);\n`);
  };
  const baselineFindings = () => validateRepository(root).diagnostics.filter((d) => d.code === 'CG081' || d.code === 'CG082').map(at);

  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'cg-mutants-'));
    write('changegate.yaml', 'database: d\nticket_pattern: "^INV-[0-9]+$"\nenvironments:\n  local: { url_env: X }\n');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('names the first baseline in every later one, and every ordinary change dated before it', () => {
    change('2026-11-01-early', false);
    change('2026-11-02-base', true);
    change('2026-11-03-base2', true);
    change('2026-11-04-later', null);
    change('2026-11-05-base3', true);
    assert.deepEqual(baselineFindings(), [
      ['CG082', 'error', 'changes/2026-11-01-early.yaml', 1, 1, undefined, 'sorts before the baseline 2026-11-02-base, which recreates the schema that existed before changegate; date it after the baseline'],
      ['CG081', 'error', 'changes/2026-11-03-base2.yaml', 4, 11, 'baseline', "2026-11-02-base is already this repository's baseline; only one change may say baseline: true (write later work as ordinary changes)"],
      ['CG081', 'error', 'changes/2026-11-05-base3.yaml', 4, 11, 'baseline', "2026-11-02-base is already this repository's baseline; only one change may say baseline: true (write later work as ordinary changes)"],
    ]);
  });

  it('finds nothing with one baseline first, or with none', () => {
    change('2026-11-02-base', true);
    change('2026-11-04-later', false);
    assert.deepEqual(baselineFindings(), []);
    rmSync(path.join(root, 'changes/2026-11-02-base.yaml'));
    change('2026-11-01-early', null);
    assert.deepEqual(baselineFindings(), []);
  });
});
