// The depends_on graph: checked (unknown ids, cycles, dependencies that sort later) and ordered.
// Linear in changes + edges: a repository of thousands of changes is the normal case for a fleet.
import { MinHeap } from '../min-heap.js';
import type { Diagnostic } from '../types.js';
import { CODES, diagnostic } from './codes.js';
import { idDate } from './ids.js';
import type { YamlSource } from './yaml.js';
import { pushAll } from '../arrays.js';

/** What the graph needs of a change. */
export interface GraphNode {
  id: string;
  depends_on: string[];
}

/**
 * Checks every depends_on entry: it names a change, that change sorts before this one (an earlier
 * date, or the same date and an earlier id), and the graph has no cycle. `sources` gives positions.
 */
export function checkDependencies(nodes: GraphNode[], sources: Map<string, YamlSource>): Diagnostic[] {
  const out: Diagnostic[] = [];
  const byId = new Map(nodes.map((n) => [n.id, n]));
  for (const n of nodes) {
    const src = sources.get(n.id);
    if (!src) continue;
    n.depends_on.forEach((dep, i) => {
      const at = src.position(['depends_on', i]);
      const field = `depends_on[${i}]`;
      if (!byId.has(dep)) {
        out.push(diagnostic(CODES.unknownDependency, src.file, at, field, `"${dep}" is not a change in this repository`));
      } else if (dep === n.id) {
        // Reported as a cycle below.
      } else if (idDate(dep) > idDate(n.id)) {
        out.push(diagnostic(CODES.dependsOnLater, src.file, at, field, `"${dep}" is dated after this change (${idDate(dep)} > ${idDate(n.id)}); a change may only depend on earlier ones`));
      } else if (dep > n.id) {
        out.push(diagnostic(CODES.dependsOnLater, src.file, at, field, `"${dep}" has the same date but sorts after this change; rename one so that ids sort in the order they apply`));
      }
    });
  }
  for (const cycle of findCycles(nodes, byId)) {
    const first = cycle[0]!;
    const src = sources.get(first);
    if (!src) continue;
    const i = byId.get(first)!.depends_on.indexOf(cycle[1]!);
    out.push(diagnostic(CODES.dependencyCycle, src.file, src.position(['depends_on', i]), `depends_on[${i}]`, `dependency cycle: ${cycle.join(' -> ')}`));
  }
  return out;
}

/**
 * One cycle per strongly connected component, as ids from its smallest id back to itself
 * (`a -> b -> a`). Tarjan's algorithm, iterative so that long chains cannot overflow the stack.
 */
export function findCycles(nodes: GraphNode[], byId: Map<string, GraphNode> = new Map(nodes.map((n) => [n.id, n]))): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let next = 0;
  const edges = (id: string) => (byId.get(id)?.depends_on ?? []).filter((d) => byId.has(d));

  for (const root of nodes) {
    if (index.has(root.id)) continue;
    const work: { id: string; edges: string[]; i: number }[] = [];
    const open = (id: string) => {
      index.set(id, next);
      low.set(id, next);
      next++;
      stack.push(id);
      onStack.add(id);
      work.push({ id, edges: edges(id), i: 0 });
    };
    open(root.id);
    while (work.length > 0) {
      const top = work[work.length - 1]!;
      if (top.i < top.edges.length) {
        const w = top.edges[top.i++]!;
        if (!index.has(w)) open(w);
        else if (onStack.has(w)) low.set(top.id, Math.min(low.get(top.id)!, index.get(w)!));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.id, Math.min(low.get(parent.id)!, low.get(top.id)!));
      if (low.get(top.id) === index.get(top.id)) {
        const comp: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          comp.push(w);
        } while (w !== top.id);
        const selfLoop = comp.length === 1 && edges(comp[0]!).includes(comp[0]!);
        if (comp.length > 1 || selfLoop) components.push(comp);
      }
    }
  }

  return components
    .map((comp) => {
      const members = new Set(comp);
      const start = [...comp].sort()[0]!;
      return shortestCycle(start, members, edges);
    })
    .sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
}

// Breadth-first inside the component, so the printed cycle is a shortest one through `start`.
function shortestCycle(start: string, members: Set<string>, edges: (id: string) => string[]): string[] {
  const prev = new Map<string, string>();
  const queue = [start];
  for (let q = 0; q < queue.length; q++) {
    const cur = queue[q]!;
    for (const w of [...edges(cur)].sort()) {
      if (!members.has(w)) continue;
      if (w === start) {
        const path = [cur];
        while (path[0] !== start) path.unshift(prev.get(path[0]!)!);
        return [...path, start];
      }
      if (!prev.has(w)) {
        prev.set(w, cur);
        queue.push(w);
      }
    }
  }
  return [start, start];
}

/**
 * Changes in apply order: every change after the ones it depends on, otherwise by id (so by date).
 * Changes caught in a cycle (already reported) follow the rest, by id.
 */
export function dependencyOrder<T extends GraphNode>(nodes: T[]): T[] {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const waiting = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const n of nodes) {
    const deps = new Set(n.depends_on.filter((d) => byId.has(d) && d !== n.id));
    waiting.set(n.id, deps.size);
    for (const d of deps) {
      let list = dependents.get(d);
      if (!list) dependents.set(d, (list = []));
      list.push(n.id);
    }
  }
  // Ids are compared as strings; with well-formed ids that is date order, then slug.
  const ready = new MinHeap<string>();
  for (const n of nodes) if (waiting.get(n.id) === 0) ready.push(n.id);
  const out: T[] = [];
  const placed = new Set<string>();
  while (ready.size > 0) {
    const id = ready.pop()!;
    out.push(byId.get(id)!);
    placed.add(id);
    for (const d of dependents.get(id) ?? []) {
      const left = waiting.get(d)! - 1;
      waiting.set(d, left);
      if (left === 0) ready.push(d);
    }
  }
  if (out.length < nodes.length) {
    pushAll(out, nodes.filter((n) => !placed.has(n.id)).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)));
  }
  return out;
}
