/**
 * `createFunction`: Nango's experimental trigger-agnostic function (also exported by
 * 'nango/experimental'). Ferry accepts the definition and types it; its runtime does not run it
 * (it is neither a sync, an action nor an on-event handler), as Nango marks it not production ready.
 */
import type { z } from 'zod';
import type { AnySchema, CheckpointSchema, OnEventName, ZodModels } from './definitions.js';
import type { NangoAction, NangoSync } from './nango.js';

export interface FunctionCapabilities {
    usesRecords: boolean;
    usesOutbound: boolean;
    usesCheckpoints: boolean;
    usesMetadata: boolean;
    usesInvoke: boolean;
}

export type DebounceKeySource = { body: string } | { header: string };

export interface DebounceOptions {
    keyBy?: DebounceKeySource | DebounceKeySource[] | undefined;
    windowMs: number;
    maxEntities?: number | undefined;
    take?: 'latest' | 'first' | 'all' | undefined;
}

/** How a function is started: never from outside, on a schedule, by HTTP, or by a lifecycle event. */
export type FunctionTriggerDefinition =
    | { kind: 'none' }
    | { kind: 'schedule'; frequency: string; autoStart?: boolean | undefined }
    | { kind: 'http'; subscriptions?: string[] | undefined; debounce?: DebounceOptions | undefined }
    | { kind: 'event'; events: OnEventName[] };

export type FunctionRequires =
    | { connection?: true | undefined; outbound?: boolean | undefined; invoke?: boolean | undefined }
    | { connection: false; outbound?: false | undefined; invoke?: boolean | undefined };

export type FunctionConcurrencyLimit = 1 | 'max';

interface TriggerBase {
    connection?: { connectionId: string; integrationId: string };
}

/** What `exec` receives as its second argument, by trigger kind. */
export type FunctionTrigger<TTrigger extends FunctionTriggerDefinition | undefined, TInput> = TTrigger extends { kind: 'schedule' }
    ? TriggerBase & { kind: 'schedule'; input: null }
    : TTrigger extends { kind: 'http' }
      ? TriggerBase & {
            kind: 'http';
            input: TTrigger extends { debounce: { take: 'all' } } ? TInput[] : TInput;
            request: { method: string; path: string; headers: Record<string, string>; query: Record<string, string>; body: unknown };
            subscriptions?: string[];
            coalesced?: { count: number; firstSeenAt: string; lastSeenAt: string };
        }
      : TTrigger extends { kind: 'event' }
        ? TriggerBase & { kind: 'event'; input: { event: OnEventName } }
        : TriggerBase & { kind: 'invoke'; input: TInput };

export interface CreateFunctionProps<
    TModels extends ZodModels = Record<never, AnySchema>,
    TInput extends AnySchema = z.ZodVoid,
    TOutput extends AnySchema = z.ZodVoid,
    TMetadata extends AnySchema | undefined = undefined,
    TCheckpoint extends CheckpointSchema | undefined = undefined,
    TTrigger extends FunctionTriggerDefinition | undefined = undefined,
    TRequires extends FunctionRequires = { outbound: true; connection: true }
> {
    description: string;
    input?: TTrigger extends { kind: 'schedule' } | { kind: 'event' } ? never : TInput;
    output?: TOutput;
    data?: TRequires extends { connection: false } ? never : { models?: TModels; metadata?: TMetadata; checkpoint?: TCheckpoint };
    trigger?: TTrigger;
    requires?: TRequires;
    limits?: { concurrency?: { perConnection?: TTrigger extends { kind: 'schedule' } ? 1 : FunctionConcurrencyLimit } };
    exec: (nango: NangoSync<any, any, any> & NangoAction<any, any>, trigger: FunctionTrigger<TTrigger, z.output<TInput>>) => Promise<z.output<TOutput>> | z.output<TOutput>;
}

export interface CreateFunctionResponse<
    TModels extends ZodModels = Record<never, AnySchema>,
    TInput extends AnySchema = z.ZodVoid,
    TOutput extends AnySchema = z.ZodVoid,
    TMetadata extends AnySchema | undefined = undefined,
    TCheckpoint extends CheckpointSchema | undefined = undefined,
    TTrigger extends FunctionTriggerDefinition | undefined = undefined,
    TRequires extends FunctionRequires = { outbound: true; connection: true }
> extends CreateFunctionProps<TModels, TInput, TOutput, TMetadata, TCheckpoint, TTrigger, TRequires> {
    type: 'function';
    capabilities: FunctionCapabilities;
}

/** What a definition's data and requirements let it use at run time. */
export function deriveFunctionCapabilities(params: { data?: { models?: ZodModels; metadata?: unknown; checkpoint?: unknown } | undefined; requires?: FunctionRequires | undefined }): FunctionCapabilities {
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

export function createFunction<
    TModels extends ZodModels = Record<never, AnySchema>,
    TInput extends AnySchema = z.ZodVoid,
    TOutput extends AnySchema = z.ZodVoid,
    TMetadata extends AnySchema | undefined = undefined,
    TCheckpoint extends CheckpointSchema | undefined = undefined,
    TTrigger extends FunctionTriggerDefinition | undefined = undefined,
    TRequires extends FunctionRequires = { outbound: true; connection: true }
>(
    params: CreateFunctionProps<TModels, TInput, TOutput, TMetadata, TCheckpoint, TTrigger, TRequires>
): CreateFunctionResponse<TModels, TInput, TOutput, TMetadata, TCheckpoint, TTrigger, TRequires> {
    return { type: 'function', ...params, capabilities: deriveFunctionCapabilities(params as Parameters<typeof deriveFunctionCapabilities>[0]) };
}
