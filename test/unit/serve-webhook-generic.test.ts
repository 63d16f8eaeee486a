/**
 * Ferry's generic signed routing, for a provider Nango does not route whose integration has a
 * webhook secret, without a server: the signature (computed by openssl, not by the code under
 * test) in either header, with or without `sha256=`, over the raw bytes; the event is about every
 * connection and typed by X-GitHub-Event or the body's `type`. And `forward_webhooks` as stored.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { genericHandler, verifyGenericSignature } from '../../src/serve/webhooks/generic.js';
import { forwardsWebhooks, forwardWebhooksCustom } from '../../src/serve/webhooks/forwarding.js';
import { WebhookScope } from '../../src/serve/webhooks/scope.js';
import type { ConnectionRow, IntegrationRow } from '../../src/serve/store.js';

const opensslHmac = (secret: string, raw: Buffer): string => execFileSync('openssl', ['dgst', '-sha256', '-hmac', secret, '-binary'], { input: raw }).toString('hex');

const integration: IntegrationRow = { unique_key: 'oa', provider: 'openai', display_name: null, custom: { webhookSecret: 's3cret' }, oauth_client_id: null, oauth_client_secret: null, oauth_scopes: null, created_at: new Date(), updated_at: new Date() };
const connection = (id: string): ConnectionRow => ({ id: id.length, provider_config_key: 'oa', connection_id: id, credentials: {}, connection_config: {}, metadata: {}, credentials_expires_at: null, last_fetched_at: null, created_at: new Date(), updated_at: new Date() });

describe('generic webhook signature (Ferry extension)', () => {
    // Bytes that are not valid UTF-8: what is signed is the raw body, not a decoded copy of it.
    const raw = Buffer.concat([Buffer.from('{"type":"batch.completed","note":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    const good = opensslHmac('s3cret', raw);

    it('accepts the hex HMAC-SHA256 in X-Signature-256 or X-Hub-Signature-256, with or without sha256=', () => {
        for (const headers of [{ 'x-signature-256': `sha256=${good}` }, { 'x-signature-256': good }, { 'x-hub-signature-256': `sha256=${good}` }, { 'x-hub-signature-256': good.toUpperCase() }]) {
            expect(verifyGenericSignature('s3cret', headers, raw)).toEqual({ ok: true });
        }
    });

    it('refuses another secret, another body, a truncated signature, and no signature', () => {
        expect(verifyGenericSignature('s3cret', { 'x-signature-256': `sha256=${opensslHmac('other', raw)}` }, raw)).toEqual({ error: 'webhook_invalid_signature' });
        expect(verifyGenericSignature('s3cret', { 'x-signature-256': `sha256=${good}` }, Buffer.concat([raw, Buffer.from(' ')]))).toEqual({ error: 'webhook_invalid_signature' });
        expect(verifyGenericSignature('s3cret', { 'x-signature-256': good.slice(0, 40) }, raw)).toEqual({ error: 'webhook_invalid_signature' });
        expect(verifyGenericSignature('s3cret', {}, raw)).toEqual({ error: 'webhook_missing_signature' });
        expect(verifyGenericSignature('s3cret', { 'x-signature-256': '  ' }, raw)).toEqual({ error: 'webhook_missing_signature' });
    });

    it('routes a signed event to every connection, typed by X-GitHub-Event, else the body type', async () => {
        const body = { type: 'batch.completed', id: 'b-1' };
        const bytes = Buffer.from(JSON.stringify(body));
        const signature = opensslHmac('s3cret', bytes);
        const scope = new WebhookScope(integration, async () => [connection('oa-1'), connection('oa-2')]);
        const result = await genericHandler('s3cret', bytes)(scope, { headers: { 'x-signature-256': `sha256=${signature}` }, body, raw: bytes.toString(), query: {} });
        expect(result).toEqual({ statusCode: 200, content: { status: 'success' }, connectionIds: ['oa-1', 'oa-2'], toForward: body });
        expect(scope.executions.map((e) => [e.type, e.connections.map((c) => c.connection_id)])).toEqual([['batch.completed', ['oa-1', 'oa-2']]]);

        const withHeader = new WebhookScope(integration, async () => [connection('oa-1')]);
        await genericHandler('s3cret', bytes)(withHeader, { headers: { 'x-hub-signature-256': `sha256=${signature}`, 'x-github-event': 'push' }, body, raw: bytes.toString(), query: {} });
        expect(withHeader.executions[0]?.type).toBe('push');

        const refused = new WebhookScope(integration, async () => [connection('oa-1')]);
        expect(await genericHandler('s3cret', bytes)(refused, { headers: { 'x-signature-256': 'sha256=00' }, body, raw: bytes.toString(), query: {} })).toEqual({ error: 'webhook_invalid_signature' });
        expect(refused.executions).toEqual([]);
    });

    it('keeps forward_webhooks: false, and true otherwise', () => {
        expect(forwardsWebhooks({ custom: forwardWebhooksCustom(false) })).toBe(false);
        expect(forwardsWebhooks({ custom: forwardWebhooksCustom(true) })).toBe(true);
        expect(forwardsWebhooks({ custom: forwardWebhooksCustom(undefined) })).toBe(true);
    });
});
