// What a CLI child process needs to run AWS environments against the loopback fake, and the repository
// and scanning helpers of the end-to-end AWS tests (test/aws-cli.test.ts).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { TEST_CREDENTIALS } from './aws-fake.js';

/**
 * The environment of a CLI child that talks to the fake at `url`: static test keys for the SDK's default
 * chain, no profile, no config files, no instance metadata, quick retries; and nothing of the parent's
 * AWS, GitHub Actions or Slack settings, so a test behaves the same on a workstation and in CI.
 */
export function fakeAwsChildEnv(url: string): Record<string, string | undefined> {
  return {
    CHANGEGATE_AWS_ENDPOINT: url,
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    AWS_SESSION_TOKEN: undefined,
    AWS_PROFILE: undefined,
    AWS_DEFAULT_PROFILE: undefined,
    AWS_REGION: undefined,
    AWS_DEFAULT_REGION: undefined,
    AWS_CONFIG_FILE: '/nonexistent/changegate-test/config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/changegate-test/credentials',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_WEB_IDENTITY_TOKEN_FILE: undefined,
    AWS_ROLE_ARN: undefined,
    AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: undefined,
    AWS_CONTAINER_CREDENTIALS_FULL_URI: undefined,
    AWS_ENDPOINT_URL: undefined,
    AWS_ENDPOINT_URL_RDS: undefined,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: undefined,
    AWS_MAX_ATTEMPTS: undefined,
    AWS_RETRY_MODE: undefined,
    // bin.ts must turn the SDK's Node version notice off by itself.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: undefined,
    // Throttling retries wait 10 ms instead of the SDK's back-off.
    CHANGEGATE_AWS_RETRY_DELAY_MS: '10',
    GITHUB_ACTIONS: undefined,
    GITHUB_STEP_SUMMARY: undefined,
    GITHUB_OUTPUT: undefined,
    GITHUB_ENV: undefined,
    GITHUB_STATE: undefined,
    GITHUB_PATH: undefined,
    GITHUB_TOKEN: undefined,
    GITHUB_RUN_ID: undefined,
    GITHUB_REPOSITORY: undefined,
    GITHUB_ACTOR: undefined,
    GITHUB_SHA: undefined,
    CHANGEGATE_ENVIRONMENT: undefined,
    SLACK_WEBHOOK_URL: undefined,
  };
}

/** One AWS environment of the test config. */
export interface AwsEnvSpec {
  cluster: string;
  secret?: string;
  /** `auth: iam` with this `db_user` instead of a secret. */
  iamUser?: string;
  requireRotation?: boolean;
  schema: string;
  after?: string;
  approval?: 'required' | 'risky' | 'none';
  snapshot?: 'never' | 'destructive' | 'always';
  /** Seconds a snapshot may take to become available (default 30). */
  snapshotTimeout?: number;
  /** `pull_requests: true`: open pull requests apply here as provisional. */
  pullRequests?: boolean;
}

/**
 * changegate.yaml with AWS environments like the example in the README (qa, then prod after it), pointing at the fake (region us-east-2,
 * secret rds-admin-credentials-<cluster>, or auth: iam with `iamUser`), trusting the test CA, with short snapshot polls and lock
 * waits, and a version floor the throwaway MariaDB passes.
 */
export function awsConfig(caFile: string, envs: Record<string, AwsEnvSpec>): string {
  const lines = [
    'database: invoicingdb',
    'server: { min_version: "5.5" }',
    'ticket_pattern: "^T-[0-9]+$"',
    'protected_clusters: [prodinvoicingco]',
    'environments:',
  ];
  for (const [name, e] of Object.entries(envs)) {
    lines.push(
      `  ${name}:`,
      `    cluster: ${e.cluster}`,
      '    region: us-east-2',
      ...(e.iamUser ? ['    auth: iam', `    db_user: ${e.iamUser}`] : [`    secret: ${JSON.stringify(e.secret ?? `rds-admin-credentials-${e.cluster}`)}`]),
      ...(e.requireRotation !== undefined ? [`    require_rotation: ${e.requireRotation}`] : []),
      `    schema: ${e.schema}`,
      `    tls: { ca_file: ${JSON.stringify(caFile)} }`,
      `    snapshot: ${e.snapshot ?? 'never'}`,
      '    snapshot_poll_seconds: 0.05',
      `    snapshot_timeout: ${e.snapshotTimeout ?? 30}`,
      '    lock_timeout: 2',
    );
    if (e.after) lines.push(`    after: ${e.after}`);
    if (e.approval) lines.push(`    approval: ${e.approval}`);
    if (e.pullRequests) lines.push('    pull_requests: true');
  }
  return lines.join('\n') + '\n';
}

/** Every regular file under `dir` (recursively) with its content. */
export function filesUnder(dir: string): { file: string; content: string }[] {
  const out: { file: string; content: string }[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = path.join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (st.isFile()) out.push({ file: p, content: readFileSync(p, 'latin1') });
    }
  };
  walk(dir);
  return out;
}
