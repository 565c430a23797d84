// `changegate init`: scaffolds a repository for changegate and says what is left to fill in.
import { readFileSync } from 'node:fs';
import { DEFAULT_WORKFLOW_REPO, initRepository, type InitOptions } from '../../core/init.js';
import type { CommandContext } from '../context.js';

/** Flags of `changegate init`, as commander passes them. */
export type InitFlags = Omit<InitOptions, 'version'>;

/** The version of the changegate that runs: what the caller workflows pin. */
export function installedVersion(): string {
  // The nearest package.json named changegate above this file: the compiled file and the bundled
  // chunk that runs it sit at different depths.
  for (let dir = new URL('.', import.meta.url); ; dir = new URL('..', dir)) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('package.json', dir), 'utf8')) as { name?: string; version: string };
      if (pkg.name === 'changegate') return pkg.version;
    } catch {
      // none here: look further up
    }
    if (dir.pathname === '/') throw new Error('changegate cannot find its own package.json');
  }
}

/** Writes the files and names them; 0, or exit 2 when a file exists (nothing written). */
export default async function init(ctx: CommandContext, flags: InitFlags): Promise<number> {
  const result = initRepository(ctx.root, { ...flags, version: installedVersion() });
  for (const f of result.written) ctx.out.info(`wrote ${f}`);
  for (const d of result.folders) ctx.out.info(`created ${d}`);
  for (const f of result.amended) ctx.out.info(`added node_modules/ to ${f}`);
  for (const f of result.kept) ctx.out.info(`kept ${f} (it exists)`);
  if (result.placeholders.length > 0) {
    ctx.out.info(`fill in ${result.placeholders.length} placeholder(s) in changegate.yaml (changegate validate lists them):`);
    for (const p of result.placeholders) ctx.out.info(`  ${p}`);
  }
  if (!flags.workflowRepo) ctx.out.info(`edit ${DEFAULT_WORKFLOW_REPO} in the workflows to the repository that holds changegate's reusable workflows (or pass --workflow-repo)`);
  ctx.out.info(`next: changegate baseline --env ${flags.env ?? '<name>'} --ticket <ticket> on the environment that matches production (see the README, "Adopt it in your repository")`);
  ctx.out.setDocument({ written: result.written, placeholders: result.placeholders });
  return 0;
}
