/** POST/GET/DELETE /integrations, as Nango's public API answers them. */
import { z } from 'zod';
import { readJson, sendError, sendJson, type Router } from '../http.js';
import { getProvider } from '../providers.js';
import type { ServeContext } from '../context.js';
import { forwardWebhooksCustom } from '../webhooks/forwarding.js';
import { integrationToPublic } from './format.js';
import { registerIntegrationUpdateRoute } from './integration-update.js';
import { registerProviderRoutes } from './providers.js';
import { parseOr400, queryObject } from './validate.js';
import { integrationCredentialsSchema, providerConfigKeySchema } from './schemas.js';

const createBody = z.strictObject({
    provider: z
        .string()
        .regex(/^[a-zA-Z0-9_-]+$/)
        .max(255),
    unique_key: providerConfigKeySchema,
    display_name: z.string().min(1).max(255).optional(),
    forward_webhooks: z.boolean().optional(),
    credentials: integrationCredentialsSchema.optional(),
    integration_config: z.record(z.string(), z.string().max(8192)).optional(),
    custom: z.record(z.string(), z.string()).optional()
});

const emptyQuery = z.strictObject({});
const getQuery = z.strictObject({
    include: z.union([z.enum(['webhook', 'credentials']), z.array(z.enum(['webhook', 'credentials']))]).optional()
});

export function registerIntegrationRoutes(router: Router, ctx: ServeContext): void {
    registerCreate(router, ctx);
    registerReads(router, ctx);
    registerIntegrationUpdateRoute(router, ctx);
    registerProviderRoutes(router);
}

function registerCreate(router: Router, ctx: ServeContext): void {
    router.add({
        method: 'POST',
        path: '/integrations',
        handler: async ({ req, res, url }) => {
            if (!parseOr400(res, emptyQuery, queryObject(url), 'invalid_query_params')) return;
            const body = parseOr400(res, createBody, await readJson(req), 'invalid_body');
            if (!body) return;
            const provider = await getProvider(body.provider);
            if (!provider) {
                sendError(res, 400, 'invalid_body', undefined, { errors: [{ code: 'invalid_string', message: 'Invalid provider', path: ['provider'] }] });
                return;
            }
            const created = await ctx.store.createIntegration({
                unique_key: body.unique_key,
                provider: body.provider,
                display_name: body.display_name,
                // Ferry's own settings (base_url, token_url) travel in `custom`, as Nango's
                // per-integration values do; integration_config lands there too.
                custom: { ...body.integration_config, ...body.custom, ...(body.credentials?.webhook_secret ? { webhookSecret: body.credentials.webhook_secret } : {}), ...forwardWebhooksCustom(body.forward_webhooks) },
                oauth_client_id: body.credentials?.client_id,
                oauth_client_secret: body.credentials?.client_secret,
                oauth_scopes: body.credentials?.scopes
            });
            if (!created) {
                sendError(res, 400, 'invalid_body', undefined, { errors: [{ code: 'invalid_string', message: 'Unique key already exists', path: ['uniqueKey'] }] });
                return;
            }
            ctx.log(`integration ${created.unique_key} created (${created.provider})`);
            sendJson(res, 200, { data: integrationToPublic(created, provider.display_name) });
        }
    });

}

function registerReads(router: Router, ctx: ServeContext): void {
    router.add({
        method: 'GET',
        path: '/integrations',
        handler: async ({ res, url }) => {
            if (!parseOr400(res, emptyQuery, queryObject(url), 'invalid_query_params')) return;
            const rows = await ctx.store.listIntegrations();
            const data = await Promise.all(rows.map(async (row) => integrationToPublic(row, (await getProvider(row.provider))?.display_name)));
            sendJson(res, 200, { data });
        }
    });

    router.add({
        method: 'GET',
        path: '/integrations/:uniqueKey',
        handler: async ({ res, url, params }) => {
            const query = parseOr400(res, getQuery, queryObject(url), 'invalid_query_params');
            if (!query) return;
            if (!parseOr400(res, z.strictObject({ uniqueKey: providerConfigKeySchema }), params, 'invalid_uri_params')) return;
            const row = await ctx.store.getIntegration(params['uniqueKey']!);
            if (!row) {
                sendError(res, 404, 'not_found', `Integration "${params['uniqueKey']}" does not exist`);
                return;
            }
            const include = new Set([query.include ?? []].flat());
            const extra: Record<string, unknown> = {};
            if (include.has('webhook')) extra['webhook_url'] = `${ctx.url}/webhook/${ctx.environment}/${encodeURIComponent(row.unique_key)}`;
            if (include.has('credentials')) {
                extra['credentials'] = row.oauth_client_id
                    ? { type: 'OAUTH2', client_id: row.oauth_client_id, client_secret: row.oauth_client_secret, scopes: row.oauth_scopes ?? null, webhook_secret: row.custom['webhookSecret'] ?? null }
                    : null;
            }
            sendJson(res, 200, { data: integrationToPublic(row, (await getProvider(row.provider))?.display_name, extra) });
        }
    });

    router.add({
        method: 'DELETE',
        path: '/integrations/:uniqueKey',
        handler: async ({ res, url, params }) => {
            if (!parseOr400(res, emptyQuery, queryObject(url), 'invalid_query_params')) return;
            if (!parseOr400(res, z.strictObject({ uniqueKey: providerConfigKeySchema }), params, 'invalid_uri_params')) return;
            if (!(await ctx.store.deleteIntegration(params['uniqueKey']!))) {
                sendError(res, 404, 'not_found', 'Integration does not exist');
                return;
            }
            ctx.log(`integration ${params['uniqueKey']} deleted (with its connections)`);
            sendJson(res, 200, { success: true });
        }
    });
}
