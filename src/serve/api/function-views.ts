/**
 * The deployed functions as Nango's API shows them: one function (`GET /integrations/:key/functions`)
 * and the per-integration "standard config" of `GET /scripts/config`, in Nango's format or as
 * OpenAI function definitions. Built from what the deploy stored (the flow, less its code).
 */
import type { FunctionRow } from '../functions-store.js';

type Json = Record<string, unknown>;

/** How the function came to be: `nango deploy` sends `source` ('repo' unless told otherwise). */
export function sourceOf(fn: FunctionRow): string {
    const source = fn.config['source'];
    return typeof source === 'string' ? source : 'repo';
}

const metadataOf = (fn: FunctionRow): { description?: string; scopes?: string[] } => (fn.config['metadata'] as { description?: string; scopes?: string[] } | undefined) ?? {};
const inputOf = (fn: FunctionRow): string | undefined => (typeof fn.config['input'] === 'string' ? fn.config['input'] : undefined);
const jsonSchemaOf = (fn: FunctionRow): Json | null => (fn.config['models_json_schema'] as Json | undefined) ?? null;

/** Nango's DeployedNangoFunction. */
export function deployedFunction(fn: FunctionRow): Json {
    const { description, scopes } = metadataOf(fn);
    const base = { name: fn.name, ...(description !== undefined ? { description } : {}), ...(scopes !== undefined ? { scopes } : {}) };
    const meta = { id: fn.id, enabled: true, last_deployed: fn.deployed_at.toISOString(), source: sourceOf(fn) };
    if (fn.type === 'on-event') return { ...base, type: 'on-event', event: fn.event, ...meta, source: 'repo' };
    const input = inputOf(fn);
    const common = { ...base, type: fn.type, ...(input !== undefined ? { input } : {}), returns: fn.models, json_schema: jsonSchemaOf(fn) };
    if (fn.type === 'action') return { ...common, ...meta };
    return { ...common, runs: fn.runs, auto_start: fn.auto_start, track_deletes: fn.config['track_deletes'] === true, ...meta };
}

/** Endpoints as Nango lists them: `{ method, path, group }`, the older `{ GET: path }` form unfolded. */
function endpointsOf(fn: FunctionRow): { method: string; path: string; group: string | null }[] {
    const endpoints = (fn.config['endpoints'] as Record<string, string>[] | undefined) ?? [];
    return endpoints.flatMap((e) =>
        typeof e['method'] === 'string' && typeof e['path'] === 'string'
            ? [{ method: e['method'], path: e['path'], group: e['group'] ?? null }]
            : Object.entries(e).map(([method, path]) => ({ method, path, group: null }))
    );
}

/** One sync or action in Nango's StandardNangoConfig. */
function standardFlow(fn: FunctionRow): Json {
    const { description, scopes } = metadataOf(fn);
    const jsonSchema = jsonSchemaOf(fn);
    const definitions = (jsonSchema?.['definitions'] as Json | undefined) ?? {};
    const flow: Json = {
        id: fn.id,
        name: fn.name,
        type: fn.type,
        returns: fn.models,
        description: description ?? '',
        attributes: (fn.config['attributes'] as Json | undefined) ?? {},
        scopes: scopes ?? [],
        version: fn.version,
        source: sourceOf(fn),
        endpoints: endpointsOf(fn),
        input: inputOf(fn),
        enabled: true,
        last_deployed: fn.deployed_at.toISOString(),
        webhookSubscriptions: (fn.config['webhookSubscriptions'] as string[] | undefined) ?? [],
        json_schema: jsonSchema,
        sdk_version: typeof fn.config['sdkVersion'] === 'string' ? fn.config['sdkVersion'] : null,
        models: Object.keys(definitions).map((name) => ({ name, fields: [] })),
        features: (fn.config['features'] as string[] | undefined) ?? []
    };
    if (fn.type !== 'sync') return flow;
    return { ...flow, sync_type: (fn.config['sync_type'] as string | undefined) || 'full', auto_start: fn.auto_start, runs: fn.runs, track_deletes: fn.config['track_deletes'] === true };
}

interface StandardConfig {
    providerConfigKey: string;
    provider: string;
    syncs: Json[];
    actions: Json[];
    'on-events': Json[];
}

/**
 * The syncs and actions, by name, grouped per integration (in the order their first function
 * comes). Nango lists on-event scripts in neither group: `on-events` stays empty, as there.
 */
export function standardConfigs(functions: FunctionRow[], providers: Map<string, string>): StandardConfig[] {
    const groups = new Map<string, StandardConfig>();
    const flows = functions.filter((fn) => fn.type !== 'on-event').sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const fn of flows) {
        let group = groups.get(fn.provider_config_key);
        if (!group) {
            group = { providerConfigKey: fn.provider_config_key, provider: providers.get(fn.provider_config_key) ?? '', syncs: [], actions: [], 'on-events': [] };
            groups.set(fn.provider_config_key, group);
        }
        (fn.type === 'sync' ? group.syncs : group.actions).push(standardFlow(fn));
    }
    return [...groups.values()];
}

/** `- name: what it is` lines of a description, as Nango reads parameter descriptions from them. */
function parameterDescriptions(description: string | undefined): Map<string, string> {
    const found = new Map<string, string>();
    for (const line of (description ?? '').split('\n')) {
        const trimmed = line.trim();
        if (!trimmed.startsWith('-')) continue;
        const content = trimmed.slice(1).trim();
        const colon = content.indexOf(':');
        if (colon !== -1) found.set(content.slice(0, colon).trim(), content.slice(colon + 1).trim());
    }
    return found;
}

/** `?format=openai`: each sync (no parameters) and action (its input model's schema) as an OpenAI function. */
export function openAIFunctions(configs: StandardConfig[]): Json[] {
    const out: Json[] = [];
    for (const config of configs) {
        for (const sync of config.syncs) {
            out.push({ name: sync['name'], description: sync['description'] || `Execute the ${String(sync['name'])} sync for ${config.provider}`, parameters: { type: 'object', properties: {}, required: [] } });
        }
        for (const action of config.actions) {
            const definitions = ((action['json_schema'] as Json | null)?.['definitions'] as Record<string, Json> | undefined) ?? {};
            const input = typeof action['input'] === 'string' ? definitions[action['input']] : undefined;
            const properties: Record<string, Json> = { ...((input?.['properties'] as Record<string, Json> | undefined) ?? {}) };
            for (const [name, description] of parameterDescriptions(action['description'] as string)) {
                if (properties[name]) properties[name] = { ...properties[name], description };
            }
            out.push({
                name: action['name'],
                description: action['description'] || `Execute the ${String(action['name'])} action for ${config.provider}`,
                parameters: { type: 'object', properties, required: (input?.['required'] as string[] | undefined) ?? [] }
            });
        }
    }
    return out;
}
