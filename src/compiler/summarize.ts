/**
 * Turning a validated definition into its manifest entry (reference §4). JSON Schemas come from
 * zod 4's own `z.toJSONSchema`, taken from the very zod instance bundles are handed at evaluation
 * (requirePlatformModule), so schema metadata kept in zod's global registry (descriptions) survives.
 */
import type { FunctionRef } from '../project/types.js';
import { requirePlatformModule } from './evaluate.js';
import type { Endpoint, FunctionDefinition, FunctionSummary, JsonSchemaDefinitions, ManifestAction, ManifestOnEvent, ManifestSync } from './types.js';
import { isVoid, isZodSchema } from './zod-introspect.js';

/** What a function gets when it does not say. */
export const DEFAULT_VERSION = '0.0.1';

type JsonSchema = Record<string, unknown>;

interface ZodJsonSchemaApi {
    toJSONSchema(schema: unknown, params: Record<string, unknown>): JsonSchema;
}

let zodApi: ZodJsonSchemaApi | undefined;

function zod(): ZodJsonSchemaApi {
    zodApi ??= requirePlatformModule('zod') as ZodJsonSchemaApi;
    return zodApi;
}

/** Draft-7 JSON Schema of a zod schema; dates become date-time strings and void becomes null. */
export function toJsonSchema(schema: unknown): JsonSchema {
    if (isVoid(schema)) return { type: 'null' };
    const json = zod().toJSONSchema(schema, {
        target: 'draft-7',
        unrepresentable: 'any',
        override: (ctx: { zodSchema: { _zod: { def: { type: string } } }; jsonSchema: JsonSchema }) => {
            const type = ctx.zodSchema._zod.def.type;
            if (type === 'date') {
                for (const key of Object.keys(ctx.jsonSchema)) delete ctx.jsonSchema[key];
                Object.assign(ctx.jsonSchema, { type: 'string', format: 'date-time' });
            } else if (type === 'void' || type === 'undefined') {
                for (const key of Object.keys(ctx.jsonSchema)) delete ctx.jsonSchema[key];
                ctx.jsonSchema['type'] = 'null';
            }
        }
    });
    // Each definition sits inside one document; a `$schema` per model would only be noise.
    delete json['$schema'];
    return json;
}

export const schemaName = {
    actionInput: (ref: FunctionRef) => `ActionInput_${ref.integration}_${ref.name}`,
    actionOutput: (ref: FunctionRef) => `ActionOutput_${ref.integration}_${ref.name}`,
    syncMetadata: (ref: FunctionRef) => `SyncMetadata_${ref.integration}_${ref.name}`
};

function normalizeEndpoint(endpoint: Endpoint): Endpoint {
    return { method: endpoint.method.toUpperCase(), path: endpoint.path, ...(endpoint.group !== undefined ? { group: endpoint.group } : {}) };
}

function hasSchema(value: unknown): boolean {
    return isZodSchema(value) && !isVoid(value);
}

function features(def: FunctionDefinition): string[] {
    return def.checkpoint !== undefined && !isVoid(def.checkpoint) ? ['checkpoints'] : [];
}

/**
 * The manifest entry of one definition that passed validateDefinition. Pure: the same definition
 * always gives the same summary, which is what lets the cache store it.
 */
export function summarizeDefinition(ref: FunctionRef, definition: FunctionDefinition): FunctionSummary {
    const base = { id: ref.id, integration: ref.integration, name: ref.name };
    const version = typeof definition.version === 'string' && definition.version !== '' ? definition.version : DEFAULT_VERSION;
    const description = definition.description.trim();
    if (definition.type === 'sync') {
        const definitions: Record<string, JsonSchema> = {};
        const models = Object.keys(definition.models ?? {});
        for (const model of models) definitions[model] = toJsonSchema(definition.models![model]);
        let input: string | null = null;
        if (hasSchema(definition.metadata)) {
            input = schemaName.syncMetadata(ref);
            definitions[input] = toJsonSchema(definition.metadata);
        }
        const entry: ManifestSync = {
            type: 'sync',
            name: ref.name,
            description,
            endpoints: (definition.endpoints ?? []).map(normalizeEndpoint),
            sync_type: definition.syncType ?? (features(definition).length > 0 ? 'incremental' : 'full'),
            track_deletes: definition.trackDeletes ?? false,
            auto_start: definition.autoStart ?? true,
            runs: definition.frequency!,
            scopes: definition.scopes ?? [],
            input,
            output: models,
            usedModels: input ? [...models, input] : models,
            webhookSubscriptions: definition.webhookSubscriptions ?? [],
            version,
            json_schema: { definitions } satisfies JsonSchemaDefinitions,
            features: features(definition)
        };
        return { ...base, entry };
    }
    if (definition.type === 'action') {
        const definitions: Record<string, JsonSchema> = {};
        let input: string | null = null;
        let output: string[] | null = null;
        if (isZodSchema(definition.input)) {
            input = schemaName.actionInput(ref);
            definitions[input] = toJsonSchema(definition.input);
        }
        if (isZodSchema(definition.output)) {
            const name = schemaName.actionOutput(ref);
            output = [name];
            definitions[name] = toJsonSchema(definition.output);
        }
        const entry: ManifestAction = {
            type: 'action',
            name: ref.name,
            description,
            endpoint: definition.endpoint ? normalizeEndpoint(definition.endpoint) : null,
            scopes: definition.scopes ?? [],
            input,
            output,
            usedModels: [...(input ? [input] : []), ...(output ?? [])],
            version,
            json_schema: { definitions },
            features: features(definition)
        };
        return { ...base, entry };
    }
    const entry: ManifestOnEvent = { type: 'onEvent', name: ref.name, description, event: definition.event!, version };
    return { ...base, entry };
}
