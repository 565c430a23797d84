// "Teammate verification", recorded: who approved the deployment to the GitHub environment, and who
// approved the pull request that brought the commit.
import type { Octokit } from './client.js';

/** The deployment approver and the pull request's approving reviewers of one run. */
export interface ApprovalRecord {
  /** Login of whoever approved this run's deployment most recently, or null when nobody had to. */
  approver: string | null;
  /** Logins whose latest decisive review of the commit's pull request is an approval, in the order they first reviewed. */
  reviewers: string[];
}

/**
 * Looks up a run's approvals: GET /repos/{o}/{r}/actions/runs/{run_id}/approvals for the deployment
 * approver (restricted to `environment` when given), then the pull request that contains `sha`
 * (the merged one when several) and its reviews. Needs `actions: read` and `pull-requests: read`.
 */
export async function findApprovals(
  octokit: Octokit,
  args: { owner: string; repo: string; runId: number; sha: string; environment?: string },
): Promise<ApprovalRecord> {
  const { owner, repo, runId, sha, environment } = args;

  const { data: log } = await octokit.rest.actions.getReviewsForRun({ owner, repo, run_id: runId });
  // The review log has no timestamps; GitHub appends to it, so the last matching entry is the latest.
  const approvals = log.filter(
    (e) =>
      e.state === 'approved' &&
      (!environment || (e.environments ?? []).some((env) => env.name === environment)),
  );
  const approver = approvals.length > 0 ? approvals[approvals.length - 1].user?.login ?? null : null;

  const { data: pulls } = await octokit.rest.repos.listPullRequestsAssociatedWithCommit({
    owner,
    repo,
    commit_sha: sha,
  });
  const pull = pulls.find((p) => p.merge_commit_sha === sha) ?? pulls.find((p) => p.merged_at) ?? pulls[0];
  if (!pull) return { approver, reviewers: [] };

  const reviews = await octokit.paginate(octokit.rest.pulls.listReviews, {
    owner,
    repo,
    pull_number: pull.number,
    per_page: 100,
  });
  // A later comment does not withdraw an approval; a later change request or dismissal does.
  const latest = new Map<string, string>();
  for (const r of reviews) {
    const login = r.user?.login;
    if (!login || r.state === 'COMMENTED' || r.state === 'PENDING') continue;
    latest.set(login, r.state);
  }
  const reviewers = [...latest].filter(([, state]) => state === 'APPROVED').map(([login]) => login);
  return { approver, reviewers };
}
