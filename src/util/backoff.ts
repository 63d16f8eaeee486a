/**
 * Exponential backoff with jitter for try `attempt` (1 = the first retry): the ceiling doubles
 * from `baseMs` up to `maxMs`; the wait is half the ceiling fixed and half random, so it is never
 * zero and many clients (CI jobs, pages of one sync) do not retry in step.
 */
export function jitteredBackoffMs(attempt: number, baseMs: number, maxMs: number, random: () => number): number {
    const ceiling = Math.min(maxMs, baseMs * 2 ** (attempt - 1));
    return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
