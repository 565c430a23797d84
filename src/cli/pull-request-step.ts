// The `--pull-request` flag of apply and plan (the lifecycle itself is the core's: usecases/settle).
import { UsageError } from '../core/errors.js';
import type { Scope } from './flow.js';

/** `--pull-request N`: a positive number, and only where the environment says pull_requests: true (else exit 2). */
export function pullRequestOption(s: Scope, value: string | undefined): number | null {
  if (value === undefined) return null;
  if (!/^[1-9][0-9]{0,9}$/.test(value)) throw new UsageError(`--pull-request must be a pull request number, not "${value}"`);
  if (!s.env.pull_requests) {
    throw new UsageError(
      `--pull-request: ${s.env.name} does not accept pull requests (${s.config.file}:${s.env.line}: environments.${s.env.name}.pull_requests is not true); ` +
        'unmerged changes are applied only where pull_requests: true (QA), never PROD',
    );
  }
  return Number(value);
}
