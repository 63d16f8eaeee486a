/**
 * POST /mcp, as Nango's: a Model Context Protocol endpoint (Streamable HTTP, stateless) for one
 * connection, named by the `connection-id` and `provider-config-key` headers beside the secret
 * key. Its tools are the integration's deployed actions; a call runs one against that connection
 * through POST /action/trigger, so both run an action the same way. GET is refused (no SSE
 * stream), as Nango refuses it. The MCP SDK loads with the first request, not with the server.
 */
import { z } from 'zod';
import { readJson, sendError, type Router } from '../http.js';
import type { ServeContext } from '../context.js';
import { parseOr400 } from './validate.js';
import { connectionIdSchema, providerConfigKeySchema } from './schemas.js';

const headers = z.object({
    'connection-id': connectionIdSchema,
    'provider-config-key': providerConfigKeySchema
});

export function registerMcpRoutes(router: Router, ctx: ServeContext): void {
    router.add({
        method: 'POST',
        path: '/mcp',
        handler: async ({ req, res }) => {
            const h = parseOr400(res, headers, req.headers, 'invalid_headers');
            if (!h) return;
            const connection = await ctx.store.getConnection(h['provider-config-key'], h['connection-id']);
            if (!connection) return sendError(res, 400, 'unknown_connection', 'Provided connection-id and provider-config-key do not match a valid connection');
            if (!(await ctx.store.getIntegration(h['provider-config-key']))) return sendError(res, 500, 'server_error', `Provider config ${h['provider-config-key']} not found`);
            const body = await readJson(req);
            const { serveConnectionTools } = await import('../mcp-tools.js');
            await serveConnectionTools(ctx, { connectionId: h['connection-id'], providerConfigKey: h['provider-config-key'] }, req, res, body);
        }
    });
    router.add({
        method: 'GET',
        path: '/mcp',
        handler: ({ res }) => {
            res.writeHead(405, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed.' }, id: null }));
        }
    });
}
