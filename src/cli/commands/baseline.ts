// `changegate baseline --env E`: adopt a database that existed before changegate. The first time, it
// writes the live schema as one change (`baseline: true`); every time, it proves that change against
// E's live schema (replayed into a shadow schema, compared as drift compares) and only then records it
// in E's history as `baseline`, without running a statement.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { baselineChange, baselineRecord, inPlace } from '../../core/baseline.js';
import { RefusedError, UsageError } from '../../core/errors.js';
import { refuseProtected } from '../../core/guards.js';
import { lintStatements } from '../../core/lint/index.js';
import { formatDate } from '../../core/manifest/ids.js';
import { schemaReference } from '../../core/scaffold.js';
import { splitSql } from '../../core/sql/split.js';
import type { Change } from '../../core/types.js';
import type { CommandContext } from '../context.js';
import { lockTarget, operator, scope } from '../flow.js';
import { loadRepoOrFail } from '../load.js';
import { replay, withShadow } from '../shadow.js';
import { diffSchemas } from '../../core/drift.js';

/** Options of `changegate baseline`. */
export interface BaselineOptions {
  env: string;
  ticket?: string;
  shadowUrl?: string;
}

/** Writes (first environment) or checks (later ones) the baseline and records it; 1 when E differs from it. */
export default async function baseline(ctx: CommandContext, opts: BaselineOptions): Promise<number> {
  const s = scope(ctx, opts.env);
  const existing = baselineChange(s.changes);
  const id = existing?.id ?? `${formatDate(ctx.now())}-baseline`;
  const files = { manifest: `changes/${id}.yaml`, up: `migrations/${id}/up.sql` };
  if (!existing) {
    if (!opts.ticket || opts.ticket.trim() === '') {
      throw new UsageError(`baseline --env ${opts.env} writes the baseline change and needs its work ticket: pass --ticket`);
    }
    const pattern = s.config.ticket_pattern;
    if (pattern !== undefined && !new RegExp(pattern).test(opts.ticket)) {
      throw new UsageError(`ticket "${opts.ticket}" does not match ticket_pattern ${pattern}`);
    }
    const earlier = s.changes.filter((c) => c.id < id).map((c) => c.file).sort();
    if (earlier.length > 0) {
      throw new UsageError(`${earlier[0]} sorts before the baseline ${id} that this run would write; the baseline must be the first change: move ${earlier.length === 1 ? 'it' : `it and ${earlier.length - 1} other(s)`} to a later date first`);
    }
    for (const rel of [files.manifest, `changes/${id}.yml`, files.up]) {
      if (existsSync(path.join(ctx.root, rel))) throw new UsageError(`${rel} already exists; changegate baseline never overwrites a file`);
    }
  }

  const t = await lockTarget(ctx, s);
  try {
    const env = s.env.name;
    const schema = t.open.target.schema;
    if (existing) {
      const rec = t.history.find((r) => r.changeId === existing.id);
      if (rec && inPlace(rec.status)) {
        ctx.out.info(`${env} already records the baseline ${existing.id} (${rec.status}); nothing to do`);
        ctx.out.setDocument({ environment: env, change: existing.id, result: 'already-recorded' });
        return 0;
      }
      if (rec) throw new RefusedError(`refused: ${existing.id} is ${rec.status} in ${env}; a baseline is recorded only in an environment that has not run it`);
    } else {
      const ran = t.history.filter((r) => !r.changeId.includes(':'));
      if (ran.length > 0) {
        throw new RefusedError(`refused: ${env} already has ${ran.length} change(s) in its history (${ran[0]!.changeId}${ran.length > 1 ? ', ...' : ''}); a baseline describes a schema from before changegate`);
      }
    }

    const { describeSchema } = await import('../../adapters/mysql/introspect.js');
    const { baselineSql, isEmptyShape } = await import('../../adapters/mysql/baseline-sql.js');
    const live = await describeSchema(t.open.target.connection, schema);
    if (isEmptyShape(live)) {
      throw new RefusedError(
        existing
          ? `refused: ${env}'s schema ${schema} is empty, so there is nothing to record; changegate apply --env ${env} builds it from ${existing.id}`
          : `refused: ${env}'s schema ${schema} is empty: there is nothing to baseline; write changes and apply them`,
      );
    }

    let change: Pick<Change, 'id' | 'statements'>;
    let sql = '';
    if (existing) change = existing;
    else {
      const ticket = opts.ticket!;
      const header = `-- ${ticket}: baseline of ${schema} as ${env} had it on ${formatDate(ctx.now())}, written by changegate baseline.\n` +
        `-- It recreates the schema on an empty database (no rows). Environments that already have this schema\n` +
        `-- record it with changegate baseline --env <name>; apply runs it only where the schema is empty.\n`;
      const written = await baselineSql(t.open.target.connection, schema, header);
      sql = written.sql;
      const split = splitSql(files.up, sql);
      if (split.errors.length > 0) throw new RefusedError(`this is a bug in changegate baseline: the SQL it wrote does not split (${split.errors[0]!.message}); nothing was written or recorded`);
      const lintErrors = lintStatements(split.statements, { ignore: [] }).filter((d) => d.severity === 'error');
      if (lintErrors.length > 0) {
        throw new RefusedError(`this is a bug in changegate baseline: its SQL fails lint ${lintErrors[0]!.code} at line ${lintErrors[0]!.line} (${lintErrors[0]!.message}); nothing was written or recorded`);
      }
      change = { id, statements: split.statements };
      const c = written.counts;
      ctx.out.info(`${env}: read ${c.tables} table(s), ${c.views} view(s), ${c.routines} routine(s), ${c.triggers} trigger(s), ${c.events} event(s) from ${schema}`);
    }

    // The proof: what the baseline builds on an empty schema must be what E has, by drift's comparison.
    const shadowSpec = opts.shadowUrl
      ? (await import('../../adapters/mysql/connect.js')).parseTargetUrl(opts.shadowUrl, 'the shadow server')
      : (await (await import('../target.js')).resolveEnvironment(ctx, s.config, s.env)).spec;
    if (opts.shadowUrl) ctx.out.secret(shadowSpec.password);
    refuseProtected(s.config, s.env, shadowSpec.host, 'has a shadow server at host');
    const proof = await withShadow(shadowSpec, schema, `${env} (shadow)`, async (conn, name) => {
      const failure = await replay(conn, [change as Change]);
      if (failure) return { failure: `${failure.file}:${failure.line}: ${failure.message}`, diff: [] as string[] };
      return { failure: null, diff: diffSchemas(await describeSchema(conn, name), live) };
    });

    if (!existing) {
      if (proof.failure || proof.diff.length > 0) {
        const detail = proof.failure ? [proof.failure] : proof.diff;
        throw new RefusedError(
          `this is a bug in changegate baseline: the baseline of ${env} does not rebuild its schema ` +
            `(${proof.failure ? 'replay failed' : `${proof.diff.length} difference(s), baseline -> live`}); nothing was written or recorded:\n` +
            detail.map((l) => `  ${l}`).join('\n'),
        );
      }
      mkdirSync(path.join(ctx.root, 'changes'), { recursive: true });
      mkdirSync(path.join(ctx.root, 'migrations', id), { recursive: true });
      writeFileSync(path.join(ctx.root, files.up), sql, { flag: 'wx' });
      writeFileSync(path.join(ctx.root, files.manifest), manifestText(ctx.root, s.config.database, env, opts.ticket!, files.up), { flag: 'wx' });
      ctx.out.info(`wrote ${files.manifest}`);
      ctx.out.info(`wrote ${files.up}`);
      // Recorded with the checksum validate computes from the files as written, so drift agrees.
      let loaded: Change | undefined;
      try {
        loaded = loadRepoOrFail(ctx).changes.find((c) => c.id === id);
      } catch (err) {
        rmSync(path.join(ctx.root, files.manifest), { force: true });
        rmSync(path.join(ctx.root, 'migrations', id), { recursive: true, force: true });
        throw err;
      }
      change = loaded!;
    } else if (proof.failure || proof.diff.length > 0) {
      const detail = proof.failure ? [`the baseline does not replay: ${proof.failure}`] : proof.diff;
      ctx.out.setDocument({ environment: env, change: existing.id, result: 'differs', differences: detail });
      ctx.out.error(`${env} differs from the baseline ${existing.id} in ${detail.length} place(s) (baseline -> live); nothing was recorded:`);
      for (const line of detail) ctx.out.info(`  ${line}`);
      ctx.out.info(`make ${env} match the baseline by hand (or with changes applied elsewhere first), then run changegate baseline --env ${env} again`);
      return 1;
    }

    const op = await operator(ctx, null);
    const session = t.open.target.session;
    await session.history.put(baselineRecord(change as Change, op, ctx.now()));
    await session.commit();
    ctx.out.info(`${env}: recorded ${change.id} as baseline (${change.statements.length} statement(s), none run), by ${op.user}`);
    ctx.out.setDocument({ environment: env, change: change.id, result: 'recorded', ...(existing ? {} : { written: [files.manifest, files.up] }) });
    return 0;
  } finally {
    await t.close();
  }
}

function manifestText(root: string, database: string, env: string, ticket: string, up: string): string {
  return `# yaml-language-server: $schema=${schemaReference(root)}
# The schema of ${database} as it was when changegate was adopted, read from ${env} by changegate baseline.
# Never edit it: later work goes in new changes. Environments that already have this schema record it
# with changegate baseline --env <name>; apply runs it only on an empty schema.
title: ${JSON.stringify(`Baseline of ${database} from ${env}`)}
ticket: ${JSON.stringify(ticket)}
destructive: false
baseline: true
apply:
  - ${up}
`;
}
