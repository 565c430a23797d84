// MySQL lexical rules shared by the splitter and the lint token stream, so that both agree on
// where a string, a quoted identifier or a comment begins and ends.

/** What a token is; keywords and unquoted identifiers are both `word`: position decides. */
export type TokenType = 'word' | 'ident' | 'string' | 'number' | 'variable' | 'punct' | 'comment';

/** One lexical token of a statement. */
export interface Token {
  type: TokenType;
  /** The text as written. */
  text: string;
  /**
   * `word`: upper-cased text (compare keywords against it). `ident`: the identifier's name
   * (backticks removed, doubled backticks undone; a word after `.` as written). `string`: the
   * literal's content with escapes resolved. Anything else: the text.
   */
  value: string;
  /** Offset of the first character in the lexed text. */
  start: number;
  /** Parenthesis depth at the token; `(` and `)` carry the depth outside them. */
  depth: number;
}

const BACKSLASH = 92;
const BACKTICK = 96;

/**
 * Index after the closing quote of the string or quoted identifier that opens at `i`, or -1 when
 * it is not closed. `'` and `"` take doubled quotes and backslash escapes (the default sql_mode);
 * a backtick identifier only doubled backticks.
 */
export function scanQuoted(text: string, i: number, quote: number): number {
  const n = text.length;
  let j = i + 1;
  while (j < n) {
    const c = text.charCodeAt(j);
    if (c === quote) {
      if (text.charCodeAt(j + 1) === quote) j += 2;
      else return j + 1;
    } else if (c === BACKSLASH && quote !== BACKTICK) {
      j += 2;
    } else {
      j++;
    }
  }
  return -1;
}

/** Whether `--` at `i` opens a comment: MySQL wants whitespace or a control character (or the end) after it. */
export function isDashComment(text: string, i: number): boolean {
  if (text.charCodeAt(i) !== 45 || text.charCodeAt(i + 1) !== 45) return false;
  if (i + 2 >= text.length) return true;
  return text.charCodeAt(i + 2) <= 32;
}

/** Index of the end of the line comment at `i` (the `\n`, or the end of the text). */
export function lineCommentEnd(text: string, i: number): number {
  const nl = text.indexOf('\n', i);
  return nl < 0 ? text.length : nl;
}

/** Index after the `*\/` that closes the block comment opening at `i`, or -1. MySQL does not nest them. */
export function blockCommentEnd(text: string, i: number): number {
  const end = text.indexOf('*/', i + 2);
  return end < 0 ? -1 : end + 2;
}

/**
 * Length of the opener of an executable comment at `i` (`/*!`, `/*!80013`, MariaDB's `/*M!`), or 0.
 * MySQL runs the inside of these, so for lint they are code, not comments.
 */
export function executableCommentOpener(text: string, i: number): number {
  if (text.charCodeAt(i) !== 47 || text.charCodeAt(i + 1) !== 42) return 0;
  let j = i + 2;
  if (text.charCodeAt(j) === 77 /* M */) j++;
  if (text.charCodeAt(j) !== 33 /* ! */) return 0;
  j++;
  let digits = 0;
  while (digits < 6 && isDigit(text.charCodeAt(j + digits))) digits++;
  // A version has five (or, from 8.0.34 / 8.4, six) digits; other digit runs are code.
  if (digits === 5 || digits === 6) j += digits;
  return j - i;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Characters of an unquoted identifier or keyword: ASCII letters, digits, `_`, `$` and anything beyond ASCII. */
export function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || isDigit(c) || c === 95 || c === 36 || c >= 128;
}

function unquote(raw: string, quote: string): string {
  const body = raw.slice(1, -1);
  if (quote === '`') return body.split('``').join('`');
  let out = '';
  for (let k = 0; k < body.length; k++) {
    const ch = body[k]!;
    if (ch === '\\' && k + 1 < body.length) {
      const e = body[++k]!;
      out += e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : e === '0' ? '\0' : e;
    } else if (ch === quote && body[k + 1] === quote) {
      out += quote;
      k++;
    } else {
      out += ch;
    }
  }
  return out;
}

/**
 * Lexes one statement (or any MySQL text) into tokens, comments included. The inside of an
 * executable comment is lexed as code. Unterminated quotes or comments run to the end of the text
 * (the splitter has already reported them).
 */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const n = text.length;
  let i = 0;
  let depth = 0;
  let inExecutable = false;
  const push = (type: TokenType, start: number, end: number, value?: string): void => {
    const raw = text.slice(start, end);
    tokens.push({ type, text: raw, value: value ?? raw, start, depth });
  };
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c <= 32) {
      i++;
      continue;
    }
    if (inExecutable && c === 42 && text.charCodeAt(i + 1) === 47) {
      inExecutable = false;
      i += 2;
      continue;
    }
    if (c === 39 || c === 34 || c === BACKTICK) {
      let end = scanQuoted(text, i, c);
      if (end < 0) end = n;
      const raw = text.slice(i, end);
      const q = String.fromCharCode(c);
      const closed = raw.length >= 2 && raw.endsWith(q);
      const value = closed ? unquote(raw, q) : raw.slice(1);
      push(c === BACKTICK ? 'ident' : 'string', i, end, value);
      i = end;
      continue;
    }
    if (c === 35 || isDashComment(text, i)) {
      const end = lineCommentEnd(text, i);
      push('comment', i, end);
      i = end;
      continue;
    }
    if (c === 47 && text.charCodeAt(i + 1) === 42) {
      const opener = executableCommentOpener(text, i);
      if (opener > 0 && !inExecutable) {
        inExecutable = true;
        i += opener;
        continue;
      }
      let end = blockCommentEnd(text, i);
      if (end < 0) end = n;
      push('comment', i, end);
      i = end;
      continue;
    }
    if (c === 64 /* @ */) {
      let j = i + 1;
      if (text.charCodeAt(j) === 64) j++;
      const q = text.charCodeAt(j);
      if (q === 39 || q === 34 || q === BACKTICK) {
        const end = scanQuoted(text, j, q);
        j = end < 0 ? n : end;
      } else {
        while (j < n && (isWordChar(text.charCodeAt(j)) || text.charCodeAt(j) === 46)) j++;
      }
      push('variable', i, j);
      i = j;
      continue;
    }
    if (isDigit(c) || (c === 46 && isDigit(text.charCodeAt(i + 1)) && !afterName(tokens))) {
      let j = i;
      if (c === 48 && (text.charCodeAt(i + 1) === 120 || text.charCodeAt(i + 1) === 98)) j += 2;
      while (j < n && (isDigit(text.charCodeAt(j)) || text.charCodeAt(j) === 46)) j++;
      if ((text.charCodeAt(j) === 101 || text.charCodeAt(j) === 69) && /[+\-0-9]/.test(text[j + 1] ?? '')) {
        j += 2;
        while (j < n && isDigit(text.charCodeAt(j))) j++;
      }
      // MySQL identifiers may begin with digits (`1st_try`): a digit run that goes on with letters is a word.
      if (j < n && isWordChar(text.charCodeAt(j))) {
        while (j < n && isWordChar(text.charCodeAt(j))) j++;
        pushWord(tokens, text, i, j, depth);
      } else {
        push('number', i, j);
      }
      i = j;
      continue;
    }
    if (isWordChar(c)) {
      let j = i + 1;
      while (j < n && isWordChar(text.charCodeAt(j))) j++;
      pushWord(tokens, text, i, j, depth);
      i = j;
      continue;
    }
    if (c === 41 /* ) */ && depth > 0) depth--;
    push('punct', i, i + 1);
    if (c === 40 /* ( */) depth++;
    i++;
  }
  return tokens;
}

function afterName(tokens: Token[]): boolean {
  const prev = lastCode(tokens);
  return prev !== undefined && (prev.type === 'word' || prev.type === 'ident');
}

function lastCode(tokens: Token[]): Token | undefined {
  for (let k = tokens.length - 1; k >= 0; k--) if (tokens[k]!.type !== 'comment') return tokens[k];
  return undefined;
}

// After a `.`, even a reserved word is a name (`t.delete`), so it can never read as a keyword.
function pushWord(tokens: Token[], text: string, start: number, end: number, depth: number): void {
  const raw = text.slice(start, end);
  const prev = lastCode(tokens);
  const qualified = prev !== undefined && prev.type === 'punct' && prev.text === '.';
  tokens.push({ type: qualified ? 'ident' : 'word', text: raw, value: qualified ? raw : raw.toUpperCase(), start, depth });
}

/** The tokens of `text` without its comments: what every reader of a statement's code wants. */
export function codeTokens(text: string): Token[] {
  return tokenize(text).filter((t) => t.type !== 'comment');
}
