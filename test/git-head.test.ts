// Reading the checked-out commit from a repository's files, checked against git itself in every
// layout the files can take: loose ref, packed ref, detached HEAD, linked worktree, no commit yet.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { headFromFiles } from '../src/cli/flow.js';

describe('the commit recorded as the operator\'s', () => {
  let dir: string;
  const git = (cwd: string, ...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'init.defaultBranch=main', ...args], { cwd, encoding: 'utf8' }).trim();
  const commit = (cwd: string, name: string) => {
    writeFileSync(path.join(cwd, name), name);
    git(cwd, 'add', name);
    git(cwd, 'commit', '-q', '-m', name);
  };

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'changegate-git-'));
    git(dir, 'init', '-q');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is null before the first commit', () => {
    assert.equal(headFromFiles(dir), null);
  });

  it('follows a loose branch ref, also from a folder below the top', () => {
    commit(dir, 'a');
    mkdirSync(path.join(dir, 'sub'));
    assert.equal(headFromFiles(path.join(dir, 'sub')), git(dir, 'rev-parse', 'HEAD'));
  });

  it('finds a packed ref', () => {
    commit(dir, 'a');
    git(dir, 'pack-refs', '--all');
    assert.equal(headFromFiles(dir), git(dir, 'rev-parse', 'HEAD'));
  });

  it('reads a detached HEAD', () => {
    commit(dir, 'a');
    const first = git(dir, 'rev-parse', 'HEAD');
    commit(dir, 'b');
    git(dir, 'checkout', '-q', '--detach', first);
    assert.equal(headFromFiles(dir), first);
  });

  it('reads a linked worktree, whose branch lives in the main repository', () => {
    commit(dir, 'a');
    const wt = path.join(dir, 'wt');
    git(dir, 'worktree', 'add', '-q', '-b', 'other', wt);
    commit(wt, 'b');
    assert.equal(headFromFiles(wt), git(wt, 'rev-parse', 'HEAD'));
    assert.notEqual(headFromFiles(wt), headFromFiles(dir));
  });
});
