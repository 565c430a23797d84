// `npm run demo`: the runbook, walked with the real example change set against a throwaway local
// server, where qa and prod are two schemas configured like the real environments (prod after qa,
// approval required, snapshot: destructive, so a table backup before destructive work). Each step
// shows its command line, its exit code and the runbook step it stands for; long outputs are cut to
// the lines that matter. Leaves nothing running.
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../src/cli/main.js';
import { startServer, testServerKind } from '../test/helpers/mysql-server.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The changes already live before the demo's pull request: the tables, with the application's rows in them. */
const ALREADY_LIVE = ['2026-11-03-create-invoicing-tables', '2026-11-10-create-customer-contacts'];
const DESTRUCTIVE = '2026-11-17-drop-customer-email';

const CONFIG = `# The demo's environments: qa and prod as two schemas on one throwaway server, gated like the real ones.
database: invoicingdb
server: { min_version: "8.0" }
ticket_pattern: "^INV-[0-9]+$"
protected_clusters: [prodinvoicingco]
environments:
  qa:
    url_env: DEMO_QA_URL
    snapshot: never
  prod:
    url_env: DEMO_PROD_URL
    after: qa                 # must have succeeded in qa first
    approval: required        # a teammate verifies; --approved-by outside GitHub Actions
    snapshot: destructive     # a URL environment backs up tables (snapshot_method: tables)
`;

const SEED = [
  "INSERT INTO customers (id, name, email) VALUES (1, 'Acme Corp', 'billing@acme.test'), (2, 'Globex', 'ap@globex.test'), (3, 'Initech', 'invoices@initech.test')",
  "INSERT INTO invoices (customer_id, number, status, issued_on) VALUES (1, 'INV-0001', 'paid', '2026-10-01'), (1, 'INV-0002', 'issued', '2026-11-01'), (2, 'INV-0003', 'issued', '2026-11-02'), (3, 'INV-0004', 'draft', NULL)",
];

interface Step {
  /** The runbook step it stands for. */
  runbook: string;
  argv: string[];
  expect: number;
  /** Which output lines to show; all when absent. */
  show?: (line: string) => boolean;
}

const out = (s: string) => void process.stdout.write(s);

async function step(n: number, total: number, s: Step, env: NodeJS.ProcessEnv, cwd: string): Promise<void> {
  out(`\n[${n}/${total}] runbook: ${s.runbook}\n$ changegate ${s.argv.join(' ')}\n`);
  let text = '';
  const code = await run(s.argv, { env, cwd, stdout: (t) => void (text += t), stderr: (t) => void (text += t) });
  const lines = text.replace(/\n$/, '').split('\n');
  const shown = s.show ? lines.filter(s.show) : lines;
  for (const l of shown) out(`  ${l}\n`);
  if (shown.length < lines.length) out(`  (${lines.length - shown.length} more lines)\n`);
  out(`  exit ${code}${code === s.expect ? '' : ` (expected ${s.expect})`}\n`);
  if (code !== s.expect) throw new Error(`step ${n} (changegate ${s.argv.join(' ')}) exited ${code}, expected ${s.expect}`);
}

async function main(): Promise<number> {
  const kind = testServerKind() === 'mysql' ? 'Oracle MySQL' : 'MariaDB';
  out(`changegate demo: starting a throwaway ${kind} server (CHANGEGATE_TEST_SERVER=mariadb|mysql picks it)...\n`);
  const server = await startServer();
  const repo = mkdtempSync(path.join(tmpdir(), 'changegate-demo-'));
  try {
    out(`server ${kind} ${server.version} on 127.0.0.1:${server.port}; qa and prod are the schemas invoicing_qa and invoicing_prod\n`);
    for (const s of ['invoicing_qa', 'invoicing_prod']) await server.adminQuery(`CREATE DATABASE IF NOT EXISTS ${s} CHARACTER SET utf8mb4`);
    const env = { ...process.env, DEMO_QA_URL: server.url('invoicing_qa'), DEMO_PROD_URL: server.url('invoicing_prod') };
    // A copy of the repository, so the demo can hold back the pull request's changes at first.
    writeFileSync(path.join(repo, 'changegate.yaml'), CONFIG);
    cpSync(path.join(root, 'migrations'), path.join(repo, 'migrations'), { recursive: true });
    const manifests = readdirSync(path.join(root, 'changes')).filter((f) => f.endsWith('.yaml')).sort();
    const copy = (f: string) => cpSync(path.join(root, 'changes', f), path.join(repo, 'changes', f));
    for (const f of manifests.filter((m) => ALREADY_LIVE.includes(m.replace(/\.yaml$/, '')))) copy(f);

    // Before the pull request: the tables are live in both environments and the application wrote rows.
    for (const e of ['qa', 'prod']) {
      let sink = '';
      const code = await run(['apply', '--env', e, '--approved-by', 'setup'], { env, cwd: repo, stdout: (t) => void (sink += t), stderr: (t) => void (sink += t) });
      if (code !== 0) throw new Error(`setup: apply --env ${e} exited ${code}:\n${sink}`);
      for (const sql of SEED) await server.adminQuery(sql.replace('INSERT INTO ', `INSERT INTO invoicing_${e}.`));
    }
    out(`before the demo: ${ALREADY_LIVE.join(', ')} live in qa and prod; 3 customers and 4 invoices in each\n`);
    for (const f of manifests.filter((m) => !ALREADY_LIVE.includes(m.replace(/\.yaml$/, '')))) copy(f);
    out(`the pull request adds: ${manifests.filter((m) => !ALREADY_LIVE.includes(m.replace(/\.yaml$/, ''))).map((m) => m.replace(/\.yaml$/, '')).join(', ')}\n`);

    // An apply's story in a few lines: its gate, its backup, each verify and each change's result.
    const applyLines = (l: string) =>
      /^(snapshot:|backup:|to restore it:|apply to )/.test(l) || /^  (applied|failed|not-run) /.test(l) || /: verify ".*" (ok|FAILED)/.test(l);
    const steps: Step[] = [
      { runbook: 'create a work ticket; check the changes (tickets, SQL, lint, destructive flag)', argv: ['validate'], expect: 0 },
      { runbook: 'test in QA before PROD: prod refuses what qa has not run (the full plan, once)', argv: ['plan', '--env', 'prod'], expect: 1 },
      { runbook: 'in QA: execute the changes and verify the results', argv: ['apply', '--env', 'qa'], expect: 0, show: applyLines },
      { runbook: 'request teammate verification: prod refuses to run without an approver', argv: ['apply', '--env', 'prod'], expect: 1, show: (l) => /^error:/.test(l) },
      {
        runbook: 'PROD: back up what the destructive change touches, then execute and verify',
        argv: ['apply', '--env', 'prod', '--approved-by', 'teammate'],
        expect: 0,
        show: applyLines,
      },
      { runbook: 'document: what is applied in PROD, and the backup', argv: ['status', '--env', 'prod'], expect: 0 },
      { runbook: 'verify: the live schema is what the applied changes produce', argv: ['drift', '--env', 'prod'], expect: 0 },
      { runbook: 'something went wrong: put back what the destructive change dropped', argv: ['restore', DESTRUCTIVE, '--env', 'prod', '--approved-by', 'teammate'], expect: 0 },
      { runbook: 'document: the change is restored, and can be applied again', argv: ['status', '--env', 'prod'], expect: 0 },
    ];
    for (const [i, s] of steps.entries()) await step(i + 1, steps.length, s, env, repo);
    const [row] = await server.adminQuery<{ n: number; emails: number }>('SELECT COUNT(*) AS n, COUNT(email) AS emails FROM invoicing_prod.customers');
    out(`\nafter the restore, prod's customers have their email column back: ${row!.emails} of ${row!.n} rows have one\n`);
    return 0;
  } catch (e) {
    out(`\ndemo failed: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  } finally {
    rmSync(repo, { recursive: true, force: true });
    await server.stop();
    out('server stopped; nothing is left running\n');
  }
}

process.exitCode = await main();
