/**
 * A fake GitHub for `ferry clone`: the contents API (folder listings as JSON) and the raw-content
 * host (file bodies), served from in-memory trees on 127.0.0.1. Point the CLI at it with
 * `fake.env` (FERRY_GITHUB_API_URL / FERRY_GITHUB_RAW_URL). It can also answer like GitHub does
 * when the rate limit is used up, and cut the connection on chosen files (a network failure).
 */
import { startServer, type TestRequest, type TestResponse, type TestServer } from './http.js';

/** Repository path (`integrations/github/actions/list-repos.ts`) -> file content. */
export type FakeTree = Record<string, string>;

export interface FakeGitHubOptions {
    /** `owner/name` -> ref -> tree. The ref `HEAD` is answered with `defaultBranch`. */
    repos?: Record<string, Record<string, FakeTree>>;
    defaultBranch?: string;
}

export interface FakeGitHub {
    url: string;
    /** Environment that points the CLI at this server. */
    env: Record<string, string>;
    requests: TestRequest[];
    /** Answer API requests with 403 and x-ratelimit-remaining: 0 (raw downloads still work, like on GitHub). */
    rateLimited: boolean;
    /** Epoch seconds sent in x-ratelimit-reset while rate-limited. */
    rateLimitReset: number;
    /** Raw paths (repository paths) whose download drops the connection. */
    brokenFiles: Set<string>;
    apiRequests(): TestRequest[];
    rawRequests(): TestRequest[];
    close(): Promise<void>;
}

const RAW_PREFIX = '/raw';

export async function startFakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
    const repos = options.repos ?? {};
    const defaultBranch = options.defaultBranch ?? 'main';
    const state = { rateLimited: false, rateLimitReset: Math.floor(Date.now() / 1000) + 600 };
    const brokenFiles = new Set<string>();

    const treeFor = (repo: string, ref: string | null): FakeTree | 'no-repo' | 'no-ref' => {
        const refs = repos[repo];
        if (!refs) return 'no-repo';
        const tree = refs[!ref || ref === 'HEAD' ? defaultBranch : ref];
        return tree ?? 'no-ref';
    };

    const server: TestServer = await startServer((req, res): TestResponse | undefined => {
        if (req.method !== 'GET') return { status: 405, body: { message: 'Method not allowed' } };

        if (req.path.startsWith(`${RAW_PREFIX}/`)) {
            // /raw/<owner>/<name>/<ref>/<path...>
            const [owner, name, ref, ...rest] = req.path.slice(RAW_PREFIX.length + 1).split('/').map(decodeURIComponent);
            const path = rest.join('/');
            const tree = treeFor(`${owner}/${name}`, ref ?? null);
            if (typeof tree === 'string' || tree[path] === undefined) return { status: 404, headers: { 'content-type': 'text/plain' }, body: Buffer.from('404: Not Found') };
            if (brokenFiles.has(path)) {
                res.destroy();
                return;
            }
            return { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: Buffer.from(tree[path]!, 'utf8') };
        }

        const api = /^\/repos\/([^/]+)\/([^/]+)(?:\/contents(?:\/(.*))?)?$/.exec(req.path);
        if (state.rateLimited) {
            return {
                status: 403,
                headers: { 'x-ratelimit-limit': '60', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(state.rateLimitReset) },
                body: { message: 'API rate limit exceeded for 127.0.0.1.', documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api' }
            };
        }
        if (!api) return { status: 404, body: { message: 'Not Found' } };
        const repo = `${decodeURIComponent(api[1]!)}/${decodeURIComponent(api[2]!)}`;
        const isContents = req.path.includes('/contents');
        if (!isContents) {
            return repos[repo] ? { status: 200, body: { full_name: repo, default_branch: defaultBranch } } : { status: 404, body: { message: 'Not Found' } };
        }
        const ref = req.query.get('ref');
        const tree = treeFor(repo, ref);
        if (tree === 'no-repo') return { status: 404, body: { message: 'Not Found' } };
        if (tree === 'no-ref') return { status: 404, body: { message: `No commit found for the ref ${ref}` } };
        const dir = (api[3] ?? '').split('/').map(decodeURIComponent).join('/').replace(/\/+$/, '');
        if (tree[dir] !== undefined) {
            return { status: 200, body: { type: 'file', name: dir.split('/').at(-1), path: dir, size: tree[dir]!.length } };
        }
        const prefix = dir === '' ? '' : `${dir}/`;
        const children = new Map<string, 'file' | 'dir'>();
        for (const path of Object.keys(tree)) {
            if (!path.startsWith(prefix)) continue;
            const [head, ...more] = path.slice(prefix.length).split('/');
            children.set(head!, more.length > 0 ? 'dir' : 'file');
        }
        if (children.size === 0) return { status: 404, body: { message: 'Not Found' } };
        return {
            status: 200,
            body: [...children.entries()]
                .sort(([a], [b]) => a.localeCompare(b))
                .map(([name, type]) => ({ name, path: `${prefix}${name}`, type, sha: '0'.repeat(40), size: type === 'file' ? tree[`${prefix}${name}`]!.length : 0 }))
        };
    });

    return {
        url: server.url,
        env: { FERRY_GITHUB_API_URL: server.url, FERRY_GITHUB_RAW_URL: `${server.url}${RAW_PREFIX}` },
        requests: server.requests,
        get rateLimited() {
            return state.rateLimited;
        },
        set rateLimited(value: boolean) {
            state.rateLimited = value;
        },
        get rateLimitReset() {
            return state.rateLimitReset;
        },
        set rateLimitReset(value: number) {
            state.rateLimitReset = value;
        },
        brokenFiles,
        apiRequests: () => server.requests.filter((r) => r.path.startsWith('/repos/')),
        rawRequests: () => server.requests.filter((r) => r.path.startsWith(`${RAW_PREFIX}/`)),
        close: () => server.close()
    };
}

/**
 * Templates shaped like NangoHQ/integration-templates: functions importing 'nango' and zod,
 * helpers under `../helpers/`, a shared models file, a mapper, an index re-export and a
 * type-only import. Another integration is there so listings have more than one entry.
 */
export const TEMPLATE_TREE: FakeTree = {
    'integrations/github/models.ts': `import { z } from 'zod';

export const GithubRepo = z.object({
    id: z.string(),
    owner: z.string(),
    name: z.string(),
    full_name: z.string(),
    url: z.string()
});
export type GithubRepo = z.infer<typeof GithubRepo>;

export const GithubIssue = z.object({
    id: z.string(),
    title: z.string(),
    state: z.string()
});
export type GithubIssue = z.infer<typeof GithubIssue>;
`,
    'integrations/github/types.ts': `// Shapes of GitHub's API answers, as the templates read them.
export interface GithubRepoResponse {
    id: number;
    name: string;
    full_name: string;
    html_url: string;
    owner: { login: string };
}

export interface GithubIssueResponse {
    id: number;
    title: string;
    state: string;
}
`,
    'integrations/github/helpers/paginate.ts': `import type { NangoAction, ProxyConfiguration } from 'nango';
import { PER_PAGE } from './constants.js';

/** Every page of a GitHub list endpoint. */
export async function getAll<T>(nango: NangoAction, endpoint: string): Promise<T[]> {
    const records: T[] = [];
    const config: ProxyConfiguration = { endpoint, paginate: { limit: PER_PAGE } };
    for await (const batch of nango.paginate<T>(config)) {
        records.push(...batch);
    }
    return records;
}
`,
    'integrations/github/helpers/constants.ts': `export const PER_PAGE = 100;
`,
    'integrations/github/mappers/index.ts': `export { toRepo } from './to-repo.js';
`,
    'integrations/github/mappers/to-repo.ts': `import type { GithubRepo } from '../models.js';
import type { GithubRepoResponse } from '../types.js';

export function toRepo(repo: GithubRepoResponse): GithubRepo {
    return { id: String(repo.id), owner: repo.owner.login, name: repo.name, full_name: repo.full_name, url: repo.html_url };
}
`,
    'integrations/github/actions/list-repos.ts': `import { createAction } from 'nango';
import { z } from 'zod';
import { getAll } from '../helpers/paginate.js';
import { toRepo } from '../mappers/index.js';
import { GithubRepo } from '../models.js';
import type { GithubRepoResponse } from '../types.js';

// Lists the repositories of the user and of their organisations.
export default createAction({
    description: 'List the repositories the connection can see',
    version: '1.0.0',
    endpoint: { method: 'GET', path: '/repos', group: 'Repositories' },
    input: z.object({}),
    output: z.object({ repos: z.array(GithubRepo) }),
    scopes: ['repo'],
    exec: async (nango) => {
        const repos = await getAll<GithubRepoResponse>(nango, '/user/repos');
        return { repos: repos.map(toRepo) };
    }
});
`,
    'integrations/github/actions/get-issue.ts': `import { createAction } from 'nango';
import { z } from 'zod';
import { GithubIssue } from '../models.js';
import type { GithubIssueResponse } from '../types.js';

export default createAction({
    description: 'Fetch one issue',
    version: '1.0.0',
    endpoint: { method: 'GET', path: '/issue', group: 'Issues' },
    input: z.object({ owner: z.string(), repo: z.string(), number: z.number() }),
    output: GithubIssue,
    exec: async (nango, input) => {
        const response = await nango.get<GithubIssueResponse>({ endpoint: \`/repos/\${input.owner}/\${input.repo}/issues/\${input.number}\` });
        return { id: String(response.data.id), title: response.data.title, state: response.data.state };
    }
});
`,
    'integrations/github/syncs/issues.ts': `import { createSync } from 'nango';
import { getAll } from '../helpers/paginate.js';
import { GithubIssue } from '../models.js';
import type { GithubIssueResponse } from '../types.js';

export default createSync({
    description: 'Every issue of the repositories the connection can see',
    version: '1.0.0',
    frequency: 'every hour',
    autoStart: true,
    syncType: 'full',
    endpoints: [{ method: 'GET', path: '/issues', group: 'Issues' }],
    models: { GithubIssue },
    exec: async (nango) => {
        const issues = await getAll<GithubIssueResponse>(nango, '/issues');
        await nango.batchSave(issues.map((i) => ({ id: String(i.id), title: i.title, state: i.state })), 'GithubIssue');
    }
});
`,
    'integrations/github/on-events/post-connection.ts': `import { createOnEvent } from 'nango';

export default createOnEvent({
    description: 'Logs the new connection',
    event: 'post-connection-creation',
    exec: async (nango) => {
        await nango.log('connected to GitHub');
    }
});
`,
    'integrations/github/actions/list-repos.md': '# List repositories\n',
    'integrations/github/README.md': '# GitHub templates\n',
    'integrations/slack/actions/send-message.ts': `import { createAction } from 'nango';
import { z } from 'zod';

export default createAction({
    description: 'Send a message',
    input: z.object({ channel: z.string(), text: z.string() }),
    output: z.object({ ok: z.boolean() }),
    exec: async (nango, input) => {
        await nango.post({ endpoint: '/chat.postMessage', data: input });
        return { ok: true };
    }
});
`,
    'README.md': '# Templates\n'
};
