/** PATCH /integrations/{uniqueKey}, as Nango's public API answers it (what Nango's SDK's updateIntegration sends). */
import { z } from 'zod';
import { readJson, sendError, sendJson, type Router } from '../http.js';
import { getProvider } from '../providers.js';
import type { ServeContext } from '../context.js';
import { integrationToPublic } from './format.js';
import { parseOr400, queryObject } from './validate.js';
import { integrationCredentialsSchema, providerConfigKeySchema } from './schemas.js';

export function registerIntegrationUpdateRoute(router: Router, ctx: ServeContext): void {
    // Built here, not at load: integrations.ts (which defines the parts) imports this module.
    const body = z.strictObject({
        unique_key: providerConfigKeySchema.optional(),
        display_name: z.string().min(1).max(255).optional(),
        credentials: integrationCredentialsSchema.optional(),
        forward_webhooks: z.boolean().optional(),
        integration_config: z.record(z.string(), z.string().max(8192)).optional(),
        custom: z.record(z.string(), z.string()).optional()
    });
    router.add({
        method: 'PATCH',
        path: '/integrations/:uniqueKey',
        handler: async ({ req, res, url, params }) => {
            if (!parseOr400(res, z.strictObject({}), queryObject(url), 'invalid_query_params')) return;
            const patch = parseOr400(res, body, await readJson(req), 'invalid_body');
            if (!patch) return;
            if (!parseOr400(res, z.strictObject({ uniqueKey: providerConfigKeySchema }), params, 'invalid_uri_params')) return;
            const key = params['uniqueKey']!;
            const row = await ctx.store.getIntegration(key);
            if (!row) return sendError(res, 404, 'not_found', `Integration "${key}" does not exist`);
            const provider = await getProvider(row.provider);
            if (patch.credentials && patch.credentials.type !== provider?.auth_mode) return sendError(res, 400, 'invalid_body', 'incompatible credentials auth type and provider auth');
            const renamed = patch.unique_key !== undefined && patch.unique_key !== key ? patch.unique_key : undefined;
            if (renamed !== undefined) {
                if (await ctx.store.getIntegration(renamed)) return sendError(res, 400, 'invalid_body', 'uniqueKey is already used by another integration');
                const [used] = await ctx.storage.query<{ connections: number; functions: number }>(
                    `select (select count(*)::int from ferry_connections where provider_config_key = $1) as connections,
                            (select count(*)::int from ferry_functions where provider_config_key = $1) as functions`,
                    [key]
                );
                if (used && used.connections > 0) return sendError(res, 400, 'invalid_body', "Can't rename an integration with active connections");
                if (used && used.functions > 0) return sendError(res, 400, 'invalid_body', "Can't rename an integration with deployed functions");
            }
            const custom: Record<string, string> = { ...row.custom, ...patch.integration_config, ...patch.custom };
            if (patch.credentials?.type === 'OAUTH2' && patch.credentials.webhook_secret !== undefined) {
                if (patch.credentials.webhook_secret) custom['webhookSecret'] = patch.credentials.webhook_secret;
                else delete custom['webhookSecret'];
            }
            const updated = await ctx.store.updateIntegration(key, {
                unique_key: renamed ?? key,
                display_name: patch.display_name ?? row.display_name,
                custom,
                oauth_client_id: patch.credentials?.client_id ?? row.oauth_client_id,
                oauth_client_secret: patch.credentials?.client_secret ?? row.oauth_client_secret,
                oauth_scopes: patch.credentials ? (patch.credentials.scopes ?? null) : row.oauth_scopes
            });
            if (!updated) return sendError(res, 404, 'not_found', `Integration "${key}" does not exist`);
            ctx.log(`integration ${key} updated${renamed ? ` (now ${renamed})` : ''}`);
            sendJson(res, 200, { data: integrationToPublic(updated, provider?.display_name) });
        }
    });
}
