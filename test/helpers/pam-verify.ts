// The test server's stand-in for Aurora's IAM check. MariaDB's auth_pam hands the password that a client
// sent as `mysql_clear_password` to PAM; the test's PAM service runs this script through
// `pam_exec.so expose_authtok`, which writes that password (the token) and a NUL to stdin and names
// the database user in PAM_USER. Exit 0 lets the login in, anything else refuses it.
//
// A token passes only when it is what @aws-sdk/rds-signer makes for this server and user, as AWS would
// check it: `HOST:PORT/?Action=connect&DBUser=USER&X-Amz-...`, the test's access key, the expected
// region and the `rds-db` service, 900 s of validity that have not run out, and a SigV4 signature
// equal to the one `@smithy/signature-v4`'s `presign` computes at the token's own X-Amz-Date with the
// test's secret key. Each attempt is appended to the log as one JSON line: the token's hash and its
// signature (for the tests' leak scan), in the test's temp folder only.
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { appendFileSync, readFileSync } from 'node:fs';
import { SignatureV4 } from '@smithy/signature-v4';

/** What the verifier expects; written by pam-server.ts as the JSON file named in argv[2]. */
export interface VerifierConfig {
  host: string;
  port: number;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Where each attempt is logged (JSON lines). */
  log: string;
}

/** One login attempt as the verifier judged it. */
export interface Verification {
  ok: boolean;
  /** Why it was refused ('' when accepted). */
  reason: string;
  /** PAM_USER: the database user the client logged in as. */
  user: string;
  /** SHA-256 of the token, so that tests can tell tokens apart without any copy of one. */
  tokenSha256: string;
  /** X-Amz-Signature: what the leak scan looks for in every output (the token is useless without it). */
  signature: string;
  at: string;
}

// SigV4 needs a hash constructor; node:crypto's, so that the check does not share the signer's hash code.
class NodeSha256 {
  private readonly h: Hash | Hmac;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.h = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.h.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.h.digest());
  }
}

function bytes(d: string | ArrayBuffer | ArrayBufferView): string | Buffer {
  if (typeof d === 'string') return d;
  return ArrayBuffer.isView(d) ? Buffer.from(d.buffer, d.byteOffset, d.byteLength) : Buffer.from(d);
}

/** `20261129T063700Z` → Date, or null. */
function amzDate(s: string): Date | null {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  return m ? new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!)) : null;
}

/** The reason a token must be refused, or '' when it is valid for `user` at `now`. */
export async function checkToken(token: string, user: string, c: VerifierConfig, now = new Date()): Promise<string> {
  let url: URL;
  try {
    url = new URL(`https://${token}`);
  } catch {
    return 'not a token URL';
  }
  const q = url.searchParams;
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host !== c.host || url.port !== String(c.port)) return `signed for ${host}:${url.port}, not ${c.host}:${c.port}`;
  if (url.pathname !== '/') return `path ${url.pathname}`;
  if (q.get('Action') !== 'connect') return `Action=${q.get('Action')}`;
  if (q.get('DBUser') !== user) return `DBUser=${q.get('DBUser')} logging in as ${user}`;
  if (q.get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256') return `algorithm ${q.get('X-Amz-Algorithm')}`;
  const date = amzDate(q.get('X-Amz-Date') ?? '');
  if (!date) return 'no X-Amz-Date';
  const [key, day, region, service, terminator, ...rest] = (q.get('X-Amz-Credential') ?? '').split('/');
  if (key !== c.accessKeyId || rest.length > 0 || terminator !== 'aws4_request') return 'another access key or credential scope';
  if (day !== q.get('X-Amz-Date')!.slice(0, 8)) return 'credential scope of another day';
  if (region !== c.region) return `region ${region}`;
  if (service !== 'rds-db') return `service ${service}`;
  if (q.get('X-Amz-Expires') !== '900') return `X-Amz-Expires=${q.get('X-Amz-Expires')}`;
  if (q.get('X-Amz-SignedHeaders') !== 'host') return `signed headers ${q.get('X-Amz-SignedHeaders')}`;
  if (now.getTime() > date.getTime() + 900_000) return 'expired';
  if (date.getTime() > now.getTime() + 300_000) return 'dated in the future';
  const query: Record<string, string> = {};
  for (const [k, v] of q) if (!k.startsWith('X-Amz-')) query[k] = v;
  const signer = new SignatureV4({
    service: 'rds-db',
    region: c.region,
    credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey },
    sha256: NodeSha256,
  });
  const expected = await signer.presign(
    { method: 'GET', protocol: 'https:', hostname: c.host, port: c.port, path: '/', query, headers: { host: `${c.host}:${c.port}` } },
    { signingDate: date, expiresIn: 900 },
  );
  if (expected.query?.['X-Amz-Signature'] !== q.get('X-Amz-Signature')) return 'signature does not match';
  return '';
}

async function main(): Promise<number> {
  const config = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as VerifierConfig;
  // pam_exec writes the token and a terminating NUL.
  const token = readFileSync(0).toString('utf8').replace(/\0+$/, '');
  const user = process.env['PAM_USER'] ?? '';
  const reason = await checkToken(token, user, config).catch((e: unknown) => `verifier error: ${String(e)}`);
  const entry: Verification = {
    ok: reason === '',
    reason,
    user,
    tokenSha256: createHash('sha256').update(token).digest('hex'),
    signature: /[?&]X-Amz-Signature=([0-9a-f]+)/.exec(token)?.[1] ?? '',
    at: new Date().toISOString(),
  };
  appendFileSync(config.log, JSON.stringify(entry) + '\n');
  return entry.ok ? 0 : 1;
}

// Run as a PAM helper (argv[2] is the config); imported by tests for `checkToken` and the types.
if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  process.exitCode = await main();
}
