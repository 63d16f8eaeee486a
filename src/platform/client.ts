/**
 * The platform HTTP client (the requests it sends: docs/platform-api.md). Every call is authenticated with the secret key, timed
 * out, and every JSON answer used by Ferry is checked against a schema before use.
 * The secret key lives only in the Authorization header: it is never part of an error message.
 * One request's transport is http-exchange.ts's; what a failure means is platform-errors.ts's.
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { FerryError, type ExitCode } from '../errors.js';
import { VERSION } from '../version.js';
import { maskValue } from '../secrets/redact.js';
import type { KeySource } from './env.js';
import { BodyTooLargeError, StaleConnection, exchange, type RawResponse } from './http-exchange.js';
import { badAnswer, sendError, statusError, type ErrorContext } from './platform-errors.js';
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

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

export class PlatformClient {
    /** The base URL as messages show it: the secret key, should it be part of the URL, masked. */
    readonly host: string;
    /** The base URL requests go to. */
    private readonly baseUrl: string;
    private readonly secretKey: string;
    private readonly errors: ErrorContext;
    private readonly timeoutMs: number;
    private readonly connectTimeoutMs: number;
    private readonly agent: HttpAgent;

    constructor(options: PlatformClientOptions) {
        this.baseUrl = options.host.replace(/\/+$/, '');
        this.host = maskValue(this.baseUrl, options.secretKey);
        this.secretKey = options.secretKey;
        this.errors = {
            host: this.host,
            secretKey: options.secretKey,
            exitCode: options.exitCode,
            keyVariable: options.keyVariable ?? 'NANGO_SECRET_KEY_<ENV>',
            keySource: options.keySource
        };
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
        const limits = { timeoutMs: req.timeoutMs ?? this.timeoutMs, connectTimeoutMs: this.connectTimeoutMs, maxBodyBytes: req.maxBodyBytes };
        try {
            const url = new URL(this.url(req.path, req.query));
            for (let attempt = 1; ; attempt++) {
                try {
                    return await exchange(this.agent, url, req.method, headers, payload, limits);
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
            throw sendError(this.errors, error, req);
        }
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
            throw badAnswer(this.errors, req, 'the body is not JSON');
        }
        const result = schema.safeParse(parsed);
        if (!result.success) {
            const issue = result.error.issues[0];
            throw badAnswer(this.errors, req, `${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'unexpected shape'}`);
        }
        return result.data;
    }

    /** The one-line error for an answer that is not a success, for callers that read answers with raw(). */
    statusError(response: RawResponse, req: RawRequest): FerryError {
        return statusError(this.errors, response, req);
    }

    async close(): Promise<void> {
        this.agent.destroy();
    }
}

function lowerKeys(headers: Record<string, string> | undefined): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [key, value] of Object.entries(headers ?? {})) out[key.toLowerCase()] = value;
    return out;
}
