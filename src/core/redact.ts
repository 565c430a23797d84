// Credentials must never reach a log, a file, an error message or a PR comment. Every message that
// may carry text from a driver, the SDK or a URL passes through `redact` with the secrets known to
// the run.

const registered = new Set<string>();
// The registered secrets, longest first (so a secret containing another is replaced whole); kept
// sorted here because every output line goes through redact.
let longestFirst: string[] = [];

/** Remembers a secret for every later `redact` call in this process (a password, a token). */
export function registerSecret(value: string | undefined | null): void {
  if (!value || value.length < 3 || registered.has(value)) return;
  registered.add(value);
  longestFirst = [...registered].sort((a, b) => b.length - a.length);
}

/**
 * Replaces registered secrets and URL passwords with `***`. Who and where (a URL's user, host and port,
 * the server's `'user'@'host'`) stay: they are what a user needs to find a refused login, and no secret.
 */
export function redact(text: string, extra: (string | undefined | null)[] = []): string {
  // A URL password needs an @; most lines (a progress line per statement) have none.
  let out = !text.includes('@') ? text : text
    // scheme://user:password@host → scheme://user:***@host; the usage hint's own placeholder stays readable.
    .replace(/([a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:)([^/\s@]*)@/gi, (all, head: string, pw: string) =>
      head.endsWith('//user:') && pw === 'password' ? all : `${head}***@`,
    );
  const more = extra.filter((s): s is string => !!s && s.length >= 3);
  const secrets = more.length === 0 ? longestFirst : [...longestFirst, ...more].sort((a, b) => b.length - a.length);
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join('***');
  return out;
}
