// No module of src/ may import itself through others: in ESM a cycle hands one of its modules a
// half-initialised namespace (a `const` read before it is set throws at load time, or only on the
// path that loads the cycle from the other end), and it means two layers lean on each other. Only
// imports that exist at run time count: `import type` and `export type` vanish when compiled, a
// dynamic `import('./x.js')` does not.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

// A static `import ... from` / `export ... from` / bare `import '...'` at the start of a line (not
// `import type` or `export type`), or a dynamic `import('...')` anywhere; relative specifiers only.
const STATIC = /^[ \t]*(?:import|export)\s+(?!type\b)(?:[^'";]*?\bfrom\s*)?['"](\.{1,2}\/[^'"]+)['"]/gm;
const DYNAMIC = /\bimport\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

/** Every .ts file under `dir`, as paths relative to `dir` with forward slashes. */
function sources(dir: string, under = ''): string[] {
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
    for (const m of [...text.matchAll(STATIC), ...text.matchAll(DYNAMIC)]) {
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), m[1]!));
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

describe('import cycles', () => {
  it('src/ has none', () => {
    const graph = importGraph(path.join(root, 'src'));
    assert.ok(graph.size > 100, `read only ${graph.size} files under src/`);
    const cycles = importCycles(graph);
    assert.deepEqual(cycles, [], `import cycle${cycles.length === 1 ? '' : 's'} in src/ (break each by moving what both sides need into a module of its own):\n  ${cycles.join('\n  ')}`);
  });

  describe('the graph it checks', () => {
    let dir: string;
    const write = (files: Record<string, string>) => {
      for (const [name, text] of Object.entries(files)) {
        mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
        writeFileSync(path.join(dir, name), text);
      }
    };
    beforeEach(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'cg-cycles-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('names a cycle through a static, a re-export and a dynamic import, shortest path first', () => {
      write({
        'core/a.ts': "import { b } from './b.js';\nexport const a = b;\n",
        'core/b.ts': "export * from '../cli/c.js';\nexport const b = 1;\n",
        'cli/c.ts': 'export async function c() {\n  return import(\'../core/a.js\');\n}\n',
        'cli/d.ts': "import {\n  a,\n} from '../core/a.js';\nexport const d = a;\n",
      });
      assert.deepEqual(importCycles(importGraph(dir)), ['cli/c.ts → core/a.ts → core/b.ts → cli/c.ts']);
    });

    it('leaves out imports that vanish when compiled, and sees a bare side-effect import', () => {
      write({
        'a.ts': "import type { B } from './b.js';\nexport type { C } from './c.js';\nexport const a: B | undefined = undefined;\n",
        'b.ts': "import { a } from './a.js';\nexport type B = typeof a;\n",
        'c.ts': "import './d.js';\nexport type C = 1;\n",
        'd.ts': "import './c.js';\n",
      });
      assert.deepEqual(importCycles(importGraph(dir)), ['c.ts → d.ts → c.ts']);
    });

    it('names a module that imports itself, and each of two cycles', () => {
      write({
        'self.ts': "import { x } from './self.js';\nexport const y = x;\nexport const x = 1;\n",
        'p/index.ts': "import { q } from '../q.js';\nexport const p = q;\n",
        'q.ts': "import { p } from './p/index.js';\nexport const q = p;\n",
      });
      assert.deepEqual(importCycles(importGraph(dir)), ['p/index.ts → q.ts → p/index.ts', 'self.ts → self.ts']);
    });
  });
});
