// The cluster's admin credentials, fetched at run time and held in memory only: a credential appears
// in no log, file, error message or PR comment. Every piece is registered with `redact` the moment it
// exists, before any check that could fail and print.
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  type DescribeSecretCommandOutput,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { ChangegateError, RefusedError } from '../../core/errors.js';
import { registerSecret } from '../../core/redact.js';
import { clientRegion } from './clients.js';
import { awsCall, awsError, awsErrorCode, awsErrorMessage } from './errors.js';
import type { ClusterTarget } from './cluster.js';

/** The RDS secret JSON's fields that a connection needs. */
export interface AdminSecret {
  username: string;
  password: string;
  host?: string;
  port?: number;
  dbname?: string;
  /** `dbClusterIdentifier`, present in secrets made for RDS rotation; lets a guard compare clusters. */
  clusterId?: string;
}

/** Called with each credential the moment it exists, before anything could print it (masking in CI). */
export type OnSecret = (value: string) => void;

/**
 * Reads `secretId` from Secrets Manager and parses the RDS secret JSON; nothing of it is written anywhere.
 * Every piece goes to `registerSecret` and to `onSecret` before any check of its shape.
 */
export async function fetchAdminSecret(sm: SecretsManagerClient, secretId: string, onSecret?: OnSecret): Promise<AdminSecret> {
  const region = await clientRegion(sm);
  const ctx = { call: 'GetSecretValue', service: 'secretsmanager', resource: secretId, kind: 'secret', region } as const;
  const out = await awsCall(ctx, () => sm.send(new GetSecretValueCommand({ SecretId: secretId })));
  return parseAdminSecret(out.SecretString, `secret ${secretId} in ${region}`, onSecret);
}

/** What DescribeSecret says about a secret's rotation; it never returns the secret's value. */
export interface SecretRotation {
  arn: string;
  name: string;
  rotationEnabled: boolean;
  lastRotated?: Date;
}

/** What the rotation check found: lines to show as they are, and warnings. */
export interface RotationFindings {
  /** null when the role may not call DescribeSecret (a warning says so). */
  rotation: SecretRotation | null;
  notes: string[];
  warnings: string[];
}

/**
 * The rotation check of `auth: secret`, before the secret is read: DescribeSecret (which returns no
 * value), then a refusal with `require` when the secret never rotates (RefusedError, exit 1), or a
 * warning without it. When `cluster` says RDS manages this very secret (MasterUserSecret), that is
 * noted, and a `SecretStatus` of impaired (RDS can no longer rotate it) is a warning.
 */
export async function checkRotation(
  sm: SecretsManagerClient,
  secretId: string,
  opts: { require: boolean; envName: string; cluster?: ClusterTarget },
): Promise<RotationFindings> {
  const region = await clientRegion(sm);
  const ctx = { call: 'DescribeSecret', service: 'secretsmanager', resource: secretId, kind: 'secret', region } as const;
  let out: DescribeSecretCommandOutput;
  try {
    out = await sm.send(new DescribeSecretCommand({ SecretId: secretId }));
  } catch (err) {
    // Without `require` the check is advice: a role whose policy predates it (no
    // secretsmanager:DescribeSecret) still runs, and is told what the check needs.
    if (!opts.require && awsErrorCode(err) === 'AccessDeniedException') {
      return { rotation: null, notes: [], warnings: [`cannot tell whether the secret rotates: ${awsErrorMessage(err, ctx)}`] };
    }
    throw awsError(err, ctx);
  }
  const rotation: SecretRotation = {
    arn: out.ARN ?? secretId,
    name: out.Name ?? secretId,
    rotationEnabled: out.RotationEnabled === true,
    ...(out.LastRotatedDate ? { lastRotated: out.LastRotatedDate } : {}),
  };
  const notes: string[] = [];
  const warnings: string[] = [];
  const where = `secret ${secretId} in ${region}`;
  const managed = opts.cluster?.masterUserSecret;
  // Whole ARNs: a secret ARN's random 6-character suffix is part of its identity.
  if (managed && managed.arn === rotation.arn) {
    notes.push(`${where} is the master user secret of cluster ${opts.cluster!.clusterId}: RDS manages and rotates it`);
    if (managed.status.toLowerCase() === 'impaired') {
      warnings.push(
        `${where} is impaired (MasterUserSecret status of cluster ${opts.cluster!.clusterId}): RDS can no longer rotate it; ` +
          "check that RDS may still use the secret and its KMS key, or turn the cluster's managed master password off and on again",
      );
    }
  }
  if (!rotation.rotationEnabled) {
    if (opts.require) {
      throw new RefusedError(
        `refused: ${where} never rotates (Secrets Manager rotation is not enabled) and ${opts.envName} sets require_rotation: true; ` +
          'turn on rotation for the secret, or log in with auth: iam; the secret was not read',
      );
    }
    warnings.push(
      `${where} never rotates (Secrets Manager rotation is not enabled): its password does not expire; ` +
        'turn on rotation, set require_rotation: true to refuse such a secret, or log in with auth: iam',
    );
  }
  return { rotation, notes, warnings };
}

/**
 * Parses the RDS secret JSON. `where` names the secret in messages; no message quotes the content, and
 * no error carries the parser's error as a cause, because JSON.parse's messages quote the input.
 */
export function parseAdminSecret(text: string | undefined, where: string, onSecret?: OnSecret): AdminSecret {
  const keep = (value: string) => {
    registerSecret(value);
    if (value) onSecret?.(value);
  };
  const malformed = (why: string) =>
    new ChangegateError(
      `${where} is not the RDS secret JSON (${why}); it must hold "username" and "password" strings, ` +
        'optionally "host", "port" and "dbname"',
      1,
    );
  if (text === undefined) throw malformed('it has no SecretString: binary secrets are not supported');
  // The whole text too: a malformed secret may still be a password someone pasted.
  keep(text);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw malformed('not valid JSON');
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw malformed('not a JSON object');
  const obj = data as Record<string, unknown>;
  for (const key of ['password', 'username', 'host'] as const) {
    if (typeof obj[key] === 'string') keep(obj[key] as string);
  }
  const { username, password, host, port, dbname, dbClusterIdentifier } = obj;
  if (typeof username !== 'string' || username === '') throw malformed('"username" is missing or not a string');
  if (typeof password !== 'string' || password === '') throw malformed('"password" is missing or not a string');
  if (host !== undefined && (typeof host !== 'string' || host === '')) throw malformed('"host" is not a string');
  const portNumber = parsePort(port);
  if (portNumber === null) throw malformed('"port" is not a port number');
  if (dbname !== undefined && typeof dbname !== 'string') throw malformed('"dbname" is not a string');
  return {
    username,
    password,
    ...(host !== undefined ? { host } : {}),
    ...(portNumber !== undefined ? { port: portNumber } : {}),
    ...(dbname ? { dbname } : {}),
    ...(typeof dbClusterIdentifier === 'string' && dbClusterIdentifier ? { clusterId: dbClusterIdentifier } : {}),
  };
}

/** undefined when absent, null when unusable; rotation templates store it as a number, people as a string. */
function parsePort(port: unknown): number | undefined | null {
  if (port === undefined || port === null || port === '') return undefined;
  const n = typeof port === 'number' ? port : typeof port === 'string' && /^\d+$/.test(port) ? Number(port) : NaN;
  return Number.isInteger(n) && n > 0 && n < 65536 ? n : null;
}
