// Manifest checks called directly: the one baseline a repository may have (whatever order the
// changes come in, with or without a parsed manifest to point into), and placeholders next to
// values of every YAML kind.
import { strict as assert } from 'node:assert';
import { baselineDiagnostics } from '../src/core/manifest/baseline.js';
import { placeholderDiagnostics } from '../src/core/manifest/placeholders.js';
import { YamlSource } from '../src/core/manifest/yaml.js';
import type { Change, Diagnostic } from '../src/core/types.js';

const at = (d: Diagnostic) => [d.code, d.file, d.line, d.column, d.field, d.message];

describe('manifest: one baseline, first (in any order given)', () => {
  const change = (id: string, baseline?: boolean) => ({ id, file: `changes/${id}.yaml`, ...(baseline === undefined ? {} : { baseline }) }) as Change;
  const second = (first: string) => `${first} is already this repository's baseline; only one change may say baseline: true (write later work as ordinary changes)`;
  const before = (first: string) => `sorts before the baseline ${first}, which recreates the schema that existed before changegate; date it after the baseline`;

  it('names the baseline with the smallest id in the others, at their baseline field when the manifest was parsed', () => {
    const changes = [change('2026-11-05-b3', true), change('2026-11-01-early', false), change('2026-11-03-b2', true), change('2026-11-02-base', true), change('2026-11-04-later')];
    const sources = new Map([['2026-11-05-b3', YamlSource.parse('changes/2026-11-05-b3.yaml', 'title: t\nbaseline: true\n')]]);
    assert.deepEqual(baselineDiagnostics(changes, sources).map(at), [
      ['CG081', 'changes/2026-11-03-b2.yaml', 1, 1, 'baseline', second('2026-11-02-base')],
      ['CG081', 'changes/2026-11-05-b3.yaml', 2, 11, 'baseline', second('2026-11-02-base')],
      ['CG082', 'changes/2026-11-01-early.yaml', 1, 1, undefined, before('2026-11-02-base')],
    ]);
  });

  it('finds nothing without a baseline', () => {
    assert.deepEqual(baselineDiagnostics([change('2026-11-02-b'), change('2026-11-01-a', false)], new Map()), []);
  });
});

describe('manifest: placeholders among values of every kind', () => {
  it('walks past nulls, numbers and booleans to the placeholders', () => {
    const src = YamlSource.parse('changegate.yaml', 'a: null\nb: 3\nc: true\nd: [~, "<FILL: x>"]\ne: { f: null, g: "<FILL: y>" }\n');
    assert.deepEqual(placeholderDiagnostics(src).map(at), [
      ['CG080', 'changegate.yaml', 4, 8, 'd[1]', 'is a placeholder that changegate init wrote: fill in x'],
      ['CG080', 'changegate.yaml', 5, 18, 'e.g', 'is a placeholder that changegate init wrote: fill in y'],
    ]);
  });
});
