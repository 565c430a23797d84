// Adopting an existing database, end to end on the real server: Sakila loaded by the server's own
// client (or mysql2 for Oracle MySQL, which has no client binary here) is prod's existing schema.
// baseline writes and records it, drift and the shadow replay are clean, a later change applies, a
// qa that differs by one index is refused naming it, an equal qa is recorded, an empty environment is
// built by apply, and one that has a schema but no baseline record is refused.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { localConfig, makeRepo, runCli, writeFiles, type CliResult } from './helpers/cli.js';
import { getServer, type TestServer } from './helpers/mysql-server.js';
import { loadSakila, sakilaLoader } from './helpers/sakila.js';

const today = new Date();
const pad = (n: number) => String(n).padStart(2, '0');
const BASELINE = `${today.getFullYear()}-${pad(today.getMonth() + 1)}-${pad(today.getDate())}-baseline`;
const LATER = '2099-01-01-add-film-isbn';

describe('baseline: adopting an existing Sakila database', function () {
  this.timeout(240_000);
  let server: TestServer;
  const schemas: { drop(): Promise<void> }[] = [];
  let repo: string;
  let env: Record<string, string>;
  let names: Record<string, string>;
  const cli = (...args: string[]): Promise<CliResult> => runCli(args, { cwd: repo, env });
  const out = (r: CliResult) => r.stdout + r.stderr;

  before(async () => {
    server = await getServer();
    env = {};
    names = {};
    for (const e of ['prod', 'qa', 'fresh', 'other', 'empty']) {
      const s = await server.freshSchema(`sk_${e}`);
      schemas.push(s);
      env[`${e.toUpperCase()}_URL`] = s.url;
      names[e] = s.name;
    }
    await loadSakila(server, names.prod!);
    await loadSakila(server, names.qa!);
    await loadSakila(server, names.other!);
    // qa drifted from prod by one index before changegate arrived.
    await server.adminQuery(`DROP INDEX idx_title ON \`${names.qa}\`.film`);
    repo = makeRepo({
      'changegate.yaml': localConfig().replace(
        '  local:\n    url_env: TEST_URL\n    lock_timeout: 1\n',
        [
          '  qa:', '    url_env: QA_URL', '    lock_timeout: 1',
          '  prod:', '    url_env: PROD_URL', '    after: qa', '    lock_timeout: 1',
          '  fresh:', '    url_env: FRESH_URL', '    lock_timeout: 1',
          '  other:', '    url_env: OTHER_URL', '    lock_timeout: 1',
          '  empty:', '    url_env: EMPTY_URL', '    lock_timeout: 1', '',
        ].join('\n'),
      ),
    });
  });
  after(async () => {
    for (const s of schemas) await s.drop().catch(() => undefined);
  });

  it(`loads Sakila with the server's own client where there is one (${process.env.CHANGEGATE_TEST_SERVER ?? 'mariadb'}: ${sakilaLoader()})`, async () => {
    const [row] = await server.adminQuery<{ n: number }>(
      `SELECT (SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE')
            + (SELECT COUNT(*) FROM information_schema.VIEWS WHERE TABLE_SCHEMA = ?) * 100
            + (SELECT COUNT(*) FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ?) * 10000
            + (SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ?) * 1000000 AS n`,
      [names.prod, names.prod, names.prod, names.prod],
    );
    // 16 tables, 7 views, 6 routines, 6 triggers.
    assert.equal(Number(row!.n), 6_06_07_16);
  });

  it('writes the baseline from prod, proves it and records it without running it', async () => {
    const noTicket = await cli('baseline', '--env', 'prod');
    assert.equal(noTicket.code, 2);
    assert.equal(noTicket.stderr, 'error: baseline --env prod writes the baseline change and needs its work ticket: pass --ticket\n');

    const r = await cli('baseline', '--env', 'prod', '--ticket', 'T-1');
    assert.equal(r.code, 0, out(r));
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines[0], 'prod: read 16 table(s), 7 view(s), 6 routine(s), 6 trigger(s), 0 event(s) from ' + names.prod);
    assert.equal(lines[1], `wrote changes/${BASELINE}.yaml`);
    assert.equal(lines[2], `wrote migrations/${BASELINE}/up.sql`);
    assert.match(lines[3]!, new RegExp(`^prod: recorded ${BASELINE} as baseline \\(\\d+ statement\\(s\\), none run\\), by \\S+$`));

    const sql = readFileSync(path.join(repo, `migrations/${BASELINE}/up.sql`), 'utf8');
    assert.doesNotMatch(sql, /AUTO_INCREMENT=/, 'no AUTO_INCREMENT counters');
    assert.doesNotMatch(sql, /DEFINER\s*=/i, 'no DEFINER accounts (lint CG212)');
    assert.ok(!sql.includes(`\`${names.prod}\`.`) && !sql.includes(`${names.prod}.`), "no qualifier with prod's own schema name");
    assert.equal(sql.match(/^ALTER TABLE/gm)?.length, 1, "only the cycle's key is added after its table");
    assert.match(sql, /^DELIMITER \$\$$/m);
    assert.match(sql, /FULLTEXT KEY `idx_title_description`/);
    // Foreign keys after what they reference: country before city before address; the staff/store cycle closed by ALTER TABLE.
    const at = (s: string) => sql.indexOf(s);
    assert.ok(at('CREATE TABLE `country`') < at('CREATE TABLE `city`') && at('CREATE TABLE `city`') < at('CREATE TABLE `address`'));
    assert.match(sql, /^ALTER TABLE `staff` ADD CONSTRAINT `fk_staff_store` FOREIGN KEY/m);
    // Views over views after what they read.
    assert.ok(at('VIEW `customer_list`') < at('VIEW `all_customer_names`'));
    assert.ok(at('VIEW `sales_by_film_category`') < at('VIEW `best_category`'));
    const manifestText = readFileSync(path.join(repo, `changes/${BASELINE}.yaml`), 'utf8');
    assert.match(manifestText, /^baseline: true$/m);
    assert.match(manifestText, /^ticket: "T-1"$/m);

    const st = await cli('status', '--env', 'prod', '--format', 'json');
    assert.equal(st.code, 0, out(st));
    const doc = JSON.parse(st.stdout) as { changes: { id: string; status: string }[] };
    assert.deepEqual(doc.changes.map((c) => [c.id, c.status]), [[BASELINE, 'baseline']]);
    // Nothing ran: the schema is the one Sakila's load made (a second CREATE TABLE would have failed anyway).
  });

  it('after the baseline: drift is clean, validate --shadow replays it, a second run is a no-op', async () => {
    const d = await cli('drift', '--env', 'prod');
    assert.equal(d.code, 0, out(d));
    assert.equal(d.stdout, 'no drift in prod: 1 applied change(s) match their files and the live schema\n');
    const v = await cli('validate', '--shadow', '--shadow-url', env.FRESH_URL!);
    assert.equal(v.code, 0, out(v));
    assert.match(v.stdout, /shadow: all 1 change\(s\) replayed cleanly/);
    const again = await cli('baseline', '--env', 'prod');
    assert.equal(again.code, 0, out(again));
    assert.equal(again.stdout, `prod already records the baseline ${BASELINE} (baseline); nothing to do\n`);
  });

  it('refuses a qa that differs by one index, naming it, and records nothing', async () => {
    const r = await cli('baseline', '--env', 'qa');
    assert.equal(r.code, 1, out(r));
    assert.equal(r.stderr, `error: qa differs from the baseline ${BASELINE} in 1 place(s) (baseline -> live); nothing was recorded:\n`);
    assert.equal(
      r.stdout,
      '  - index film.idx_title (title)\n' +
        'make qa match the baseline by hand (or with changes applied elsewhere first), then run changegate baseline --env qa again\n',
    );
    const j = await cli('baseline', '--env', 'qa', '--format', 'json');
    assert.equal(j.code, 1, out(j));
    assert.deepEqual(JSON.parse(j.stdout), {
      environment: 'qa', change: BASELINE, result: 'differs', differences: ['- index film.idx_title (title)'],
      error: { code: 'failed', message: `qa differs from the baseline ${BASELINE} in 1 place(s) (baseline -> live); nothing was recorded:` },
    });
    assert.doesNotMatch(j.stderr, /^error: /m, 'the error is in the document, not repeated on stderr');
    const st = await cli('status', '--env', 'qa', '--format', 'json');
    assert.deepEqual((JSON.parse(st.stdout) as { changes: { status: string }[] }).changes.map((c) => c.status), ['pending']);
  });

  it('records an equal qa', async () => {
    await server.adminQuery(`CREATE INDEX idx_title ON \`${names.qa}\`.film (title)`);
    const r = await cli('baseline', '--env', 'qa');
    assert.equal(r.code, 0, out(r));
    assert.match(r.stdout, new RegExp(`^qa: recorded ${BASELINE} as baseline \\(\\d+ statement\\(s\\), none run\\), by \\S+\\n$`));
  });

  it('refuses apply on an environment with a schema but no baseline record', async () => {
    const r = await cli('apply', '--env', 'other');
    assert.equal(r.code, 1, out(r));
    assert.equal(
      r.stderr,
      `error: refused: other has no record of the baseline change ${BASELINE} and its schema is not empty; ` +
        'apply never runs a baseline over an existing schema: run changegate baseline --env other first\n',
    );
  });

  it('applies a later change to qa and prod as usual; drift stays clean', async () => {
    writeFiles(repo, {
      [`changes/${LATER}.yaml`]: 'title: isbn\nticket: T-2\ndestructive: false\napply:\n  - migrations/' + LATER + '/up.sql\n',
      [`migrations/${LATER}/up.sql`]: 'ALTER TABLE film ADD COLUMN isbn VARCHAR(20) NULL, ALGORITHM=INPLACE, LOCK=NONE;\n',
    });
    for (const e of ['qa', 'prod']) {
      const a = await cli('apply', '--env', e);
      assert.equal(a.code, 0, `${e}: ${out(a)}`);
      assert.match(a.stdout, new RegExp(`${LATER}: starting`));
      assert.doesNotMatch(a.stdout, new RegExp(`${BASELINE}: starting`));
      const d = await cli('drift', '--env', e);
      assert.equal(d.code, 0, out(d));
      assert.equal(d.stdout, `no drift in ${e}: 2 applied change(s) match their files and the live schema\n`);
    }
  });

  it('builds an empty environment from the repository: apply runs the baseline there', async () => {
    const a = await cli('apply', '--env', 'fresh');
    assert.equal(a.code, 0, out(a));
    assert.match(a.stdout, new RegExp(`${BASELINE}: starting`));
    const d = await cli('drift', '--env', 'fresh');
    assert.equal(d.code, 0, out(d));
    assert.equal(d.stdout, 'no drift in fresh: 2 applied change(s) match their files and the live schema\n');
  });

  it('says what it does on an environment built by apply, and refuses an empty one', async () => {
    const built = await cli('baseline', '--env', 'fresh');
    assert.equal(built.code, 0, out(built));
    assert.equal(built.stdout, `fresh already records the baseline ${BASELINE} (applied); nothing to do\n`);
    const empty = await cli('baseline', '--env', 'empty');
    assert.equal(empty.code, 1);
    assert.equal(empty.stderr, `error: refused: empty's schema ${names.empty} is empty, so there is nothing to record; changegate apply --env empty builds it from ${BASELINE}\n`);
    const st = await cli('status', '--env', 'prod');
    assert.match(st.stdout, new RegExp(`^  baseline    ${BASELINE}  \\d+/\\d+  \\S+Z$`, 'm'));
  });

  it('allows one baseline per repository', async () => {
    const second = '2099-02-01-baseline';
    writeFiles(repo, {
      [`changes/${second}.yaml`]: 'title: again\nticket: T-3\ndestructive: false\nbaseline: true\napply:\n  - migrations/' + second + '/up.sql\n',
      [`migrations/${second}/up.sql`]: 'SELECT 1;\n',
    });
    const v = await cli('validate');
    assert.equal(v.code, 1, out(v));
    assert.match(
      v.stdout + v.stderr,
      new RegExp(`changes/${second}\\.yaml:4:11 {2}error CG081 {2}baseline {2}${BASELINE} is already this repository's baseline; only one change may say baseline: true \\(write later work as ordinary changes\\)`),
    );
    const j = JSON.parse((await cli('validate', '--format', 'json')).stdout) as { diagnostics: { code: string; file: string; line: number }[] };
    assert.deepEqual(j.diagnostics.filter((d) => d.code === 'CG081').map((d) => [d.file, d.line]), [[`changes/${second}.yaml`, 4]]);
    assert.ok(existsSync(path.join(repo, 'changes', `${second}.yaml`)));
    assert.deepEqual(readdirSync(path.join(repo, 'changes')).length, 3);
  });

  it('keeps the baseline first: it is not written after an existing change, and no change may sort before it', async () => {
    const early = makeRepo({ 'changegate.yaml': localConfig(), ...{ 'changes/2000-01-01-early.yaml': 'title: early\nticket: T-1\ndestructive: false\napply:\n  - migrations/2000-01-01-early/up.sql\n', 'migrations/2000-01-01-early/up.sql': 'CREATE TABLE early (id INT PRIMARY KEY);\n' } });
    const r = await runCli(['baseline', '--env', 'local', '--ticket', 'T-1'], { cwd: early, env: { TEST_URL: env.OTHER_URL } });
    assert.equal(r.code, 2);
    assert.equal(r.stderr, `error: changes/2000-01-01-early.yaml sorts before the baseline ${BASELINE} that this run would write; the baseline must be the first change: move it to a later date first\n`);
    writeFiles(early, { [`changes/${BASELINE}.yaml`]: 'title: b\nticket: T-1\ndestructive: false\nbaseline: true\napply:\n  - migrations/b/up.sql\n', 'migrations/b/up.sql': 'SELECT 1;\n' });
    const v = await runCli(['validate', '--format', 'json'], { cwd: early });
    const d = (JSON.parse(v.stdout) as { diagnostics: { code: string; file: string; message: string }[] }).diagnostics.filter((x) => x.code === 'CG082');
    assert.deepEqual(d.map((x) => [x.file, x.message]), [['changes/2000-01-01-early.yaml', `sorts before the baseline ${BASELINE}, which recreates the schema that existed before changegate; date it after the baseline`]]);
  });
});
