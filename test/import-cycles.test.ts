// No module of src/ may import itself through others: in ESM a cycle hands one of its modules a
// half-initialised namespace (a `const` read before it is set throws at load time, or only on the
// path that loads the cycle from the other end), and it means two layers lean on each other. Only
// imports that exist at run time count: `import type` and `export type` vanish when compiled, a
// dynamic `import('./x.js')` does not.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { importCycles, importGraph } from './helpers/import-graph.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

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
