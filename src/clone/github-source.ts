/**
 * Templates from a GitHub repository: folder listings through the contents API, file bodies from
 * the raw-content host (which does not count against the API's hourly limit). Both hosts can be
 * pointed elsewhere (GitHub Enterprise, tests). The token only ever travels in a header.
 */
import { EnvHttpProxyAgent, request, errors as undiciErrors, type Dispatcher } from 'undici';
import { setMaxListeners } from 'node:events';
import { FerryError, errnoCode } from '../errors.js';
import { VERSION } from '../version.js';
import { DEFAULT_TEMPLATES_REPO, type RepoRef } from './spec.js';
import type { SourceEntry, TemplateSource } from './source.js';

export const DEFAULT_API_URL = 'https://api.github.com';
export const DEFAULT_RAW_URL = 'https://raw.githubusercontent.com';
export const API_URL_VARIABLE = 'FERRY_GITHUB_API_URL';
export const RAW_URL_VARIABLE = 'FERRY_GITHUB_RAW_URL';

export interface GitHubSourceOptions {
    repo: RepoRef;
    /** Branch, tag or commit; the repository's default branch when absent. */
    ref?: string | undefined;
    env: NodeJS.ProcessEnv;
    timeoutMs?: number;
    debug?: (message: string) => void;
    dispatcher?: Dispatcher;
}

/** The part of a contents-API folder listing clone reads; a hand check keeps zod out of this path. */
function parseListing(parsed: unknown[]): { entries: SourceEntry[] } | { problem: string } {
    const entries: SourceEntry[] = [];
    for (const [i, item] of parsed.entries()) {
        const entry = item as { name?: unknown; type?: unknown } | null;
        if (typeof entry !== 'object' || entry === null || typeof entry.name !== 'string' || typeof entry.type !== 'string') {
            return { problem: `entry ${i} has no string name and type` };
        }
        // A name is one path segment: '../x.ts' or 'a/b.ts' would write outside the folder it was listed in.
        if (!isPlainName(entry.name)) return { problem: `entry ${i} has the name ${JSON.stringify(entry.name).slice(0, 80)}, which is not a file name` };
        entries.push({ name: entry.name, kind: entry.type === 'dir' ? 'dir' : entry.type === 'file' ? 'file' : 'other' });
    }
    return { entries };
}

function isPlainName(name: string): boolean {
    return name !== '' && name !== '.' && name !== '..' && !/[/\\\x00-\x1f\x7f]/.test(name);
}

interface Answer {
    status: number;
    headers: Record<string, string>;
    body: Buffer;
}

/** The GitHub token from the environment: GITHUB_TOKEN, else GH_TOKEN (the GitHub CLI's name). */
export function githubToken(env: NodeJS.ProcessEnv): { token: string; variable: string } | undefined {
    for (const variable of ['GITHUB_TOKEN', 'GH_TOKEN']) {
        const token = env[variable]?.trim();
        if (token) return { token, variable };
    }
    return undefined;
}

function baseUrl(env: NodeJS.ProcessEnv, variable: string, fallback: string): string {
    const value = env[variable]?.trim() || fallback;
    try {
        const url = new URL(value);
        if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http');
    } catch {
        throw new FerryError({
            code: 'CLONE_BAD_URL',
            message: `${variable} is not an http(s) URL: '${value}'`,
            hint: `Set ${variable} to a URL such as ${fallback}, or unset it.`
        });
    }
    return value.replace(/\/+$/, '');
}

const encodePath = (path: string): string => path.split('/').map(encodeURIComponent).join('/');

export function openGitHubSource(options: GitHubSourceOptions): TemplateSource {
    const { repo, ref, env } = options;
    const apiUrl = baseUrl(env, API_URL_VARIABLE, DEFAULT_API_URL);
    const rawUrl = baseUrl(env, RAW_URL_VARIABLE, DEFAULT_RAW_URL);
    const auth = githubToken(env);
    const timeoutMs = options.timeoutMs ?? 30_000;
    const dispatcher = options.dispatcher ?? new EnvHttpProxyAgent({ connect: { timeout: 10_000 }, keepAliveTimeout: 10_000 });
    const controller = new AbortController();
    // Every request listens on this one signal; dozens of files are not a listener leak.
    setMaxListeners(0, controller.signal);
    const repoName = `${repo.owner}/${repo.name}`;
    /** GitHub's message for each listing that answered 404: it tells an unknown ref from a missing path. */
    const notFoundMessages = new Map<string, string>();

    const get = async (url: string, accept: string): Promise<Answer> => {
        const started = Date.now();
        try {
            const response = await request(url, {
                method: 'GET',
                dispatcher,
                signal: controller.signal,
                headers: {
                    'user-agent': `ferry/${VERSION}`,
                    accept,
                    'x-github-api-version': '2022-11-28',
                    ...(auth ? { authorization: `Bearer ${auth.token}` } : {})
                },
                headersTimeout: timeoutMs,
                bodyTimeout: timeoutMs
            });
            const body = Buffer.from(await response.body.arrayBuffer());
            const headers: Record<string, string> = {};
            for (const [key, value] of Object.entries(response.headers)) {
                if (value !== undefined) headers[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
            }
            options.debug?.(`GET ${url} -> ${response.statusCode} (${Date.now() - started} ms)`);
            return { status: response.statusCode, headers, body };
        } catch (error) {
            if (controller.signal.aborted) throw new CloneAborted();
            throw networkError(error, url);
        }
    };

    const failure = (answer: Answer, what: string): FerryError => statusError(answer, what, repoName, auth?.variable, auth?.token);

    return {
        label: `${repoName}@${ref ?? 'HEAD'}`,
        templatesDir: 'integrations',
        origin: { repo: repoName, ref: ref ?? 'HEAD' },
        flags: [
            ...(repoName.toLowerCase() === DEFAULT_TEMPLATES_REPO.toLowerCase() ? [] : ['--repo', repoName]),
            ...(ref === undefined ? [] : ['--ref', ref])
        ],

        async list(dir) {
            const query = ref ? `?ref=${encodeURIComponent(ref)}` : '';
            const answer = await get(`${apiUrl}/repos/${repoName}/contents/${encodePath(dir)}${query}`, 'application/vnd.github+json');
            if (answer.status === 404) {
                notFoundMessages.set(dir, serverMessage(answer.body) ?? '');
                return undefined;
            }
            if (answer.status < 200 || answer.status >= 300) throw failure(answer, `the listing of ${dir}`);
            let parsed: unknown;
            try {
                parsed = JSON.parse(answer.body.toString('utf8'));
            } catch {
                throw badAnswer(apiUrl, dir, 'the body is not JSON');
            }
            // A file's path answers with one object, not a list: that is not a folder.
            if (!Array.isArray(parsed)) return undefined;
            const result = parseListing(parsed);
            if ('problem' in result) throw badAnswer(apiUrl, dir, result.problem);
            return result.entries;
        },

        async read(path) {
            const answer = await get(`${rawUrl}/${repoName}/${encodePath(ref ?? 'HEAD')}/${encodePath(path)}`, '*/*');
            if (answer.status === 404) return undefined;
            if (answer.status < 200 || answer.status >= 300) throw failure(answer, path);
            return answer.body;
        },

        async explainMissingRoot() {
            const message = notFoundMessages.get('integrations') ?? '';
            if (ref && /no commit found/i.test(message)) {
                return new FerryError({
                    code: 'CLONE_REF_NOT_FOUND',
                    message: `${repoName} has no branch, tag or commit '${ref}'`,
                    hint: 'Check --ref, or leave it out to use the default branch.',
                    details: { repo: repoName, ref }
                });
            }
            const answer = await get(`${apiUrl}/repos/${repoName}`, 'application/vnd.github+json');
            if (answer.status === 404) {
                return new FerryError({
                    code: 'CLONE_REPO_NOT_FOUND',
                    message: `GitHub has no repository ${repoName}${auth ? ' that this token can see' : ''}`,
                    hint: auth
                        ? `Check --repo, and that ${auth.variable} has access to the repository.`
                        : 'Check --repo; for a private repository set GITHUB_TOKEN to a token that can read it.',
                    details: { repo: repoName }
                });
            }
            if (answer.status < 200 || answer.status >= 300) return failure(answer, `repository ${repoName}`);
            return new FerryError({
                code: 'CLONE_NO_TEMPLATES',
                message: `${repoName}${ref ? ` at '${ref}'` : ''} has no integrations/ folder`,
                hint: 'Templates live under integrations/<integration>/ in the repository: check --repo and --ref.',
                details: { repo: repoName, ...(ref ? { ref } : {}) }
            });
        },

        abort() {
            controller.abort();
        },

        async close() {
            await dispatcher.close().catch(() => undefined);
        }
    };
}

/** A request stopped because another one already failed: never shown, the first error is. */
export class CloneAborted extends Error {
    constructor() {
        super('aborted after another request failed');
        this.name = 'CloneAborted';
    }
}

function serverMessage(body: Buffer): string | undefined {
    const text = body.toString('utf8').trim();
    if (!text) return undefined;
    try {
        const json = JSON.parse(text) as { message?: unknown };
        if (typeof json.message === 'string') return json.message.split('\n')[0]!.slice(0, 200);
    } catch {
        // Raw host answers in plain text.
    }
    return text.split('\n')[0]!.slice(0, 200);
}

/** `14:05 UTC (in 12 min)` from an epoch-seconds header. */
export function describeReset(resetEpochSeconds: string | undefined, now = Date.now()): string | undefined {
    const seconds = Number(resetEpochSeconds);
    if (!resetEpochSeconds || !Number.isFinite(seconds) || seconds <= 0) return undefined;
    const at = new Date(seconds * 1000);
    const minutes = Math.max(0, Math.ceil((at.getTime() - now) / 60_000));
    const clock = at.toISOString().slice(11, 16);
    return `${clock} UTC (in ${minutes} min)`;
}

function statusError(answer: Answer, what: string, repoName: string, tokenVariable: string | undefined, token?: string): FerryError {
    const { status, headers } = answer;
    // A server (an enterprise proxy) may echo the Authorization header back: never print the token.
    const raw = serverMessage(answer.body);
    const message = raw && token ? raw.replaceAll(token, '***') : raw;
    const limited = (status === 403 || status === 429) && (headers['x-ratelimit-remaining'] === '0' || headers['retry-after'] !== undefined);
    if (limited) {
        const reset = describeReset(headers['x-ratelimit-reset']);
        const retryAfter = headers['retry-after'];
        const when = reset ? `; it resets at ${reset}` : retryAfter ? `; retry after ${retryAfter} s` : '';
        return new FerryError({
            code: 'GITHUB_RATE_LIMITED',
            message: `GitHub's API rate limit is used up${when}`,
            hint: tokenVariable
                ? `The limit applies to the token in ${tokenVariable}: wait for the reset, or clone from a local checkout with --from <folder>.`
                : 'Set GITHUB_TOKEN to a GitHub token to raise the limit from 60 to 5,000 requests an hour, or clone from a local checkout with --from <folder>.',
            details: {
                status,
                ...(headers['x-ratelimit-reset'] ? { resetAt: new Date(Number(headers['x-ratelimit-reset']) * 1000).toISOString() } : {}),
                ...(retryAfter ? { retryAfterSeconds: Number(retryAfter) } : {})
            }
        });
    }
    if (status === 401) {
        return new FerryError({
            code: 'GITHUB_BAD_TOKEN',
            message: `GitHub rejected the token in ${tokenVariable ?? 'GITHUB_TOKEN'} (401${message ? `: ${message}` : ''})`,
            hint: `Set ${tokenVariable ?? 'GITHUB_TOKEN'} to a valid token, or unset it for public repositories.`,
            details: { status }
        });
    }
    if (status === 403) {
        return new FerryError({
            code: 'GITHUB_FORBIDDEN',
            message: `GitHub refused access to ${what} in ${repoName} (403${message ? `: ${message}` : ''})`,
            hint: tokenVariable ? `Check that ${tokenVariable} can read ${repoName}.` : `For a private repository set GITHUB_TOKEN to a token that can read ${repoName}.`,
            details: { status }
        });
    }
    return new FerryError({
        code: 'GITHUB_ERROR',
        message: `GitHub answered ${status} for ${what} in ${repoName}${message ? `: ${message}` : ''}`,
        hint: status >= 500 ? 'This is on GitHub\'s side; try again in a moment, or clone from a local checkout with --from <folder>.' : 'Check --repo and --ref.',
        details: { status }
    });
}

function badAnswer(apiUrl: string, dir: string, why: string): FerryError {
    return new FerryError({
        code: 'GITHUB_BAD_RESPONSE',
        message: `The answer of ${apiUrl} for the listing of ${dir} is not a GitHub contents listing (${why})`,
        hint: `Check ${API_URL_VARIABLE}: it must point at the GitHub REST API (https://<host>/api/v3 for GitHub Enterprise).`
    });
}

function networkError(error: unknown, url: string): FerryError {
    const cause = (error as { cause?: unknown })?.cause;
    const code =
        errnoCode(error) ?? errnoCode(cause) ?? (error instanceof undiciErrors.UndiciError ? (error as { code?: string }).code : undefined);
    const timedOut = error instanceof undiciErrors.HeadersTimeoutError || error instanceof undiciErrors.BodyTimeoutError || code === 'UND_ERR_CONNECT_TIMEOUT';
    const origin = new URL(url).origin;
    const cut = code === 'UND_ERR_SOCKET' || code === 'ECONNRESET' || code === 'EPIPE';
    const why = code ?? (error as Error)?.message ?? 'network error';
    return new FerryError({
        code: timedOut ? 'GITHUB_TIMEOUT' : 'GITHUB_UNREACHABLE',
        message: timedOut
            ? `${origin} did not answer in time`
            : cut
              ? `The connection to ${origin} was cut before the answer to ${new URL(url).pathname} arrived (${why})`
              : `Cannot reach ${origin} (${why})`,
        hint: `Check your network connection (and ${API_URL_VARIABLE} / ${RAW_URL_VARIABLE} if set), or clone from a local checkout with --from <folder>. Nothing was written.`,
        details: { networkCode: code ?? null },
        cause: error
    });
}
