// The backup fields of changegate.yaml: defaults per kind of target, and contradictions reported at
// their file, line and field.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/core/manifest/config.js';
import { formatDiagnostic } from '../src/core/manifest/format.js';

describe('config: instance, snapshot_method, backup_schema, backup_max_rows', () => {
  let root: string;
  const load = (text: string) => {
    writeFileSync(path.join(root, 'changegate.yaml'), text);
    return loadConfig(root);
  };
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'cg-bkconfig-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('defaults the method from the target: cluster, instance, or tables for a URL', () => {
    const { config, diagnostics } = load(
      'database: d\nenvironments:\n  a: { cluster: c1, region: us-east-2, secret: s, schema: x }\n  b: { instance: db1, region: us-east-2, secret: s, schema: x }\n' +
        '  c: { url_env: U, snapshot: destructive, backup_schema: bk, backup_max_rows: 50 }\n',
    );
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(
      config!.environments.map((e) => [e.name, e.snapshot, e.snapshot_method, e.backup_schema, e.backup_max_rows, e.instance ?? null]),
      [
        ['a', 'destructive', 'cluster', 'changegate_backup', 1000000, null],
        ['b', 'destructive', 'instance', 'changegate_backup', 1000000, 'db1'],
        ['c', 'destructive', 'tables', 'bk', 50, null],
      ],
    );
  });

  it('reports every contradiction at its field', () => {
    const { config, diagnostics } = load(
      'database: d\nprotected_clusters: [corpdb]\nenvironments:\n' +
        '  a: { cluster: c1, instance: db1, region: us-east-2, secret: s, schema: x }\n' +
        '  b: { instance: db1, region: us-east-2, secret: s, schema: x, snapshot_method: cluster }\n' +
        '  c: { url_env: U, snapshot_method: instance, schema: app, backup_schema: app }\n' +
        '  d: { instance: corpdb, region: us-east-2, secret: s, schema: x }\n' +
        '  e: { region: us-east-2, secret: s, schema: x }\n',
    );
    assert.equal(config, undefined);
    assert.deepEqual(diagnostics.map(formatDiagnostic), [
      'changegate.yaml:4:31  environments.a.instance  give either cluster or instance, not both',
      'changegate.yaml:5:81  environments.b.snapshot_method  is cluster, but this environment is an RDS instance; use instance or tables',
      'changegate.yaml:6:37  environments.c.snapshot_method  cannot be instance for a URL environment: only an AWS instance can be snapshotted; use tables',
      'changegate.yaml:6:75  environments.c.backup_schema  is the schema the changes run in (app); backups go to a schema of their own',
      'changegate.yaml:7:18  environments.d.instance  "corpdb" is in protected_clusters; changegate never connects to it',
      'changegate.yaml:8:3  environments.e.cluster  or instance is required for an AWS environment (an Aurora cluster or an RDS instance), unless url_env or url is given',
    ]);
  });
});
