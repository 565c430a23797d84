// The edge that turns an environment into a checked connection: protected-cluster guard first (no
// network), then AWS (writer endpoint, then an IAM token login or the rotation-checked admin secret)
// or a URL, then the server guards on connect.
import path from 'node:path';
import { UsageError } from '../core/errors.js';
import { refuseProtected } from '../core/guards.js';
import type { Config, EnvironmentConfig } from '../core/types.js';
import type { Target, TargetSpec } from '../adapters/mysql/connect.js';
import type { AwsClients } from '../adapters/aws/clients.js';
import type { ClusterTarget } from '../adapters/aws/cluster.js';
import type { CommandContext } from './context.js';

/** A connected, checked environment, with its AWS handles when it is a cluster. */
export interface OpenEnvironment {
  env: EnvironmentConfig;
  target: Target;
  /** Where and as whom the target was reached: what an online tool logs in with. */
  spec: TargetSpec;
  aws?: { clients: AwsClients; cluster: ClusterTarget };
  close(): Promise<void>;
}

/** Where an environment's server is and as whom to connect, without connecting yet; with the environment's silence bound. */
export async function resolveEnvironment(
  ctx: CommandContext,
  config: Config,
  env: EnvironmentConfig,
): Promise<{ spec: TargetSpec; aws?: { clients: AwsClients; cluster: ClusterTarget } }> {
  const found = env.target ? await locateShared(ctx, config, env) : await locate(ctx, config, env);
  if (env.unreachable_timeout !== undefined) found.spec.unreachableSec = env.unreachable_timeout;
  return found;
}

// The targets of a fleet share their server's lookup (the writer endpoint, the secret, the URL):
// one DescribeDBClusters and one GetSecretValue per server and run, not one per schema.
async function locateShared(ctx: CommandContext, config: Config, env: EnvironmentConfig): Promise<Located> {
  const key = `${env.name}\0${env.target!.server.name}`;
  const servers = (ctx.servers ??= new Map());
  let found = servers.get(key);
  if (!found) {
    found = locate(ctx, config, env);
    servers.set(key, found);
    // A failed lookup is not kept: the next target asks again, and says why itself.
    found.catch(() => servers.delete(key));
  }
  const { spec, aws } = await found;
  return { spec: { ...spec, schema: env.schema! }, ...(aws ? { aws } : {}) };
}

/** Where a server is and as whom to connect. */
export interface Located {
  spec: TargetSpec;
  aws?: { clients: AwsClients; cluster: ClusterTarget };
}

async function locate(
  ctx: CommandContext,
  config: Config,
  env: EnvironmentConfig,
): Promise<{ spec: TargetSpec; aws?: { clients: AwsClients; cluster: ClusterTarget } }> {
  refuseProtected(config, env, env.cluster, 'targets cluster');
  refuseProtected(config, env, env.instance, 'targets instance');
  refuseProtected(config, env, env.secret, 'uses secret');
  const caFile = env.tls?.ca_file ? path.resolve(ctx.root, env.tls.ca_file) : undefined;
  if (env.cluster || env.instance) {
    const { awsClients } = await import('../adapters/aws/clients.js');
    const { resolveCluster } = await import('../adapters/aws/cluster.js');
    const clients = awsClients(env.region!);
    const cluster = env.instance
      ? await (await import('../adapters/aws/instance.js')).resolveInstance(clients.rds, env.instance)
      : await resolveCluster(clients.rds, env.cluster!);
    refuseProtected(config, env, cluster.endpoint, 'resolves to endpoint');
    const tls = { mode: 'aws' as const, ...(caFile ? { caFile } : {}) };
    if (env.auth === 'iam') {
      const { iamLogin } = await import('../adapters/aws/iam.js');
      // Each token is masked before mysql2 sends it, so no later line can show it.
      const login = iamLogin(cluster, env.db_user!, (token) => ctx.out.secret(token));
      const spec: TargetSpec = { host: cluster.endpoint, port: cluster.port, user: login.user, password: '', tokenLogin: login, schema: env.schema!, tls };
      return { spec, aws: { clients, cluster } };
    }
    const { checkRotation, fetchAdminSecret } = await import('../adapters/aws/secret.js');
    await rotationCheck(ctx, env, () =>
      checkRotation(clients.sm, env.secret!, { require: env.require_rotation === true, envName: env.name, cluster }),
    );
    const secret = await fetchAdminSecret(clients.sm, env.secret!, (value) => ctx.out.secret(value));
    refuseProtected(config, env, secret.clusterId, 'has a secret for cluster');
    refuseProtected(config, env, secret.host, 'has a secret for host');
    const spec: TargetSpec = {
      host: cluster.endpoint,
      port: cluster.port,
      user: secret.username,
      password: secret.password,
      schema: env.schema!,
      tls,
    };
    return { spec, aws: { clients, cluster } };
  }
  const url = env.url ?? (env.url_env ? ctx.env[env.url_env] : undefined);
  if (!url) {
    throw new UsageError(`environment ${env.name} reads its URL from ${env.url_env ?? 'url'}, which is not set`);
  }
  const { parseTargetUrl } = await import('../adapters/mysql/connect.js');
  // A fleet's URL names a server; its schema, if any, only says where to log in.
  const spec = parseTargetUrl(url, env.name, env.url === undefined ? env.url_env : undefined, { schemaOptional: env.target !== undefined });
  // Registers the password for redaction and, inside GitHub Actions, has the runner mask it.
  ctx.out.secret(spec.password);
  refuseProtected(config, env, spec.host, 'points at host');
  // Two places naming the schema must not disagree: whichever silently won, a run could land in
  // another environment's schema (prod's, behind a qa URL).
  if (env.target) spec.schema = env.schema!;
  else if (env.schema && env.schema !== spec.schema) {
    const where = env.url_env ? `the URL in ${env.url_env}` : 'its url';
    throw new UsageError(`environment ${env.name}: ${where} names schema ${spec.schema} but schema: says ${env.schema}; make them agree, or leave schema: out (the URL's schema is used)`);
  }
  if (caFile && spec.tls.mode !== 'off') spec.tls = { ...spec.tls, caFile };
  return { spec };
}

// Secrets already checked in a run (keyed by the run's Output): a run that resolves an environment
// twice (drift, a plan that reads its `after` environment) shows each finding once, and a second
// in-process run shows them again.
const rotationChecked = new WeakMap<CommandContext['out'], Set<string>>();

/** The rotation check of `auth: secret`: a refusal stops the run; notes and warnings are shown once per secret. */
async function rotationCheck(
  ctx: CommandContext,
  env: EnvironmentConfig,
  check: () => Promise<{ notes: string[]; warnings: string[] }>,
): Promise<void> {
  const key = `${env.region}/${env.secret}/${env.require_rotation === true}`;
  let checked = rotationChecked.get(ctx.out);
  if (!checked) rotationChecked.set(ctx.out, (checked = new Set()));
  if (checked.has(key)) return;
  const found = await check();
  checked.add(key);
  for (const n of found.notes) ctx.out.info(n);
  for (const w of found.warnings) ctx.out.warn(w);
}

/** Resolves and connects with every guard; the caller closes it. */
export async function openEnvironment(ctx: CommandContext, config: Config, env: EnvironmentConfig): Promise<OpenEnvironment> {
  // A fleet has no one server to connect to; its commands connect to each target.
  if (env.fleet && !env.target) throw new UsageError(`${env.name} has several targets; this command runs on one of them: add --target server/schema`);
  const { spec, aws } = await resolveEnvironment(ctx, config, env);
  const { connectTarget } = await import('../adapters/mysql/connect.js');
  const target = await connectTarget(spec, {
    minVersion: config.server.min_version,
    lockWaitTimeout: env.lock_wait_timeout,
    label: env.name,
  });
  return { env, target, spec, ...(aws ? { aws } : {}), close: () => target.close() };
}
