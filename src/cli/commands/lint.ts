// `changegate lint [files]`: the SQL rules alone, on given files or on every change's statements.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../../core/errors.js';
import { lintStatements } from '../../core/lint/index.js';
import { fileLintOptions, lintChange } from '../../core/plan.js';
import { splitSql } from '../../core/sql/split.js';
import { loadRepository } from '../../core/manifest/index.js';
import type { Diagnostic } from '../../core/types.js';
import type { CommandContext } from '../context.js';
import { diagnosticLine } from '../render.js';
import { pushAll } from '../../core/arrays.js';

/** Lints and returns 1 when any error-level finding remains. */
export default async function lint(ctx: CommandContext, files: string[]): Promise<number> {
  const diagnostics: Diagnostic[] = [];
  let checked: string;
  if (files.length > 0) {
    const known = loadRepository(ctx.root, { configFile: ctx.configFile }).changes;
    let statementCount = 0;
    for (const f of files) {
      const abs = path.resolve(ctx.root, f);
      let text: string;
      try {
        text = readFileSync(abs, 'utf8');
      } catch {
        throw new UsageError(`cannot read ${f}`);
      }
      const rel = path.relative(ctx.root, abs).split(path.sep).join('/');
      const { statements, errors } = splitSql(rel, text);
      pushAll(pushAll(diagnostics, errors), lintStatements(statements, fileLintOptions(known, rel)));
      statementCount += statements.length;
    }
    checked = `${files.length} file(s), ${statementCount} statement(s)`;
  } else {
    const repo = loadRepository(ctx.root, { configFile: ctx.configFile });
    const broken = repo.diagnostics.filter((d) => d.severity === 'error');
    if (!repo.config || broken.length > 0) {
      ctx.out.diagnostics(broken, diagnosticLine);
      ctx.out.setDocument({ diagnostics: broken });
      return repo.config ? 1 : 2;
    }
    for (const c of repo.changes) pushAll(diagnostics, lintChange(c));
    checked = `${repo.changes.length} change(s), ${repo.changes.reduce((n, c) => n + c.statements.length, 0)} statement(s)`;
  }
  ctx.out.diagnostics(diagnostics, diagnosticLine);
  // Silence after a clean run reads like nothing ran: say what was checked either way.
  const count = (severity: Diagnostic['severity']) => diagnostics.filter((d) => d.severity === severity).length;
  ctx.out.info(`${checked} checked: ${diagnostics.length === 0 ? 'no findings' : `${count('error')} error(s), ${count('warning')} warning(s), ${count('notice')} notice(s)`}`);
  ctx.out.setDocument({ diagnostics });
  if (ctx.out.format === 'github') ctx.out.summary((await import('../summary.js')).findingsSummary('lint', diagnostics));
  return diagnostics.some((d) => d.severity === 'error') ? 1 : 0;
}
