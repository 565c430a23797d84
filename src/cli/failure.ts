// What an expected failure says and how it ends a command: the one reading of an error that the
// top-level catch and a fleet's targets share.
import { ChangegateError, RefusedError } from '../core/errors.js';
import { StatementError } from '../core/ports.js';
import type { JsonError } from './output.js';

/** An expected failure: its json code, the message a user reads, and the exit code. */
export interface Failure {
  code: JsonError['code'];
  message: string;
  exitCode: 1 | 2;
}

/** Reads an expected failure; undefined for anything else (a bug, whose stack must be shown). */
export function describeFailure(err: unknown): Failure | undefined {
  if (err instanceof StatementError) {
    // The server refusing something outside a change's statements (creating the history table
    // without the privilege, say): the target failed a check, exit 1.
    return err.connectionLost
      ? { code: 'connection-lost', message: `the connection to the server was lost (${err.message}); what ran is recorded in history: run the command again`, exitCode: 1 }
      : { code: 'server-refused', message: `the server refused: ${err.message}`, exitCode: 1 };
  }
  if (err instanceof ChangegateError) {
    const code: JsonError['code'] = err.exitCode === 2 ? 'usage' : err instanceof RefusedError ? 'refused' : 'failed';
    return { code, message: err.message, exitCode: err.exitCode };
  }
  return undefined;
}
