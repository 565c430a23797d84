// The three layers, checked on the module graph: the core (src/core) is pure, so tests can hand it
// plain objects and nothing in it can reach a server, AWS, GitHub or a shell; adapters never reach
// into the CLI; only the CLI composes everything. A file that breaks a rule is named with what it loads.
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { importGraph, packageImports } from './helpers/import-graph.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const src = path.join(root, 'src');

/** Packages the core must not load: drivers, SDKs, CI and chat clients, processes and sockets. */
const NOT_IN_CORE = /^(mysql2|@aws-sdk\/|@smithy\/|@actions\/|@slack\/|(node:)?(child_process|net|tls|http|https|dgram))(\/|$)/;

describe('layers', () => {
  it('the core loads no driver, SDK, CI or Slack client, process or socket', () => {
    const bad = [...packageImports(src)]
      .filter(([file]) => file.startsWith('core/'))
      .flatMap(([file, specs]) => specs.filter((s) => NOT_IN_CORE.test(s)).map((s) => `${file} loads ${s}`));
    assert.deepEqual(bad, []);
  });

  it('the core loads nothing from adapters or cli, and adapters nothing from cli', () => {
    const bad = [...importGraph(src)].flatMap(([file, deps]) =>
      deps
        .filter((d) => (file.startsWith('core/') && (d.startsWith('adapters/') || d.startsWith('cli/'))) || (file.startsWith('adapters/') && d.startsWith('cli/')))
        .map((d) => `${file} loads ${d}`),
    );
    assert.deepEqual(bad, []);
  });
});
