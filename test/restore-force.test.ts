// A forced restore over a later change, and a rollback that fails, through the real executable
// against the throwaway server: what the history records for each change the restore undid, what
// status and apply do with it, and what a failed rollback says and leaves in status.
import { strict as assert } from 'node:assert';
import { rmSync } from 'node:fs';
import { getServer, type TestServer } from './helpers/mysql-server.js';
import { localConfig, makeRepo, manifest, runCli, writeFiles } from './helpers/cli.js';

const FILM = 'CREATE TABLE film (\n  film_id INT NOT NULL PRIMARY KEY,\n  title VARCHAR(100) NOT NULL,\n  original_language_id INT NULL\n) ENGINE=InnoDB;\n' +
  "INSERT INTO film (film_id, title, original_language_id) VALUES (1, 'ACADEMY DINOSAUR', NULL), (2, 'ACE GOLDFINGER', 2);\n";

const DESTROY = '2026-12-02-drop-original-language';
const LATER = '2026-12-07-film-add-subtitle';

function withRollback(id: string, up: string, down: string): Record<string, string> {
  return {
    [`changes/${id}.yaml`]: `title: ${id}\nticket: T-2\ndestructive: false\napply:\n  - migrations/${id}/up.sql\nrollback:\n  - migrations/${id}/down.sql\n`,
    [`migrations/${id}/up.sql`]: up,
    [`migrations/${id}/down.sql`]: down,
  };
}

describe('restore --force and rollback failures (CLI, real server)', function () {
  this.timeout(180_000);
  let server: TestServer;
  let schema: { name: string; url: string; drop(): Promise<void> };
  let backupSchema: string;
  let repo: string;
  const cli = (...args: string[]) => runCli(args, { cwd: repo, env: { TEST_URL: schema.url } });

  before(async () => {
    server = await getServer();
  });
  beforeEach(async () => {
    schema = await server.freshSchema('rf');
    backupSchema = `${schema.name}_bk`;
    repo = makeRepo({
      'changegate.yaml': localConfig(`    snapshot: destructive\n    backup_schema: ${backupSchema}`),
      ...manifest('2026-12-01-film'),
      'migrations/2026-12-01-film/up.sql': FILM,
    });
  });
  afterEach(async () => {
    await schema.drop();
    await server.adminQuery(`DROP DATABASE IF EXISTS \`${backupSchema}\``);
    rmSync(repo, { recursive: true, force: true });
  });

  async function columns(table: string): Promise<string[]> {
    const rows = await server.adminQuery<{ c: string }>('SELECT COLUMN_NAME AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION', [schema.name, table]);
    return rows.map((r) => r.c);
  }

  // The film walk: a destructive change backed up, then a later change on the same table.
  async function destroyThenLater(laterUp: string): Promise<string> {
    assert.equal((await cli('apply', '--env', 'local')).code, 0);
    writeFiles(repo, { ...manifest(DESTROY, { destructive: true }), [`migrations/${DESTROY}/up.sql`]: 'ALTER TABLE film DROP COLUMN original_language_id;\n' });
    const destroyed = await cli('apply', '--env', 'local');
    assert.equal(destroyed.code, 0, destroyed.stderr + destroyed.stdout);
    const backup = /^backup: (\S+) holds /m.exec(destroyed.stdout)?.[1];
    assert.ok(backup, destroyed.stdout);
    writeFiles(repo, withRollback(LATER, laterUp, 'ALTER TABLE film DROP COLUMN subtitle;\n'));
    const later = await cli('apply', '--env', 'local');
    assert.equal(later.code, 0, later.stderr + later.stdout);
    return backup!;
  }

  it('records each later change it undid as restored, so status shows it and apply runs it again', async () => {
    const backup = await destroyThenLater('ALTER TABLE film ADD COLUMN subtitle VARCHAR(100) NULL;\n');
    const forced = await cli('restore', DESTROY, '--env', 'local', '--force');
    assert.equal(forced.code, 0, forced.stderr + forced.stdout);
    assert.match(forced.stderr, new RegExp(`^warning: restore: --force: undoing what ${LATER} did to film$`, 'm'));
    assert.match(forced.stdout, new RegExp(`^restore: ${LATER} is recorded restored too: film is back as it was before ${DESTROY}; apply runs it again after ${DESTROY}$`, 'm'));
    assert.deepEqual(await columns('film'), ['film_id', 'title', 'original_language_id']);

    const status = await cli('status', '--env', 'local');
    assert.equal(status.code, 0, status.stderr + status.stdout);
    const esc = backup.replace('.', '\\.');
    assert.match(status.stdout, new RegExp(`^  restored    ${DESTROY}  0/1  snapshot ${esc}\\n      restored from ${esc} by \\S+ with --force over ${LATER} \\(film\\)$`, 'm'));
    assert.match(status.stdout, new RegExp(
      `^  restored    ${LATER}  0/1\\n      undone by the restore of ${DESTROY} from ${esc} by \\S+ \\(--force\\): film is back as it was before ${DESTROY}; apply runs it again after ${DESTROY}$`, 'm'));
    const doc = JSON.parse((await cli('--format', 'json', 'status', '--env', 'local')).stdout) as { changes: { id: string; status: string; note?: string }[] };
    assert.deepEqual(doc.changes.map((c) => [c.id, c.status]), [['2026-12-01-film', 'applied'], [DESTROY, 'restored'], [LATER, 'restored']]);

    // Nothing of it is in the table: a rollback has nothing to undo, and says why.
    const rollback = await cli('rollback', LATER, '--env', 'local');
    assert.equal(rollback.code, 1, rollback.stderr + rollback.stdout);
    assert.match(rollback.stderr, new RegExp(
      `^error: refused: ${LATER} is restored in local \\(undone by the restore of ${DESTROY} from ${esc} by \\S+ \\(--force\\): film is back as it was before ${DESTROY}; apply runs it again after ${DESTROY}\\); only an applied or failed change can be rolled back$`, 'm'));

    const again = await cli('apply', '--env', 'local');
    assert.equal(again.code, 0, again.stderr + again.stdout);
    assert.match(again.stdout, new RegExp(`^  ${DESTROY} .*\\(was restored\\)`, 'm'));
    assert.match(again.stdout, new RegExp(`^  ${LATER} .*\\(was restored\\)`, 'm'));
    assert.deepEqual(await columns('film'), ['film_id', 'title', 'subtitle']);
    const final = JSON.parse((await cli('--format', 'json', 'status', '--env', 'local')).stdout) as { changes: { id: string; status: string }[] };
    assert.deepEqual(final.changes.map((c) => [c.id, c.status]), [['2026-12-01-film', 'applied'], [DESTROY, 'applied'], [LATER, 'applied']]);
  });

  it('says what a later change also did that the backup did not hold, and what to do about it', async () => {
    await destroyThenLater('ALTER TABLE film ADD COLUMN subtitle VARCHAR(100) NULL;\nCREATE TABLE film_note (film_id INT NOT NULL PRIMARY KEY) ENGINE=InnoDB;\n');
    const forced = await cli('restore', DESTROY, '--env', 'local', '--force');
    assert.equal(forced.code, 0, forced.stderr + forced.stdout);
    const said = `film is back as it was before ${DESTROY}, but film_note, which it also changed, is not: undo that by hand (or put it back in the state before ${LATER}) before apply runs it again after ${DESTROY}`;
    assert.match(forced.stdout, new RegExp(`^restore: ${LATER} is recorded restored too: ${said.replace(/[()]/g, '\\$&')}$`, 'm'));
    const status = await cli('status', '--env', 'local');
    assert.match(status.stdout, new RegExp(`^  restored    ${LATER}  0/2\\n      undone by the restore of ${DESTROY} from \\S+ by \\S+ \\(--force\\): ${said.replace(/[()]/g, '\\$&')}$`, 'm'));
  });

  it('gives a failed rollback the advice of a rollback, and status shows it until it finishes', async () => {
    assert.equal((await cli('apply', '--env', 'local')).code, 0);
    writeFiles(repo, withRollback(LATER, 'ALTER TABLE film ADD COLUMN subtitle VARCHAR(100) NULL;\n', 'ALTER TABLE film DROP COLUMN subtitle;\nALTER TABLE film DROP COLUMN subtitle_typo;\n'));
    assert.equal((await cli('apply', '--env', 'local')).code, 0);
    // What the server says about the second rollback statement, in its own words.
    await server.adminQuery(`CREATE TABLE \`${schema.name}\`.probe (id INT)`);
    const serverSays = await server.adminQuery(`ALTER TABLE \`${schema.name}\`.probe DROP COLUMN subtitle_typo`).then(() => '', (e: Error) => e.message);
    assert.ok(serverSays);

    const failed = await cli('rollback', LATER, '--env', 'local');
    assert.equal(failed.code, 1, failed.stderr + failed.stdout);
    assert.equal(
      failed.stderr.split('\n').find((l) => l.startsWith('error: ')),
      `error: ${LATER}: rollback statement 2 of 2 failed at migrations/${LATER}/down.sql:2: ${serverSays.replace(/\.$/, '')}. ` +
        `Rollback statement 1 is applied and recorded; nothing after it ran, and ${LATER} is still recorded applied. ` +
        `To go on, edit statement 2 of migrations/${LATER}/down.sql (statement 1 must stay as it is), then run changegate rollback ${LATER} --env local again: it resumes at statement 2`,
    );
    assert.doesNotMatch(failed.stderr, /run apply again/);

    const status = await cli('status', '--env', 'local');
    assert.equal(status.code, 1, 'a failed rollback asks for a person');
    assert.match(status.stdout, new RegExp(`^  applied     ${LATER}  1/1  \\S+Z\\n  failed      ${LATER}:rollback  1/2  snapshot \\S+\\n      ${serverSays.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));

    writeFiles(repo, { [`migrations/${LATER}/down.sql`]: 'ALTER TABLE film DROP COLUMN subtitle;\nALTER TABLE film COMMENT = \'subtitle rolled back\';\n' });
    const resumed = await cli('rollback', LATER, '--env', 'local');
    assert.equal(resumed.code, 0, resumed.stderr + resumed.stdout);
    const after = await cli('status', '--env', 'local');
    assert.equal(after.code, 0, after.stdout);
    assert.match(after.stdout, new RegExp(`^  rolled-back ${LATER}  1/1$`, 'm'));
    assert.doesNotMatch(after.stdout.split('\nbackups in ')[0]!, /:rollback/, 'a finished rollback has no row of its own');
  });
});
