// YAML with positions: every finding about a YAML file names the line and column of the node it is
// about, so the parsed document and its line counter travel together.
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { Diagnostic } from '../types.js';
import { CODES, diagnostic, type Position } from './codes.js';

/** A path into parsed YAML data: mapping keys and sequence indexes. */
export type DataPath = readonly (string | number)[];

/** A parsed YAML file: its data (when it parsed cleanly) and a way to find any node's position. */
export class YamlSource {
  private constructor(
    /** Repository-relative path of the file. */
    readonly file: string,
    private readonly doc: Document,
    private readonly lines: LineCounter,
    /** The data as plain JS, or undefined when the file has syntax errors. */
    readonly data: unknown,
    /** Syntax errors and parser warnings. */
    readonly diagnostics: Diagnostic[],
  ) {}

  /** Parses `text`; syntax errors become CG002 diagnostics at the parser's own position, never exceptions. */
  static parse(file: string, text: string): YamlSource {
    const lines = new LineCounter();
    // prettyErrors off: its messages embed a source excerpt, and we print our own `file:line:col`.
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, strict: true });
    const diagnostics: Diagnostic[] = [];
    const at = (offset: number): Position => {
      const p = lines.linePos(offset);
      return { line: p.line, column: p.col };
    };
    // After the first syntax error the parser's further errors are mostly echoes of it (one tab can
    // produce ten); keep the first, and every duplicate key, which stands on its own.
    for (const [i, e] of doc.errors.entries()) {
      if (i > 0 && e.code !== 'DUPLICATE_KEY') continue;
      diagnostics.push(diagnostic(CODES.yamlSyntax, file, at(e.pos[0]), undefined, syntaxMessage(e.code, e.message, text, e.pos)));
    }
    for (const w of doc.warnings) {
      diagnostics.push(diagnostic(CODES.yamlWarning, file, at(w.pos[0]), undefined, w.message, 'warning'));
    }
    let data: unknown;
    if (doc.errors.length === 0) {
      try {
        data = doc.toJS({ maxAliasCount: 100 });
      } catch (err) {
        // toJS refuses alias bombs and similar; report it like a syntax error at the top of the file.
        diagnostics.push(diagnostic(CODES.yamlSyntax, file, { line: 1, column: 1 }, undefined, (err as Error).message));
      }
    }
    return new YamlSource(file, doc, lines, data, diagnostics);
  }

  /** Whether the file parsed without syntax errors (warnings allowed). */
  get ok(): boolean {
    return this.diagnostics.every((d) => d.severity !== 'error');
  }

  /**
   * Position of the node at `path`: its value, or with `key` the mapping key itself. A path that does
   * not exist resolves to the deepest node that does, so a missing field points at its parent.
   */
  position(path: DataPath, key = false): Position {
    let node: unknown = this.doc.contents;
    let keyNode: unknown;
    for (const seg of path) {
      if (isAlias(node)) node = node.resolve(this.doc);
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && keyText(p.key) === String(seg));
        if (!pair) break;
        keyNode = pair.key;
        node = pair.value ?? pair.key;
      } else if (isSeq(node) && typeof seg === 'number' && seg < node.items.length) {
        keyNode = undefined;
        node = node.items[seg];
      } else {
        break;
      }
    }
    const target = (key && keyNode ? keyNode : node) as Node | null | undefined;
    const offset = target?.range?.[0];
    if (offset === undefined) return { line: 1, column: 1 };
    const p = this.lines.linePos(offset);
    return { line: p.line, column: p.col };
  }

  /** 1-based line of the node at `path` (see `position`). */
  line(path: DataPath): number {
    return this.position(path).line;
  }
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return undefined;
}

// A few parser messages speak to the parser's API rather than to the person editing the file.
function syntaxMessage(code: string, message: string, text: string, pos: [number, number]): string {
  switch (code) {
    case 'MULTIPLE_DOCS':
      return 'holds more than one YAML document (a second "---" line); keep one document per file';
    case 'DUPLICATE_KEY': {
      // The error's range covers only the key's first character; read the key up to its colon.
      const m = /^(?:"([^"\n]*)"|'([^'\n]*)'|([^:\n#]+))/.exec(text.slice(pos[0]));
      const key = (m?.[1] ?? m?.[2] ?? m?.[3] ?? '').trim();
      return key ? `the key "${key}" appears twice in the same mapping` : 'a key appears twice in the same mapping';
    }
    default:
      return message;
  }
}

/** Formats a data path the way messages show it: `verify[0].expect`, `environments.prod.after`. */
export function fieldPath(path: DataPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? seg : `.${seg}`;
  }
  return out;
}
