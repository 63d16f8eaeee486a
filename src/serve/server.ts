/**
 * `ferry serve`'s server: opens the storage (PGlite in the data folder, or PostgreSQL), applies
 * the migrations, and answers Nango's HTTP API on node:http. Every route needs the secret key
 * except those marked public. Nothing here prints: lines go to `log`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { registerActionRoutes } from './api/actions.js';
import { registerConnectionRoutes } from './api/connections.js';
import { registerConnectSessionRoutes } from './api/connect-sessions.js';
import { registerDeployRoutes } from './api/deploy.js';
import { registerIntegrationRoutes } from './api/integrations.js';
import { registerFunctionCodeRoute } from './api/function-code.js';
import { registerFunctionRoutes } from './api/functions.js';
import { VERSION } from '../version.js';
import { registerMcpRoutes } from './api/mcp.js';
import { registerMetadataRoutes } from './api/metadata.js';
import { registerRecordRoutes } from './api/records.js';
import { registerRecordPruneRoute } from './api/records-prune.js';
import { registerRunRoutes } from './api/runs.js';
import { registerSyncRoutes } from './api/syncs.js';
import { setRunLimits, type RunLimits } from './runner.js';
import { startScheduler } from './scheduler.js';
import { registerProxyRoute } from './proxy.js';
import { registerDashboardRoutes } from './dashboard/routes.js';
import type { ServeContext } from './context.js';
import { createSealer } from './crypto.js';
import { BodyError, checkSecretKey, Router, sendError, sendJson } from './http.js';
import { migrate } from './migrations.js';
import { preloadProviders } from './providers.js';
import { openPglite, openPostgres, type Storage } from './storage.js';
import { Store } from './store.js';
import { registerOAuthRoutes } from './oauth/routes.js';
import { startWebhooks, type WebhookOptions } from './webhooks/index.js';

interface ServeOptions {
    host: string;
    port: number;
    dataDir: string;
    /** A PostgreSQL URL; PGlite in the data folder when absent. */
    database?: string | undefined;
    secretKey: string;
    encryptionKey: Buffer;
    /** See PgliteOptions.templateFile. */
    pgliteTemplate?: string | undefined;
    environment?: string;
    log: (line: string) => void;
    fetch?: typeof fetch;
    /** Webhooks to the app: --webhook-url, --webhook-signing-key. */
    webhooks?: WebhookOptions;
    /** --concurrency, --run-timeout, --run-memory. */
    runLimits?: Partial<RunLimits>;
}

export interface RunningServer {
    url: string;
    storage: Storage;
    /** The webhook signing key, only when generated on this start. */
    newWebhookSigningKey?: string;
    close(): Promise<void>;
}

export async function startServe(options: ServeOptions): Promise<RunningServer> {
    const router = new Router();
    let ctx: ServeContext | undefined;
    const server = createServer((req, res) => {
        // The socket is bound before the database opens (a port in use fails at once); nothing is
        // answered until it is open.
        if (ctx) void handle(router, ctx, options.secretKey, req, res);
        else sendError(res, 503, 'starting', 'The server is starting; try again in a moment');
    });
    // Slow uploads and long provider answers stream through the proxy: no whole-request timeout.
    server.requestTimeout = 0;
    server.keepAliveTimeout = 5_000;
    await listen(server, options.host, options.port);
    let storage: Storage;
    try {
        storage = options.database ? await openPostgres(options.database) : await openPglite(join(options.dataDir, 'pglite'), { templateFile: options.pgliteTemplate });
        try {
            await migrate(storage);
        } catch (error) {
            await storage.close().catch(() => undefined);
            throw error;
        }
    } catch (error) {
        await new Promise<void>((resolve) => server.close(() => resolve()));
        throw error;
    }
    const address = server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    const context: ServeContext = {
        store: new Store(storage, createSealer(options.encryptionKey)),
        storage,
        url: `http://${host}:${address.port}`,
        secretKey: options.secretKey,
        environment: options.environment ?? 'dev',
        log: options.log,
        fetch: options.fetch ?? fetch
    };
    registerIntegrationRoutes(router, context);
    registerMetadataRoutes(router, context);
    registerConnectionRoutes(router, context);
    registerConnectSessionRoutes(router, context);
    registerProxyRoute(router, context);
    registerDeployRoutes(router, context);
    registerFunctionCodeRoute(router, context);
    registerFunctionRoutes(router, context);
    registerRecordRoutes(router, context);
    registerRecordPruneRoute(router, context);
    registerActionRoutes(router, context);
    registerSyncRoutes(router, context);
    registerRunRoutes(router, context);
    registerMcpRoutes(router, context);
    const dashboard = registerDashboardRoutes(router, context);
    const webhooks = await startWebhooks(router, context, createSealer(options.encryptionKey), options.webhooks);
    registerOAuthRoutes(router, context, createSealer(options.encryptionKey));
    router.add({ method: 'GET', path: '/environment-variables', handler: ({ res }) => sendJson(res, 200, []) });
    // Nango's answer, plus the version in a header `ferry version` reads (Nango's API publishes none).
    router.add({ method: 'GET', path: '/health', public: true, handler: ({ res }) => sendJson(res, 200, { result: 'ok' }, { 'x-ferry-version': VERSION }) });
    ctx = context;
    preloadProviders();
    setRunLimits(options.runLimits ?? {});
    const scheduler = await startScheduler(context);
    return {
        url: context.url,
        storage,
        ...(webhooks.generatedKey ? { newWebhookSigningKey: webhooks.generatedKey } : {}),
        async close() {
            // Runs in progress call this server's own API: it stays up while they get their grace.
            await scheduler.stop();
            dashboard.close();
            await new Promise<void>((resolve) => {
                server.close(() => resolve());
                server.closeIdleConnections();
                // Requests still streaming get a moment, then their sockets are cut.
                setTimeout(() => server.closeAllConnections(), 2_000).unref();
            });
            await webhooks.stop();
            await storage.close();
        }
    };
}

function listen(server: Server, host: string, port: number): Promise<void> {
    return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
            server.off('error', reject);
            resolve();
        });
    });
}

async function handle(router: Router, ctx: ServeContext, secretKey: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    let url: URL;
    try {
        url = new URL(req.url ?? '/', 'http://local');
    } catch {
        return sendError(res, 400, 'invalid_request', 'The request URL cannot be read');
    }
    const method = (req.method ?? 'GET').toUpperCase();
    // One line per request, path only: a query string may carry a caller's secret.
    const started = performance.now();
    res.once('finish', () => ctx.log(`${method} ${url.pathname} ${res.statusCode} ${Math.round(performance.now() - started)} ms`));
    const found = router.match(method, url.pathname);
    // Nothing is said about routes (not even that one exists) before the key is checked.
    if ('allowed' in found) {
        if (!checkSecretKey(req, res, secretKey)) return;
        return sendError(res, 404, found.allowed.length ? 'method_not_allowed' : 'not_found', found.allowed.length ? `${method} is not allowed on ${url.pathname}` : `No route ${method} ${url.pathname}`);
    }
    if (!found.route.public && !checkSecretKey(req, res, secretKey)) return;
    try {
        await found.route.handler({ req, res, url, params: found.params });
    } catch (error) {
        if (error instanceof BodyError) {
            if (!res.headersSent) sendError(res, error.status, error.status === 413 ? 'payload_too_large' : 'invalid_body', error.message);
            return;
        }
        ctx.log(`error on ${method} ${url.pathname}: ${(error as Error)?.message ?? String(error)}`);
        if (!res.headersSent) sendError(res, 500, 'server_error', 'An unexpected error occurred');
        else res.destroy();
    }
}
