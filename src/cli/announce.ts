// Telling the team and recording the teammate's approval: Slack on start, success and failure, and
// the deployment approver from GitHub. Neither ever fails a deploy; problems become warnings.
import type { Plan } from '../core/plan-types.js';
import { RefusedError } from '../core/errors.js';
import type { Config, EnvironmentConfig } from '../core/types.js';
import type { CommandContext } from './context.js';

/** One moment of a run to tell the team about. */
export interface Announcement {
  phase: 'start' | 'success' | 'failure';
  environment: string;
  plan: Plan;
  approver: string | null;
  runUrl: string | null;
  snapshotId?: string | null;
  error?: string;
  changeId?: string;
}

/** Posts to Slack when `notify.slack` names a webhook variable that is set; warns on failure. */
export async function announce(ctx: CommandContext, config: Config, a: Announcement): Promise<void> {
  const slack = config.notify?.slack;
  if (!slack || !ctx.env[slack.webhook_env]) return;
  const { notifySlack } = await import('../adapters/slack/notify.js');
  const warning = await notifySlack(
    {
      phase: a.phase,
      environment: a.environment,
      database: config.database,
      changes: a.plan.changes.map((c) => ({ id: c.id, ticket: c.ticket, title: c.title })),
      approver: a.approver,
      snapshotId: a.snapshotId ?? null,
      ...(a.runUrl ? { runUrl: a.runUrl } : {}),
      ...(a.error ? { error: a.error } : {}),
      ...(slack.channel ? { channel: slack.channel } : {}),
    },
    { webhookEnv: slack.webhook_env, env: ctx.env },
  );
  if (warning) ctx.out.warn(warning);
}

/** Who approved a run: the deployment approver and the PR's reviewers (GitHub's ApprovalRecord). */
export interface Approvals {
  approver: string | null;
  reviewers: string[];
}

/** The approvals as one history value: `alice, reviewer:bob`; null when nobody is known. */
export function approverText(found: Approvals): string | null {
  const parts = [found.approver, ...found.reviewers.filter((r) => r !== found.approver).map((r) => `reviewer:${r}`)].filter(Boolean);
  return parts.length > 0 ? parts.join(', ') : null;
}

/**
 * In a GitHub Actions job with a token: who approved this run's deployment and the PR's reviewers,
 * for the history and the summary. Null outside Actions or when the lookup fails (a warning).
 */
export async function ciApprovals(ctx: CommandContext): Promise<Approvals | null> {
  const e = ctx.env;
  if (e.GITHUB_ACTIONS !== 'true' || !e.GITHUB_TOKEN || !e.GITHUB_REPOSITORY || !e.GITHUB_RUN_ID || !e.GITHUB_SHA) return null;
  const [owner, repo] = e.GITHUB_REPOSITORY.split('/') as [string, string];
  try {
    const { githubClient } = await import('../adapters/github/client.js');
    const { findApprovals } = await import('../adapters/github/approvals.js');
    const found = await findApprovals(githubClient(e.GITHUB_TOKEN, e.GITHUB_API_URL), {
      owner, repo, runId: Number(e.GITHUB_RUN_ID), sha: e.GITHUB_SHA, ...(e.CHANGEGATE_ENVIRONMENT ? { environment: e.CHANGEGATE_ENVIRONMENT } : {}),
    });
    const parts = [found.approver ? `deployment approved by ${found.approver}` : null, found.reviewers.length ? `PR reviewed by ${found.reviewers.join(', ')}` : null].filter(Boolean);
    if (parts.length) ctx.out.info(`approvals: ${parts.join('; ')}`);
    return found;
  } catch (err) {
    ctx.out.warn(`could not read this run's approvals from GitHub: ${err instanceof Error ? err.message : String(err)}`);
    return null;
  }
}

/**
 * The approvals of this run, refusing (exit 1) an `approval: required` environment in GitHub Actions
 * when GitHub reports no approved deployment review and no `--approved-by` was given: the GitHub
 * environment is only a gate when it has required reviewers, so apply and restore insist on the review.
 */
export async function requireCiApproval(ctx: CommandContext, env: EnvironmentConfig, approvedBy: string | undefined): Promise<Approvals | null> {
  const approvals = await ciApprovals(ctx);
  if (env.approval === 'required' && ctx.env.GITHUB_ACTIONS === 'true' && !approvedBy && !approvals?.approver) {
    throw new RefusedError(
      `refused: ${env.name} requires approval, but GitHub reports no approved deployment review of this run for environment ${env.name}; ` +
        `give the ${env.name} environment required reviewers (and the job actions: read and GITHUB_TOKEN)`,
    );
  }
  return approvals;
}
