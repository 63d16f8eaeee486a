/** What compile produces: bundles, definitions and the manifest (.nango/nango.json as `nango compile` writes it: docs/commands/compile.md). */
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
    /** Absent means 'error'. A warning is reported and never fails compile. */
    severity?: 'error' | 'warning';
}

export interface CompiledFunction {
    ref: FunctionRef;
    /** Absolute path of build/<id>.cjs */
    bundlePath: string;
    /** Bytes. */
    size: number;
    /** From the cache rather than rebuilt. */
    cached: boolean;
    /** Absolute paths of the files its bundle was built from, entry first (what `dev` watches). */
    inputs: string[];
    /** What the manifest says of it; absent only when a written bundle could not be stamped. */
    summary?: FunctionSummary;
}

interface CompileResult {
    ok: boolean;
    functions: CompiledFunction[];
    errors: CompileDiagnostic[];
    warnings: CompileDiagnostic[];
    /** Written to .nango/nango.json when ok. */
    manifest: Manifest;
    durationMs: number;
}

// ---------------------------------------------------------------------------------------------
// Added with the compiler (issue 3). Additive only: the shapes above are the shared contract.
// ---------------------------------------------------------------------------------------------

/**
 * What `module.exports.default` of a bundle holds once it passed validation: the plain object
 * createSync/createAction/createOnEvent return. Schemas are zod 4 schemas (Ferry's own zod).
 */
export interface FunctionDefinition {
    type: 'sync' | 'action' | 'onEvent';
    description: string;
    version?: string;
    exec: (...args: any[]) => unknown;
    // sync
    frequency?: string;
    models?: Record<string, unknown>;
    endpoints?: Endpoint[];
    autoStart?: boolean;
    syncType?: 'full' | 'incremental';
    trackDeletes?: boolean;
    webhookSubscriptions?: string[];
    onWebhook?: (...args: any[]) => unknown;
    // action
    endpoint?: Endpoint;
    input?: unknown;
    output?: unknown;
    // on-event
    event?: OnEventName;
    // common
    scopes?: string[];
    metadata?: unknown;
    checkpoint?: unknown;
    [key: string]: unknown;
}

/** One function bundled by `bundleFunctions`. */
export interface BundledFunction {
    ref: FunctionRef;
    /** The CommonJS bundle (inline source map included). */
    code: string;
    /** Absolute paths of every project file in its source graph (from esbuild's metafile), entry first. */
    inputs: string[];
}

export interface BundleOutput {
    /** Empty when `errors` is not: one esbuild build either succeeds for every function or not at all. */
    bundles: BundledFunction[];
    errors: CompileDiagnostic[];
    warnings: CompileDiagnostic[];
}

/** What the on-event part of a function looks like in the cache and to deploy. */
export interface ManifestOnEvent {
    type: 'onEvent';
    name: string;
    description: string;
    event: OnEventName;
    version: string;
}

/** Everything compile learned about one valid function: enough to build the manifest without re-evaluating it. */
export interface FunctionSummary {
    /** FunctionRef.id */
    id: string;
    integration: string;
    name: string;
    entry: ManifestSync | ManifestAction | ManifestOnEvent;
    /** What compile warned about this function; kept with the summary so a cached function still says it. */
    warnings?: CompileDiagnostic[];
}

type CompileStage = 'load' | 'typecheck' | 'bundle' | 'validate' | 'write';

export interface CompileProgress {
    stage: CompileStage;
    /** Human text, e.g. "bundling 12 functions". */
    message: string;
    /** Set when the stage finished. */
    durationMs?: number;
}

export interface CompileOptions {
    /** Where to look for the project (the nearest folder up with index.ts and .nango/). */
    cwd: string;
    /** Run the TypeScript type-check (default true). */
    typecheck?: boolean;
    /** Reuse unchanged functions from the previous compile (default true). */
    cache?: boolean;
    onProgress?: (event: CompileProgress) => void;
    /** Another compile of the project holds its lock: called once when this one starts waiting. */
    onWait?: (holderPid: number) => void;
}

interface TypecheckSummary {
    ran: boolean;
    /** Skipped because no file the type-check reads changed since the last clean check. */
    cached: boolean;
    durationMs: number;
}

/** CompileResult plus what only the compiler knows; returned by compileProject. */
export interface ProjectCompileResult extends CompileResult {
    root: string;
    typecheck: TypecheckSummary;
    /** Bundles deleted because their function left index.ts. */
    removed: string[];
    manifestPath: string;
}

/** One function after evaluation: its summary when it is valid, else why not. */
export interface AnalyzedFunction {
    ref: FunctionRef;
    bundle: BundledFunction;
    summary?: FunctionSummary;
    diagnostics: CompileDiagnostic[];
}
