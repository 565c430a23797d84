// A change of any size: 500,000 statements in one file go through validate, plan, apply, status and
// drift's replay (a spread of every statement into call arguments once broke at ~120,000), and the
// text a person reads stays a few dozen lines. Memory and time are what limit a change.
import { strict as assert } from 'node:assert';
import { rmSync } from 'node:fs';
import { getServer, type TestServer } from './helpers/mysql-server.js';
import { localConfig, makeRepo, manifest, runCli } from './helpers/cli.js';

const N = 500_000;

describe('a change of 500,000 statements', function () {
  this.timeout(600_000);
  let server: TestServer;
  let schema: { name: string; url: string; drop(): Promise<void> };
  let repo: string;
  const env = () => ({ TEST_URL: schema.url });

  before(async () => {
    server = await getServer();
    schema = await server.freshSchema('big');
    const sql: string[] = ['CREATE TABLE big (id INT NOT NULL PRIMARY KEY, v VARCHAR(20) NOT NULL);'];
    for (let i = 0; i < N; i++) sql.push(`INSERT INTO big (id, v) VALUES (${i}, 'v${i}');`);
    repo = makeRepo({
      'changegate.yaml': localConfig(),
      ...manifest('2026-11-01-load', { extra: 'lint: { ignore: [CG207] }' }),
      'migrations/2026-11-01-load/up.sql': sql.join('\n') + '\n',
    });
  });
  after(async () => {
    await schema?.drop();
    if (repo) rmSync(repo, { recursive: true, force: true });
  });

  it('validates, plans in a digest, applies with a line a second, and reads back as applied with no drift', async () => {
    const validate = await runCli(['validate'], { cwd: repo });
    assert.equal(validate.code, 0, validate.stderr);
    assert.match(validate.stdout, /^1 change\(s\) checked: 0 error\(s\), 0 warning\(s\)$/m);

    const plan = await runCli(['plan', '--env', 'local'], { cwd: repo, env: env() });
    assert.equal(plan.code, 0, plan.stderr);
    assert.deepEqual(plan.stdout.trimEnd().split('\n'), [
      'plan for local: 1 change(s) to apply',
      '  2026-11-01-load  T-1  500001 statement(s)',
      '    2026-11-01-load',
      '    500,001 statements: 500,000 INSERT into big, 1 CREATE TABLE big',
      '       1  migrations/2026-11-01-load/up.sql:1  CREATE TABLE big (id INT NOT NULL PRIMARY KEY, v VARCHAR(20) NOT NULL)',
      "       2  migrations/2026-11-01-load/up.sql:2  INSERT INTO big (id, v) VALUES (0, 'v0')",
      "       3  migrations/2026-11-01-load/up.sql:3  INSERT INTO big (id, v) VALUES (1, 'v1')",
      "       4  migrations/2026-11-01-load/up.sql:4  INSERT INTO big (id, v) VALUES (2, 'v2')",
      "       5  migrations/2026-11-01-load/up.sql:5  INSERT INTO big (id, v) VALUES (3, 'v3')",
      '       …  499,991 more statement(s)',
      "    499997  migrations/2026-11-01-load/up.sql:499997  INSERT INTO big (id, v) VALUES (499995, 'v499995')",
      "    499998  migrations/2026-11-01-load/up.sql:499998  INSERT INTO big (id, v) VALUES (499996, 'v499996')",
      "    499999  migrations/2026-11-01-load/up.sql:499999  INSERT INTO big (id, v) VALUES (499997, 'v499997')",
      "    500000  migrations/2026-11-01-load/up.sql:500000  INSERT INTO big (id, v) VALUES (499998, 'v499998')",
      "    500001  migrations/2026-11-01-load/up.sql:500001  INSERT INTO big (id, v) VALUES (499999, 'v499999')",
      // The one statement with an impact: inserts have none.
      '    impact (riskiest first):',
      `       1  ${schema.name}.big  0 rows  0 B  instant, lock none  0 s`,
      'snapshot: not required (local is configured with snapshot: never)',
    ]);

    // JSON keeps every statement.
    const json = await runCli(['--format', 'json', 'plan', '--env', 'local'], { cwd: repo, env: env() });
    assert.equal(json.code, 0, json.stderr);
    const planned = (JSON.parse(json.stdout) as { changes: { statements: { line: number }[] }[] }).changes[0]!.statements;
    assert.equal(planned.length, N + 1);
    assert.equal(planned.at(-1)!.line, N + 1);

    const apply = await runCli(['apply', '--env', 'local'], { cwd: repo, env: env() });
    assert.equal(apply.code, 0, apply.stderr);
    const progress = apply.stdout.split('\n').filter((l) => /^2026-11-01-load: \d+\/500001 /.test(l));
    // A line about once a second (the first and the last always): never one per statement.
    assert.ok(progress.length >= 2 && progress.length < 400, `${progress.length} progress lines`);
    assert.match(progress[0]!, /^2026-11-01-load: 1\/500001 starts at \d+\.\d s {2}migrations\/2026-11-01-load\/up\.sql:1$/);
    assert.match(progress.at(-1)!, /^2026-11-01-load: 500001\/500001 starts at \d+\.\d s {2}migrations\/2026-11-01-load\/up\.sql:500001$/);
    assert.ok(apply.stdout.split('\n').length < 450, 'the whole apply output stays a few hundred lines');
    const [row] = await server.adminQuery<{ n: number; s: number }>(`SELECT COUNT(*) AS n, SUM(id) AS s FROM \`${schema.name}\`.big`);
    assert.deepEqual([Number(row!.n), Number(row!.s)], [N, (N * (N - 1)) / 2]);

    const status = await runCli(['--format', 'json', 'status', '--env', 'local'], { cwd: repo, env: env() });
    assert.equal(status.code, 0, status.stderr);
    const doc = JSON.parse(status.stdout) as { changes: { status: string; statements_applied: number; statements_total: number }[] };
    assert.deepEqual(doc.changes.map((c) => [c.status, c.statements_applied, c.statements_total]), [['applied', N + 1, N + 1]]);

    const drift = await runCli(['drift', '--env', 'local'], { cwd: repo, env: env() });
    assert.equal(drift.code, 0, drift.stdout + drift.stderr);
    assert.match(drift.stdout, /^no drift in local: 1 applied change\(s\) match their files and the live schema$/m);
  });
});
