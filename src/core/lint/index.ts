// The lint runner: lexes each statement once, runs every analyzer, applies suppressions once.
import type { Diagnostic, Statement, StatementKind } from '../types.js';
import { tokenize, type Token } from '../sql/lexer.js';
import { structureOf, type Structure } from '../sql/structure.js';
import type { Finding, RuleInfo, StatementContext } from './analyzer.js';
import { commitsImplicitly, commitsImplicitlyTokens, kindOfSql, kindOfTokens, setsSessionState } from './kind.js';
import { buildRegistry } from './registry.js';
import { isSuppressible, nolintMarkers } from './suppression.js';
import { verbIndex } from './syntax.js';
import { ANALYZERS, setRegistry } from './rules/index.js';
import { withoutDeclaring } from './rules/destructive.js';

export type { Analyzer, Finding, RuleInfo, StatementContext } from './analyzer.js';

/** Every lint code, keyed by code. Built at load; a code registered twice throws there. */
export const RULES: Readonly<Record<string, RuleInfo>> = buildRegistry(ANALYZERS);
setRegistry(RULES);

const OWNER = new Map(ANALYZERS.flatMap((a) => a.rules.map((r) => [r.code, a] as const)));

/** Options for one lint run over the statements of a change (or loose files). */
export interface LintOptions {
  /**
   * Codes suppressed by the manifest's `lint.ignore`. Destructive (`CG1xx`) codes cannot be
   * suppressed, here or by a `changegate:nolint` comment: declare `destructive: true` instead.
   */
  ignore?: string[];
  /**
   * Nothing is left to declare: the change says `destructive: true`, or the statements are a rollback.
   * A destructive finding then says what the statement does, as a notice, without asking to declare it.
   */
  declared?: boolean;
  /**
   * The statements are changegate's own (the baseline, marked never to be edited): notices, which ask
   * for an edit of the statement, are left out. Errors and warnings stay.
   */
  generated?: boolean;
}

/** Lexes a statement once for all analyzers. */
export function statementContext(statement: Statement, index: number): StatementContext {
  const tokens: Token[] = [];
  const comments: Token[] = [];
  for (const t of tokenize(statement.sql)) (t.type === 'comment' ? comments : tokens).push(t);
  const verb = verbIndex(tokens);
  const v = verb >= 0 ? tokens[verb] : undefined;
  const kind = kindOfTokens(tokens);
  traits.set(statement, { kind, implicit: kind === 'ddl' && commitsImplicitlyTokens(tokens) });
  return new Context(statement, index, tokens, comments, verb, v && v.type === 'word' ? v.value : '', kind);
}

// The structure is read when an analyzer first asks, and kept only for statements several analyzers
// read it of (ALTER, CREATE): a data load of many INSERTs would otherwise hold one per statement until the end.
class Context implements StatementContext {
  private kept: Structure | undefined;
  constructor(
    readonly statement: Statement,
    readonly index: number,
    readonly tokens: Token[],
    readonly comments: Token[],
    readonly verb: number,
    readonly verbWord: string,
    readonly kind: StatementKind,
  ) {}

  get structure(): Structure {
    if (this.kept) return this.kept;
    const s = structureOf(this.tokens, this.verb);
    if (this.verbWord === 'ALTER' || this.verbWord === 'CREATE') this.kept = s;
    return s;
  }
}

/**
 * Runs every registered analyzer over the statements of one change (they may come from several
 * files, so rules about the change as a whole see all of them), applying suppressions once:
 * `options.ignore`, and `changegate:nolint CODE[,CODE]` in a comment before the statement, after
 * it on its line, or inside it. Findings come back in statement order.
 */
export function lintStatements(statements: Statement[], options: LintOptions = {}): Diagnostic[] {
  const contexts = statements.map(statementContext);
  const ignored = new Set((options.ignore ?? []).map((c) => c.toUpperCase()).filter(isSuppressible));
  const markers = contexts.map((c) => {
    const codes = new Set<string>();
    for (const m of nolintMarkers(c)) for (const code of m.codes) if (isSuppressible(code)) codes.add(code);
    return codes;
  });
  const findings: Finding[] = [];
  for (const analyzer of ANALYZERS) {
    analyzer.analyze(contexts, (f) => {
      if (OWNER.get(f.code) !== analyzer) {
        throw new Error(`lint analyzer ${analyzer.name} reported ${f.code}, which it did not register`);
      }
      if (ignored.has(f.code) || markers[f.statement.index]!.has(f.code)) return;
      findings.push(f);
    });
  }
  findings.sort(
    (a, b) =>
      a.statement.index - b.statement.index ||
      (a.token?.start ?? 0) - (b.token?.start ?? 0) ||
      (a.code < b.code ? -1 : a.code > b.code ? 1 : 0),
  );
  const out = findings.map(toDiagnostic).filter((d) => !(options.generated && d.severity === 'notice'));
  if (!options.declared) return out;
  return out.map((d) => (d.destructive ? { ...d, severity: d.severity === 'error' ? d.severity : ('notice' as const), message: withoutDeclaring(d.message) } : d));
}

function toDiagnostic(f: Finding): Diagnostic {
  const rule = RULES[f.code]!;
  const s = f.statement.statement;
  const { line, column } = f.token ? offsetPosition(s, f.token.start) : { line: s.line, column: s.column };
  return { code: f.code, severity: rule.severity, file: s.file, line, column, message: f.message, destructive: rule.destructive };
}

/** File position of an offset inside a statement's text. */
function offsetPosition(s: Statement, offset: number): { line: number; column: number } {
  let line = s.line;
  let lineStart = -1;
  for (let k = s.sql.indexOf('\n'); k >= 0 && k < offset; k = s.sql.indexOf('\n', k + 1)) {
    line++;
    lineStart = k;
  }
  return { line, column: lineStart < 0 ? s.column + offset : offset - lineStart };
}

/** Whether a statement runs in a transaction (`dml`) or commits implicitly / is unknown (`ddl`). See `kind.ts` for why unknown is `ddl`. */
export function statementKind(sql: string): StatementKind {
  return kindOfSql(sql);
}

/** What the apply loop needs to know of a statement: its kind, and whether it commits implicitly (schema DDL). */
export interface StatementTraits {
  kind: StatementKind;
  implicit: boolean;
}

// Filled as a side effect of lexing (lint lexes every statement a run applies), so the apply loop
// does not lex them again.
const traits = new WeakMap<Statement, StatementTraits>();

/** The traits of a statement, lexed once per statement object. */
export function statementTraits(statement: Statement): StatementTraits {
  let t = traits.get(statement);
  if (!t) {
    statementContext(statement, 0);
    t = traits.get(statement)!;
  }
  return t;
}

/** Whether any finding makes its statement destructive (what the snapshot decision and the manifest check use). */
export function isDestructive(diags: Diagnostic[]): boolean {
  return diags.some((d) => d.destructive);
}
/** Whether a statement is known to commit implicitly (see kind.ts); the apply loop's savepoint decision. */
export { commitsImplicitly, setsSessionState };
