// Replays a GitHub Actions workflow of this repository the way the runner would, as far as changegate's
// steps are concerned: jobs in `needs` order, matrix jobs (an `include` list) entry by entry,
// reusable-workflow calls (`uses: ./.github/workflows/x.yml`) with their typed `with:` inputs and `secrets:`, job and step `if:` conditions, `${{ }}` expansion,
// env from workflow, job and step, the GITHUB_* variables and the GITHUB_OUTPUT / GITHUB_STEP_SUMMARY /
// GITHUB_ENV files, and `steps.<id>.outputs` / `outcome` for later steps.
//
// What runs: every `run:` step that invokes `changegate`, through `bash -e` (the runner's default shell
// on Linux), with `changegate` on PATH as a shim that execs the built CLI. What is simulated: the
// `uses:` steps changegate depends on (actions/checkout = the working directory is the test repository;
// aws-actions/configure-aws-credentials = the test's static credentials and endpoint are exported, after
// checking the job may mint an OIDC token; actions/upload-artifact and download-artifact = files kept
// in the run's memory by artifact name). What is skipped, with the reason recorded: the install step
// (the shim stands in for `npm link`), setup-node (the test's Node runs the CLI), other actions, and run
// steps that do not invoke changegate. Jobs run one after the other (Actions may run independent jobs at
// once; the order here is the file's, within `needs`; a matrix's jobs also run one by one).
//
// The expression evaluator covers what the workflow files use (contexts github, inputs, secrets, vars,
// steps, needs, env, runner, job; literals; `.` and `[ ]`; ! == != < <= > >= && ||; always(), success(),
// failure(), cancelled(), format(), toJSON(), fromJSON()) and throws on anything else, so a workflow
// that grows an expression this replay does not understand fails the test instead of being misread.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';

// ---------------------------------------------------------------------------------------------------
// Expressions

type Value = null | boolean | number | string | Value[] | { [k: string]: Value };

type Node =
  | { t: 'lit'; v: Value }
  | { t: 'ctx'; name: string }
  | { t: 'prop'; obj: Node; name: string }
  | { t: 'index'; obj: Node; key: Node }
  | { t: 'call'; fn: string; args: Node[] }
  | { t: 'not'; e: Node }
  | { t: 'bin'; op: string; l: Node; r: Node };

/** What an expression can see; a missing context is "not available here" and throws when used. */
export interface ExprScope {
  contexts: Record<string, Value | undefined>;
  /** For success()/failure()/cancelled(): whether an earlier step or needed job failed. */
  failed?: boolean;
  /** Whether status functions are allowed here (job and step `if:`). */
  statusFunctions?: boolean;
}

const CONTEXTS = new Set(['github', 'inputs', 'secrets', 'vars', 'steps', 'needs', 'env', 'runner', 'job', 'jobs', 'matrix', 'strategy']);
const STATUS_FUNCTIONS = new Set(['always', 'success', 'failure', 'cancelled']);
const FUNCTIONS = new Set([...STATUS_FUNCTIONS, 'format', 'tojson', 'fromjson']);

function tokenize(src: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "'") {
      let j = i + 1;
      let s = '';
      for (;;) {
        if (j >= src.length) throw new Error(`replay: unterminated string in expression: ${src}`);
        if (src[j] === "'") {
          if (src[j + 1] === "'") {
            s += "'";
            j += 2;
            continue;
          }
          break;
        }
        s += src[j++];
      }
      out.push(`'${s}`); // marker: a string literal token starts with a quote
      i = j + 1;
      continue;
    }
    const two = src.slice(i, i + 2);
    if (['==', '!=', '<=', '>=', '&&', '||'].includes(two)) {
      out.push(two);
      i += 2;
      continue;
    }
    if ('!<>()[].,*'.includes(c)) {
      out.push(c);
      i++;
      continue;
    }
    const num = /^(?:0x[0-9a-f]+|\d+(?:\.\d+)?(?:e[+-]?\d+)?)/i.exec(src.slice(i));
    if (num) {
      out.push(`#${num[0]}`);
      i += num[0].length;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(src.slice(i));
    if (id) {
      out.push(id[0]);
      i += id[0].length;
      continue;
    }
    throw new Error(`replay: unsupported character ${JSON.stringify(c)} in expression: ${src}`);
  }
  return out;
}

/** Parses one expression (without `${{ }}`). */
export function parseExpression(src: string): Node {
  const toks = tokenize(src);
  let p = 0;
  const peek = () => toks[p];
  const take = (want?: string) => {
    const t = toks[p++];
    if (t === undefined || (want !== undefined && t !== want)) throw new Error(`replay: expected ${want ?? 'a token'} in expression: ${src}`);
    return t;
  };
  const binary = (ops: string[], next: () => Node) => (): Node => {
    let l = next();
    while (ops.includes(peek() ?? '')) {
      const op = take();
      l = { t: 'bin', op, l, r: next() };
    }
    return l;
  };
  const primary = (): Node => {
    const t = take();
    if (t === '(') {
      const e = or();
      take(')');
      return e;
    }
    if (t.startsWith("'")) return { t: 'lit', v: t.slice(1) };
    if (t.startsWith('#')) return { t: 'lit', v: Number(t.slice(1)) };
    if (t === 'true' || t === 'false') return { t: 'lit', v: t === 'true' };
    if (t === 'null') return { t: 'lit', v: null };
    if (/^[A-Za-z_]/.test(t)) {
      if (peek() === '(') {
        take('(');
        const fn = t.toLowerCase();
        if (!FUNCTIONS.has(fn)) throw new Error(`replay: function ${t}() is not supported by the replay: ${src}`);
        const args: Node[] = [];
        if (peek() !== ')') {
          args.push(or());
          while (peek() === ',') {
            take(',');
            args.push(or());
          }
        }
        take(')');
        return { t: 'call', fn, args };
      }
      if (!CONTEXTS.has(t)) throw new Error(`replay: unknown context "${t}" in expression: ${src}`);
      return { t: 'ctx', name: t };
    }
    throw new Error(`replay: unexpected "${t}" in expression: ${src}`);
  };
  const postfix = (): Node => {
    let e = primary();
    for (;;) {
      if (peek() === '.') {
        take('.');
        const name = take();
        if (name === '*') throw new Error(`replay: object filters (.*) are not supported: ${src}`);
        if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(name)) throw new Error(`replay: bad property "${name}" in expression: ${src}`);
        e = { t: 'prop', obj: e, name };
      } else if (peek() === '[') {
        take('[');
        const key = or();
        take(']');
        e = { t: 'index', obj: e, key };
      } else return e;
    }
  };
  const unary = (): Node => {
    if (peek() === '!') {
      take('!');
      return { t: 'not', e: unary() };
    }
    return postfix();
  };
  const compare = binary(['<', '<=', '>', '>='], unary);
  const equality = binary(['==', '!='], compare);
  const and = binary(['&&'], equality);
  const or: () => Node = binary(['||'], and);
  const tree = or();
  if (p !== toks.length) throw new Error(`replay: unexpected "${toks[p]}" in expression: ${src}`);
  return tree;
}

function truthy(v: Value): boolean {
  return !(v === null || v === false || v === 0 || v === '' || (typeof v === 'number' && Number.isNaN(v)));
}

function toNumber(v: Value): number {
  if (v === null) return 0;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return v.trim() === '' ? 0 : Number(v);
  return NaN;
}

// Actions' loose comparison: strings case-insensitively, different types through numbers.
function compareValues(op: string, l: Value, r: Value): boolean {
  if (typeof l === 'string' && typeof r === 'string') {
    const a = l.toLowerCase();
    const b = r.toLowerCase();
    switch (op) {
      case '==': return a === b;
      case '!=': return a !== b;
      case '<': return a < b;
      case '<=': return a <= b;
      case '>': return a > b;
      default: return a >= b;
    }
  }
  if (typeof l === 'object' && l !== null && typeof r === 'object' && r !== null) {
    if (op === '==') return l === r;
    if (op === '!=') return l !== r;
    return false;
  }
  const a = typeof l === typeof r && typeof l !== 'object' ? (typeof l === 'number' ? l : toNumber(l)) : toNumber(l);
  const b = toNumber(r);
  switch (op) {
    case '==': return a === b;
    case '!=': return a !== b; // NaN != anything
    case '<': return a < b;
    case '<=': return a <= b;
    case '>': return a > b;
    default: return a >= b;
  }
}

function getProp(obj: Value, name: string): Value {
  if (obj === null || typeof obj !== 'object') return null;
  if (Array.isArray(obj)) {
    const i = Number(name);
    return Number.isInteger(i) ? (obj[i] ?? null) : null;
  }
  if (name in obj) return obj[name] ?? null;
  const lower = name.toLowerCase();
  for (const k of Object.keys(obj)) if (k.toLowerCase() === lower) return obj[k] ?? null;
  return null;
}

function asString(v: Value): string {
  if (v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean' || typeof v === 'number') return String(v);
  return JSON.stringify(v, null, 2);
}

function evalNode(n: Node, scope: ExprScope, src: string): Value {
  switch (n.t) {
    case 'lit':
      return n.v;
    case 'ctx': {
      const v = scope.contexts[n.name];
      if (v === undefined) throw new Error(`replay: context "${n.name}" is not available here: ${src}`);
      return v;
    }
    case 'prop':
      return getProp(evalNode(n.obj, scope, src), n.name);
    case 'index': {
      const key = evalNode(n.key, scope, src);
      return getProp(evalNode(n.obj, scope, src), asString(key));
    }
    case 'not':
      return !truthy(evalNode(n.e, scope, src));
    case 'bin': {
      if (n.op === '&&') {
        const l = evalNode(n.l, scope, src);
        return truthy(l) ? evalNode(n.r, scope, src) : l;
      }
      if (n.op === '||') {
        const l = evalNode(n.l, scope, src);
        return truthy(l) ? l : evalNode(n.r, scope, src);
      }
      return compareValues(n.op, evalNode(n.l, scope, src), evalNode(n.r, scope, src));
    }
    case 'call': {
      if (STATUS_FUNCTIONS.has(n.fn)) {
        if (!scope.statusFunctions) throw new Error(`replay: ${n.fn}() is only allowed in if: conditions: ${src}`);
        if (n.args.length) throw new Error(`replay: ${n.fn}() takes no arguments: ${src}`);
        if (n.fn === 'always') return true;
        if (n.fn === 'cancelled') return false;
        if (n.fn === 'failure') return !!scope.failed;
        return !scope.failed;
      }
      const args = n.args.map((a) => evalNode(a, scope, src));
      if (n.fn === 'format') {
        const fmt = asString(args[0] ?? null);
        return fmt.replace(/\{\{|\}\}|\{(\d+)\}/g, (m, i: string | undefined) => {
          if (m === '{{') return '{';
          if (m === '}}') return '}';
          const k = Number(i) + 1;
          if (k >= args.length) throw new Error(`replay: format() has no argument {${i}}: ${src}`);
          return asString(args[k]!);
        });
      }
      if (n.fn === 'tojson') return JSON.stringify(args[0] ?? null, null, 2);
      if (n.fn === 'fromjson') return JSON.parse(asString(args[0] ?? null)) as Value;
      throw new Error(`replay: function ${n.fn}() is not supported: ${src}`);
    }
  }
}

/** Evaluates one expression (without `${{ }}`). */
export function evaluate(src: string, scope: ExprScope): Value {
  return evalNode(parseExpression(src), scope, src);
}

function usesStatusFunction(n: Node): boolean {
  switch (n.t) {
    case 'call':
      return STATUS_FUNCTIONS.has(n.fn) || n.args.some(usesStatusFunction);
    case 'prop':
      return usesStatusFunction(n.obj);
    case 'index':
      return usesStatusFunction(n.obj) || usesStatusFunction(n.key);
    case 'not':
      return usesStatusFunction(n.e);
    case 'bin':
      return usesStatusFunction(n.l) || usesStatusFunction(n.r);
    default:
      return false;
  }
}

/** A job or step `if:` as Actions reads it: optional `${{ }}`, implicit `success() &&` without a status function. */
export function condition(expr: unknown, scope: ExprScope): boolean {
  if (expr === undefined || expr === null) return !scope.failed;
  if (typeof expr === 'boolean') return expr && !scope.failed;
  if (typeof expr === 'number') return truthy(expr) && !scope.failed;
  if (typeof expr !== 'string') throw new Error(`replay: unsupported if: ${JSON.stringify(expr)}`);
  let src = expr.trim();
  const wrapped = /^\$\{\{([\s\S]*)\}\}$/.exec(src);
  if (wrapped && !wrapped[1]!.includes('}}')) src = wrapped[1]!.trim();
  const tree = parseExpression(src);
  const s = { ...scope, statusFunctions: true };
  const value = truthy(evalNode(tree, s, src));
  return usesStatusFunction(tree) ? value : value && !scope.failed;
}

/**
 * Expands `${{ }}` in a string. A string that is exactly one expression keeps the value's type (as
 * `with:` inputs do); otherwise each expression is converted to text.
 */
export function expand(text: unknown, scope: ExprScope): Value {
  if (typeof text !== 'string') return (text ?? null) as Value;
  const whole = /^\$\{\{([\s\S]*?)\}\}$/.exec(text.trim());
  if (whole && text.trim().indexOf('${{', 3) < 0) return evaluate(whole[1]!.trim(), scope);
  let out = '';
  let i = 0;
  for (;;) {
    const start = text.indexOf('${{', i);
    if (start < 0) return out + text.slice(i);
    const end = text.indexOf('}}', start + 3);
    if (end < 0) throw new Error(`replay: unterminated \${{ in: ${text}`);
    out += text.slice(i, start) + asString(evaluate(text.slice(start + 3, end).trim(), scope));
    i = end + 2;
  }
}

function expandString(text: unknown, scope: ExprScope): string {
  return asString(expand(text, scope));
}

// ---------------------------------------------------------------------------------------------------
// Runner files

/** Parses a GITHUB_OUTPUT / GITHUB_ENV file: `k=v` lines and `k<<DELIM` heredocs. */
export function parseKeyValueFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, key, delim] = heredoc;
      const body: string[] = [];
      i++;
      while (i < lines.length && lines[i] !== delim) body.push(lines[i++]!);
      if (i >= lines.length) throw new Error(`replay: unterminated heredoc ${delim} for ${key}`);
      out[key!] = body.join('\n');
      continue;
    }
    const eq = line.indexOf('=');
    if (eq < 0) throw new Error(`replay: malformed line in a runner file: ${line}`);
    out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

/** A workflow command (`::name props::message`) a step printed on stdout. */
export interface WorkflowCommand {
  command: string;
  properties: Record<string, string>;
  message: string;
}

function unescapeCommand(s: string, prop: boolean): string {
  let r = s.replace(/%0D/gi, '\r').replace(/%0A/gi, '\n');
  if (prop) r = r.replace(/%3A/gi, ':').replace(/%2C/gi, ',');
  return r.replace(/%25/g, '%');
}

/** The workflow commands in a step's stdout. */
export function workflowCommands(stdout: string): WorkflowCommand[] {
  const out: WorkflowCommand[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    const m = /^::([a-z-]+)(?: ([^:]*))?::(.*)$/.exec(line);
    if (!m) continue;
    const properties: Record<string, string> = {};
    for (const part of (m[2] ?? '').split(',').filter(Boolean)) {
      const eq = part.indexOf('=');
      properties[part.slice(0, eq)] = unescapeCommand(part.slice(eq + 1), true);
    }
    out.push({ command: m[1]!, properties, message: unescapeCommand(m[3]!, false) });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Records

/** What happened to one step. */
export interface StepRecord {
  /** Job key, e.g. `prod/deploy` (caller job / called job) or `qa`. */
  job: string;
  index: number;
  id?: string;
  name: string;
  /** `ran` through bash, `simulated` (checkout, AWS credentials), or `skipped` (condition false or not replayed). */
  status: 'ran' | 'simulated' | 'skipped';
  reason?: string;
  outcome: 'success' | 'failure' | 'skipped';
  /** The expanded script (run steps). */
  script?: string;
  exitCode?: number | null;
  stdout: string;
  stderr: string;
  /** The step's GITHUB_STEP_SUMMARY content. */
  summary: string;
  outputs: Record<string, string>;
  commands: WorkflowCommand[];
  /** The step's environment as the replay set it (for inspection; it holds credentials). */
  env?: Record<string, string>;
}

/** What happened to one job (a called workflow's jobs are keyed `caller/called`). */
export interface JobRecord {
  key: string;
  name: string;
  result: 'success' | 'failure' | 'skipped';
  reason?: string;
  /** GitHub environment the job deployed to (after its reviewers approved). */
  environment?: string;
  concurrency?: { group: string; cancelInProgress: boolean };
  /** Effective GITHUB_TOKEN / OIDC permissions. */
  permissions?: Record<string, string>;
  steps: StepRecord[];
  outputs: Record<string, string>;
  /** The steps' summaries, concatenated as the run page shows them. */
  summary: string;
}

/** A replayed workflow run. */
export interface WorkflowRun {
  workflow: string;
  jobs: JobRecord[];
  result: 'success' | 'failure';
  /** Every step of every job, in the order they were considered. */
  steps: StepRecord[];
  /** A job by key; throws when absent. */
  job(key: string): JobRecord;
  /** A step by job key and step id or name; throws when absent. */
  step(job: string, idOrName: string): StepRecord;
}

// ---------------------------------------------------------------------------------------------------
// The runner

/** The event that triggered the run, as `github.event` and the GITHUB_* variables see it. */
export interface ReplayEvent {
  name: string;
  payload: Record<string, unknown>;
  ref: string;
  sha: string;
  actor?: string;
  /** workflow_dispatch inputs. */
  inputs?: Record<string, unknown>;
}

/** Everything a replay needs. */
export interface ReplayOptions {
  /** Repository root whose `.github/workflows` holds the workflow and the reusable ones it calls. */
  workflowsRoot: string;
  /** What actions/checkout leaves in the workspace: the test repository. */
  workspace: string;
  /** The built CLI (`dist/cli/bin.mjs`, the bundle the package ships) the `changegate` shim runs. */
  cli: string;
  /** `owner/name`. */
  repository: string;
  event: ReplayEvent;
  runId: number;
  serverUrl?: string;
  /** GITHUB_API_URL: the recorder. */
  apiUrl: string;
  /** `github.token`. */
  token: string;
  secrets?: Record<string, string>;
  vars?: Record<string, string>;
  /** The runner's own environment under everything else (undefined removes a variable). */
  baseEnv?: Record<string, string | undefined>;
  /** What aws-actions/configure-aws-credentials exports (the fake's static keys and endpoint). */
  awsEnv?: Record<string, string>;
  /** Temp folder for runner files (one sub-folder per run). */
  scratch: string;
  /** Changes a changegate run script before it runs (e.g. a service container's URL); recorded in the step's reason. */
  rewriteRun?: (script: string, where: { job: string; step: string; services: string[] }) => { script: string; note?: string };
  /** Decides a GitHub environment's deployment review; default approves. */
  approveEnvironment?: (environment: string, job: string) => boolean;
  /** Kill a step after this long (default 60 s). */
  stepTimeoutMs?: number;
}

type Yaml = Record<string, unknown>;

interface RunState {
  opts: ReplayOptions;
  dir: string;
  bin: string;
  eventPath: string;
  github: Record<string, Value>;
  records: JobRecord[];
  steps: StepRecord[];
  workflowName: string;
  /** Artifacts uploaded in this run: name -> file path inside the artifact -> content. */
  artifacts: Map<string, Map<string, Buffer>>;
}

const obj = (v: unknown): Yaml => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Yaml) : {});

function loadWorkflow(root: string, rel: string): Yaml {
  const file = path.join(root, rel);
  const doc = parseYaml(readFileSync(file, 'utf8')) as unknown;
  if (!doc || typeof doc !== 'object') throw new Error(`replay: ${rel} is not a workflow`);
  return doc as Yaml;
}

/** Replays `.github/workflows/<file>` for `opts.event`. */
export async function replayWorkflow(file: string, opts: ReplayOptions): Promise<WorkflowRun> {
  const rel = path.join('.github', 'workflows', file);
  const wf = loadWorkflow(opts.workflowsRoot, rel);
  mkdirSync(opts.scratch, { recursive: true });
  const dir = mkdtempSync(path.join(opts.scratch, 'run-'));
  const bin = path.join(dir, 'bin');
  mkdirSync(bin);
  // `changegate` on PATH, as `npm link` would put it, running the CLI this test built.
  writeFileSync(path.join(bin, 'changegate'), `#!/bin/sh\nexec ${shellQuote(process.execPath)} ${shellQuote(opts.cli)} "$@"\n`);
  chmodSync(path.join(bin, 'changegate'), 0o755);
  const eventPath = path.join(dir, 'event.json');
  writeFileSync(eventPath, JSON.stringify(opts.event.payload, null, 2));
  const { ref, sha, name, payload } = opts.event;
  const refName = ref.replace(/^refs\/(heads|tags)\//, '').replace(/^refs\/pull\//, '');
  const pr = obj(payload['pull_request']);
  const github: Record<string, Value> = {
    event_name: name,
    event: payload as Value,
    repository: opts.repository,
    repository_owner: opts.repository.split('/')[0]!,
    ref,
    ref_name: refName,
    sha,
    run_id: String(opts.runId),
    run_number: '1',
    run_attempt: '1',
    actor: opts.event.actor ?? 'octocat',
    triggering_actor: opts.event.actor ?? 'octocat',
    server_url: opts.serverUrl ?? 'https://github.com',
    api_url: opts.apiUrl,
    graphql_url: `${opts.apiUrl}/graphql`,
    workflow: String(wf['name'] ?? file),
    workspace: opts.workspace,
    token: opts.token,
    head_ref: name.startsWith('pull_request') ? String(obj(pr['head'])['ref'] ?? '') : '',
    base_ref: name.startsWith('pull_request') ? String(obj(pr['base'])['ref'] ?? '') : '',
  };
  const state: RunState = { opts, dir, bin, eventPath, github, records: [], steps: [], workflowName: String(wf['name'] ?? file), artifacts: new Map() };
  const inputs = (opts.event.inputs ?? {}) as Value;
  // `secrets.GITHUB_TOKEN` exists in every workflow, called ones included.
  await runJobs(state, wf, { prefix: '', inputs, secrets: { GITHUB_TOKEN: opts.token, ...opts.secrets }, callerPermissions: undefined });
  const run: WorkflowRun = {
    workflow: file,
    jobs: state.records,
    steps: state.steps,
    result: state.records.some((j) => j.result === 'failure') ? 'failure' : 'success',
    job(key) {
      const j = state.records.find((x) => x.key === key);
      if (!j) throw new Error(`replay: no job ${key} (jobs: ${state.records.map((x) => x.key).join(', ')})`);
      return j;
    },
    step(job, idOrName) {
      const s = run.job(job).steps.find((x) => x.id === idOrName || x.name === idOrName);
      if (!s) throw new Error(`replay: no step ${idOrName} in ${job}`);
      return s;
    },
  };
  return run;
}

interface Call {
  prefix: string;
  inputs: Value;
  secrets: Value;
  /** The caller job's permissions, which bound the called jobs'. */
  callerPermissions: Record<string, string> | undefined;
}

/** Runs a workflow's jobs in `needs` order; returns job id → { result, outputs } (the `needs`/`jobs` context). */
async function runJobs(state: RunState, wf: Yaml, call: Call): Promise<Record<string, { result: string; outputs: Record<string, string> }>> {
  const jobs = obj(wf['jobs']);
  const done: Record<string, { result: string; outputs: Record<string, string> }> = {};
  const ids = Object.keys(jobs);
  const needsOf = (id: string): string[] => {
    const n = obj(jobs[id])['needs'];
    return n === undefined ? [] : Array.isArray(n) ? n.map(String) : [String(n)];
  };
  for (const id of ids) for (const n of needsOf(id)) if (!(n in jobs)) throw new Error(`replay: job ${id} needs unknown job ${n}`);
  const workflowEnv = obj(wf['env']);
  while (Object.keys(done).length < ids.length) {
    const ready = ids.find((id) => !(id in done) && needsOf(id).every((n) => n in done));
    if (!ready) throw new Error('replay: a cycle in needs');
    const job = obj(jobs[ready]);
    const key = call.prefix ? `${call.prefix}/${ready}` : ready;
    const needs: Record<string, Value> = {};
    for (const n of needsOf(ready)) needs[n] = { result: done[n]!.result, outputs: done[n]!.outputs };
    const neededFailed = needsOf(ready).some((n) => done[n]!.result !== 'success');
    const scope: ExprScope = {
      contexts: { github: state.github, inputs: call.inputs, secrets: call.secrets, vars: (state.opts.vars ?? {}) as Value, needs },
      failed: neededFailed,
    };
    // A matrix job's name may use `matrix`, which exists only once the matrix is expanded.
    const name = job['name'] === undefined ? ready : job['strategy'] !== undefined ? String(job['name']) : expandString(job['name'], scope);
    if (!condition(job['if'], scope)) {
      const reason = neededFailed && job['if'] === undefined ? `a needed job did not succeed (${needsOf(ready).join(', ')})` : `if: ${String(job['if'] ?? 'success()')} is false`;
      state.records.push({ key, name, result: 'skipped', reason, steps: [], outputs: {}, summary: '' });
      done[ready] = { result: 'skipped', outputs: {} };
      continue;
    }
    if (typeof job['uses'] === 'string') {
      done[ready] = await runCalledWorkflow(state, key, job, scope);
      continue;
    }
    if (job['strategy'] !== undefined) {
      done[ready] = await runMatrix(state, key, job, scope, workflowEnv, wf['permissions'], call);
      continue;
    }
    done[ready] = await runJob(state, key, name, job, scope, workflowEnv, wf['permissions'], call);
  }
  return done;
}

/**
 * A matrix job: `strategy.matrix` expanded (an `include` list, or one expression giving `{ include }`),
 * then one job per entry, one after the other, each keyed `job[i]` with `matrix` and `strategy`
 * in its expressions. Like `fail-fast: false`, a failed entry does not stop the others; the job's
 * result for `needs` is failure when any entry failed. Other matrix forms throw.
 */
async function runMatrix(
  state: RunState,
  key: string,
  job: Yaml,
  scope: ExprScope,
  workflowEnv: Yaml,
  workflowPermissions: unknown,
  call: Call,
): Promise<{ result: string; outputs: Record<string, string> }> {
  const strategy = obj(job['strategy']);
  for (const k of Object.keys(strategy)) if (!['matrix', 'fail-fast', 'max-parallel'].includes(k)) throw new Error(`replay: job ${key} has strategy.${k}`);
  if (strategy['fail-fast'] !== false) throw new Error(`replay: job ${key} must say fail-fast: false; the replay runs every entry`);
  const matrix = typeof strategy['matrix'] === 'string' ? expand(strategy['matrix'], scope) : (strategy['matrix'] as Value);
  const m = obj(matrix);
  const extra = Object.keys(m).filter((k) => k !== 'include');
  if (extra.length > 0 || !Array.isArray(m['include'])) throw new Error(`replay: job ${key}'s matrix is not an include list: ${JSON.stringify(matrix)}`);
  const entries = m['include'] as Value[];
  if (entries.length === 0) throw new Error(`replay: job ${key}'s matrix is empty (Actions fails such a job)`);
  const maxParallel = strategy['max-parallel'] !== undefined ? toNumber(expand(strategy['max-parallel'], scope)) : entries.length;
  const results: string[] = [];
  const outputs: Record<string, string> = {};
  for (let i = 0; i < entries.length; i++) {
    const strategyCtx: Value = { 'fail-fast': false, 'job-index': i, 'job-total': entries.length, 'max-parallel': maxParallel };
    const entryScope: ExprScope = { ...scope, contexts: { ...scope.contexts, matrix: entries[i]!, strategy: strategyCtx } };
    const name = job['name'] !== undefined ? expandString(job['name'], entryScope) : key.split('/').pop()!;
    const r = await runJob(state, `${key}[${i}]`, name, job, entryScope, workflowEnv, workflowPermissions, call);
    results.push(r.result);
    Object.assign(outputs, r.outputs);
  }
  return { result: results.includes('failure') ? 'failure' : 'success', outputs };
}

const INPUT_TYPES = new Set(['string', 'boolean', 'number']);

async function runCalledWorkflow(state: RunState, key: string, job: Yaml, scope: ExprScope): Promise<{ result: string; outputs: Record<string, string> }> {
  const uses = String(job['uses']);
  const local = /^\.\/(\.github\/workflows\/[^@]+\.ya?ml)$/.exec(uses);
  if (!local) throw new Error(`replay: job ${key} calls ${uses}; only local reusable workflows are replayed`);
  const wf = loadWorkflow(state.opts.workflowsRoot, local[1]!);
  const on = obj(wf['on']);
  if (!('workflow_call' in on)) throw new Error(`replay: ${uses} has no workflow_call trigger`);
  const decl = obj(obj(on['workflow_call'])['inputs']);
  const given = obj(job['with']);
  for (const k of Object.keys(given)) if (!(k in decl)) throw new Error(`replay: job ${key} passes input ${k}, which ${uses} does not declare`);
  const inputs: Record<string, Value> = {};
  for (const [k, d] of Object.entries(decl)) {
    const spec = obj(d);
    const type = String(spec['type'] ?? 'string');
    if (!INPUT_TYPES.has(type)) throw new Error(`replay: input ${k} has type ${type}`);
    let v: Value;
    if (k in given) v = expand(given[k], scope);
    else if (spec['required'] === true) throw new Error(`replay: job ${key} does not pass required input ${k}`);
    else v = (spec['default'] ?? (type === 'boolean' ? false : type === 'number' ? 0 : '')) as Value;
    if (type === 'boolean') v = typeof v === 'boolean' ? v : String(v).toLowerCase() === 'true';
    else if (type === 'number') {
      const n = typeof v === 'number' ? v : Number(v);
      if (!Number.isFinite(n)) throw new Error(`replay: input ${k} of job ${key} is not a number: ${String(v)}`);
      v = n;
    } else v = asString(v);
    inputs[k] = v;
  }
  let secrets: Record<string, Value> = { GITHUB_TOKEN: state.opts.token };
  const s = job['secrets'];
  if (s === 'inherit') secrets = { ...secrets, ...(state.opts.secrets ?? {}) };
  else {
    const declared = obj(obj(on['workflow_call'])['secrets']);
    for (const [k, v] of Object.entries(obj(s))) {
      if (!(k in declared)) throw new Error(`replay: job ${key} passes secret ${k}, which ${uses} does not declare`);
      secrets[k] = expandString(v, scope);
    }
  }
  const permissions = job['permissions'] !== undefined ? permissionMap(job['permissions']) : undefined;
  const calledJobs = await runJobs(state, wf, { prefix: key, inputs, secrets, callerPermissions: permissions });
  const failed = Object.values(calledJobs).some((j) => j.result === 'failure');
  const outScope: ExprScope = { contexts: { github: state.github, inputs, jobs: calledJobs as unknown as Value } };
  const outputs: Record<string, string> = {};
  for (const [k, d] of Object.entries(obj(obj(on['workflow_call'])['outputs']))) outputs[k] = expandString(obj(d)['value'], outScope);
  return { result: failed ? 'failure' : 'success', outputs };
}

function permissionMap(p: unknown): Record<string, string> {
  if (p === 'read-all' || p === 'write-all') throw new Error(`replay: permissions: ${p} is not modelled`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj(p))) out[k] = String(v);
  return out;
}

const LEVEL: Record<string, number> = { none: 0, read: 1, write: 2 };

// A called job's token can have at most what the caller job granted.
function effectivePermissions(own: Record<string, string> | undefined, caller: Record<string, string> | undefined): Record<string, string> {
  const base = own ?? caller ?? {};
  if (!caller) return { ...base };
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) {
    const cap = caller[k] ?? 'none';
    out[k] = (LEVEL[v] ?? 0) <= (LEVEL[cap] ?? 0) ? v : cap;
  }
  return out;
}

async function runJob(
  state: RunState,
  key: string,
  name: string,
  job: Yaml,
  scope: ExprScope,
  workflowEnv: Yaml,
  workflowPermissions: unknown,
  call: Call,
): Promise<{ result: string; outputs: Record<string, string> }> {
  const { opts } = state;
  const record: JobRecord = { key, name, result: 'success', steps: [], outputs: {}, summary: '' };
  state.records.push(record);
  // The job's permissions, else the workflow's; a called job's are capped by the caller job's.
  const own = job['permissions'] ?? workflowPermissions;
  record.permissions = effectivePermissions(own !== undefined ? permissionMap(own) : undefined, call.callerPermissions);
  const env0 = job['environment'];
  if (env0 !== undefined) {
    const envName = expandString(typeof env0 === 'object' ? obj(env0)['name'] : env0, scope);
    if (envName) {
      record.environment = envName;
      if (opts.approveEnvironment && !opts.approveEnvironment(envName, key)) {
        record.result = 'failure';
        record.reason = `deployment to environment ${envName} was rejected`;
        return { result: 'failure', outputs: {} };
      }
    }
  }
  if (job['concurrency'] !== undefined) {
    const c = job['concurrency'];
    record.concurrency = typeof c === 'string'
      ? { group: expandString(c, scope), cancelInProgress: false }
      : { group: expandString(obj(c)['group'], scope), cancelInProgress: obj(c)['cancel-in-progress'] === true };
  }
  const jobDir = mkdtempSync(path.join(state.dir, 'job-'));
  const runnerTemp = path.join(jobDir, 'tmp');
  mkdirSync(runnerTemp);
  const emptyWorkspace = path.join(jobDir, 'workspace');
  mkdirSync(emptyWorkspace);
  const runner: Record<string, Value> = { os: 'Linux', arch: 'X64', temp: runnerTemp, name: 'replay', environment: 'github-hosted' };
  const baseScope = (extra: Record<string, Value>): ExprScope => ({ ...scope, contexts: { ...scope.contexts, runner, job: { status: record.result }, ...extra } });
  // Workflow env, then job env (each sees the previous one).
  const envCtx: Record<string, string> = {};
  for (const [k, v] of Object.entries(workflowEnv)) envCtx[k] = expandString(v, baseScope({ env: { ...envCtx } }));
  for (const [k, v] of Object.entries(obj(job['env']))) envCtx[k] = expandString(v, baseScope({ env: { ...envCtx } }));
  const exported: Record<string, string> = {}; // GITHUB_ENV and configure-aws-credentials
  const pathAdds: string[] = [];
  let workspace: string | null = null;
  const stepsCtx: Record<string, Value> = {};
  let failed = false;

  const steps = Array.isArray(job['steps']) ? (job['steps'] as unknown[]) : [];
  for (let index = 0; index < steps.length; index++) {
    const step = obj(steps[index]);
    const id = typeof step['id'] === 'string' ? step['id'] : undefined;
    const stepScope = (): ExprScope => ({
      ...baseScope({ steps: stepsCtx, env: { ...envCtx, ...exported } }),
      failed,
    });
    const label = step['name'] !== undefined ? expandString(step['name'], stepScope()) : typeof step['uses'] === 'string' ? String(step['uses']).split('@')[0]! : `run ${index + 1}`;
    const rec: StepRecord = { job: key, index, name: label, status: 'skipped', outcome: 'skipped', stdout: '', stderr: '', summary: '', outputs: {}, commands: [] };
    if (id) rec.id = id;
    record.steps.push(rec);
    state.steps.push(rec);
    const finish = () => {
      if (id) stepsCtx[id] = { outcome: rec.outcome, conclusion: rec.outcome, outputs: rec.outputs };
      if (rec.outcome === 'failure' && step['continue-on-error'] !== true) failed = true;
    };
    if (!condition(step['if'], stepScope())) {
      rec.reason = `if: ${String(step['if'] ?? 'success()')} is false`;
      finish();
      continue;
    }
    const stepEnv: Record<string, string> = {};
    for (const [k, v] of Object.entries(obj(step['env']))) stepEnv[k] = expandString(v, stepScope());

    if (typeof step['uses'] === 'string') {
      const action = String(step['uses']).split('@')[0]!;
      const withArgs: Record<string, string> = {};
      for (const [k, v] of Object.entries(obj(step['with']))) withArgs[k] = expandString(v, stepScope());
      if (action === 'actions/checkout') {
        workspace = opts.workspace;
        rec.status = 'simulated';
        rec.outcome = 'success';
        rec.reason = 'the workspace is the test repository';
      } else if (action === 'aws-actions/configure-aws-credentials') {
        rec.status = 'simulated';
        const perms = record.permissions ?? {};
        if (!withArgs['role-to-assume']) {
          rec.outcome = 'failure';
          rec.stderr = 'Credentials could not be loaded, please check your action inputs: role-to-assume is empty';
        } else if (perms['id-token'] !== 'write') {
          rec.outcome = 'failure';
          rec.stderr = 'Could not get ID token: the job lacks permissions: id-token: write';
        } else if (!opts.awsEnv) {
          throw new Error(`replay: ${key} configures AWS credentials but the replay has no awsEnv`);
        } else {
          rec.outcome = 'success';
          rec.reason = `assumed ${withArgs['role-to-assume']} (simulated: the fake's static credentials and endpoint are exported)`;
          Object.assign(exported, opts.awsEnv);
          if (withArgs['aws-region']) {
            exported['AWS_REGION'] = withArgs['aws-region'];
            exported['AWS_DEFAULT_REGION'] = withArgs['aws-region'];
          }
        }
      } else if (action === 'actions/upload-artifact' || action === 'actions/download-artifact') {
        rec.status = 'simulated';
        const base = workspace ?? emptyWorkspace;
        const r = action === 'actions/upload-artifact' ? uploadArtifact(state, base, withArgs) : downloadArtifact(state, base, withArgs);
        rec.outcome = r.ok ? 'success' : 'failure';
        if (r.ok) rec.reason = r.message;
        else rec.stderr = r.message;
      } else {
        rec.reason = action === 'actions/setup-node' ? "not replayed: the test's Node runs the CLI" : `not replayed: ${action}`;
        rec.outcome = 'success';
      }
      finish();
      continue;
    }

    if (typeof step['run'] !== 'string') throw new Error(`replay: step ${label} of ${key} has neither run nor uses`);
    if (step['shell'] !== undefined && step['shell'] !== 'bash') throw new Error(`replay: step ${label} of ${key} uses shell ${String(step['shell'])}`);
    let script = expandString(step['run'], stepScope());
    if (/\bnpm\s+(ci|install|link)\b/.test(script)) {
      rec.reason = 'not replayed: installs changegate; the replay puts the built CLI on PATH instead';
      rec.outcome = 'success';
      rec.script = script;
      finish();
      continue;
    }
    if (!/(^|[;&|(]|\$\()\s*changegate\s/m.test(script)) {
      rec.reason = 'not replayed: the step does not invoke changegate';
      rec.outcome = 'success';
      rec.script = script;
      finish();
      continue;
    }
    if (opts.rewriteRun) {
      const r = opts.rewriteRun(script, { job: key, step: label, services: Object.keys(obj(job['services'])) });
      if (r.script !== script) rec.reason = `rewritten: ${r.note ?? 'by the test'}`;
      script = r.script;
    }
    rec.script = script;
    rec.status = 'ran';

    const stepDir = mkdtempSync(path.join(jobDir, 'step-'));
    const files = {
      GITHUB_OUTPUT: path.join(stepDir, 'output'),
      GITHUB_STEP_SUMMARY: path.join(stepDir, 'summary.md'),
      GITHUB_ENV: path.join(stepDir, 'env'),
      GITHUB_PATH: path.join(stepDir, 'path'),
      GITHUB_STATE: path.join(stepDir, 'state'),
    };
    for (const f of Object.values(files)) writeFileSync(f, '');
    const scriptFile = path.join(stepDir, 'script.sh');
    writeFileSync(scriptFile, script);
    const cwd = workspace ?? emptyWorkspace;
    const env: Record<string, string | undefined> = { ...process.env, ...opts.baseEnv };
    Object.assign(env, envCtx, exported, stepEnv);
    Object.assign(env, {
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKFLOW: state.workflowName,
      GITHUB_JOB: key.split('/').pop(),
      GITHUB_ACTION: id ?? `__run_${index}`,
      GITHUB_RUN_ID: String(opts.runId),
      GITHUB_RUN_NUMBER: '1',
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_REPOSITORY: opts.repository,
      GITHUB_REPOSITORY_OWNER: opts.repository.split('/')[0],
      GITHUB_EVENT_NAME: opts.event.name,
      GITHUB_EVENT_PATH: state.eventPath,
      GITHUB_SHA: opts.event.sha,
      GITHUB_REF: opts.event.ref,
      GITHUB_REF_NAME: String(state.github['ref_name']),
      GITHUB_HEAD_REF: String(state.github['head_ref']),
      GITHUB_BASE_REF: String(state.github['base_ref']),
      GITHUB_ACTOR: String(state.github['actor']),
      GITHUB_TRIGGERING_ACTOR: String(state.github['actor']),
      GITHUB_SERVER_URL: String(state.github['server_url']),
      GITHUB_API_URL: opts.apiUrl,
      GITHUB_GRAPHQL_URL: `${opts.apiUrl}/graphql`,
      GITHUB_WORKSPACE: cwd,
      RUNNER_TEMP: runnerTemp,
      RUNNER_OS: 'Linux',
      RUNNER_ARCH: 'X64',
      ...files,
    });
    env['PATH'] = [...pathAdds, state.bin, env['PATH'] ?? ''].join(path.delimiter);
    for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
    rec.env = env as Record<string, string>;

    const result = await runBash(scriptFile, cwd, env as Record<string, string>, opts.stepTimeoutMs ?? 60_000);
    rec.exitCode = result.code;
    rec.stdout = result.stdout;
    rec.stderr = result.stderr;
    rec.outcome = result.code === 0 ? 'success' : 'failure';
    rec.commands = workflowCommands(result.stdout);
    rec.summary = readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8');
    rec.outputs = parseKeyValueFile(readFileSync(files.GITHUB_OUTPUT, 'utf8'));
    Object.assign(exported, parseKeyValueFile(readFileSync(files.GITHUB_ENV, 'utf8')));
    pathAdds.unshift(...readFileSync(files.GITHUB_PATH, 'utf8').split('\n').filter(Boolean).reverse());
    if (rec.summary) record.summary += rec.summary;
    finish();
  }
  record.result = failed ? 'failure' : 'success';
  const outScope: ExprScope = { ...baseScope({ steps: stepsCtx, env: { ...envCtx, ...exported } }) };
  for (const [k, v] of Object.entries(obj(job['outputs']))) record.outputs[k] = expandString(v, outScope);
  return { result: record.result, outputs: record.outputs };
}

const ARTIFACT_INPUTS = {
  upload: new Set(['name', 'path', 'if-no-files-found', 'overwrite', 'retention-days']),
  download: new Set(['name', 'pattern', 'path', 'merge-multiple']),
};

// actions/upload-artifact@v4 for one file or one folder (no globs): the artifact holds the file by
// its name, or the folder's files by their paths inside it. A name already uploaded in the run is
// refused unless `overwrite: true`, as v4's immutable artifacts are.
function uploadArtifact(state: RunState, workspace: string, w: Record<string, string>): { ok: boolean; message: string } {
  for (const k of Object.keys(w)) if (!ARTIFACT_INPUTS.upload.has(k)) throw new Error(`replay: upload-artifact input ${k} is not modelled`);
  const name = w['name'] || 'artifact';
  const rel = w['path'] ?? '';
  if (rel === '' || /[*?[\n]/.test(rel)) throw new Error(`replay: upload-artifact path ${JSON.stringify(rel)} is not one file or folder`);
  const abs = path.resolve(workspace, rel);
  const files = new Map<string, Buffer>();
  if (existsSync(abs) && statSync(abs).isDirectory()) {
    const walk = (dir: string, prefix: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        if (e.isDirectory()) walk(path.join(dir, e.name), `${prefix}${e.name}/`);
        else files.set(`${prefix}${e.name}`, readFileSync(path.join(dir, e.name)));
      }
    };
    walk(abs, '');
  } else if (existsSync(abs)) files.set(path.basename(abs), readFileSync(abs));
  if (files.size === 0) {
    const mode = w['if-no-files-found'] || 'warn';
    const message = `No files were found with the provided path: ${rel}. No artifacts will be uploaded.`;
    return { ok: mode !== 'error', message };
  }
  if (state.artifacts.has(name) && w['overwrite'] !== 'true') return { ok: false, message: `Failed to CreateArtifact: an artifact with this name already exists on the workflow run: ${name}` };
  state.artifacts.set(name, files);
  return { ok: true, message: `uploaded artifact ${name}: ${[...files.keys()].join(', ')}` };
}

// actions/download-artifact@v4 by `name` or `pattern` (with `*`): each artifact into path/<name>/,
// or every file straight into `path` with `merge-multiple: true`.
function downloadArtifact(state: RunState, workspace: string, w: Record<string, string>): { ok: boolean; message: string } {
  for (const k of Object.keys(w)) if (!ARTIFACT_INPUTS.download.has(k)) throw new Error(`replay: download-artifact input ${k} is not modelled`);
  const dest = path.resolve(workspace, w['path'] || '.');
  let names: string[];
  if (w['name']) {
    if (!state.artifacts.has(w['name'])) return { ok: false, message: `Unable to download artifact(s): Artifact not found for name: ${w['name']}` };
    names = [w['name']];
  } else {
    const pattern = new RegExp(`^${(w['pattern'] || '*').split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
    names = [...state.artifacts.keys()].filter((n) => pattern.test(n)).sort();
  }
  const merge = w['merge-multiple'] === 'true';
  for (const n of names) {
    for (const [file, content] of state.artifacts.get(n)!) {
      const target = merge ? path.join(dest, file) : path.join(dest, n, file);
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, content);
    }
  }
  return { ok: true, message: `downloaded ${names.length} artifact(s)${names.length ? `: ${names.join(', ')}` : ''} into ${w['path'] || '.'}` };
}

function runBash(file: string, cwd: string, env: Record<string, string>, timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  if (!existsSync(cwd)) throw new Error(`replay: no working directory ${cwd}`);
  return new Promise((resolve) => {
    // The runner's default for `run:` on Linux without `shell:` is `bash -e {0}`.
    const child = spawn('bash', ['-e', file], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      stderr += `\nreplay: step killed after ${timeoutMs} ms\n`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A fresh random id, for run ids and shas in tests. */
export function fakeSha(): string {
  return (randomUUID() + randomUUID()).replace(/-/g, '').slice(0, 40);
}
