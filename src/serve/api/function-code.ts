/**
 * GET /integrations/:uniqueKey/functions/:name/code: the TypeScript source a deploy sent, as
 * Nango's `pull` asks for it. `?type=sync|action|on-event` picks among same-named functions;
 * without it, several matches are `ambiguous_function`.
 */
import { z } from 'zod';
import { sendError, sendJson, type Router } from '../http.js';
import type { ServeContext } from '../context.js';
import { listFunctions } from '../functions-store.js';
import { parseOr400, queryObject } from './validate.js';
import { providerConfigKeySchema } from './schemas.js';

const query = z.strictObject({ type: z.enum(['sync', 'action', 'on-event']).optional() });

export function registerFunctionCodeRoute(router: Router, ctx: ServeContext): void {
    router.add({
        method: 'GET',
        path: '/integrations/:uniqueKey/functions/:name/code',
        handler: async ({ res, url, params }) => {
            const q = parseOr400(res, query, queryObject(url), 'invalid_query_params');
            if (!q) return;
            if (!parseOr400(res, z.strictObject({ uniqueKey: providerConfigKeySchema, name: z.string().min(1).max(255) }), params, 'invalid_uri_params')) return;
            const matches = (await listFunctions(ctx.storage)).filter(
                (fn) => fn.provider_config_key === params['uniqueKey'] && fn.name === params['name'] && (q.type === undefined || fn.type === q.type)
            );
            if (matches.length > 1) {
                sendError(res, 400, 'ambiguous_function', `Several functions of "${params['uniqueKey']}" are named "${params['name']}" (${matches.map((fn) => fn.type).join(', ')})`);
                return;
            }
            const fn = matches[0];
            if (!fn) {
                sendError(res, 404, 'not_found', `No deployed function "${params['name']}" for integration "${params['uniqueKey']}"`);
                return;
            }
            if (fn.ts === null) {
                sendError(res, 404, 'not_found', `The deploy of "${params['name']}" sent no TypeScript source`);
                return;
            }
            sendJson(res, 200, { type: fn.type, code: fn.ts });
        }
    });
}
