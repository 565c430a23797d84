// What "blocks writes" means, in one place: the plan, the online decision and every output use it.
import type { Impact } from './types.js';

/** Whether an impact blocks writes: a copy, a lock that stops writers, or an unknown answer; never on a table no one uses yet. */
export function blocksWrites(i: Impact): boolean {
  if (i.fresh) return false;
  return i.algorithm === null || i.algorithm === 'copy' || i.lock === null || i.lock === 'shared' || i.lock === 'exclusive';
}
