/**
 * POST /action/trigger, synchronous: the deployed action runs in the same sandboxed runtime as
 * `ferry dryrun` (its own worker thread, a time limit), with its provider calls sent through this
 * server's own /proxy, so the function never holds the connection's credentials. X-Async (202 and
 * GET /action/<id>) is not supported yet: such a request is refused rather than run differently.
 */
import { z } from 'zod';
import { ExitCode } from '../../errors.js';
import { readJson, sendError, sendJson, type Router } from '../http.js';
import type { ServeContext } from '../context.js';
import { listFunctions } from '../functions-store.js';
import { connectionIdSchema } from './connections.js';
import { providerConfigKeySchema } from './integrations.js';
import { parseOr400, queryObject } from './validate.js';

const headers = z.object({
    'provider-config-key': providerConfigKeySchema,
    'connection-id': connectionIdSchema,
    'x-async': z.enum(['true', 'false', '1', '0']).optional(),
    'x-max-retries': z.coerce.number().min(0).max(5).optional().default(0)
});
const body = z.object({
    action_name: z
        .string()
        .regex(/^[a-zA-Z0-9_-]+$/)
        .max(255),
    input: z.unknown()
});

/** The longest an action may run here (Nango's own limit is longer; a local run that hangs should not). */
const ACTION_TIMEOUT_MS = 5 * 60 * 1000;

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
            if (h['x-async'] === 'true' || h['x-async'] === '1') return sendError(res, 400, 'not_supported', 'ferry serve runs actions synchronously only: send the request without X-Async');
            const connection = await ctx.store.getConnection(h['provider-config-key'], h['connection-id']);
            if (!connection) return sendError(res, 400, 'unknown_connection', 'Failed to find connection');
            const integration = await ctx.store.getIntegration(h['provider-config-key']);
            const action = (await listFunctions(ctx.storage)).find((fn) => fn.type === 'action' && fn.name === b.action_name && fn.provider_config_key === h['provider-config-key']);
            if (!integration || !action) return sendError(res, 404, 'not_found', 'Action not found');

            const [{ runFunction }, { createProxyTransport }, { PlatformClient }, { platformBackend }, { publicConnection }] = await Promise.all([
                import('../../dryrun/run.js'),
                import('../../dryrun/proxy-transport.js'),
                import('../../platform/client.js'),
                import('../../platform/connections.js'),
                import('../../dryrun/credentials.js')
            ]);
            // The run talks to this very server, as a dry run talks to the platform.
            const client = new PlatformClient({ host: ctx.url, secretKey: ctx.secretKey, exitCode: ExitCode.Failure });
            const publicView = publicConnection({ ...connection, provider: integration.provider, metadata: connection.metadata, credentials: undefined } as never);
            try {
                const result = await runFunction({
                    code: action.js,
                    filename: `${action.provider_config_key}_actions_${action.name}.cjs`,
                    ref: { integration: action.provider_config_key, name: action.name, type: 'action' },
                    transport: createProxyTransport({ client, connection: publicView }),
                    connection: publicView,
                    backend: platformBackend(client, publicView),
                    input: b.input,
                    environment: ctx.environment,
                    timeoutMs: ACTION_TIMEOUT_MS
                });
                ctx.log(`action ${action.provider_config_key}/${action.name} on ${connection.connection_id}: ${result.ok ? 'ok' : (result.error?.kind ?? 'failed')} in ${Math.round(result.durationMs)} ms`);
                if (result.ok) return sendJson(res, 200, result.output ?? null);
                if (result.error?.kind === 'action_error') {
                    const payload = result.actionError ?? {};
                    return sendJson(res, 500, { error: { message: `The action script failed with an error: ${JSON.stringify(payload)}`, code: 'action_script_failure', payload } });
                }
                return sendJson(res, 500, { error: { message: 'The action script failed with a runtime error', code: 'action_script_runtime_error', payload: { message: result.error?.message ?? 'failed' } } });
            } finally {
                await client.close();
            }
        }
    });
}
