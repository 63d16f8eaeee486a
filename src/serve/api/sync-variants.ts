/**
 * POST and DELETE /sync/{name}/variant/{variant}: another schedule of a deployed sync on one
 * connection, with its own records (stored under `model::variant`), as Nango's public API (Nango's
 * SDK's createSyncVariant / deleteSyncVariant) creates and removes them.
 */
import { z } from 'zod';
import { readJson, sendError, sendJson, type Router } from '../http.js';
import { schedulerOf } from '../scheduler.js';
import { findSyncs, reconcileSyncs } from '../sync-store.js';
import type { ServeContext } from '../context.js';
import { parseOr400, queryObject } from './validate.js';
import { connectionIdSchema, providerConfigKeySchema } from './schemas.js';

const name = z.string().regex(/^[a-zA-Z0-9_-]+$/).max(255);

export function registerSyncVariantRoutes(router: Router, ctx: ServeContext): void {
    const body = z.strictObject({ provider_config_key: providerConfigKeySchema, connection_id: connectionIdSchema });
    const params = z.strictObject({ name, variant: name });
    /** The request's parts, or undefined once an error is answered. */
    const read = async (req: Parameters<Parameters<Router['add']>[0]['handler']>[0]): Promise<{ name: string; variant: string; connectionRef: number; providerConfigKey: string } | undefined> => {
        const input = parseOr400(req.res, body, await readJson(req.req), 'invalid_body');
        if (!input || !parseOr400(req.res, params, req.params, 'invalid_uri_params')) return undefined;
        if (!parseOr400(req.res, z.strictObject({}), queryObject(req.url), 'invalid_query_params')) return undefined;
        const variant = req.params['variant']!;
        if (variant.toLowerCase() === 'base') {
            sendError(req.res, 400, 'invalid_variant', req.req.method === 'DELETE' ? `Cannot delete protected variant "${variant}".` : `Variant name "${variant}" is protected.`);
            return undefined;
        }
        const connection = await ctx.store.getConnection(input.provider_config_key, input.connection_id);
        if (!connection) {
            sendError(req.res, 400, 'unknown_connection');
            return undefined;
        }
        return { name: req.params['name']!, variant, connectionRef: connection.id, providerConfigKey: input.provider_config_key };
    };

    router.add({
        method: 'POST',
        path: '/sync/:name/variant/:variant',
        handler: async (request) => {
            const target = await read(request);
            if (!target) return;
            await reconcileSyncs(ctx.storage);
            const existing = await findSyncs(ctx.storage, { providerConfigKey: target.providerConfigKey, names: [target.name] });
            if (existing.some((row) => row.connection_ref === target.connectionRef && row.variant === target.variant)) return sendError(request.res, 400, 'sync_variant_already_exists');
            // A new schedule starts as the sync's own does: at once when it auto-starts, else paused.
            const [created] = await ctx.storage.query<{ id: number }>(
                `insert into ferry_syncs (function_id, connection_id, variant, state, next_run_at)
                 select f.id, $2, $3, case when f.auto_start then 'STARTED' else 'PAUSED' end, case when f.auto_start then now() else null end
                 from ferry_functions f where f.provider_config_key = $1 and f.type = 'sync' and f.name = $4
                 on conflict (function_id, connection_id, variant) do nothing returning id`,
                [target.providerConfigKey, target.connectionRef, target.variant, target.name]
            );
            if (!created) return sendError(request.res, 400, 'unknown_sync');
            schedulerOf(ctx)?.poke();
            sendJson(request.res, 200, { id: String(created.id), name: target.name, variant: target.variant });
        }
    });

    router.add({
        method: 'DELETE',
        path: '/sync/:name/variant/:variant',
        handler: async (request) => {
            const target = await read(request);
            if (!target) return;
            const deleted = await ctx.storage.query(
                `delete from ferry_syncs s using ferry_functions f
                 where s.function_id = f.id and f.name = $1 and f.provider_config_key = $2 and s.connection_id = $3 and s.variant = $4 returning s.id`,
                [target.name, target.providerConfigKey, target.connectionRef, target.variant]
            );
            if (deleted.length === 0) return sendError(request.res, 404, 'not_found');
            sendJson(request.res, 200, { success: true });
        }
    });
}
