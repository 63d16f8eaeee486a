/**
 * The authorization code for tokens, as Nango asks for them: `grant_type=authorization_code`,
 * the code, the same redirect URI, the PKCE `code_verifier` (unless the provider disables PKCE),
 * the provider's `token_params`, and the client id and secret in the body or as Basic per
 * `token_request_auth_method`. The answer becomes Nango's stored OAUTH2 credentials.
 */
import type { ServeContext } from '../context.js';
import { interpolate } from '../provider-auth.js';
import type { ProviderDefinition } from '../providers.js';
import type { IntegrationRow } from '../store.js';
import { tokenUrlOf, usesPkce } from './provider-urls.js';
import type { OAuthSession } from './sessions.js';

export class ExchangeError extends Error {
    constructor(
        readonly code: string,
        message: string
    ) {
        super(message);
    }
}

export async function exchangeCode(
    ctx: ServeContext,
    integration: IntegrationRow,
    provider: ProviderDefinition,
    session: OAuthSession,
    code: string
): Promise<{ credentials: Record<string, unknown>; expiresAt: Date | null }> {
    const params: Record<string, string> = {};
    for (const [name, template] of Object.entries((provider.token_params ?? {}) as Record<string, unknown>)) {
        const value = interpolate(String(template), { connectionConfig: session.connectionConfig, ...session.connectionConfig });
        if (value !== undefined && value !== '') params[name] = value;
    }
    Object.assign(params, { grant_type: 'authorization_code', code, redirect_uri: session.redirectUri });
    if (usesPkce(provider)) params['code_verifier'] = session.codeVerifier;
    const headers: Record<string, string> = { accept: 'application/json' };
    const clientId = integration.oauth_client_id ?? '';
    const clientSecret = integration.oauth_client_secret ?? '';
    if (provider.token_request_auth_method === 'basic') headers['authorization'] = `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
    else Object.assign(params, { client_id: clientId, client_secret: clientSecret });
    const json = provider['body_format'] === 'json';
    headers['content-type'] = json ? 'application/json' : 'application/x-www-form-urlencoded';
    const tokenUrl = tokenUrlOf(integration, provider, session.connectionConfig);
    let answer: Response;
    try {
        answer = await ctx.fetch(tokenUrl, { method: 'POST', headers, body: json ? JSON.stringify(params) : new URLSearchParams(params).toString(), signal: AbortSignal.timeout(30_000) });
    } catch (error) {
        throw new ExchangeError('token_request_failed', `the token endpoint of ${provider.name} could not be reached (${(error as Error).message})`);
    }
    const text = await answer.text();
    let body: Record<string, unknown>;
    try {
        body = JSON.parse(text) as Record<string, unknown>;
    } catch {
        body = Object.fromEntries(new URLSearchParams(text));
    }
    const accessToken = body['access_token'];
    if (!answer.ok || typeof accessToken !== 'string' || accessToken === '') {
        // Only the provider's error code: its answer may echo the code or the client secret.
        const reason = typeof body['error'] === 'string' ? body['error'] : `status ${answer.status}`;
        throw new ExchangeError('token_request_failed', `the provider refused the authorization code (${reason})`);
    }
    const expiresAt = expiryOf(body);
    const credentials: Record<string, unknown> = {
        type: 'OAUTH2',
        access_token: accessToken,
        ...(typeof body['refresh_token'] === 'string' ? { refresh_token: body['refresh_token'] } : {}),
        ...(expiresAt ? { expires_at: expiresAt.toISOString() } : {}),
        raw: body
    };
    return { credentials, expiresAt };
}

function expiryOf(body: Record<string, unknown>): Date | null {
    const seconds = Number(body['expires_in']);
    if (Number.isFinite(seconds) && seconds > 0) return new Date(Date.now() + seconds * 1000);
    if (typeof body['expires_at'] === 'string' && !Number.isNaN(Date.parse(body['expires_at']))) return new Date(body['expires_at']);
    return null;
}
