// The one SQL splitter every command shares: a single pass over the text with the mysql client's
// rules for quotes, comments and DELIMITER, so a statement here is a statement on the server.
import type { Diagnostic, Statement } from '../types.js';
import { blockCommentEnd, executableCommentOpener, isDashComment, lineCommentEnd, scanQuoted } from './lexer.js';

/** Code of every splitting error (unterminated quote or comment, a bad DELIMITER line). */
export const SPLIT_ERROR_CODE = 'CG010';

const QUOTE_NAMES: Record<number, string> = {
  39: "unterminated string literal (') that begins here",
  34: 'unterminated string literal (") that begins here',
  96: 'unterminated quoted identifier (`) that begins here',
};

/**
 * Splits MySQL script text into statements; unterminated strings/comments become error diagnostics.
 *
 * `;` (or the delimiter a `DELIMITER xx` line sets, as in the mysql client: at the start of a line,
 * between statements) ends a statement outside quotes and comments. Positions are 1-based and
 * count UTF-16 code units after a leading BOM; `\r\n` is one line break. An executable comment
 * (`/*! ... *\/`) is code: it can start a statement. Comments between statements, and a comment
 * after a statement's delimiter on the same line, go to that statement's `leadingComments`. After an
 * unterminated quote or comment nothing more is split: the rest of the file has no reliable meaning.
 */
export function splitSql(file: string, text: string): { statements: Statement[]; errors: Diagnostic[] } {
  const statements: Statement[] = [];
  const errors: Diagnostic[] = [];
  const n = text.length;
  const base = text.charCodeAt(0) === 0xfeff ? 1 : 0;

  // Positions are asked for in increasing offset order, so one forward cursor counts lines.
  let curOffset = base;
  let curLine = 1;
  let curLineStart = base;
  const position = (offset: number): { line: number; column: number } => {
    for (let j = curOffset; j < offset; j++) {
      if (text.charCodeAt(j) === 10) {
        curLine++;
        curLineStart = j + 1;
      }
    }
    curOffset = offset;
    return { line: curLine, column: offset - curLineStart + 1 };
  };
  const fail = (offset: number, message: string): void => {
    const { line, column } = position(offset);
    errors.push({ code: SPLIT_ERROR_CODE, severity: 'error', file, line, column, message, destructive: false });
  };

  let delimiter = ';';
  let d0 = 59;
  let start = -1; // offset where the current statement's text begins, -1 between statements
  let startLine = 0;
  let startColumn = 0;
  let leading: string[] = [];
  // Non-null from a delimiter to the end of its line: comments there belong to the statement just ended.
  let trailing: string[] | null = null;
  let last: Statement | undefined;

  const attachTrailing = (): void => {
    if (trailing && trailing.length > 0 && last) {
      const t = trailing.join('\n');
      last.leadingComments = last.leadingComments ? `${last.leadingComments}\n${t}` : t;
    }
    trailing = null;
  };
  const begin = (offset: number): void => {
    start = offset;
    const p = position(offset);
    startLine = p.line;
    startColumn = p.column;
    if (trailing) {
      // The comment sat between two statements on one line: it is the next one's.
      leading = trailing.concat(leading);
      trailing = null;
    }
  };
  const emit = (end: number): void => {
    const stmt: Statement = { file, line: startLine, column: startColumn, sql: text.slice(start, end).trimEnd() };
    if (leading.length > 0) stmt.leadingComments = leading.join('\n');
    statements.push(stmt);
    last = stmt;
    start = -1;
    leading = [];
  };
  const comment = (from: number, to: number): void => {
    if (start >= 0) return; // inside a statement: part of its text
    const body = text.slice(from, to).trimEnd();
    if (trailing) {
      trailing.push(body);
      if (body.includes('\n')) attachTrailing();
    } else {
      leading.push(body);
    }
  };

  let i = base;
  scan: while (i < n) {
    const c = text.charCodeAt(i);
    if (c === d0 && (delimiter.length === 1 || text.startsWith(delimiter, i))) {
      if (start >= 0) emit(i);
      else leading = []; // an empty statement: its comments annotate nothing
      attachTrailing();
      trailing = [];
      i += delimiter.length;
      continue;
    }
    switch (c) {
      case 10:
        if (trailing) attachTrailing();
        i++;
        continue;
      case 32: case 9: case 13: case 11: case 12:
        i++;
        continue;
      case 39: case 34: case 96: {
        if (start < 0) begin(i);
        const end = scanQuoted(text, i, c);
        if (end < 0) {
          fail(i, QUOTE_NAMES[c]!);
          start = -1;
          break scan;
        }
        i = end;
        continue;
      }
      case 35: {
        const end = lineCommentEnd(text, i);
        comment(i, end);
        i = end;
        continue;
      }
      case 45:
        if (isDashComment(text, i)) {
          const end = lineCommentEnd(text, i);
          comment(i, end);
          i = end;
          continue;
        }
        break;
      case 47:
        if (text.charCodeAt(i + 1) === 42) {
          const end = blockCommentEnd(text, i);
          if (end < 0) {
            fail(i, 'unterminated comment that begins here');
            start = -1;
            break scan;
          }
          if (executableCommentOpener(text, i) > 0) {
            if (start < 0) begin(i);
          } else {
            comment(i, end);
          }
          i = end;
          continue;
        }
        break;
      case 68: case 100:
        if (start < 0 && atLineStart(text, i, base) && isDelimiterCommand(text, i)) {
          const lineEnd = lineCommentEnd(text, i);
          const arg = delimiterArgument(text.slice(i + 9, lineEnd));
          if (arg === '') fail(i, 'DELIMITER must be followed by the new delimiter (DELIMITER // or DELIMITER ;)');
          else if (arg.includes('\\')) fail(i, 'a DELIMITER cannot contain a backslash');
          else {
            delimiter = arg;
            d0 = arg.charCodeAt(0);
          }
          i = lineEnd;
          continue;
        }
        break;
    }
    if (start < 0) begin(i);
    i++;
  }
  if (start >= 0) emit(n);
  attachTrailing();
  return { statements, errors };
}

function atLineStart(text: string, i: number, base: number): boolean {
  let j = i - 1;
  while (j >= base && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9)) j--;
  return j < base || text.charCodeAt(j) === 10;
}

function isDelimiterCommand(text: string, i: number): boolean {
  if (text.slice(i, i + 9).toLowerCase() !== 'delimiter') return false;
  const after = text.charCodeAt(i + 9);
  return Number.isNaN(after) || after === 32 || after === 9 || after === 10 || after === 13;
}

// As the mysql client reads it: the first word of the rest of the line, or a quoted string.
function delimiterArgument(rest: string): string {
  const s = rest.trim();
  if (s === '') return '';
  const q = s[0]!;
  if (q === "'" || q === '"' || q === '`') {
    const close = s.indexOf(q, 1);
    return close < 0 ? s.slice(1) : s.slice(1, close);
  }
  const m = /^\S+/.exec(s);
  return m ? m[0] : '';
}
