import assert from 'node:assert/strict';
import { getOctokit } from '@actions/github';
import { findApprovals } from '../src/adapters/github/approvals.js';
import { Recorder } from './helpers/recorder.js';

describe('github approvals', () => {
  let rec: Recorder;
  beforeEach(async () => {
    rec = await new Recorder().start();
  });
  afterEach(() => rec.close());

  const octokit = () => getOctokit('ghs_test_token', { baseUrl: rec.url });
  const SHA = 'a'.repeat(40);

  it('finds the deployment approver and the approving reviewers of the merged pull request', async () => {
    rec.runApprovals.set(77, [
      { state: 'rejected', user: { login: 'carol' }, environments: [{ name: 'prod' }], comment: 'not yet' },
      { state: 'approved', user: { login: 'dave' }, environments: [{ name: 'qa' }], comment: '' },
      { state: 'approved', user: { login: 'erin' }, environments: [{ name: 'prod' }], comment: 'go' },
    ]);
    rec.commitPulls.set(SHA, [
      { number: 12, merge_commit_sha: 'b'.repeat(40), merged_at: null },
      { number: 42, merge_commit_sha: SHA, merged_at: '2026-11-24T10:00:00Z' },
    ]);
    rec.reviews.set(42, [
      { id: 1, user: { login: 'frank' }, state: 'APPROVED' },
      { id: 2, user: { login: 'grace' }, state: 'CHANGES_REQUESTED' },
      { id: 3, user: { login: 'heidi' }, state: 'APPROVED' },
      { id: 4, user: { login: 'frank' }, state: 'COMMENTED' },
      { id: 5, user: { login: 'heidi' }, state: 'DISMISSED' },
      { id: 6, user: { login: 'grace' }, state: 'APPROVED' },
    ]);
    const got = await findApprovals(octokit(), { owner: 'acme', repo: 'invoicing', runId: 77, sha: SHA, environment: 'prod' });
    assert.deepEqual(got, { approver: 'erin', reviewers: ['frank', 'grace'] });
    assert.deepEqual(
      rec.requests.map((r) => `${r.method} ${r.path.split('?')[0]}`),
      [
        'GET /repos/acme/invoicing/actions/runs/77/approvals',
        `GET /repos/acme/invoicing/commits/${SHA}/pulls`,
        'GET /repos/acme/invoicing/pulls/42/reviews',
      ],
    );
  });

  it('without an environment filter takes the latest approval of any environment', async () => {
    rec.runApprovals.set(78, [
      { state: 'approved', user: { login: 'erin' }, environments: [{ name: 'prod' }], comment: '' },
      { state: 'approved', user: { login: 'dave' }, environments: [{ name: 'qa' }], comment: '' },
    ]);
    const got = await findApprovals(octokit(), { owner: 'acme', repo: 'invoicing', runId: 78, sha: SHA });
    assert.deepEqual(got, { approver: 'dave', reviewers: [] });
  });

  it('reports no approver for a run nobody had to approve, and follows review pages', async () => {
    rec.commitPulls.set(SHA, [{ number: 9, merge_commit_sha: null, merged_at: null }]);
    rec.reviews.set(9, Array.from({ length: 130 }, (_, i) => ({ id: i, user: { login: `r${i % 3}` }, state: 'APPROVED' })));
    const got = await findApprovals(octokit(), { owner: 'acme', repo: 'invoicing', runId: 79, sha: SHA });
    assert.deepEqual(got, { approver: null, reviewers: ['r0', 'r1', 'r2'] });
    assert.equal(rec.find('/repos/acme/invoicing/pulls/9/reviews').length, 2);
  });

  it('fails with the API error when the token may not read the run', async () => {
    await rec.close();
    rec = await new Recorder().start();
    const bad = getOctokit('ghs_test_token', { baseUrl: `${rec.url}/nowhere` });
    await assert.rejects(findApprovals(bad, { owner: 'acme', repo: 'invoicing', runId: 1, sha: SHA }), /Not Found/);
  });
});
