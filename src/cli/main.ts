// The only place that prints and exits: parses the command line, runs one command, and maps what
// went wrong to the exit codes scripts rely on (0 success, 1 a check failed, 2 usage or configuration;
// anything unexpected is a bug and shows its stack).
import { Command, CommanderError, Option } from 'commander';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeFailure } from './failure.js';
import { redact } from '../core/redact.js';
import { Output, type Format, type GithubSurface } from './output.js';
import type { CommandContext } from './context.js';

/** Runs the CLI with `argv` (without node and script) and resolves with the exit code. */
export async function run(argv: string[], io: { stdout?: (s: string) => void; stderr?: (s: string) => void; env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<number> {
  const stdout = io.stdout ?? ((s: string) => void process.stdout.write(s));
  const stderr = io.stderr ?? ((s: string) => void process.stderr.write(s));
  const env = io.env ?? process.env;
  const cwd = io.cwd ?? process.cwd();
  let exitCode = 0;
  let out: Output | undefined;
  // In json, commander's own complaint (an unknown command, a missing option) becomes the error document.
  let usageText = '';
  const jsonAsked = () => program.opts<{ format?: string }>().format === 'json';

  const program = new Command('changegate')
    .description('Declarative, gated database changes for MySQL 8 / Aurora MySQL')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'github']).default('text'))
    .option('--config <path>', 'path of changegate.yaml', 'changegate.yaml')
    .version(packageVersion(), '-V, --version', 'print the version')
    .exitOverride()
    // Every command's --help lists --format and --config too: they go before the command, and a
    // user reading one command's help would not know they exist.
    .configureHelp({ showGlobalOptions: true })
    .configureOutput({ writeOut: stdout, writeErr: (s) => (jsonAsked() ? void (usageText += s) : stderr(s)) })
    .showHelpAfterError(false);

  const context = async (): Promise<CommandContext> => {
    const opts = program.opts<{ format: Format; config: string }>();
    const configPath = path.resolve(cwd, opts.config);
    let gh: GithubSurface | undefined;
    let mask: ((value: string) => void) | undefined;
    const inActions = env.GITHUB_ACTIONS === 'true';
    if (opts.format === 'github' || inActions) {
      const surface = await import('../adapters/github/surface.js');
      if (opts.format === 'github') gh = surface.githubSurface();
      // Only the runner acts on a mask command; anywhere else it would print the value it hides.
      if (inActions) mask = opts.format === 'json' ? surface.stderrMask(stderr) : surface.stdoutMask;
    }
    out = new Output(opts.format, stdout, stderr, gh, mask);
    return { root: path.dirname(configPath), configFile: path.basename(configPath), out, env, now: () => new Date() };
  };
  const action = (load: () => Promise<{ default: (ctx: CommandContext, ...args: never[]) => Promise<number> }>) =>
    async (...args: unknown[]) => {
      const ctx = await context();
      const mod = await load();
      exitCode = await mod.default(ctx, ...(args.slice(0, -1) as never[]));
    };

  program.command('validate').description('check manifests, SQL and lint without a database (--shadow replays them)')
    .option('--shadow', 'also replay every change into a throwaway schema')
    .option('--shadow-url <url>', 'server for the shadow replay (default: the first URL environment)')
    .action(action(() => import('./commands/validate.js')));
  program.command('lint').argument('[files...]', 'SQL files (default: every change)').description('run the SQL rules alone')
    .action(action(() => import('./commands/lint.js')));
  program.command('plan').description('what would run in an environment').requiredOption('--env <name>', 'environment')
    .option('--pull-request <number>', 'plan as `apply --pull-request` would run (environments with pull_requests: true)')
    .option('--target <name>', 'only this target of a fleet, server/schema (repeatable)', repeated, [])
    .action(action(() => import('./commands/plan.js')));
  program.command('apply').description('apply pending changes to an environment').requiredOption('--env <name>', 'environment')
    .option('--dry-run', 'print what would run and stop')
    .option('--approved-by <name>', 'who approved this run (workstation runs of approval: required environments)')
    .option('--emergency <reason>', 'run outside the maintenance windows (needs an approver); recorded and announced')
    .option('--in-flight-wait <seconds>', 'how long to wait for a statement of an interrupted run that still executes', '600')
    .option('--lock-timeout <seconds>', "how long to wait for another run's lock (default: the environment's lock_timeout)")
    .option('--pull-request <number>', 'apply an open pull request\'s changes as provisional (environments with pull_requests: true)')
    .option('--target <name>', 'only this target of a fleet, server/schema (repeatable)', repeated, [])
    .option('--shard <i/N>', 'only the i-th of N shards of a fleet')
    .action(action(() => import('./commands/apply.js')));
  program.command('abandon').requiredOption('--pull-request <number>', 'the pull request that closed unmerged').requiredOption('--env <name>', 'environment')
    .description("roll back an unmerged pull request's provisional changes from their recorded rollback statements")
    .option('--target <name>', 'only this target of a fleet, server/schema (repeatable)', repeated, [])
    .action(action(() => import('./commands/abandon.js')));
  program.command('status').description('applied, pending, failed, in-doubt and drifted changes').requiredOption('--env <name>', 'environment')
    .option('--target <name>', 'only this target of a fleet, server/schema (repeatable)', repeated, [])
    .action(action(() => import('./commands/status.js')));
  program.command('snapshot').description('take the cluster or instance snapshot, or the table backup, the plan requires').requiredOption('--env <name>', 'environment')
    .action(action(() => import('./commands/snapshot.js')));
  program.command('drift').description('files and live schema against what the applied changes produce').requiredOption('--env <name>', 'environment')
    .option('--shadow-url <url>', 'server for the replay (default: the target server)')
    .option('--replay', 'replay the applied changes even when the schema their last replay produced is kept')
    .option('--target <name>', 'only this target of a fleet, server/schema (repeatable)', repeated, [])
    .action(action(() => import('./commands/drift.js')));
  program.command('envs').description('environments in promotion order').option('--json', 'a GitHub Actions matrix')
    .option('--shards <n>', 'with --json: each fleet environment as n entries, one per shard (shard: "i/n")')
    .action(action(() => import('./commands/envs.js')));
  program.command('new').argument('<slug>', 'lowercase words joined by hyphens').requiredOption('--ticket <ticket>', 'work ticket')
    .description('write a change manifest and its SQL files from a template')
    .action(action(() => import('./commands/new.js')));
  program.command('baseline').description("write the baseline change from an environment's live schema, or check one against it, and record it without running it")
    .requiredOption('--env <name>', 'environment').option('--ticket <ticket>', 'work ticket (when the baseline change is written)')
    .option('--shadow-url <url>', 'server for the proof replay (default: the target server)')
    .option('--target <name>', 'the target of a fleet this runs on, server/schema')
    .action(action(() => import('./commands/baseline.js')));
  program.command('init').description('scaffold changegate.yaml, the caller workflows, changes/ and migrations/; never overwrites')
    .option('--database <name>', 'the database (config name)').option('--ticket-pattern <regex>', 'pattern every ticket must match')
    .option('--env <name>', 'name of the environment the flags below describe (default: local)')
    .option('--url-env <variable>', 'the environment reads its connection URL from this variable')
    .option('--cluster <id>', 'Aurora cluster of the environment').option('--region <region>', 'AWS region of the environment')
    .option('--secret <id>', 'Secrets Manager id of its admin credentials').option('--schema <name>', 'schema the changes run in')
    .option('--workflow-repo <owner/name>', "GitHub repository holding changegate's reusable workflows")
    .option('--approval <mode>', 'how prod is approved: required (every run, the default) or risky (only a risky plan)')
    .option('--force', 'overwrite files that exist')
    .action(action(() => import('./commands/init.js')));
  program.command('resolve').argument('<change>', 'change id').requiredOption('--env <name>', 'environment')
    .requiredOption('--statement <n>', 'the in-doubt statement number')
    .option('--applied', 'the statement took effect').option('--not-applied', 'the statement did not take effect')
    .description('record the outcome of an in-doubt statement')
    .option('--target <name>', 'the target of a fleet this runs on, server/schema')
    .action(action(() => import('./commands/resolve.js')));
  program.command('rollback').argument('<change>', 'change id').requiredOption('--env <name>', 'environment')
    .option('--approved-by <name>', 'who approved this run')
    .description("run a change's rollback files")
    .option('--target <name>', 'the target of a fleet this runs on, server/schema')
    .action(action(() => import('./commands/rollback.js')));
  program.command('restore').argument('<change>', 'change id').requiredOption('--env <name>', 'environment')
    .option('--approved-by <name>', 'who approved this run')
    .option('--force', 'restore although later changes touched the same tables (recorded)')
    .description("put back the tables a change's snapshot_method: tables backup holds")
    .option('--target <name>', 'the target of a fleet this runs on, server/schema')
    .action(action(() => import('./commands/restore.js')));
  program.command('merge').argument('<file...>', 'the JSON documents the shard jobs wrote (apply --shard i/N --format json)')
    .option('--pull-request <number>', 'also create or update the fleet comment on this pull request')
    .description("one report of a fleet from its shards' JSON documents")
    .action(action(() => import('./commands/merge.js')));
  // --pull-request as in apply, plan and abandon; --pr, the older spelling, stays accepted.
  program.command('comment').option('--pull-request <number>', 'pull request number')
    .addOption(new Option('--pr <number>').hideHelp())
    .option('--env <name...>', 'environments whose plan to show (default: all)')
    .description('create or update the plan comment on a pull request')
    .action(action(() => import('./commands/comment.js')));

  try {
    await program.parseAsync(argv, { from: 'user' });
    // A command that found problems returns 1 without throwing; the github format still marks the step.
    if (exitCode !== 0 && out?.format === 'github') out.error(`changegate ${program.args[0] ?? ''} failed (exit ${exitCode}); see the annotations above`);
  } catch (err) {
    if (err instanceof CommanderError && err.exitCode !== 0 && usageText !== '') {
      out ??= new Output('json', stdout, stderr);
      // Without a command commander shows the help: that stays readable on stderr, the document says why.
      if (err.code === 'commander.help') stderr(usageText);
      const message = err.code === 'commander.help' ? 'no command given; changegate --help lists them' : usageText.trim().replace(/^error: /, '');
      out.fail('usage', message.replace(/\s*\n\s*/g, ' '));
    }
    exitCode = failure(err, out, stderr);
  }
  try {
    await out?.finish();
  } catch (err) {
    stderr(`warning: could not write the job summary: ${redact(String(err))}\n`);
  }
  return exitCode;
}

function failure(err: unknown, out: Output | undefined, stderr: (s: string) => void): number {
  if (err instanceof CommanderError) {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0) return 0;
    return 2; // commander already printed the usage problem
  }
  const f = describeFailure(err);
  if (f) {
    if (out) out.fail(f.code, f.message);
    else stderr(`error: ${redact(f.message)}\n`);
    return f.exitCode;
  }
  const stack = err instanceof Error ? (err.stack ?? err.message) : String(err);
  stderr(`changegate: this is a bug, please report it with the text below\n${redact(stack)}\n`);
  out?.fail('internal', `this is a bug, please report it with the text on stderr: ${err instanceof Error ? err.message : String(err)}`);
  return 70;
}

// The version of the package this file ships in: the nearest package.json named changegate above it
// (the bundle and the compiled sources sit at different depths).
function packageVersion(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'changegate' && pkg.version) return pkg.version;
    } catch {
      // No package.json here: look further up.
    }
    const up = path.dirname(dir);
    if (up === dir) return 'unknown';
    dir = up;
  }
}

// A flag given several times (`--target a --target b`) collects its values.
function repeated(value: string, previous: string[]): string[] {
  return [...previous, value];
}
