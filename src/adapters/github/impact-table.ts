// The impact table of one environment in Markdown, shared by the PR comment and the job summary:
// one row per judged statement, riskiest first, blocking rows marked; then the checks that did not pass.
import { blocksWrites } from '../../core/impact/blocking.js';
import { byRisk, bytesText, howText, rowsText, secondsText } from '../../core/impact/present.js';
import type { PlannedChange } from '../../core/plan-types.js';
import { mdCode, mdInline, mdTable } from './markdown.js';

const OUTCOME_ICON = { fail: '❌', warn: '⚠️', pass: '✅' } as const;

/** Lines of Markdown (empty when no statement was judged and no check ran). */
export function impactMarkdown(changes: PlannedChange[]): string[] {
  const rows: string[][] = [];
  // Which statements run online, and why the others that would block cannot.
  const online: string[] = [];
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
        s.online?.tool ? `🔁 online (${mdInline(s.online.tool)}): blocked only at the swap` : blocksWrites(i) ? '⛔ blocks writes' : '—',
      ]);
      if (s.online) {
        const ran = s.online.ran
          ? ` — copied in ${s.online.ran.copySeconds.toFixed(1)} s${s.online.ran.swapSeconds === null ? '' : `, table swap ${s.online.ran.swapSeconds.toFixed(1)} s`}`
          : '';
        online.push(`- ${mdCode(c.id)} statement ${s.n}: ${mdInline(s.online.reason)}${ran}`);
      }
    }
  }
  const checks = changes.flatMap((c) => (c.checks ?? []).filter((k) => k.outcome !== 'pass').map((k) => ({ c, k })));
  if (rows.length === 0 && checks.length === 0) return [];
  const out = ['', '**Impact**', ''];
  if (rows.length > 0) out.push(mdTable(['statement', 'table', 'rows', 'size', 'how', 'est. time', 'writes'], rows));
  if (online.length > 0) out.push('', '**Online schema changes**', '', ...online);
  if (checks.length > 0) {
    out.push('', '**Pre-checks**', '');
    for (const { c, k } of checks) out.push(`- ${OUTCOME_ICON[k.outcome]} ${mdCode(k.code)} ${mdCode(c.id)} statement ${k.statement}: ${mdInline(k.message)}`);
  }
  return out;
}
