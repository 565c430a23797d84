// The github `--format` surface that the CLI's Output drives, bound to @actions/core. The interface
// lives here, with its implementation: adapters never import from the CLI.
import * as core from '@actions/core';
import type { Diagnostic } from '../../core/types.js';
import { annotate, fail, maskSecrets } from './actions.js';

/** What the github format needs from @actions/core: annotations, log lines, groups, outputs, summary. */
export interface GithubSurface {
  annotate(diagnostics: Diagnostic[]): void;
  info(line: string): void;
  warning(line: string): void;
  error(line: string): void;
  startGroup(name: string): void;
  endGroup(): void;
  setOutput(name: string, value: string): void;
  setFailed(message: string): void;
  appendSummary(markdown: string): Promise<void>;
}

/** The @actions/core implementation of `GithubSurface`. */
export function githubSurface(): GithubSurface {
  return {
    annotate,
    info: (line) => core.info(line),
    warning: (line) => core.warning(line),
    error: (line) => core.error(line),
    startGroup: (name) => core.startGroup(name),
    endGroup: () => core.endGroup(),
    setOutput: (name, value) => core.setOutput(name, value),
    setFailed: fail,
    appendSummary: async (markdown) => {
      await core.summary.addRaw(markdown, true).write();
    },
  };
}

/**
 * The runner's mask for one value, through @actions/core's `setSecret` (an `::add-mask::` line on
 * stdout, at column 0: every line changegate writes ends with a newline). Only for GitHub Actions.
 */
export function stdoutMask(value: string): void {
  maskSecrets([value]);
}

/**
 * The same mask command on stderr, for `--format json`, whose stdout must stay one JSON document (a
 * step that captures it would also hide the command from the runner). @actions/core writes commands
 * to stdout only, so this one line is written here, escaped as @actions/core escapes command data.
 */
export function stderrMask(write: (text: string) => void): (value: string) => void {
  return (value) => write(`::add-mask::${value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')}\n`);
}
