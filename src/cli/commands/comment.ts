// `changegate comment --pull-request N` (or `--pr N`): the plan of each environment, posted on the pull request once and
// updated in place. An environment this job cannot read (PROD from a PR job) says so instead.
import { UsageError } from '../../core/errors.js';
import type { CommandContext } from '../context.js';
import { scope, type Scope } from '../flow.js';
import { planWithImpact } from '../impact-step.js';
import { loadConfigOrFail } from '../load.js';
import { environmentsInOrder } from '../../core/manifest/environments.js';

// A fleet in the comment: the plan of its biggest group with work to do, and a line per group.
async function fleetComment(ctx: CommandContext, s: Scope, pr: number | null) {
  const { fleetPlans, groupLines } = await import('../fleet/plan.js');
  const { outcomes, groups } = await fleetPlans(ctx, s, [], pr);
  const pending = groups.find((g) => g.kind === 'pending');
  const plan = pending?.plan ?? { environment: s.env.name, snapshot: { required: false, reason: 'nothing pending' }, changes: [], applied: [] };
  const notes = [`${outcomes.length} targets: ${groupLines(groups, outcomes).join('; ')}`];
  const odd = groups.filter((g) => g.kind !== 'pending' && g.kind !== 'up-to-date');
  return { name: s.env.name, plan, notes, ...(odd.length > 0 ? { unavailable: odd.map((g) => g.reasons[0] ?? g.kind).join('; ') } : {}) };
}

/** Builds the comment and upserts it; a GitHub failure is exit 1. */
export default async function comment(ctx: CommandContext, opts: { pullRequest?: string; pr?: string; env?: string[] }): Promise<number> {
  const given = opts.pullRequest ?? opts.pr;
  if (given === undefined) throw new UsageError('comment needs --pull-request <number>');
  const pr = Number(given);
  if (!Number.isInteger(pr) || pr < 1) throw new UsageError(`--pull-request must be a pull request number, not "${given}"`);
  const token = ctx.env.GITHUB_TOKEN;
  const repository = ctx.env.GITHUB_REPOSITORY;
  if (!token || !repository) throw new UsageError('comment needs GITHUB_TOKEN and GITHUB_REPOSITORY (set by GitHub Actions)');
  const config = loadConfigOrFail(ctx);
  const wanted = opts.env ?? environmentsInOrder(config).map((e) => e.name);
  const environments = [];
  for (const name of environmentsInOrder(config).map((e) => e.name).filter((n) => wanted.includes(n))) {
    const s = scope(ctx, name);
    try {
      if (s.env.fleet) {
        environments.push(await fleetComment(ctx, s, s.env.pull_requests ? pr : null));
        continue;
      }
      const { plan, problems, lifecycle } = await planWithImpact(ctx, s, s.env.pull_requests ? pr : null);
      const provisional = lifecycle.mine.map((r) => ({ id: r.changeId, rollback: !!r.pullRequest?.rollback }));
      const extra = { ...(provisional.length ? { provisional } : {}), ...(lifecycle.notes.length ? { notes: lifecycle.notes } : {}) };
      environments.push(problems.length > 0 ? { name, plan, unavailable: problems.map((p) => p.message).join('; '), ...extra } : { name, plan, ...extra });
    } catch (err) {
      environments.push({ name, unavailable: `not readable from this job (${err instanceof Error ? err.message.split('\n')[0] : String(err)})` });
    }
  }
  const { renderPlanComment, upsertPlanComment } = await import('../../adapters/github/comment.js');
  const { githubClient } = await import('../../adapters/github/client.js');
  const octokit = githubClient(token, ctx.env.GITHUB_API_URL);
  const [owner, repo] = repository.split('/') as [string, string];
  // The PR's own changes: the diagram follows them through the environments even after QA applied them.
  const files = await octokit.paginate(octokit.rest.pulls.listFiles, { owner, repo, pull_number: pr, per_page: 100 });
  const focus = files
    .map((f) => /^changes\/(.+)\.ya?ml$/.exec(f.filename)?.[1])
    .filter((id): id is string => !!id);
  const body = renderPlanComment({
    repository, prNumber: pr, environments, focus,
    ...(ctx.env.GITHUB_RUN_ID ? { runUrl: `${ctx.env.GITHUB_SERVER_URL ?? 'https://github.com'}/${repository}/actions/runs/${ctx.env.GITHUB_RUN_ID}` } : {}),
  });
  const result = await upsertPlanComment(octokit, { owner, repo, prNumber: pr, body });
  ctx.out.info(`plan comment ${result.action} on pull request #${pr}`);
  ctx.out.setDocument({ pr, result });
  return 0;
}
