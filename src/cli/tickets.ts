// Keeping the work tickets up to date: the notes a run's announcements write, sent to the ticket
// system `notify.ticket` names. A ticket system never fails or blocks a change: its first problem
// in a run is one warning, and the run goes on without ticket comments (a system that is down would
// otherwise cost every later comment its whole timeout).
import { Buffer } from 'node:buffer';
import type { TicketClient } from '../adapters/ticket/port.js';
import { ticketFor, ticketNotes } from '../core/ticket-notes.js';
import type { Change, Config, TicketConfig } from '../core/types.js';
import type { Announcement } from '../core/usecases/ports.js';
import type { CommandContext } from './context.js';
import { countsText } from './fleet/render.js';

// What one run (one command context) knows about its ticket system.
interface TicketState {
  client?: Promise<TicketClient | { unusable: string }>;
  /** Set after the first problem: nothing more is sent in this run. */
  silent?: boolean;
  backups: Map<string, string>;
}

const states = new WeakMap<CommandContext, TicketState>();

function stateOf(ctx: CommandContext): TicketState {
  let s = states.get(ctx);
  if (!s) states.set(ctx, (s = { backups: new Map() }));
  return s;
}

/** Remembers the table backup taken for a change, for the note that ends the run. */
export function noteBackup(ctx: CommandContext, changeId: string, backupId: string): void {
  stateOf(ctx).backups.set(changeId, backupId);
}

/**
 * Comments on each ticket the announcement's changes name (a change's `tickets:` entry for the
 * environment, else its `ticket`), one comment per ticket. Problems become one warning.
 */
export async function tellTickets(ctx: CommandContext, config: Config, a: Announcement, changes?: ReadonlyMap<string, Change>): Promise<void> {
  const settings = config.notify?.ticket;
  if (!settings) return;
  const state = stateOf(ctx);
  if (state.silent) return;
  const notes = ticketNotes(a, {
    database: config.database,
    ticketOf: (c) => {
      const change = changes?.get(c.id);
      return change ? ticketFor(change, a.environment) : c.ticket;
    },
    backups: state.backups,
    countsText,
  });
  if (notes.length === 0) return;
  const client = await (state.client ??= openClient(ctx, settings));
  if ('unusable' in client) {
    state.silent = true;
    ctx.out.warn(`ticket comments are not written: ${client.unusable}; the run goes on`);
    return;
  }
  for (const note of notes) {
    const reason = await client.comment(note);
    if (reason === undefined) continue;
    state.silent = true;
    ctx.out.warn(`${client.system} comment on ${note.ticket} (${a.phase}, ${a.environment}) not written: ${reason}; the run goes on without ticket comments`);
    return;
  }
}

// The configured system's client, with its credentials read from their variables and registered
// as secrets before anything else sees them; or why there can be none.
async function openClient(ctx: CommandContext, t: TicketConfig): Promise<TicketClient | { unusable: string }> {
  if (t.jira) {
    const j = t.jira;
    const token = ctx.env[j.token_env];
    const user = j.user_env ? ctx.env[j.user_env] : undefined;
    ctx.out.secret(token);
    const missing = [j.user_env && !user ? j.user_env : null, token ? null : j.token_env].filter((v): v is string => !!v);
    if (missing.length > 0) return { unusable: `${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not set` };
    // The Authorization header of Jira Cloud carries email:token in base64; it is as secret as the token.
    if (user) ctx.out.secret(Buffer.from(`${user}:${token}`).toString('base64'));
    const { jiraClient } = await import('../adapters/ticket/jira.js');
    return jiraClient({ url: j.url, ...(user ? { user, userEnv: j.user_env! } : {}), token: token!, tokenEnv: j.token_env });
  }
  const token = ctx.env.GITHUB_TOKEN;
  ctx.out.secret(token);
  if (!token) return { unusable: 'GITHUB_TOKEN is not set (the job passes it to comment on GitHub issues)' };
  const { githubTicketClient } = await import('../adapters/ticket/github.js');
  return githubTicketClient(t.github!.repository, token, ctx.env.GITHUB_API_URL);
}
