/**
 * Fresh credentials for a request: an OAuth2 access token that expires within 15 minutes (Nango's
 * margin) is refreshed with its refresh token at the provider's token URL, and an OAuth2
 * client-credentials token is fetched again, before the request goes on. Refreshes of one
 * connection are shared: concurrent requests wait for the same one.
 */
import type { ServeContext } from './context.js';
import { interpolate } from './provider-auth.js';
import type { ProviderDefinition } from './providers.js';
import type { ConnectionRow, IntegrationRow } from './store.js';
import { emitAuth } from './webhooks/index.js';

const REFRESH_MARGIN_MS = 15 * 60 * 1000;

export class RefreshError extends Error {
    constructor(message: string) {
        super(message);
        this.name = 'RefreshError';
    }
}

const inFlight = new Map<number, Promise<Record<string, unknown>>>();

export function needsRefresh(credentials: Record<string, unknown>, now = Date.now()): boolean {
    const type = credentials['type'];
    if (type !== 'OAUTH2' && type !== 'OAUTH2_CC') return false;
    const expiresAt = credentials['expires_at'];
    if (typeof expiresAt !== 'string' && typeof expiresAt !== 'number') return false;
    const at = new Date(expiresAt).getTime();
    return Number.isFinite(at) && at - now < REFRESH_MARGIN_MS;
}

export async function freshCredentials(
    ctx: ServeContext,
    integration: IntegrationRow,
    provider: ProviderDefinition,
    connection: ConnectionRow,
    options: { force?: boolean } = {}
): Promise<Record<string, unknown>> {
    const credentials = connection.credentials;
    if (!options.force && !needsRefresh(credentials)) return credentials;
    if (credentials['type'] === 'OAUTH2' && typeof credentials['refresh_token'] !== 'string') return credentials;
    if (credentials['type'] !== 'OAUTH2' && credentials['type'] !== 'OAUTH2_CC') return credentials;
    let pending = inFlight.get(connection.id);
    if (!pending) {
        pending = refresh(ctx, integration, provider, connection)
            .catch(async (error: unknown) => {
                // As Nango: a failed refresh is an `auth` webhook (operation refresh, success false).
                if (error instanceof RefreshError) await emitAuth(ctx, { connectionId: connection.connection_id, providerConfigKey: integration.unique_key, provider: integration.provider, authMode: provider.auth_mode, operation: 'refresh', error: { type: 'refresh_token_external_error', description: error.message } });
                throw error;
            })
            .finally(() => inFlight.delete(connection.id));
        inFlight.set(connection.id, pending);
    }
    return pending;
}

async function refresh(ctx: ServeContext, integration: IntegrationRow, provider: ProviderDefinition, connection: ConnectionRow): Promise<Record<string, unknown>> {
    const old = connection.credentials;
    const clientCredentials = old['type'] === 'OAUTH2_CC';
    const tokenUrl = tokenUrlOf(integration, provider, connection, clientCredentials);
    if (!tokenUrl) throw new RefreshError(`provider ${provider.name} has no token URL to refresh the token with`);
    const override = (old['config_override'] ?? {}) as Record<string, string>;
    const clientId = clientCredentials ? String(old['client_id'] ?? '') : (override['client_id'] ?? integration.oauth_client_id ?? '');
    const clientSecret = clientCredentials ? String(old['client_secret'] ?? '') : (override['client_secret'] ?? integration.oauth_client_secret ?? '');
    const params: Record<string, string> = {
        ...templated(clientCredentials ? provider.token_params : provider.refresh_params, connection.connection_config),
        ...(clientCredentials ? { grant_type: 'client_credentials' } : { grant_type: 'refresh_token', refresh_token: String(old['refresh_token']) })
    };
    const headers: Record<string, string> = { accept: 'application/json' };
    if (provider.token_request_auth_method === 'basic') {
        headers['authorization'] = `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
    } else {
        params['client_id'] = clientId;
        params['client_secret'] = clientSecret;
    }
    // Some providers take the token request as JSON (body_format: json), the rest as a form.
    const json = provider['body_format'] === 'json';
    headers['content-type'] = json ? 'application/json' : 'application/x-www-form-urlencoded';
    const payload = json ? JSON.stringify(params) : new URLSearchParams(params).toString();
    let answer: Response;
    try {
        answer = await ctx.fetch(tokenUrl, { method: 'POST', headers, body: payload, signal: AbortSignal.timeout(30_000) });
    } catch (error) {
        throw new RefreshError(`the token endpoint of ${provider.name} could not be reached (${(error as Error).message})`);
    }
    const text = await answer.text();
    let body: Record<string, unknown> = {};
    try {
        body = JSON.parse(text) as Record<string, unknown>;
    } catch {
        body = Object.fromEntries(new URLSearchParams(text));
    }
    const token = clientCredentials ? (body['access_token'] ?? body['token']) : body['access_token'];
    if (!answer.ok || typeof token !== 'string' || token === '') {
        // The provider's answer may quote the refresh token: only its error code is kept.
        const reason = typeof body['error'] === 'string' ? body['error'] : `status ${answer.status}`;
        throw new RefreshError(`refreshing the token of connection ${connection.connection_id} failed (${reason})`);
    }
    const expiresAt = expiryOf(body);
    const next: Record<string, unknown> = clientCredentials
        ? { ...old, token, expires_at: expiresAt, raw: body }
        : {
              ...old,
              access_token: token,
              refresh_token: typeof body['refresh_token'] === 'string' ? body['refresh_token'] : old['refresh_token'],
              expires_at: expiresAt,
              raw: body
          };
    if (next['expires_at'] === undefined) delete next['expires_at'];
    await ctx.store.updateCredentials(connection.id, next, expiresAt ? new Date(expiresAt) : null);
    ctx.log(`connection ${connection.provider_config_key}/${connection.connection_id}: token refreshed`);
    return next;
}

function tokenUrlOf(integration: IntegrationRow, provider: ProviderDefinition, connection: ConnectionRow, clientCredentials: boolean): string | undefined {
    const configured = integration.custom['token_url'];
    if (configured) return configured;
    const raw = (!clientCredentials && provider.refresh_url) || provider.token_url;
    const url = typeof raw === 'string' ? raw : raw?.['OAUTH2'] ?? Object.values(raw ?? {})[0];
    if (!url) return undefined;
    return interpolate(url, { connectionConfig: connection.connection_config, ...connection.connection_config });
}

/** The provider's extra token parameters, `${connectionConfig.x}` filled in; those left unfilled are dropped. */
function templated(values: Record<string, string> | undefined, connectionConfig: Record<string, unknown>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, template] of Object.entries(values ?? {})) {
        const value = interpolate(String(template), { connectionConfig, ...connectionConfig });
        if (value !== undefined && value !== '') out[name] = value;
    }
    return out;
}

function expiryOf(body: Record<string, unknown>): string | undefined {
    const seconds = Number(body['expires_in']);
    if (Number.isFinite(seconds) && seconds > 0) return new Date(Date.now() + seconds * 1000).toISOString();
    if (typeof body['expires_at'] === 'string' && !Number.isNaN(Date.parse(body['expires_at']))) return new Date(body['expires_at']).toISOString();
    return undefined;
}
