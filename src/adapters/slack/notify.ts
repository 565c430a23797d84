// Announcing to the team (e.g. #invoicing-dev): a Slack message when an environment starts, succeeds or
// fails. Telling the team must never fail a deploy, so every Slack problem becomes a warning string.
import { IncomingWebhook } from '@slack/webhook';
import type { IncomingWebhookSendArguments, RetryOptions } from '@slack/webhook';
import { redact } from '../../core/redact.js';

/** The moment of a run a message is about. */
export type SlackPhase = 'start' | 'success' | 'failure';

/** What a message says: the environment, the changes with their tickets, and the run's facts. */
export interface SlackEvent {
  phase: SlackPhase;
  environment: string;
  /** The configured `database`, shown so that a shared channel can tell databases apart. */
  database?: string;
  changes: { id: string; ticket: string; title?: string }[];
  approver?: string | null;
  snapshotId?: string | null;
  runUrl?: string;
  /** On failure: what failed, already one or two sentences (it is redacted and shortened again here). */
  error?: string;
  /** From `notify.slack.channel`; legacy webhooks honour it, app webhooks post to their own channel. */
  channel?: string;
  /** Tables rebuilt online by a tool during this run: `schema.table` (the tool's name). */
  online?: string[];
  /** A run over a fleet: the number of targets, the count per result, and the targets that did not apply. */
  fleet?: { targets: number; counts: string; odd: string[] };
  /** `apply --emergency`: the reason the run overrides the maintenance windows. */
  emergency?: string;
}

// Targets named in one message at most; a fleet of hundreds that all failed says how many more.
const MAX_ODD = 20;

/** Where and how to send: the NAME of the env var holding the webhook URL, and the environment to read it from. */
export interface SlackTarget {
  webhookEnv: string;
  env: Record<string, string | undefined>;
  /** Milliseconds before a request is abandoned (default 10 s). */
  timeoutMs?: number;
  /** Retries on 5xx and network errors (default: one quick retry). */
  retry?: RetryOptions;
}

const MAX_ERROR = 600;

// Slack's mrkdwn treats only these three characters specially in plain text.
function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function headline(e: SlackEvent): string {
  const where = e.database ? `${e.environment} (${e.database})` : e.environment;
  const what = plural(e.changes.length, 'change');
  if (e.fleet) {
    const on = plural(e.fleet.targets, 'target');
    if (e.phase === 'failure') return `changegate: FAILED on ${e.fleet.odd.length} of ${on} of ${where}`;
    return `changegate: ${e.phase === 'start' ? 'applying' : 'applied'} ${what} to ${where} on ${on}`;
  }
  switch (e.phase) {
    case 'start':
      return `changegate: applying ${what} to ${where}`;
    case 'success':
      return `changegate: applied ${what} to ${where}`;
    case 'failure':
      return `changegate: FAILED applying to ${where}`;
  }
}

const ICON: Record<SlackPhase, string> = { start: ':arrow_forward:', success: ':white_check_mark:', failure: ':x:' };

function shortError(error: string): string {
  // A backtick fence inside the error would close Slack's code block early.
  const clean = redact(error).trim().replace(/```/g, "'''");
  return clean.length > MAX_ERROR ? `${clean.slice(0, MAX_ERROR - 1)}…` : clean;
}

/** The webhook payload for an event: Block Kit blocks plus a plain `text` fallback for notifications. */
export function slackMessage(event: SlackEvent): IncomingWebhookSendArguments {
  const tickets = [...new Set(event.changes.map((c) => c.ticket))];
  const fallback = [event.emergency ? 'EMERGENCY' : '', headline(event), tickets.length ? `(${tickets.join(', ')})` : ''].filter(Boolean).join(' ');

  const blocks: NonNullable<IncomingWebhookSendArguments['blocks']> = [
    { type: 'section', text: { type: 'mrkdwn', text: `${ICON[event.phase]} *${esc(headline(event))}*` } },
  ];
  if (event.emergency) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `:rotating_light: *Emergency, outside the maintenance windows*\n${esc(redact(event.emergency))}` } });
  }
  if (event.changes.length > 0) {
    const list = event.changes
      .map((c) => `• \`${esc(c.id)}\` ${esc(c.ticket)}${c.title ? ` ${esc(c.title)}` : ''}`)
      .join('\n');
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: list } });
  }
  if (event.fleet) {
    const odd = event.fleet.odd.slice(0, MAX_ODD).map((t) => `• ${esc(t)}`);
    if (event.fleet.odd.length > MAX_ODD) odd.push(`• and ${event.fleet.odd.length - MAX_ODD} more`);
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: [`*Targets*: ${esc(event.fleet.counts)}`, ...odd].join('\n') } });
  }
  if (event.online && event.online.length > 0) {
    const rebuilt = event.online.map((t) => `• ${esc(t)}`).join('\n');
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `*Rebuilt online (writes blocked only at the table swap)*\n${rebuilt}` } });
  }
  const fields: { type: 'mrkdwn'; text: string }[] = [];
  if (event.approver) fields.push({ type: 'mrkdwn', text: `*Approved by*\n${esc(event.approver)}` });
  if (event.snapshotId) fields.push({ type: 'mrkdwn', text: `*Snapshot*\n\`${esc(event.snapshotId)}\`` });
  if (fields.length > 0) blocks.push({ type: 'section', fields });
  if (event.phase === 'failure' && event.error) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `*Error*\n\`\`\`${esc(shortError(event.error))}\`\`\`` } });
  }
  if (event.runUrl) {
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `<${event.runUrl}|Workflow run>` }] });
  }

  const message: IncomingWebhookSendArguments = { text: fallback, blocks };
  if (event.channel) message.channel = event.channel;
  return message;
}

/**
 * Posts the event's message to the webhook in `target.env[target.webhookEnv]`. Returns undefined when
 * sent or when the variable is unset (no request is made), and a warning when Slack could not be told.
 */
export async function notifySlack(event: SlackEvent, target: SlackTarget): Promise<string | undefined> {
  const url = target.env[target.webhookEnv];
  if (!url) return undefined;
  try {
    const hook = new IncomingWebhook(url, {
      timeout: target.timeoutMs ?? 10_000,
      retryConfig: target.retry ?? { retries: 1, factor: 1, minTimeout: 250, maxTimeout: 250 },
    });
    await hook.send(slackMessage(event));
    return undefined;
  } catch (err) {
    const status = (err as { statusCode?: unknown }).statusCode;
    // fetch hides the network reason (ECONNREFUSED, ENOTFOUND) one level down in its cause.
    const cause = (err as { original?: { cause?: { code?: unknown; message?: unknown } } }).original?.cause;
    const reason = typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : '';
    const detail =
      typeof status === 'number'
        ? `HTTP ${status}`
        : `${err instanceof Error ? err.message : String(err)}${reason ? ` (${reason})` : ''}`;
    // The webhook URL is itself a credential: keep it out of the warning.
    return redact(`Slack notification (${event.phase}, ${event.environment}) not sent: ${detail}`, [url]);
  }
}
