/**
 * POST (replace) and PATCH (shallow merge) /connections/metadata, as Nango's: several connections at
 * once, all or none (an unknown one fails the call before anything is written).
 */
import { z } from 'zod';
import { readJson, sendError, sendJson, type Router } from '../http.js';
import type { ServeContext } from '../context.js';
import type { ConnectionRow } from '../store.js';
import { parseOr400, queryObject } from './validate.js';
import { connectionIdSchema, providerConfigKeySchema } from './schemas.js';

const body = z.strictObject({
    connection_id: z.union([connectionIdSchema, z.array(connectionIdSchema)]),
    provider_config_key: providerConfigKeySchema,
    metadata: z.record(z.string(), z.unknown())
});

export function registerMetadataRoutes(router: Router, ctx: ServeContext): void {
    for (const [method, merge] of [['POST', false], ['PATCH', true]] as const) {
        router.add({
            method,
            path: '/connections/metadata',
            handler: async ({ req, res, url }) => {
                if (!parseOr400(res, z.strictObject({}), queryObject(url), 'invalid_query_params')) return;
                const raw = await readJson(req);
                const parsed = parseOr400(res, body, raw, 'invalid_body');
                if (!parsed) return;
                const ids = Array.isArray(parsed.connection_id) ? parsed.connection_id : [parsed.connection_id];
                const connections: ConnectionRow[] = [];
                for (const id of ids) {
                    const connection = await ctx.store.getConnection(parsed.provider_config_key, id);
                    if (!connection) {
                        const base = `Connection with connection id ${id} and provider config key ${parsed.provider_config_key} not found. Please make sure the connection exists in the Nango dashboard`;
                        return sendError(res, 404, 'unknown_connection', ids.length > 1 ? `${base}. No actions were taken on any of the connections as a result of this failure.` : base);
                    }
                    connections.push(connection);
                }
                await ctx.storage.transaction(async (tx) => {
                    for (const connection of connections) {
                        const metadata = merge ? { ...connection.metadata, ...parsed.metadata } : parsed.metadata;
                        await tx.query('update ferry_connections set metadata = $2::jsonb, updated_at = now() where id = $1', [connection.id, JSON.stringify(metadata)]);
                    }
                });
                sendJson(res, merge ? 200 : 201, raw);
            }
        });
    }
}
