/**
 * /proxy/*: the request goes to the provider with the connection's credentials added here, so
 * the caller never holds them. Nango's headers: Connection-Id, Provider-Config-Key, Retries,
 * Retry-On, Base-Url-Override, Decompress, and Nango-Proxy-<Name> sent upstream as <Name>. Bodies
 * stream both ways; a request that may be retried is held in memory so it can be sent again.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { parseOr400 } from './api/validate.js';
import type { ServeContext } from './context.js';
import { readBody, sendError, type Router } from './http.js';
import { freshCredentials, RefreshError } from './oauth-refresh.js';
import { addAuthQuery, authHeaders, providerBaseUrl } from './provider-auth.js';
import { signedAuthorization } from './oauth1-sign.js';
import { getProvider } from './providers.js';
import { forward, type Upstream } from './upstream.js';
import { connectionIdSchema, providerConfigKeySchema } from './api/schemas.js';

const headerSchema = z.object({
    'provider-config-key': providerConfigKeySchema,
    'connection-id': connectionIdSchema,
    retries: z.coerce.number().int().min(0).max(10).optional().default(0),
    'base-url-override': z.url().or(z.literal('')).optional(),
    decompress: z.enum(['true', 'false']).optional(),
    'retry-on': z
        .string()
        .regex(/^\d+(,\d+)*$/)
        .optional()
});

/** The credential types whose injection the proxy knows (provider-auth.ts). */
const INJECTED_TYPES = new Set(['OAUTH2', 'OAUTH2_CC', 'OAUTH1', 'TBA', 'API_KEY', 'BASIC', 'NONE']);
/** Request headers passed on as they are (besides Nango-Proxy-*): what describes the body. */
const PASSED_THROUGH = ['content-type', 'content-encoding', 'content-length'];
/** A retried request is buffered; past this it is refused rather than held in memory. */
const RETRY_BODY_LIMIT = 50 * 1024 * 1024;

export function registerProxyRoute(router: Router, ctx: ServeContext): void {
    router.add({ method: '*', path: '/proxy/*', handler: ({ req, res, url }) => proxy(ctx, req, res, url) });
}

async function proxy(ctx: ServeContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const headers = parseOr400(res, headerSchema, req.headers, 'invalid_headers');
    if (!headers) return;
    const integration = await ctx.store.getIntegration(headers['provider-config-key']);
    if (!integration) {
        return sendError(
            res,
            404,
            'unknown_provider_config',
            'Provider config not found for the given provider config key. Please make sure the provider config exists in the Nango dashboard.'
        );
    }
    const connection = await ctx.store.getConnection(integration.unique_key, headers['connection-id']);
    if (!connection) return sendError(res, 400, 'server_error', 'Failed to get connection');
    const provider = await getProvider(integration.provider);
    if (!provider) return sendError(res, 404, 'unknown_provider_config', `Provider ${integration.provider} is not in the catalog`);
    let credentials: Record<string, unknown>;
    try {
        credentials = await freshCredentials(ctx, integration, provider, connection);
    } catch (error) {
        if (!(error instanceof RefreshError)) throw error;
        return sendError(res, 400, 'server_error', `Failed to get connection credentials: '${error.message}'`);
    }
    if (!INJECTED_TYPES.has(String(credentials['type']))) {
        return sendError(res, 400, 'unsupported_auth_mode', `ferry serve's proxy cannot add ${String(credentials['type'])} credentials yet (it adds OAUTH2, OAUTH2_CC, OAUTH1, TBA, API_KEY, BASIC and NONE)`);
    }
    const base = headers['base-url-override'] || integration.custom['base_url'] || providerBaseUrl(provider, connection.connection_config);
    if (!base) return sendError(res, 400, 'missing_base_url', `Provider ${provider.name} has no base URL: pass Base-Url-Override or set the integration's base_url`);
    // The endpoint keeps its own path and query, exactly as the caller wrote them.
    const endpoint = (req.url ?? '/').replace(/^\/proxy\/?/, '/');
    let target: URL;
    try {
        target = new URL(`${base.replace(/\/+$/, '')}${endpoint === '/' ? '' : endpoint}`);
    } catch {
        return sendError(res, 400, 'invalid_request', `The base URL '${base}' and endpoint do not form a URL`);
    }
    addAuthQuery(target, provider, credentials, connection.connection_config);

    const outgoing: Record<string, string> = authHeaders(provider, credentials, connection.connection_config, integration.oauth_client_id);
    // OAUTH1 and TBA are signed per request, as Nango's proxy signs them.
    const signed = signedAuthorization(req.method ?? 'GET', target, credentials, connection.connection_config, { id: integration.oauth_client_id, secret: integration.oauth_client_secret }, provider['signature_method'] as string | undefined);
    if (signed && 'error' in signed) return sendError(res, 400, 'unsupported_auth', signed.error);
    if (signed) outgoing['authorization'] = signed.header;
    for (const name of PASSED_THROUGH) {
        const value = req.headers[name];
        if (typeof value === 'string') outgoing[name] = value;
    }
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
        const name = req.rawHeaders[i]!;
        if (name.toLowerCase().startsWith('nango-proxy-')) outgoing[name.slice('nango-proxy-'.length).toLowerCase()] = req.rawHeaders[i + 1] ?? '';
    }
    const retries = headers.retries;
    const upstream: Upstream = {
        method: (req.method ?? 'GET').toUpperCase(),
        url: target,
        headers: outgoing,
        // Sent once: streamed straight through. Retried: held, then sent as often as needed.
        body: retries > 0 ? await readBody(req, RETRY_BODY_LIMIT) : req,
        retries,
        retryOn: headers['retry-on'] ? headers['retry-on'].split(',').map(Number) : [],
        providerRetry: provider.proxy?.retry ?? {},
        decompress: headers.decompress === 'true'
    };
    await ctx.store.touchConnection(connection.id);
    await forward(upstream, res);
}
