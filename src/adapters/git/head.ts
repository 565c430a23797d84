// The commit a run records as its source: read from the repository's own files where they answer
// plainly, with `git rev-parse` for the rest.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * The commit checked out in `root`: read from the repository's files (a process spawn costs more than
 * a whole short apply), with `git rev-parse` for whatever the files do not answer plainly; null, and
 * no git run, outside any repository (unless GIT_DIR names one elsewhere).
 */
export function gitHead(root: string, env: Record<string, string | undefined>): Promise<string | null> {
  const fromFiles = headFromFiles(root);
  if (fromFiles) return Promise.resolve(fromFiles);
  if (!env.GIT_DIR && dotGit(root) === null) return Promise.resolve(null);
  return new Promise((resolve) => {
    execFile('git', ['rev-parse', 'HEAD'], { cwd: root }, (err, stdout) => resolve(err ? null : stdout.trim() || null));
  });
}

const OBJECT_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

// The `.git` of the repository `root` is in (a folder, or a worktree's file), null outside any.
function dotGit(root: string): string | null {
  let dir = path.resolve(root);
  while (!existsSync(path.join(dir, '.git'))) {
    const up = path.dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
  return path.join(dir, '.git');
}

/** HEAD's commit from `.git` (a folder, or a worktree's `gitdir:` file), loose refs and packed-refs; null when unsure. */
export function headFromFiles(root: string): string | null {
  try {
    const found = dotGit(root);
    if (found === null) return null;
    const dir = path.dirname(found);
    let gitDir = found;
    if (statSync(gitDir).isFile()) {
      const m = /^gitdir: (.+)$/m.exec(readFileSync(gitDir, 'utf8'));
      if (!m) return null;
      gitDir = path.resolve(dir, m[1]!.trim());
    }
    const head = readFileSync(path.join(gitDir, 'HEAD'), 'utf8').trim();
    if (OBJECT_ID.test(head)) return head;
    const ref = /^ref: (refs\/\S+)$/.exec(head)?.[1];
    if (!ref) return null;
    // A linked worktree keeps its HEAD but shares refs with the main repository.
    const common = existsSync(path.join(gitDir, 'commondir'))
      ? path.resolve(gitDir, readFileSync(path.join(gitDir, 'commondir'), 'utf8').trim())
      : gitDir;
    const loose = path.join(common, ref);
    if (existsSync(loose)) {
      const id = readFileSync(loose, 'utf8').trim();
      return OBJECT_ID.test(id) ? id : null;
    }
    const packed = path.join(common, 'packed-refs');
    if (!existsSync(packed)) return null;
    for (const line of readFileSync(packed, 'utf8').split('\n')) {
      const [id, name] = line.trim().split(' ');
      if (name === ref && id && OBJECT_ID.test(id)) return id;
    }
    return null;
  } catch {
    return null;
  }
}

