/** GET /records: a connection's records of one model, paged as Nango's API pages them. */
import { z } from 'zod';
import { sendError, sendJson, type Router } from '../http.js';
import { decodeCursor, listRecords, modelKey, type RecordFilter } from '../records-store.js';
import type { ServeContext } from '../context.js';
import { parseOr400, queryObject } from './validate.js';
import { modelSchema, recordHeadersSchema, variantSchema } from './schemas.js';

const withinLookback = z
    .string()
    .datetime()
    .refine((value) => new Date(value) >= new Date(Date.now() - 365 * 24 * 60 * 60 * 1000), { message: 'must be within the last 12 months' });

const query = z.strictObject({
    model: modelSchema,
    variant: variantSchema.optional(),
    delta: withinLookback.optional(),
    modified_after: withinLookback.optional(),
    limit: z.coerce.number().min(1).max(10000).default(100).optional(),
    filter: z
        .string()
        .transform((value) => value.split(','))
        .pipe(z.array(z.enum(['added', 'updated', 'deleted', 'ADDED', 'UPDATED', 'DELETED'])))
        .optional(),
    cursor: z.string().min(1).max(1000).optional(),
    ids: z
        .union([z.string().min(1).max(256), z.array(z.string().min(1).max(256)).max(100)])
        .transform((value) => (Array.isArray(value) ? value : [value]))
        .optional()
});
const headers = recordHeadersSchema;

export function registerRecordRoutes(router: Router, ctx: ServeContext): void {
    router.add({
        method: 'GET',
        path: '/records',
        handler: async ({ req, res, url }) => {
            const q = parseOr400(res, query, queryObject(url), 'invalid_query_params');
            if (!q) return;
            const h = parseOr400(res, headers, { 'connection-id': req.headers['connection-id'], 'provider-config-key': req.headers['provider-config-key'] }, 'invalid_headers');
            if (!h) return;
            const connection = await ctx.store.getConnection(h['provider-config-key'], h['connection-id']);
            if (!connection) {
                return sendError(res, 400, 'unknown_connection', 'Provided ConnectionId and ProviderConfigKey does not match a valid connection');
            }
            const cursor = q.cursor === undefined ? undefined : decodeCursor(q.cursor);
            // Nango answers an unreadable cursor with its generic failure.
            if (q.cursor !== undefined && !cursor) return sendError(res, 500, 'server_error', 'Failed to fetch records');
            const page = await listRecords(ctx.storage, {
                connectionId: connection.id,
                model: modelKey(q.model, q.variant),
                limit: q.limit ?? 100,
                cursor,
                modifiedAfter: q.delta ?? q.modified_after,
                filter: q.filter?.map((f) => f.toUpperCase() as RecordFilter),
                ids: q.ids
            });
            sendJson(res, 200, { next_cursor: page.next_cursor, records: page.records });
        }
    });
}
