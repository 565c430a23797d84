// A repository has at most one baseline change: it stands for the schema that existed before
// changegate, and a second one would claim a second "before". For the same reason it comes first:
// apply builds an empty environment in id order, and a change before the baseline would find nothing.
import type { Change, Diagnostic } from '../types.js';
import { CODES, diagnostic } from './codes.js';
import type { YamlSource } from './yaml.js';

/** CG081 on every baseline change after the first (in id order), at its `baseline` field. */
export function baselineDiagnostics(changes: Change[], sources: Map<string, YamlSource>): Diagnostic[] {
  const baselines = changes.filter((c) => c.baseline).sort((a, b) => (a.id < b.id ? -1 : 1));
  return baselines.slice(1).map((c) => {
    const src = sources.get(c.id);
    const at = src ? src.position(['baseline']) : { line: 1, column: 1 };
    return diagnostic(CODES.secondBaseline, c.file, at, 'baseline', `${baselines[0]!.id} is already this repository's baseline; only one change may say baseline: true (write later work as ordinary changes)`);
  }).concat(
    baselines.length === 0 ? [] : changes.filter((c) => !c.baseline && c.id < baselines[0]!.id).map((c) =>
      diagnostic(CODES.beforeBaseline, c.file, { line: 1, column: 1 }, undefined, `sorts before the baseline ${baselines[0]!.id}, which recreates the schema that existed before changegate; date it after the baseline`)),
  );
}
