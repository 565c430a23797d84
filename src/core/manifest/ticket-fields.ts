// `notify.ticket` and a manifest's `tickets:`: what a schema cannot say alone. One ticket system at
// a time; a Jira URL that could carry a token in the clear is refused; and every ticket a run would
// comment on must be one the system can find, so a typo is caught on the pull request rather than
// as a warning during a PROD run.
import type { Diagnostic } from '../types.js';
import { CODES, diagnostic } from './codes.js';
import type { ConfigFacts } from './config.js';
import type { YamlSource } from './yaml.js';

/** Which ticket system `notify.ticket` names, when it names exactly one. */
export type TicketSystemKind = 'jira' | 'github';

/** What a ticket of each system looks like: a Jira issue key, or a GitHub issue number in the configured repository. */
export const TICKET_FORMATS: Record<TicketSystemKind, { pattern: RegExp; example: string; what: string }> = {
  jira: { pattern: /^[A-Za-z][A-Za-z0-9_]*-[1-9][0-9]*$/, example: 'INV-1234', what: 'a Jira issue key' },
  github: { pattern: /^#[1-9][0-9]*$/, example: '#123', what: 'a GitHub issue number' },
};

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The ticket system of a raw `notify` mapping: undefined when there is none, or both. */
export function ticketSystemOf(notify: unknown): TicketSystemKind | undefined {
  const t = isObject(notify) ? notify['ticket'] : undefined;
  if (!isObject(t)) return undefined;
  const jira = t['jira'] !== undefined;
  const github = t['github'] !== undefined;
  return jira === github ? undefined : jira ? 'jira' : 'github';
}

/** Exactly one of jira or github, and a Jira URL that is https (http only to a loopback test server) without credentials. */
export function checkTicketConfig(notify: unknown, source: YamlSource): Diagnostic[] {
  const t = isObject(notify) ? notify['ticket'] : undefined;
  if (!isObject(t)) return [];
  const file = source.file;
  const out: Diagnostic[] = [];
  if (t['jira'] === undefined && t['github'] === undefined) {
    out.push(diagnostic(CODES.required, file, source.position(['notify', 'ticket'], true), 'notify.ticket', 'needs jira or github: the system the tickets live in'));
  }
  if (t['jira'] !== undefined && t['github'] !== undefined) {
    out.push(diagnostic(CODES.badValue, file, source.position(['notify', 'ticket', 'github'], true), 'notify.ticket.github', 'cannot be given with jira: the tickets live in one system; keep one of them'));
  }
  const jira = t['jira'];
  if (isObject(jira) && typeof jira['url'] === 'string') {
    const at = source.position(['notify', 'ticket', 'jira', 'url']);
    const field = 'notify.ticket.jira.url';
    let url: URL | undefined;
    try {
      url = new URL(jira['url']);
    } catch {
      out.push(diagnostic(CODES.badValue, file, at, field, 'is not a URL; give the site, for example https://example.atlassian.net'));
    }
    if (url && (url.username !== '' || url.password !== '')) {
      // The message must not echo the URL: it holds the credential.
      out.push(diagnostic(CODES.urlPassword, file, at, field, 'contains credentials; name the variables holding them in user_env and token_env'));
    } else if (url && url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
      out.push(diagnostic(CODES.badValue, file, at, field, `must be https (the token travels with every request), not ${url.protocol.replace(/:$/, '')}; http is accepted only for a loopback test server`));
    }
  }
  return out;
}

// A loopback host: a local stand-in in tests, where the token never leaves the machine.
function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * A manifest's `ticket` and `tickets:` against the configuration: each per-environment ticket names
 * a known environment and matches ticket_pattern, and with a ticket system every ticket has its form.
 */
export function checkChangeTickets(raw: { ticket?: unknown; tickets?: unknown }, source: YamlSource, facts: ConfigFacts): Diagnostic[] {
  const out: Diagnostic[] = [];
  const file = source.file;
  const format = facts.ticketSystem ? TICKET_FORMATS[facts.ticketSystem] : undefined;
  const checkForm = (ticket: string, path: (string | number)[], field: string): void => {
    if (format && !format.pattern.test(ticket)) {
      out.push(diagnostic(CODES.ticketMismatch, file, source.position(path), field, `"${ticket}" is not ${format.what} like ${format.example}, which notify.ticket.${facts.ticketSystem} needs`));
    }
  };
  if (typeof raw.ticket === 'string') checkForm(raw.ticket, ['ticket'], 'ticket');
  if (!isObject(raw.tickets)) return out;
  for (const [env, ticket] of Object.entries(raw.tickets)) {
    if (typeof ticket !== 'string') continue;
    const path = ['tickets', env];
    const field = `tickets.${env}`;
    if (facts.environments && !facts.environments.has(env)) {
      out.push(diagnostic(CODES.unknownEnvironment, file, source.position(path, true), field, `"${env}" is not an environment in changegate.yaml; environments: ${[...facts.environments.keys()].join(', ')}`));
    }
    if (facts.ticketPattern && !facts.ticketPattern.test(ticket)) {
      out.push(diagnostic(CODES.ticketMismatch, file, source.position(path), field, `"${ticket}" does not match ticket_pattern ${facts.ticketPatternSource}`));
    }
    checkForm(ticket, path, field);
  }
  return out;
}
