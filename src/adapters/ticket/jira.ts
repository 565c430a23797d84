// Jira through jira.js: Cloud speaks REST v3 (the comment in Atlassian Document Format, basic auth
// with an account's email and API token), Data Center speaks REST v2 (a plain-text comment, a
// personal access token as a bearer token). Each client is imported only when a run comments.
import type { TicketNote } from '../../core/ticket-notes.js';
import { TICKET_TIMEOUT_MS, type TicketClient } from './port.js';

/** Where and as whom: the site, the credentials (read from their variables by the caller) and those variables' names for hints. */
export interface JiraSettings {
  url: string;
  /** Cloud: the account's email address; absent for Data Center. */
  user?: string;
  /** Cloud: the API token; Data Center: the personal access token. */
  token: string;
  /** Names of the variables the credentials came from, so a refused login says which to check. */
  userEnv?: string;
  tokenEnv: string;
  timeoutMs?: number;
}

/** A Jira client for `s`: Cloud (v3) when a user is given, else Data Center (v2). */
export async function jiraClient(s: JiraSettings): Promise<TicketClient> {
  const config = {
    host: s.url,
    // jira.js passes this to axios: no request may hold a run longer than this.
    baseRequestConfig: { timeout: s.timeoutMs ?? TICKET_TIMEOUT_MS },
  };
  // Version3Client and Version2Client are a BaseClient with every API group attached; a comment needs
  // one group, and taking only it keeps some 1.3 MB of API groups (and the mime database their
  // attachments use) out of the package.
  const { BaseClient } = await import('jira.js/clients/baseClient');
  let post: (note: TicketNote) => Promise<unknown>;
  if (s.user !== undefined) {
    const { IssueComments } = await import('jira.js/version3/issueComments');
    const comments = new IssueComments(new BaseClient({ ...config, authentication: { basic: { email: s.user, apiToken: s.token } } }));
    post = (note) => comments.addComment({ issueIdOrKey: note.ticket, comment: jiraDocument(note) as never });
  } else {
    const { IssueComments } = await import('jira.js/version2/issueComments');
    // A personal access token is a bearer token, which is what jira.js sends for oauth2.
    const comments = new IssueComments(new BaseClient({ ...config, authentication: { oauth2: { accessToken: s.token } } }));
    post = (note) => comments.addComment({ issueIdOrKey: note.ticket, comment: jiraText(note) });
  }
  return {
    system: 'Jira',
    comment: async (note) => {
      try {
        await post(note);
        return undefined;
      } catch (err) {
        return jiraReason(err, s);
      }
    },
  };
}

// Why a comment was not written, from what jira.js throws: an HttpException with Jira's answer, or
// axios's own error for a network problem or a timeout. Never the request itself: it holds the token.
function jiraReason(err: unknown, s: JiraSettings): string {
  const e = err as { status?: unknown; response?: { data?: unknown }; code?: unknown; message?: unknown };
  if (typeof e.status === 'number' && e.response && typeof e.response === 'object') {
    const said = jiraMessages(e.response.data);
    const vars = [s.userEnv, s.tokenEnv].filter(Boolean).join(' and ');
    const hint = e.status === 401 || e.status === 403 ? `; check ${vars}` : e.status === 404 ? '; check that the ticket exists and the account can see it' : '';
    return `HTTP ${e.status}${said ? ` (${said})` : ''}${hint}`;
  }
  if (e.code === 'ECONNABORTED' || e.code === 'ETIMEDOUT') return `no answer within ${(s.timeoutMs ?? TICKET_TIMEOUT_MS) / 1000} s`;
  if (typeof e.code === 'string') return e.code;
  return typeof e.message === 'string' && e.message ? e.message : String(err);
}

// Jira's error body: { errorMessages: [...], errors: { field: message } }.
function jiraMessages(data: unknown): string {
  if (!data || typeof data !== 'object') return '';
  const d = data as { errorMessages?: unknown; errors?: unknown };
  const list = Array.isArray(d.errorMessages) ? d.errorMessages.filter((m): m is string => typeof m === 'string') : [];
  if (d.errors && typeof d.errors === 'object') for (const [k, v] of Object.entries(d.errors)) if (typeof v === 'string') list.push(`${k}: ${v}`);
  return list.join(' ').slice(0, 300);
}

type AdfNode = { type: string; text?: string; content?: AdfNode[]; marks?: { type: string; attrs?: Record<string, string> }[]; attrs?: Record<string, unknown> };

/** The note as an Atlassian Document Format document (Jira Cloud, REST v3). */
export function jiraDocument(note: TicketNote): { type: 'doc'; version: 1; content: AdfNode[] } {
  const text = (t: string, marks?: AdfNode['marks']): AdfNode => ({ type: 'text', text: t, ...(marks ? { marks } : {}) });
  const strong = [{ type: 'strong' }];
  const paragraph = (...content: AdfNode[]): AdfNode => ({ type: 'paragraph', content });
  const content: AdfNode[] = [paragraph(text(note.headline, strong))];
  if (note.changes.length > 0) {
    content.push({ type: 'bulletList', content: note.changes.map((c) => ({ type: 'listItem', content: [paragraph(text(c))] })) });
  }
  for (const f of note.facts) content.push(paragraph(text(`${f.label}: `, strong), text(f.value)));
  if (note.detail) content.push(paragraph(text(`${note.detail.label}:`, strong)), { type: 'codeBlock', content: [text(note.detail.text)] });
  if (note.runUrl) content.push(paragraph(text('Workflow run', [{ type: 'link', attrs: { href: note.runUrl } }])));
  return { type: 'doc', version: 1, content };
}

/** The note as Jira wiki text (Data Center, REST v2): bullets, labelled lines, the error unformatted. */
export function jiraText(note: TicketNote): string {
  const lines = [note.headline, ...note.changes.map((c) => `* ${c}`), ...note.facts.map((f) => `${f.label}: ${f.value}`)];
  if (note.detail) lines.push(`${note.detail.label}:`, '{noformat}', note.detail.text, '{noformat}');
  if (note.runUrl) lines.push(`Workflow run: ${note.runUrl}`);
  return lines.join('\n');
}
