// Expected failures carry their exit code; the CLI's one top-level catch maps them. Anything else is a bug.

/** An expected failure with its exit code: 1 a check failed (findings, a failed statement or verify, a refusal), 2 usage or configuration. */
export class ChangegateError extends Error {
  constructor(message: string, readonly exitCode: 1 | 2, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ChangegateError';
  }
}

/** Bad command line or bad `changegate.yaml`: exit 2. */
export class UsageError extends ChangegateError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 2, options);
    this.name = 'UsageError';
  }
}

/** A guard refused to go on (protected cluster, read-only server, version floor, lock held, gate): exit 1. */
export class RefusedError extends ChangegateError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 1, options);
    this.name = 'RefusedError';
  }
}

/** A statement or verify query failed while applying a change: exit 1, with where it failed. */
export class ApplyError extends ChangegateError {
  constructor(
    message: string,
    readonly changeId: string,
    readonly file: string | undefined,
    readonly line: number | undefined,
    /** 1-based statement number within the change, when a statement failed. */
    readonly statement: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, 1, options);
    this.name = 'ApplyError';
  }
}
