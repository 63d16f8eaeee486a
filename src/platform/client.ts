/**
 * The platform HTTP client (the requests it sends: docs/platform-api.md). Every call is authenticated with the secret key, timed
 * out, and every JSON answer used by Ferry is checked against a schema before use.
 * The secret key lives only in the Authorization header: it is never part of an error message.
 *
 * Built on node:http(s) rather than undici: loading undici costs ~200 ms of CPU, and this client
 * sits on the path to a dry run's first request. Network failures keep stable codes in
 * `details.networkCode`: the errno (ECONNREFUSED, ECONNRESET, EPIPE, EAI_AGAIN, ENOTFOUND...), or
 * UND_ERR_CONNECT_TIMEOUT / UND_ERR_HEADERS_TIMEOUT / UND_ERR_BODY_TIMEOUT for the three timeouts.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { FerryError, errnoCode, type ExitCode } from '../errors.js';
import { VERSION } from '../version.js';
import { maskValue } from '../secrets/redact.js';
import type { KeySource } from './env.js';
import { clientTlsFromEnv } from './tls.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What json() needs of a schema; zod schemas fit it. */
export interface Schema<T> {
    safeParse(value: unknown): { success: true; data: T } | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } };
}

export interface PlatformClientOptions {
    host: string;
    secretKey: string;
    /** Exit code of errors raised here: 12 for dryrun, 11 for deploy. */
    exitCode: ExitCode;
    /** Name of the variable the key came from, for the 401 hint. */
    keyVariable?: string;
    /** Where that variable was read, for the 401 hint. */
    keySource?: KeySource | undefined;
    /** Longest wait for an answer's headers, then between body chunks. */
    timeoutMs?: number;
    /** Longest wait to establish a connection. */
    connectTimeoutMs?: number;
    /** Where NANGO_CLI_TLS_* are read (client certificate, private CA); default process.env. */
    tlsEnv?: Record<string, string | undefined>;
}

export interface RawRequest {
    method: HttpMethod | string;
    path: string;
    query?: Record<string, string | number | boolean | undefined>;
    headers?: Record<string, string>;
    body?: unknown;
    timeoutMs?: number;
    /** Stop reading an answer past this many bytes (BodyTooLargeError). */
    maxBodyBytes?: number;
}

/** An answer longer than RawRequest.maxBodyBytes: what was read is dropped, and the request is not sent again. */
export class BodyTooLargeError extends Error {
    constructor(readonly limitBytes: number) {
        super(`the answer is larger than ${Math.round(limitBytes / 1048576)} MB`);
        this.name = 'BodyTooLargeError';
    }
}

export interface RawResponse {
    status: number;
    headers: Record<string, string>;
    body: Buffer;
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

/** A reused keep-alive socket failed before any answer: most likely the server had closed it. */
class StaleConnection extends Error {
    constructor(override readonly cause: unknown) {
        super('stale keep-alive connection');
    }
}

class NetworkFailure extends Error {
    constructor(readonly code: string) {
        super(code);
    }
}

export class PlatformClient {
    /** The base URL as messages show it: the secret key, should it be part of the URL, masked. */
    readonly host: string;
    /** The base URL requests go to. */
    private readonly baseUrl: string;
    private readonly secretKey: string;
    private readonly exitCode: ExitCode;
    private readonly keyVariable: string;
    private readonly keySource: KeySource | undefined;
    private readonly timeoutMs: number;
    private readonly connectTimeoutMs: number;
    private readonly agent: HttpAgent;

    constructor(options: PlatformClientOptions) {
        this.baseUrl = options.host.replace(/\/+$/, '');
        this.host = maskValue(this.baseUrl, options.secretKey);
        this.secretKey = options.secretKey;
        this.exitCode = options.exitCode;
        this.keyVariable = options.keyVariable ?? 'NANGO_SECRET_KEY_<ENV>';
        this.keySource = options.keySource;
        this.timeoutMs = options.timeoutMs ?? 60_000;
        this.connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
        // Idle connections are dropped after 2 s, well before servers usually close them (5 s for
        // Node, 60 s behind most load balancers): reusing one the server is closing fails the request.
        const agentOptions = { keepAlive: true, keepAliveMsecs: 10_000, timeout: 2_000 };
        // Every request of this client goes through the agent: the client certificate and CA apply to all.
        // Checked for an http:// host too: a broken setting should not wait for the switch to https to show.
        const tls = clientTlsFromEnv(options.tlsEnv ?? process.env, options.exitCode);
        this.agent = this.baseUrl.startsWith('https:') ? new HttpsAgent({ ...agentOptions, ...tls }) : new HttpAgent(agentOptions);
    }

    url(path: string, query?: RawRequest['query']): string {
        const url = new URL(this.baseUrl + (path.startsWith('/') ? path : `/${path}`));
        for (const [key, value] of Object.entries(query ?? {})) {
            if (value !== undefined) url.searchParams.set(key, String(value));
        }
        return url.toString();
    }

    /**
     * Sends a request and returns whatever the server answered. Only failures to get an answer
     * (refused, unreachable, timed out) throw.
     */
    async raw(req: RawRequest): Promise<RawResponse> {
        const hasBody = req.body !== undefined && req.body !== null;
        const isBinary = Buffer.isBuffer(req.body) || typeof req.body === 'string';
        const payload = hasBody ? (isBinary ? Buffer.from(req.body as string | Buffer) : Buffer.from(JSON.stringify(req.body))) : undefined;
        const headers: Record<string, string> = {
            'user-agent': `ferry/${VERSION}`,
            accept: 'application/json',
            ...(hasBody && !isBinary ? { 'content-type': 'application/json' } : {}),
            ...lowerKeys(req.headers),
            authorization: `Bearer ${this.secretKey}`,
            ...(payload ? { 'content-length': String(payload.length) } : {})
        };
        try {
            const url = new URL(this.url(req.path, req.query));
            for (let attempt = 1; ; attempt++) {
                try {
                    return await this.send(url, req.method, headers, payload, req.timeoutMs ?? this.timeoutMs, req.maxBodyBytes);
                } catch (error) {
                    // A kept-alive connection the server closed while idle fails the moment it is
                    // reused. Only idempotent requests are sent again on a fresh one: a POST may
                    // have been read before the connection dropped (deploy relies on that).
                    const again = error instanceof StaleConnection && IDEMPOTENT.has(req.method.toUpperCase()) && attempt < 3;
                    if (!again) throw error instanceof StaleConnection ? error.cause : error;
                }
            }
        } catch (error) {
            if (error instanceof BodyTooLargeError) throw error;
            // Node refuses some requests before sending anything (a header value with a newline,
            // a bad method): that is the request's fault, not the network's.
            const code = errnoCode(error);
            if (code && /^ERR_(INVALID|HTTP_INVALID)/.test(code)) {
                throw new FerryError({
                    code: 'PLATFORM_BAD_REQUEST',
                    message: `${req.method} ${req.path} was not sent: ${(error as Error).message}`,
                    hint: 'Check the headers and method of the request.',
                    exitCode: this.exitCode,
                    details: { nodeCode: code },
                    cause: error
                });
            }
            throw this.networkError(error, req);
        }
    }

    private send(url: URL, method: string, headers: Record<string, string>, payload: Buffer | undefined, timeout: number, maxBodyBytes = Infinity): Promise<RawResponse> {
        return new Promise<RawResponse>((resolve, reject) => {
            const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, { method, headers, agent: this.agent });
            let phase: 'connect' | 'headers' | 'body' = 'connect';
            const fail = (code: string): void => {
                request.destroy(new NetworkFailure(code));
            };
            const connectTimer = setTimeout(() => fail('UND_ERR_CONNECT_TIMEOUT'), this.connectTimeoutMs);
            request.on('socket', (socket) => {
                const connected = (): void => {
                    clearTimeout(connectTimer);
                    if (phase === 'connect') phase = 'headers';
                };
                if (socket.connecting) socket.once('connect', connected);
                else connected();
            });
            request.setTimeout(timeout, () => fail(phase === 'body' ? 'UND_ERR_BODY_TIMEOUT' : phase === 'headers' ? 'UND_ERR_HEADERS_TIMEOUT' : 'UND_ERR_CONNECT_TIMEOUT'));
            request.on('error', (error) => {
                clearTimeout(connectTimer);
                const code = errnoCode(error);
                const stale = request.reusedSocket && phase !== 'body' && (code === 'ECONNRESET' || code === 'EPIPE');
                reject(stale ? new StaleConnection(error) : error);
            });
            request.on('response', (response: IncomingMessage) => {
                phase = 'body';
                const chunks: Buffer[] = [];
                let received = 0;
                const tooLarge = (): void => {
                    clearTimeout(connectTimer);
                    chunks.length = 0;
                    reject(new BodyTooLargeError(maxBodyBytes));
                    request.destroy();
                };
                if (Number(response.headers['content-length']) > maxBodyBytes) return tooLarge();
                response.on('data', (chunk: Buffer) => {
                    received += chunk.length;
                    if (received > maxBodyBytes) tooLarge();
                    else chunks.push(chunk);
                });
                response.on('error', reject);
                // Closed before the end without an error of its own: the peer dropped the connection.
                response.on('close', () => {
                    if (!response.complete) reject(new NetworkFailure('ECONNRESET'));
                });
                response.on('end', () => {
                    clearTimeout(connectTimer);
                    const flat: Record<string, string> = {};
                    for (const [key, value] of Object.entries(response.headers)) {
                        if (value !== undefined) flat[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
                    }
                    resolve({ status: response.statusCode ?? 0, headers: flat, body: Buffer.concat(chunks) });
                });
            });
            request.end(payload);
        });
    }

    /**
     * A JSON call whose answer must be a 2xx that matches `schema`. Non-2xx answers become one-line
     * errors; `notFound` lets the caller phrase 404s in its own terms.
     */
    async json<T>(req: RawRequest, schema: Schema<T>, notFound?: () => FerryError): Promise<T> {
        const response = await this.raw(req);
        if (response.status === 404 && notFound) throw notFound();
        if (response.status < 200 || response.status >= 300) throw this.statusError(response, req);
        let parsed: unknown;
        try {
            parsed = response.body.length === 0 ? null : JSON.parse(response.body.toString('utf8'));
        } catch {
            throw this.badAnswer(req, 'the body is not JSON');
        }
        const result = schema.safeParse(parsed);
        if (!result.success) {
            const issue = result.error.issues[0];
            throw this.badAnswer(req, `${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'unexpected shape'}`);
        }
        return result.data;
    }

    statusError(response: RawResponse, req: RawRequest): FerryError {
        const what = `${req.method} ${req.path}`;
        // A server may echo the Authorization header back; the key must not reach the terminal.
        const serverMessage = maskValue(extractMessage(response.body), this.secretKey);
        if (response.status === 401 || response.status === 403) {
            return new FerryError({
                code: 'PLATFORM_UNAUTHORIZED',
                message: `The platform at ${this.host} rejected the secret key (${response.status} on ${what})${serverMessage ? `: ${serverMessage}` : ''}`,
                hint: rejectedKeyHint(this.keyVariable, this.keySource),
                exitCode: this.exitCode,
                details: { status: response.status }
            });
        }
        if (response.status === 429) {
            const retryAfterMs = retryAfter(response.headers['retry-after']);
            const wait = retryAfterMs === undefined ? 'a moment' : `${Math.ceil(retryAfterMs / 1000)} s`;
            return new FerryError({
                code: 'PLATFORM_RATE_LIMITED',
                message: `The platform rate-limited ${what} (429)${serverMessage ? `: ${serverMessage}` : ''}`,
                hint: `Too many requests with this key for now: try again in ${wait}.`,
                exitCode: this.exitCode,
                details: { status: 429, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) }
            });
        }
        if (response.status >= 500) {
            return new FerryError({
                code: 'PLATFORM_SERVER_ERROR',
                message: `The platform answered ${response.status} to ${what}${serverMessage ? `: ${serverMessage}` : ''}`,
                hint: 'This is on the platform side; try again in a moment.',
                exitCode: this.exitCode,
                details: { status: response.status }
            });
        }
        return new FerryError({
            code: 'PLATFORM_REQUEST_REJECTED',
            message: `The platform answered ${response.status} to ${what}${serverMessage ? `: ${serverMessage}` : ''}`,
            hint: 'Check the arguments and try again.',
            exitCode: this.exitCode,
            details: { status: response.status }
        });
    }

    private badAnswer(req: RawRequest, why: string): FerryError {
        return new FerryError({
            code: 'PLATFORM_BAD_RESPONSE',
            message: `The platform's answer to ${req.method} ${req.path} is not what Ferry expects (${why})`,
            hint: `Check that NANGO_HOSTPORT (${this.host}) points at the platform API.`,
            exitCode: this.exitCode
        });
    }

    private networkError(error: unknown, req: RawRequest): FerryError {
        const code = errnoCode(error);
        const timedOut = code !== undefined && /^UND_ERR_(CONNECT|HEADERS|BODY)_TIMEOUT$/.test(code);
        return new FerryError({
            code: timedOut ? 'PLATFORM_TIMEOUT' : 'PLATFORM_UNREACHABLE',
            message: timedOut
                ? `The platform at ${this.host} did not answer ${req.method} ${req.path} in time`
                : `Cannot reach the platform at ${this.host} (${code ?? (error as Error)?.message ?? 'network error'})`,
            hint: 'Check NANGO_HOSTPORT and your network connection.',
            exitCode: this.exitCode,
            details: { networkCode: code },
            cause: error
        });
    }

    async close(): Promise<void> {
        this.agent.destroy();
    }
}

/** Sends the user to where the key was read: a shell export hides whatever .env says. */
function rejectedKeyHint(variable: string, source: KeySource | undefined): string {
    const must = 'it must be the secret key of this environment.';
    if (source?.kind === 'environment') return `${variable} is set in your shell environment (it overrides .env): check its value, ${must}`;
    if (source?.kind === 'file') return `Check ${variable} in ${source.path}: ${must}`;
    return `Check ${variable} (your shell environment overrides the project's .env, so look there first): ${must}`;
}

/** Retry-After in seconds or as an HTTP date, as milliseconds from now; undefined when absent or unreadable. */
function retryAfter(value: string | undefined): number | undefined {
    if (value === undefined || value.trim() === '') return undefined;
    const seconds = Number(value);
    if (Number.isFinite(seconds)) return Math.max(0, Math.round(seconds * 1000));
    const date = Date.parse(value);
    return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function lowerKeys(headers: Record<string, string> | undefined): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [key, value] of Object.entries(headers ?? {})) out[key.toLowerCase()] = value;
    return out;
}

function extractMessage(body: Buffer): string | undefined {
    const text = body.toString('utf8').trim();
    if (!text) return undefined;
    try {
        const json = JSON.parse(text) as Record<string, unknown>;
        const err = json['error'];
        const message =
            typeof err === 'string' ? err : typeof err === 'object' && err && 'message' in err ? String((err as { message: unknown }).message) : json['message'];
        if (typeof message === 'string') return message.slice(0, 300);
    } catch {
        // Not JSON: fall through to the raw text.
    }
    return text.split('\n')[0]!.slice(0, 200);
}
