/** `.nango/nango.json` from function summaries, laid out as `nango compile` writes it. */
import { ON_EVENT_NAMES, type FunctionSummary, type Manifest, type ManifestIntegration, type OnEventName } from './types.js';

/**
 * Integrations in the order index.ts first names them, functions in index.ts order within each
 * list: Nango's order, so switching a project to Ferry leaves its committed manifest unchanged.
 * Summaries come in index.ts order whether they were rebuilt or cached. An on-event script with an
 * event Nango does not know is left out, as Nango leaves it out.
 */
export function buildManifest(summaries: readonly FunctionSummary[]): Manifest {
    const integrations = new Map<string, ManifestIntegration>();
    for (const summary of summaries) {
        let integration = integrations.get(summary.integration);
        if (!integration) {
            integration = {
                providerConfigKey: summary.integration,
                actions: [],
                syncs: [],
                onEventScripts: Object.fromEntries(ON_EVENT_NAMES.map((event) => [event, [] as string[]])) as Record<OnEventName, string[]>
            };
            integrations.set(summary.integration, integration);
        }
        const entry = summary.entry;
        if (entry.type === 'sync') integration.syncs.push(entry);
        else if (entry.type === 'action') integration.actions.push(entry);
        else integration.onEventScripts[entry.event]?.push(entry.name);
    }
    return [...integrations.values()];
}

/** Two-space JSON without a final newline, byte for byte what Nango writes. */
export function serializeManifest(manifest: Manifest): string {
    return JSON.stringify(manifest, null, 2);
}
