/**
 * What users pass to createSync / createAction / createOnEvent, and what they get
 * back. The zod schemas they declare flow into the `nango` object's types: `models` types
 * `batchSave`, `input`/`output` type an action's `exec`, `metadata` and `checkpoint` type their
 * getters. Types only.
 */
import type { z } from 'zod';
import type { CheckpointValue, NangoAction, NangoSync } from './nango.js';
import type { HttpMethod } from './http.js';

/**
 * Any zod 4 schema. Constraints use zod's core type rather than the classic `AnySchema`: relating a
 * schema to the core type is far cheaper for the type-checker (half the time and memory of
 * `ferry compile`'s type-check on large projects), and every schema users write satisfies it.
 */
export type AnySchema = z.core.$ZodType;

/** `models: { GithubIssue: z.object({...}) }`: names match `^[A-Z][a-zA-Z0-9_]+$`. */
export type ZodModels = Record<string, AnySchema>;

/** A flat object schema of strings, numbers and booleans. */
export type CheckpointSchema = z.core.$ZodType<CheckpointValue>;

/** Model name -> record type for a `models` object. */
export type RecordsOf<TModels extends ZodModels> = { [K in keyof TModels]: z.output<TModels[K]> };

/** The metadata value type, or a loose object when the function declares no schema. */
export type MetadataOf<TSchema> = TSchema extends AnySchema ? z.output<TSchema> : Record<string, any>;

/** The checkpoint value type, or any flat object when the function declares no schema. */
export type CheckpointOf<TSchema> = TSchema extends AnySchema ? z.output<TSchema> : CheckpointValue;

export interface NangoSyncEndpoint {
    method: HttpMethod;
    path: string;
    group?: string;
}

export type OnEventName = 'post-connection-creation' | 'pre-connection-deletion' | 'validate-connection';

/** The `nango` object of a sync declared with these schemas. */
export type SyncNango<TModels extends ZodModels, TMetadata, TCheckpoint> = NangoSync<
    RecordsOf<TModels>,
    MetadataOf<TMetadata>,
    CheckpointOf<TCheckpoint>
>;

/** The `nango` object of an action or on-event handler declared with these schemas. */
export type ActionNango<TMetadata, TCheckpoint> = NangoAction<MetadataOf<TMetadata>, CheckpointOf<TCheckpoint>>;

interface CommonProps<TMetadata extends AnySchema | undefined, TCheckpoint extends CheckpointSchema | undefined> {
    /** One sentence: shown in the platform's dashboard. */
    description: string;
    /** Semantic version stamped on deploy. */
    version?: string;
    /** The connection metadata this function reads, e.g. `z.object({ repo: z.string() })`. */
    metadata?: TMetadata;
    /** What the function saves between runs with `saveCheckpoint`: a flat object. */
    checkpoint?: TCheckpoint;
    /** OAuth scopes the function needs. */
    scopes?: string[];
}

export interface CreateSyncProps<
    TModels extends ZodModels,
    TMetadata extends AnySchema | undefined = undefined,
    TCheckpoint extends CheckpointSchema | undefined = undefined
> extends CommonProps<TMetadata, TCheckpoint> {
    /** How often it runs: 'every hour', 'every 5 minutes', '30m', '1d' (30 seconds to 31 days). */
    frequency: string;
    /** The records it saves, by model name. */
    models: TModels;
    /** Start for every new connection (default true). */
    autoStart?: boolean;
    /** @deprecated Use checkpoints; the platform infers the type. */
    syncType?: 'full' | 'incremental';
    /** @deprecated Call `nango.trackDeletesStart` / `trackDeletesEnd` instead. */
    trackDeletes?: boolean;
    /** @deprecated One endpoint per model, for the platform's records API. */
    endpoints?: NangoSyncEndpoint[];
    /** Webhook types `onWebhook` handles. */
    webhookSubscriptions?: string[];
    exec: (nango: SyncNango<TModels, TMetadata, TCheckpoint>) => Promise<void>;
    onWebhook?: (nango: SyncNango<TModels, TMetadata, TCheckpoint>, payload: any) => Promise<void>;
}

export interface CreateActionProps<
    TInput extends AnySchema,
    TOutput extends AnySchema,
    TMetadata extends AnySchema | undefined = undefined,
    TCheckpoint extends CheckpointSchema | undefined = undefined
> extends CommonProps<TMetadata, TCheckpoint> {
    /** How the platform exposes it, e.g. `{ method: 'POST', path: '/issues' }`. */
    endpoint?: NangoSyncEndpoint;
    /** The input schema: `exec` receives the parsed value. */
    input: TInput;
    /** The output schema: `exec` must return a value of this type. */
    output: TOutput;
    exec: (nango: ActionNango<TMetadata, TCheckpoint>, input: z.output<TInput>) => Promise<z.output<TOutput>>;
}

export interface CreateOnEventProps<
    TMetadata extends AnySchema | undefined = undefined,
    TCheckpoint extends CheckpointSchema | undefined = undefined
> extends CommonProps<TMetadata, TCheckpoint> {
    /** When it runs. */
    event: OnEventName;
    exec: (nango: ActionNango<TMetadata, TCheckpoint>) => Promise<void>;
}

/** What createSync returns: the props with `type: 'sync'`. */
export interface SyncDefinition<
    TModels extends ZodModels = ZodModels,
    TMetadata extends AnySchema | undefined = undefined,
    TCheckpoint extends CheckpointSchema | undefined = undefined
> extends CreateSyncProps<TModels, TMetadata, TCheckpoint> {
    type: 'sync';
}

export interface ActionDefinition<
    TInput extends AnySchema = AnySchema,
    TOutput extends AnySchema = AnySchema,
    TMetadata extends AnySchema | undefined = undefined,
    TCheckpoint extends CheckpointSchema | undefined = undefined
> extends CreateActionProps<TInput, TOutput, TMetadata, TCheckpoint> {
    type: 'action';
}

export interface OnEventDefinition<
    TMetadata extends AnySchema | undefined = undefined,
    TCheckpoint extends CheckpointSchema | undefined = undefined
> extends CreateOnEventProps<TMetadata, TCheckpoint> {
    type: 'onEvent';
}

/** Nango's names for what createSync / createAction / createOnEvent return. */
export type CreateSyncResponse<
    TModels extends ZodModels,
    TMetadata extends AnySchema | undefined = undefined,
    TCheckpoint extends CheckpointSchema | undefined = undefined
> = SyncDefinition<TModels, TMetadata, TCheckpoint>;
export type CreateActionResponse<
    TInput extends AnySchema,
    TOutput extends AnySchema,
    TMetadata extends AnySchema | undefined = undefined,
    TCheckpoint extends CheckpointSchema | undefined = undefined
> = ActionDefinition<TInput, TOutput, TMetadata, TCheckpoint>;
export type CreateOnEventResponse<
    TMetadata extends AnySchema | undefined = undefined,
    TCheckpoint extends CheckpointSchema | undefined = undefined
> = OnEventDefinition<TMetadata, TCheckpoint>;
