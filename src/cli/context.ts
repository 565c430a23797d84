// What every command receives from main.ts.
import type { Output } from './output.js';

/** The repository, the output channel and the process environment of one CLI invocation. */
export interface CommandContext {
  /** Absolute path of the folder holding the config file: the repository root. */
  root: string;
  /** The config file name relative to `root`. */
  configFile: string;
  out: Output;
  /** Read only where changegate.yaml names a variable, and for CI facts (GITHUB_*). */
  env: NodeJS.ProcessEnv;
  now: () => Date;
  /** Servers already located in this run, shared by the targets of a fleet (see target.ts). */
  servers?: Map<string, Promise<import('./target.js').Located>>;
}
