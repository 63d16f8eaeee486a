/**
 * Ferry's own routing, for a provider Nango does not route (no `webhook_routing_script`) when the
 * integration has a webhook secret: Nango answers such a webhook 204 and drops it, which leaves a
 * local server no way to feed `onWebhook` from a provider it has no handler for. The sender signs
 * the exact raw body with the secret, hex HMAC-SHA256 in `X-Signature-256` (or
 * `X-Hub-Signature-256`, as GitHub sends it), `sha256=` before the hex optional. The event is about
 * every connection of the integration, and its type is the `X-GitHub-Event` header, else the
 * body's `type`. Without a secret nothing changes: Nango's 204.
 */
import { createHmac } from 'node:crypto';
import type { HandlerResult, IncomingWebhook, WebhookHandler } from './handler-types.js';
import { sameText, success } from './handler-types.js';
import { at } from './scope.js';

const GENERIC_SIGNATURE_HEADERS = ['x-signature-256', 'x-hub-signature-256'] as const;

/** The hex HMAC-SHA256 of the raw bytes, compared in constant time; the error is Nango's code. */
export function verifyGenericSignature(secret: string, headers: Record<string, string | string[] | undefined>, raw: Buffer): { ok: true } | { error: 'webhook_missing_signature' | 'webhook_invalid_signature' } {
    const given = GENERIC_SIGNATURE_HEADERS.map((name) => headers[name]).find((value): value is string => typeof value === 'string' && value.trim() !== '');
    if (given === undefined) return { error: 'webhook_missing_signature' };
    const expected = createHmac('sha256', secret).update(raw).digest('hex');
    const hex = given.trim().replace(/^sha256=/i, '').toLowerCase();
    return sameText(hex, expected) ? { ok: true } : { error: 'webhook_invalid_signature' };
}

/** The handler for one request: the raw bytes are what was signed, not the text decoded from them. */
export function genericHandler(secret: string, raw: Buffer): WebhookHandler {
    return async (nango, hook: IncomingWebhook): Promise<HandlerResult> => {
        const verdict = verifyGenericSignature(secret, hook.headers, raw);
        if ('error' in verdict) return verdict;
        const header = hook.headers['x-github-event'];
        const bodyType = at(hook.body, 'type');
        const type = header || (typeof bodyType === 'string' || typeof bodyType === 'number' ? String(bodyType) : undefined);
        const { connectionIds } = await nango.executeScriptForWebhooks({ body: hook.body, webhookTypeValue: type });
        return success(connectionIds, hook.body);
    };
}
