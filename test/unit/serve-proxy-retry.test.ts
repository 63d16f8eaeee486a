/** ferry serve's proxy retries as Nango's proxy does: which answers, and how long it waits. */
import { describe, expect, it } from 'vitest';
import { isRetryable, matchesStatusCode, providerWait, retryAfter } from '../../src/serve/proxy-retry.js';

describe('proxy retries', () => {
    it('reads status rules as Nango writes them in providers.yaml', () => {
        expect(matchesStatusCode(403, '403')).toBe(true);
        expect(matchesStatusCode(503, '5xx')).toBe(true);
        expect(matchesStatusCode(429, '5xx')).toBe(false);
        expect(matchesStatusCode(501, '500-502')).toBe(true);
        expect(matchesStatusCode(503, '500-502')).toBe(false);
    });

    it("retries 5xx, 429 and 401 by default, only the provider's codes when it lists them, Retry-On codes, and a spent rate limit", () => {
        for (const status of [500, 503, 429, 401]) expect(isRetryable(status, {}, {}, [])).toBe(true);
        expect(isRetryable(404, {}, {}, [])).toBe(false);
        expect(isRetryable(404, {}, {}, [404])).toBe(true);
        const github = { error_code: ['403', '5xx', '401', '429'], remaining: 'x-ratelimit-remaining' };
        expect(isRetryable(403, {}, github, [])).toBe(true);
        expect(isRetryable(400, {}, { error_code: ['403'] }, [])).toBe(false);
        expect(isRetryable(500, {}, { error_code: ['403'] }, [])).toBe(false);
        expect(isRetryable(400, { 'x-ratelimit-remaining': '0' }, { error_code: ['403'], remaining: 'X-RateLimit-Remaining' }, [])).toBe(true);
        expect(isRetryable(400, { 'x-ratelimit-remaining': '3' }, { error_code: ['403'], remaining: 'X-RateLimit-Remaining' }, [])).toBe(false);
    });

    it("waits until the provider's reset time (epoch seconds, milliseconds or a date), or the seconds its after-header says, the longest when several", () => {
        const now = Date.parse('2026-01-01T00:00:00Z');
        const seconds = String(now / 1000 + 5);
        expect(providerWait({ 'x-ratelimit-reset': seconds }, { at: 'x-ratelimit-reset' }, now)).toBe(5000);
        expect(providerWait({ 'x-ratelimit-reset': String(now + 7000) }, { at: 'X-RateLimit-Reset' }, now)).toBe(7000);
        expect(providerWait({ reset: 'Thu, 01 Jan 2026 00:00:09 GMT' }, { at: 'reset' }, now)).toBe(9000);
        expect(providerWait({ 'x-ratelimit-reset': String(now / 1000 - 5) }, { at: 'x-ratelimit-reset' }, now)).toBeUndefined();
        expect(providerWait({ a: '2', b: '4' }, { after: ['a', 'b'] }, now)).toBe(4000);
        expect(providerWait({ a: 'soon' }, { after: 'a' }, now)).toBeUndefined();
        expect(providerWait({}, { after: 'a' }, now)).toBeUndefined();
        expect(retryAfter('2')).toBe(2000);
        expect(retryAfter('3600')).toBeUndefined();
    });
});
