/**
 * `POST /webhook/<environment>/<integration>`: a provider's webhook, unauthenticated as Nango's.
 * The signature is checked (when the integration has a webhook secret) and the provider answered
 * at once; then, after the answer, the connections it is about are found, the syncs subscribed to
 * its type run their `onWebhook` with it (records saved, a `sync` webhook with syncType WEBHOOK),
 * and the payload is forwarded to the app. A payload that matches nothing is answered and logged.
 */
import type { IncomingMessage } from 'node:http';
import type { ServeContext } from '../context.js';
import { readBody, sendJson, type Router } from '../http.js';
import type { ConnectionRow, IntegrationRow } from '../store.js';
import { forwardBody, syncBody } from './bodies.js';
import { routeOf, type Route } from './routing.js';
import { verifySignature } from './verify.js';
import type { WebhookEmitter } from './service.js';

const LIMIT = 5 * 1024 * 1024;

export function registerIncomingWebhookRoute(router: Router, ctx: ServeContext, emitter: WebhookEmitter): void {
    router.add({
        method: 'POST',
        path: '/webhook/:environment/:providerConfigKey',
        public: true,
        handler: async ({ req, res, params }) => {
            const raw = await readBody(req, LIMIT);
            if (params['environment'] !== ctx.environment && params['environment'] !== emitter.settings.uuid) return sendJson(res, 404, { error: { code: 'unknown_environment' } });
            const integration = await ctx.store.getIntegration(params['providerConfigKey'] ?? '');
            if (!integration) return sendJson(res, 404, { error: { code: 'unknown_provider_config' } });
            const verdict = verifySignature(integration.provider, integration.custom['webhookSecret'], req.headers, raw);
            if (!verdict.ok) {
                ctx.log(`webhook from ${integration.unique_key} refused: ${verdict.message.toLowerCase()}`);
                return sendJson(res, 401, { error: verdict.message });
            }
            const payload = parse(raw);
            sendJson(res, 200, { status: 'success' });
            // After the answer: the provider does not wait for the functions.
            void dispatch(ctx, emitter, integration, req, payload).catch((error: unknown) =>
                ctx.log(`webhook from ${integration.unique_key} could not be handled: ${(error as Error)?.message ?? String(error)}`)
            );
        }
    });
}

function parse(raw: Buffer): unknown {
    const text = raw.toString('utf8');
    try {
        return text ? JSON.parse(text) : {};
    } catch {
        return text;
    }
}

async function connectionsFor(ctx: ServeContext, integration: IntegrationRow, route: Route): Promise<ConnectionRow[]> {
    if (route.match === null) return [];
    const all = await ctx.store.listConnections({ integrationIds: [integration.unique_key], limit: 10_000, offset: 0 });
    const match = route.match;
    return match ? all.filter((c) => String(c.connection_config[match.key] ?? '') === match.value) : all;
}

async function dispatch(ctx: ServeContext, emitter: WebhookEmitter, integration: IntegrationRow, req: IncomingMessage, payload: unknown): Promise<void> {
    const route = routeOf(integration.provider, req.headers, payload);
    const connections = await connectionsFor(ctx, integration, route);
    const headers = Object.fromEntries(Object.entries(req.headers).filter((e): e is [string, string] => typeof e[1] === 'string'));
    if (connections.length === 0) {
        ctx.log(`webhook from ${integration.unique_key}${route.type ? ` (${route.type})` : ''}: no connection matched; forwarded as is`);
        await emitter.emitWebhook('forward', forwardBody({ provider: integration.provider, providerConfigKey: integration.unique_key, payload }), { headers });
        return;
    }
    const { listFunctions } = await import('../functions-store.js');
    const syncs = (await listFunctions(ctx.storage)).filter((fn) => {
        if (fn.type !== 'sync' || fn.provider_config_key !== integration.unique_key) return false;
        const subscriptions = Array.isArray(fn.config['webhookSubscriptions']) ? (fn.config['webhookSubscriptions'] as string[]) : [];
        return subscriptions.includes('*') || (route.type !== undefined && subscriptions.includes(route.type));
    });
    ctx.log(`webhook from ${integration.unique_key}${route.type ? ` (${route.type})` : ''}: ${connections.length} connection(s), ${syncs.length} sync(s) subscribed`);
    for (const connection of connections) {
        await emitter.emitWebhook('forward', forwardBody({ provider: integration.provider, providerConfigKey: integration.unique_key, connectionId: connection.connection_id, payload }), { headers });
        for (const fn of syncs) await runOnWebhook(ctx, emitter, fn, connection, integration, payload);
    }
}

async function runOnWebhook(
    ctx: ServeContext,
    emitter: WebhookEmitter,
    fn: Awaited<ReturnType<typeof import('../functions-store.js').listFunctions>>[number],
    connection: ConnectionRow,
    integration: IntegrationRow,
    payload: unknown
): Promise<void> {
    const [{ runDeployed }, { saveRecords }] = await Promise.all([import('../runner.js'), import('../records-store.js')]);
    const startedAt = new Date();
    const result = await runDeployed(ctx, fn, connection, integration, undefined, { webhookPayload: payload, keepRecords: true });
    const base = { connectionId: connection.connection_id, providerConfigKey: integration.unique_key, syncName: fn.name, operation: 'WEBHOOK' as const, startedAt };
    if (!result.ok) {
        ctx.log(`onWebhook ${integration.unique_key}/${fn.name} on ${connection.connection_id} failed: ${result.error?.message ?? 'failed'}`);
        for (const model of fn.models) await emitter.emitWebhook('sync', syncBody({ ...base, model, error: { type: 'script_error', description: result.error?.message ?? 'the sync failed' } }));
        return;
    }
    for (const model of fn.models) {
        const records = (result.saved?.[model] ?? []) as Record<string, unknown>[];
        const counts = records.length ? await saveRecords(ctx.storage, connection.id, model, records) : { added: 0, updated: 0 };
        ctx.log(`onWebhook ${integration.unique_key}/${fn.name} on ${connection.connection_id}: ${model} +${counts.added} ~${counts.updated}`);
        await emitter.emitWebhook('sync', syncBody({ ...base, model, result: counts }));
    }
}
