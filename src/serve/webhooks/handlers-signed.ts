/**
 * Routing handlers of providers that sign their webhooks, with each provider's scheme as Nango's
 * server checks it: where the secret lives (the integration's `custom.webhookSecret`, its OAuth
 * client secret, or a value derived from the app's credentials), whether a missing secret lets the
 * webhook in (most) or refuses it (Linear, Xero, Autotask, Jobber), and which event field names
 * the connection.
 */
import { createHash, createVerify } from 'node:crypto';
import { hmac, sameBytes, sameText, strictEqual, success, type HandlerResult, type WebhookHandler } from './handler-types.js';
import type { WebhookScope } from './scope.js';

const secretOf = (nango: WebhookScope): string | undefined => nango.integration.custom['webhookSecret'] || undefined;

/** Svix-style signatures (`v1,<base64>` list over `id.timestamp.body`), as Fathom and Folk send them. */
function svixValid(secret: string, id: string, timestamp: string, signatures: string, raw: string, toleranceS?: number): boolean {
    if (toleranceS !== undefined) {
        const at = Number.parseInt(timestamp, 10);
        const now = Math.floor(Date.now() / 1000);
        if (Number.isNaN(at) || Math.abs(now - at) > toleranceS) return false;
    }
    const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
    const expected = Buffer.from(hmac('sha256', key, `${id}.${timestamp}.${raw}`, 'base64'), 'base64');
    return signatures.split(' ').some((item) => sameBytes(Buffer.from(item.replace(/^v1,/, ''), 'base64'), expected));
}

/** GitHub apps: the secret Nango derives from the app's id, private key and link. */
function githubAppValid(parts: [string | null | undefined, string | null | undefined, string | undefined], signature: string, raw: string): boolean {
    const [id, encodedKey, link] = parts;
    if (!encodedKey) return false;
    const secret = createHash('sha256').update(`${id ?? ''}${Buffer.from(encodedKey, 'base64').toString('ascii')}${link ?? ''}`).digest('hex');
    return sameText(`sha256=${hmac('sha256', secret, raw, 'hex')}`, signature);
}

const githubApp: WebhookHandler = async (nango, { headers, body, raw }) => {
    const signature = headers['x-hub-signature-256'];
    const { oauth_client_id: id, oauth_client_secret: key, custom } = nango.integration;
    if (signature && !githubAppValid([id, key, custom['app_link']], signature, raw)) return { error: 'webhook_invalid_signature' };
    const found = await nango.executeScriptForWebhooks({ body, webhookHeaderValue: headers['x-github-event'], connectionIdentifier: 'installation.id', propName: 'installation_id' });
    return success(found.connectionIds, body);
};

const githubAppOauth: WebhookHandler = async (nango, { headers, body, raw }) => {
    const signature = headers['x-hub-signature-256'];
    const { custom } = nango.integration;
    if (signature && !githubAppValid([custom['app_id'], custom['private_key'], custom['app_link']], signature, raw)) return { error: 'webhook_invalid_signature' };
    const found = await nango.executeScriptForWebhooks({ body, webhookHeaderValue: headers['x-github-event'], connectionIdentifier: 'installation.id', propName: 'installation_id' });
    return success(found.connectionIds, body);
};

const linear: WebhookHandler = async (nango, { headers, body, raw }) => {
    const signature = headers['linear-signature'];
    if (!signature) return { error: 'webhook_missing_signature' };
    const secret = secretOf(nango);
    // Without a secret Nango cannot check Linear's signature, so it refuses the webhook.
    if (!secret || !strictEqual(hmac('sha256', secret, raw, 'hex'), signature)) return { error: 'webhook_invalid_signature' };
    const found = await nango.executeScriptForWebhooks({ body, webhookType: 'type', connectionIdentifier: 'organizationId' });
    return success(found.connectionIds, body);
};

/** The pattern most signed providers share: checked only when the integration has a secret. */
function optionalSecret(check: (secret: string, headers: Record<string, string>, raw: string) => 'ok' | 'missing' | 'invalid', route: WebhookHandler): WebhookHandler {
    return async (nango, hook) => {
        const secret = secretOf(nango);
        if (secret) {
            const verdict = check(secret, hook.headers, hook.raw);
            if (verdict !== 'ok') return { error: verdict === 'missing' ? 'webhook_missing_signature' : 'webhook_invalid_signature' };
        }
        return route(nango, hook);
    };
}

const headerHmac = (name: string, sign: (secret: string, raw: string) => string, equal: (a: string, b: string) => boolean = strictEqual) => (secret: string, headers: Record<string, string>, raw: string) => {
    const given = headers[name];
    if (!given) return 'missing' as const;
    return equal(sign(secret, raw), given) ? ('ok' as const) : ('invalid' as const);
};

const attio = optionalSecret(headerHmac('x-attio-signature', (s, raw) => hmac('sha256', s, raw, 'hex')), async (nango, { body }) => {
    if (!Array.isArray(body?.events) || body.events.length === 0) return { statusCode: 200, content: { status: 'success' } };
    const ids = new Set<string>();
    for (const event of body.events) for (const id of (await nango.executeScriptForWebhooks({ body: event, webhookType: 'event_type', connectionIdentifier: 'id.workspace_id', propName: 'workspace_id' })).connectionIds) ids.add(id);
    return success([...ids], body);
});

const calendly = optionalSecret(
    (secret, headers, raw) => {
        const header = headers['calendly-webhook-signature'];
        if (!header) return 'missing';
        const parts = Object.fromEntries(header.split(',').map((part) => part.split('=') as [string, string]));
        const t = parts['t'];
        const v1 = parts['v1'];
        if (!t || !v1 || Math.abs(Number(t) * 1000 - Date.now()) > 180_000) return 'invalid';
        return sameBytes(Buffer.from(hmac('sha256', secret, `${t}.${raw}`, 'hex'), 'hex'), Buffer.from(v1, 'hex')) ? 'ok' : 'invalid';
    },
    async (nango, { body }) => success((await nango.executeScriptForWebhooks({ body, webhookType: 'event', connectionIdentifier: 'created_by', propName: 'owner' })).connectionIds, body)
);

const calCom = optionalSecret(
    headerHmac('x-cal-signature-256', (s, raw) => hmac('sha256', s, raw, 'hex'), (a, b) => sameBytes(Buffer.from(a, 'hex'), Buffer.from(b, 'hex'))),
    async (nango, { body, query }) => {
        const id = query['nangoConnectionId'] ?? body?.nangoConnectionId;
        if (!id) return { error: 'webhook_missing_connection_id' };
        return success((await nango.executeScriptForWebhooks({ body, webhookType: 'triggerEvent', connectionIdentifierValue: String(id), propName: 'connectionId' })).connectionIds, body);
    }
);

const checkrPartner: WebhookHandler = async (nango, { headers, body }) => {
    // Nango requires the header but does not check its value (its check needs the API key).
    if (!headers['x-checkr-signature']) return { error: 'webhook_missing_signature' };
    return success((await nango.executeScriptForWebhooks({ body, webhookType: 'type', connectionIdentifier: 'account_id', propName: 'checkr_account_id' })).connectionIds, body);
};

const autotask: WebhookHandler = async (nango, { headers, body, raw }) => {
    const signature = headers['x-hook-signature'];
    if (!signature) return { error: 'webhook_missing_signature' };
    const secret = secretOf(nango);
    if (!secret || !sameText(hmac('sha1', secret, raw, 'base64'), signature.replace(/^sha1=/, ''))) return { error: 'webhook_invalid_signature' };
    return success((await nango.executeScriptForWebhooks({ body, webhookType: 'EntityType', connectionIdentifier: 'Guid', propName: 'webhookGuid' })).connectionIds, body);
};

const jobber: WebhookHandler = async (nango, { headers, body, raw }) => {
    const signature = headers['x-jobber-hmac-sha256'];
    if (!signature) return { error: 'webhook_missing_signature' };
    const secret = nango.integration.oauth_client_secret;
    if (!secret || !sameBytes(Buffer.from(hmac('sha256', secret, raw, 'base64'), 'base64'), Buffer.from(signature, 'base64'))) return { error: 'webhook_invalid_signature' };
    const event = body?.data?.webHookEvent;
    if (!event) return { statusCode: 200, content: { status: 'success' } };
    return success((await nango.executeScriptForWebhooks({ body: event, webhookType: 'topic', connectionIdentifier: 'accountId', propName: 'accountId' })).connectionIds, body);
};

const jira = optionalSecret(headerHmac('x-hub-signature', (s, raw) => `sha256=${hmac('sha256', s, raw, 'hex')}`, sameText), async (nango, { body }) => {
    const self = ['issue', 'comment', 'sprint', 'board', 'worklog', 'version', 'issueLink', 'project', 'attachment', 'issuetype', 'filter', 'user'].map((key) => body?.[key]?.self).find(Boolean);
    let origin: string | undefined;
    try {
        origin = self ? new URL(String(self)).origin : undefined;
    } catch {
        origin = undefined;
    }
    const ids = origin ? (await nango.executeScriptForWebhooks({ body, webhookType: 'webhookEvent', connectionIdentifierValue: origin, propName: 'baseUrl' })).connectionIds : [];
    return success(ids, body);
});

const jobdiva = optionalSecret(
    // Nango reads the header by its capitalised name, which Node's lower-cased headers never have.
    () => 'missing',
    async (nango, { body }) => success((await nango.executeScriptForWebhooks({ body, webhookType: `${body?.type} ${body?.operation}` })).connectionIds, body)
);

const highlevel = optionalSecret(
    (secret, headers, raw) => {
        const signature = headers['x-wh-signature'];
        if (!signature) return 'missing';
        try {
            const pem = secret.includes('BEGIN') ? secret.replace(/\\n/g, '\n') : `-----BEGIN PUBLIC KEY-----\n${secret.replace(/\s+/g, '').replace(/(.{64})/g, '$1\n')}\n-----END PUBLIC KEY-----\n`;
            return createVerify('SHA256').update(raw, 'utf8').verify(pem, signature.trim(), 'base64') ? 'ok' : 'invalid';
        } catch {
            return 'invalid';
        }
    },
    async (nango, { body }) => {
        const location = body?.locationId ?? (body?.altType === 'location' ? body?.altId : undefined);
        const identifier = location ? 'locationId' : body?.companyId ? 'companyId' : '';
        return success((await nango.executeScriptForWebhooks({ body, webhookTypeValue: body?.type ?? '', connectionIdentifier: identifier, ...(identifier ? { propName: identifier } : {}) })).connectionIds, body);
    }
);

const notion: WebhookHandler = async (nango, hook) => {
    const { headers, body, raw } = hook;
    const token = secretOf(nango);
    // Notion's first call carries the verification token and no signature yet.
    if (!(body && typeof body === 'object' && 'verification_token' in body) && token) {
        const signature = headers['x-notion-signature'];
        if (!signature) return { error: 'webhook_missing_signature' };
        if (!sameText(`sha256=${hmac('sha256', token, raw, 'hex')}`, signature)) return { error: 'webhook_invalid_signature' };
    }
    return success((await nango.executeScriptForWebhooks({ body, webhookType: 'type', connectionIdentifier: 'workspace_id', propName: 'workspace_id' })).connectionIds, body);
};

const sellsy = optionalSecret(headerHmac('x-webhook-signature', (s, raw) => createHash('sha1').update(s + raw).digest('hex')), async (nango, { body }) => {
    const type =
        String(body?.eventType ?? '').toLowerCase() === 'thirdlog'
            ? body?.thirdtype
                ? `${body.thirdtype}.${body.event}`
                : `${body?.relatedtype}.${body?.eventType}.${body?.event}`
            : `${body?.relatedtype}.${body?.event}`;
    return success((await nango.executeScriptForWebhooks({ body, webhookTypeValue: type, connectionIdentifier: 'corpid', propName: 'corpid' })).connectionIds, body);
});

const fathom = optionalSecret(
    (secret, headers, raw) => {
        const id = headers['webhook-id'] || headers['svix-id'];
        const signature = headers['webhook-signature'] || headers['svix-signature'];
        const timestamp = headers['webhook-timestamp'] || headers['svix-timestamp'];
        if (!id || !signature || !timestamp) return 'missing';
        return svixValid(secret, id, timestamp, signature, raw, 300) ? 'ok' : 'invalid';
    },
    async (nango, { body }) => success((await nango.executeScriptForWebhooks({ body, connectionIdentifierValue: body?.recorded_by?.email, propName: 'metadata.emailAddress' })).connectionIds, body)
);

const folk: WebhookHandler = async (nango, { headers, body, raw, query }) => {
    const secret = secretOf(nango);
    if (secret) {
        const [id, timestamp, signature] = [headers['webhook-id'], headers['webhook-timestamp'], headers['webhook-signature']];
        if (!id || !timestamp || !signature || !svixValid(secret, id, timestamp, signature, raw)) return { error: 'webhook_invalid_signature' };
    }
    const connectionId = query['nangoConnectionId'];
    if (!connectionId) return { error: 'webhook_missing_connection_id' };
    return success((await nango.executeScriptForWebhooks({ body, webhookType: 'type', connectionIdentifierValue: connectionId, propName: 'connectionId' })).connectionIds, body);
};

const xero: WebhookHandler = async (nango, { headers, body, raw }) => {
    const signature = headers['x-xero-signature'];
    if (!signature) return { error: 'webhook_missing_signature' };
    const secret = secretOf(nango);
    if (!secret || hmac('sha256', secret, raw, 'base64').replace(/\//g, '') !== signature.replace(/\//g, '')) return { error: 'webhook_invalid_signature' };
    const events: unknown[] = Array.isArray(body?.events) ? body.events : [];
    if (events.length === 0) return { statusCode: 200, content: { status: 'success' } };
    const ids: string[] = [];
    for (const event of events) ids.push(...(await nango.executeScriptForWebhooks({ body: event, webhookType: 'eventType', connectionIdentifier: 'tenantId', propName: 'tenant_id' })).connectionIds);
    return success(ids, body);
};

export const signedHandlers: Record<string, WebhookHandler> = {
    githubAppWebhookRouting: githubApp,
    githubAppOauthWebhookRouting: githubAppOauth,
    linearWebhookRouting: linear,
    attioWebhookRouting: attio,
    calendlyWebhookRouting: calendly,
    calComWebhookRouting: calCom,
    checkrPartnerWebhookRouting: checkrPartner,
    autotaskWebhookRouting: autotask,
    jobberWebhookRouting: jobber,
    jiraWebhookRouting: jira,
    jobdivaWebhookRouting: jobdiva,
    highlevelWebhookRouting: highlevel,
    notionWebhookRouting: notion,
    sellsyWebhookRouting: sellsy,
    fathomWebhookRouting: fathom,
    folkWebhookRouting: folk,
    xeroWebhookRouting: xero
};

export type { HandlerResult };
