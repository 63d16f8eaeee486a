/**
 * A fake of the platform's HTTP API (docs/platform-api.md), the subset the CLI uses: connections,
 * integrations, metadata, environment variables, and /proxy, which forwards to a provider with
 * the connection's credentials injected, exactly as the real platform keeps them server-side.
 * Every request needs `Authorization: Bearer <secretKey>` (401 otherwise). Other engineers plug
 * more routes in through `extraRoutes` (tried first; a handler returning undefined passes).
 */
import type { ServerResponse } from 'node:http';
import { startServer, type Handler, type TestRequest, type TestResponse } from './http.js';

export interface FakeConnection {
    connection_id: string;
    provider_config_key: string;
    /** Omit to make the CLI ask GET /integrations/{key} for it. */
    provider?: string;
    metadata?: Record<string, unknown> | null;
    connection_config?: Record<string, unknown>;
    /** What a real platform may include; the CLI must drop it. Defaults to an OAuth token derived from providerToken. */
    credentials?: Record<string, unknown>;
    [key: string]: unknown;
}

export interface FakeIntegration {
    unique_key: string;
    provider: string;
    display_name?: string;
}

export interface FakePlatformOptions {
    /** Default: a random `sk-test-…` value. */
    secretKey?: string;
    connections?: FakeConnection[];
    integrations?: FakeIntegration[];
    /** Where /proxy forwards (the provider's base URL); settable later with setProviderUrl. */
    providerUrl?: string;
    /** The credential header value injected when forwarding, e.g. 'Bearer ghp_fake…'. */
    providerToken?: string;
    environmentVariables?: { name: string; value: string }[];
    /** Tried before the built-in routes (after the Authorization check). */
    extraRoutes?: Handler[];
}

/** One call that reached /proxy, with its arrival time (ms since the epoch). */
export interface ProxiedCall {
    method: string;
    /** Provider endpoint (the path after /proxy). */
    endpoint: string;
    query: URLSearchParams;
    headers: TestRequest['headers'];
    body: Buffer;
    receivedAt: number;
    /** Status the provider answered (or 502 when unreachable). */
    status?: number;
}

export interface MetadataWrite {
    method: 'POST' | 'PATCH';
    connectionId: string;
    providerConfigKey: string;
    metadata: Record<string, unknown>;
}

export interface FakePlatform {
    url: string;
    port: number;
    secretKey: string;
    providerToken: string;
    /** Every request received, in order (including rejected ones). */
    requests: TestRequest[];
    /** Every /proxy call, in order. */
    proxied: ProxiedCall[];
    metadataWrites: MetadataWrite[];
    /** Live map by `<providerConfigKey>/<connectionId>`: edit it to change answers between runs. */
    connections: Map<string, FakeConnection>;
    integrations: Map<string, FakeIntegration>;
    setProviderUrl(url: string): void;
    close(): Promise<void>;
}

/** Headers the platform consumes itself and never forwards to the provider. */
const PLATFORM_HEADERS = new Set([
    'authorization',
    'connection-id',
    'provider-config-key',
    'base-url-override',
    'decompress',
    'retries',
    'retry-on',
    'host',
    'content-length',
    'connection',
    'keep-alive',
    'transfer-encoding',
    'user-agent',
    'accept',
    'accept-encoding'
]);
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'content-encoding']);

const key = (integration: string, connectionId: string): string => `${integration}/${connectionId}`;

function notFound(message: string): TestResponse {
    return { status: 404, body: { error: { code: 'not_found', message } } };
}

export async function startFakePlatform(options: FakePlatformOptions = {}): Promise<FakePlatform> {
    const secretKey = options.secretKey ?? `sk-test-${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
    const providerToken = options.providerToken ?? `Bearer ghp_fakeprovidertoken${Math.random().toString(36).slice(2)}`;
    let providerUrl = options.providerUrl;
    const connections = new Map((options.connections ?? []).map((c) => [key(c.provider_config_key, c.connection_id), c]));
    const integrations = new Map((options.integrations ?? []).map((i) => [i.unique_key, i]));
    const proxied: ProxiedCall[] = [];
    const metadataWrites: MetadataWrite[] = [];
    const extraRoutes = options.extraRoutes ?? [];

    const withCredentials = (connection: FakeConnection): FakeConnection => ({
        credentials: { type: 'OAUTH2', access_token: providerToken.replace(/^Bearer\s+/i, ''), raw: { scope: 'repo' } },
        ...connection
    });

    const forward = async (req: TestRequest, res: ServerResponse): Promise<TestResponse | void> => {
        const connectionId = String(req.headers['connection-id'] ?? '');
        const integration = String(req.headers['provider-config-key'] ?? '');
        if (!connectionId || !integration) return { status: 400, body: { error: { code: 'missing_headers', message: 'Connection-Id and Provider-Config-Key are required' } } };
        if (!connections.has(key(integration, connectionId))) return notFound(`Connection '${connectionId}' not found for '${integration}'`);
        const call: ProxiedCall = { method: req.method, endpoint: req.path.slice('/proxy'.length) || '/', query: req.query, headers: req.headers, body: req.body, receivedAt: Date.now() };
        proxied.push(call);
        const base = String(req.headers['base-url-override'] ?? '') || providerUrl;
        if (!base) return { status: 502, body: { error: { code: 'no_provider', message: 'fake platform: no providerUrl configured' } } };
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(req.headers)) {
            if (value === undefined) continue;
            const lower = name.toLowerCase();
            if (lower.startsWith('nango-proxy-')) headers[lower.slice('nango-proxy-'.length)] = String(value);
            else if (!lower.startsWith('nango-') && !PLATFORM_HEADERS.has(lower)) headers[lower] = String(value);
        }
        headers['authorization'] = providerToken;
        const query = req.query.toString();
        const target = `${base.replace(/\/+$/, '')}${call.endpoint}${query ? `?${query}` : ''}`;
        let answer: Response;
        try {
            answer = await fetch(target, {
                method: req.method,
                headers,
                ...(req.body.length > 0 && req.method !== 'GET' && req.method !== 'HEAD' ? { body: req.body } : {})
            });
        } catch (error) {
            call.status = 502;
            return { status: 502, body: { error: { code: 'provider_unreachable', message: String((error as Error).message) } } };
        }
        call.status = answer.status;
        const relayed: Record<string, string> = {};
        answer.headers.forEach((value, name) => {
            if (!HOP_BY_HOP.has(name.toLowerCase())) relayed[name] = value;
        });
        const body = Buffer.from(await answer.arrayBuffer());
        res.writeHead(answer.status, relayed);
        res.end(body);
    };

    const builtIn = async (req: TestRequest, res: ServerResponse): Promise<TestResponse | void> => {
        if (req.path.startsWith('/proxy/') || req.path === '/proxy') return forward(req, res);
        let match: RegExpExecArray | null;
        if (req.method === 'GET' && (match = /^\/connections\/([^/]+)$/.exec(req.path))) {
            const connectionId = decodeURIComponent(match[1]!);
            const integration = req.query.get('provider_config_key') ?? '';
            const connection = connections.get(key(integration, connectionId));
            if (!connection) return notFound(`Connection '${connectionId}' not found for '${integration}'`);
            return { body: withCredentials(connection) };
        }
        if (req.method === 'GET' && req.path === '/connections') {
            const connectionId = req.query.get('connectionId');
            const integrationId = req.query.get('integrationId');
            const list = [...connections.values()].filter(
                (c) => (!connectionId || c.connection_id === connectionId) && (!integrationId || c.provider_config_key === integrationId)
            );
            return { body: { connections: list.map(({ credentials: _c, ...rest }) => rest) } };
        }
        if (req.method === 'GET' && (match = /^\/integrations\/([^/]+)$/.exec(req.path))) {
            const integration = integrations.get(decodeURIComponent(match[1]!));
            if (!integration) return notFound(`Integration '${match[1]}' not found`);
            return { body: { data: { display_name: integration.unique_key, ...integration } } };
        }
        if ((req.method === 'POST' || req.method === 'PATCH') && req.path === '/connections/metadata') {
            const body = req.json<{ connection_id?: string | string[]; provider_config_key?: string; metadata?: Record<string, unknown> }>();
            const ids = Array.isArray(body?.connection_id) ? body.connection_id : [body?.connection_id ?? ''];
            for (const id of ids) {
                const connection = connections.get(key(body?.provider_config_key ?? '', id));
                if (!connection) return notFound(`Connection '${id}' not found for '${body?.provider_config_key}'`);
                connection.metadata = req.method === 'POST' ? { ...body.metadata } : { ...connection.metadata, ...body.metadata };
                metadataWrites.push({ method: req.method, connectionId: id, providerConfigKey: body.provider_config_key ?? '', metadata: body.metadata ?? {} });
            }
            return { body: {} };
        }
        if (req.method === 'GET' && req.path === '/environment-variables') return { body: options.environmentVariables ?? [] };
        return undefined;
    };

    const server = await startServer(async (req, res) => {
        if (req.headers['authorization'] !== `Bearer ${secretKey}`) {
            return { status: 401, body: { error: { code: 'unknown_account', message: 'Authentication failed. The provided secret/public key does not match.' } } };
        }
        for (const route of extraRoutes) {
            const answer = await route(req, res);
            if (answer !== undefined || res.headersSent || res.writableEnded) return answer;
        }
        return builtIn(req, res);
    });

    return {
        url: server.url,
        port: server.port,
        secretKey,
        providerToken,
        requests: server.requests,
        proxied,
        metadataWrites,
        connections,
        integrations,
        setProviderUrl: (url) => {
            providerUrl = url;
        },
        close: () => server.close()
    };
}
