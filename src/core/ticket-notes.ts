// What a run writes on its work tickets: at its start, what will run (the changes and their
// statements, the approver, the window), and at its end how it went (each change applied with its
// duration and backup, or where it failed and why, or why it was refused), with the snapshot and the
// run's URL. One note per ticket and moment: changes that share a ticket share the note. The note is
// plain data; each ticket system renders it in its own markup.
import type { PlannedChange } from './plan-types.js';
import { redact } from './redact.js';
import type { Change } from './types.js';
import type { Announcement } from './usecases/ports.js';

/** One comment for one ticket, as data: a headline, a line per change, labelled facts, an error or reason kept verbatim, the run's URL. */
export interface TicketNote {
  ticket: string;
  headline: string;
  /** One line per change of this ticket, in run order. */
  changes: string[];
  /** Labelled facts in the order shown. */
  facts: { label: string; value: string }[];
  /** The error of a failed run or the reason of a refused one, shown as preformatted text. */
  detail?: { label: string; text: string };
  runUrl?: string;
}

/** What a note needs besides the announcement: the database's name, each change's ticket here, backups taken. */
export interface NoteContext {
  database: string;
  /** The ticket a planned change is written to in the announcement's environment. */
  ticketOf(change: PlannedChange): string;
  /** The table backup taken for a change in this run, by change id. */
  backups?: ReadonlyMap<string, string>;
  /** A fleet's count per result as words (`7 applied, 1 failed`); default: in the order given. */
  countsText?(counts: Record<string, number>): string;
}

// Slack shows 600 characters of an error; a ticket is where the whole story goes, within reason.
const MAX_DETAIL = 4000;
// Targets of a fleet named one by one at most.
const MAX_TARGETS = 20;

/** The ticket of `change` in environment `env`: its `tickets:` entry there, else its `ticket`. */
export function ticketFor(change: Pick<Change, 'ticket' | 'tickets'>, env: string): string {
  return change.tickets?.[env] ?? change.ticket;
}

/** The notes an announcement writes: one per ticket its changes name, in the order the tickets first appear. */
export function ticketNotes(a: Announcement, ctx: NoteContext): TicketNote[] {
  const byTicket = new Map<string, PlannedChange[]>();
  for (const c of a.plan.changes) {
    const t = ctx.ticketOf(c);
    if (!t) continue;
    byTicket.set(t, [...(byTicket.get(t) ?? []), c]);
  }
  return [...byTicket].map(([ticket, changes]) => note(a, ctx, ticket, changes));
}

function note(a: Announcement, ctx: NoteContext, ticket: string, changes: PlannedChange[]): TicketNote {
  const where = `${a.environment} (${ctx.database})`;
  const others = a.plan.changes.length - changes.length;
  const facts: { label: string; value: string }[] = [];
  const out: TicketNote = { ticket, headline: headline(a, where, changes.length), changes: changes.map((c) => changeLine(a, ctx, c)), facts };
  if (a.fleet) {
    const counts = ctx.countsText ? ctx.countsText(a.fleet.counts) : Object.entries(a.fleet.counts).map(([k, n]) => `${n} ${k}`).join(', ');
    facts.push({ label: 'Targets', value: `${plural(a.fleet.targets, 'target')}: ${counts}` });
    const odd = a.fleet.odd.slice(0, MAX_TARGETS);
    if (a.fleet.odd.length > MAX_TARGETS) odd.push(`and ${a.fleet.odd.length - MAX_TARGETS} more`);
    if (odd.length > 0) facts.push({ label: 'Not applied', value: odd.join('; ') });
  }
  if (others > 0) facts.push({ label: 'Also in this run', value: plural(others, 'other change') });
  if (a.emergency) facts.push({ label: 'Emergency', value: a.emergency });
  if (a.windowNote) facts.push({ label: 'Window', value: a.windowNote });
  if (a.approver) facts.push({ label: 'Approved by', value: a.approver });
  const snapshot = a.report?.snapshot.id ?? a.snapshotId;
  if (snapshot) facts.push({ label: 'Snapshot', value: snapshot });
  else if (a.phase === 'start' && a.plan.snapshot.required) facts.push({ label: 'Snapshot', value: `taken before the first statement (${a.plan.snapshot.reason})` });
  const detail = a.phase === 'failure' || a.phase === 'refused' ? shorten(redact(a.error ?? '').trim()) : '';
  // Jira refuses an empty text node, so an empty error is no detail at all.
  if (detail) out.detail = { label: a.phase === 'refused' ? 'Reason' : 'Error', text: detail };
  if (a.runUrl) out.runUrl = a.runUrl;
  return out;
}

function headline(a: Announcement, where: string, n: number): string {
  const what = plural(n, 'change');
  const emergency = a.emergency ? ' as an EMERGENCY, outside its window' : '';
  if (a.fleet) {
    const on = plural(a.fleet.targets, 'target');
    return a.phase === 'failure' ? `changegate: FAILED on ${a.fleet.odd.length} of ${on} of ${where}` : `changegate: applied ${what} to ${where} on ${on}`;
  }
  switch (a.phase) {
    case 'start':
      return `changegate: applying ${what} to ${where}${emergency}`;
    case 'success':
      return `changegate: applied ${what} to ${where}${emergency}`;
    case 'failure':
      return `changegate: FAILED applying to ${where}`;
    case 'refused':
      return `changegate: refused to apply to ${where}; nothing was executed`;
  }
}

function changeLine(a: Announcement, ctx: NoteContext, c: PlannedChange): string {
  const head = `${c.id}: ${c.title}`;
  if (a.fleet) return head;
  if (a.phase === 'start') {
    const n = c.statements.length;
    const what = c.resumeFrom > 1 ? `resuming at statement ${c.resumeFrom} of ${n}` : plural(n, 'statement');
    return `${head} (${what}${c.destructive ? ', destructive' : ''})`;
  }
  if (a.phase === 'refused') return `${head}: not run`;
  const r = a.report?.changes.find((x) => x.id === c.id);
  const seconds = r ? `${(r.durationMs / 1000).toFixed(1)} s` : '';
  const backup = ctx.backups?.get(c.id);
  if (r?.result === 'applied') return `${head}: applied in ${seconds}${backup ? `, backup ${backup}` : ''}`;
  if (r?.result === 'failed') {
    const at = a.changeId === c.id ? a.failedAt : undefined;
    const place = at?.statement ? ` at statement ${at.statement}${at.file ? ` (${at.file}${at.line ? `:${at.line}` : ''})` : ''}` : '';
    return `${head}: FAILED${place} after ${seconds}${backup ? `; backup ${backup}` : ''}`;
  }
  // A change whose pre-checks refused it carries the refusal; nothing of it ran.
  if (r?.error) return `${head}: refused before its first statement`;
  return `${head}: not run`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function shorten(text: string): string {
  return text.length > MAX_DETAIL ? `${text.slice(0, MAX_DETAIL - 1)}…` : text;
}
