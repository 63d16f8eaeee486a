/** The public shapes of Nango's API for integrations and connections, built from stored rows. */
import type { ConnectionRow, IntegrationRow } from '../store.js';
import { forwardsWebhooks } from '../webhooks/forwarding.js';

const iso = (date: Date | string | null): string | null => (date === null ? null : new Date(date).toISOString());

export function integrationToPublic(row: IntegrationRow, providerDisplayName: string | undefined, include: Record<string, unknown> = {}): Record<string, unknown> {
    return {
        unique_key: row.unique_key,
        provider: row.provider,
        display_name: row.display_name || providerDisplayName || row.provider,
        logo: `https://app.nango.dev/images/template-logos/${row.provider}.svg`,
        ...include,
        forward_webhooks: forwardsWebhooks(row),
        created_at: iso(row.created_at),
        updated_at: iso(row.updated_at)
    };
}

/** Credentials as the API returns them: dates as ISO strings; empty unless asked for. */
function publicCredentials(credentials: Record<string, unknown>, includeRefreshToken: boolean): Record<string, unknown> {
    const copy: Record<string, unknown> = { ...credentials };
    if (!includeRefreshToken) {
        delete copy['refresh_token'];
        if (copy['raw'] && typeof copy['raw'] === 'object') {
            const { refresh_token: _dropped, ...raw } = copy['raw'] as Record<string, unknown>;
            copy['raw'] = raw;
        }
    }
    return copy;
}

/**
 * One connection in full. `timezone` writes `+00:00` instead of `Z` as Nango does on
 * GET /connections/{id} (POST /connections answers with `Z`).
 */
export function connectionToPublic(
    row: ConnectionRow,
    provider: string,
    options: { timezone: boolean; includeRefreshToken: boolean }
): Record<string, unknown> {
    const stamp = (date: Date | null): string | null => {
        const value = iso(date);
        return value && options.timezone ? value.replace('Z', '+00:00') : value;
    };
    return {
        id: row.id,
        connection_id: row.connection_id,
        provider_config_key: row.provider_config_key,
        provider,
        errors: [],
        end_user: row.end_user ?? null,
        tags: row.tags ?? {},
        metadata: row.metadata ?? null,
        connection_config: row.connection_config ?? {},
        webhook_url_override: row.webhook_url_override ?? null,
        created_at: stamp(row.created_at),
        updated_at: stamp(row.updated_at),
        last_fetched_at: stamp(row.last_fetched_at),
        credentials: publicCredentials(row.credentials, options.includeRefreshToken)
    };
}

/** One connection in a list: never its credentials. */
export function connectionToListItem(row: ConnectionRow & { provider: string }): Record<string, unknown> {
    return {
        id: row.id,
        connection_id: row.connection_id,
        provider_config_key: row.provider_config_key,
        provider: row.provider,
        errors: [],
        end_user: row.end_user ?? null,
        tags: row.tags ?? {},
        metadata: row.metadata ?? null,
        created: iso(row.created_at)
    };
}
