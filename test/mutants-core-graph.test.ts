// The depends_on graph as pure functions: the apply order (each change after the ones it depends
// on, otherwise by id) and the cycles it reports (one per strongly connected set, the shortest one
// through its smallest id).
import { strict as assert } from 'node:assert';
import { dependencyOrder, findCycles, type GraphNode } from '../src/core/manifest/graph.js';

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
