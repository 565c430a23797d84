// Small helpers over the token stream that every analyzer shares: keyword tests, the statement's
// verb behind CTEs and parentheses, and names in messages.
import type { Token } from '../sql/lexer.js';
import { quoteIdent } from '../sql/quote.js';

/** Whether `t` is the keyword (an unquoted word) `word` or one of `more`. Expects upper case. */
export function isWord(t: Token | undefined, word: string, ...more: string[]): boolean {
  if (!t || t.type !== 'word') return false;
  return t.value === word || (more.length > 0 && more.includes(t.value));
}

/** Whether `t` is the punctuation character `p`. */
export function isPunct(t: Token | undefined, p: string): boolean {
  return t !== undefined && t.type === 'punct' && t.text === p;
}

/** Whether `t` can name an object: an unquoted word or a quoted identifier. */
export function isName(t: Token | undefined): boolean {
  return t !== undefined && (t.type === 'word' || t.type === 'ident');
}

/** Index of the `)` that closes the `(` at `open`, or the last index when it is not closed. */
export function closeParen(tokens: Token[], open: number): number {
  const d = tokens[open]!.depth;
  for (let k = open + 1; k < tokens.length; k++) {
    const t = tokens[k]!;
    if (t.depth === d && isPunct(t, ')')) return k;
  }
  return tokens.length - 1;
}

/**
 * Index of the token that says what a statement does: its first keyword, looking inside leading
 * parentheses (`(SELECT ...) UNION ...`) and past a `WITH` list of common table expressions to
 * the statement they feed. -1 when there is none (a parenthesis or CTE list that never ends).
 */
export function verbIndex(tokens: Token[], from = 0): number {
  let k = from;
  while (isPunct(tokens[k], '(')) k++;
  if (!isWord(tokens[k], 'WITH')) return k < tokens.length ? k : -1;
  k++;
  if (isWord(tokens[k], 'RECURSIVE')) k++;
  for (;;) {
    if (!isName(tokens[k])) return -1;
    k++;
    if (isPunct(tokens[k], '(')) k = closeParen(tokens, k) + 1;
    if (!isWord(tokens[k], 'AS')) return -1;
    k++;
    if (!isPunct(tokens[k], '(')) return -1;
    k = closeParen(tokens, k) + 1;
    if (isPunct(tokens[k], ',')) {
      k++;
      continue;
    }
    while (isPunct(tokens[k], '(')) k++;
    return k < tokens.length ? k : -1;
  }
}

/** The text of a possibly qualified name starting at `k` (`db`.`t`), and the index after it. */
export function readName(tokens: Token[], k: number): { name: string; parts: string[]; next: number } | undefined {
  if (!isName(tokens[k])) return undefined;
  const parts = [nameOf(tokens[k]!)];
  let j = k + 1;
  while (isPunct(tokens[j], '.') && (isName(tokens[j + 1]) || isPunct(tokens[j + 1], '*'))) {
    parts.push(tokens[j + 1]!.type === 'punct' ? '*' : nameOf(tokens[j + 1]!));
    j += 2;
  }
  return { name: parts.map((p) => (p === '*' ? p : quoteIdent(p))).join('.'), parts, next: j };
}

/** An identifier's name as written (unquoted for backtick identifiers). */
export function nameOf(t: Token): string {
  return t.type === 'word' ? t.text : t.value;
}
