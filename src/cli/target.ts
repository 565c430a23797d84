// The edge that turns an environment into a checked connection: protected-cluster guard first (no
// network), then AWS (writer endpoint, admin secret) or a URL, then the server guards on connect.
import path from 'node:path';
import { UsageError } from '../core/errors.js';
import { refuseProtected } from '../core/guards.js';
import { registerSecret } from '../core/redact.js';
import type { Config, EnvironmentConfig } from '../core/types.js';
import type { Target, TargetSpec } from '../adapters/mysql/connect.js';
import type { AwsClients } from '../adapters/aws/clients.js';
import type { ClusterTarget } from '../adapters/aws/cluster.js';
import type { CommandContext } from './context.js';

/** A connected, checked environment, with its AWS handles when it is a cluster. */
export interface OpenEnvironment {
  env: EnvironmentConfig;
  target: Target;
  aws?: { clients: AwsClients; cluster: ClusterTarget };
  close(): Promise<void>;
}

/** Where an environment's server is and as whom to connect, without connecting yet. */
export async function resolveEnvironment(
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
    const { fetchAdminSecret } = await import('../adapters/aws/secret.js');
    const clients = awsClients(env.region!);
    const cluster = env.instance
      ? await (await import('../adapters/aws/instance.js')).resolveInstance(clients.rds, env.instance)
      : await resolveCluster(clients.rds, env.cluster!);
    refuseProtected(config, env, cluster.endpoint, 'resolves to endpoint');
    const secret = await fetchAdminSecret(clients.sm, env.secret!);
    for (const s of [secret.password, secret.username, secret.host]) ctx.out.secret(s);
    refuseProtected(config, env, secret.clusterId, 'has a secret for cluster');
    refuseProtected(config, env, secret.host, 'has a secret for host');
    const spec: TargetSpec = {
      host: cluster.endpoint,
      port: cluster.port,
      user: secret.username,
      password: secret.password,
      schema: env.schema!,
      tls: { mode: 'aws', ...(caFile ? { caFile } : {}) },
    };
    return { spec, aws: { clients, cluster } };
  }
  const url = env.url ?? (env.url_env ? ctx.env[env.url_env] : undefined);
  if (!url) {
    throw new UsageError(`environment ${env.name} reads its URL from ${env.url_env ?? 'url'}, which is not set`);
  }
  const { parseTargetUrl } = await import('../adapters/mysql/connect.js');
  const spec = parseTargetUrl(url, env.name);
  registerSecret(spec.password);
  ctx.out.secret(spec.password);
  refuseProtected(config, env, spec.host, 'points at host');
  if (env.schema) spec.schema = env.schema;
  if (!spec.schema) throw new UsageError(`environment ${env.name} names no schema: set schema: or put it in the URL's path`);
  if (caFile && spec.tls.mode !== 'off') spec.tls = { ...spec.tls, caFile };
  return { spec };
}

/** Resolves and connects with every guard; the caller closes it. */
export async function openEnvironment(ctx: CommandContext, config: Config, env: EnvironmentConfig): Promise<OpenEnvironment> {
  const { spec, aws } = await resolveEnvironment(ctx, config, env);
  const { connectTarget } = await import('../adapters/mysql/connect.js');
  const target = await connectTarget(spec, {
    minVersion: config.server.min_version,
    lockWaitTimeout: env.lock_wait_timeout,
    label: env.name,
  });
  return { env, target, ...(aws ? { aws } : {}), close: () => target.close() };
}
