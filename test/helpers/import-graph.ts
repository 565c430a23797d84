// The module graph of a source tree as it exists at run time, read from the text of its .ts files:
// static `import`/`export ... from`, bare `import '...'` and dynamic `import('...')` count; `import
// type` and `export type` do not, since they vanish when compiled. For the import-cycle and layer tests.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

// A static `import ... from` / `export ... from` / bare `import '...'` at the start of a line (not
// `import type` or `export type`), or a dynamic `import('...')` anywhere.
const STATIC = /^[ \t]*(?:import|export)\s+(?!type\b)(?:[^'";]*?\bfrom\s*)?['"]([^'"]+)['"]/gm;
const DYNAMIC = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Every specifier a file loads at run time, relative or not, in order of appearance. */
function specifiers(text: string): string[] {
  return [...text.matchAll(STATIC), ...text.matchAll(DYNAMIC)].map((m) => m[1]!);
}

/** Every .ts file under `dir`, as paths relative to `dir` with forward slashes. */
export function sources(dir: string, under = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(path.join(dir, under), { withFileTypes: true })) {
    const rel = under ? `${under}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...sources(dir, rel));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(rel);
  }
  return out.sort();
}

/** The value-import graph of the .ts files under `dir`: file → the files it loads at run time. */
export function importGraph(dir: string): Map<string, string[]> {
  const files = sources(dir);
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const text = readFileSync(path.join(dir, file), 'utf8');
    const deps = new Set<string>();
    for (const spec of specifiers(text)) {
      if (!spec.startsWith('./') && !spec.startsWith('../')) continue;
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec));
      const hit = [target.replace(/\.js$/, '.ts'), `${target}.ts`, `${target}/index.ts`].find((c) => known.has(c));
      if (hit) deps.add(hit);
    }
    graph.set(file, [...deps].sort());
  }
  return graph;
}

/** Each set of files that import one another in a circle, as one cycle through them: `a.ts → b.ts → a.ts`. */
export function importCycles(graph: Map<string, string[]>): string[] {
  // Tarjan's strongly connected components; a component of two or more files, or a file importing itself, holds a cycle.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1 || (graph.get(v) ?? []).includes(v)) components.push(comp.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return components.sort((a, b) => (a[0]! < b[0]! ? -1 : 1)).map((comp) => shortestCycle(graph, comp[0]!, new Set(comp)).join(' → '));
}

/** The shortest path from `start` back to itself inside one component (breadth first), for the message. */
function shortestCycle(graph: Map<string, string[]>, start: string, inside: Set<string>): string[] {
  const from = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift()!;
    for (const w of graph.get(v) ?? []) {
      if (!inside.has(w)) continue;
      if (w === start) {
        const path = [start];
        for (let u = v; u !== start; u = from.get(u)!) path.unshift(u);
        return [start, ...path];
      }
      if (!from.has(w)) {
        from.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}

/** The packages and built-in modules each .ts file under `dir` loads at run time (`mysql2/promise`, `node:fs`, ...). */
export function packageImports(dir: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const file of sources(dir)) {
    const specs = specifiers(readFileSync(path.join(dir, file), 'utf8')).filter((s) => !s.startsWith('./') && !s.startsWith('../'));
    out.set(file, [...new Set(specs)].sort());
  }
  return out;
}
