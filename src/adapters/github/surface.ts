// The github `--format` surface the CLI's Output drives (src/cli/output.ts), bound to @actions/core.
import * as core from '@actions/core';
import type { GithubSurface } from '../../cli/output.js';
import { annotate, fail, maskSecrets } from './actions.js';

/** The @actions/core implementation of the CLI's `GithubSurface`. */
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
    setSecret: (value) => maskSecrets([value]),
    appendSummary: async (markdown) => {
      await core.summary.addRaw(markdown, true).write();
    },
  };
}
