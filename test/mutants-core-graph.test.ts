// The depends_on graph as pure functions: the apply order (each change after the ones it depends
// on, otherwise by id) and the cycles it reports (one per strongly connected set, the shortest one
// through its smallest id).
import { strict as assert } from 'node:assert';
import { checkDependencies, dependencyOrder, findCycles, type GraphNode } from '../src/core/manifest/graph.js';
import { YamlSource } from '../src/core/manifest/yaml.js';

const graph = (spec: Record<string, string[]>): GraphNode[] => Object.entries(spec).map(([id, depends_on]) => ({ id, depends_on }));

// [what, graph, apply order, cycles]
const CASES: Array<[string, Record<string, string[]>, string[], string[][]]> = [
  ['changes without dependencies apply by id, whatever order they come in',
    { h: [], g: [], k: [], e: [], f: [], d: [], j: [], c: [], b: [], i: [], a: [] }, ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k'], []],
  ['a change waits for the one it depends on, even one with a later id', { a: [], b: ['c'], c: [] }, ['a', 'c', 'b'], []],
  ['a chain applies in its order', { a: [], b: ['a'], c: ['a', 'b'], d: ['c', 'b'], e: ['d'] }, ['a', 'b', 'c', 'd', 'e'], []],
  ['changes in a cycle follow the rest, by id', { x: ['y'], y: ['x'], z: [] }, ['z', 'x', 'y'], [['x', 'y', 'x']]],
  ['the cycle printed is a shortest one through the smallest id', { a: ['b', 'c'], b: ['c'], c: ['a'] }, ['a', 'b', 'c'], [['a', 'c', 'a']]],
  ['a change that depends on itself is a cycle but waits for nothing; unknown ids are left to their own check',
    { c: ['c'], a: ['zz'], b: ['b', 'a'] }, ['a', 'b', 'c'], [['b', 'b'], ['c', 'c']]],
  ['two cycles are reported apart, by their smallest id', { d: ['e'], e: ['d'], a: ['b'], b: ['a'], m: [] }, ['m', 'a', 'b', 'd', 'e'], [['a', 'b', 'a'], ['d', 'e', 'd']]],
  ['a change that depends on itself still takes its place by id', { a: ['a'], b: [] }, ['a', 'b'], [['a', 'a']]],
  ['changes caught in cycles follow by id, whatever order they come in', { y: ['x'], x: ['y'], w: ['v'], v: ['w'] }, ['v', 'w', 'x', 'y'], [['v', 'w', 'v'], ['x', 'y', 'x']]],
  ['a longer cycle is printed from its smallest id', { q: ['r'], r: ['s'], s: ['p'], p: ['q'] }, ['p', 'q', 'r', 's'], [['p', 'q', 'r', 's', 'p']]],
];

describe('manifest: the depends_on graph', () => {
  for (const [what, spec, order, cycles] of CASES) {
    it(what, () => {
      assert.deepEqual(dependencyOrder(graph(spec)).map((n) => n.id), order);
      assert.deepEqual(findCycles(graph(spec)), cycles);
    });
  }
});

describe('manifest: depends_on entries that cannot hold', () => {
  const nodes = graph({
    '2026-01-01-a': ['2026-01-03-c', 'nope'],
    '2026-01-02-b': ['2026-01-02-c2', '2026-01-01-a'],
    '2026-01-02-c2': ['2026-01-02-b'],
    '2026-01-03-c': [],
    '2026-01-04-d': ['2026-01-04-d'],
    '2026-01-05-e': ['nope'],
  });
  const source = (id: string) =>
    YamlSource.parse(`changes/${id}.yaml`, `title: t\ndepends_on:\n${nodes.find((n) => n.id === id)!.depends_on.map((d) => `  - ${d}\n`).join('')}`);

  it('names an unknown id, a later date, a later id of the same date and each cycle, at the entry; a change without a parsed manifest is passed by', () => {
    const sources = new Map(['2026-01-01-a', '2026-01-02-b', '2026-01-02-c2', '2026-01-04-d'].map((id) => [id, source(id)]));
    assert.deepEqual(checkDependencies(nodes, sources).map((d) => [d.code, d.file, d.line, d.column, d.field, d.message]), [
      ['CG062', 'changes/2026-01-01-a.yaml', 3, 5, 'depends_on[0]', '"2026-01-03-c" is dated after this change (2026-01-03 > 2026-01-01); a change may only depend on earlier ones'],
      ['CG060', 'changes/2026-01-01-a.yaml', 4, 5, 'depends_on[1]', '"nope" is not a change in this repository'],
      ['CG062', 'changes/2026-01-02-b.yaml', 3, 5, 'depends_on[0]', '"2026-01-02-c2" has the same date but sorts after this change; rename one so that ids sort in the order they apply'],
      ['CG061', 'changes/2026-01-02-b.yaml', 3, 5, 'depends_on[0]', 'dependency cycle: 2026-01-02-b -> 2026-01-02-c2 -> 2026-01-02-b'],
      ['CG061', 'changes/2026-01-04-d.yaml', 3, 5, 'depends_on[0]', 'dependency cycle: 2026-01-04-d -> 2026-01-04-d'],
    ]);
  });
});
