/**
 * The deployed functions through Nango's public routes: `GET /scripts/config` (every sync and
 * action, `?format=nango|openai`), `GET /integrations/:uniqueKey/functions` (a page of one
 * integration's functions), `GET` and `DELETE /integrations/:uniqueKey/functions/:name`.
 * Functions a project deploys (`source: 'repo'`) are deleted by deploying, not here, as in Nango.
 */
import { z } from 'zod';
import { sendError, sendJson, type Router } from '../http.js';
import type { ServeContext } from '../context.js';
import { deleteFunction, listFunctions, type FunctionRow } from '../functions-store.js';
import { deployedFunction, openAIFunctions, sourceOf, standardConfigs } from './function-views.js';
import { parseOr400, queryObject } from './validate.js';
import { providerConfigKeySchema } from './schemas.js';

const functionType = z.enum(['sync', 'action', 'on-event']);
const listQuery = z.strictObject({
    type: functionType.optional(),
    search: z.string().trim().min(1).max(255).optional(),
    page: z.coerce.number().int().min(0).optional().default(0),
    limit: z.coerce.number().int().min(1).max(100).optional().default(20)
});
const keyParams = z.strictObject({ uniqueKey: providerConfigKeySchema });
const nameParams = z.strictObject({
    uniqueKey: providerConfigKeySchema,
    name: z
        .string()
        .regex(/^[a-zA-Z0-9_-]+$/)
        .max(255)
});

const TYPE_ORDER = ['action', 'on-event', 'sync'];

/** An integration's functions in Nango's listing order: type, name, event, id. */
async function functionsOf(ctx: ServeContext, key: string, type: string | undefined): Promise<FunctionRow[]> {
    return (await listFunctions(ctx.storage))
        .filter((fn) => fn.provider_config_key === key && (type === undefined || fn.type === type))
        .sort((a, b) => TYPE_ORDER.indexOf(a.type) - TYPE_ORDER.indexOf(b.type) || cmp(a.name, b.name) || cmp(a.event, b.event) || a.id - b.id);
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

async function integrationExists(ctx: ServeContext, key: string): Promise<boolean> {
    return (await ctx.store.listIntegrations()).some((i) => i.unique_key === key);
}

export function registerFunctionRoutes(router: Router, ctx: ServeContext): void {
    router.add({
        method: 'GET',
        path: '/scripts/config',
        handler: async ({ res, url }) => {
            const providers = new Map((await ctx.store.listIntegrations()).map((i) => [i.unique_key, i.provider]));
            const configs = standardConfigs(await listFunctions(ctx.storage), providers);
            // Nango answers a bare [] when nothing is deployed, whatever the format.
            if (configs.length === 0) return sendJson(res, 200, []);
            sendJson(res, 200, url.searchParams.get('format') === 'openai' ? { data: openAIFunctions(configs) } : configs);
        }
    });

    router.add({
        method: 'GET',
        path: '/integrations/:uniqueKey/functions',
        handler: async ({ res, url, params }) => {
            const q = parseOr400(res, listQuery, queryObject(url), 'invalid_query_params');
            if (!q) return;
            if (!parseOr400(res, keyParams, params, 'invalid_uri_params')) return;
            const key = params['uniqueKey']!;
            if (!(await integrationExists(ctx, key))) return sendError(res, 404, 'not_found', 'Integration does not exist');
            const search = q.search?.toLowerCase();
            const all = (await functionsOf(ctx, key, q.type)).filter((fn) => search === undefined || fn.name.toLowerCase().includes(search));
            const page = all.slice(q.page * q.limit, (q.page + 1) * q.limit);
            sendJson(res, 200, { data: page.map(deployedFunction), pagination: { total: all.length, page: q.page, limit: q.limit } });
        }
    });

    router.add({
        method: 'GET',
        path: '/integrations/:uniqueKey/functions/:name',
        handler: async ({ res, url, params }) => {
            const q = parseOr400(res, z.strictObject({ type: functionType.optional() }), queryObject(url), 'invalid_query_params');
            if (!q) return;
            if (!parseOr400(res, nameParams, params, 'invalid_uri_params')) return;
            const found = await findFunction(ctx, res, params['uniqueKey']!, params['name']!, q.type);
            if (found) sendJson(res, 200, { data: deployedFunction(found) });
        }
    });

    router.add({
        method: 'DELETE',
        path: '/integrations/:uniqueKey/functions/:name',
        handler: async ({ res, url, params }) => {
            // Required, unlike GET's: a sync and an action may share a name.
            const q = parseOr400(res, z.strictObject({ type: z.enum(['sync', 'action']) }), queryObject(url), 'invalid_query_params');
            if (!q) return;
            if (!parseOr400(res, nameParams, params, 'invalid_uri_params')) return;
            const found = await findFunction(ctx, res, params['uniqueKey']!, params['name']!, q.type);
            if (!found) return;
            if (sourceOf(found) === 'repo') {
                return sendError(res, 400, 'function_managed_by_deploy', 'repo functions are deleted through `nango deploy`, not this endpoint');
            }
            // Its schedules go with it (the tables cascade).
            await deleteFunction(ctx.storage, found.id);
            sendJson(res, 200, { data: { success: true } });
        }
    });
}

/** The first of the integration's functions with that name (and type), or undefined after the 404. */
async function findFunction(ctx: ServeContext, res: Parameters<typeof sendError>[0], key: string, name: string, type: string | undefined): Promise<FunctionRow | undefined> {
    if (!(await integrationExists(ctx, key))) {
        sendError(res, 404, 'not_found', 'Integration does not exist');
        return undefined;
    }
    const found = (await functionsOf(ctx, key, type)).find((fn) => fn.name === name);
    if (!found) sendError(res, 404, 'not_found', 'Function does not exist');
    return found;
}
