// Where everything a user reads goes. Only the CLI prints; commands hand this object what to say.
// text: lines on stdout; json: one document on stdout, progress on stderr; github: @actions/core
// annotations, groups, summary and outputs, loaded only in that format to keep start-up fast.
import type { Diagnostic } from '../core/types.js';
import { redact, registerSecret } from '../core/redact.js';
import type { GithubSurface } from '../adapters/github/surface.js';

export type { GithubSurface } from '../adapters/github/surface.js';

/** The `--format` values every command accepts. */
export type Format = 'text' | 'json' | 'github';

/** Writes a line somewhere; tests pass recorders, the CLI passes process streams. */
export type Sink = (text: string) => void;

/** One command's output channel in the chosen format. */
export class Output {
  private doc: unknown;
  private failure: JsonError | undefined;
  private summaryParts: string[] = [];

  constructor(
    readonly format: Format,
    private readonly stdout: Sink,
    private readonly stderr: Sink,
    private readonly gh?: GithubSurface,
    /** Tells the GitHub Actions runner to mask a value; given only inside Actions (GITHUB_ACTIONS=true). */
    private readonly mask?: (value: string) => void,
  ) {}

  /** A human line: progress, results. In json it goes to stderr so stdout stays one document. */
  info(line: string): void {
    const text = redact(line);
    if (this.format === 'json') this.stderr(text + '\n');
    else if (this.gh) this.gh.info(text);
    else this.stdout(text + '\n');
  }

  /** A warning that does not fail the command (a Slack outage, say). */
  warn(line: string): void {
    const text = redact(line);
    if (this.gh) this.gh.warning(text);
    else this.stderr(`warning: ${text}\n`);
  }

  /**
   * The failure that ends a command. In json it becomes the document's `error` (beside what the command
   * already reported, such as a run's results) and is not repeated on stderr; elsewhere it is `error()`.
   */
  fail(code: JsonError['code'], message: string): void {
    if (this.format === 'json') this.failure = { code, message: redact(message) };
    else this.error(message);
  }

  /** The message of a failed command; in json, the document's `error` (code `failed`) unless one is set. */
  error(line: string): void {
    const text = redact(line);
    if (this.format === 'json') this.failure ??= { code: 'failed', message: text };
    else if (this.gh) this.gh.setFailed(text);
    else this.stderr(`error: ${text}\n`);
  }

  /**
   * Findings: workflow annotations with file and line in github format, and a line each when `render`
   * is given (commands that already listed them in their own text pass none).
   */
  diagnostics(diagnostics: Diagnostic[], render?: (d: Diagnostic) => string): void {
    if (this.format === 'json') return;
    if (this.gh) this.gh.annotate(diagnostics);
    if (!render) return;
    for (const d of diagnostics) {
      if (this.gh) this.gh.info(render(d));
      else this.stdout(render(d) + '\n');
    }
  }

  /** Folds the lines of one change into a group in the github log; the text formats need no fold. */
  group(name: string): { end(): void } {
    if (this.gh) {
      this.gh.startGroup(name);
      return { end: () => this.gh!.endGroup() };
    }
    return { end: () => undefined };
  }

  /** Output that is the command's result in every format (a matrix for a workflow to read): stdout. */
  raw(text: string): void {
    this.stdout(text + '\n');
  }

  /** The machine-readable result: printed by `finish()` in json format, ignored otherwise. */
  setDocument(doc: unknown): void {
    this.doc = doc;
  }

  /**
   * Markdown for the job summary (github format only). A function is called only in that format: a
   * long change's summary costs milliseconds to build that text and json would throw away.
   */
  summary(markdown: string | (() => string)): void {
    if (this.format !== 'github') return;
    this.summaryParts.push(typeof markdown === 'string' ? markdown : markdown());
  }

  /** A step output for later steps (github format only). */
  output(name: string, value: string): void {
    this.gh?.setOutput(name, value);
  }

  /**
   * Registers a credential for redaction and, inside GitHub Actions, has the runner mask it; call it
   * the moment the value exists. Outside Actions nothing is written: a mask command on a terminal
   * would print the very value it hides.
   */
  secret(value: string | undefined | null): void {
    if (!value) return;
    registerSecret(value);
    this.mask?.(value);
  }

  /**
   * An output of the same run that prints nothing: one target of a fleet, whose result line the fleet
   * prints instead. Credentials it meets are still registered and masked as here.
   */
  silent(): Output {
    const drop: Sink = () => undefined;
    return new Output('text', drop, drop, undefined, this.mask);
  }

  /** Flushes the json document and the job summary. */
  async finish(): Promise<void> {
    if (this.format === 'json') {
      const doc = this.failure === undefined ? this.doc : withError(this.doc, this.failure);
      if (doc !== undefined) this.stdout(redact(JSON.stringify(doc, null, 2)) + '\n');
    }
    if (this.gh && this.summaryParts.length > 0) await this.gh.appendSummary(redact(this.summaryParts.join('\n\n')));
  }
}

/**
 * The `error` of a json document. `code` says what kind of failure it was, for a machine that branches on it:
 * `usage` (exit 2: the command line or the configuration), `refused` (a guard said no), `failed` (a
 * check, a statement or a connection failed), `server-refused` (the server refused changegate's own
 * statement), `connection-lost`, `internal` (a bug, exit 70).
 */
export interface JsonError {
  code: 'usage' | 'refused' | 'failed' | 'server-refused' | 'connection-lost' | 'internal';
  message: string;
}

// What the command reported, with the error beside it; a document that is not an object is kept whole under `result`.
function withError(doc: unknown, error: JsonError): unknown {
  if (doc === undefined) return { error };
  if (typeof doc === 'object' && doc !== null && !Array.isArray(doc)) return { ...(doc as Record<string, unknown>), error };
  return { result: doc, error };
}
