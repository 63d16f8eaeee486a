/**
 * Whether a provider's answer is retried, and after how long, as Nango's proxy decides: the
 * provider's `proxy.retry.error_code` list when it has one (`429`, `5xx`, `500-502`), else 5xx,
 * 429 and 401; the caller's Retry-On codes; an answer whose `proxy.retry.remaining` header is 0.
 * The wait is the longest the provider's `retry.at` headers (a reset time: epoch seconds or
 * milliseconds, or a date) or `retry.after` headers (seconds) ask, else a standard Retry-After,
 * else an exponential backoff.
 */
import type { IncomingHttpHeaders } from 'node:http';

export interface ProviderRetry {
    at?: string | string[] | undefined;
    after?: string | string[] | undefined;
    error_code?: string[] | undefined;
    remaining?: string | undefined;
}

/** A provider asking for a longer wait than this (Nango's longest backoff) gets its answer passed on instead. */
export const MAX_PROVIDER_WAIT_MS = 10 * 60 * 1000;
/** A generic Retry-After is followed up to this. */
const MAX_RETRY_AFTER_MS = 30_000;

export function matchesStatusCode(status: number, rule: string): boolean {
    if (/^\d+$/.test(rule)) return status === Number(rule);
    const nxx = /^(\d)xx$/i.exec(rule);
    if (nxx) return Math.floor(status / 100) === Number(nxx[1]);
    const range = /^(\d{3})-(\d{3})$/.exec(rule);
    return range !== null && status >= Number(range[1]) && status <= Number(range[2]);
}

export function isRetryable(status: number, headers: IncomingHttpHeaders, retry: ProviderRetry, retryOn: number[]): boolean {
    const codes = retry.error_code;
    if (Array.isArray(codes) ? codes.some((code) => matchesStatusCode(status, code)) : status >= 500 || status === 429 || status === 401) return true;
    if (retryOn.includes(status)) return true;
    return retry.remaining !== undefined && headers[retry.remaining.toLowerCase()] === '0';
}

const list = (value: string | string[] | undefined): string[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
    const value = headers[name.toLowerCase()];
    return Array.isArray(value) ? value[0] : value;
}

/** Milliseconds until the time a `retry.at` header names; undefined when absent, unreadable or past. */
function waitUntil(raw: string, now: number): number | undefined {
    const numeric = Number(raw);
    let epochSeconds: number;
    if (!Number.isNaN(numeric)) epochSeconds = new Date(numeric).getFullYear() > 1971 ? Math.floor(numeric / 1000) : numeric;
    else {
        const date = Date.parse(raw);
        if (Number.isNaN(date)) return undefined;
        epochSeconds = Math.floor(date / 1000);
    }
    const nowSeconds = Math.floor(now / 1000);
    return epochSeconds > nowSeconds ? Math.ceil(epochSeconds - nowSeconds) * 1000 : undefined;
}

/** The provider's own wait (the longest its headers ask), or undefined. */
export function providerWait(headers: IncomingHttpHeaders, retry: ProviderRetry, now = Date.now()): number | undefined {
    const type = list(retry.at).length > 0 ? 'at' : 'after';
    let longest: number | undefined;
    for (const name of type === 'at' ? list(retry.at) : list(retry.after)) {
        const raw = headerValue(headers, name);
        if (!raw) continue;
        const wait = type === 'at' ? waitUntil(raw, now) : Number.isNaN(Number(raw)) ? undefined : Number(raw) * 1000;
        if (wait !== undefined && (longest === undefined || wait > longest)) longest = wait;
    }
    return longest;
}

export function retryAfter(value: string | string[] | undefined): number | undefined {
    if (typeof value !== 'string') return undefined;
    const seconds = Number(value);
    const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - Date.now();
    return Number.isFinite(ms) && ms >= 0 && ms <= MAX_RETRY_AFTER_MS ? ms : undefined;
}
