/**
 * `POST /webhook/<environment>/<integration>`: a provider's webhook, unauthenticated as Nango's.
 * As Nango's server, it goes to the routing handler the provider's definition names
 * (`webhook_routing_script` in providers.yaml); a provider without one (or one Ferry has no handler
 * for) is answered 204 and nothing runs or is forwarded, except that a provider without routing
 * whose integration has a webhook secret gets Ferry's generic signed routing (generic.ts). The
 * handler checks the signature, finds the connections each event is about and says the answer;
 * once the provider has it, a 200 is forwarded to the app (one `forward` per connection, or the
 * payload alone when none matched; nothing when the integration's `forward_webhooks` is false, as
 * Nango skips it) and the syncs subscribed to each event run `onWebhook` (onwebhook-run.ts).
 */
import type { IncomingMessage } from 'node:http';
import type { ServeContext } from '../context.js';
import { getProvider } from '../providers.js';
import { readBody, sendJson, type Router } from '../http.js';
import type { IntegrationRow } from '../store.js';
import { forwardBody } from './bodies.js';
import { forwardsWebhooks } from './forwarding.js';
import { genericHandler } from './generic.js';
import { errorAnswer, type HandlerResult, type IncomingWebhook, type WebhookHandler } from './handler-types.js';
import { routedHandlers } from './handlers-routed.js';
import { signedHandlers } from './handlers-signed.js';
import { WebhookScope, type Execution } from './scope.js';
import type { WebhookEmitter } from './service.js';

const LIMIT = 5 * 1024 * 1024;
const HANDLERS: Record<string, WebhookHandler> = { ...signedHandlers, ...routedHandlers };

export function registerIncomingWebhookRoute(router: Router, ctx: ServeContext, emitter: WebhookEmitter): void {
    router.add({
        method: 'POST',
        path: '/webhook/:environment/:providerConfigKey',
        public: true,
        handler: async ({ req, res, params, url }) => {
            const raw = await readBody(req, LIMIT);
            if (params['environment'] !== ctx.environment && params['environment'] !== emitter.settings.uuid) return sendJson(res, 404, { error: { code: 'unknown_environment' } });
            const integration = await ctx.store.getIntegration(params['providerConfigKey'] ?? '');
            if (!integration) return sendJson(res, 404, { error: { code: 'unknown_provider_config' } });
            const provider = await getProvider(integration.provider);
            const script = typeof provider?.['webhook_routing_script'] === 'string' ? provider['webhook_routing_script'] : '';
            const secret = integration.custom['webhookSecret'];
            const handler = HANDLERS[script] ?? (!script && secret ? genericHandler(secret, raw) : undefined);
            const name = integration.unique_key;
            if (!handler) {
                ctx.log(`webhook from ${name}: ${script ? `no routing for ${script} in Ferry` : `provider ${integration.provider} has no webhook routing`}; answered 204, nothing run or forwarded`);
                res.writeHead(204).end();
                return;
            }
            const hook = incoming(req, raw, url, provider?.['webhook_allowed_query_params']);
            const scope = new WebhookScope(integration, () => ctx.store.listConnections({ integrationIds: [name], limit: 100_000, offset: 0 }));
            let result: HandlerResult;
            try {
                result = await handler(scope, hook);
            } catch (error) {
                ctx.log(`webhook from ${name} could not be routed: ${(error as Error)?.message ?? String(error)}`);
                return sendJson(res, 500, { error: 'internal_error' });
            }
            if ('error' in result) {
                const answer = errorAnswer(result.error);
                ctx.log(`webhook from ${name} refused: ${answer.body.error.toLowerCase()}`);
                return sendJson(res, answer.status, answer.body);
            }
            send(res, result.statusCode, result.content);
            if (result.statusCode !== 200) return;
            // After the answer: the provider does not wait for the app or the functions.
            void afterAnswer(ctx, emitter, integration, hook, result, scope.executions).catch((error: unknown) =>
                ctx.log(`webhook from ${name} could not be handled: ${(error as Error)?.message ?? String(error)}`)
            );
        }
    });
}

/** The request as Nango's handlers see it: headers, the body its parsers would give, the raw text. */
function incoming(req: IncomingMessage, raw: Buffer, url: URL, allowed: unknown): IncomingWebhook {
    const headers = Object.fromEntries(Object.entries(req.headers).map(([key, value]) => [key, Array.isArray(value) ? value.join(', ') : (value ?? '')]));
    const text = raw.toString('utf8');
    const type = (headers['content-type'] ?? '').toLowerCase();
    let body: unknown = {};
    if (type.includes('json')) {
        try {
            body = text ? JSON.parse(text) : {};
        } catch {
            body = {};
        }
    } else if (type.startsWith('application/x-www-form-urlencoded')) {
        body = Object.fromEntries(new URLSearchParams(text));
    }
    const names = Array.isArray(allowed) ? allowed.filter((n): n is string => typeof n === 'string') : [];
    const query = Object.fromEntries(names.map((n) => [n, url.searchParams.get(n)]).filter((e): e is [string, string] => Boolean(e[1])));
    return { headers, body, raw: text, query };
}

function send(res: import('node:http').ServerResponse, status: number, content: unknown): void {
    if (content === null || content === undefined) {
        res.writeHead(status).end();
    } else if (typeof content === 'string') {
        res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' }).end(content);
    } else {
        sendJson(res, status, content);
    }
}

async function afterAnswer(ctx: ServeContext, emitter: WebhookEmitter, integration: IntegrationRow, hook: IncomingWebhook, result: Extract<HandlerResult, { statusCode: number }>, executions: Execution[]): Promise<void> {
    const name = integration.unique_key;
    const connectionIds = result.connectionIds ?? [];
    const payload = 'toForward' in result ? result.toForward : hook.body;
    const base = { provider: integration.provider, providerConfigKey: name, payload };
    if (!forwardsWebhooks(integration)) {
        ctx.log(`webhook from ${name}: not forwarded (the integration's forward_webhooks is false)`);
    } else if (connectionIds.length === 0) {
        ctx.log(`webhook from ${name}: no connection matched; forwarded as is`);
        await emitter.emitWebhook('forward', forwardBody(base), { headers: hook.headers });
    } else {
        for (const connectionId of connectionIds) await emitter.emitWebhook('forward', forwardBody({ ...base, connectionId }), { headers: hook.headers });
    }
    if (executions.length === 0) return;
    const { runSubscribedSyncs } = await import('./onwebhook-run.js');
    await runSubscribedSyncs(ctx, emitter, integration, executions);
}
