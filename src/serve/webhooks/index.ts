/**
 * Webhooks to the app, started with the server: the settings (URLs from `--webhook-url`, the
 * signing key), the persisted delivery queue and its loop, the settings routes, and
 * `webhooksOf(ctx).emitWebhook(kind, body)` for whatever has something to tell the app (the
 * connection routes, OAuth, the run scheduler).
 */
import type { ServeContext } from '../context.js';
import type { Sealer } from '../crypto.js';
import type { Router } from '../http.js';
import { authBody, type AuthEvent } from './bodies.js';
import { Outbox } from './outbox.js';
import { registerIncomingWebhookRoute } from './incoming.js';
import { registerWebhookSettingsRoutes } from './routes.js';
import { createEmitter, type WebhookEmitter } from './service.js';
import { WebhookSettingsStore } from './settings.js';

export { asyncActionBody, authBody, forwardBody, syncBody } from './bodies.js';
export type { WebhookEmitter, WebhookKind } from './service.js';

export interface WebhookOptions {
    /** Up to two: primary and secondary. */
    urls?: string[] | undefined;
    signingKey?: string | undefined;
    /** First retry delay (tests); doubled per attempt. */
    retryBaseMs?: number | undefined;
}

export interface StartedWebhooks {
    emitter: WebhookEmitter;
    /** Only when generated on this start: printed once. */
    generatedKey?: string;
    stop(): Promise<void>;
}

const emitters = new WeakMap<ServeContext, WebhookEmitter>();

export function webhooksOf(ctx: ServeContext): WebhookEmitter | undefined {
    return emitters.get(ctx);
}

export async function startWebhooks(router: Router, ctx: ServeContext, sealer: Sealer, options: WebhookOptions = {}): Promise<StartedWebhooks> {
    const settings = new WebhookSettingsStore(ctx.storage, sealer, ctx.environment);
    const { generatedKey } = await settings.init({ urls: options.urls, signingKey: options.signingKey });
    const outbox = new Outbox({ db: ctx.storage, signingKey: () => settings.signingKey(), fetch: ctx.fetch, log: ctx.log, baseDelayMs: options.retryBaseMs });
    const emitter = createEmitter(ctx, settings, outbox);
    emitters.set(ctx, emitter);
    registerWebhookSettingsRoutes(router, settings, ctx.log);
    registerIncomingWebhookRoute(router, ctx, emitter);
    // Deliveries a previous run left pending go out now.
    outbox.wake();
    return { emitter, ...(generatedKey ? { generatedKey } : {}), stop: () => outbox.stop() };
}

/** The `auth` webhook for a connection just stored; never fails the caller (logged instead). */
export async function emitAuth(ctx: ServeContext, event: Omit<AuthEvent, 'environment'>): Promise<void> {
    try {
        await webhooksOf(ctx)?.emitWebhook('auth', authBody({ ...event, environment: ctx.environment }));
    } catch (error) {
        ctx.log(`webhook auth could not be queued: ${(error as Error)?.message ?? String(error)}`);
    }
}
