// `changegate init`: what a repository needs before its first change: a commented changegate.yaml, the
// two caller workflows pinned to the installed changegate, a .gitignore for node_modules/, and empty
// changes/ and migrations/. Values only the team knows are `<FILL: ...>` placeholders that validate
// reports (CG080), never guesses.
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from './errors.js';
import { placeholder } from './manifest/placeholders.js';

/** What the flags of `changegate init` fill in; anything absent becomes a placeholder. */
export interface InitOptions {
  database?: string;
  ticketPattern?: string;
  /** Name of the environment the target flags describe (default `local`). */
  env?: string;
  urlEnv?: string;
  cluster?: string;
  region?: string;
  secret?: string;
  schema?: string;
  /** `owner/name` of the repository with changegate's reusable workflows. */
  workflowRepo?: string;
  /** The installed changegate's version: the workflows call its tag and install the same package. */
  version: string;
  /**
   * How prod is approved: `required` (the default: its reviewers approve every run) or `risky` (only a
   * risky plan waits for them: the deploy workflow plans prod first, in prod-routine, then applies).
   */
  approval?: 'required' | 'risky';
  force?: boolean;
}

/** The files `init` writes, repository-relative, and the placeholders left to fill. */
export interface InitResult {
  written: string[];
  /** Folders created (with a .gitkeep so that git keeps them). */
  folders: string[];
  placeholders: string[];
  /** Files that were not written because they exist and are not init's to own (`.nvmrc`). */
  kept: string[];
  /** Existing files that `node_modules/` was added to (`.gitignore`). */
  amended: string[];
}

/** The config file, the two caller workflows and the Node.js version file, in the order they are written. */
export const INIT_FILES = {
  config: 'changegate.yaml',
  pullRequest: '.github/workflows/changegate-pull-request.yml',
  deploy: '.github/workflows/changegate-deploy.yml',
} as const;

/** Where the reusable workflows live when no `--workflow-repo` is given: a placeholder the user must edit. */
export const DEFAULT_WORKFLOW_REPO = 'OWNER/changegate';

/**
 * Writes the files under `root`. Throws UsageError (exit 2) naming the first file that exists, unless
 * `force`; checks every file before writing any, so a refused run writes nothing.
 */
export function initRepository(root: string, opts: InitOptions): InitResult {
  const aws = opts.cluster !== undefined || opts.region !== undefined || opts.secret !== undefined;
  if (aws && opts.urlEnv !== undefined) throw new UsageError('--url-env describes a URL environment and --cluster/--region/--secret an AWS one; pass one kind');
  if (opts.env !== undefined && !/^[A-Za-z][A-Za-z0-9-]{0,62}$/.test(opts.env)) throw new UsageError(`--env "${opts.env}" is not an environment name (letters, digits, hyphens)`);
  if (opts.approval !== undefined && opts.approval !== 'required' && opts.approval !== 'risky') throw new UsageError(`--approval "${String(opts.approval)}" is not required or risky`);
  if (opts.workflowRepo !== undefined && !/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(opts.workflowRepo)) throw new UsageError(`--workflow-repo "${opts.workflowRepo}" is not owner/name`);
  if (!opts.force) {
    for (const rel of Object.values(INIT_FILES)) {
      if (existsSync(path.join(root, rel))) throw new UsageError(`${rel} already exists; changegate init never overwrites a file (pass --force to overwrite it)`);
    }
  }
  const placeholders: string[] = [];
  const fill = (value: string | undefined, what: string): string => {
    if (value !== undefined && value !== '') return value;
    placeholders.push(what);
    return placeholder(what);
  };
  const config = configText(opts, aws, fill);
  const repo = opts.workflowRepo ?? DEFAULT_WORKFLOW_REPO;
  const result: InitResult = { written: [], folders: [], placeholders, kept: [], amended: [] };
  const write = (rel: string, text: string): void => {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
    result.written.push(rel);
  };
  write(INIT_FILES.config, config);
  write(INIT_FILES.pullRequest, pullRequestWorkflow(repo, opts.version));
  write(INIT_FILES.deploy, deployWorkflow(repo, opts.version, opts.approval === 'risky'));
  // The reusable workflows read the Node.js version from .nvmrc; a repository's own one wins.
  if (existsSync(path.join(root, '.nvmrc'))) result.kept.push('.nvmrc');
  else write('.nvmrc', '20\n');
  gitignore(root, result);
  for (const dir of ['changes', 'migrations']) {
    // A folder that exists (a second run with --force) is the team's: it is not reported as created.
    const existed = existsSync(path.join(root, dir));
    mkdirSync(path.join(root, dir), { recursive: true });
    const keep = path.join(root, dir, '.gitkeep');
    if (!existsSync(keep)) writeFileSync(keep, '');
    if (!existed) result.folders.push(`${dir}/`);
  }
  return result;
}

// The packages a CI job or a developer installs must not show up as untracked files: a new
// .gitignore ignores node_modules/, and an existing one gets the line unless it already has it.
function gitignore(root: string, result: InitResult): void {
  const file = path.join(root, '.gitignore');
  if (!existsSync(file)) {
    writeFileSync(file, 'node_modules/\n');
    result.written.push('.gitignore');
    return;
  }
  const text = readFileSync(file, 'utf8');
  if (text.split(/\r?\n/).some((l) => /^\/?node_modules\/?\s*$/.test(l))) {
    result.kept.push('.gitignore');
    return;
  }
  appendFileSync(file, `${text === '' || text.endsWith('\n') ? '' : '\n'}node_modules/\n`);
  result.amended.push('.gitignore');
}

// YAML's plain scalars cannot hold every value (a pattern with ": " or "#"): quote them all as JSON.
const q = (s: string): string => JSON.stringify(s);

function configText(opts: InitOptions, aws: boolean, fill: (v: string | undefined, what: string) => string): string {
  const envName = opts.env ?? 'local';
  // The pull-request caller applies each open pull request to qa as provisional, which only an
  // environment that says so accepts.
  const pullRequests = envName === 'qa' ? ['    pull_requests: true                 # open pull requests apply here as provisional (never prod)'] : [];
  const lines = [
    '# yaml-language-server: $schema=node_modules/changegate/schema/changegate.schema.json',
    '# changegate configuration: see the README of changegate ("Files a user writes").',
    '# Every <FILL: ...> is a value only your team knows; changegate validate reports each one left.',
    `database: ${q(fill(opts.database, 'the name of the database (for example invoicingdb)'))}`,
    'server: { min_version: "8.0" }          # the run stops on a server older than this',
    `ticket_pattern: ${q(fill(opts.ticketPattern, 'a regular expression every ticket matches (for example ^INV-[0-9]+$)'))}`,
    'protected_clusters: []                  # clusters nothing may ever connect to (a replica, a corp copy)',
    'environments:                           # in promotion order',
  ];
  if (aws) {
    lines.push(
      `  ${envName}:`,
      `    cluster: ${q(fill(opts.cluster, `the Aurora cluster identifier of ${envName}`))}`,
      `    region: ${q(fill(opts.region, `the AWS region of ${envName} (for example us-east-2)`))}`,
      `    secret: ${q(fill(opts.secret, `the Secrets Manager id of ${envName}'s admin credentials`))}`,
      `    schema: ${q(fill(opts.schema, `the schema the changes run in on ${envName}`))}`,
      '    snapshot: destructive               # never | destructive | always',
      ...pullRequests,
    );
  } else {
    lines.push(
      `  ${envName}:                                # no AWS: a connection URL read from a variable`,
      `    url_env: ${q(opts.urlEnv ?? 'CHANGEGATE_LOCAL_URL')}`,
      ...(opts.schema ? [`    schema: ${q(opts.schema)}`] : []),
      ...pullRequests,
    );
  }
  lines.push(
    '  # Examples for AWS environments (the caller workflows name qa and prod):',
    '  # qa:',
    '  #   cluster: qainvoicingdb',
    '  #   region: us-east-2',
    '  #   secret: rds-admin-credentials-qainvoicingdb',
    '  #   schema: invoicing',
    '  #   snapshot: never',
    '  #   pull_requests: true               # open pull requests apply here as provisional (never prod)',
    '  # prod:',
    '  #   cluster: prodinvoicingdb',
    '  #   region: us-east-2',
    '  #   auth: iam                         # a 15-minute IAM token per connection, no password',
    '  #   db_user: changegate_deployer',
    '  #   schema: invoicing',
    '  #   after: qa                         # runs only what succeeded in qa',
    ...(opts.approval === 'risky'
      ? ['  #   approval: risky                   # prod\'s reviewers only for a risky plan; a routine one applies in prod-routine']
      : ['  #   approval: required                # the GitHub environment prod has required reviewers']),
    '  #   snapshot: destructive',
    '# notify:',
    '#   slack: { webhook_env: SLACK_WEBHOOK_URL, channel: "#your-channel" }',
    '',
  );
  return lines.join('\n');
}

function pullRequestWorkflow(repo: string, version: string): string {
  const pr = '${{ github.event.pull_request.number }}';
  return `# A database change under review: validate it (with a replay on a throwaway MySQL 8.0), apply it to
# qa as provisional for pull requests from this repository, and post the plan on the pull request.
# A new push rolls the old version back in qa and applies the new one; closing the pull request
# without merging rolls its changes back (abandon); merging leaves them to changegate-deploy.yml,
# which adopts them. qa must say pull_requests: true in changegate.yaml.
# Written by changegate init ${version}; the reusable workflows are pinned to the same version.
name: database change (pull request)

on:
  pull_request:
    types: [opened, synchronize, reopened, closed]
    paths:
      - changes/**
      - migrations/**
      - changegate.yaml

permissions: {}

jobs:
  validate:
    if: github.event.action != 'closed'
    permissions:
      contents: read
    uses: ${repo}/.github/workflows/changegate-validate.yml@v${version}
    with:
      changegate-version: ${version}

${callerJob(repo, version, 'qa', 'apply', {
    head: ['needs: validate', "# Forks never reach qa: their code would run with qa's role.", 'if: github.event.pull_request.head.repo.full_name == github.repository'],
    inputs: [`pr-number: ${pr}`, `pull-request: ${pr}`, 'comment-environments: qa prod'],
  })}
${callerJob(repo, version, 'qa', 'abandon', {
    name: 'abandon-qa',
    head: [
      "# Closed without merging: qa rolls the pull request's provisional changes back from its history.",
      '# A merged one is left alone: changegate-deploy.yml adopts its changes on the default branch.',
      "if: github.event.action == 'closed' && !github.event.pull_request.merged && github.event.pull_request.head.repo.full_name == github.repository",
    ],
    inputs: [`pull-request: ${pr}`],
  })}`;
}

function deployWorkflow(repo: string, version: string, byRisk: boolean): string {
  const head = byRisk
    ? `# Merged changes: qa first, then prod with approval: risky: prod-plan plans it in the GitHub
# environment prod-routine (no reviewers) and says whether the plan is risky; the apply then runs
# behind the prod environment's required reviewers when it is, else in prod-routine without them.`
    : "# Merged changes: qa first, then prod behind the prod environment's required reviewers.";
  const prod = byRisk
    ? callerJob(repo, version, 'prod', 'plan', { name: 'prod-plan', head: ['needs: qa'], inputs: ['approval-by-risk: true'] }) + '\n' +
      callerJob(repo, version, 'prod', 'apply', {
        head: ['needs: prod-plan'],
        inputs: [
          'approval-by-risk: true',
          "# prod's required reviewers only when prod-plan found a risk; prod-routine otherwise",
          'approval-required: ${{ needs.prod-plan.outputs.approval-required }}',
        ],
      })
    : callerJob(repo, version, 'prod', 'apply', { head: ['needs: qa'] });
  return `${head}
# Written by changegate init ${version}; the reusable workflows are pinned to the same version.
name: database change (deploy)

on:
  push:
    branches: [main]
    paths:
      - changes/**
      - migrations/**
      - changegate.yaml

permissions: {}

jobs:
${callerJob(repo, version, 'qa', 'apply')}
${prod}`;
}

// One caller job that runs `command` in `env` through the reusable workflow (the job is named after
// the environment unless `name` says otherwise); `head` lines go before its permissions, `inputs`
// after the common ones.
function callerJob(repo: string, version: string, env: string, command: 'plan' | 'apply' | 'abandon', extra: { name?: string; head?: string[]; inputs?: string[] } = {}): string {
  return [
    `  ${extra.name ?? env}:`,
    ...(extra.head ?? []).map((l) => `    ${l}`),
    '    permissions:',
    '      contents: read',
    '      id-token: write',
    '      actions: read',
    '      pull-requests: write',
    `    uses: ${repo}/.github/workflows/changegate.yml@v${version}`,
    '    with:',
    `      command: ${command}`,
    `      environment: ${env}`,
    `      aws-role: \${{ vars.AWS_ROLE_${env.toUpperCase()} }}`,
    `      changegate-version: ${version}`,
    ...(extra.inputs ?? []).map((l) => `      ${l}`),
    '    secrets:',
    '      slack-webhook: ${{ secrets.SLACK_WEBHOOK_URL }}',
    '',
  ].join('\n');
}
