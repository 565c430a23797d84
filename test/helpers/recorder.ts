// A loopback stand-in for the GitHub REST API, a Slack incoming webhook and Jira's comment routes
// (REST v3 for Cloud, v2 for Data Center). The real octokit (getOctokit with baseUrl), the real
// IncomingWebhook and jira.js talk to it; it records every request and
// answers the routes changegate uses from small in-memory tables that tests can seed and inspect.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the server saw it. */
export interface RecordedRequest {
  method: string;
  /** Path with query string. */
  path: string;
  headers: http.IncomingHttpHeaders;
  /** Parsed JSON body, or the raw text when it is not JSON, or undefined when empty. */
  body: unknown;
  raw: string;
}

/** An issue or pull request comment. */
export interface StoredComment {
  id: number;
  issue: number;
  body: string;
  user: { login: string };
}

/** An issue (the drift issue, say). */
export interface StoredIssue {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  labels: string[];
  pull_request?: object;
}

/** A comment Jira accepted: the API version, the issue key, the body as sent and the Authorization header. */
export interface JiraComment {
  version: 2 | 3;
  issue: string;
  body: unknown;
  authorization: string | undefined;
}

/** A recording GitHub + Slack + Jira server on 127.0.0.1. */
export class Recorder {
  readonly requests: RecordedRequest[] = [];
  readonly comments: StoredComment[] = [];
  readonly issues: StoredIssue[] = [];
  /** Run id → the review log of GET /actions/runs/{id}/approvals. */
  readonly runApprovals = new Map<number, { state: string; user: { login: string }; environments: { name: string }[]; comment: string }[]>();
  /** Commit sha → pull requests of GET /commits/{sha}/pulls. */
  readonly commitPulls = new Map<string, { number: number; merge_commit_sha: string | null; merged_at: string | null }[]>();
  /** Pull number → reviews of GET /pulls/{n}/reviews. */
  readonly reviews = new Map<number, { id: number; user: { login: string }; state: string }[]>();
  /** Pull number → files of GET /pulls/{n}/files (a pull request not seeded here lists no files). */
  readonly pullFiles = new Map<number, { filename: string; status?: string }[]>();
  /** Comments the Jira routes accepted, oldest first. */
  readonly jiraComments: JiraComment[] = [];
  /** Status the Jira comment routes answer with: 201 stores the comment; 401 and 500 answer as Jira does. */
  jiraStatus = 201;
  /** Milliseconds the Jira routes wait before answering (a slow Jira). */
  jiraDelayMs = 0;
  /** Status GitHub's issue comment route answers with instead of storing (0: store). */
  issueCommentStatus = 0;
  /** Status the Slack route answers with; 200 answers "ok". */
  slackStatus = 200;
  /** Page size the list routes use when the client does not ask for one (small, to exercise pagination). */
  defaultPerPage = 30;
  /** Login the GitHub routes attribute new comments to. */
  login = 'github-actions[bot]';

  private server?: http.Server;
  private nextId = 1000;
  url = '';

  /** Starts listening on a free loopback port; `url` is then the base URL. */
  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        let body: unknown = undefined;
        if (raw) {
          try {
            body = JSON.parse(raw);
          } catch {
            body = raw;
          }
        }
        const rec: RecordedRequest = { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body, raw };
        this.requests.push(rec);
        try {
          this.route(rec, res);
        } catch (err) {
          this.json(res, 500, { message: String(err) });
        }
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** Stops the server. */
  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  /** The Slack webhook URL this recorder answers on. */
  get slackUrl(): string {
    return `${this.url}/slack/services/T000/B000/XXXX`;
  }

  /** Requests whose path starts with `prefix` (without the query string). */
  find(prefix: string): RecordedRequest[] {
    return this.requests.filter((r) => r.path.split('?')[0].startsWith(prefix));
  }

  /** Comments of one issue or pull request, oldest first. */
  commentsOn(issue: number): StoredComment[] {
    return this.comments.filter((c) => c.issue === issue);
  }

  /** Adds a comment as if someone had posted it. */
  seedComment(issue: number, body: string, login = 'someone'): StoredComment {
    const c = { id: this.nextId++, issue, body, user: { login } };
    this.comments.push(c);
    return c;
  }

  /** Adds an issue as if someone had opened it. */
  seedIssue(issue: Omit<StoredIssue, 'number'>): StoredIssue {
    const i = { number: this.nextNumber(), ...issue };
    this.issues.push(i);
    return i;
  }

  private nextNumber(): number {
    return this.issues.reduce((m, i) => Math.max(m, i.number), 0) + 1;
  }

  private json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(text);
  }

  // GitHub's list endpoints: `per_page`/`page` query parameters and a Link header with rel="next".
  private page<T>(res: http.ServerResponse, rec: RecordedRequest, items: T[]): void {
    const u = new URL(rec.path, this.url);
    const perPage = Number(u.searchParams.get('per_page') ?? this.defaultPerPage);
    const page = Number(u.searchParams.get('page') ?? 1);
    const slice = items.slice((page - 1) * perPage, page * perPage);
    const headers: Record<string, string> = {};
    if (page * perPage < items.length) {
      const next = new URL(u);
      next.searchParams.set('page', String(page + 1));
      next.searchParams.set('per_page', String(perPage));
      const last = new URL(u);
      last.searchParams.set('page', String(Math.ceil(items.length / perPage)));
      last.searchParams.set('per_page', String(perPage));
      headers.link = `<${next}>; rel="next", <${last}>; rel="last"`;
    }
    this.json(res, 200, slice, headers);
  }

  private commentJson(c: StoredComment): object {
    return { id: c.id, body: c.body, user: c.user, html_url: `${this.url}/comment/${c.id}` };
  }

  private issueJson(i: StoredIssue): object {
    return { ...i, labels: i.labels.map((name) => ({ name })), html_url: `${this.url}/issues/${i.number}` };
  }

  private route(rec: RecordedRequest, res: http.ServerResponse): void {
    const u = new URL(rec.path, this.url);
    const p = u.pathname;
    const m = rec.method;
    let g: RegExpMatchArray | null;

    if (p.startsWith('/slack/')) {
      if (m !== 'POST') return void this.json(res, 405, { message: 'method' });
      res.writeHead(this.slackStatus, { 'content-type': 'text/plain' });
      return void res.end(this.slackStatus === 200 ? 'ok' : this.slackStatus === 404 ? 'no_service' : 'internal_error');
    }

    if ((g = p.match(/\/rest\/api\/(2|3)\/issue\/([^/]+)\/comment$/)) && m === 'POST') {
      const version = Number(g[1]) as 2 | 3;
      const issue = decodeURIComponent(g[2]!);
      const answer = () => {
        if (this.jiraStatus === 401) {
          // Jira answers a bad token with a plain-text page, not its JSON error shape.
          res.writeHead(401, { 'content-type': 'text/plain;charset=UTF-8', 'www-authenticate': 'Basic realm="protected-area"' });
          return void res.end('Client must be authenticated to access this resource.');
        }
        if (this.jiraStatus !== 201) return this.json(res, this.jiraStatus, { errorMessages: ['Internal server error'], errors: {} });
        const id = this.nextId++;
        this.jiraComments.push({ version, issue, body: (rec.body as { body?: unknown } | undefined)?.body, authorization: rec.headers.authorization });
        this.json(res, 201, { id: String(id), self: `${this.url}/rest/api/${version}/issue/${issue}/comment/${id}` });
      };
      if (this.jiraDelayMs > 0) return void setTimeout(answer, this.jiraDelayMs);
      return answer();
    }

    const body = (rec.body ?? {}) as Record<string, unknown>;
    if ((g = p.match(/^\/repos\/[^/]+\/[^/]+\/issues\/(\d+)\/comments$/))) {
      const issue = Number(g[1]);
      if (m === 'GET') return this.page(res, rec, this.commentsOn(issue).map((c) => this.commentJson(c)));
      if (m === 'POST' && this.issueCommentStatus !== 0) return this.json(res, this.issueCommentStatus, { message: this.issueCommentStatus === 403 ? 'Resource not accessible by integration' : 'Server Error' });
      if (m === 'POST') {
        const c = { id: this.nextId++, issue, body: String(body.body), user: { login: this.login } };
        this.comments.push(c);
        return this.json(res, 201, this.commentJson(c));
      }
    }
    if ((g = p.match(/^\/repos\/[^/]+\/[^/]+\/issues\/comments\/(\d+)$/))) {
      const idx = this.comments.findIndex((c) => c.id === Number(g![1]));
      if (idx < 0) return this.json(res, 404, { message: 'Not Found' });
      if (m === 'PATCH') {
        this.comments[idx].body = String(body.body);
        return this.json(res, 200, this.commentJson(this.comments[idx]));
      }
      if (m === 'DELETE') {
        this.comments.splice(idx, 1);
        res.writeHead(204);
        return void res.end();
      }
    }
    if ((g = p.match(/^\/repos\/[^/]+\/[^/]+\/actions\/runs\/(\d+)\/approvals$/)) && m === 'GET') {
      return this.json(res, 200, this.runApprovals.get(Number(g[1])) ?? []);
    }
    if ((g = p.match(/^\/repos\/[^/]+\/[^/]+\/commits\/([^/]+)\/pulls$/)) && m === 'GET') {
      return this.page(res, rec, this.commitPulls.get(g[1]) ?? []);
    }
    if ((g = p.match(/^\/repos\/[^/]+\/[^/]+\/pulls\/(\d+)\/reviews$/)) && m === 'GET') {
      return this.page(res, rec, this.reviews.get(Number(g[1])) ?? []);
    }
    if ((g = p.match(/^\/repos\/[^/]+\/[^/]+\/pulls\/(\d+)\/files$/)) && m === 'GET') {
      const files = (this.pullFiles.get(Number(g[1])) ?? []).map((f, i) => ({
        sha: String(i + 1).padStart(40, '0'),
        filename: f.filename,
        status: f.status ?? 'added',
        additions: 1,
        deletions: 0,
        changes: 1,
      }));
      return this.page(res, rec, files);
    }
    if (p.match(/^\/repos\/[^/]+\/[^/]+\/issues$/)) {
      if (m === 'GET') {
        const state = u.searchParams.get('state') ?? 'open';
        const labels = (u.searchParams.get('labels') ?? '').split(',').filter(Boolean);
        const hits = this.issues.filter(
          (i) => (state === 'all' || i.state === state) && labels.every((l) => i.labels.includes(l)),
        );
        return this.page(res, rec, hits.map((i) => this.issueJson(i)));
      }
      if (m === 'POST') {
        const i: StoredIssue = {
          number: this.nextNumber(),
          title: String(body.title),
          body: String(body.body ?? ''),
          state: 'open',
          labels: (body.labels as string[] | undefined) ?? [],
        };
        this.issues.push(i);
        return this.json(res, 201, this.issueJson(i));
      }
    }
    if ((g = p.match(/^\/repos\/[^/]+\/[^/]+\/issues\/(\d+)$/)) && m === 'PATCH') {
      const i = this.issues.find((x) => x.number === Number(g![1]));
      if (!i) return this.json(res, 404, { message: 'Not Found' });
      if (typeof body.body === 'string') i.body = body.body;
      if (typeof body.title === 'string') i.title = body.title;
      if (body.state === 'open' || body.state === 'closed') i.state = body.state;
      if (Array.isArray(body.labels)) i.labels = body.labels as string[];
      return this.json(res, 200, this.issueJson(i));
    }
    if (p === '/search/issues' && m === 'GET') {
      // Enough of the search syntax for "label:x state:open is:issue".
      const q = u.searchParams.get('q') ?? '';
      const label = q.match(/label:"?([^"\s]+)"?/)?.[1];
      const state = q.match(/state:(open|closed)/)?.[1];
      const hits = this.issues.filter(
        (i) => (!label || i.labels.includes(label)) && (!state || i.state === state) && !(/is:issue/.test(q) && i.pull_request),
      );
      return this.json(res, 200, { total_count: hits.length, incomplete_results: false, items: hits.map((i) => this.issueJson(i)) });
    }
    this.json(res, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
  }
}
