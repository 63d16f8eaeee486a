/**
 * When to try a provider call again and how long to wait first. Pure: time comes from an
 * injected clock, so replays never wait and tests control the backoff.
 *
 * A call is retried (up to `retries` extra attempts, default 0 as in Nango) on network errors,
 * 5xx, 429, any status in `retryOn`, and a status the provider lists as a rate-limit code when its
 * reset headers are present. The wait is the server's word when it gave one (Retry-After, the
 * provider's `after`/`at` headers), else exponential backoff with full jitter.
 */
import { jitteredBackoffMs } from '../util/backoff.js';
import type { ProxyResponse } from './types.js';
import type { ProviderDefaults, RetryClock, RetrySettings } from './run-types.js';

const realClock: RetryClock = {
    now: () => Date.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    random: () => Math.random()
};

/** Replays: no time passes. */
export const instantClock: RetryClock = { now: () => Date.now(), sleep: async () => {}, random: () => 0.5 };

export interface ResolvedRetry {
    clock: RetryClock;
    baseDelayMs: number;
    maxBackoffMs: number;
    maxWaitMs: number;
}

export function resolveRetry(settings: RetrySettings = {}): ResolvedRetry {
    return {
        clock: { ...realClock, ...settings.clock },
        baseDelayMs: settings.baseDelayMs ?? 500,
        maxBackoffMs: settings.maxBackoffMs ?? 30_000,
        maxWaitMs: settings.maxWaitMs ?? 120_000
    };
}

function statusMatches(status: number, codes: readonly string[]): boolean {
    return codes.some((code) => code === String(status) || (/^\dxx$/i.test(code) && code[0] === String(status)[0]));
}

/** Whether this answer is worth another attempt. */
function isRetryableStatus(response: ProxyResponse, retryOn: readonly number[] | undefined, provider: ProviderDefaults | null | undefined): boolean {
    const { status } = response;
    if (status >= 500 || status === 429) return true;
    if (retryOn?.includes(status)) return true;
    const retry = provider?.retry;
    if (retry?.errorCodes && statusMatches(status, retry.errorCodes)) {
        // e.g. GitHub answers 403 when the rate limit is exhausted: only that 403 is worth waiting for.
        if (retry.remaining && header(response, retry.remaining) === '0') return true;
        if (!retry.remaining && [...(retry.at ?? []), ...(retry.after ?? [])].some((name) => header(response, name) !== undefined)) return true;
    }
    return false;
}

function header(response: ProxyResponse, name: string): string | undefined {
    const lower = name.toLowerCase();
    for (const [key, value] of Object.entries(response.headers)) {
        if (key.toLowerCase() === lower) return value;
    }
    return undefined;
}

/** Seconds (possibly fractional) or an HTTP date, to milliseconds from now. */
function parseAfter(value: string, now: number): number | undefined {
    const trimmed = value.trim();
    if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
    const date = Date.parse(trimmed);
    return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** An epoch in seconds or milliseconds, or a date, to milliseconds from now. */
function parseResetAt(value: string, now: number): number | undefined {
    const trimmed = value.trim();
    if (/^\d+(\.\d+)?$/.test(trimmed)) {
        const n = Number(trimmed);
        const epochMs = n > 1e12 ? n : n * 1000;
        // Some providers send "seconds until reset" under a reset name: small numbers are that.
        if (n < 1e9) return n * 1000;
        return Math.max(0, epochMs - now);
    }
    const date = Date.parse(trimmed);
    return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** What the server asked us to wait, if it said. */
function serverWaitMs(response: ProxyResponse | undefined, provider: ProviderDefaults | null | undefined, now: number): number | undefined {
    if (!response) return undefined;
    const names = ['retry-after', ...(provider?.retry?.after ?? [])];
    for (const name of names) {
        const value = header(response, name);
        const ms = value === undefined ? undefined : parseAfter(value, now);
        if (ms !== undefined) return ms;
    }
    for (const name of provider?.retry?.at ?? []) {
        const value = header(response, name);
        const ms = value === undefined ? undefined : parseResetAt(value, now);
        if (ms !== undefined) return ms;
    }
    return undefined;
}

/** The backoff before retry `attempt` (1 = the first) when the server gave no wait. */
function backoffMs(attempt: number, retry: ResolvedRetry): number {
    return jitteredBackoffMs(attempt, retry.baseDelayMs, retry.maxBackoffMs, () => retry.clock.random());
}

interface RetryDecision {
    retry: boolean;
    waitMs: number;
    /** Why we gave up, when the server asked for a longer wait than allowed. */
    tooLong?: boolean;
}

/**
 * Decides what to do after attempt `attempt` (1-based) got `response` (or a network error when
 * response is undefined). `retries` is the number of extra attempts allowed.
 */
export function decideRetry(input: {
    attempt: number;
    retries: number;
    response?: ProxyResponse;
    retryOn?: readonly number[];
    provider?: ProviderDefaults | null;
    retry: ResolvedRetry;
}): RetryDecision {
    const { attempt, retries, response, retry } = input;
    if (attempt > retries) return { retry: false, waitMs: 0 };
    if (response && !isRetryableStatus(response, input.retryOn, input.provider)) return { retry: false, waitMs: 0 };
    const asked = serverWaitMs(response, input.provider, retry.clock.now());
    if (asked !== undefined) {
        if (asked > retry.maxWaitMs) return { retry: false, waitMs: asked, tooLong: true };
        return { retry: true, waitMs: Math.ceil(asked) };
    }
    return { retry: true, waitMs: backoffMs(attempt, retry) };
}
