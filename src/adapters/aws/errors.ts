// Every AWS failure becomes one line a person on call can act on: which call, on what, in which region,
// what happened and what to check. The SDK's own message is kept out where we know better, because it
// is long, names role session ARNs and rarely says what to do; it is never a place for credentials,
// but anything of it that does reach a message still goes through `redact`.
import { ChangegateError } from '../../core/errors.js';
import { redact } from '../../core/redact.js';
import { ENDPOINT_ENV, endpointOverride } from './clients.js';

/** What an AWS call was about, for its error message. */
export interface AwsCallContext {
  /** The API operation, as AWS names it (`GetSecretValue`). */
  call: string;
  service: 'rds' | 'secretsmanager';
  /** What the call was about: a cluster id, a snapshot id or a secret id. */
  resource: string;
  kind: 'cluster' | 'instance' | 'snapshot' | 'secret';
  region: string;
}

const DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'AuthorizationError']);
const THROTTLED = new Set([
  'Throttling', 'ThrottlingException', 'RequestLimitExceeded', 'TooManyRequestsException',
  'RequestThrottled', 'RequestThrottledException', 'ThrottledException',
]);
const EXPIRED = new Set(['ExpiredToken', 'ExpiredTokenException', 'RequestExpired']);
const REJECTED_CREDENTIALS = new Set([
  'InvalidClientTokenId', 'UnrecognizedClientException', 'SignatureDoesNotMatch',
  'InvalidSignatureException', 'IncompleteSignature', 'MissingAuthenticationToken',
]);
const NETWORK = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN',
  'EPIPE', 'TimeoutError', 'RequestTimeout', 'RequestTimeoutException',
]);
const NOT_FOUND: Record<string, string> = {
  ResourceNotFoundException: 'no such secret',
  DBClusterNotFoundFault: 'no such cluster',
  DBClusterSnapshotNotFoundFault: 'no such snapshot',
  DBInstanceNotFound: 'no such instance',
  DBInstanceNotFoundFault: 'no such instance',
  DBSnapshotNotFound: 'no such snapshot',
  DBSnapshotNotFoundFault: 'no such snapshot',
};

/** The IAM action that an API call needs, for "may call ..." advice. */
function iamAction(ctx: AwsCallContext): string {
  const action = `${ctx.service}:${ctx.call}`;
  // Tags passed to CreateDBClusterSnapshot are authorized separately.
  return ctx.call === 'CreateDBClusterSnapshot' || ctx.call === 'CreateDBSnapshot' ? `${action} and rds:AddTagsToResource` : action;
}

function hostOf(ctx: AwsCallContext): string {
  try {
    const override = endpointOverride();
    if (override) return new URL(override).host;
  } catch {
    // A bad override is reported by awsClients before any call; here it only names a host.
  }
  return `${ctx.service}.${ctx.region}.amazonaws.com`;
}

/** The error code an SDK error or a Node network error carries. */
export function awsErrorCode(err: unknown): string {
  if (typeof err !== 'object' || err === null) return 'Error';
  const e = err as { name?: unknown; code?: unknown; Code?: unknown; cause?: unknown };
  if (typeof e.code === 'string' && NETWORK.has(e.code)) return e.code;
  if (typeof e.Code === 'string' && e.Code) return e.Code;
  if (typeof e.name === 'string' && e.name && e.name !== 'Error') return e.name;
  if (typeof e.code === 'string' && e.code) return e.code;
  if (e.cause !== undefined && e.cause !== err) {
    const inner = awsErrorCode(e.cause);
    if (inner !== 'Error') return inner;
  }
  return 'Error';
}

function attempts(err: unknown): number {
  const n = (err as { $metadata?: { attempts?: unknown } })?.$metadata?.attempts;
  return typeof n === 'number' && n > 0 ? n : 1;
}

function firstLine(err: unknown): string {
  const raw = err instanceof Error ? err.message : String(err);
  return (raw.split('\n')[0] ?? '').trim() || 'no message';
}

/** The one-line message for an AWS failure: the call, the resource, the region, and what to check. */
export function awsErrorMessage(err: unknown, ctx: AwsCallContext): string {
  const code = awsErrorCode(err);
  const head = `aws: ${ctx.call} on ${ctx.resource} in ${ctx.region}`;
  if (DENIED.has(code)) {
    return `${head} was denied (${code}); check that the job's role may call ${iamAction(ctx)} on this ${ctx.kind}`;
  }
  if (THROTTLED.has(code)) {
    const n = attempts(err);
    return `${head} was throttled (${code}) after ${n} attempt${n === 1 ? '' : 's'}; re-run later, ` +
      `or look for other jobs calling ${ctx.service} in this account and region`;
  }
  if (code in NOT_FOUND) {
    return `${head} failed: ${NOT_FOUND[code]} (${code}); check the environment's ${ctx.kind} id and region`;
  }
  if (EXPIRED.has(code)) {
    return `${head} failed: the session token has expired (${code}); re-run aws-actions/configure-aws-credentials ` +
      `before this step, or raise its role-duration-seconds`;
  }
  if (code === 'CredentialsProviderError') {
    return `${head} failed: no AWS credentials were found (${code}); add an aws-actions/configure-aws-credentials ` +
      `step with the environment's OIDC role before this step (the job needs permissions: id-token: write)`;
  }
  if (REJECTED_CREDENTIALS.has(code)) {
    return `${head} failed: AWS rejected the credentials (${code}); check the configure-aws-credentials step ` +
      `and the runner's clock`;
  }
  if (NETWORK.has(code)) {
    const where = endpointSafely() ? `${ENDPOINT_ENV} and the network` : "the runner's network access to AWS";
    return `${head} failed: ${hostOf(ctx)} is unreachable (${code}); check ${where}`;
  }
  switch (code) {
    case 'InvalidDBClusterStateFault':
      return `${head} failed: the cluster is not in a state that allows it (${code}); wait until the cluster is available and re-run`;
    case 'SnapshotQuotaExceeded':
    case 'SnapshotQuotaExceededFault':
      return `${head} failed: the account's manual cluster snapshot quota is reached (${code}); delete old snapshots or raise the quota`;
    case 'InvalidDBInstanceState':
    case 'InvalidDBInstanceStateFault':
      return `${head} failed: the instance is not in a state that allows it (${code}); wait until the instance is available and re-run`;
    case 'DBSnapshotAlreadyExists':
    case 'DBSnapshotAlreadyExistsFault':
    case 'DBClusterSnapshotAlreadyExistsFault':
      return `${head} failed: a snapshot with this id already exists (${code}); re-run to get a new timestamped id`;
    case 'DecryptionFailure':
      return `${head} failed: the secret could not be decrypted (${code}); check that the job's role may use the secret's KMS key (kms:Decrypt)`;
  }
  return `${head} failed (${code}): ${redact(firstLine(err))}`;
}

function endpointSafely(): boolean {
  try {
    return endpointOverride() !== undefined;
  } catch {
    return true;
  }
}

/** Wraps an AWS failure into a ChangegateError (exit 1) with the one-line message. */
export function awsError(err: unknown, ctx: AwsCallContext): ChangegateError {
  if (err instanceof ChangegateError) return err;
  // The cause keeps the SDK error for a debugging stack; its fields carry no credentials.
  return new ChangegateError(awsErrorMessage(err, ctx), 1, { cause: err });
}

/** Runs one AWS call and turns its failure into `awsError`. */
export async function awsCall<T>(ctx: AwsCallContext, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw awsError(err, ctx);
  }
}
