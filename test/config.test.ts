// changegate.yaml: loading with defaults, the promotion order, the envs matrix, and the shipped schemas.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/core/manifest/config.js';
import { envMatrix, environmentsInOrder } from '../src/core/manifest/environments.js';
import { formatDiagnostic } from '../src/core/manifest/format.js';
import { schemaUrl } from '../src/core/manifest/schema.js';
import { GENERATED_FILE, validatorSource } from '../scripts/schema-codegen.js';
import type { EnvironmentConfig } from '../src/core/types.js';

const repoRoot = path.resolve(fileURLToPath(import.meta.url), '../../..');

describe('loadConfig', () => {
  let root: string;
  const load = (yaml: string) => {
    writeFileSync(path.join(root, 'changegate.yaml'), yaml);
    return loadConfig(root);
  };
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'cg-config-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('reads the example changegate.yaml with every default filled in', () => {
    const { config, diagnostics } = loadConfig(repoRoot);
    assert.deepEqual(diagnostics, []);
    const defaults = { lock_wait_timeout: 5, lock_retries: 2, lock_timeout: 10, snapshot_timeout: 3600, snapshot_poll_seconds: 10, unreachable_timeout: 60 };
    const backup = { backup_schema: 'changegate_backup', backup_max_rows: 1_000_000 };
    assert.deepEqual(config, {
      root: repoRoot,
      file: 'changegate.yaml',
      database: 'invoicingdb',
      server: { min_version: '8.0' },
      ticket_pattern: '^INV-[0-9]+$',
      protected_clusters: ['prodinvoicingco'],
      environments: [
        { name: 'qa', cluster: 'qainvoicingdb', region: 'us-east-2', secret: 'rds-admin-credentials-qainvoicingdb', auth: 'secret', schema: 'invoicing', snapshot: 'never', approval: 'none', ...defaults, snapshot_method: 'cluster', ...backup, pull_requests: true, line: 7 },
        { name: 'prod', cluster: 'prodinvoicingdb', region: 'us-east-2', secret: 'rds-admin-credentials-prodinvoicingdb', auth: 'secret', schema: 'invoicing', after: 'qa', approval: 'required', snapshot: 'destructive', ...defaults, snapshot_method: 'cluster', ...backup, line: 14 },
        { name: 'local', url_env: 'CHANGEGATE_LOCAL_URL', snapshot: 'never', approval: 'none', ...defaults, snapshot_method: 'tables', ...backup, line: 22 },
      ],
      notify: { slack: { webhook_env: 'SLACK_WEBHOOK_URL', channel: '#invoicing-dev' } },
    });
  });

  it('reads auth: iam with db_user, and require_rotation with auth: secret; URL environments get no auth', () => {
    const { config, diagnostics } = load(
      'database: d\nenvironments:\n  a: { cluster: c1, region: eu-west-1, auth: iam, db_user: changegate_deployer, schema: x }\n' +
        '  b: { cluster: c2, region: eu-west-1, secret: s, require_rotation: true, schema: x }\n  c: { url_env: U }\n',
    );
    assert.deepEqual(diagnostics, []);
    const [a, b, c] = config!.environments as [EnvironmentConfig, EnvironmentConfig, EnvironmentConfig];
    assert.deepEqual([a.auth, a.db_user, a.secret, a.require_rotation], ['iam', 'changegate_deployer', undefined, undefined]);
    assert.deepEqual([b.auth, b.db_user, b.secret, b.require_rotation], ['secret', undefined, 's', true]);
    assert.equal(c.auth, undefined);
  });

  it('reports each way an environment mixes or misses its login fields, with file, line and field', () => {
    const { config, diagnostics } = load(
      [
        'database: d',
        'environments:',
        '  a: { cluster: c1, region: eu-west-1, auth: iam, schema: x }',
        '  b: { cluster: c2, region: eu-west-1, auth: iam, db_user: u, secret: s, require_rotation: true, schema: x }',
        '  c: { cluster: c3, region: eu-west-1, schema: x }',
        '  d: { cluster: c4, region: eu-west-1, secret: s, db_user: u, schema: x }',
        '  e: { url_env: U, auth: iam, db_user: u }',
        '  f: { cluster: c6, region: eu-west-1, auth: token, db_user: "u@%", schema: x }',
        '',
      ].join('\n'),
    );
    assert.equal(config, undefined);
    assert.deepEqual(
      diagnostics.map((d) => `${d.code} ${d.line}:${d.column} ${d.field} ${d.message}`),
      [
        'CG014 3:3 environments.a.db_user is required with auth: iam: the database user the IAM token logs in as',
        'CG024 4:71 environments.b.secret is not used with auth: iam, which logs in with a token and no password; remove secret, or use auth: secret',
        'CG024 4:92 environments.b.require_rotation applies to auth: secret only; an IAM token expires by itself after 15 minutes',
        'CG014 5:3 environments.c.secret is required for an AWS environment with auth: secret (the default); or log in with auth: iam and db_user',
        'CG024 6:60 environments.d.db_user applies to auth: iam only; with auth: secret the user comes from the secret',
        'CG024 7:26 environments.e.auth is an AWS setting, but this environment connects through url_env; use one or the other',
        'CG024 7:40 environments.e.db_user is an AWS setting, but this environment connects through url_env; use one or the other',
        'CG013 8:46 environments.f.auth must be one of iam, secret, not the string "token"',
        'CG013 8:62 environments.f.db_user must be a MySQL user name (letters, digits, _ . $ and -, at most 32), not the string "u@%"',
      ],
    );
  });

  it('defaults snapshot to destructive for AWS environments and never for URL ones, and min_version to 8.0', () => {
    const { config } = load(
      'database: d\nenvironments:\n  a: { cluster: c1, region: eu-west-1, secret: s, schema: x }\n  b: { url: "mysql://localhost:3306/app", tls: { ca_file: ca.pem }, lock_retries: 0 }\n',
    );
    assert.ok(config);
    assert.equal(config.server.min_version, '8.0');
    assert.deepEqual(config.protected_clusters, []);
    const [a, b] = config.environments as [EnvironmentConfig, EnvironmentConfig];
    assert.equal(a.snapshot, 'destructive');
    assert.equal(b.snapshot, 'never');
    assert.deepEqual(b.tls, { ca_file: 'ca.pem' });
    assert.equal(b.lock_retries, 0);
    assert.equal(b.url, 'mysql://localhost:3306/app');
  });

  it('returns no config, and every problem, when the file is invalid', () => {
    const { config, diagnostics } = load(
      'database: d\nticket_pattern: "(["\nenvironments:\n  qa: { cluster: c1, region: us-east-2, secret: s, schema: x, after: prod }\n  prod: { cluster: c2, region: us-east-2, secret: s, schema: x, after: qa, approval: sometimes }\n',
    );
    assert.equal(config, undefined);
    assert.deepEqual(diagnostics.map(formatDiagnostic), [
      'changegate.yaml:2:17  ticket_pattern  is not a valid regular expression: /([/: Unterminated character class',
      'changegate.yaml:4:70  environments.qa.after  the after chain is a cycle: qa -> prod -> qa',
      'changegate.yaml:5:86  environments.prod.approval  must be one of required, risky, none, not the string "sometimes"',
    ]);
  });

  it('never echoes a password from a literal url', () => {
    const { diagnostics } = load('database: d\nenvironments:\n  local: { url: "mysql://root:s3cr3t-pw@db:3306/app" }\n');
    assert.equal(diagnostics.length, 1);
    assert.equal(diagnostics[0]!.code, 'CG025');
    assert.ok(!JSON.stringify(diagnostics).includes('s3cr3t-pw'));
  });

  it('reads no environment variable: url_env is only a name', () => {
    const before = process.env['CG_TEST_UNSET_URL'];
    delete process.env['CG_TEST_UNSET_URL'];
    const { config, diagnostics } = load('database: d\nenvironments:\n  local: { url_env: CG_TEST_UNSET_URL }\n');
    assert.deepEqual(diagnostics, []);
    assert.equal(config?.environments[0]?.url_env, 'CG_TEST_UNSET_URL');
    if (before !== undefined) process.env['CG_TEST_UNSET_URL'] = before;
  });

  it('reports a missing file as CG001', () => {
    assert.deepEqual(loadConfig(root).diagnostics.map(formatDiagnostic), [
      'changegate.yaml:1:1  CG001  not found; run changegate in the repository root or pass --config',
    ]);
  });
});

describe('environmentsInOrder and envMatrix', () => {
  const env = (name: string, extra: Partial<EnvironmentConfig> = {}): EnvironmentConfig => ({
    name, cluster: `${name}db`, region: 'us-east-2', secret: `${name}-secret`, schema: 'app', snapshot: 'destructive',
    lock_wait_timeout: 5, lock_retries: 2, lock_timeout: 10, snapshot_timeout: 3600, snapshot_poll_seconds: 10, line: 1, ...extra,
  });

  it('keeps declared order when it already follows the after chains', () => {
    const envs = [env('qa'), env('prod', { after: 'qa' }), env('local', { cluster: undefined, url_env: 'X', snapshot: 'never' })];
    assert.deepEqual(environmentsInOrder({ environments: envs }).map((e) => e.name), ['qa', 'prod', 'local']);
  });

  it('moves an environment after the one it names, ties in declared order', () => {
    const envs = [env('prod', { after: 'stage' }), env('dev'), env('stage', { after: 'qa' }), env('qa', { after: 'dev' }), env('sandbox')];
    assert.deepEqual(environmentsInOrder({ environments: envs }).map((e) => e.name), ['dev', 'qa', 'stage', 'prod', 'sandbox']);
  });

  it('tolerates an invalid chain instead of looping', () => {
    const envs = [env('a', { after: 'b' }), env('b', { after: 'a' }), env('c', { after: 'missing' })];
    assert.deepEqual(environmentsInOrder({ environments: envs }).map((e) => e.name).sort(), ['a', 'b', 'c']);
  });

  it('gives a GitHub Actions matrix in promotion order, without secrets', () => {
    const { config } = loadConfig(repoRoot);
    assert.ok(config);
    assert.deepEqual(envMatrix(config), {
      include: [
        { environment: 'qa', order: 0, kind: 'aws', after: '', approval: 'none', snapshot: 'never', region: 'us-east-2' },
        { environment: 'prod', order: 1, kind: 'aws', after: 'qa', approval: 'required', snapshot: 'destructive', region: 'us-east-2' },
        { environment: 'local', order: 2, kind: 'url', after: '', approval: 'none', snapshot: 'never', region: '' },
      ],
    });
    assert.deepEqual(envMatrix(config, { kind: 'aws' }).include.map((e) => e.environment), ['qa', 'prod']);
    assert.ok(!JSON.stringify(envMatrix(config)).includes('rds-admin-credentials'));
  });
});

describe('shipped JSON Schemas', () => {
  it('match the validators compiled ahead of time (else: npm run codegen)', () => {
    assert.ok(readFileSync(GENERATED_FILE, 'utf8') === validatorSource(), 'schema-validators.generated.ts is stale: run npm run codegen');
  });

  for (const name of ['changegate', 'change'] as const) {
    it(`${name}.schema.json describes every property and allows no unknown field`, () => {
      const schema = JSON.parse(readFileSync(schemaUrl(name), 'utf8')) as Record<string, unknown>;
      const missing: string[] = [];
      const open: string[] = [];
      const walk = (node: unknown, where: string): void => {
        if (node === null || typeof node !== 'object') return;
        const n = node as Record<string, unknown>;
        if (n['type'] === 'object' && n['additionalProperties'] !== false && typeof n['additionalProperties'] !== 'object') open.push(where);
        for (const [key, sub] of Object.entries((n['properties'] ?? {}) as Record<string, Record<string, unknown>>)) {
          if (typeof sub['description'] !== 'string') missing.push(`${where}.${key}`);
          walk(sub, `${where}.${key}`);
        }
        for (const k of ['items', 'additionalProperties']) if (typeof n[k] === 'object') walk(n[k], `${where}.${k}`);
        for (const [k, sub] of Object.entries((n['definitions'] ?? {}) as Record<string, unknown>)) walk(sub, `#${k}`);
      };
      walk(schema, '');
      assert.deepEqual(missing, []);
      assert.deepEqual(open, []);
    });
  }
});
