// Reading the checked-out commit from a repository's files, checked against git itself in every
// layout the files can take: loose ref, packed ref, detached HEAD, linked worktree, no commit yet.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gitHead, headFromFiles } from '../src/adapters/git/head.js';

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

  describe('asking git itself', () => {
    // A `git` first on PATH that notes each call and answers with a made-up commit.
    let bin: string;
    let path0: string | undefined;
    const fake = 'f'.repeat(40);
    beforeEach(() => {
      bin = mkdtempSync(path.join(tmpdir(), 'changegate-fakegit-'));
      writeFileSync(path.join(bin, 'git'), `#!/bin/sh\necho called >> "${bin}/calls"\necho ${fake}\n`);
      chmodSync(path.join(bin, 'git'), 0o755);
      path0 = process.env.PATH;
      process.env.PATH = `${bin}${path.delimiter}${path0}`;
    });
    afterEach(() => {
      process.env.PATH = path0;
      rmSync(bin, { recursive: true, force: true });
    });

    it('does not start git outside any repository', async () => {
      const outside = mkdtempSync(path.join(tmpdir(), 'changegate-nogit-'));
      try {
        assert.equal(await gitHead(outside, {}), null);
        assert.equal(existsSync(path.join(bin, 'calls')), false);
        // GIT_DIR may name a repository elsewhere: then git is asked.
        assert.equal(await gitHead(outside, { GIT_DIR: dir }), fake);
      } finally {
        rmSync(outside, { recursive: true, force: true });
      }
    });

    it('asks git when the files do not answer plainly', async () => {
      writeFileSync(path.join(dir, '.git', 'HEAD'), 'something newer\n');
      assert.equal(headFromFiles(dir), null);
      assert.equal(await gitHead(dir, {}), fake);
      assert.equal(existsSync(path.join(bin, 'calls')), true);
    });
  });
});
