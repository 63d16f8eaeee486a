/**
 * The SDK functions import: `import { createSync, createAction, createOnEvent } from 'ferry'`
 * (or from 'nango'): every name the `nango` package exports, and Ferry's own. At run time each
 * create* only tags the definition with its type, exactly like the shim compile bundles into each
 * function (src/sdk/shim-source.ts); the value of this module is its types. It imports nothing at
 * run time and must never import the CLI.
 */
import type { FunctionTriggerDefinition } from './function.js';
import type {
    ActionDefinition,
    AnySchema,
    CheckpointSchema,
    CreateActionProps,
    CreateOnEventProps,
    CreateSyncProps,
    OnEventDefinition,
    SyncDefinition,
    ZodModels
} from './definitions.js';

export { ActionError } from './action-error.js';
export { createFunction, deriveFunctionCapabilities } from './function.js';
export type {
    CreateFunctionProps,
    CreateFunctionResponse,
    DebounceKeySource,
    DebounceOptions,
    FunctionCapabilities,
    FunctionConcurrencyLimit,
    FunctionRequires,
    FunctionTrigger,
    FunctionTriggerDefinition
} from './function.js';

export function createSync<
    TModels extends ZodModels,
    TMetadata extends AnySchema | undefined = undefined,
    TCheckpoint extends CheckpointSchema | undefined = undefined
>(props: CreateSyncProps<TModels, TMetadata, TCheckpoint>): SyncDefinition<TModels, TMetadata, TCheckpoint> {
    return { type: 'sync', ...props };
}

export function createAction<
    TInput extends AnySchema,
    TOutput extends AnySchema,
    TMetadata extends AnySchema | undefined = undefined,
    TCheckpoint extends CheckpointSchema | undefined = undefined
>(props: CreateActionProps<TInput, TOutput, TMetadata, TCheckpoint>): ActionDefinition<TInput, TOutput, TMetadata, TCheckpoint> {
    return { type: 'action', ...props };
}

export function createOnEvent<TMetadata extends AnySchema | undefined = undefined, TCheckpoint extends CheckpointSchema | undefined = undefined>(
    props: CreateOnEventProps<TMetadata, TCheckpoint>
): OnEventDefinition<TMetadata, TCheckpoint> {
    return { type: 'onEvent', ...props };
}

/** Any definition a function file may export by default. */
export type CreateAnyResponse =
    | SyncDefinition<any, any, any>
    | ActionDefinition<any, any, any, any>
    | OnEventDefinition<any, any>
    | import('./function.js').CreateFunctionResponse<any, any, any, any, any, FunctionTriggerDefinition | undefined, any>;

export type {
    ActionDefinition,
    ActionNango,
    AnySchema,
    CheckpointOf,
    CheckpointSchema,
    CreateActionProps,
    CreateActionResponse,
    CreateOnEventProps,
    CreateOnEventResponse,
    CreateSyncProps,
    CreateSyncResponse,
    MetadataOf,
    NangoSyncEndpoint,
    OnEventDefinition,
    OnEventName,
    RecordsOf,
    SyncDefinition,
    SyncNango,
    ZodModels
} from './definitions.js';
export type {
    CursorPagination,
    HttpMethod,
    LinkPagination,
    NangoResponse,
    OffsetPagination,
    Pagination,
    PageState,
    PaginationCommon,
    ParamValue,
    ProxyConfiguration,
    RetryHeaderConfig,
    UncontrolledFetchOptions
} from './http.js';
export type {
    CheckpointValue,
    EnvironmentVariable,
    LogLevel,
    LogOptions,
    MergingStrategy,
    NangoAction,
    NangoConnection,
    NangoIntegration,
    NangoSync,
    PartialRecord,
    RecordMetadata,
    RecordPage,
    RecordsByModel,
    RecordValidationError,
    RunnerFlags,
    ScriptType,
    SdkLogger,
    SyncMode,
    SyncRef,
    TelemetryBag
} from './nango.js';
