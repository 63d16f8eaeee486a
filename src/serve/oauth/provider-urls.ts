/**
 * The provider's authorization page and token endpoint for an integration, as Nango builds them:
 * the definition's `authorization_url` and `token_url` (`${connectionConfig.x}` filled in), the
 * scopes joined with its `scope_separator`, its `authorization_params`, and PKCE (S256) unless the
 * definition sets `disable_pkce`. The integration's `custom.authorization_url` and
 * `custom.token_url` replace the definition's URLs (a self-hosted provider, tests).
 */
import { createHash } from 'node:crypto';
import { interpolate } from '../provider-auth.js';
import type { ProviderDefinition } from '../providers.js';
import type { IntegrationRow } from '../store.js';

export class OAuthSetupError extends Error {}

function urlOf(raw: unknown): string | undefined {
    if (typeof raw === 'string') return raw;
    if (raw && typeof raw === 'object') return (raw as Record<string, string>)['OAUTH2'] ?? Object.values(raw as Record<string, string>)[0];
    return undefined;
}

function filled(template: string, connectionConfig: Record<string, unknown>, what: string): string {
    const value = interpolate(template, { connectionConfig, ...connectionConfig });
    if (value === undefined) {
        const names = [...template.matchAll(/\$\{(?:connectionConfig\.)?([^{}]+)\}/g)].map((m) => m[1]).join(', ');
        throw new OAuthSetupError(`the provider's ${what} needs connection config values (${names})`);
    }
    return value;
}

export function tokenUrlOf(integration: IntegrationRow, provider: ProviderDefinition, connectionConfig: Record<string, unknown>): string {
    const raw = integration.custom['token_url'] || urlOf(provider.token_url);
    if (!raw) throw new OAuthSetupError(`provider ${provider.name} has no token URL`);
    return filled(raw, connectionConfig, 'token URL');
}

export function usesPkce(provider: ProviderDefinition): boolean {
    return provider['disable_pkce'] !== true;
}

function codeChallenge(verifier: string): string {
    return createHash('sha256').update(verifier).digest('base64url');
}

export function authorizationUrl(
    integration: IntegrationRow,
    provider: ProviderDefinition,
    flow: { state: string; redirectUri: string; codeVerifier: string; connectionConfig: Record<string, unknown> }
): string {
    const raw = integration.custom['authorization_url'] || urlOf(provider['authorization_url']);
    if (!raw) throw new OAuthSetupError(`provider ${provider.name} has no authorization URL`);
    const url = new URL(filled(raw, flow.connectionConfig, 'authorization URL'));
    const separator = typeof provider['scope_separator'] === 'string' ? provider['scope_separator'] : ' ';
    const scopes = integration.oauth_scopes ? integration.oauth_scopes.split(',').map((s) => s.trim()).filter(Boolean).join(separator) : '';
    const params: Record<string, string> = {
        response_type: 'code',
        client_id: integration.oauth_client_id ?? '',
        redirect_uri: flow.redirectUri,
        scope: scopes,
        state: flow.state
    };
    const extra = (provider['authorization_params'] ?? {}) as Record<string, unknown>;
    for (const [name, template] of Object.entries(extra)) {
        const value = interpolate(String(template), { connectionConfig: flow.connectionConfig, ...flow.connectionConfig });
        if (value !== undefined) params[name] = value;
    }
    if (usesPkce(provider)) {
        params['code_challenge'] = codeChallenge(flow.codeVerifier);
        params['code_challenge_method'] = 'S256';
    }
    for (const [name, value] of Object.entries(params)) {
        // An empty scope is left out rather than sent as `scope=`.
        if (name === 'scope' && value === '') continue;
        url.searchParams.set(name, value);
    }
    return url.toString();
}
