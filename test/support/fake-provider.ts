/**
 * A GitHub-like provider behind the fake platform's /proxy. It only answers requests carrying the
 * token the platform injects (401 otherwise): a passing test proves the credential came from the
 * platform, never from Ferry.
 *
 * Routes:
 * - GET  /user                                   -> { login }
 * - GET  /repos/:owner/:repo/issues?page&per_page -> Link-header pagination (6 issues, 3 pages of 2 by default)
 * - GET  /repos/:owner/:repo/pulls?cursor&limit   -> cursor pagination in the body: { items, next_cursor } (3 pages)
 * - POST /repos/:owner/:repo/issues               -> 201 with the created issue (an action)
 * - GET  /flaky/429/:key                          -> 429 with Retry-After once per key, then 200
 * - GET  /flaky/500/:key                          -> 500 once per key, then 200
 */
import { startServer, type TestRequest, type TestResponse } from './http.js';

export interface FakeProviderOptions {
    /** The Authorization value required, e.g. 'Bearer ghp_…' (the platform's providerToken). */
    token?: string;
    issueCount?: number;
    pullCount?: number;
    /** Seconds sent in Retry-After by /flaky/429; default '1'. */
    retryAfter?: string;
}

export interface FakeProvider {
    url: string;
    token: string;
    /** Every request, including rejected ones. */
    requests: (TestRequest & { receivedAt: number })[];
    /** Change the required token (e.g. to the platform's once it has started). */
    setToken(token: string): void;
    close(): Promise<void>;
}

export interface FakeIssue {
    id: number;
    number: number;
    title: string;
    state: 'open' | 'closed';
    user: { login: string };
    labels: { name: string }[];
    created_at: string;
}

export function fakeIssue(n: number): FakeIssue {
    return {
        id: 1000 + n,
        number: n,
        title: `Issue number ${n}`,
        state: n % 3 === 0 ? 'closed' : 'open',
        user: { login: `user${n % 4}` },
        labels: n % 2 === 0 ? [{ name: 'bug' }] : [],
        created_at: new Date(Date.UTC(2024, 0, n)).toISOString()
    };
}

export async function startFakeProvider(options: FakeProviderOptions = {}): Promise<FakeProvider> {
    let token = options.token ?? 'Bearer ghp_fakeprovidertoken';
    const issueCount = options.issueCount ?? 6;
    const pullCount = options.pullCount ?? 6;
    const failedOnce = new Set<string>();
    const requests: (TestRequest & { receivedAt: number })[] = [];
    let baseUrl = '';

    const route = (req: TestRequest): TestResponse => {
        if (req.headers['authorization'] !== token) {
            return { status: 401, body: { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' } };
        }
        let match: RegExpExecArray | null;
        if (req.method === 'GET' && req.path === '/user') return { body: { login: 'octocat', id: 1 } };

        if ((match = /^\/repos\/([^/]+)\/([^/]+)\/issues$/.exec(req.path))) {
            const [, owner, repo] = match;
            if (req.method === 'POST') {
                const body = req.json<{ title?: string; body?: string }>();
                if (!body?.title) return { status: 422, body: { message: 'Validation Failed', errors: [{ field: 'title', code: 'missing_field' }] } };
                return { status: 201, body: { ...fakeIssue(issueCount + 1), title: body.title, body: body.body ?? null, html_url: `https://github.example/${owner}/${repo}/issues/${issueCount + 1}` } };
            }
            if (req.method !== 'GET') return { status: 405, body: { message: 'Method not allowed' } };
            const perPage = Math.max(1, Number(req.query.get('per_page') ?? 2));
            const page = Math.max(1, Number(req.query.get('page') ?? 1));
            const last = Math.max(1, Math.ceil(issueCount / perPage));
            const items = Array.from({ length: issueCount }, (_, i) => fakeIssue(i + 1)).slice((page - 1) * perPage, page * perPage);
            const link = (p: number, rel: string): string => `<${baseUrl}/repos/${owner}/${repo}/issues?per_page=${perPage}&page=${p}>; rel="${rel}"`;
            const links = [...(page < last ? [link(page + 1, 'next'), link(last, 'last')] : []), ...(page > 1 ? [link(1, 'first'), link(page - 1, 'prev')] : [])];
            return {
                headers: {
                    'content-type': 'application/json; charset=utf-8',
                    ...(links.length ? { link: links.join(', ') } : {}),
                    'x-ratelimit-remaining': '4999'
                },
                body: items
            };
        }

        if (req.method === 'GET' && (match = /^\/repos\/([^/]+)\/([^/]+)\/pulls$/.exec(req.path))) {
            const limit = Math.max(1, Number(req.query.get('limit') ?? 2));
            const start = req.query.get('cursor') ? Number(Buffer.from(req.query.get('cursor')!, 'base64url').toString()) : 0;
            const items = Array.from({ length: pullCount }, (_, i) => ({ id: `pr-${i + 1}`, title: `Pull request ${i + 1}`, merged: i % 2 === 0 })).slice(start, start + limit);
            const next = start + limit < pullCount ? Buffer.from(String(start + limit)).toString('base64url') : null;
            return { body: { items, next_cursor: next } };
        }

        if (req.method === 'GET' && (match = /^\/flaky\/(429|500)\/([^/]+)$/.exec(req.path))) {
            const [, kind, id] = match;
            const onceKey = `${kind}/${id}`;
            if (!failedOnce.has(onceKey)) {
                failedOnce.add(onceKey);
                return kind === '429'
                    ? { status: 429, headers: { 'retry-after': options.retryAfter ?? '1' }, body: { message: 'API rate limit exceeded' } }
                    : { status: 500, body: { message: 'Server Error' } };
            }
            return { body: { ok: true, key: id } };
        }
        return { status: 404, body: { message: 'Not Found' } };
    };

    const server = await startServer((req) => {
        requests.push(Object.assign(req, { receivedAt: Date.now() }));
        return route(req);
    });
    baseUrl = server.url;
    return {
        url: server.url,
        get token() {
            return token;
        },
        requests,
        setToken: (value) => {
            token = value;
        },
        close: () => server.close()
    };
}
