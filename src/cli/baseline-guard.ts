// apply's one rule about baselines: the baseline change recreates a schema, so it runs only where the
// schema is empty (a new environment built from the repository). An environment that already has a
// schema but no record of the baseline is refused: running it there would fail on the first CREATE,
// or worse, and recording it is `changegate baseline`'s job, which proves the schema matches first.
import { missingBaselineMessage } from '../core/baseline.js';
import { RefusedError } from '../core/errors.js';
import type { Plan } from '../core/plan-types.js';
import type { Scope } from './flow.js';
import type { OpenEnvironment } from './target.js';

/** Throws exit 1 when the plan would run the baseline change from its start on a schema that is not empty. */
export async function refuseBaselineOverSchema(s: Scope, open: OpenEnvironment, plan: Plan): Promise<void> {
  const first = plan.changes.find((c) => s.byId.get(c.id)?.baseline === true && c.resumeFrom === 1);
  if (!first) return;
  const { schemaIsEmpty } = await import('../adapters/mysql/baseline-sql.js');
  if (!(await schemaIsEmpty(open.target.connection, open.target.schema))) throw new RefusedError(missingBaselineMessage(s.env.name, first.id));
}
