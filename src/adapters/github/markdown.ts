// Text that GitHub renders as Markdown (PR comments, job summaries, issues) comes partly from users'
// manifests and SQL, so every piece is escaped for the place it lands in.
import { redact } from '../../core/redact.js';

/** Escapes text for inline Markdown, including table cells: HTML, emphasis, links, pipes, newlines. */
export function mdInline(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|#~])/g, '\\$1')
    // A mention in a title would notify that person on every comment update.
    .replace(/@(?=[A-Za-z0-9])/g, '@&#8203;')
    .replace(/\r?\n/g, ' ');
}

/** Inline code that survives any backticks inside `text` (and a pipe when it sits in a table). */
export function mdCode(text: string): string {
  const flat = text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
  const longest = Math.max(0, ...[...flat.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/** A fenced code block whose fence is longer than any backtick run in `text`. */
export function mdFence(text: string, lang = ''): string {
  const longest = Math.max(0, ...[...text.matchAll(/`{3,}/g)].map((m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${lang}\n${text.replace(/\s+$/, '')}\n${fence}`;
}

/** A collapsed `<details>` block; `summary` is plain text and gets escaped. */
export function mdDetails(summary: string, body: string): string {
  return `<details><summary>${mdInline(summary)}</summary>\n\n${body}\n\n</details>`;
}

/** A Markdown table; cells are used as given, so escape them first. */
export function mdTable(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/**
 * Removes what must never reach a comment, summary or issue: registered secrets and URL passwords (via
 * `redact`), and host names and IP addresses, which connection errors carry.
 */
export function scrub(text: string): string {
  return redact(text)
    .replace(/\b(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?\b/g, '<host>')
    .replace(/\b(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.){2,}[a-z]{2,}(?::\d+)?\b/gi, '<host>');
}

/** A duration for people: `850 ms`, `12.4 s`, `3 min 05 s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}
