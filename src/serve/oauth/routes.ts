/**
 * OAuth connections on the local server. `POST /oauth/sessions` (secret key; Ferry's own, as a
 * CLI has no browser session) starts a flow and answers with the provider's authorization URL;
 * `GET /oauth/callback` (public: the browser comes back to it, Nango's route) checks `state`,
 * exchanges the code, stores the connection, fires the `auth` webhook and the on-event functions;
 * `GET /oauth/sessions/:id` (secret key) tells the waiting CLI how the flow ended.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { parseOr400, queryObject } from '../api/validate.js';
import type { ServeContext } from '../context.js';
import type { Sealer } from '../crypto.js';
import { readJson, sendError, sendJson, type Router } from '../http.js';
import { getProvider } from '../providers.js';
import { emitAuth } from '../webhooks/index.js';
import { ExchangeError, exchangeCode } from './exchange.js';
import { sendPage } from './page.js';
import { authorizationUrl, OAuthSetupError } from './provider-urls.js';
import { OAuthSessions, type OAuthSession } from './sessions.js';
import { connectionIdSchema, providerConfigKeySchema } from '../api/schemas.js';

const startBody = z.strictObject({
    provider_config_key: providerConfigKeySchema,
    connection_id: connectionIdSchema.optional(),
    connection_config: z.record(z.string(), z.unknown()).optional(),
    webhook_url_override: z.union([z.url({ protocol: /^https?$/ }), z.literal('')]).optional()
});

export function registerOAuthRoutes(router: Router, ctx: ServeContext, sealer: Sealer): void {
    const sessions = new OAuthSessions(ctx.storage, sealer);
    router.add({
        method: 'POST',
        path: '/oauth/sessions',
        handler: async ({ req, res, url }) => {
            if (!parseOr400(res, z.strictObject({}), queryObject(url), 'invalid_query_params')) return;
            const body = parseOr400(res, startBody, await readJson(req), 'invalid_body');
            if (!body) return;
            const integration = await ctx.store.getIntegration(body.provider_config_key);
            if (!integration) return sendError(res, 404, 'not_found', 'Integration does not exist');
            const provider = await getProvider(integration.provider);
            if (!provider || provider.auth_mode !== 'OAUTH2') return sendError(res, 400, 'invalid_auth_mode', `Provider ${integration.provider} does not use OAUTH2 (its auth mode is ${provider?.auth_mode ?? 'unknown'})`);
            if (!integration.oauth_client_id || !integration.oauth_client_secret) {
                return sendError(res, 400, 'missing_oauth_client', `Integration ${integration.unique_key} has no OAuth client id and secret`);
            }
            const session = await sessions.create({
                providerConfigKey: integration.unique_key,
                connectionId: body.connection_id ?? randomUUID(),
                redirectUri: `${ctx.url}/oauth/callback`,
                connectionConfig: body.connection_config ?? {},
                webhookUrlOverride: body.webhook_url_override || null
            });
            let location: string;
            try {
                location = authorizationUrl(integration, provider, session);
            } catch (error) {
                if (!(error instanceof OAuthSetupError)) throw error;
                return sendError(res, 400, 'invalid_connection_config', error.message);
            }
            ctx.log(`oauth: flow started for ${integration.unique_key}/${session.connectionId}`);
            sendJson(res, 201, { data: { id: session.id, authorization_url: location, connection_id: session.connectionId, provider_config_key: integration.unique_key } });
        }
    });
    router.add({
        method: 'GET',
        path: '/oauth/sessions/:id',
        handler: async ({ res, params }) => {
            const session = await sessions.get(params['id'] ?? '');
            if (!session) return sendError(res, 404, 'not_found', 'No OAuth flow with this id (it expired)');
            sendJson(res, 200, { data: { id: session.id, status: session.status, provider_config_key: session.providerConfigKey, connection_id: session.connectionId, ...(session.error ? { error: session.error } : {}) } });
        }
    });
    router.add({ method: 'GET', path: '/oauth/callback', public: true, handler: ({ res, url }) => callback(ctx, sessions, res, url) });
}

async function callback(ctx: ServeContext, sessions: OAuthSessions, res: Parameters<typeof sendPage>[0], url: URL): Promise<void> {
    const state = url.searchParams.get('state');
    const session = state ? await sessions.take(state) : undefined;
    if (!session) {
        ctx.log('oauth: callback refused (unknown or used state)');
        return sendPage(res, 400, 'Authorization refused', 'This authorization does not belong to a connection in progress here (invalid_oauth_state). Start again with ferry connect.');
    }
    const fail = async (code: string, message: string): Promise<void> => {
        await sessions.finish(session, { status: 'error', error: { code, message } });
        ctx.log(`oauth: ${session.providerConfigKey}/${session.connectionId} not connected (${code})`);
        sendPage(res, 400, 'Not connected', message);
    };
    const providerError = url.searchParams.get('error');
    if (providerError) {
        const description = url.searchParams.get('error_description');
        return fail(providerError, `The provider did not authorize the connection: ${providerError}${description ? ` (${description})` : ''}.`);
    }
    const code = url.searchParams.get('code');
    if (!code) return fail('invalid_callback', 'The provider came back without an authorization code.');
    const integration = await ctx.store.getIntegration(session.providerConfigKey);
    const provider = integration && (await getProvider(integration.provider));
    if (!integration || !provider) return fail('unknown_provider_config', `Integration ${session.providerConfigKey} no longer exists.`);
    try {
        await store(ctx, session, integration, provider, code);
        await sessions.finish(session, { status: 'success' });
    } catch (error) {
        if (error instanceof ExchangeError || error instanceof OAuthSetupError) return fail(error instanceof ExchangeError ? error.code : 'token_request_failed', error.message);
        throw error;
    }
    sendPage(res, 200, 'Connected', `Connection ${session.connectionId} of ${session.providerConfigKey} is ready. You can close this window.`);
}

async function store(ctx: ServeContext, session: OAuthSession, integration: NonNullable<Awaited<ReturnType<ServeContext['store']['getIntegration']>>>, provider: NonNullable<Awaited<ReturnType<typeof getProvider>>>, code: string): Promise<void> {
    const { credentials, expiresAt } = await exchangeCode(ctx, integration, provider, session, code);
    const { connection, operation } = await ctx.store.upsertConnection({
        provider_config_key: integration.unique_key,
        connection_id: session.connectionId,
        credentials,
        connection_config: session.connectionConfig,
        metadata: {},
        credentials_expires_at: expiresAt
    });
    await ctx.storage.query('update ferry_connections set webhook_url_override = $2 where id = $1', [connection.id, session.webhookUrlOverride]);
    ctx.log(`oauth: connection ${connection.provider_config_key}/${connection.connection_id} ${operation === 'creation' ? 'created' : 'replaced'}`);
    const { runOnEvent } = await import('../runner.js');
    const invalid = await runOnEvent(ctx, 'validate-connection', connection, integration);
    if (invalid !== undefined) {
        if (operation === 'creation') await ctx.store.deleteConnection(connection.provider_config_key, connection.connection_id);
        throw new ExchangeError('connection_validation_failed', `The connection did not pass validation: ${invalid}`);
    }
    await emitAuth(ctx, { connectionId: connection.connection_id, providerConfigKey: integration.unique_key, provider: integration.provider, authMode: 'OAUTH2', operation });
    if (operation === 'creation') {
        void runOnEvent(ctx, 'post-connection-creation', connection, integration).catch((error: unknown) => ctx.log(`post-connection-creation could not run: ${(error as Error)?.message}`));
    }
}
