// The expected schema's key: what a shadow replay's result depends on, hashed. A replay's result is a
// function of the statements replayed, in order, and of the server that runs them (its version and the
// settings that change what a CREATE or ALTER makes); two replays with the same key describe the same
// schema, so a described result kept under its key may stand in for a new replay.
import { createHash } from 'node:crypto';
import type { Change } from './types.js';

/**
 * Bumped whenever what is kept, or how a schema is described or compared, changes: a record made by
 * another format is never read, it is replaced by a new replay.
 */
export const EXPECTED_FORMAT = 1;

/** Hex sha256 over the format, the replaying server's identity and every statement of `changes` in order. */
export function expectedKey(server: string, changes: readonly Change[]): string {
  const h = createHash('sha256');
  // Lengths before every part: no two different inputs run together into the same text.
  const part = (s: string): void => void h.update(`${Buffer.byteLength(s)}:`).update(s);
  part(`changegate expected schema ${EXPECTED_FORMAT}`);
  part(server);
  for (const c of changes) {
    part(c.id);
    part(String(c.statements.length));
    for (const s of c.statements) part(s.sql);
  }
  return h.digest('hex');
}
