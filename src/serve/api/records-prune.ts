/**
 * PATCH /records/prune (the SDK's pruneRecords): empties the payload of a connection's records of
 * one model up to a cursor, as Nango does to free its cache; the records keep their metadata and
 * cursor, and a sync saving them again brings the payload back without counting them as updated.
 */
import { z } from 'zod';
import { readJson, sendError, sendJson, type Router } from '../http.js';
import { decodeCursor, modelKey, pruneRecords } from '../records-store.js';
import type { ServeContext } from '../context.js';
import { parseOr400, queryObject } from './validate.js';
import { modelSchema, recordHeadersSchema, variantSchema } from './schemas.js';

const body = z.strictObject({
    model: modelSchema,
    variant: variantSchema.optional(),
    until_cursor: z.string().min(1).max(1000),
    limit: z.coerce.number().min(1).max(10_000).optional()
});

export function registerRecordPruneRoute(router: Router, ctx: ServeContext): void {
    router.add({
        method: 'PATCH',
        path: '/records/prune',
        handler: async ({ req, res, url }) => {
            if (!parseOr400(res, z.strictObject({}), queryObject(url), 'invalid_query_params')) return;
            const b = parseOr400(res, body, await readJson(req), 'invalid_body');
            if (!b) return;
            const h = parseOr400(res, recordHeadersSchema, { 'connection-id': req.headers['connection-id'], 'provider-config-key': req.headers['provider-config-key'] }, 'invalid_headers');
            if (!h) return;
            const connection = await ctx.store.getConnection(h['provider-config-key'], h['connection-id']);
            if (!connection) {
                return sendError(res, 400, 'unknown_connection', 'Provided ConnectionId and ProviderConfigKey does not match a valid connection');
            }
            const until = decodeCursor(b.until_cursor);
            // Nango answers a cursor it cannot read with its generic failure.
            if (!until) return sendError(res, 500, 'server_error', 'Failed to prune records');
            const result = await pruneRecords(ctx.storage, connection.id, modelKey(b.model, b.variant), until, Math.floor(b.limit ?? 1000));
            // As Nango: more may remain unless the last record pruned is the cursor's own (when that
            // record has changed since, the answer says more, and the next call prunes nothing).
            sendJson(res, 200, { count: result.count, has_more: result.count > 0 && result.lastCursor !== b.until_cursor });
        }
    });
}
