/**
 * Turning a validated definition into its manifest entry, field for field (and in the order) that
 * `nango compile` writes it, so a project's committed `.nango/nango.json` does not change when it
 * moves to Ferry. JSON Schemas come from zod 4's own JSON Schema generator, run by the zod that
 * made the schema (the project's own zod when it has one, see platform-require.ts): one zod's
 * generator does not read another version's schemas, and each version writes some types its way.
 */
import type { FunctionRef } from '../project/types.js';
import { requirePlatformModule } from './evaluate.js';
import type { FunctionDefinition, FunctionSummary, JsonSchemaDefinitions, ManifestAction, ManifestOnEvent, ManifestSync } from './types.js';
import { isZodVoid, zodType, isZodSchema } from './zod-introspect.js';

type JsonSchema = Record<string, unknown>;

interface ZodJsonSchemaApi {
    toJSONSchema(schema: unknown, params: Record<string, unknown>): JsonSchema;
}

let zodApi: ZodJsonSchemaApi | undefined;

function zod(): ZodJsonSchemaApi {
    zodApi ??= requirePlatformModule('zod') as ZodJsonSchemaApi;
    return zodApi;
}

/**
 * Draft-7 JSON Schema of a zod schema as Nango writes it: a top-level `z.void()` is `{type:'null'}`,
 * dates are date-time strings, anything JSON Schema cannot say is `{}`.
 */
export function toJsonSchema(schema: unknown): JsonSchema {
    if (isZodVoid(schema)) return { type: 'null' };
    const params = {
        target: 'draft-7',
        unrepresentable: 'any',
        override: (ctx: { zodSchema: unknown; jsonSchema: JsonSchema }) => {
            if (isZodSchema(ctx.zodSchema) && zodType(ctx.zodSchema) === 'date') {
                ctx.jsonSchema['type'] = 'string';
                ctx.jsonSchema['format'] = 'date-time';
            }
        }
    };
    const own = (schema as { toJSONSchema?: (params: Record<string, unknown>) => JsonSchema } | null)?.toJSONSchema;
    const json = typeof own === 'function' ? own.call(schema, params) : zod().toJSONSchema(schema, params);
    // Each definition sits inside one document; a `$schema` per model would only be noise.
    delete json['$schema'];
    return json;
}

/** Generated model names keep only letters and digits of the function name, and turn the rest of the integration id into `_`. */
const cleanIntegration = (ref: FunctionRef): string => ref.integration.replace(/[^a-zA-Z0-9]/g, '_');
const cleanName = (ref: FunctionRef): string => ref.name.replace(/[^a-zA-Z0-9]/g, '');

const schemaName = {
    actionInput: (ref: FunctionRef) => `ActionInput_${cleanIntegration(ref)}_${cleanName(ref)}`,
    actionOutput: (ref: FunctionRef) => `ActionOutput_${cleanIntegration(ref)}_${cleanName(ref)}`,
    syncMetadata: (ref: FunctionRef) => `SyncMetadata_${cleanIntegration(ref)}_${cleanName(ref)}`
};

function definitionsOf(models: Record<string, unknown>): JsonSchemaDefinitions {
    const definitions: Record<string, JsonSchema> = {};
    for (const [name, schema] of Object.entries(models)) definitions[name] = toJsonSchema(schema);
    return { definitions };
}

/** What static analysis of the function's own file found (static-checks.ts). */
interface SourceFacts {
    /** `checkpoints` when the file calls nango.getCheckpoint, saveCheckpoint or clearCheckpoint. */
    features: string[];
}

const NO_FACTS: SourceFacts = { features: [] };

/**
 * The manifest entry of one definition that passed validateDefinition. Pure: the same definition
 * and facts always give the same summary, which is what lets the cache store it.
 */
export function summarizeDefinition(ref: FunctionRef, definition: FunctionDefinition, facts: SourceFacts = NO_FACTS): FunctionSummary {
    const base = { id: ref.id, integration: ref.integration, name: ref.name };
    const version = definition.version || '';
    const features = [...facts.features];
    if (definition.type === 'sync') {
        const models: Record<string, unknown> = { ...(definition.models ?? {}) };
        const output = Object.keys(models);
        // Any metadata schema counts, z.void() included: Nango names it and writes `{type:'null'}`.
        const input = definition.metadata ? schemaName.syncMetadata(ref) : null;
        if (input) models[input] = definition.metadata;
        const entry: ManifestSync = {
            type: 'sync',
            description: definition.description,
            auto_start: definition.autoStart === true,
            endpoints: definition.endpoints ?? [],
            input,
            name: ref.name,
            output,
            runs: definition.frequency!,
            scopes: definition.scopes || [],
            sync_type: definition.syncType || 'full',
            track_deletes: definition.trackDeletes === true,
            usedModels: Object.keys(models),
            version,
            webhookSubscriptions: definition.webhookSubscriptions || [],
            json_schema: definitionsOf(models),
            features
        };
        return { ...base, entry };
    }
    if (definition.type === 'action') {
        const input = schemaName.actionInput(ref);
        const output = schemaName.actionOutput(ref);
        const entry: ManifestAction = {
            type: 'action',
            description: definition.description,
            endpoint: definition.endpoint ?? null,
            input,
            name: ref.name,
            output: [output],
            scopes: definition.scopes || [],
            usedModels: [input, output],
            version,
            json_schema: definitionsOf({ [input]: definition.input, [output]: definition.output }),
            features
        };
        return { ...base, entry };
    }
    const entry: ManifestOnEvent = { type: 'onEvent', name: ref.name, description: definition.description, event: definition.event!, version };
    return { ...base, entry };
}
