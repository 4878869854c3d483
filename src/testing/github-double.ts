// A GitHub REST double for the end-to-end test and the benchmarks: a real HTTP server holding
// pull requests, issues, labels, comments, check runs and workflow dispatches in memory, so the
// real Probot/Octokit clients run unchanged against it (GitHub itself cannot be reached here).
// It authenticates like GitHub: app endpoints take an RS256 JWT signed with the app's key,
// repository endpoints take an installation token it issued. Only the endpoints AEGIS calls exist;
// anything else is a 404 that names the route, so a new call shows up as a test failure.
import { createPublicKey, verify } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface DoublePull {
  number: number;
  title: string;
  body: string;
  head: string;
  headSha: string;
  base: string;
  /** GitHub's base.sha: the base branch's commit the PR was last compared with. */
  baseSha?: string;
  state: 'open' | 'closed';
  merged: boolean;
  /** GitHub's merge_commit_sha: the merge (or squash) commit once merged. */
  mergeCommitSha?: string;
  labels: string[];
  createdAt: string;
  closedAt?: string;
  reviews: number;
}

export interface DoubleIssue {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  labels: string[];
  createdAt: string;
}

export interface DoubleComment {
  id: number;
  issue: number;
  body: string;
  /** The app whose token wrote it (default the AEGIS app): its bot is the author, as on GitHub. */
  appId?: number;
}

export interface DoubleCheckRun {
  id: number;
  name: string;
  headSha: string;
  status: string;
  externalId?: string;
  /** The app whose token created it: only that app may modify it, as on GitHub. */
  appId: number;
  conclusion?: string;
  title?: string;
  summary?: string;
  detailsUrl?: string;
  /** requested_action buttons. */
  actions?: { label: string; description: string; identifier: string }[];
}

/** The app the double's installation tokens belong to, and the one GitHub Actions' GITHUB_TOKEN does. */
export const DOUBLE_APP_ID = 1;
export const ACTIONS_APP_ID = 15368;

/** A workflow run, as a test puts it there (the double runs no workflows). */
export interface DoubleWorkflowRun {
  id: number;
  workflowId: number;
  headSha: string;
  status: string;
}

export interface RepoState {
  pulls: DoublePull[];
  issues: DoubleIssue[];
  comments: DoubleComment[];
  checkRuns: DoubleCheckRun[];
  dispatches: { workflow: string; ref: string; inputs: Record<string, string> }[];
  workflowRuns: DoubleWorkflowRun[];
}

export interface GitHubDoubleOptions {
  /** PEM of the app's private key: JWTs must verify against it. */
  privateKey: string;
  /** `owner/repo` → installation id; other repositories answer 404 (app not installed). */
  installations: Record<string, number>;
  /** Resolves the head sha of a branch when a PR is opened (e.g. from the bare repository). */
  headSha?: (owner: string, repo: string, branch: string) => string;
  /** Installation tokens accepted without the app's JWT exchange (for tests of one module). */
  tokens?: string[];
  /**
   * Tokens of the GitHub Actions app (a workflow's GITHUB_TOKEN): accepted like `tokens`, but they
   * cannot modify check runs the AEGIS app created (GitHub answers 403 "Invalid app_id").
   */
  actionsTokens?: string[];
  /**
   * Performs PUT /pulls/:n/merge on the git side (e.g. a merge commit in the bare repository) and
   * returns the merge commit's sha; without it merging answers 405.
   */
  merge?: (owner: string, repo: string, pull: DoublePull) => string;
  /** `login` → role name (admin, maintain, write, triage, read); others are not collaborators. */
  roles?: Record<string, string>;
}

export interface GitHubDouble {
  url: string;
  repo(owner: string, repo: string): RepoState;
  /** Every request as `METHOD /path`, in order. */
  requests: string[];
  /** Marks a PR merged as a person merging it on GitHub would (the git side is the test's). */
  mergePull(owner: string, repo: string, number: number, mergeCommitSha: string): DoublePull;
  /** Makes the next `count` requests matching `METHOD /path-regex` fail with `status`. */
  failNext(
    route: RegExp,
    status: number,
    count?: number,
    message?: string,
    headers?: Record<string, string>,
  ): void;
  close(): Promise<void>;
}

type Handler = (req: Request) => { status: number; body?: unknown };
interface Request {
  method: string;
  path: string;
  params: string[];
  query: URLSearchParams;
  body: Record<string, unknown>;
  repo: RepoState;
  owner: string;
  name: string;
  /** The app of the caller's token. */
  appId: number;
}

export async function startGitHubDouble(options: GitHubDoubleOptions): Promise<GitHubDouble> {
  const publicKey = createPublicKey(options.privateKey);
  const repos = new Map<string, RepoState>();
  const tokens = new Set<string>(options.tokens ?? []);
  const actionsTokens = new Set<string>(options.actionsTokens ?? []);
  const requests: string[] = [];
  const failures: {
    route: RegExp;
    status: number;
    count: number;
    message: string;
    headers: Record<string, string>;
  }[] = [];
  let nextId = 1000;
  let baseUrl = '';

  const repoState = (owner: string, name: string): RepoState => {
    const key = `${owner}/${name}`.toLowerCase();
    let state = repos.get(key);
    if (!state) {
      state = { pulls: [], issues: [], comments: [], checkRuns: [], dispatches: [], workflowRuns: [] };
      repos.set(key, state);
    }
    return state;
  };
  const now = () => new Date().toISOString();
  const nextNumber = (r: RepoState) =>
    1 + Math.max(0, ...r.pulls.map((p) => p.number), ...r.issues.map((i) => i.number));
  const html = (req: Request, kind: string, n: number) =>
    `https://github.com/${req.owner}/${req.name}/${kind}/${n}`;
  const labelObjects = (labels: string[]) => labels.map((name) => ({ name }));

  const pullJson = (req: Request, p: DoublePull) => ({
    number: p.number,
    html_url: html(req, 'pull', p.number),
    title: p.title,
    body: p.body,
    state: p.state,
    merged: p.merged,
    merged_at: p.merged ? (p.closedAt ?? now()) : null,
    merge_commit_sha: p.mergeCommitSha ?? null,
    closed_at: p.closedAt ?? null,
    created_at: p.createdAt,
    labels: labelObjects(p.labels),
    head: {
      ref: p.head,
      sha: p.headSha,
      label: `${req.owner}:${p.head}`,
      repo: { full_name: `${req.owner}/${req.name}` },
    },
    base: { ref: p.base, sha: p.baseSha ?? null, repo: { full_name: `${req.owner}/${req.name}` } },
    user: { login: 'aegis[bot]', type: 'Bot' },
  });
  const issueJson = (req: Request, item: DoublePull | DoubleIssue) => {
    const pull = 'head' in item;
    return {
      number: item.number,
      html_url: html(req, pull ? 'pull' : 'issues', item.number),
      title: item.title,
      body: item.body,
      state: item.state,
      labels: labelObjects(item.labels),
      created_at: item.createdAt,
      updated_at: item.createdAt,
      ...(pull ? { pull_request: { merged_at: item.merged ? (item.closedAt ?? now()) : null } } : {}),
    };
  };
  /** The bot a GitHub App's token writes as: the workflow's GITHUB_TOKEN is github-actions[bot]. */
  const appBot = (appId: number) => ({
    login: appId === ACTIONS_APP_ID ? 'github-actions[bot]' : 'aegis[bot]',
    type: 'Bot',
  });
  const appSlug = (appId: number) => (appId === ACTIONS_APP_ID ? 'github-actions' : 'aegis');
  const commentJson = (c: DoubleComment) => {
    const appId = c.appId ?? DOUBLE_APP_ID;
    return {
      id: c.id,
      body: c.body,
      user: appBot(appId),
      performed_via_github_app: { id: appId, slug: appSlug(appId) },
    };
  };
  const checkRunJson = (run: DoubleCheckRun) => ({
    id: run.id,
    name: run.name,
    head_sha: run.headSha,
    status: run.status,
    conclusion: run.conclusion ?? null,
    external_id: run.externalId ?? null,
    details_url: run.detailsUrl ?? null,
    output: { title: run.title ?? null, summary: run.summary ?? null },
    app: { id: run.appId, slug: appSlug(run.appId) },
  });
  const updateCheckRun = (run: DoubleCheckRun, body: Record<string, unknown>) => {
    if (typeof body.status === 'string') run.status = body.status;
    if (typeof body.conclusion === 'string')
      Object.assign(run, { conclusion: body.conclusion, status: 'completed' });
    const output = body.output as { title?: unknown; summary?: unknown } | undefined;
    if (typeof output?.title === 'string') run.title = output.title;
    if (typeof output?.summary === 'string') {
      // GitHub refuses a summary over 65535 characters.
      if (output.summary.length > 65_535) throw new DoubleError(422, 'output.summary is too long');
      run.summary = output.summary;
    }
    if (typeof body.details_url === 'string') run.detailsUrl = body.details_url;
    if (Array.isArray(body.actions)) run.actions = body.actions as DoubleCheckRun['actions'];
  };
  const find = (req: Request, n: number) =>
    req.repo.pulls.find((p) => p.number === n) ?? req.repo.issues.find((i) => i.number === n);

  const routes: [string, RegExp, Handler][] = [
    [
      'GET',
      /^\/repos\/([^/]+)\/([^/]+)\/pulls$/,
      (req) => {
        const head = req.query.get('head')?.split(':')[1];
        const state = req.query.get('state') ?? 'open';
        const perPage = Number(req.query.get('per_page') ?? 30);
        const page = Number(req.query.get('page') ?? 1);
        const pulls = req.repo.pulls
          .filter((p) => (state === 'all' ? true : p.state === state) && (!head || p.head === head))
          .sort((a, b) => b.number - a.number)
          .slice((page - 1) * perPage, page * perPage);
        return { status: 200, body: pulls.map((p) => pullJson(req, p)) };
      },
    ],
    [
      'POST',
      /^\/repos\/([^/]+)\/([^/]+)\/pulls$/,
      (req) => {
        const head = String(req.body.head);
        if (req.repo.pulls.some((p) => p.head === head && p.state === 'open'))
          return {
            status: 422,
            body: {
              message: 'Validation Failed',
              errors: [
                {
                  resource: 'PullRequest',
                  code: 'custom',
                  message: `A pull request already exists for ${req.owner}:${head}.`,
                },
              ],
            },
          };
        const pull: DoublePull = {
          number: nextNumber(req.repo),
          title: String(req.body.title),
          body: String(req.body.body ?? ''),
          head,
          headSha: options.headSha?.(req.owner, req.name, head) ?? '0'.repeat(40),
          base: String(req.body.base),
          state: 'open',
          merged: false,
          labels: [],
          createdAt: now(),
          reviews: 0,
        };
        req.repo.pulls.push(pull);
        return { status: 201, body: pullJson(req, pull) };
      },
    ],
    [
      'GET',
      /^\/repos\/([^/]+)\/([^/]+)\/pulls\/(\d+)$/,
      (req) => {
        const pull = req.repo.pulls.find((p) => p.number === Number(req.params[2]));
        return pull
          ? { status: 200, body: pullJson(req, pull) }
          : { status: 404, body: { message: 'Not Found' } };
      },
    ],
    [
      'PATCH',
      /^\/repos\/([^/]+)\/([^/]+)\/pulls\/(\d+)$/,
      (req) => {
        const pull = req.repo.pulls.find((p) => p.number === Number(req.params[2]));
        if (!pull) return { status: 404, body: { message: 'Not Found' } };
        if (typeof req.body.title === 'string') pull.title = req.body.title;
        if (typeof req.body.body === 'string') pull.body = req.body.body;
        if (req.body.state === 'closed') Object.assign(pull, { state: 'closed', closedAt: now() });
        return { status: 200, body: pullJson(req, pull) };
      },
    ],
    [
      'PUT',
      /^\/repos\/([^/]+)\/([^/]+)\/pulls\/(\d+)\/merge$/,
      (req) => {
        const pull = req.repo.pulls.find((p) => p.number === Number(req.params[2]));
        if (!pull) return { status: 404, body: { message: 'Not Found' } };
        if (pull.state !== 'open' || !options.merge)
          return { status: 405, body: { message: 'Pull Request is not mergeable' } };
        const sha = options.merge(req.owner, req.name, pull);
        Object.assign(pull, { state: 'closed', merged: true, mergeCommitSha: sha, closedAt: now() });
        return { status: 200, body: { sha, merged: true, message: 'Pull Request successfully merged' } };
      },
    ],
    [
      'GET',
      /^\/repos\/([^/]+)\/([^/]+)\/collaborators\/([^/]+)\/permission$/,
      (req) => {
        const login = decodeURIComponent(req.params[2] ?? '');
        const role = options.roles?.[login];
        if (!role) return { status: 404, body: { message: 'Not Found' } };
        // The legacy field folds maintain into write and triage into read, as GitHub does.
        const permission = role === 'maintain' ? 'write' : role === 'triage' ? 'read' : role;
        return { status: 200, body: { permission, role_name: role, user: { login } } };
      },
    ],
    [
      'POST',
      /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)\/reactions$/,
      (req) => ({ status: 201, body: { id: nextId++, content: String(req.body.content) } }),
    ],
    [
      'GET',
      /^\/repos\/([^/]+)\/([^/]+)\/pulls\/(\d+)\/reviews$/,
      (req) => {
        const pull = req.repo.pulls.find((p) => p.number === Number(req.params[2]));
        return {
          status: 200,
          body: Array.from({ length: pull?.reviews ?? 0 }, (_, i) => ({ id: i + 1, state: 'COMMENTED' })),
        };
      },
    ],
    [
      'GET',
      /^\/repos\/([^/]+)\/([^/]+)\/issues$/,
      (req) => {
        const state = req.query.get('state') ?? 'open';
        const labels = (req.query.get('labels') ?? '').split(',').filter(Boolean);
        const items = [...req.repo.pulls, ...req.repo.issues]
          .filter((i) => (state === 'all' || i.state === state) && labels.every((l) => i.labels.includes(l)))
          .sort((a, b) => b.number - a.number);
        return { status: 200, body: items.map((i) => issueJson(req, i)) };
      },
    ],
    [
      'POST',
      /^\/repos\/([^/]+)\/([^/]+)\/issues$/,
      (req) => {
        const issue: DoubleIssue = {
          number: nextNumber(req.repo),
          title: String(req.body.title),
          body: String(req.body.body ?? ''),
          state: 'open',
          labels: (req.body.labels as string[] | undefined) ?? [],
          createdAt: now(),
        };
        req.repo.issues.push(issue);
        return { status: 201, body: issueJson(req, issue) };
      },
    ],
    [
      'PATCH',
      /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)$/,
      (req) => {
        const item = find(req, Number(req.params[2]));
        if (!item) return { status: 404, body: { message: 'Not Found' } };
        if (typeof req.body.title === 'string') item.title = req.body.title;
        if (typeof req.body.body === 'string') item.body = req.body.body;
        if (Array.isArray(req.body.labels)) item.labels = req.body.labels as string[];
        if (req.body.state === 'closed') {
          item.state = 'closed';
          if ('head' in item) (item as DoublePull).closedAt = now();
        }
        return { status: 200, body: issueJson(req, item) };
      },
    ],
    [
      'POST',
      /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/labels$/,
      (req) => {
        const item = find(req, Number(req.params[2]));
        if (!item) return { status: 404, body: { message: 'Not Found' } };
        for (const label of (req.body.labels as string[] | undefined) ?? [])
          if (!item.labels.includes(label)) item.labels.push(label);
        return { status: 200, body: labelObjects(item.labels) };
      },
    ],
    [
      'DELETE',
      /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/labels\/([^/]+)$/,
      (req) => {
        const item = find(req, Number(req.params[2]));
        const label = decodeURIComponent(req.params[3] ?? '');
        if (!item?.labels.includes(label)) return { status: 404, body: { message: 'Label does not exist' } };
        item.labels = item.labels.filter((l) => l !== label);
        return { status: 200, body: labelObjects(item.labels) };
      },
    ],
    [
      'GET',
      /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/,
      (req) => ({
        status: 200,
        body: req.repo.comments.filter((c) => c.issue === Number(req.params[2])).map(commentJson),
      }),
    ],
    [
      'POST',
      /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/,
      (req) => {
        const comment = {
          id: nextId++,
          issue: Number(req.params[2]),
          body: String(req.body.body),
          appId: req.appId,
        };
        req.repo.comments.push(comment);
        return { status: 201, body: commentJson(comment) };
      },
    ],
    [
      'PATCH',
      /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/,
      (req) => {
        const comment = req.repo.comments.find((c) => c.id === Number(req.params[2]));
        if (!comment) return { status: 404, body: { message: 'Not Found' } };
        comment.body = String(req.body.body);
        return { status: 200, body: commentJson(comment) };
      },
    ],
    [
      'POST',
      /^\/repos\/([^/]+)\/([^/]+)\/check-runs$/,
      (req) => {
        const run: DoubleCheckRun = {
          id: nextId++,
          name: String(req.body.name),
          headSha: String(req.body.head_sha),
          status: String(req.body.status ?? 'queued'),
          ...(req.body.external_id ? { externalId: String(req.body.external_id) } : {}),
          appId: req.appId,
        };
        updateCheckRun(run, req.body);
        req.repo.checkRuns.push(run);
        return { status: 201, body: checkRunJson(run) };
      },
    ],
    [
      'GET',
      /^\/repos\/([^/]+)\/([^/]+)\/commits\/([^/]+)\/check-runs$/,
      (req) => {
        const name = req.query.get('check_name');
        const runs = req.repo.checkRuns
          .filter((run) => run.headSha === req.params[2] && (!name || run.name === name))
          .sort((a, b) => b.id - a.id);
        return { status: 200, body: { total_count: runs.length, check_runs: runs.map(checkRunJson) } };
      },
    ],
    [
      'PATCH',
      /^\/repos\/([^/]+)\/([^/]+)\/check-runs\/(\d+)$/,
      (req) => {
        const run = req.repo.checkRuns.find((r) => r.id === Number(req.params[2]));
        if (!run) return { status: 404, body: { message: 'Not Found' } };
        if (run.appId !== req.appId)
          return {
            status: 403,
            body: {
              message: `Invalid app_id \`${req.appId}\` - check run can only be modified by the GitHub App that created it.`,
            },
          };
        updateCheckRun(run, req.body);
        return { status: 200, body: checkRunJson(run) };
      },
    ],
    [
      'POST',
      /^\/repos\/([^/]+)\/([^/]+)\/actions\/workflows\/([^/]+)\/dispatches$/,
      (req) => {
        req.repo.dispatches.push({
          workflow: decodeURIComponent(req.params[2] ?? ''),
          ref: String(req.body.ref),
          inputs: (req.body.inputs as Record<string, string> | undefined) ?? {},
        });
        return { status: 204 };
      },
    ],
    [
      'GET',
      /^\/repos\/([^/]+)\/([^/]+)\/actions\/workflows\/(\d+)\/runs$/,
      (req) => {
        const headSha = req.query.get('head_sha');
        const runs = req.repo.workflowRuns.filter(
          (r) => r.workflowId === Number(req.params[2]) && (!headSha || r.headSha === headSha),
        );
        return {
          status: 200,
          body: {
            total_count: runs.length,
            workflow_runs: runs.map((r) => ({ id: r.id, head_sha: r.headSha, status: r.status })),
          },
        };
      },
    ],
  ];

  const appJwtValid = (authorization: string | undefined): boolean => {
    const token = /^(?:bearer|token) (.+)$/i.exec(authorization ?? '')?.[1];
    const [header, payload, signature] = token?.split('.') ?? [];
    if (!header || !payload || !signature) return false;
    return verify(
      'RSA-SHA256',
      Buffer.from(`${header}.${payload}`),
      publicKey,
      Buffer.from(signature, 'base64url'),
    );
  };
  const installationFor = (owner: string, repo: string) =>
    options.installations[`${owner}/${repo}`.toLowerCase()] ?? options.installations[`${owner}/${repo}`];

  const server = http.createServer((incoming, res) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (c: Buffer) => chunks.push(c));
    incoming.on('end', () => {
      const url = new URL(incoming.url ?? '/', 'http://double');
      const method = incoming.method ?? 'GET';
      const line = `${method} ${url.pathname}`;
      requests.push(line);
      const send = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
        res.end(body === undefined ? '' : JSON.stringify(body));
      };
      const failure = failures.find((f) => f.count > 0 && f.route.test(line));
      if (failure) {
        failure.count -= 1;
        return send(failure.status, { message: failure.message }, failure.headers);
      }
      const authorization = incoming.headers.authorization;

      // App endpoints (JWT).
      const install = /^\/repos\/([^/]+)\/([^/]+)\/installation$/.exec(url.pathname);
      const tokenRoute = /^\/app\/installations\/(\d+)\/access_tokens$/.exec(url.pathname);
      if (install || tokenRoute) {
        if (!appJwtValid(authorization))
          return send(401, { message: 'A JSON web token could not be decoded' });
        if (install && method === 'GET') {
          const id = installationFor(install[1] ?? '', install[2] ?? '');
          return id === undefined ? send(404, { message: 'Not Found' }) : send(200, { id, app_id: 1 });
        }
        if (tokenRoute && method === 'POST') {
          const token = `ghs_double${String(nextId++).padStart(30, '0')}`;
          tokens.add(token);
          return send(201, {
            token,
            expires_at: new Date(Date.now() + 3_600_000).toISOString(),
            permissions: { contents: 'write', pull_requests: 'write', issues: 'write', checks: 'write' },
            repository_selection: 'all',
          });
        }
      }

      const given = /^(?:token|bearer) (.+)$/i.exec(authorization ?? '')?.[1];
      const appId = !given
        ? undefined
        : tokens.has(given)
          ? DOUBLE_APP_ID
          : actionsTokens.has(given)
            ? ACTIONS_APP_ID
            : undefined;
      if (appId === undefined) return send(401, { message: 'Bad credentials' });
      for (const [verb, pattern, handler] of routes) {
        const match = pattern.exec(url.pathname);
        if (verb !== method || !match) continue;
        let body: Record<string, unknown> = {};
        try {
          body = chunks.length
            ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>)
            : {};
        } catch {
          return send(400, { message: 'Problems parsing JSON' });
        }
        const [owner, name] = [match[1] ?? '', match[2] ?? ''];
        try {
          const out = handler({
            method,
            path: url.pathname,
            params: match.slice(1),
            query: url.searchParams,
            body,
            repo: repoState(owner, name),
            owner,
            name,
            appId,
          });
          return send(out.status, out.body);
        } catch (error: unknown) {
          if (error instanceof DoubleError) return send(error.status, { message: error.message });
          throw error;
        }
      }
      send(404, { message: `Not Found (the GitHub double has no route for ${line})` });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: baseUrl,
    repo: repoState,
    requests,
    mergePull(owner, repo, number, mergeCommitSha) {
      const pull = repoState(owner, repo).pulls.find((p) => p.number === number);
      if (!pull) throw new Error(`no pull request #${number} in ${owner}/${repo}`);
      Object.assign(pull, { state: 'closed', merged: true, mergeCommitSha, closedAt: now() });
      return pull;
    },
    failNext(route, status, count = 1, message = 'Server Error', headers = {}) {
      failures.push({ route, status, count, message, headers });
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** A handler's refusal with GitHub's status and message. */
class DoubleError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}
