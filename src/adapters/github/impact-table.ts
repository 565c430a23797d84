// The impact table of one environment in Markdown, shared by the PR comment and the job summary:
// one row per judged statement, riskiest first, blocking rows marked; then the checks that did not pass.
import { blocksWrites } from '../../core/impact/assess.js';
import { byRisk, bytesText, howText, rowsText, secondsText } from '../../core/impact/present.js';
import type { PlannedChange } from '../../core/plan-types.js';
import { mdCode, mdInline, mdTable } from './markdown.js';

const OUTCOME_ICON = { fail: '❌', warn: '⚠️', pass: '✅' } as const;

/** Lines of Markdown (empty when no statement was judged and no check ran). */
export function impactMarkdown(changes: PlannedChange[]): string[] {
  const rows: string[][] = [];
  for (const c of changes) {
    for (const s of byRisk(c)) {
      const i = s.impact;
      rows.push([
        `${mdCode(c.id)} ${s.n}`,
        mdCode(i.table ?? '—'),
        rowsText(i.rows),
        bytesText(i.bytes),
        mdInline(howText(i)),
        secondsText(i.seconds),
        blocksWrites(i) ? '⛔ blocks writes' : '—',
      ]);
    }
  }
  const checks = changes.flatMap((c) => (c.checks ?? []).filter((k) => k.outcome !== 'pass').map((k) => ({ c, k })));
  if (rows.length === 0 && checks.length === 0) return [];
  const out = ['', '**Impact**', ''];
  if (rows.length > 0) out.push(mdTable(['statement', 'table', 'rows', 'size', 'how', 'est. time', 'writes'], rows));
  if (checks.length > 0) {
    out.push('', '**Pre-checks**', '');
    for (const { c, k } of checks) out.push(`- ${OUTCOME_ICON[k.outcome]} ${mdCode(k.code)} ${mdCode(c.id)} statement ${k.statement}: ${mdInline(k.message)}`);
  }
  return out;
}
