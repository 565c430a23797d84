// Paths in manifests are data from a pull request: they must name regular files inside the repository,
// written in one normal form, so that a checksum, a history row and a review all mean the same file.
import { lstatSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { checksum } from '../checksum.js';
import { splitSql } from '../sql/split.js';
import type { Diagnostic, SqlFile, Statement } from '../types.js';
import { CODES, diagnostic, type Position, type ValidationCode } from './codes.js';
import { pushAll } from '../arrays.js';

/** Why a path in a manifest is refused, before or after looking at the disk. */
export interface PathProblem {
  code: ValidationCode;
  message: string;
}

/**
 * Checks the spelling of a repository-relative path: relative, `/`-separated, no `.`, `..` or empty
 * segments. Rejecting a harmless `a/../b` too keeps one spelling per file, which history rows rely on.
 */
export function checkRelativePath(p: string): PathProblem | undefined {
  if (path.posix.isAbsolute(p) || path.win32.isAbsolute(p) || /^[A-Za-z]:/.test(p)) {
    return { code: CODES.absolutePath, message: `"${p}" is an absolute path; write it relative to the repository root` };
  }
  if (p.includes('\\')) {
    return { code: CODES.escapingPath, message: `"${p}" uses \\; separate folders with /` };
  }
  const segments = p.split('/');
  if (segments.includes('..')) {
    const normal = path.posix.normalize(p);
    if (normal === '..' || normal.startsWith('../')) {
      return { code: CODES.escapingPath, message: `"${p}" leaves the repository; paths must stay inside it` };
    }
    return { code: CODES.escapingPath, message: `"${p}" contains ".."; write "${normal}"` };
  }
  if (segments.some((s) => s === '.' || s === '')) {
    return { code: CODES.escapingPath, message: `"${p}" is not in normal form; write "${path.posix.normalize(p).replace(/\/$/, '')}"` };
  }
  return undefined;
}

/** A SQL file as read for a change: its content, checksum and statements, or why it could not be used. */
export type SqlRead =
  | { ok: true; file: SqlFile; statements: Statement[]; usable: boolean }
  | { ok: false; problem: PathProblem };

/**
 * Reads SQL files of one repository, each once however many changes name it. Problems inside a file
 * (encoding, splitting, emptiness) are collected once in `diagnostics`; problems with a reference
 * (missing, escaping) are returned to the caller, which reports them at the manifest line.
 */
export class SqlFiles {
  /** Findings about the content of files read so far, each file reported once. */
  readonly diagnostics: Diagnostic[] = [];
  private readonly cache = new Map<string, SqlRead>();
  private realRoot: string | undefined;
  private readonly dirs = new Map<string, string | undefined>();

  constructor(private readonly root: string) {}

  /** Reads, decodes and splits `rel` (repository-relative), checking that it stays inside the repository. */
  read(rel: string): SqlRead {
    let r = this.cache.get(rel);
    if (!r) {
      r = this.load(rel);
      this.cache.set(rel, r);
    }
    return r;
  }

  private load(rel: string): SqlRead {
    const bytes = this.readBytes(rel);
    if (!(bytes instanceof Uint8Array)) return { ok: false, problem: bytes };
    return { ok: true, ...this.parse(rel, bytes) };
  }

  /**
   * The bytes of a regular file at `rel`, after checking its spelling and that it resolves inside the
   * repository; or why not.
   */
  readBytes(rel: string): Buffer | PathProblem {
    const spelling = checkRelativePath(rel);
    if (spelling) return spelling;
    const real = this.realPath(rel);
    if (typeof real !== 'string') return real;
    try {
      const st = statSync(real);
      if (!st.isFile()) {
        return { code: CODES.notRegularFile, message: `${rel} is ${st.isDirectory() ? 'a directory' : 'not a regular file'}; name a file` };
      }
      return readFileSync(real);
    } catch (err) {
      return fsProblem(rel, err);
    }
  }

  /**
   * Where `rel` really is, refusing anything that resolves outside the repository. realpath costs
   * one lstat per path component, for every file; instead each directory is resolved once (memoized)
   * and each file costs one lstat, with a real realpath only where a symlink actually is.
   */
  private realPath(rel: string): string | PathProblem {
    this.realRoot ??= realpathSync.native(this.root);
    const slash = rel.lastIndexOf('/');
    const dir = slash < 0 ? this.realRoot : this.realDir(rel.slice(0, slash));
    if (dir === undefined) return { code: CODES.missingFile, message: `${rel} does not exist` };
    if (!this.inside(dir)) return escapes(rel);
    const abs = path.join(dir, rel.slice(slash + 1));
    try {
      if (!lstatSync(abs).isSymbolicLink()) return abs;
      const real = realpathSync.native(abs);
      return this.inside(real) ? real : escapes(rel);
    } catch (err) {
      return fsProblem(rel, err);
    }
  }

  // undefined when the directory does not exist (or is not a directory).
  private realDir(relDir: string): string | undefined {
    if (this.dirs.has(relDir)) return this.dirs.get(relDir);
    const slash = relDir.lastIndexOf('/');
    const parent = slash < 0 ? this.realRoot! : this.realDir(relDir.slice(0, slash));
    let real: string | undefined;
    if (parent !== undefined) {
      const abs = path.join(parent, relDir.slice(slash + 1));
      try {
        const st = lstatSync(abs);
        if (st.isSymbolicLink()) real = realpathSync.native(abs);
        else if (st.isDirectory()) real = abs;
      } catch {
        real = undefined;
      }
    }
    this.dirs.set(relDir, real);
    return real;
  }

  private inside(real: string): boolean {
    return real === this.realRoot || real.startsWith(this.realRoot + path.sep);
  }

  private parse(rel: string, bytes: Buffer): { file: SqlFile; statements: Statement[]; usable: boolean } {
    const decoded = decodeUtf8(bytes);
    if (typeof decoded !== 'string') {
      this.diagnostics.push(notUtf8Diagnostic(rel, decoded));
      return { file: { path: rel, content: '', checksum: checksum('') }, statements: [], usable: false };
    }
    const content = decoded;
    const file: SqlFile = { path: rel, content, checksum: checksum(content) };
    const { statements, errors } = splitSql(rel, content);
    pushAll(this.diagnostics, errors);
    if (errors.length > 0) return { file, statements, usable: false };
    if (statements.length === 0) {
      this.diagnostics.push(diagnostic(CODES.noStatements, rel, { line: 1, column: 1 }, undefined, 'has no SQL statements; a change file must run at least one'));
      return { file, statements, usable: false };
    }
    return { file, statements, usable: true };
  }
}

// fatal: a file that is not UTF-8 must not be "repaired" into different SQL with U+FFFD in it.
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes strict UTF-8 (a leading BOM dropped), or gives the position of the first bad byte. */
export function decodeUtf8(bytes: Uint8Array): string | Position {
  try {
    return utf8.decode(bytes);
  } catch {
    return invalidUtf8Position(bytes);
  }
}

/** The CG004 finding for a file that is not UTF-8, at its first bad byte. */
export function notUtf8Diagnostic(rel: string, at: Position): Diagnostic {
  return diagnostic(CODES.notUtf8, rel, at, undefined, `is not valid UTF-8 (first bad byte at line ${at.line}, column ${at.column}); save it as UTF-8`);
}

function escapes(rel: string): PathProblem {
  return { code: CODES.symlinkEscape, message: `${rel} resolves outside the repository through a symbolic link` };
}

function fsProblem(rel: string, err: unknown): PathProblem {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return { code: CODES.missingFile, message: `${rel} does not exist` };
  if (code === 'ELOOP') return { code: CODES.notRegularFile, message: `${rel} is a symbolic link loop` };
  return { code: CODES.unreadable, message: `${rel} cannot be read (${code ?? (err as Error).message})` };
}

// Only runs after the decoder refused the bytes, to say where: the first byte that starts no valid
// UTF-8 sequence (overlongs, surrogates and code points past U+10FFFF included).
function invalidUtf8Position(b: Uint8Array): Position {
  let line = 1;
  let column = 1;
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    let n = 0;
    let min = 0;
    if (c < 0x80) n = 0;
    else if (c >= 0xc2 && c <= 0xdf) { n = 1; min = 0x80; }
    else if (c >= 0xe0 && c <= 0xef) { n = 2; min = 0x800; }
    else if (c >= 0xf0 && c <= 0xf4) { n = 3; min = 0x10000; }
    else break;
    let cp = n === 0 ? c : c & (0x3f >> n);
    let ok = i + n < b.length;
    for (let k = 1; ok && k <= n; k++) {
      const cc = b[i + k]!;
      if ((cc & 0xc0) !== 0x80) ok = false;
      else cp = (cp << 6) | (cc & 0x3f);
    }
    if (!ok || (n > 0 && (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)))) break;
    if (c === 0x0a) { line++; column = 1; } else column++;
    i += n + 1;
  }
  return { line, column };
}
