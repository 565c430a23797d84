// The one way changegate gets an authenticated GitHub REST client.
import { getOctokit } from '@actions/github';

/** The octokit that @actions/github builds (REST methods plus `paginate`). */
export type Octokit = ReturnType<typeof getOctokit>;

/**
 * An octokit for `token`. The API URL is `baseUrl` when given, else GITHUB_API_URL (set by Actions,
 * and by tests pointing at a recorder), else https://api.github.com.
 */
export function githubClient(token: string, baseUrl?: string): Octokit {
  return getOctokit(token, baseUrl ? { baseUrl } : {});
}
