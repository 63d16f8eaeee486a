/**
 * What the rest of the server calls to tell the app something happened: `emitWebhook(kind, body)`
 * decides, as Nango does, whether the environment's settings want it (auth creation and refresh
 * errors, sync errors, syncs without changes only when "always" is set, async action results;
 * forwards whenever a URL is set), picks the URLs (a connection's `webhook_url_override` replaces
 * both of the environment's), serialises the body once and queues one delivery per URL.
 */
import type { ServeContext } from '../context.js';
import type { Outbox } from './outbox.js';
import type { WebhookSettings, WebhookSettingsStore } from './settings.js';
import { stableStringify } from './sign.js';

export type WebhookKind = 'sync' | 'auth' | 'async_action' | 'forward';

interface EmitOptions {
    /** The provider's own headers, for `forward` (filtered as Nango filters them). */
    headers?: Record<string, string>;
}

export interface WebhookEmitter {
    /** Queues the webhook; resolves with how many deliveries were queued (0: the settings do not want it). */
    emitWebhook(kind: WebhookKind, body: unknown, options?: EmitOptions): Promise<number>;
    settings: WebhookSettingsStore;
    outbox: Outbox;
}

const NON_FORWARDABLE = ['host', 'authorization', 'connection', 'keep-alive', 'content-length', 'content-type', 'content-encoding', 'cookie', 'set-cookie', 'referer', 'user-agent', 'sec-', 'proxy-', 'www-authenticate', 'server'];

function forwardableHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers)) {
        if (value === undefined || NON_FORWARDABLE.some((prefix) => name.toLowerCase().startsWith(prefix))) continue;
        out[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    return out;
}

export function wanted(kind: WebhookKind, body: Record<string, unknown>, settings: WebhookSettings): boolean {
    if (!settings.primary_url && !settings.secondary_url) return false;
    switch (kind) {
        case 'forward':
            return true;
        case 'async_action':
            return settings.on_async_action_completion;
        case 'auth':
            if (body['operation'] === 'creation') return settings.on_auth_creation;
            if (body['operation'] === 'refresh') return settings.on_auth_refresh_error;
            return body['operation'] === 'override';
        case 'sync': {
            if (body['success'] === false) return settings.on_sync_error;
            const results = (body['responseResults'] ?? {}) as Record<string, unknown>;
            const changed = Number(results['added'] ?? 0) > 0 || Number(results['updated'] ?? 0) > 0 || Number(results['deleted'] ?? 0) > 0;
            return changed || settings.on_sync_completion_always;
        }
    }
}

export function createEmitter(ctx: ServeContext, settings: WebhookSettingsStore, outbox: Outbox): WebhookEmitter {
    return {
        settings,
        outbox,
        async emitWebhook(kind, body, options = {}) {
            const fields = body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
            const current = await settings.get();
            const override = await overrideOf(ctx, fields);
            const effective = override ? { ...current, primary_url: override, secondary_url: null } : current;
            if (!wanted(kind, fields, effective)) return 0;
            const text = stableStringify(body);
            const urls = [effective.primary_url, effective.secondary_url].filter((url): url is string => Boolean(url));
            const headers = kind === 'forward' && options.headers ? forwardableHeaders(options.headers) : {};
            await outbox.enqueue(urls.map((url) => ({ url, kind, body: text, headers })));
            return urls.length;
        }
    };
}

async function overrideOf(ctx: ServeContext, body: Record<string, unknown>): Promise<string | null> {
    const connectionId = body['connectionId'];
    const key = body['providerConfigKey'];
    if (typeof connectionId !== 'string' || typeof key !== 'string') return null;
    const rows = await ctx.storage.query<{ webhook_url_override: string | null }>(
        'select webhook_url_override from ferry_connections where provider_config_key = $1 and connection_id = $2',
        [key, connectionId]
    );
    const value = rows[0]?.webhook_url_override;
    return value && value.trim() ? value : null;
}
