/** POST/GET/DELETE /connections, as Nango's public API answers them (POST is its import shape). */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { readJson, sendError, sendJson, type Router } from '../http.js';
import { endUserSchema, splitTagParams, tagsFromEndUser, tagsSchema, toPublicEndUser } from '../connection-tags.js';
import { freshCredentials, RefreshError } from '../oauth-refresh.js';
import { getProvider } from '../providers.js';
import { runOnEvent } from '../runner.js';
import { CONNECTION_TEST_FAILED, verifyCredentials } from '../verify-credentials.js';
import { emitAuth } from '../webhooks/index.js';
import type { ServeContext } from '../context.js';
import { connectionToListItem, connectionToPublic } from './format.js';
import { parseOr400, queryObject } from './validate.js';
import { connectionIdSchema, providerConfigKeySchema } from './schemas.js';

/** Credential types Nango's import takes that ferry serve's proxy cannot sign with yet. */
const UNSUPPORTED_TYPES = ['APP', 'CUSTOM'] as const;

const configOverride = z.strictObject({ client_id: z.string().min(1).max(255).optional(), client_secret: z.string().min(1).max(2048).optional() }).optional();
const credentials = z.discriminatedUnion('type', [
    z.strictObject({
        type: z.literal('OAUTH2'),
        access_token: z.string().min(1),
        refresh_token: z.string().min(1).optional(),
        expires_at: z.coerce.date().optional(),
        config_override: configOverride
    }),
    z.strictObject({
        type: z.literal('OAUTH2_CC'),
        token: z.string().min(1).max(4096),
        client_id: z.string().min(1).max(255),
        client_secret: z.string().min(1).max(2048),
        expires_at: z.coerce.date().optional()
    }),
    z.strictObject({ type: z.literal('OAUTH1'), oauth_token: z.string().min(1).max(2048), oauth_token_secret: z.string().min(1).max(2048) }),
    z.strictObject({ type: z.literal('TBA'), token_id: z.string().min(1), token_secret: z.string().min(1), config_override: configOverride }),
    z.strictObject({ type: z.literal('API_KEY'), apiKey: z.string().min(1).max(1024) }),
    z.strictObject({ type: z.literal('BASIC'), username: z.string().max(1024), password: z.string().max(1024) }),
    z.strictObject({ type: z.literal('NONE') }),
    // Nango imports these too; ferry serve cannot use them yet, and says so once the provider is known.
    z.looseObject({ type: z.enum(UNSUPPORTED_TYPES) })
]);

/** Nango refuses its own domain; a local server has no other host to refuse. */
const webhookUrl = z
    .union([z.url(), z.literal('')])
    .optional()
    .refine((url) => !url || !/(^|\.)nango\.dev$/.test(new URL(url).hostname.replace(/\.+$/, '')), { message: `Webhook URLs cannot point to Nango's domain (nango.dev).` });

const createBody = z.strictObject({
    provider_config_key: z.string(),
    metadata: z.record(z.string(), z.unknown()).optional(),
    connection_config: z.looseObject({ oauth_scopes_override: z.string().array().optional() }).optional(),
    webhook_url_override: webhookUrl,
    connection_id: z.string().optional(),
    credentials,
    end_user: endUserSchema.optional(),
    tags: tagsSchema.optional()
});

const patchBody = z.strictObject({ end_user: endUserSchema.optional(), tags: tagsSchema.optional(), webhook_url_override: webhookUrl });

const listQuery = z.strictObject({
    connectionId: z.string().min(1).max(255).optional(),
    search: z.string().min(1).max(255).optional(),
    endUserId: z.string().min(1).max(255).optional(),
    integrationId: z.string().min(1).optional(),
    endUserOrganizationId: z.string().min(1).max(255).optional(),
    tags: tagsSchema.optional(),
    limit: z.coerce.number().min(1).max(2000).optional(),
    page: z.coerce.number().min(0).optional()
});

const flag = z.enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off']).transform((v) => ['true', '1', 'yes', 'on'].includes(v));
const getQuery = z.strictObject({
    provider_config_key: providerConfigKeySchema,
    refresh_token: flag.optional().default(false),
    force_refresh: flag.optional().default(false),
    // Nango's SDK always sends it; only GitHub App connections have such a token.
    refresh_github_app_jwt_token: flag.optional().default(false)
});
const idParams = z.strictObject({ connectionId: connectionIdSchema });

/** What Nango stores for each credential type (OAuth keeps the imported object as `raw`). */
function toStored(body: Exclude<z.infer<typeof credentials>, { type: (typeof UNSUPPORTED_TYPES)[number] }>): Record<string, unknown> {
    const expires = 'expires_at' in body && body.expires_at ? body.expires_at.toISOString() : undefined;
    const raw = { ...body, ...(expires ? { expires_at: expires } : {}) };
    if (body.type === 'OAUTH2' || body.type === 'OAUTH2_CC' || body.type === 'OAUTH1') return { ...raw, raw };
    return raw;
}

export function registerConnectionRoutes(router: Router, ctx: ServeContext): void {
    registerImport(router, ctx);
    registerList(router, ctx);
    registerGet(router, ctx);
    registerPatch(router, ctx);
    registerDelete(router, ctx);
}

function registerImport(router: Router, ctx: ServeContext): void {
    router.add({
        method: 'POST',
        path: '/connections',
        handler: async ({ req, res, url }) => {
            if (!parseOr400(res, z.strictObject({}), queryObject(url), 'invalid_query_params')) return;
            const body = parseOr400(res, createBody, await readJson(req), 'invalid_body');
            if (!body) return;
            const integration = await ctx.store.getIntegration(body.provider_config_key);
            if (!integration) return sendError(res, 404, 'not_found', 'Integration does not exist');
            const provider = await getProvider(integration.provider);
            if (!provider) return sendError(res, 404, 'not_found', 'Provider does not exist');
            if (provider.auth_mode !== body.credentials.type) {
                return sendError(res, 400, 'invalid_body', `Provider ${provider.auth_mode} does not support ${body.credentials.type} auth`);
            }
            const type = body.credentials.type;
            if ((UNSUPPORTED_TYPES as readonly string[]).includes(type)) {
                return sendError(res, 400, 'invalid_body', `Unsupported auth type ${type}: ferry serve stores OAUTH2, OAUTH2_CC, OAUTH1, TBA, API_KEY, BASIC and NONE credentials`);
            }
            if (type === 'TBA' && !body.connection_config?.['accountId']) {
                return sendError(res, 400, 'invalid_body', 'Missing accountId in connection_config. This is required to create a TBA connection.');
            }
            const stored = toStored(body.credentials as Exclude<z.infer<typeof credentials>, { type: (typeof UNSUPPORTED_TYPES)[number] }>);
            // As Nango: API keys and basic credentials are tried on the provider's verification endpoints first.
            if ((body.credentials.type === 'API_KEY' || body.credentials.type === 'BASIC') && !(await verifyCredentials(ctx.fetch, integration, provider, stored, body.connection_config ?? {}))) {
                return sendError(res, 400, 'connection_test_failed', CONNECTION_TEST_FAILED);
            }
            const { connection, operation } = await ctx.store.upsertConnection({
                provider_config_key: body.provider_config_key,
                connection_id: body.connection_id ?? randomUUID(),
                credentials: stored,
                connection_config: body.connection_config ?? {},
                metadata: body.metadata ?? {},
                credentials_expires_at: typeof stored['expires_at'] === 'string' ? new Date(stored['expires_at']) : null,
                tags: { ...tagsFromEndUser(body.end_user), ...body.tags },
                end_user: body.end_user && toPublicEndUser(body.end_user)
            });
            if (body.webhook_url_override !== undefined) {
                await ctx.store.patchConnection(connection.id, { webhook_url_override: body.webhook_url_override });
                connection.webhook_url_override = body.webhook_url_override || null;
            }
            ctx.log(`connection ${connection.provider_config_key}/${connection.connection_id} ${operation === 'creation' ? 'created' : 'replaced'} (${body.credentials.type})`);
            // As Nango: validate-connection scripts decide whether a new connection stays.
            const invalid = await runOnEvent(ctx, 'validate-connection', connection, integration);
            if (invalid !== undefined) {
                if (operation === 'creation') await ctx.store.deleteConnection(connection.provider_config_key, connection.connection_id);
                return sendError(res, 400, 'connection_validation_failed', invalid);
            }
            await emitAuth(ctx, { connectionId: connection.connection_id, providerConfigKey: connection.provider_config_key, provider: integration.provider, authMode: provider.auth_mode, operation });
            sendJson(res, 201, connectionToPublic(connection, integration.provider, { timezone: false, includeRefreshToken: true }));
            if (operation === 'creation') void runOnEvent(ctx, 'post-connection-creation', connection, integration).catch((error: unknown) => ctx.log(`post-connection-creation could not run: ${(error as Error)?.message}`));
        }
    });
}

function registerList(router: Router, ctx: ServeContext): void {
    router.add({
        method: 'GET',
        path: '/connections',
        handler: async ({ res, url }) => {
            const { rest, tags } = splitTagParams(queryObject(url));
            const query = parseOr400(res, listQuery, { ...rest, ...(tags ? { tags } : {}) }, 'invalid_query_params');
            if (!query) return;
            const limit = query.limit ?? 10_000;
            const rows = await ctx.store.listConnections({
                connectionId: query.connectionId,
                search: query.search,
                endUserId: query.endUserId,
                endUserOrganizationId: query.endUserOrganizationId,
                tags: query.tags,
                newestFirst: true,
                integrationIds: query.integrationId?.split(',').map((id) => id.trim()),
                limit,
                offset: (query.page ?? 0) * limit
            });
            sendJson(res, 200, { connections: rows.map(connectionToListItem) });
        }
    });
}

function registerGet(router: Router, ctx: ServeContext): void {
    router.add({
        method: 'GET',
        path: '/connections/:connectionId',
        handler: async ({ res, url, params }) => {
            const query = parseOr400(res, getQuery, queryObject(url), 'invalid_query_params');
            if (!query) return;
            if (!parseOr400(res, idParams, params, 'invalid_uri_params')) return;
            const integration = await ctx.store.getIntegration(query.provider_config_key);
            if (!integration) return sendError(res, 400, 'unknown_provider_config', 'Provider does not exists');
            const connection = await ctx.store.getConnection(query.provider_config_key, params['connectionId']!);
            if (!connection) return sendError(res, 404, 'not_found', 'Failed to find connection');
            const provider = await getProvider(integration.provider);
            try {
                if (provider) connection.credentials = await freshCredentials(ctx, integration, provider, connection, { force: query.force_refresh });
            } catch (error) {
                if (!(error instanceof RefreshError)) throw error;
                return sendError(res, 400, 'invalid_credentials', error.message, { payload: {} });
            }
            await ctx.store.touchConnection(connection.id);
            connection.last_fetched_at = new Date();
            sendJson(res, 200, connectionToPublic(connection, integration.provider, { timezone: true, includeRefreshToken: query.refresh_token }));
        }
    });
}

function registerPatch(router: Router, ctx: ServeContext): void {
    router.add({
        method: 'PATCH',
        path: '/connections/:connectionId',
        handler: async ({ req, res, url, params }) => {
            const query = parseOr400(res, z.strictObject({ provider_config_key: providerConfigKeySchema }), queryObject(url), 'invalid_query_params');
            if (!query) return;
            const body = parseOr400(res, patchBody, await readJson(req), 'invalid_body');
            if (!body) return;
            if (!parseOr400(res, idParams, params, 'invalid_uri_params')) return;
            if (!(await ctx.store.getIntegration(query.provider_config_key))) return sendError(res, 400, 'unknown_provider_config', 'Provider does not exists');
            const connection = await ctx.store.getConnection(query.provider_config_key, params['connectionId']!);
            if (!connection) return sendError(res, 404, 'not_found', 'Failed to find connection');
            let tags: Record<string, string> | undefined;
            if (body.end_user || body.tags !== undefined) {
                const merged = tagsSchema.safeParse({ ...tagsFromEndUser(body.end_user), ...body.tags });
                if (!merged.success) return sendError(res, 400, 'invalid_body', merged.error.issues[0]?.message ?? 'Invalid tags');
                tags = merged.data;
            }
            await ctx.store.patchConnection(connection.id, { tags, end_user: body.end_user && toPublicEndUser(body.end_user), webhook_url_override: body.webhook_url_override });
            sendJson(res, 200, { success: true });
        }
    });
}

function registerDelete(router: Router, ctx: ServeContext): void {
    router.add({
        method: 'DELETE',
        path: '/connections/:connectionId',
        handler: async ({ res, url, params }) => {
            if (!parseOr400(res, idParams, params, 'invalid_uri_params')) return;
            const query = parseOr400(res, z.strictObject({ provider_config_key: providerConfigKeySchema }), queryObject(url), 'invalid_query_params');
            if (!query) return;
            const existing = await ctx.store.getConnection(query.provider_config_key, params['connectionId']!);
            const owner = existing && (await ctx.store.getIntegration(query.provider_config_key));
            // pre-connection-deletion scripts run first; their failure does not keep the connection (as Nango).
            if (existing && owner) await runOnEvent(ctx, 'pre-connection-deletion', existing, owner).catch(() => undefined);
            const deleted = await ctx.store.deleteConnection(query.provider_config_key, params['connectionId']!);
            if (!deleted) return sendError(res, 400, 'unknown_connection');
            ctx.log(`connection ${query.provider_config_key}/${params['connectionId']} deleted`);
            sendJson(res, 200, { success: true });
        }
    });
}
