// What changegate.yaml says about an environment's shape when it reads wrong: AWS settings in an
// environment that connects through a URL, a snapshot only AWS can take, pull requests behind an
// approval, a URL that does not parse, and after chains that loop (named from the environment
// declared first, whichever environment the chain was entered from).
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/core/manifest/config.js';

// [changegate.yaml, findings as [code, line, column, field, message]]
const CASES: Array<[string, Array<[string, number, number, string, string]>]> = [
  ['database: d\nenvironments:\n  qa: { url_env: X, cluster: c, instance: i, region: r, secret: s, auth: iam, db_user: u, require_rotation: true }\n', [
    ['CG024', 3, 30, 'environments.qa.cluster', 'is an AWS setting, but this environment connects through url_env; use one or the other'],
    ['CG024', 3, 43, 'environments.qa.instance', 'is an AWS setting, but this environment connects through url_env; use one or the other'],
    ['CG024', 3, 43, 'environments.qa.instance', 'give either cluster or instance, not both'],
    ['CG013', 3, 54, 'environments.qa.region', 'must be an AWS region like us-east-2, not the string "r"'],
    ['CG024', 3, 54, 'environments.qa.region', 'is an AWS setting, but this environment connects through url_env; use one or the other'],
    ['CG024', 3, 65, 'environments.qa.secret', 'is an AWS setting, but this environment connects through url_env; use one or the other'],
    ['CG024', 3, 74, 'environments.qa.auth', 'is an AWS setting, but this environment connects through url_env; use one or the other'],
    ['CG024', 3, 88, 'environments.qa.db_user', 'is an AWS setting, but this environment connects through url_env; use one or the other'],
    ['CG024', 3, 109, 'environments.qa.require_rotation', 'is an AWS setting, but this environment connects through url_env; use one or the other'],
  ]],
  ['database: d\nenvironments:\n  qa: { url: "mysql://h/d", secret: s }\n', [
    ['CG024', 3, 37, 'environments.qa.secret', 'is an AWS setting, but this environment connects through url; use one or the other'],
  ]],
  ['database: d\nenvironments:\n  qa: { url: "mysql://h/d", snapshot_method: cluster }\n', [
    ['CG024', 3, 46, 'environments.qa.snapshot_method', 'cannot be cluster for a URL environment: only an AWS cluster can be snapshotted; use tables'],
  ]],
  ['database: d\nenvironments:\n  qa: { url_env: X, pull_requests: true, approval: required }\n', [
    ['CG024', 3, 36, 'environments.qa.pull_requests', 'cannot be true with approval: required: an environment behind an approval (PROD) runs merged changes only'],
  ]],
  ['database: d\nenvironments:\n  qa: { url: "not a url" }\n', [
    ['CG013', 3, 14, 'environments.qa.url', 'must be a mysql:// URL, not the string "not a url"'],
    ['CG024', 3, 14, 'environments.qa.url', 'is not a valid URL'],
  ]],
  ['database: d\nenvironments:\n  a: { url_env: X, after: c }\n  b: { url_env: X, after: a }\n  c: { url_env: X, after: b }\n  d: { url_env: X, after: d }\n', [
    ['CG022', 3, 27, 'environments.a.after', 'the after chain is a cycle: a -> c -> b -> a'],
    ['CG022', 6, 27, 'environments.d.after', 'names the environment itself; the after chain is d -> d'],
  ]],
  ['database: d\nenvironments:\n  x: { url_env: X, after: a }\n  b: { url_env: X, after: a }\n  a: { url_env: X, after: b }\n', [
    ['CG022', 4, 27, 'environments.b.after', 'the after chain is a cycle: b -> a -> b'],
  ]],
];

describe('manifest: the shape of an environment', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'cg-config-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  for (const [text, expected] of CASES) {
    it(JSON.stringify(text.slice(text.indexOf('environments:') + 14)), () => {
      writeFileSync(path.join(root, 'changegate.yaml'), text);
      assert.deepEqual(loadConfig(root).diagnostics.map((d) => [d.code, d.line, d.column, d.field, d.message]), expected);
    });
  }
});
