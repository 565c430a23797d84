// changegate.yaml: schema-checked, then the rules a schema cannot say (the `after` chain, protected
// clusters, AWS-or-URL), then defaults filled in. No environment variable is read here: the config
// only names them.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Config, Diagnostic, EnvironmentConfig } from '../types.js';
import { CODES, diagnostic } from './codes.js';
import { compareDiagnostics } from './format.js';
import { decodeUtf8, notUtf8Diagnostic } from './paths.js';
import { BACKUP_DEFAULTS, backupSettings, checkBackupFields, snapshotMethod } from './backup-fields.js';
import { environmentKind } from './environments.js';
import { checkOnlineFields, onlineSettings } from './online-fields.js';
import { checkFleetFields, fleetSettings, targetsKind } from './fleet-fields.js';
import { checkWindowFields, windowSettings } from './window-fields.js';
import { checkTicketConfig, ticketSystemOf, type TicketSystemKind } from './ticket-fields.js';
import { validateAgainstSchema } from './schema.js';
import { placeholderDiagnostics } from './placeholders.js';
import { YamlSource } from './yaml.js';
import { pushAll } from '../arrays.js';

/** Defaults for an environment's optional numbers; part of the contract the schema documents. */
export const ENVIRONMENT_DEFAULTS = {
  lock_wait_timeout: 5,
  lock_retries: 2,
  lock_timeout: 10,
  unreachable_timeout: 60,
  snapshot_timeout: 3600,
  snapshot_poll_seconds: 10,
  ...BACKUP_DEFAULTS,
} as const;

/** The server version floor when `server.min_version` is absent. */
export const DEFAULT_MIN_VERSION = '8.0';

/** What changes can still be checked against when the config itself has errors. */
export interface ConfigFacts {
  /** Environment names as declared (when `environments` is a mapping). */
  environments?: Map<string, { after?: string }>;
  /** The compiled ticket_pattern, when present and valid. */
  ticketPattern?: RegExp;
  /** The source text of ticket_pattern, for messages. */
  ticketPatternSource?: string;
  /** The system `notify.ticket` names, whose ticket form every change must have. */
  ticketSystem?: TicketSystemKind;
}

/** Result of reading `changegate.yaml`: the config when it is valid, and every finding about it. */
export interface LoadedConfig {
  /** Present only when the file has no errors. */
  config?: Config;
  diagnostics: Diagnostic[];
  /** What the changes can be checked against even when `config` is absent. */
  facts: ConfigFacts;
}

/**
 * Reads and checks `changegate.yaml` under `root`. Every problem is a diagnostic (never an exception);
 * `config` is returned only when there is none of severity error.
 */
export function loadConfig(root: string, file = 'changegate.yaml'): { config?: Config; diagnostics: Diagnostic[] } {
  const { config, diagnostics } = readConfig(root, file);
  diagnostics.sort(compareDiagnostics);
  return config ? { config, diagnostics } : { diagnostics };
}

/** `loadConfig` plus the facts that change checks can use when the config is invalid. */
export function readConfig(root: string, file = 'changegate.yaml'): LoadedConfig {
  const rel = file.split(path.sep).join('/');
  let bytes: Buffer;
  try {
    bytes = readFileSync(path.resolve(root, file));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const message = code === 'ENOENT'
      ? 'not found; run changegate in the repository root or pass --config'
      : `cannot be read (${code ?? (err as Error).message})`;
    return { diagnostics: [diagnostic(CODES.configMissing, rel, { line: 1, column: 1 }, undefined, message)], facts: {} };
  }
  const text = decodeUtf8(bytes);
  if (typeof text !== 'string') return { diagnostics: [notUtf8Diagnostic(rel, text)], facts: {} };
  const source = YamlSource.parse(rel, text);
  const diagnostics = [...source.diagnostics];
  if (!source.ok) return { diagnostics, facts: {} };
  pushAll(diagnostics, validateAgainstSchema('changegate', source));
  pushAll(diagnostics, placeholderDiagnostics(source));
  const schemaOk = !diagnostics.some((d) => d.severity === 'error');
  const raw = (source.data ?? {}) as RawConfig;
  const facts = collectFacts(raw, source, diagnostics);
  pushAll(diagnostics, checkEnvironments(raw, source));
  pushAll(diagnostics, checkTicketConfig(raw.notify, source));
  if (!schemaOk || diagnostics.some((d) => d.severity === 'error')) return { diagnostics, facts };
  return { config: build(raw, source, root, rel), diagnostics, facts };
}

// An environment as written: every field of EnvironmentConfig optional, before defaults are filled in.
type RawEnvironment = Partial<Omit<EnvironmentConfig, 'name' | 'line' | 'fleet' | 'target' | 'windows'>> & Parameters<typeof fleetSettings>[0] & { windows?: Parameters<typeof windowSettings>[0] };

interface RawConfig {
  database: string;
  server?: { min_version?: string };
  ticket_pattern?: string;
  protected_clusters?: string[];
  environments: Record<string, RawEnvironment>;
  notify?: Config['notify'];
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function collectFacts(raw: RawConfig, source: YamlSource, out: Diagnostic[]): ConfigFacts {
  const facts: ConfigFacts = {};
  const ticketSystem = ticketSystemOf(raw.notify);
  if (ticketSystem) facts.ticketSystem = ticketSystem;
  if (isObject(raw.environments)) {
    facts.environments = new Map();
    for (const [name, env] of Object.entries(raw.environments)) {
      facts.environments.set(name, isObject(env) && typeof env['after'] === 'string' ? { after: env['after'] } : {});
    }
  }
  if (typeof raw.ticket_pattern === 'string') {
    try {
      facts.ticketPattern = new RegExp(raw.ticket_pattern);
      facts.ticketPatternSource = raw.ticket_pattern;
    } catch (err) {
      const why = (err as Error).message.replace(/^Invalid regular expression: /, '');
      out.push(diagnostic(CODES.badTicketPattern, source.file, source.position(['ticket_pattern']), 'ticket_pattern', `is not a valid regular expression: ${why}`));
    }
  }
  return facts;
}

// The rules between fields and between environments. They run even when the schema found errors
// elsewhere, on whatever parts have the right shape, so that one pass reports everything.
function checkEnvironments(raw: RawConfig, source: YamlSource): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (!isObject(raw.environments)) return out;
  const envs = raw.environments as Record<string, unknown>;
  const file = source.file;
  const protectedClusters = new Set(
    (Array.isArray(raw.protected_clusters) ? raw.protected_clusters : []).filter((c): c is string => typeof c === 'string').map((c) => c.toLowerCase()),
  );

  for (const [name, env] of Object.entries(envs)) {
    if (!isObject(env)) continue;
    const at = (field: string) => source.position(['environments', name, field]);
    const field = (f: string) => `environments.${name}.${f}`;
    const isUrl = env['url_env'] !== undefined || env['url'] !== undefined || targetsKind(env) === 'url';

    if (env['url_env'] !== undefined && env['url'] !== undefined) {
      out.push(diagnostic(CODES.envShape, file, at('url'), field('url'), 'give either url_env or url, not both'));
    }
    if (isUrl) {
      for (const f of ['cluster', 'instance', 'region', 'secret', 'auth', 'db_user', 'require_rotation']) {
        if (env[f] !== undefined) {
          out.push(diagnostic(CODES.envShape, file, at(f), field(f), `is an AWS setting, but this environment connects through ${env['url_env'] !== undefined || targetsKind(env) === 'url' ? 'url_env' : 'url'}; use one or the other`));
        }
      }
      if (env['snapshot_method'] === 'cluster' || env['snapshot_method'] === 'instance') {
        out.push(diagnostic(CODES.envShape, file, at('snapshot_method'), field('snapshot_method'), `cannot be ${env['snapshot_method']} for a URL environment: only an AWS ${env['snapshot_method']} can be snapshotted; use tables`));
      }
    }
    if (!isUrl) pushAll(out, checkAuth(env, name, source));
    if (env['pull_requests'] === true && (env['approval'] === 'required' || env['approval'] === 'risky')) {
      // PROD runs only merged, reviewed changes: an unmerged pull request's SQL never reaches it, even
      // a routine one under approval: risky.
      out.push(diagnostic(CODES.envShape, file, at('pull_requests'), field('pull_requests'), `cannot be true with approval: ${env['approval']}: an environment behind an approval (PROD) runs merged changes only`));
    }
    pushAll(out, checkBackupFields(env, at, field, file));
    pushAll(out, checkOnlineFields(env['online_schema_change'], source, name));
    pushAll(out, checkFleetFields(env, name, source, protectedClusters));
    pushAll(out, checkWindowFields(env, source, name));
    if (!isUrl && env['schema'] === undefined && env['schemas'] === undefined) {
      out.push(diagnostic(CODES.required, file, source.position(['environments', name], true), field('schema'), 'is required for an AWS environment (cluster, region and schema), unless url_env or url is given'));
    }
    if (typeof env['url'] === 'string') {
      let parsed: URL | undefined;
      try {
        parsed = new URL(env['url']);
      } catch {
        out.push(diagnostic(CODES.envShape, file, at('url'), field('url'), 'is not a valid URL'));
      }
      if (parsed && parsed.password !== '') {
        // The message must not echo the URL: it holds the password.
        out.push(diagnostic(CODES.urlPassword, file, at('url'), field('url'), 'contains a password; put the URL in an environment variable and name it in url_env'));
      }
      const named = parsed ? urlSchema(parsed) : undefined;
      if (named && typeof env['schema'] === 'string' && env['schema'] !== named) {
        out.push(diagnostic(CODES.envShape, file, at('schema'), field('schema'), `is ${env['schema']}, but url names ${named}; make them agree, or leave schema: out (the URL's schema is used)`));
      }
    }
    if (typeof env['cluster'] === 'string' && protectedClusters.has(env['cluster'].toLowerCase())) {
      out.push(diagnostic(CODES.protectedCluster, file, at('cluster'), field('cluster'), `"${env['cluster']}" is in protected_clusters; changegate never connects to it`));
    }
    if (typeof env['instance'] === 'string' && protectedClusters.has(env['instance'].toLowerCase())) {
      out.push(diagnostic(CODES.protectedCluster, file, at('instance'), field('instance'), `"${env['instance']}" is in protected_clusters; changegate never connects to it`));
    }
    if (typeof env['after'] === 'string') {
      const after = env['after'];
      if (after === name) {
        out.push(diagnostic(CODES.afterCycle, file, at('after'), field('after'), `names the environment itself; the after chain is ${name} -> ${name}`));
      } else if (!Object.prototype.hasOwnProperty.call(envs, after)) {
        const known = Object.keys(envs).filter((n) => n !== name);
        out.push(diagnostic(CODES.unknownAfter, file, at('after'), field('after'), `"${after}" is not an environment${known.length ? `; environments: ${known.join(', ')}` : ''}`));
      }
    }
  }

  // Cycles longer than one: report each once, at the first environment of the cycle in declared order.
  const afterOf = (n: string): string | undefined => {
    const e = envs[n];
    return isObject(e) && typeof e['after'] === 'string' && e['after'] !== n && Object.prototype.hasOwnProperty.call(envs, e['after']) ? e['after'] : undefined;
  };
  // Each environment has at most one `after`, so walking from every start with a shared "done" set
  // visits each environment once, however long the chains of a large fleet are.
  const done = new Set<string>();
  const order = Object.keys(envs);
  const rank = new Map(order.map((n, i) => [n, i]));
  for (const start of order) {
    const onPath = new Map<string, number>();
    const walk: string[] = [];
    let cur: string | undefined = start;
    while (cur !== undefined && !done.has(cur) && !onPath.has(cur)) {
      onPath.set(cur, walk.length);
      walk.push(cur);
      cur = afterOf(cur);
    }
    if (cur !== undefined && onPath.has(cur)) {
      const cycle = walk.slice(onPath.get(cur));
      const first = cycle.reduce((a, b) => (rank.get(a)! <= rank.get(b)! ? a : b));
      const i = cycle.indexOf(first);
      const shown = [...cycle.slice(i), ...cycle.slice(0, i), first];
      out.push(diagnostic(CODES.afterCycle, file, source.position(['environments', first, 'after']), `environments.${first}.after`, `the after chain is a cycle: ${shown.join(' -> ')}`));
    }
    walk.forEach((n) => done.add(n));
  }
  return out;
}

// An AWS environment logs in one way: an IAM token as db_user, or the admin secret. A field of the
// other way is an error rather than ignored, so a half-finished switch to IAM cannot silently keep
// using the long-lived secret.
function checkAuth(env: Record<string, unknown>, name: string, source: YamlSource): Diagnostic[] {
  const out: Diagnostic[] = [];
  const file = source.file;
  const at = (f: string) => source.position(['environments', name, f]);
  const field = (f: string) => `environments.${name}.${f}`;
  const envKey = source.position(['environments', name], true);
  if (env['auth'] === 'iam') {
    if (env['db_user'] === undefined) {
      out.push(diagnostic(CODES.required, file, envKey, field('db_user'), 'is required with auth: iam: the database user the IAM token logs in as'));
    }
    if (env['secret'] !== undefined) {
      out.push(diagnostic(CODES.envShape, file, at('secret'), field('secret'), 'is not used with auth: iam, which logs in with a token and no password; remove secret, or use auth: secret'));
    }
    if (env['require_rotation'] !== undefined) {
      out.push(diagnostic(CODES.envShape, file, at('require_rotation'), field('require_rotation'), 'applies to auth: secret only; an IAM token expires by itself after 15 minutes'));
    }
  } else if (env['auth'] === 'secret' || env['auth'] === undefined) {
    const ownSecrets = Array.isArray(env['targets']) && env['targets'].some((t) => isObject(t) && t['secret'] !== undefined);
    if (env['secret'] === undefined && !ownSecrets) {
      out.push(diagnostic(CODES.required, file, envKey, field('secret'), 'is required for an AWS environment with auth: secret (the default); or log in with auth: iam and db_user'));
    }
    if (env['db_user'] !== undefined) {
      out.push(diagnostic(CODES.envShape, file, at('db_user'), field('db_user'), 'applies to auth: iam only; with auth: secret the user comes from the secret'));
    }
  }
  return out;
}

function build(raw: RawConfig, source: YamlSource, root: string, rel: string): Config {
  const environments: EnvironmentConfig[] = Object.entries(raw.environments).map(([name, e]) => {
    const isUrl = environmentKind({ ...e, fleet: undefined }) === 'url';
    const backup = backupSettings(e);
    const fleet = fleetSettings(e);
    const env: EnvironmentConfig = {
      name,
      snapshot: e.snapshot ?? (isUrl ? 'never' : 'destructive'),
      approval: e.approval ?? 'none',
      lock_wait_timeout: e.lock_wait_timeout ?? ENVIRONMENT_DEFAULTS.lock_wait_timeout,
      lock_retries: e.lock_retries ?? ENVIRONMENT_DEFAULTS.lock_retries,
      lock_timeout: e.lock_timeout ?? ENVIRONMENT_DEFAULTS.lock_timeout,
      unreachable_timeout: e.unreachable_timeout ?? ENVIRONMENT_DEFAULTS.unreachable_timeout,
      snapshot_timeout: e.snapshot_timeout ?? ENVIRONMENT_DEFAULTS.snapshot_timeout,
      snapshot_poll_seconds: e.snapshot_poll_seconds ?? ENVIRONMENT_DEFAULTS.snapshot_poll_seconds,
      snapshot_method: snapshotMethod({ ...e, ...(fleet && e.targets ? fleet.servers[0] : {}) }),
      backup_schema: backup.schema,
      backup_max_rows: backup.maxRows,
      line: source.position(['environments', name], true).line,
    };
    for (const k of ['cluster', 'instance', 'region', 'secret', 'schema', 'url_env', 'url', 'after', 'db_user'] as const) {
      if (e[k] !== undefined) env[k] = e[k];
    }
    if (!isUrl) env.auth = e.auth ?? 'secret';
    if (e.require_rotation !== undefined) env.require_rotation = e.require_rotation;
    if (e.tls) env.tls = { ca_file: e.tls.ca_file };
    if (e.max_copy_rows !== undefined) env.max_copy_rows = e.max_copy_rows;
    if (e.max_dml_rows !== undefined) env.max_dml_rows = e.max_dml_rows;
    if (e.online_schema_change) env.online_schema_change = onlineSettings(e.online_schema_change, e.max_copy_rows);
    if (e.throttle) env.throttle = { ...e.throttle };
    if (e.pull_requests === true) env.pull_requests = true;
    if (fleet) env.fleet = fleet;
    if (e.windows) env.windows = windowSettings(e.windows)!;
    if (e.window_wait !== undefined) env.window_wait = e.window_wait;
    return env;
  });
  const config: Config = {
    root: path.resolve(root),
    file: rel,
    database: raw.database,
    server: { min_version: raw.server?.min_version ?? DEFAULT_MIN_VERSION },
    protected_clusters: raw.protected_clusters ?? [],
    environments,
  };
  if (raw.ticket_pattern !== undefined) config.ticket_pattern = raw.ticket_pattern;
  if (raw.notify) config.notify = raw.notify;
  return config;
}

// The schema a connection URL names in its path (`mysql://host:port/schema`), when it names one.
function urlSchema(url: URL): string | undefined {
  try {
    return decodeURIComponent(url.pathname.replace(/^\//, '')) || undefined;
  } catch {
    return undefined;
  }
}
