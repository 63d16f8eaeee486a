/**
 * A provider's signature on the webhook it sends, checked against the integration's webhook
 * secret (`custom.webhookSecret`, as Nango keeps it) over the raw body: GitHub's
 * `X-Hub-Signature-256: sha256=<hex HMAC-SHA256>`, Linear's `Linear-Signature: <hex HMAC-SHA256>`,
 * and for every other provider a generic `X-Signature-256` (or `X-Hub-Signature-256`) with the
 * hex HMAC-SHA256, `sha256=` prefix optional. Without a secret nothing is checked.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export type Verdict = { ok: true } | { ok: false; code: 'webhook_missing_signature' | 'webhook_invalid_signature'; message: string };

function scheme(provider: string): { headers: string[]; prefix: boolean } {
    if (provider === 'linear') return { headers: ['linear-signature'], prefix: false };
    if (provider.startsWith('github')) return { headers: ['x-hub-signature-256'], prefix: true };
    return { headers: ['x-signature-256', 'x-hub-signature-256'], prefix: false };
}

export function verifySignature(provider: string, secret: string | undefined, headers: IncomingHttpHeaders, raw: Buffer): Verdict {
    if (!secret) return { ok: true };
    const { headers: names, prefix } = scheme(provider);
    const given = names.map((name) => headers[name]).find((value): value is string => typeof value === 'string');
    if (!given) return { ok: false, code: 'webhook_missing_signature', message: 'Missing webhook signature' };
    const hex = createHmac('sha256', secret).update(raw).digest('hex');
    const expected = Buffer.from(prefix ? `sha256=${hex}` : hex);
    const candidate = Buffer.from(prefix ? given.trim() : given.trim().replace(/^sha256=/, ''));
    if (candidate.length === expected.length && timingSafeEqual(candidate, expected)) return { ok: true };
    return { ok: false, code: 'webhook_invalid_signature', message: 'Invalid webhook signature' };
}
