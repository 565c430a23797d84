// Checksums that survive a checkout on another OS: the text is normalized before hashing, and the
// algorithm carries a version so that a future change to normalization never reports false drift.
import { createHash } from 'node:crypto';

/** Version of `normalizeForChecksum` + sha256; stored beside every checksum in the history table. */
export const CHECKSUM_VERSION = 1;

/** Drops a byte-order mark, turns CRLF/CR into LF, strips trailing whitespace per line and at the end. */
export function normalizeForChecksum(text: string): string {
  // Most texts (every statement the splitter trimmed) have nothing to normalize: one scan says so.
  if (!NEEDS_NORMALIZING.test(text)) return text;
  return text
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t\f\v]+$/gm, '')
    .replace(/\n+$/, '');
}

// Anything the replacements below would change: a BOM, a CR, whitespace ending a line (a multiline `$`
// also ends one before U+2028 and U+2029), a final newline.
const NEEDS_NORMALIZING = /^\uFEFF|\r|[ \t\f\v](?:[\n\u2028\u2029]|$)|\n$/;

/** Hex sha256 of the normalized text. */
export function checksum(text: string): string {
  return createHash('sha256').update(normalizeForChecksum(text)).digest('hex');
}

/** Hex sha256 of one statement's normalized text: what the history table keeps per statement. */
export function statementHash(sql: string): string {
  return checksum(sql).slice(0, 16);
}

/**
 * Whether a statement's text still hashes to what the history recorded for it. The record may keep a
 * shorter prefix of the hash than `statementHash` gives (a change of 500,000 statements stores 48 bits
 * each, so that its row fits in one packet); never fewer than 12 hex digits.
 */
export function statementMatches(sql: string, recorded: string | undefined): boolean {
  if (recorded === undefined || recorded.length < 12) return false;
  return statementHash(sql).startsWith(recorded);
}

/** One checksum over several named parts, order-sensitive, so renaming or reordering files counts. */
export function combinedChecksum(parts: { name: string; checksum: string }[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(`${p.name}\0${p.checksum}\n`);
  return h.digest('hex');
}
