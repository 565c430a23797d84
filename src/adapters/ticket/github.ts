// GitHub issues as tickets: a ticket `#123` is issue 123 of the configured repository, commented on
// through the same octokit every GitHub call of changegate uses.
import type { TicketNote } from '../../core/ticket-notes.js';
import { githubClient } from '../github/client.js';
import { TICKET_TIMEOUT_MS, type TicketClient } from './port.js';

/** A client commenting on the issues of `repository` (owner/name) with `token`; `apiUrl` as for githubClient. */
export function githubTicketClient(repository: string, token: string, apiUrl?: string, timeoutMs = TICKET_TIMEOUT_MS): TicketClient {
  const [owner, repo] = repository.split('/') as [string, string];
  const octokit = githubClient(token, apiUrl);
  return {
    system: 'GitHub',
    comment: async (note) => {
      try {
        await octokit.rest.issues.createComment({
          owner,
          repo,
          issue_number: Number(note.ticket.replace(/^#/, '')),
          body: githubMarkdown(note),
          request: { signal: AbortSignal.timeout(timeoutMs) },
        });
        return undefined;
      } catch (err) {
        return githubReason(err, timeoutMs);
      }
    },
  };
}

// Why a comment was not written: GitHub's status and message, or the network's reason.
function githubReason(err: unknown, timeoutMs: number): string {
  const e = err as { status?: unknown; response?: { data?: { message?: unknown } }; name?: unknown; message?: unknown; cause?: { code?: unknown; name?: unknown } };
  if (e.name === 'TimeoutError' || e.cause?.name === 'TimeoutError') return `no answer within ${timeoutMs / 1000} s`;
  if (typeof e.cause?.code === 'string') return e.cause.code;
  if (typeof e.status === 'number' && e.response) {
    const said = typeof e.response.data?.message === 'string' ? e.response.data.message : '';
    const hint = e.status === 401 || e.status === 403 ? '; check that GITHUB_TOKEN may write issues (permissions: issues: write)' : '';
    return `HTTP ${e.status}${said ? ` (${said})` : ''}${hint}`;
  }
  return typeof e.message === 'string' && e.message ? e.message : String(err);
}

/** The note as GitHub Markdown. */
export function githubMarkdown(note: TicketNote): string {
  const parts = [`**${note.headline}**`];
  if (note.changes.length > 0) parts.push(note.changes.map((c) => `- ${c}`).join('\n'));
  if (note.facts.length > 0) parts.push(note.facts.map((f) => `**${f.label}:** ${f.value}`).join('  \n'));
  if (note.detail) parts.push(`**${note.detail.label}:**\n\n\`\`\`\n${note.detail.text.replace(/```/g, "'''")}\n\`\`\``);
  if (note.runUrl) parts.push(`[Workflow run](${note.runUrl})`);
  return parts.join('\n\n');
}
