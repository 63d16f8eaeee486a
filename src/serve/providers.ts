/**
 * Full provider definitions (auth mode, token URL, proxy headers and query templates) from the
 * catalog Ferry already uses: @nangohq/providers' providers.yaml, aliases resolved by the package.
 * Parsing the YAML costs ~100 ms, so it happens once, on the first request that needs a provider
 * (and in the background right after the server is ready).
 */
export interface ProviderDefinition {
    name: string;
    display_name?: string;
    auth_mode: string;
    token_url?: string | Record<string, string>;
    refresh_url?: string;
    token_request_auth_method?: string;
    refresh_params?: Record<string, string>;
    token_params?: Record<string, string>;
    proxy?: {
        base_url?: string;
        headers?: Record<string, string>;
        query?: Record<string, string>;
        retry?: { at?: string | string[]; after?: string | string[]; error_code?: string[]; remaining?: string };
    };
    [key: string]: unknown;
}

let catalog: Promise<Record<string, ProviderDefinition>> | undefined;

async function load(): Promise<Record<string, ProviderDefinition>> {
    const { getProviders } = await import('@nangohq/providers');
    return (getProviders() ?? {}) as unknown as Record<string, ProviderDefinition>;
}

export async function getProvider(name: string): Promise<ProviderDefinition | undefined> {
    catalog ??= load();
    const entry = (await catalog)[name];
    return entry ? { ...entry, name } : undefined;
}

/** The whole catalog (GET /providers). */
export async function listProviders(): Promise<Record<string, ProviderDefinition>> {
    catalog ??= load();
    return catalog;
}

/** Loads the catalog now, so the first request does not wait for it. */
export function preloadProviders(): void {
    catalog ??= load();
    catalog.catch(() => undefined);
}
