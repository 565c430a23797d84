// The gates every run that changes a target passes, in one place: the plan with the pull-request
// lifecycle and the promotion gate, the refusal of a plan with problems, the approval a reviewer
// gives, and a baseline over a schema that already exists.
import { missingBaselineMessage } from '../baseline.js';
import { RefusedError, UsageError } from '../errors.js';
import type { RunnerFacts } from '../guards.js';
import { planEnvironment, promotionProblems, type IntegrityProblem, type PlanResult } from '../plan.js';
import type { Plan } from '../plan-types.js';
import { lifecycleView, type LifecycleView } from '../provisional.js';
import type { Change, Config, EnvironmentConfig, HistoryRecord } from '../types.js';
import type { Approvals, RunPorts } from './ports.js';

/** A loaded repository and the environment a command runs on. */
export interface Scope {
  config: Config;
  changes: Change[];
  byId: Map<string, Change>;
  env: EnvironmentConfig;
}

/** The environment named `name`, or a usage error (exit 2) listing the configured ones. */
export function environmentOf(config: Config, name: string): EnvironmentConfig {
  const env = config.environments.find((e) => e.name === name);
  if (!env) {
    throw new UsageError(`unknown environment "${name}"; ${config.file} configures ${config.environments.map((e) => e.name).join(', ')}`);
  }
  return env;
}

/**
 * Plans, after sorting the history by the pull-request lifecycle (`pr`: the pull request this run is
 * for, null on the default branch: what to undo, what to adopt, whose provisional changes to ignore),
 * and adds the promotion gate's problems when the environment comes `after` another.
 */
export async function planWithGates(
  s: Scope,
  history: HistoryRecord[],
  pr: number | null,
  readHistory: RunPorts['readHistory'],
): Promise<PlanResult & { lifecycle: LifecycleView }> {
  const lifecycle = lifecycleView(s.changes, history, s.env, pr);
  const result = { ...planEnvironment(s.changes, lifecycle.history, s.env), lifecycle };
  result.problems.push(...lifecycle.problems);
  if (s.env.after && result.plan.changes.length > 0) {
    const afterEnv = environmentOf(s.config, s.env.after);
    result.problems.push(...promotionProblems(result.plan, s.byId, await readHistory(afterEnv), afterEnv.name));
  }
  return result;
}

/** Refuses (exit 1) listing every problem, when there is any. */
export function refuseProblems(env: string, problems: IntegrityProblem[]): void {
  if (problems.length === 0) return;
  const lines = problems.map((p) => `  ${p.message}`).join('\n');
  throw new RefusedError(`${env}: ${problems.length} problem(s) stop this run before anything executes:\n${lines}`);
}

/** The approvals as one history value: `alice, reviewer:bob`; null when nobody is known. */
export function approverText(found: Approvals): string | null {
  const parts = [found.approver, ...found.reviewers.filter((r) => r !== found.approver).map((r) => `reviewer:${r}`)].filter(Boolean);
  return parts.length > 0 ? parts.join(', ') : null;
}

/**
 * The second half of the approval gate, right before anything changes: an `approval: required`
 * environment (or `risky`, for a rollback or a restore; apply passes its plan's verdict) in GitHub Actions is refused when GitHub reports no approved deployment review and
 * no `--approved-by` was given, since the GitHub environment gates only when it has required
 * reviewers. Returns the approvals and the approver to record.
 */
export async function requireApproval(
  env: EnvironmentConfig,
  facts: RunnerFacts,
  approvals: RunPorts['approvals'],
  known: string | null,
): Promise<{ approvals: Approvals | null; approver: string | null }> {
  const found = await approvals();
  if ((env.approval === 'required' || env.approval === 'risky') && facts.inActions && !facts.approvedBy && !found?.approver) {
    throw new RefusedError(
      `refused: ${env.name} requires approval, but GitHub reports no approved deployment review of this run for environment ${env.name}; ` +
        `give the ${env.name} environment required reviewers (and the job actions: read and GITHUB_TOKEN)`,
    );
  }
  return { approvals: found, approver: known ?? (found ? approverText(found) : null) };
}

/**
 * The baseline change recreates a schema, so it runs only where the schema is empty (a new
 * environment built from the repository). Where a schema exists without a record of the baseline,
 * running it would fail on its first CREATE or worse; recording it is `baseline`'s job, which
 * proves the schema matches first. Refuses (exit 1) in that case.
 */
export async function refuseBaselineOverSchema(s: Scope, plan: Plan, schemaIsEmpty: () => Promise<boolean>): Promise<void> {
  const first = plan.changes.find((c) => s.byId.get(c.id)?.baseline === true && c.resumeFrom === 1);
  if (first && !(await schemaIsEmpty())) throw new RefusedError(missingBaselineMessage(s.env.name, first.id));
}
