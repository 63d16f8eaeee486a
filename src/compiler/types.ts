/** What compile produces: bundles, definitions and the manifest (reference §4). */
import type { FunctionRef } from '../project/types.js';

export interface Endpoint {
    method: string;
    path: string;
    group?: string;
}

export type OnEventName = 'post-connection-creation' | 'pre-connection-deletion' | 'validate-connection';
export const ON_EVENT_NAMES: readonly OnEventName[] = ['post-connection-creation', 'pre-connection-deletion', 'validate-connection'];

/** `{ definitions: { <ModelName>: <draft-7 schema> } }` */
export interface JsonSchemaDefinitions {
    definitions: Record<string, Record<string, unknown>>;
}

export interface ManifestSync {
    type: 'sync';
    name: string;
    description: string;
    endpoints: Endpoint[];
    sync_type: 'full' | 'incremental';
    track_deletes: boolean;
    auto_start: boolean;
    runs: string;
    scopes: string[];
    /** Metadata model name, or null. */
    input: string | null;
    output: string[];
    usedModels: string[];
    webhookSubscriptions: string[];
    version: string;
    json_schema: JsonSchemaDefinitions;
    features: string[];
}

export interface ManifestAction {
    type: 'action';
    name: string;
    description: string;
    endpoint: Endpoint | null;
    scopes: string[];
    input: string | null;
    output: string[] | null;
    usedModels: string[];
    version: string;
    json_schema: JsonSchemaDefinitions;
    features: string[];
}

export interface ManifestIntegration {
    providerConfigKey: string;
    syncs: ManifestSync[];
    actions: ManifestAction[];
    onEventScripts: Record<OnEventName, string[]>;
}

/** `.nango/nango.json` */
export type Manifest = ManifestIntegration[];

export interface CompileDiagnostic {
    /** Absolute path, when the problem is in a file. */
    file?: string;
    line?: number;
    column?: number;
    /** e.g. TS2322, BUNDLE_ERROR, BAD_FREQUENCY, DUPLICATE_NAME, DISALLOWED_IMPORT */
    code: string;
    message: string;
    /** The function concerned, when there is one (`<integration>/<name>`). */
    function?: string;
    /** Native rendering (tsc or esbuild) with a code frame, for a TTY. */
    frame?: string;
}

export interface CompiledFunction {
    ref: FunctionRef;
    /** Absolute path of build/<id>.cjs */
    bundlePath: string;
    /** Bytes. */
    size: number;
    /** From the cache rather than rebuilt. */
    cached: boolean;
}

export interface CompileResult {
    ok: boolean;
    functions: CompiledFunction[];
    errors: CompileDiagnostic[];
    warnings: CompileDiagnostic[];
    /** Written to .nango/nango.json when ok. */
    manifest: Manifest;
    durationMs: number;
}
