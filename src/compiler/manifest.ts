/** `.nango/nango.json` from function summaries (reference §4), in a stable order. */
import { ON_EVENT_NAMES, type FunctionSummary, type Manifest, type ManifestIntegration, type OnEventName } from './types.js';

const byName = <T extends { name: string }>(a: T, b: T): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * Integrations sorted by key, functions by name: the manifest depends only on what the functions
 * declare, never on the order of index.ts or on which functions came from the cache.
 */
export function buildManifest(summaries: readonly FunctionSummary[]): Manifest {
    const integrations = new Map<string, ManifestIntegration>();
    for (const summary of summaries) {
        let integration = integrations.get(summary.integration);
        if (!integration) {
            integration = {
                providerConfigKey: summary.integration,
                syncs: [],
                actions: [],
                onEventScripts: Object.fromEntries(ON_EVENT_NAMES.map((event) => [event, [] as string[]])) as Record<OnEventName, string[]>
            };
            integrations.set(summary.integration, integration);
        }
        const entry = summary.entry;
        if (entry.type === 'sync') integration.syncs.push(entry);
        else if (entry.type === 'action') integration.actions.push(entry);
        else integration.onEventScripts[entry.event].push(entry.name);
    }
    const manifest = [...integrations.values()].sort((a, b) => (a.providerConfigKey < b.providerConfigKey ? -1 : a.providerConfigKey > b.providerConfigKey ? 1 : 0));
    for (const integration of manifest) {
        integration.syncs.sort(byName);
        integration.actions.sort(byName);
        for (const event of ON_EVENT_NAMES) integration.onEventScripts[event].sort();
    }
    return manifest;
}

export function serializeManifest(manifest: Manifest): string {
    return `${JSON.stringify(manifest, null, 2)}\n`;
}
