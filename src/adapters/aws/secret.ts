// The cluster's admin credentials, fetched at run time and held in memory only (invariant 5). Every
// piece is registered with `redact` the moment it exists, before any check that could fail and print.
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ChangegateError } from '../../core/errors.js';
import { registerSecret } from '../../core/redact.js';
import { clientRegion } from './clients.js';
import { awsCall } from './errors.js';

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

/** Reads `secretId` from Secrets Manager and parses the RDS secret JSON; nothing of it is written anywhere. */
export async function fetchAdminSecret(sm: SecretsManagerClient, secretId: string): Promise<AdminSecret> {
  const region = await clientRegion(sm);
  const ctx = { call: 'GetSecretValue', service: 'secretsmanager', resource: secretId, kind: 'secret', region } as const;
  const out = await awsCall(ctx, () => sm.send(new GetSecretValueCommand({ SecretId: secretId })));
  return parseAdminSecret(out.SecretString, `secret ${secretId} in ${region}`);
}

/**
 * Parses the RDS secret JSON. `where` names the secret in messages; no message quotes the content, and
 * no error carries the parser's error as a cause, because JSON.parse's messages quote the input.
 */
export function parseAdminSecret(text: string | undefined, where: string): AdminSecret {
  const malformed = (why: string) =>
    new ChangegateError(
      `${where} is not the RDS secret JSON (${why}); it must hold "username" and "password" strings, ` +
        'optionally "host", "port" and "dbname"',
      1,
    );
  if (text === undefined) throw malformed('it has no SecretString: binary secrets are not supported');
  // The whole text too: a malformed secret may still be a password someone pasted.
  registerSecret(text);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw malformed('not valid JSON');
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw malformed('not a JSON object');
  const obj = data as Record<string, unknown>;
  for (const key of ['password', 'username', 'host'] as const) {
    if (typeof obj[key] === 'string') registerSecret(obj[key] as string);
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
