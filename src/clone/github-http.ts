/**
 * One GET to GitHub: the hosts (which can be pointed elsewhere, for GitHub Enterprise and tests),
 * the token (only ever in a header), timeouts, one abort signal for every request of a clone, and
 * what a failure to get any answer at all means to the user.
 */
import { EnvHttpProxyAgent, request, errors as undiciErrors, type Dispatcher } from 'undici';
import { setMaxListeners } from 'node:events';
import { FerryError, errnoCode } from '../errors.js';
import { VERSION } from '../version.js';

const DEFAULT_API_URL = 'https://api.github.com';
const DEFAULT_RAW_URL = 'https://raw.githubusercontent.com';
export const API_URL_VARIABLE = 'FERRY_GITHUB_API_URL';
const RAW_URL_VARIABLE = 'FERRY_GITHUB_RAW_URL';

export interface Answer {
    status: number;
    headers: Record<string, string>;
    body: Buffer;
}

export interface GitHubHttp {
    /** The contents API. */
    apiUrl: string;
    /** The raw-content host, which does not count against the API's hourly limit. */
    rawUrl: string;
    auth: { token: string; variable: string } | undefined;
    get(url: string, accept: string): Promise<Answer>;
    abort(): void;
    close(): Promise<void>;
}

interface GitHubHttpOptions {
    env: NodeJS.ProcessEnv;
    timeoutMs?: number;
    debug?: (message: string) => void;
    dispatcher?: Dispatcher;
}

/** The GitHub token from the environment: GITHUB_TOKEN, else GH_TOKEN (the GitHub CLI's name). */
function githubToken(env: NodeJS.ProcessEnv): { token: string; variable: string } | undefined {
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

export function openGitHubHttp(options: GitHubHttpOptions): GitHubHttp {
    const { env } = options;
    const apiUrl = baseUrl(env, API_URL_VARIABLE, DEFAULT_API_URL);
    const rawUrl = baseUrl(env, RAW_URL_VARIABLE, DEFAULT_RAW_URL);
    const auth = githubToken(env);
    const timeoutMs = options.timeoutMs ?? 30_000;
    const dispatcher = options.dispatcher ?? new EnvHttpProxyAgent({ connect: { timeout: 10_000 }, keepAliveTimeout: 10_000 });
    const controller = new AbortController();
    // Every request listens on this one signal; dozens of files are not a listener leak.
    setMaxListeners(0, controller.signal);

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

    return {
        apiUrl,
        rawUrl,
        auth,
        get,
        abort: () => controller.abort(),
        close: async () => {
            await dispatcher.close().catch(() => undefined);
        }
    };
}

/** A request stopped because another one already failed: never shown, the first error is. */
class CloneAborted extends Error {
    constructor() {
        super('aborted after another request failed');
        this.name = 'CloneAborted';
    }
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
