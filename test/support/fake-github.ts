/**
 * A fake GitHub for `ferry clone`: the contents API (folder listings as JSON) and the raw-content
 * host (file bodies), served from in-memory trees on 127.0.0.1. Point the CLI at it with
 * `fake.env` (FERRY_GITHUB_API_URL / FERRY_GITHUB_RAW_URL). It can also answer like GitHub does
 * when the rate limit is used up, and cut the connection on chosen files (a network failure).
 */
import { readFixtureFiles } from './function-project.js';
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
 * type-only import. Another integration is there so listings have more than one entry. The files
 * live in test/fixtures/projects/clone-templates, type-checked.
 */
export const TEMPLATE_TREE: FakeTree = await readFixtureFiles('clone-templates');
