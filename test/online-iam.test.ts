// An online schema change with `auth: iam`: pt-online-schema-change logs in with the IAM token
// through its option file, over TLS verified against the environment's CA, on the MariaDB whose PAM
// service verifies every token the way Aurora does (test/helpers/pam-server.ts), with the loopback
// AWS fake. No token in any output or command line. Always MariaDB: Oracle MySQL's community build
// has no PAM plugin.
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AwsFake } from './helpers/aws-fake.js';
import { awsConfig, fakeAwsChildEnv } from './helpers/aws-env.js';
import { makeRepo, manifest, startCli } from './helpers/cli.js';
import { startPamServer, type PamServer } from './helpers/pam-server.js';

const ID = '2026-11-20-items-label';
const DEPLOYER = 'cg_osc_iam_deployer';

describe('online schema change with auth: iam (pt-online-schema-change, fake AWS, PAM-verified MariaDB)', function () {
  this.timeout(120_000);
  let pam: PamServer;
  let fake: AwsFake;
  let stopFake: () => Promise<void>;
  let schema: { name: string; drop(): Promise<void> };
  let repo: string;
  let scratch: string;

  before(async () => {
    // 127.0.0.1, not localhost: Perl's DBD::mysql, which the tool logs in with, takes "localhost" to
    // mean the Unix socket whatever the option file says (the test CA covers both names).
    pam = await startPamServer({ host: '127.0.0.1', region: 'us-east-2' });
  });
  after(async () => {
    await pam?.stop();
  });
  beforeEach(async () => {
    schema = await pam.server.freshSchema('cg_osc_iam');
    await pam.createIamUser(DEPLOYER, [`ALL PRIVILEGES ON \`${schema.name}\`.*`, 'PROCESS, REPLICATION CLIENT ON *.*']);
    await pam.server.adminQuery(`CREATE TABLE \`${schema.name}\`.items (id INT NOT NULL PRIMARY KEY, label VARCHAR(20) NOT NULL) ENGINE=InnoDB`);
    await pam.server.adminQuery(`INSERT INTO \`${schema.name}\`.items VALUES ${Array.from({ length: 5000 }, (_, i) => `(${i + 1}, 'l${i + 1}')`).join(',')}`);
    await pam.server.adminQuery(`ANALYZE TABLE \`${schema.name}\`.items`);
    fake = new AwsFake({ clusters: [{ id: 'qainvoicingdb', host: '127.0.0.1', port: pam.server.port, iamAuth: true, resourceId: 'cluster-OSCIAMTEST0000000000001' }] });
    const started = await fake.start();
    stopFake = started.stop;
    scratch = mkdtempSync(path.join(tmpdir(), 'changegate-osc-iam-'));
    mkdirSync(path.join(scratch, 'tmp'));
    repo = makeRepo({
      'changegate.yaml':
        awsConfig(pam.server.caFile!, { qa: { cluster: 'qainvoicingdb', schema: schema.name, iamUser: DEPLOYER } }) +
        '    online_schema_change: { tool: pt-online-schema-change, above_rows: 100 }\n',
      ...manifest(ID, { destructive: true }),
      [`migrations/${ID}/up.sql`]: 'ALTER TABLE items MODIFY label CHAR(30) NOT NULL;\n',
    });
    process.env.CHANGEGATE_TEST_FAKE_URL = started.url;
  });
  afterEach(async () => {
    await stopFake?.();
    await schema?.drop();
    rmSync(repo, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  });

  it('the tool logs in with a token from its option file over verified TLS, and no token is on a command line or in the output', async () => {
    const cli = startCli(['apply', '--env', 'qa'], { cwd: repo, env: { ...fakeAwsChildEnv(process.env.CHANGEGATE_TEST_FAKE_URL!), TMPDIR: path.join(scratch, 'tmp') } });
    const lines: string[] = [];
    const scan = setInterval(() => {
      for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
        try {
          lines.push(readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' '));
        } catch {
          // gone meanwhile
        }
      }
    }, 20);
    const res = await cli.done.finally(() => clearInterval(scan));
    assert.equal(res.code, 0, res.stdout + res.stderr);
    assert.match(res.stdout, new RegExp(`${ID}: statement 1: items altered online: copied in [\\d.]+ s, tables swapped in [\\d.]+ s`));
    // Every token the verifier accepted (by its signature): none on a command line, none printed, none left in a file.
    const tokens = pam.verifications().filter((v) => v.ok).map((v) => v.signature);
    assert.ok(tokens.length >= 2, 'changegate and the tool each logged in with a token');
    for (const t of tokens) {
      assert.ok(!lines.some((l) => l.includes(t)), 'a token on a command line');
      assert.ok(!res.stdout.includes(t) && !res.stderr.includes(t), 'a token in the output');
    }
    assert.ok(lines.some((l) => l.includes('pt-online-schema-change') && l.includes(`D=${schema.name},t=items`)), 'the scan saw the tool');
    assert.deepEqual(readdirSync(path.join(scratch, 'tmp')), [], 'the option file folder is removed');
    const [col] = await pam.server.adminQuery<{ t: string }>(
      `SELECT COLUMN_TYPE AS t FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '${schema.name}' AND TABLE_NAME = 'items' AND COLUMN_NAME = 'label'`,
    );
    assert.equal(col!.t, 'char(30)');
  });
});
