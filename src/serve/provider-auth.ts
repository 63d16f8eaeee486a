/**
 * Where a proxied request goes and which credentials it carries, per the provider's definition:
 * BASIC as `Basic base64(user:password)`, OAuth2 and client credentials as a bearer token, API
 * keys (and any other templated value) through the provider's `proxy.headers` and `proxy.query`
 * templates (`${apiKey}`, `${connectionConfig.x}`, `${accessToken}`).
 */
import type { ProviderDefinition } from './providers.js';

/** `${a.b}` placeholders filled from `values`; undefined when one cannot be. */
export function interpolate(template: string, values: Record<string, unknown>): string | undefined {
    let missing = false;
    const out = template.replace(/\$\{([^{}]+)\}/g, (_m, path: string) => {
        let value: unknown = values;
        for (const part of path.trim().split('.')) value = value && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
        if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
        missing = true;
        return '';
    });
    return missing ? undefined : out;
}

function replacers(credentials: Record<string, unknown>, connectionConfig: Record<string, unknown>, clientId: string | null): Record<string, unknown> {
    const accessToken = credentials['type'] === 'OAUTH2' ? credentials['access_token'] : credentials['token'];
    return { ...credentials, credentials, connectionConfig, accessToken: accessToken ?? '', clientId: clientId ?? '' };
}

/** The provider's base URL: `a || b` picks the first whose connectionConfig value is set. */
export function providerBaseUrl(provider: ProviderDefinition, connectionConfig: Record<string, unknown>): string | undefined {
    const template = provider.proxy?.base_url;
    if (!template) return undefined;
    const choices = template.split(/\s*\|\|\s*/);
    for (const choice of choices) {
        const value = interpolate(choice, { connectionConfig, ...connectionConfig });
        if (value) return value;
    }
    return undefined;
}

export function authHeaders(
    provider: ProviderDefinition,
    credentials: Record<string, unknown>,
    connectionConfig: Record<string, unknown>,
    clientId: string | null
): Record<string, string> {
    const headers: Record<string, string> = {};
    switch (credentials['type']) {
        case 'BASIC':
            headers['authorization'] = `Basic ${Buffer.from(`${String(credentials['username'] ?? '')}:${String(credentials['password'] ?? '')}`).toString('base64')}`;
            break;
        case 'OAUTH2':
            headers['authorization'] = `Bearer ${String(credentials['access_token'])}`;
            break;
        case 'OAUTH2_CC':
            headers['authorization'] = `Bearer ${String(credentials['token'])}`;
            break;
        default:
            // API_KEY providers name their own header (or query parameter): no default.
            break;
    }
    const values = replacers(credentials, connectionConfig, clientId);
    for (const [name, template] of Object.entries(provider.proxy?.headers ?? {})) {
        if (typeof template !== 'string') continue;
        const value = interpolate(template, values);
        if (value !== undefined) headers[name.toLowerCase()] = value;
    }
    return headers;
}

/** The provider's query templates (an API key in the URL), added to `url`. */
export function addAuthQuery(url: URL, provider: ProviderDefinition, credentials: Record<string, unknown>, connectionConfig: Record<string, unknown>): void {
    const values = replacers(credentials, connectionConfig, null);
    for (const [name, template] of Object.entries(provider.proxy?.query ?? {})) {
        if (typeof template !== 'string') continue;
        const value = interpolate(template, values);
        if (value !== undefined) url.searchParams.set(name, value);
    }
}
