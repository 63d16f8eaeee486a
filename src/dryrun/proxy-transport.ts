/**
 * The live HttpTransport: every provider call goes to the platform's /proxy (docs/platform-api.md), which
 * adds the connection's credentials server-side. Ferry only ever sends its own secret key.
 *
 * One attempt per send: the runtime above decides about retries, so the platform is not asked to
 * retry (no `Retries`/`Retry-On` headers), otherwise a 429 would be retried twice over.
 */
import { FerryError } from '../errors.js';
import type { PlatformClient } from '../platform/client.js';
import { BodyTooLargeError, type RawResponse } from '../platform/http-exchange.js';
import type { Connection, HttpTransport, ProxyRequest, ProxyResponse } from '../runtime/types.js';

/** A failure to get any answer from the platform; `code` keeps the network cause (e.g. ECONNREFUSED) for the error shown. */
export class ProxyNetworkError extends Error {
    readonly code: string;
    constructor(message: string, code: string, cause?: unknown) {
        super(message, cause === undefined ? undefined : { cause });
        this.name = 'ProxyNetworkError';
        this.code = code;
    }
}

export interface ProxyTransportOptions {
    client: PlatformClient;
    connection: Pick<Connection, 'connection_id' | 'provider_config_key'>;
    /** Per-attempt limit; the function's own --timeout applies on top. */
    timeoutMs?: number;
    /** The longest answer read (default MAX_BODY_BYTES). */
    maxBodyBytes?: number;
}

/**
 * The longest provider answer a dry run reads. Every answer is held in memory, decoded and copied
 * to the function's thread: one much larger would take the machine's memory, not test the function.
 */
export const MAX_BODY_BYTES = 256 * 1024 * 1024;

/**
 * An answer over the limit fails the run (`fatal`: the function cannot catch it and go on without
 * the data) and is not asked for again: retrying would download it again.
 */
function tooLarge(request: ProxyRequest, limitBytes: number): Error {
    const message =
        `${request.method} ${request.endpoint}: the provider's answer is larger than ${Math.round(limitBytes / 1048576)} MB, more than a dry run reads for one request; ` +
        'ask for less per request (a smaller page size, fewer fields, a shorter date range)';
    return Object.assign(new Error(message), { fatal: true, code: 'BODY_TOO_LARGE' });
}

export function createProxyTransport(options: ProxyTransportOptions): HttpTransport {
    const { client, connection } = options;
    return {
        async send(request: ProxyRequest): Promise<ProxyResponse> {
            let raw: RawResponse;
            try {
                raw = await client.raw({
                    method: request.method,
                    path: proxyPath(request),
                    headers: proxyHeaders(request, connection),
                    body: requestBody(request.data),
                    maxBodyBytes: options.maxBodyBytes ?? MAX_BODY_BYTES,
                    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {})
                });
            } catch (error) {
                if (error instanceof BodyTooLargeError) throw tooLarge(request, error.limitBytes);
                if (error instanceof FerryError && (error.code === 'PLATFORM_UNREACHABLE' || error.code === 'PLATFORM_TIMEOUT')) {
                    const code = typeof error.details?.['networkCode'] === 'string' ? error.details['networkCode'] : error.code;
                    throw new ProxyNetworkError(`${request.method} ${request.endpoint}: ${error.message}`, code, error);
                }
                // Anything else (a header Node refuses to send) is the request's own fault; the runtime retries it
                // as any failure without an answer (runtime/retry.ts), and each attempt fails alike.
                throw new Error(error instanceof Error ? error.message : String(error));
            }
            return { status: raw.status, headers: raw.headers, data: decodeBody(raw, request.responseType) };
        }
    };
}

/** `/proxy<endpoint>?<params>`; arrays become repeated keys. */
export function proxyPath(request: Pick<ProxyRequest, 'endpoint' | 'params'>): string {
    const endpoint = request.endpoint.startsWith('/') ? request.endpoint : `/${request.endpoint}`;
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(request.params ?? {})) {
        if (value === undefined || value === null) continue;
        for (const item of Array.isArray(value) ? value : [value]) search.append(key, String(item));
    }
    const query = search.toString();
    if (!query) return `/proxy${endpoint}`;
    return `/proxy${endpoint}${endpoint.includes('?') ? '&' : '?'}${query}`;
}

export function proxyHeaders(request: ProxyRequest, connection: Pick<Connection, 'connection_id' | 'provider_config_key'>): Record<string, string> {
    const headers: Record<string, string> = {
        'Connection-Id': request.connectionId ?? connection.connection_id,
        'Provider-Config-Key': request.providerConfigKey ?? connection.provider_config_key,
        'Nango-Is-Dry-Run': 'true'
    };
    if (request.baseUrlOverride) headers['Base-Url-Override'] = request.baseUrlOverride;
    if (request.decompress !== undefined) headers['Decompress'] = String(request.decompress);
    if (request.forwardHeadersOnRedirect !== undefined) headers['Forward-Headers-On-Redirect'] = String(request.forwardHeadersOnRedirect);
    for (const [name, value] of Object.entries(request.headers ?? {})) {
        if (value === undefined || value === null) continue;
        headers[`Nango-Proxy-${name}`] = String(value);
        // The platform reads the body itself before forwarding it: it must know its type too.
        if (name.toLowerCase() === 'content-type') headers['content-type'] = String(value);
    }
    return headers;
}

function requestBody(data: unknown): unknown {
    if (data === undefined || data === null) return undefined;
    if (data instanceof Uint8Array && !Buffer.isBuffer(data)) return Buffer.from(data);
    if (data instanceof ArrayBuffer) return Buffer.from(data);
    return data;
}

/** JSON when the server says so (any `json` or `+json` type), else text; raw bytes when asked. */
export function decodeBody(raw: RawResponse, responseType: ProxyRequest['responseType']): unknown {
    if (responseType === 'arraybuffer' || responseType === 'blob' || responseType === 'stream') return new Uint8Array(raw.body);
    const text = raw.body.toString('utf8');
    if (responseType === 'text') return text;
    const type = raw.headers['content-type'] ?? '';
    if (/[/+]json\b/i.test(type) && text.trim() !== '') {
        try {
            return JSON.parse(text);
        } catch {
            return text;
        }
    }
    return text;
}
