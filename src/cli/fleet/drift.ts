// `drift --env E` over a fleet: each target's files and live schema checked (`parallel` at a time),
// then the count of clean and drifted targets, and a line for each drifted one.
import type { CommandContext } from '../context.js';
import type { Scope } from '../flow.js';
import { driftOf, type DriftOptions, type ReplayMemo } from '../target-reads.js';
import { eachTarget } from './each.js';
import { fleetDocument, fleetMarkdown, fleetText } from './render.js';

const CLEAN = new Set(['clean']);

/** Prints the fleet's drift; 1 when any target drifted or could not be checked. */
export async function driftFleet(ctx: CommandContext, s: Scope, names: string[], opts: Omit<DriftOptions, 'memo'>): Promise<number> {
  // Tenants made by the same changes on servers with the same settings expect the same schema: one replay serves them all.
  const memo: ReplayMemo = new Map();
  const outcomes = await eachTarget(ctx, s, names, async (child, t) => {
    const report = await driftOf(child, t, { ...opts, memo });
    const found = [...report.files.map((f) => `file drift: ${f}`), ...report.schema.map((l) => `schema drift: ${l}`)];
    const detail = { files: report.files, schema: report.schema, expected: report.expected.source, ...(report.pullRequests.length ? { pull_requests: report.pullRequests } : {}) };
    if (found.length === 0) return { result: 'clean', detail };
    const more = found.length > 1 ? ` (and ${found.length - 1} more)` : '';
    return { result: 'drifted', detail, error: { code: 'drifted', message: `${found[0]}${more}` } };
  });
  const doc = fleetDocument(s.env.name, null, outcomes);
  ctx.out.setDocument(doc);
  for (const line of fleetText(doc, CLEAN)) ctx.out.info(line);
  ctx.out.summary(() => fleetMarkdown('drift', doc, CLEAN));
  return doc.targets.every((t) => t.result === 'clean') ? 0 : 1;
}
