/**
 * POST /action/trigger runs a deployed action in the same sandboxed runtime as `ferry dryrun`
 * (src/serve/runner.ts): at once, or with `X-Async: true` in the background (202 with its status URL;
 * GET /action/<id> gives the output once it is done, 404 before, as Nango's).
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { readJson, sendError, sendJson, type Router } from '../http.js';
import type { ServeContext } from '../context.js';
import { listFunctions } from '../functions-store.js';
import { actionFailure, runDeployed } from '../runner.js';
import { parseOr400, queryObject } from './validate.js';
import { asyncActionBody, webhooksOf } from '../webhooks/index.js';
import { connectionIdSchema, providerConfigKeySchema } from './schemas.js';

const headers = z.object({
    'provider-config-key': providerConfigKeySchema,
    'connection-id': connectionIdSchema,
    'x-async': z.stringbool().optional().default(false),
    'x-max-retries': z.coerce.number().min(0).max(5).optional().default(0)
});
const body = z.object({
    action_name: z
        .string()
        .regex(/^[a-zA-Z0-9_-]+$/)
        .max(255),
    input: z.unknown()
});

export function registerActionRoutes(router: Router, ctx: ServeContext): void {
    router.add({
        method: 'POST',
        path: '/action/trigger',
        handler: async ({ req, res, url }) => {
            const h = parseOr400(res, headers, req.headers, 'invalid_headers');
            if (!h) return;
            if (!parseOr400(res, z.strictObject({}), queryObject(url), 'invalid_query_params')) return;
            const b = parseOr400(res, body, (await readJson(req)) ?? {}, 'invalid_body');
            if (!b) return;
            const connection = await ctx.store.getConnection(h['provider-config-key'], h['connection-id']);
            if (!connection) return sendError(res, 400, 'unknown_connection', 'Failed to find connection');
            const integration = await ctx.store.getIntegration(h['provider-config-key']);
            const action = (await listFunctions(ctx.storage)).find((fn) => fn.type === 'action' && fn.name === b.action_name && fn.provider_config_key === h['provider-config-key']);
            if (!integration || !action) return sendError(res, 404, 'not_found', 'Action not found');
            const label = `action ${action.provider_config_key}/${action.name} on ${connection.connection_id}`;

            if (h['x-async']) {
                const id = randomUUID();
                await ctx.storage.query("insert into ferry_action_results (id, connection_id, action, status) values ($1, $2, $3, 'running')", [id, connection.id, action.name]);
                const statusUrl = `/action/${id}`;
                sendJson(res, 202, { id, statusUrl }, { location: statusUrl });
                void runDeployed(ctx, action, connection, integration, b.input)
                    .then(async (result) => {
                        ctx.log(`${label} (async ${id}): ${result.ok ? 'ok' : (result.error?.kind ?? 'failed')} in ${Math.round(result.durationMs)} ms`);
                        const outcome = result.ok ? { output: JSON.stringify(result.output ?? null), error: null } : { output: null, error: JSON.stringify(actionFailure(result).error) };
                        await ctx.storage.query("update ferry_action_results set status = $2, output = $3::jsonb, error = $4::jsonb, finished_at = now() where id = $1", [id, result.ok ? 'success' : 'failed', outcome.output, outcome.error]);
                        // As Nango: the app hears that the result is ready, whatever it is.
                        await webhooksOf(ctx)?.emitWebhook('async_action', asyncActionBody({ connectionId: connection.connection_id, providerConfigKey: action.provider_config_key, id, statusUrl }));
                    })
                    .catch((error: unknown) => ctx.log(`${label} (async ${id}) could not run: ${(error as Error)?.message ?? String(error)}`));
                return;
            }
            const result = await runDeployed(ctx, action, connection, integration, b.input);
            ctx.log(`${label}: ${result.ok ? 'ok' : (result.error?.kind ?? 'failed')} in ${Math.round(result.durationMs)} ms`);
            if (result.ok) return sendJson(res, 200, result.output ?? null);
            sendJson(res, 500, actionFailure(result));
        }
    });

    router.add({
        method: 'GET',
        path: '/action/:id',
        handler: async ({ res, params }) => {
            if (!parseOr400(res, z.strictObject({ id: z.uuid() }), params, 'invalid_uri_params')) return;
            const rows = await ctx.storage.query<{ status: string; output: unknown; error: { message: string; code: string; payload: unknown } | null }>(
                'select status, output, error from ferry_action_results where id = $1',
                [params['id']!]
            );
            const row = rows[0];
            if (!row || row.status === 'running') return sendError(res, 404, 'not_found', `No action '${params['id']}' found`);
            if (row.status === 'failed' && row.error) return sendJson(res, 500, { error: row.error });
            sendJson(res, 200, row.output);
        }
    });
}
