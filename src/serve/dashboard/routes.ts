/**
 * The dashboard of `ferry serve`: one static page at `/` (HTML, script and style baked in by the
 * build) and JSON under /dashboard/api/*. The page's routes are public to the key check of the
 * API (a browser cannot send the key with every request); the data routes check a login session
 * or the key themselves. Buttons go through the server's own API (POST /action/trigger,
 * POST /sync/trigger) with the key held here, so they behave exactly as a client's calls.
 */
import type { ServerResponse } from 'node:http';
import type { ServeContext } from '../context.js';
import { webhooksOf } from '../webhooks/index.js';
import { readJson, sendError, sendJson, type RequestContext, type Router } from '../http.js';
import { CLEARED_COOKIE, sameOriginJson, sessionCookie, Sessions, unauthorized } from './auth.js';
import { dashboardAssets } from './assets.js';
import { modelsOf, overview, searchRecords, webhookDeliveries } from './data.js';
import { LiveRuns } from './live.js';
import { dashboardRun, listDashboardRuns } from './runs.js';

const NO_STORE = { 'cache-control': 'no-store' };

/** Registers the page and its routes; `close()` ends the live streams when the server stops. */
export function registerDashboardRoutes(router: Router, ctx: ServeContext): { close(): void } {
    const sessions = new Sessions(ctx.secretKey);
    const live = new LiveRuns(ctx);
    registerPage(router, ctx);
    registerLogin(router, ctx, sessions);
    const api = dashboardApi(router, sessions);
    registerReads(api, ctx, live);
    registerButtons(api, ctx);
    return { close: () => live.close() };
}

/** The page itself: HTML, script and style, each locked to this server. */
function registerPage(router: Router, ctx: ServeContext): void {
    const assets = dashboardAssets();
    const page = (path: string, type: string, body: string): void =>
        router.add({
            method: 'GET',
            path,
            public: true,
            handler: ({ res }) => {
                res.writeHead(200, {
                    'content-type': `${type}; charset=utf-8`,
                    // The page loads only its own script and style and talks only to this server.
                    'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
                    'x-content-type-options': 'nosniff',
                    'referrer-policy': 'no-referrer',
                    ...NO_STORE
                });
                res.end(body);
            }
        });
    page('/', 'text/html', assets.html);
    ctx.log(`dashboard: ${ctx.url}/ (log in with the secret key)`);
    page('/dashboard/app.js', 'text/javascript', assets.js);
    page('/dashboard/app.css', 'text/css', assets.css);
}

function registerLogin(router: Router, ctx: ServeContext, sessions: Sessions): void {
    router.add({
        method: 'POST',
        path: '/dashboard/login',
        public: true,
        handler: async ({ req, res }) => {
            if (!sameOriginJson(req)) return sendError(res, 400, 'invalid_request', 'Send JSON from the dashboard page');
            const body = (await readJson(req, 64 * 1024)) as { token?: unknown } | undefined;
            const id = sessions.login(body?.token);
            if (!id) return sendError(res, 401, 'unauthorized', 'That is not the secret key of this server');
            ctx.log('dashboard: logged in');
            sendJson(res, 200, { ok: true }, { 'set-cookie': sessionCookie(id), ...NO_STORE });
        }
    });
    router.add({
        method: 'POST',
        path: '/dashboard/logout',
        public: true,
        handler: ({ req, res }) => {
            sessions.logout(req);
            sendJson(res, 200, { ok: true }, { 'set-cookie': CLEARED_COOKIE, ...NO_STORE });
        }
    });
}

type DashboardApi = (method: 'GET' | 'POST', path: string, handler: (request: RequestContext) => Promise<void>) => void;

/** Adds a route under /dashboard/api/ that needs a login session (or the key), and same-origin JSON for a POST. */
function dashboardApi(router: Router, sessions: Sessions): DashboardApi {
    return (method, path, handler) =>
        router.add({
            method,
            path: `/dashboard/api/${path}`,
            public: true,
            handler: async (request) => {
                if (!sessions.allowed(request.req)) return unauthorized(request.res);
                if (method === 'POST' && !sameOriginJson(request.req)) return sendError(request.res, 400, 'invalid_request', 'Send JSON from the dashboard page');
                await handler(request);
            }
        });
}

function registerReads(api: DashboardApi, ctx: ServeContext, live: LiveRuns): void {
    api('GET', 'overview', async ({ res }) => sendJson(res, 200, await overview(ctx), NO_STORE));
    api('GET', 'runs', async ({ res }) => sendJson(res, 200, { runs: await listDashboardRuns(ctx, 100) }, NO_STORE));
    // Server-Sent Events: each run as it starts and finishes (the page falls back to polling without them).
    api('GET', 'events', async ({ req, res }) => live.stream(req, res));
    api('GET', 'runs/:id', async ({ res, params }) => {
        const run = /^\d{1,15}$/.test(params['id']!) ? await dashboardRun(ctx, Number(params['id'])) : undefined;
        if (!run) return sendError(res, 404, 'not_found', 'No such run');
        sendJson(res, 200, run, NO_STORE);
    });
    api('GET', 'records', async ({ res, url }) => records(ctx, res, url));
    api('GET', 'webhooks', async ({ res }) => {
        const deliveries = await webhookDeliveries(ctx, 100);
        sendJson(res, 200, deliveries ? { available: true, deliveries } : { available: false, deliveries: [] }, NO_STORE);
    });
}

/** The page's buttons: run an action, trigger a sync, send a webhook again. */
function registerButtons(api: DashboardApi, ctx: ServeContext): void {
    api('POST', 'action', async ({ req, res }) => {
        const body = ((await readJson(req)) ?? {}) as Record<string, unknown>;
        // Synchronous: the page shows the output; the run history has the run and its logs.
        const answer = await callOwnApi(ctx, '/action/trigger', { action_name: body['action'], input: body['input'] }, { 'connection-id': String(body['connection'] ?? ''), 'provider-config-key': String(body['integration'] ?? '') });
        sendJson(res, answer.status, answer.body, NO_STORE);
    });
    api('POST', 'sync', async ({ req, res }) => {
        const body = ((await readJson(req)) ?? {}) as Record<string, unknown>;
        const answer = await callOwnApi(ctx, '/sync/trigger', { provider_config_key: body['integration'], connection_id: body['connection'], syncs: [body['sync']], ...(body['reset'] === true ? { reset: true } : {}) });
        if (answer.status === 404) return sendError(res, 501, 'not_available', 'This server does not run syncs yet (POST /sync/trigger is missing)');
        sendJson(res, answer.status, answer.body, NO_STORE);
    });
    api('POST', 'webhooks/:id/resend', async ({ res, params }) => resend(ctx, res, Number(params['id'])));
}

async function records(ctx: ServeContext, res: ServerResponse, url: URL): Promise<void> {
    const q = Object.fromEntries(url.searchParams);
    const connection = q['integration'] && q['connection'] ? await ctx.store.getConnection(q['integration'], q['connection']) : undefined;
    if (!connection) return sendError(res, 404, 'unknown_connection', 'No such connection');
    const models = await modelsOf(ctx, connection.id);
    const model = q['model'] || models[0]?.model;
    const page = model ? await searchRecords(ctx, { connectionId: connection.id, model, search: q['search'], cursor: q['cursor'], limit: 50 }) : { records: [], next_cursor: null };
    if (!page) return sendError(res, 400, 'invalid_cursor', 'The cursor cannot be read');
    sendJson(res, 200, { models, model: model ?? null, ...page }, NO_STORE);
}

async function resend(ctx: ServeContext, res: ServerResponse, id: number): Promise<void> {
    const outbox = webhooksOf(ctx)?.outbox;
    if (!outbox) return sendError(res, 501, 'not_available', 'This server has no webhooks to the app');
    const rows = await ctx.storage.query<{ url: string; kind: string; body: string; headers: Record<string, string> }>('select url, kind, body, headers from ferry_webhook_outbox where id = $1', [id]);
    const row = rows[0];
    if (!row) return sendError(res, 404, 'not_found', 'No such webhook');
    // A copy goes through the outbox as a new delivery (signed again, retried as any other).
    await outbox.enqueue([row]);
    ctx.log(`dashboard: webhook ${id} (${row.kind}) queued again`);
    sendJson(res, 200, { ok: true }, NO_STORE);
}

/** The server's own API, called with its key, so a button does exactly what a client's call does. */
async function callOwnApi(ctx: ServeContext, path: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
    const response = await fetch(`${ctx.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ctx.secretKey}`, 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body)
    });
    const text = await response.text();
    try {
        return { status: response.status, body: text ? JSON.parse(text) : null };
    } catch {
        return { status: response.status, body: { error: { code: 'server_error', message: text.slice(0, 500) } } };
    }
}
