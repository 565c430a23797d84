// Telling the team and recording the teammate's approval: Slack on start, success and failure, and
// the deployment approver from GitHub. Neither ever fails a deploy; problems become warnings.
import type { Change, Config } from '../core/types.js';
import type { Announcement, Approvals } from '../core/usecases/ports.js';
import type { CommandContext } from './context.js';
import { countsText } from './fleet/render.js';
import { tellTickets } from './tickets.js';

/**
 * Posts to Slack when `notify.slack` names a webhook variable that is set, and comments on the
 * changes' tickets when `notify.ticket` is set (`changes` gives their per-environment tickets); warns on failure.
 */
export async function announce(ctx: CommandContext, config: Config, a: Announcement, changes?: ReadonlyMap<string, Change>): Promise<void> {
  await announceSlack(ctx, config, a);
  await tellTickets(ctx, config, a, changes);
}

async function announceSlack(ctx: CommandContext, config: Config, a: Announcement): Promise<void> {
  const slack = config.notify?.slack;
  // A refusal before the run started is the tickets' to record; the channel hears of runs.
  if (!slack || !ctx.env[slack.webhook_env] || a.phase === 'refused') return;
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
      ...onlineTables(a),
      ...(a.fleet ? { fleet: { targets: a.fleet.targets, counts: countsText(a.fleet.counts), odd: a.fleet.odd } } : {}),
      ...(a.emergency ? { emergency: a.emergency } : {}),
    },
    { webhookEnv: slack.webhook_env, env: ctx.env },
  );
  if (warning) ctx.out.warn(warning);
}

// The tables a run rebuilds online, as a start message names them.
function onlineTables(a: Announcement): { online?: string[] } {
  const tables = a.plan.changes.flatMap((c) =>
    c.statements.filter((s) => s.n >= c.resumeFrom && s.online?.tool).map((s) => `${s.impact?.table ?? s.online!.table} (${s.online!.tool}, ${c.id} statement ${s.n})`),
  );
  return tables.length > 0 ? { online: tables } : {};
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
