/**
 * Retrying platform calls: which failures are worth another try, and the loop. A call that
 * changes nothing (a lookup, a deploy preview) is retried on transient failures; a call that
 * changes something only when the server cannot have received it. Free of zod and the deploy
 * code, so a dry run's connection lookup can use it without loading them.
 */
import { FerryError } from '../errors.js';
import { jitteredBackoffMs } from '../util/backoff.js';

export interface RetryPolicy {
    /** Total tries, the first included. */
    attempts: number;
    baseDelayMs: number;
    maxDelayMs: number;
    sleep: (ms: number) => Promise<void>;
    /** In [0, 1): jitter, so many CI jobs do not retry in step. */
    random: () => number;
}

export const DEFAULT_RETRY: RetryPolicy = {
    attempts: 4,
    baseDelayMs: 300,
    maxDelayMs: 3_000,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    random: Math.random
};

export interface RetryNotice<C extends string = string> {
    call: C;
    /** The try that failed (1-based). */
    attempt: number;
    delayMs: number;
    reason: string;
}

/** Failures after which the server has certainly not acted: the connection was never made. */
export const NEVER_SENT = new Set(['ECONNREFUSED', 'UND_ERR_CONNECT_TIMEOUT', 'EAI_AGAIN']);
/** Dropped connections: harmless to retry for a call that changes nothing. */
const DROPPED = new Set(['ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE', 'UND_ERR_CLOSED']);
/** Answers that say "not now" rather than "no": rate limited, or a gateway in trouble. */
const TRANSIENT_STATUS = new Set([429, 502, 503, 504]);

export function statusOf(error: unknown): number | undefined {
    const status = error instanceof FerryError ? error.details?.['status'] : undefined;
    return typeof status === 'number' ? status : undefined;
}

export function networkCodeOf(error: unknown): string | undefined {
    const code = error instanceof FerryError ? error.details?.['networkCode'] : undefined;
    return typeof code === 'string' ? code : undefined;
}

/** Why a call that changes nothing may be retried (a transient status, a lost connection), or undefined. */
export function readRetryReason(error: unknown): string | undefined {
    const status = statusOf(error);
    if (status !== undefined) return TRANSIENT_STATUS.has(status) ? `status ${status}` : undefined;
    const code = networkCodeOf(error);
    return code !== undefined && (NEVER_SENT.has(code) || DROPPED.has(code)) ? code : undefined;
}

/**
 * Runs `run`, retrying while `retryReason` names a reason and tries remain. The wait is the
 * server's (Retry-After, in the error's details.retryAfterMs) when it gave one, else exponential
 * backoff with jitter. A server that asks for a longer wait than the policy's longest gets its
 * error back at once (it says when to come back), rather than a retry it refused in advance.
 */
export async function withRetry<T, C extends string>(
    call: C,
    run: () => Promise<T>,
    retryReason: (error: unknown) => string | undefined,
    policy: RetryPolicy,
    onRetry?: (notice: RetryNotice<C>) => void
): Promise<T> {
    for (let attempt = 1; ; attempt++) {
        try {
            return await run();
        } catch (error) {
            const reason = retryReason(error);
            if (reason === undefined || attempt >= policy.attempts) throw error;
            const asked = error instanceof FerryError ? error.details?.['retryAfterMs'] : undefined;
            if (typeof asked === 'number' && asked > policy.maxDelayMs) throw error;
            const delayMs = typeof asked === 'number' ? asked : jitteredBackoffMs(attempt, policy.baseDelayMs, policy.maxDelayMs, () => policy.random());
            onRetry?.({ call, attempt, delayMs, reason });
            await policy.sleep(delayMs);
        }
    }
}
