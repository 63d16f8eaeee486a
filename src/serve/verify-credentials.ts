/**
 * The check Nango runs before it imports API_KEY or BASIC credentials: when the provider defines
 * `proxy.verification` (method, endpoints, headers, data, base_url_override), each endpoint is
 * called with the new credentials, as the proxy would send them, until one answers 2xx. None
 * answering 2xx (or none reachable) means the credentials are refused.
 */
import type { IntegrationRow } from './store.js';
import { addAuthQuery, authHeaders, interpolate, providerBaseUrl } from './provider-auth.js';
import type { ProviderDefinition } from './providers.js';

interface Verification {
    method?: string;
    endpoints?: string[];
    headers?: Record<string, string>;
    data?: unknown;
    base_url_override?: string;
}

/** How long one verification request may take before it counts as failed. */
const TIMEOUT_MS = 15_000;

/** Nango's message for refused credentials (its `connection_test_failed` error). */
export const CONNECTION_TEST_FAILED = 'The given credentials were found to be invalid. Please check the credentials and try again.';

/** True when the credentials pass (or the provider defines no check). */
export async function verifyCredentials(
    fetchImpl: typeof fetch,
    integration: IntegrationRow,
    provider: ProviderDefinition,
    credentials: Record<string, unknown>,
    connectionConfig: Record<string, unknown>
): Promise<boolean> {
    const verification = (provider.proxy as { verification?: Verification } | undefined)?.verification;
    if (!verification?.endpoints?.length) return true;
    // The integration's own base URL (a self-hosted provider, a test's fake) comes first, as for the proxy.
    const override = verification.base_url_override && interpolate(verification.base_url_override, { connectionConfig, ...connectionConfig });
    const base = integration.custom['base_url'] || override || providerBaseUrl(provider, connectionConfig);
    if (!base) return false;
    for (const endpoint of verification.endpoints) {
        let url: URL;
        try {
            url = new URL(`${base.replace(/\/+$/, '')}/${endpoint.replace(/^\/+/, '')}`);
        } catch {
            continue;
        }
        addAuthQuery(url, provider, credentials, connectionConfig);
        const headers = { ...authHeaders(provider, credentials, connectionConfig, integration.oauth_client_id), ...lowercased(verification.headers) };
        const method = (verification.method ?? 'GET').toUpperCase();
        const body = verification.data === undefined || method === 'GET' ? undefined : typeof verification.data === 'string' ? verification.data : JSON.stringify(verification.data);
        try {
            const answer = await fetchImpl(url, { method, headers, ...(body === undefined ? {} : { body }), redirect: 'manual', signal: AbortSignal.timeout(TIMEOUT_MS) });
            await answer.body?.cancel();
            if (answer.status >= 200 && answer.status < 300) return true;
        } catch {
            // Unreachable: the next endpoint, else refused.
        }
    }
    return false;
}

function lowercased(headers: Record<string, string> | undefined): Record<string, string> {
    return Object.fromEntries(Object.entries(headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
}
