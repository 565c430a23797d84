// The only place AWS clients are built, so that where credentials and endpoints come from is decided once.
//
// Credentials: the SDK's default provider chain and nothing else. There is deliberately no parameter
// for keys: in CI the chain finds the OIDC role that aws-actions/configure-aws-credentials exported;
// tests export static AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, which the chain's first link (the
// environment) picks up without probing instance metadata. A test therefore exercises the very
// code path production runs.
import { RDSClient } from '@aws-sdk/client-rds';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
// The SDK's own retry strategies (the SDK depends on @smithy/core; this is the same copy it uses).
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { UsageError } from '../../core/errors.js';

/** Environment variable that sends every AWS call to another URL (tests, AWS-compatible stand-ins). */
export const ENDPOINT_ENV = 'CHANGEGATE_AWS_ENDPOINT';

/** Retry knobs; production leaves both unset and gets the SDK's standard mode. */
export interface AwsClientOptions {
  /** Attempts per call, the first included (SDK default: 3). Throttling and network errors are retried. */
  maxAttempts?: number;
  /** A fixed wait between attempts instead of the SDK's jittered exponential back-off; for tests. */
  retryDelayMs?: number;
}

/** The two clients a run needs, bound to one region. */
export interface AwsClients {
  region: string;
  rds: RDSClient;
  sm: SecretsManagerClient;
}

/** The endpoint override from `CHANGEGATE_AWS_ENDPOINT`, or undefined (the real AWS endpoints). */
export function endpointOverride(): string | undefined {
  const raw = process.env[ENDPOINT_ENV];
  if (raw === undefined || raw.trim() === '') return undefined;
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new UsageError(`${ENDPOINT_ENV} is not a URL; set it to an http(s) URL or unset it`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`${ENDPOINT_ENV} is not an http(s) URL; set it to an http(s) URL or unset it`);
  }
  return raw.trim();
}

/** Builds the RDS and Secrets Manager clients for `region` (credentials from the default chain only). */
export function awsClients(region: string, options: AwsClientOptions = {}): AwsClients {
  if (!region) throw new UsageError('an AWS environment needs a region');
  const endpoint = endpointOverride();
  const common = {
    region,
    ...(endpoint ? { endpoint } : {}),
    // Shows up in CloudTrail's userAgent, so an auditor can tell changegate's calls from a person's.
    userAgentAppId: 'changegate',
    // Without these an unreachable endpoint hangs the job until GitHub's 6-hour limit.
    requestHandler: { connectionTimeout: 10_000, requestTimeout: 60_000 },
    ...retryConfig(options),
  };
  return { region, rds: new RDSClient(common), sm: new SecretsManagerClient(common) };
}

function retryConfig(options: AwsClientOptions): object {
  const { maxAttempts, retryDelayMs } = options;
  if (retryDelayMs !== undefined) {
    return { retryStrategy: new ConfiguredRetryStrategy(maxAttempts ?? 3, retryDelayMs) };
  }
  return maxAttempts !== undefined ? { maxAttempts, retryMode: 'standard' } : { retryMode: 'standard' };
}

/** The region a client is bound to (for messages). */
export async function clientRegion(client: { config: { region: () => Promise<string> } }): Promise<string> {
  return client.config.region();
}
