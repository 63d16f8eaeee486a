/**
 * How Nango's test mocks name a request so a recorded answer can be found again: method, endpoint,
 * sorted query params, the headers that are not credentials or transport noise, and the body (or
 * its SHA-1 when long), hashed with SHA-1. Two variants, as in the `nango` package: the one the
 * unified `tests/<name>.test.json` files were recorded with, and the older one of `mocks/` folders.
 * A different hash means a recorded answer is not found, so both follow Nango's rules exactly.
 */
import { createHash } from 'node:crypto';

export interface RequestIdentity {
    method: string;
    endpoint: string;
    params: [string, unknown][];
    headers: [string, unknown][];
    data?: unknown;
}

export interface ConfigIdentity {
    method: string;
    endpoint: string;
    requestIdentityHash: string;
    requestIdentity: RequestIdentity;
}

/** What the mocks read of a proxy call. */
export interface MockProxyConfig {
    endpoint: string;
    method?: string;
    params?: string | Record<string, unknown>;
    headers?: Record<string, unknown>;
    data?: unknown;
    baseUrlOverride?: string;
    paginate?: Record<string, unknown>;
    [key: string]: unknown;
}

/** Headers the older `mocks/` recorder left out. */
const LEGACY_SKIPPED = ['authorization', 'user-agent', 'nango-proxy-user-agent', 'accept-encoding', 'retries', 'host', 'connection-id', 'provider-config-key'];

/** Headers the `.test.json` recorder leaves out: the legacy ones plus the proxy's own. */
const UNIFIED_SKIPPED = [
    ...LEGACY_SKIPPED,
    'nango-is-sync',
    'nango-is-script',
    'nango-is-dry-run',
    'nango-activity-log-id',
    'content-length',
    'accept',
    'base-url-override',
    'retry-on',
    'forward-headers-on-redirect'
];

const PROXY_HEADER_PREFIX = 'nango-proxy-';

function byKey<T extends [string, unknown]>(entries: T[]): T[] {
    return entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

function sha1(text: string): string {
    return createHash('sha1').update(text).digest('hex');
}

/** The body as the recorders keep it: a string, base64 for a Buffer, JSON otherwise; hashed past 1,000 characters. */
export function dataIdentity(data: unknown): string | undefined {
    if (!data) return undefined;
    let text: string;
    if (typeof data === 'string') text = data;
    else if (Buffer.isBuffer(data)) text = data.toString('base64');
    else {
        try {
            text = JSON.stringify(data);
        } catch (error) {
            throw new Error(error instanceof Error ? `Unable to compute request identity: ${error.message}` : 'Unable to compute request identity');
        }
    }
    return text.length > 1000 ? `sha1:${sha1(text)}` : text;
}

/** Content types an HTTP client adds by itself: never part of what the function asked for. */
export function isDefaultContentType(key: string, value: string): boolean {
    if (key.toLowerCase() !== 'content-type') return false;
    const lower = value.toLowerCase();
    return lower === 'application/json' || lower === 'undefined' || lower.startsWith('application/x-www-form-urlencoded');
}

function identity(method: string, endpoint: string, params: [string, unknown][], headers: [string, unknown][], data: string | undefined): ConfigIdentity {
    const requestIdentity: RequestIdentity = { method, endpoint, params, headers, data };
    return { method, endpoint, requestIdentityHash: sha1(JSON.stringify(requestIdentity)), requestIdentity };
}

/** The identity under which `mocks/nango/<method>/proxy/<endpoint>/<name>/<hash>.json` was written. */
export function legacyIdentity(config: MockProxyConfig): ConfigIdentity {
    const method = config.method?.toLowerCase() || 'get';
    const params = byKey(Object.entries((config.params as Record<string, unknown> | undefined) || {}));
    const endpoint = config.endpoint.startsWith('/') ? config.endpoint.slice(1) : config.endpoint;
    const headers = byKey(Object.entries(config.headers || {}).filter(([key]) => !LEGACY_SKIPPED.includes(key.toLowerCase())));
    return identity(method, endpoint, params, headers, dataIdentity(config.data));
}

export function isHttpUrl(text: string): boolean {
    try {
        const url = new URL(text);
        return url.protocol === 'http:' || url.protocol === 'https:';
    } catch {
        return false;
    }
}

/** The endpoint with the params merged into its query, as the proxy builds the URL. */
function requestUrl(config: MockProxyConfig): URL {
    const url = isHttpUrl(config.endpoint) ? new URL(config.endpoint) : new URL(config.endpoint.startsWith('/') ? config.endpoint : `/${config.endpoint}`, 'https://nango.invalid');
    const params = config.params;
    if (typeof params === 'string') {
        for (const [key, value] of new URLSearchParams(params.startsWith('?') ? params.slice(1) : params)) url.searchParams.append(key, value);
    } else if (params) {
        for (const [key, value] of Object.entries(params)) {
            if (value === undefined) continue;
            url.searchParams.set(key, Array.isArray(value) ? value.map(String).join(',') : String(value));
        }
    }
    return url;
}

/** Headers as the `.test.json` recorder keeps them: `Nango-Proxy-` prefix dropped, first spelling wins. */
function unifiedHeaders(headers: Record<string, unknown> | undefined): [string, unknown][] {
    const kept: [string, unknown][] = [];
    const seen = new Set<string>();
    for (const [rawKey, rawValue] of Object.entries(headers || {})) {
        const key = rawKey.toLowerCase().startsWith(PROXY_HEADER_PREFIX) ? rawKey.slice(PROXY_HEADER_PREFIX.length) : rawKey;
        const lower = key.toLowerCase();
        if (seen.has(lower)) continue;
        seen.add(lower);
        const value = String(rawValue);
        if (UNIFIED_SKIPPED.includes(lower) || isDefaultContentType(lower, value)) continue;
        kept.push([key, value]);
    }
    return byKey(kept);
}

/** The identity under which a request of a `tests/<name>.test.json` file was recorded. */
export function unifiedIdentity(config: MockProxyConfig): ConfigIdentity {
    const method = config.method?.toLowerCase() || 'get';
    const url = requestUrl(config);
    const endpoint = url.pathname.replace(/^\/proxy\//, '').replace(/^\//, '');
    const params = byKey([...url.searchParams.entries()].map(([key, value]): [string, unknown] => [key, String(value)]));
    return identity(method, endpoint, params, unifiedHeaders(config.headers), dataIdentity(config.data));
}
