/**
 * `nango/experimental` when the project has no `nango` package installed: the same two exports
 * the nango package's experimental entry has (`createFunction`, `deriveFunctionCapabilities`),
 * with the same results, and declarations the type-check maps the specifier to. With `nango`
 * installed, the project's own package is used for both (platform-require.ts, typecheck-config.ts).
 */

export interface FunctionCapabilities {
    usesRecords: boolean;
    usesCheckpoints: boolean;
    usesMetadata: boolean;
    usesOutbound: boolean;
    usesInvoke: boolean;
}

interface FunctionParams {
    data?: { models?: Record<string, unknown>; metadata?: unknown; checkpoint?: unknown } | undefined;
    requires?: { connection?: boolean; outbound?: boolean; invoke?: boolean } | undefined;
}

/** What a function needs from the platform, read from its definition. */
export function deriveFunctionCapabilities(params: FunctionParams): FunctionCapabilities {
    const models = params.data?.models;
    // Without a connection there is nothing to proxy through.
    const connectionLess = params.requires?.connection === false;
    return {
        usesRecords: !!models && Object.keys(models).length > 0,
        usesCheckpoints: !!params.data?.checkpoint,
        usesMetadata: !!params.data?.metadata,
        usesOutbound: !connectionLess && params.requires?.outbound !== false,
        usesInvoke: params.requires?.invoke === true
    };
}

export function createFunction<T extends FunctionParams>(params: T): T & { type: 'function'; capabilities: FunctionCapabilities } {
    return { type: 'function', ...params, capabilities: deriveFunctionCapabilities(params) };
}

/** The module a bundle's `require('nango/experimental')` gets. */
export const NANGO_EXPERIMENTAL_MODULE = Object.freeze({ createFunction, deriveFunctionCapabilities });

/** File name of the declarations in the type-check's cache folder. */
export const NANGO_EXPERIMENTAL_DECLARATIONS_FILE = 'nango-experimental.d.ts';

/**
 * Declarations of the module for the type-check (written to the cache folder: they import 'zod'
 * and 'nango', which the generated tsconfig maps to the project's zod and Ferry's SDK).
 */
export const NANGO_EXPERIMENTAL_DECLARATIONS = `// Written by Ferry: the types of 'nango/experimental' for a project without the nango package.
import type * as z from 'zod';
import type { NangoSync } from 'nango';

export interface FunctionCapabilities { usesRecords: boolean; usesOutbound: boolean; usesCheckpoints: boolean; usesMetadata: boolean; usesInvoke: boolean }
export type FunctionRequires =
    | { connection?: true | undefined; outbound?: boolean | undefined; invoke?: boolean | undefined }
    | { connection: false; outbound?: false | undefined; invoke?: boolean | undefined };
export type DebounceKeySource = { body: string } | { header: string };
export interface DebounceOptions { keyBy?: DebounceKeySource | DebounceKeySource[] | undefined; windowMs: number; maxEntities?: number | undefined; take?: 'latest' | 'first' | 'all' | undefined }
export type FunctionTriggerDefinition =
    | { kind: 'none' }
    | { kind: 'schedule'; frequency: string; autoStart?: boolean | undefined }
    | { kind: 'http'; subscriptions?: string[] | undefined; debounce?: DebounceOptions | undefined }
    | { kind: 'event'; events: string[] };
type TriggerBase = { connection?: { connectionId: string; integrationId: string } };
export type HttpRequest = { method: string; path: string; headers: Record<string, string>; query: Record<string, string>; body: unknown };
export type Trigger<TTrigger, TInput> = TTrigger extends { kind: 'schedule' }
    ? TriggerBase & { kind: 'schedule'; input: null }
    : TTrigger extends { kind: 'http' }
      ? TriggerBase & { kind: 'http'; input: TTrigger extends { debounce: { take: 'all' } } ? TInput[] : TInput; request: HttpRequest; subscriptions?: string[]; coalesced?: { count: number; firstSeenAt: string; lastSeenAt: string } }
      : TTrigger extends { kind: 'event' }
        ? TriggerBase & { kind: 'event'; input: { event: string } }
        : TriggerBase & { kind: 'invoke'; input: TInput };
type Models = Record<string, z.ZodObject<any>>;
type Optional = z.ZodType | undefined;
type Infer<T> = T extends z.ZodType ? z.infer<T> : never;
export type FunctionNango<TModels extends Models, TMetadata extends Optional> = NangoSync<{ [K in keyof TModels]: z.infer<TModels[K]> }, TMetadata extends z.ZodType ? Infer<TMetadata> : Record<string, any>>;
export interface CreateFunctionProps<TModels extends Models = Record<never, z.ZodObject<any>>, TInput extends z.ZodType = z.ZodVoid, TOutput extends z.ZodType = z.ZodVoid, TMetadata extends Optional = undefined, TCheckpoint extends Optional = undefined, TTrigger extends FunctionTriggerDefinition | undefined = undefined, TRequires extends FunctionRequires = { outbound: true; connection: true }> {
    description: string;
    input?: TTrigger extends { kind: 'schedule' } | { kind: 'event' } ? never : TInput;
    output?: TOutput;
    data?: TRequires extends { connection: false } ? never : { models?: TModels; metadata?: TMetadata; checkpoint?: TCheckpoint };
    trigger?: TTrigger;
    requires?: TRequires;
    limits?: { concurrency?: { perConnection?: TTrigger extends { kind: 'schedule' } ? 1 : 1 | 'max' } };
    exec: (nango: FunctionNango<TModels, TMetadata>, trigger: Trigger<TTrigger, z.infer<TInput>>) => z.infer<TOutput> | Promise<z.infer<TOutput>>;
}
export interface CreateFunctionResponse<TModels extends Models = Record<never, z.ZodObject<any>>, TInput extends z.ZodType = z.ZodVoid, TOutput extends z.ZodType = z.ZodVoid, TMetadata extends Optional = undefined, TCheckpoint extends Optional = undefined, TTrigger extends FunctionTriggerDefinition | undefined = undefined, TRequires extends FunctionRequires = { outbound: true; connection: true }>
    extends CreateFunctionProps<TModels, TInput, TOutput, TMetadata, TCheckpoint, TTrigger, TRequires> {
    type: 'function';
    capabilities: FunctionCapabilities;
}
export declare function createFunction<TModels extends Models = Record<never, z.ZodObject<any>>, TInput extends z.ZodType = z.ZodVoid, TOutput extends z.ZodType = z.ZodVoid, TMetadata extends Optional = undefined, TCheckpoint extends Optional = undefined, TTrigger extends FunctionTriggerDefinition | undefined = undefined, TRequires extends FunctionRequires = { outbound: true; connection: true }>(
    params: CreateFunctionProps<TModels, TInput, TOutput, TMetadata, TCheckpoint, TTrigger, TRequires>
): CreateFunctionResponse<TModels, TInput, TOutput, TMetadata, TCheckpoint, TTrigger, TRequires>;
export declare function deriveFunctionCapabilities(params: { data?: { models?: Record<string, z.ZodType>; metadata?: z.ZodType; checkpoint?: z.ZodType } | undefined; requires?: FunctionRequires | undefined }): FunctionCapabilities;
`;
