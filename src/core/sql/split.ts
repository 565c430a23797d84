// The MySQL-aware statement splitter every command shares: one pass over the text, tracking quotes,
// comments and the current DELIMITER, so that `;` inside a string, an identifier, a comment or a
// procedure body never ends a statement.
import type { Diagnostic, Statement } from '../types.js';

/** Splits MySQL script text into statements; unterminated strings/comments become error diagnostics. */
export function splitSql(file: string, text: string): { statements: Statement[]; errors: Diagnostic[] } {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const statements: Statement[] = [];
  const errors: Diagnostic[] = [];
  let delimiter = ';';
  let i = 0;
  let line = 1;
  let lineStart = 0;
  let start = -1; // index of the current statement's first significant character
  let startLine = 0;
  let startCol = 0;
  let leading = ''; // comments seen before the statement started, for nolint markers
  let leadingFrom = -1;
  const n = src.length;

  const flush = (end: number) => {
    if (start >= 0) {
      const sql = src.slice(start, end).trim();
      if (sql.length > 0) {
        const stmt: Statement = { file, line: startLine, column: startCol, sql };
        if (leading) stmt.leadingComments = leading;
        statements.push(stmt);
      }
    }
    start = -1;
    leading = '';
    leadingFrom = -1;
  };
  const begin = () => {
    if (start < 0) {
      start = i;
      startLine = line;
      startCol = i - lineStart + 1;
    }
  };
  const unterminated = (what: string, l: number, c: number) => {
    errors.push({ code: 'CG010', severity: 'error', file, line: l, column: c, message: `unterminated ${what} that begins here`, destructive: false });
  };

  while (i < n) {
    const ch = src[i]!;
    // DELIMITER is a client command, recognised only at the start of a line outside a statement.
    if (start < 0 && (i === lineStart || /^[ \t]*$/.test(src.slice(lineStart, i))) && (ch === 'D' || ch === 'd')) {
      const m = /^delimiter[ \t]+(\S+)[ \t]*(?:\r?\n|$)/i.exec(src.slice(i, i + 80));
      if (m) {
        delimiter = m[1]!;
        i += m[0].length;
        if (m[0].endsWith('\n')) {
          line++;
          lineStart = i;
        }
        continue;
      }
    }
    if (ch === '\n') {
      line++;
      i++;
      lineStart = i;
      continue;
    }
    if (ch === "'" || ch === '"' || ch === '`') {
      begin();
      const l = line;
      const c = i - lineStart + 1;
      i++;
      let closed = false;
      while (i < n) {
        const d = src[i]!;
        if (d === '\\' && ch !== '`') {
          if (src[i + 1] === '\n') {
            line++;
            lineStart = i + 2;
          }
          i += 2;
          continue;
        }
        if (d === '\n') {
          line++;
          lineStart = i + 1;
        }
        if (d === ch) {
          if (src[i + 1] === ch) {
            i += 2;
            continue;
          }
          i++;
          closed = true;
          break;
        }
        i++;
      }
      if (!closed) {
        unterminated(ch === '`' ? 'quoted identifier (`)' : `string literal (${ch})`, l, c);
        start = -1;
        return { statements, errors };
      }
      continue;
    }
    if (ch === '#' || (ch === '-' && src[i + 1] === '-' && (i + 2 >= n || /\s/.test(src[i + 2]!)))) {
      const end = src.indexOf('\n', i);
      const stop = end < 0 ? n : end;
      if (start < 0) {
        if (leadingFrom < 0) leadingFrom = i;
        leading += src.slice(i, stop) + '\n';
      }
      i = stop;
      continue;
    }
    if (ch === '/' && src[i + 1] === '*') {
      const executable = src[i + 2] === '!';
      const l = line;
      const c = i - lineStart + 1;
      const end = src.indexOf('*/', i + 2);
      if (end < 0) {
        unterminated('comment', l, c);
        return { statements, errors };
      }
      // Executable comments (/*! ... */) are SQL to the server: they start a statement.
      if (executable) begin();
      else if (start < 0) leading += src.slice(i, end + 2) + '\n';
      for (let k = i; k < end; k++) {
        if (src[k] === '\n') {
          line++;
          lineStart = k + 1;
        }
      }
      i = end + 2;
      continue;
    }
    if (ch === delimiter[0] && src.startsWith(delimiter, i)) {
      flush(i);
      i += delimiter.length;
      continue;
    }
    if (ch !== ' ' && ch !== '\t' && ch !== '\r' && ch !== '\f' && ch !== '\v') begin();
    i++;
  }
  flush(n);
  return { statements, errors };
}
