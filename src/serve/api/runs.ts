/**
 * Ferry's own run history (Nango keeps it in its logs UI instead): GET /runs lists recent runs of
 * deployed functions, newest first, with `after=<id>` what came since, oldest first (for
 * `ferry runs --follow`); GET /runs/:id one run with its logs and error.
 */
import { z } from 'zod';
import { sendError, sendJson, type Router } from '../http.js';
import type { ServeContext } from '../context.js';
import { getRun, listRuns } from '../runs-store.js';
import { parseOr400, queryObject } from './validate.js';
import { connectionIdSchema, providerConfigKeySchema } from './schemas.js';

const listQuery = z.strictObject({
    limit: z.coerce.number().int().min(1).max(1000).default(50),
    after: z.coerce.number().int().min(0).optional(),
    integration: providerConfigKeySchema.optional(),
    connection: connectionIdSchema.optional(),
    name: z.string().max(255).optional(),
    status: z.enum(['RUNNING', 'SUCCESS', 'ERROR']).optional()
});

export function registerRunRoutes(router: Router, ctx: ServeContext): void {
    router.add({
        method: 'GET',
        path: '/runs',
        handler: async ({ res, url }) => {
            const q = parseOr400(res, listQuery, queryObject(url), 'invalid_query_params');
            if (!q) return;
            sendJson(res, 200, { runs: await listRuns(ctx.storage, q) });
        }
    });
    router.add({
        method: 'GET',
        path: '/runs/:id',
        handler: async ({ res, params }) => {
            const p = parseOr400(res, z.strictObject({ id: z.coerce.number().int().min(1).max(2 ** 31 - 1) }), params, 'invalid_uri_params');
            if (!p) return;
            const run = await getRun(ctx.storage, p.id);
            if (!run) return sendError(res, 404, 'not_found', `No run ${p.id}`);
            sendJson(res, 200, run);
        }
    });
}
