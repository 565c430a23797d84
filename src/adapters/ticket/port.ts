// The one thing changegate asks of a ticket system: write a note as a comment on a ticket. A ticket
// system never fails a run, so a client answers with why it could not rather than throwing.
import type { TicketNote } from '../../core/ticket-notes.js';

/** Milliseconds a ticket system has to answer one comment before the run goes on without it. */
export const TICKET_TIMEOUT_MS = 10_000;

/** A ticket system that comments on tickets. */
export interface TicketClient {
  /** Its name in warnings: `Jira` or `GitHub`. */
  readonly system: string;
  /**
   * Writes `note` as a comment on `note.ticket`. Resolves with undefined when written, else with a
   * short reason (`HTTP 500 (...)`, `ECONNREFUSED`, `timed out after 10 s`) that holds no credential.
   */
  comment(note: TicketNote): Promise<string | undefined>;
}
