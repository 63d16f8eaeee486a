/**
 * The other routing handlers of Nango's server: providers whose webhooks carry no signature Nango
 * checks (or a shared token, or a connection id in a header), with the field that names the
 * connection and the event's type as Nango reads them, and their special answers (Slack's URL
 * challenge, Microsoft's validation token).
 */
import { createHash } from 'node:crypto';
import { hmac, sameBytes, success, type WebhookHandler } from './handler-types.js';
import type { WebhookScope, WebhookSpec } from './scope.js';

const ids = async (nango: WebhookScope, spec: WebhookSpec): Promise<string[]> => (await nango.executeScriptForWebhooks(spec)).connectionIds;

const hashEmail = (email: string): string => createHash('sha256').update(`nango.emailAddressHash.v1:${email.trim().toLowerCase()}`, 'utf8').digest('hex');

const unauthenticated: WebhookHandler = async (nango, { body }) => success(await ids(nango, { body, webhookType: 'type', connectionIdentifier: 'connectionId', propName: 'connectionId' }), body);

const salesforce: WebhookHandler = async (nango, { body }) => success(await ids(nango, { body, webhookType: 'nango.eventType', connectionIdentifier: 'nango.connectionId', propName: 'connectionId' }), body);

const microsoftTeams: WebhookHandler = async (nango, { body }) => success(await ids(nango, { body, webhookType: 'type', connectionIdentifier: 'channelData.tenant.id', propName: 'tenantId' }), body);

// Nango passes the type's value where a path is expected, so the type is whatever the body holds at it.
const affinity: WebhookHandler = async (nango, { body }) => success(await ids(nango, { body, webhookType: body?.type }), body);

const airtable: WebhookHandler = async (nango, { body }) =>
    success(await ids(nango, { body: { ...body, type: '*' }, webhookType: 'type', connectionIdentifier: 'webhook.id', propName: 'metadata.webhooks' }), body);

const fillout: WebhookHandler = async (nango, { body }) => {
    const events: unknown[] = Array.isArray(body) ? body : [body];
    const found = new Set<string>();
    for (const event of events) for (const id of await ids(nango, { body: event, webhookType: 'type', connectionIdentifier: 'formId', propName: 'metadata.formId' })) found.add(id);
    return success([...found], body);
};

const hubspot: WebhookHandler = async (nango, { headers, body }) => {
    const secret = nango.integration.oauth_client_secret ?? '';
    const expected = createHash('sha256').update(`${secret}${JSON.stringify(body)}`).digest('hex');
    const signature = headers['x-hubspot-signature'];
    // Nango's check fails on a missing header with an exception: its answer is then a 500.
    if (signature === undefined) throw new TypeError('the X-HubSpot-Signature header is missing');
    if (!sameBytes(Buffer.from(expected, 'hex'), Buffer.from(signature, 'hex'))) return { error: 'webhook_invalid_signature' };
    const events: Record<string, any>[] = (Array.isArray(body) ? body : [body]).filter((event) => event?.changeSource !== 'IMPORT');
    // Creations first, then by time, per object, as Nango orders them.
    const byObject = new Map<unknown, Record<string, any>[]>();
    for (const event of events) byObject.set(event['objectId'], [...(byObject.get(event['objectId']) ?? []), event]);
    const found: string[] = [];
    for (const group of byObject.values()) {
        group.sort((a, b) => Number(String(b['subscriptionType']).endsWith('.creation')) - Number(String(a['subscriptionType']).endsWith('.creation')) || a['occurredAt'] - b['occurredAt']);
        for (const event of group) found.push(...(await ids(nango, { body: event, webhookType: 'subscriptionType', connectionIdentifier: 'portalId' })));
    }
    return success(Array.isArray(body) ? [...new Set(found)] : found, body);
};

const slack: WebhookHandler = async (nango, { headers, body }) => {
    let payload = body;
    if (headers['content-type']?.startsWith('application/x-www-form-urlencoded')) {
        try {
            payload = JSON.parse(body?.['payload'] || body);
        } catch {
            payload = body;
        }
    }
    if (payload?.['type'] === 'url_verification') return { statusCode: 200, content: body?.['challenge'] };
    const teamId = payload?.['team_id'] || payload?.['team']?.['id'];
    const found = await ids(nango, { body: { ...payload, teamId }, webhookType: 'type', connectionIdentifier: 'teamId', propName: 'team.id' });
    return { statusCode: 200, content: payload?.['type'] === 'view_submission' ? null : { status: 'success' }, connectionIds: found, toForward: payload };
};

const microsoftClientCredentials: WebhookHandler = async (nango, { body, query }) => {
    if (query['validationToken']) return { statusCode: 200, content: query['validationToken'] };
    const notifications: Record<string, unknown>[] = Array.isArray(body?.value) ? body.value : [];
    if (notifications.length === 0) return { statusCode: 200, content: { status: 'success' } };
    const expected = nango.integration.custom['webhookSecret'];
    const valid = expected ? notifications.filter((n) => n['clientState'] === expected) : notifications;
    if (valid.length === 0) return { error: 'webhook_invalid_signature' };
    const found = new Set<string>();
    for (const notification of valid) for (const id of await ids(nango, { body: notification, webhookType: 'changeType', connectionIdentifier: 'tenantId', propName: 'tenantId' })) found.add(id);
    return success([...found], { value: valid });
};

const pagerduty: WebhookHandler = async (nango, { headers, body, raw }) => {
    const connectionId = headers['x-nango-connection-id'];
    if (!connectionId) return { error: 'webhook_missing_nango_connection_id' };
    const found = await nango.executeScriptForWebhooks({ body, webhookType: 'event.event_type', connectionIdentifierValue: connectionId, propName: 'connectionId' });
    const id = found.connectionIds[0];
    if (!id) return success([], body);
    const secret = found.connectionMetadata[id]?.['webhookSecret'];
    if (secret) {
        const header = headers['x-pagerduty-signature'];
        if (!header) return { error: 'webhook_missing_signature' };
        const list = Array.isArray(secret) ? secret : [secret];
        if (list.length !== 1 || typeof list[0] !== 'string') return { error: 'webhook_invalid_secret' };
        if (!header.split(',').map((s) => s.trim()).includes(`v1=${hmac('sha256', list[0], raw, 'hex')}`)) return { error: 'webhook_invalid_signature' };
    }
    return success([id], body);
};

const shipstation: WebhookHandler = async (nango, { headers, body }) => {
    let value = headers['x-nango-connection-id'];
    let propName = 'connectionId';
    if (!value && body?.resource_url) {
        try {
            const url = new URL(String(body.resource_url));
            const store = url.searchParams.get('storeID') || url.searchParams.get('store_id') || undefined;
            if (store) {
                value = store.includes('-') ? store.split('-').slice(1).join('-') : store;
                propName = 'metadata.storeId';
            }
        } catch {
            // Not a URL: no store to route by.
        }
    }
    if (!value) return { error: 'webhook_missing_nango_connection_id' };
    return success(await ids(nango, { body, webhookType: 'resource_type', connectionIdentifierValue: value, propName }), body);
};

const shopify: WebhookHandler = async (nango, { headers, body, raw }) => {
    const subdomain = new URL(`https://${headers['x-shopify-shop-domain'] ?? ''}`).hostname.split('.')[0];
    if (!subdomain) return { error: 'webhook_missing_shop_domain' };
    const secret = nango.integration.oauth_client_secret || nango.integration.custom['webhookSecret'];
    if (secret) {
        const signature = headers['x-shopify-hmac-sha256'];
        if (!signature) return { error: 'webhook_missing_signature' };
        if (!sameBytes(Buffer.from(hmac('sha256', secret, raw, 'base64'), 'base64'), Buffer.from(signature, 'base64'))) return { error: 'webhook_invalid_signature' };
    }
    return success(await ids(nango, { body, webhookTypeValue: headers['x-shopify-topic'] ?? '', connectionIdentifierValue: subdomain, propName: 'subdomain' }), body);
};

const streak: WebhookHandler = async (nango, { headers, body }) => {
    const token = headers['x-streak-webhook-token'];
    if (!token) return { error: 'webhook_missing_token' };
    return success(await ids(nango, { body, connectionIdentifierValue: token, propName: 'streakWebhookToken' }), body);
};

const videoask: WebhookHandler = async (nango, { headers, body }) => {
    const secret = nango.integration.custom['webhookSecret'];
    if (secret && headers['nango-webhook-secret'] !== secret) return { error: 'webhook_invalid_signature' };
    const connectionId = headers['nango-connection-id'];
    if (!connectionId) return { error: 'webhook_missing_connection_id' };
    return success(await ids(nango, { body, webhookType: 'type', connectionIdentifierValue: connectionId, propName: 'connectionId' }), body);
};

/** Google's push notifications carry everything in headers, which are also what is forwarded. */
const google: WebhookHandler = async (nango, { headers }) => {
    const uri = headers['x-goog-resource-uri'];
    const base = { body: headers, webhookTypeValue: headers['x-goog-resource-state'] };
    return success(uri ? await ids(nango, { ...base, connectionIdentifierValue: uri, propName: 'metadata.googleCalendarWatchResourceUris' }) : [], headers);
};

const googleCalendar: WebhookHandler = async (nango, { headers }) => {
    const uri = headers['x-goog-resource-uri'];
    if (!uri) return success([], headers);
    const base = { body: headers, webhookTypeValue: headers['x-goog-resource-state'] };
    let found = await ids(nango, { ...base, connectionIdentifierValue: uri, propName: 'metadata.googleCalendarWatchResourceUris' });
    const email = /\/calendars\/([^/]+)\//.exec(uri)?.[1];
    const address = email ? decodeURIComponent(email) : undefined;
    if (found.length === 0) found = await ids(nango, { ...base, connectionIdentifier: 'emailAddressHash', connectionIdentifierValue: address ? hashEmail(address) : undefined, propName: 'emailAddressHash' });
    for (const prop of ['metadata.emailAddress', 'metadata.email']) if (found.length === 0) found = await ids(nango, { ...base, connectionIdentifier: 'emailAddress', connectionIdentifierValue: address, propName: prop });
    return success(found, headers);
};

const googleDrive: WebhookHandler = async (nango, { headers }) => {
    const base = { body: headers, webhookTypeValue: headers['x-goog-resource-state'] };
    let found: string[] = [];
    if (headers['x-goog-resource-id']) found = await ids(nango, { ...base, connectionIdentifierValue: headers['x-goog-resource-id'], propName: 'metadata.googleDriveWatchResourceIds' });
    if (found.length === 0 && headers['x-goog-resource-uri']) found = await ids(nango, { ...base, connectionIdentifierValue: headers['x-goog-resource-uri'], propName: 'metadata.googleCalendarWatchResourceUris' });
    return success(found, headers);
};

const sentryOauth: WebhookHandler = async (nango, { headers, body }) => {
    const signature = headers['sentry-hook-signature'];
    if (signature && hmac('sha256', nango.integration.oauth_client_secret ?? '', JSON.stringify(body), 'hex') !== signature) return { error: 'webhook_invalid_signature' };
    return success(await ids(nango, { body, webhookType: 'action', connectionIdentifier: 'installation.id', propName: 'installation_id' }), body);
};

const gitlab: WebhookHandler = async (nango, { headers, body, raw, query }) => {
    const connectionId = query['nangoConnectionId'] ?? (typeof body?.nangoConnectionId === 'string' ? body.nangoConnectionId : undefined);
    if (!connectionId) return { error: 'webhook_missing_connection_id' };
    const connection = await nango.getConnectionForWebhook(connectionId);
    if (!connection) return success([], body);
    const secret = connection.metadata['webhookSecret'];
    if (secret != null && typeof secret !== 'string') return { error: 'webhook_invalid_secret' };
    if (secret) {
        const signature = headers['webhook-signature'];
        const token = headers['x-gitlab-token'];
        const valid = signature ? gitlabSigned(secret, headers, raw) : Boolean(token && token === secret);
        if (!valid) return { error: signature || token ? 'webhook_invalid_signature' : 'webhook_missing_signature' };
    }
    return success(await ids(nango, { body, webhookHeaderValue: headers['x-gitlab-event'], connectionIdentifierValue: connectionId, propName: 'connectionId' }), body);
};

function gitlabSigned(secret: string, headers: Record<string, string>, raw: string): boolean {
    const [id, timestamp, signature] = [headers['webhook-id'], headers['webhook-timestamp'], headers['webhook-signature']];
    if (!id || !timestamp || !signature || !secret.startsWith('whsec_')) return false;
    if (!Number.isSafeInteger(Number(timestamp)) || Math.abs(Math.floor(Date.now() / 1000) - Number(timestamp)) > 300) return false;
    const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
    if (key.length !== 32) return false;
    const expected = `v1,${hmac('sha256', key, `${id}.${timestamp}.${raw}`, 'base64')}`;
    return signature.split(' ').some((item) => item === expected);
}

export const routedHandlers: Record<string, WebhookHandler> = {
    unauthenticatedWebhookRouting: unauthenticated,
    salesforceWebhookRouting: salesforce,
    microsoftTeamsWebhookRouting: microsoftTeams,
    affinityWebhookRouting: affinity,
    airtableWebhookRouting: airtable,
    filloutWebhookRouting: fillout,
    hubspotWebhookRouting: hubspot,
    slackWebhookRouting: slack,
    microsoftClientCredentialsWebhookRouting: microsoftClientCredentials,
    pagerdutyWebhookRouting: pagerduty,
    shipstationWebhookRouting: shipstation,
    shopifyWebhookRouting: shopify,
    streakWebhookRouting: streak,
    videoaskWebhookRouting: videoask,
    googleWebhookRouting: google,
    googleCalendarWebhookRouting: googleCalendar,
    googleDriveWebhookRouting: googleDrive,
    sentryOauthWebhookRouting: sentryOauth,
    gitlabWebhookRouting: gitlab
};
