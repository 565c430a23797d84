// `changegate baseline --env E`: the flags, the core's baselineRun over the MySQL adapter and a
// shadow schema, and what it says.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { schemaReference } from '../../core/scaffold.js';
import type { Change } from '../../core/types.js';
import { baselineRun, type BaselinePorts, type LiveSchema } from '../../core/usecases/baseline.js';
import type { SchemaShape } from '../../core/drift.js';
import type { MysqlConnection } from '../../adapters/mysql/connection.js';
import type { CommandContext } from '../context.js';
import { scope } from '../flow.js';
import { oneTarget } from '../fleet/options.js';
import { loadRepoOrFail } from '../load.js';
import { commonEvents, runPorts } from '../run-ports.js';
import { replayDescribed } from '../shadow.js';
import { diffSchemas } from '../../core/drift.js';

/** Options of `changegate baseline`. */
export interface BaselineOptions {
  env: string;
  /** The target of a fleet a baseline is taken from (`server/schema`). */
  target?: string;
  ticket?: string;
  shadowUrl?: string;
}

/** Writes (first environment) or checks (later ones) the baseline and records it; 1 when E differs from it. */
export default async function baseline(ctx: CommandContext, opts: BaselineOptions): Promise<number> {
  const s = await oneTarget(ctx, scope(ctx, opts.env), opts.target, 'baseline');
  const run = runPorts(ctx, s);
  // The locked target's own connection reads the live schema.
  let conn: MysqlConnection | undefined;
  let schema = '';
  const ports: BaselinePorts<LiveSchema & { shape: SchemaShape }> = {
    lock: async (env, timeout) => {
      const t = await run.lock(env, timeout);
      conn = t.connection;
      schema = t.schema;
      return t;
    },
    operator: run.operator,
    now: run.now,
    describe: async (target) => {
      const { describeSchema } = await import('../../adapters/mysql/introspect.js');
      const { isEmptyShape } = await import('../../adapters/mysql/baseline-sql.js');
      const shape = await describeSchema(conn!, target.schema);
      return { empty: isEmptyShape(shape), shape };
    },
    baselineSql: async (target, header) => (await import('../../adapters/mysql/baseline-sql.js')).baselineSql(conn!, target.schema, header),
    prove: async (change, live) => {
      const r = await replayDescribed(ctx, s, [change as Change], schema, opts.shadowUrl);
      return 'failure' in r ? { failure: r.failure, diff: [] } : { failure: null, diff: diffSchemas(r.shape, live.shape) };
    },
    exists: (rel) => existsSync(path.join(ctx.root, rel)),
    write: async (files, sql, manifest) => {
      const id = path.basename(files.manifest, '.yaml');
      mkdirSync(path.join(ctx.root, 'changes'), { recursive: true });
      mkdirSync(path.join(ctx.root, path.dirname(files.up)), { recursive: true });
      writeFileSync(path.join(ctx.root, files.up), sql, { flag: 'wx' });
      writeFileSync(path.join(ctx.root, files.manifest), manifest, { flag: 'wx' });
      try {
        return loadRepoOrFail(ctx).changes.find((c) => c.id === id)!;
      } catch (err) {
        rmSync(path.join(ctx.root, files.manifest), { force: true });
        rmSync(path.join(ctx.root, path.dirname(files.up)), { recursive: true, force: true });
        throw err;
      }
    },
  };
  const outcome = await baselineRun(s, { ticket: opts.ticket, schemaRef: schemaReference(ctx.root) }, ports, commonEvents(ctx));
  const env = s.env.name;
  if (outcome.result === 'already-recorded') {
    ctx.out.setDocument({ environment: env, change: outcome.change, result: 'already-recorded' });
    return 0;
  }
  if (outcome.result === 'differs') {
    ctx.out.setDocument({ environment: env, change: outcome.change, result: 'differs', differences: outcome.differences });
    ctx.out.error(`${env} differs from the baseline ${outcome.change} in ${outcome.differences.length} place(s) (baseline -> live); nothing was recorded:`);
    for (const line of outcome.differences) ctx.out.info(`  ${line}`);
    ctx.out.info(`make ${env} match the baseline by hand (or with changes applied elsewhere first), then run changegate baseline --env ${env} again`);
    return 1;
  }
  ctx.out.info(`${env}: recorded ${outcome.change.id} as baseline (${outcome.change.statements.length} statement(s), none run), by ${outcome.by}`);
  ctx.out.setDocument({ environment: env, change: outcome.change.id, result: 'recorded', ...(outcome.written ? { written: [outcome.written.manifest, outcome.written.up] } : {}) });
  return 0;
}
