// `--format github`: what a run tells GitHub Actions, all through @actions/core so that escaping of
// workflow commands, the GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files and masking follow the runner's rules.
import * as core from '@actions/core';
import { redact, registerSecret } from '../../core/redact.js';
import type { Diagnostic } from '../../core/types.js';
import { summaryMarkdown, type SummaryInput } from './job-summary.js';

/** Writes one annotation per finding, on its file and line, titled with the rule code. */
export function annotate(diagnostics: Diagnostic[]): void {
  for (const d of diagnostics) {
    const props: core.AnnotationProperties = {
      title: d.code,
      file: d.file,
      startLine: d.line,
      startColumn: d.column,
    };
    const message = redact(d.message);
    if (d.severity === 'error') core.error(message, props);
    else if (d.severity === 'warning') core.warning(message, props);
    else core.notice(message, props);
  }
}

/** Runs `fn` inside a collapsible log group (one per change). */
export function group<T>(name: string, fn: () => Promise<T>): Promise<T> {
  return core.group(name, fn);
}

/** Step outputs for later steps: counts of changes applied and still pending, and the snapshot id. */
export function setOutputs(outputs: { applied: number; pending: number; snapshotId?: string | null }): void {
  core.setOutput('applied', String(outputs.applied));
  core.setOutput('pending', String(outputs.pending));
  core.setOutput('snapshot-id', outputs.snapshotId ?? '');
}

/**
 * Masks each value in every later log line (`setSecret`) and registers it for `redact`, so the same
 * credential is also kept out of messages, summaries and comments. Call before anything is printed.
 */
export function maskSecrets(values: (string | undefined | null)[]): void {
  for (const v of values) {
    if (!v) continue;
    core.setSecret(v);
    registerSecret(v);
  }
}

/** Marks the step failed with `message` (redacted); the CLI still sets the exit code. */
export function fail(message: string): void {
  core.setFailed(redact(message));
}

/** Appends the summary to the job summary file (GITHUB_STEP_SUMMARY). */
export async function writeSummary(input: SummaryInput): Promise<void> {
  await core.summary.addRaw(summaryMarkdown(input), true).write();
}
