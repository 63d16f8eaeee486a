/**
 * Providers' webhooks as Nango's routing handlers take them, without a server: the signature
 * schemes (signed with openssl, not with the code under test), what a missing secret means per
 * provider, which connections an event is about, and which events reach the subscribed syncs.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { errorAnswer, type IncomingWebhook } from '../../src/serve/webhooks/handler-types.js';
import { routedHandlers } from '../../src/serve/webhooks/handlers-routed.js';
import { signedHandlers } from '../../src/serve/webhooks/handlers-signed.js';
import { subscribed, WebhookScope } from '../../src/serve/webhooks/scope.js';
import type { ConnectionRow, IntegrationRow } from '../../src/serve/store.js';

const openssl = (args: string[], input: string, encoding: 'hex' | 'base64' = 'hex'): string => {
    const digest = execFileSync('openssl', ['dgst', ...args, '-binary'], { input });
    return digest.toString(encoding);
};
const hmacHex = (secret: string, raw: string) => openssl(['-sha256', '-hmac', secret], raw);

function integration(provider: string, fields: Partial<IntegrationRow> = {}): IntegrationRow {
    return { unique_key: provider, provider, display_name: null, custom: {}, oauth_client_id: null, oauth_client_secret: null, oauth_scopes: null, created_at: new Date(), updated_at: new Date(), ...fields };
}
function connection(id: string, config: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}): ConnectionRow {
    return { id: id.length, provider_config_key: 'x', connection_id: id, credentials: {}, connection_config: config, metadata, credentials_expires_at: null, last_fetched_at: null, created_at: new Date(), updated_at: new Date() };
}
function hook(body: unknown, headers: Record<string, string> = {}, query: Record<string, string> = {}): IncomingWebhook {
    return { headers, body, raw: JSON.stringify(body), query };
}
const scopeOf = (row: IntegrationRow, connections: ConnectionRow[]) => new WebhookScope(row, async () => connections);

describe("providers' webhook routing (Nango's handlers)", () => {
    const linearConnections = [connection('lin-1', { organizationId: 'org-1' }), connection('lin-2', { organizationId: 'org-2' })];

    it('Linear: refuses a missing signature, a wrong one, and any webhook when the integration has no secret', async () => {
        const body = { type: 'Issue', organizationId: 'org-1' };
        const raw = JSON.stringify(body);
        const withSecret = integration('linear', { custom: { webhookSecret: 's' } });
        expect(await signedHandlers['linearWebhookRouting']!(scopeOf(withSecret, linearConnections), hook(body))).toEqual({ error: 'webhook_missing_signature' });
        expect(await signedHandlers['linearWebhookRouting']!(scopeOf(withSecret, linearConnections), hook(body, { 'linear-signature': hmacHex('t', raw) }))).toEqual({ error: 'webhook_invalid_signature' });
        expect(await signedHandlers['linearWebhookRouting']!(scopeOf(integration('linear'), linearConnections), hook(body, { 'linear-signature': hmacHex('s', raw) }))).toEqual({ error: 'webhook_invalid_signature' });

        const scope = scopeOf(withSecret, linearConnections);
        const result = await signedHandlers['linearWebhookRouting']!(scope, hook(body, { 'linear-signature': hmacHex('s', raw) }));
        expect(result).toEqual({ statusCode: 200, content: { status: 'success' }, connectionIds: ['lin-1'], toForward: body });
        expect(scope.executions.map((e) => [e.type, e.connections.map((c) => c.connection_id)])).toEqual([['Issue', ['lin-1']]]);
    });

    it("GitHub apps: the secret Nango derives from the app's id, key and link; no header is let in; routed by installation.id", async () => {
        const key = Buffer.from('-----BEGIN KEY-----abc').toString('base64');
        const row = integration('github-app', { oauth_client_id: '123', oauth_client_secret: key, custom: { app_link: 'https://github.com/apps/x' } });
        const secret = openssl(['-sha256'], `123-----BEGIN KEY-----abchttps://github.com/apps/x`);
        const body = { action: 'opened', installation: { id: 42 } };
        const raw = JSON.stringify(body);
        const connections = [connection('gh-1', { installation_id: 42 }), connection('gh-2', { installation_id: 7 })];
        const scope = scopeOf(row, connections);
        const ok = await signedHandlers['githubAppWebhookRouting']!(scope, hook(body, { 'x-hub-signature-256': `sha256=${hmacHex(secret, raw)}`, 'x-github-event': 'issues' }));
        expect(ok).toMatchObject({ statusCode: 200, connectionIds: ['gh-1'] });
        expect(scope.executions[0]).toMatchObject({ type: undefined, headerValue: 'issues' });
        expect(await signedHandlers['githubAppWebhookRouting']!(scopeOf(row, connections), hook(body, { 'x-hub-signature-256': `sha256=${hmacHex('other', raw)}` }))).toEqual({ error: 'webhook_invalid_signature' });
        expect(await signedHandlers['githubAppWebhookRouting']!(scopeOf(row, connections), hook(body))).toMatchObject({ statusCode: 200, connectionIds: ['gh-1'] });
    });

    it('an identifier path that finds nothing matches no connection; no path and no value matches every connection', async () => {
        const scope = scopeOf(integration('unauthenticated'), [connection('a'), connection('b')]);
        expect(await routedHandlers['unauthenticatedWebhookRouting']!(scope, hook({ type: 't' }))).toMatchObject({ connectionIds: [] });
        expect(await routedHandlers['unauthenticatedWebhookRouting']!(scope, hook({ type: 't', connectionId: 'b' }))).toMatchObject({ connectionIds: ['b'] });
        const all = await scope.executeScriptForWebhooks({ body: {} });
        expect(all.connectionIds).toEqual(['a', 'b']);
    });

    it('metadata routing matches a value, an item of a list, or a key of an object', async () => {
        const scope = scopeOf(integration('airtable'), [connection('one', {}, { webhooks: ['w1', 'w2'] }), connection('two', {}, { webhooks: { w3: true } }), connection('three', {}, { webhooks: 'w4' })]);
        for (const [id, expected] of [['w2', 'one'], ['w3', 'two'], ['w4', 'three']]) {
            expect(await routedHandlers['airtableWebhookRouting']!(scope, hook({ webhook: { id } }))).toMatchObject({ connectionIds: [expected] });
        }
        // Airtable's events reach catch-all subscriptions only.
        expect(scope.executions[0]?.type).toBe('*');
    });

    it("Slack's URL challenge is answered with the challenge; HubSpot's signature uses the OAuth client secret", async () => {
        const scope = scopeOf(integration('slack'), []);
        expect(await routedHandlers['slackWebhookRouting']!(scope, hook({ type: 'url_verification', challenge: 'c-1' }))).toEqual({ statusCode: 200, content: 'c-1' });

        const row = integration('hubspot', { oauth_client_secret: 'hs' });
        const events = [{ objectId: 1, portalId: 9, subscriptionType: 'contact.propertyChange', occurredAt: 2 }, { objectId: 1, portalId: 9, subscriptionType: 'contact.creation', occurredAt: 3 }];
        const signature = openssl(['-sha256'], `hs${JSON.stringify(events)}`);
        const hs = scopeOf(row, [connection('portal', { portalId: '9' })]);
        expect(await routedHandlers['hubspotWebhookRouting']!(hs, hook(events, { 'x-hubspot-signature': signature }))).toMatchObject({ statusCode: 200, connectionIds: ['portal'] });
        expect(hs.executions.map((e) => e.type)).toEqual(['contact.creation', 'contact.propertyChange']);
        expect(await routedHandlers['hubspotWebhookRouting']!(hs, hook(events, { 'x-hubspot-signature': 'ab' }))).toEqual({ error: 'webhook_invalid_signature' });
        await expect(routedHandlers['hubspotWebhookRouting']!(hs, hook(events))).rejects.toThrow(/X-HubSpot-Signature/);
    });

    it('Xero refuses without a secret; Shopify signs with the client secret and routes by shop; Jira by its site; Microsoft echoes the validation token', async () => {
        const xero = { events: [{ eventType: 'UPDATE', tenantId: 't-1' }], firstEventSequence: 1, lastEventSequence: 1, entropy: 'x' };
        const xeroSigned = openssl(['-sha256', '-hmac', 'xs'], JSON.stringify(xero), 'base64');
        expect(await signedHandlers['xeroWebhookRouting']!(scopeOf(integration('xero'), []), hook(xero, { 'x-xero-signature': xeroSigned }))).toEqual({ error: 'webhook_invalid_signature' });
        const xeroScope = scopeOf(integration('xero', { custom: { webhookSecret: 'xs' } }), [connection('x-1', { tenant_id: 't-1' })]);
        expect(await signedHandlers['xeroWebhookRouting']!(xeroScope, hook(xero, { 'x-xero-signature': xeroSigned }))).toMatchObject({ statusCode: 200, connectionIds: ['x-1'] });
        expect(xeroScope.executions[0]).toMatchObject({ type: 'UPDATE', body: xero.events[0] });

        const order = { id: 1 };
        const shop = scopeOf(integration('shopify', { oauth_client_secret: 'ss' }), [connection('s-1', { subdomain: 'acme' })]);
        const shopHeaders = { 'x-shopify-shop-domain': 'acme.myshopify.com', 'x-shopify-topic': 'orders/create' };
        expect(await routedHandlers['shopifyWebhookRouting']!(shop, hook(order, shopHeaders))).toEqual({ error: 'webhook_missing_signature' });
        const shopSigned = openssl(['-sha256', '-hmac', 'ss'], JSON.stringify(order), 'base64');
        expect(await routedHandlers['shopifyWebhookRouting']!(shop, hook(order, { ...shopHeaders, 'x-shopify-hmac-sha256': shopSigned }))).toMatchObject({ connectionIds: ['s-1'] });
        expect(shop.executions[0]?.type).toBe('orders/create');

        const jira = scopeOf(integration('jira'), [connection('j-1', { baseUrl: 'https://acme.atlassian.net' })]);
        expect(await signedHandlers['jiraWebhookRouting']!(jira, hook({ webhookEvent: 'jira:issue_updated', issue: { self: 'https://acme.atlassian.net/rest/api/2/issue/1' } }))).toMatchObject({ connectionIds: ['j-1'] });

        const ms = scopeOf(integration('microsoft-oauth2-cc'), []);
        expect(await routedHandlers['microsoftClientCredentialsWebhookRouting']!(ms, hook({}, {}, { validationToken: 'v-1' }))).toEqual({ statusCode: 200, content: 'v-1' });
        expect(await signedHandlers['calComWebhookRouting']!(scopeOf(integration('cal-com-v2'), []), hook({ triggerEvent: 'BOOKING_CREATED' }))).toEqual({ error: 'webhook_missing_connection_id' });
    });

    it('subscriptions match the type, the header value or *; errors get Nango status and message', () => {
        expect(subscribed(['Issue'], { type: 'Issue', headerValue: undefined })).toBe(true);
        expect(subscribed(['issues'], { type: undefined, headerValue: 'issues' })).toBe(true);
        expect(subscribed(['*'], { type: undefined, headerValue: undefined })).toBe(true);
        expect(subscribed(['Comment'], { type: 'Issue', headerValue: undefined })).toBe(false);
        expect(errorAnswer('webhook_missing_signature')).toEqual({ status: 401, body: { error: 'Missing webhook signature' } });
        expect(errorAnswer('webhook_missing_connection_id')).toEqual({ status: 400, body: { error: 'Webhook payload is missing nangoConnectionId' } });
        expect(errorAnswer('webhook_missing_nango_connection_id').status).toBe(500);
    });
});
