// Credentials must never reach a log, a file or a message (invariant 5). Every message that may carry
// text from a driver, the SDK or a URL passes through `redact` with the secrets known to the run.

const registered = new Set<string>();

/** Remembers a secret for every later `redact` call in this process (password, user, host). */
export function registerSecret(value: string | undefined | null): void {
  if (value && value.length >= 3) registered.add(value);
}

/** Replaces registered secrets, URL passwords and MySQL `'user'@'host'` pairs with `***`. */
export function redact(text: string, extra: (string | undefined | null)[] = []): string {
  let out = text
    // scheme://user:password@host → scheme://***@host
    .replace(/([a-z][a-z0-9+.-]*:\/\/)[^/\s:@]*:[^/\s@]*@/gi, '$1***@')
    // Access denied for user 'x'@'y' → user '***'@'***'
    .replace(/'[^'\s]*'@'[^'\s]*'/g, "'***'@'***'");
  const secrets = [...registered, ...extra.filter((s): s is string => !!s && s.length >= 3)];
  secrets.sort((a, b) => b.length - a.length);
  for (const s of secrets) out = out.split(s).join('***');
  return out;
}
