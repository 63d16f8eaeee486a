/**
 * The `nango` object a function's `exec` receives, as interfaces: every public member of Nango's
 * NangoAction / NangoSync (test/unit/sdk-conformance.test.ts keeps the two lists equal). The
 * runtime (dryrun, test replay, the platform) provides the implementation; these types are what
 * user code is checked against.
 *
 * Generic parameters are value types, not zod schemas, so helpers can be annotated by hand
 * (`nango: NangoSync<{ Issue: Issue }>`) and a bare `NangoSync` accepts any function's object.
 */
import type { ActionError } from './action-error.js';
import type { z } from 'zod';
import type { AbortSignalLike, FetchResponse, NangoResponse, ProxyConfiguration, UncontrolledFetchOptions } from './http.js';

/** A checkpoint is a flat object of strings, numbers and booleans. */
export type CheckpointValue = Record<string, string | number | boolean | undefined>;

/** Model name -> record type, e.g. `{ GithubIssue: { id: string; title: string } }`. */
export type RecordsByModel = Record<string, any>;

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** `nango.setLogger`: logs below this level are dropped; `off` drops all and cannot be undone. */
export interface SdkLogger {
    level: LogLevel | 'off';
}

export type ScriptType = 'function' | 'sync' | 'action' | 'webhook' | 'on-event';

/** Checks the platform applies to a run (`ferry dryrun --validate` turns them all on). */
export interface RunnerFlags {
    validateActionInput: boolean;
    validateActionOutput: boolean;
    validateSyncRecords: boolean;
    validateSyncMetadata: boolean;
    exportRunnerTelemetry: boolean;
}

export interface TelemetryBag {
    customLogs: number;
    proxyCalls: number;
    durationMs: number;
    memoryGb: number;
}

/** A sync to start or trigger: its name, or its name and variant. */
export type SyncRef = string | { name: string; variant: string };

/** How `triggerSync` runs the sync: a full resync, or incremental (`true` is the legacy full resync). */
export type SyncMode = 'incremental' | 'full_refresh' | 'full_refresh_and_clear_cache' | boolean;

/** A record that failed its model's schema, as `validateRecords` reports it. */
export interface RecordValidationError {
    data: any;
    validation: { instancePath: string; message: string; [key: string]: unknown }[];
}

/** Pass as the last argument of `nango.log` to set the level. */
export interface LogOptions {
    level: LogLevel;
}

/** A connection as the platform describes it. Provider credentials never reach a dry run. */
export interface NangoConnection {
    id?: number;
    connection_id: string;
    provider_config_key: string;
    provider: string;
    metadata: Record<string, any> | null;
    connection_config: Record<string, any>;
    credentials?: Record<string, any>;
    created_at?: string;
    updated_at?: string;
    [key: string]: any;
}

export interface NangoIntegration {
    unique_key: string;
    provider: string;
    display_name?: string;
    logo?: string;
    created_at?: string;
    updated_at?: string;
    [key: string]: any;
}

export interface EnvironmentVariable {
    name: string;
    value: string;
}

export type MergingStrategy = 'ignore_if_modified_after' | 'override';

/** Platform bookkeeping attached to records read back from the cache. */
export interface RecordMetadata {
    first_seen_at: string;
    last_modified_at: string;
    last_action: 'ADDED' | 'UPDATED' | 'DELETED';
    deleted_at: string | null;
    cursor: string;
}

export interface RecordPage<T> {
    records: (T & { _nango_metadata: RecordMetadata })[];
    next_cursor: string | null;
}

/** A record for `batchUpdate` / `batchDelete`: its `id`, plus any fields to change. */
export type PartialRecord<T> = T extends { id: infer Id } ? { id: Id } & Partial<T> : Partial<T>;

type ModelName<TModels> = Extract<keyof TModels, string>;

/** What actions, syncs and on-event handlers all get. */
export interface NangoAction<TMetadata = Record<string, any>, TCheckpoint = CheckpointValue> {
    /** The connection this run is for. */
    readonly connectionId: string;
    /** The integration id (first folder of the function's path). */
    readonly providerConfigKey: string;
    /** The provider behind the integration, e.g. `github`. */
    readonly provider?: string;

    /** The platform's Node client in Nango's runner. Ferry gives functions none: its methods throw. */
    nango: Record<string, any>;
    logger: SdkLogger;
    activityLogId: string;
    syncId?: string;
    /** The connection's numeric id on the platform. */
    nangoConnectionId?: number;
    environmentId: number;
    environmentName?: string;
    /** Set for sync runs. */
    syncJobId?: number;
    abortSignal?: AbortSignalLike;
    syncConfig?: Record<string, any>;
    runnerFlags: RunnerFlags;
    scriptType: ScriptType;
    lifecycle?: { interruptAfter: Date; killAfter: Date } | undefined;
    /** True when run by a CLI (a dry run or a test), not by the platform. */
    isCLI: boolean | undefined;
    accountId: number;
    integrationConfig?: Record<string, any>;
    telemetryBag: TelemetryBag;

    /** Throw `new nango.ActionError(payload)` to fail an action with a payload for the caller. */
    readonly ActionError: typeof ActionError;

    /** Any provider call; `method` defaults to GET. */
    proxy<T = any>(config: ProxyConfiguration): Promise<NangoResponse<T>>;
    get<T = any>(config: Omit<ProxyConfiguration, 'method'>): Promise<NangoResponse<T>>;
    post<T = any>(config: Omit<ProxyConfiguration, 'method'>): Promise<NangoResponse<T>>;
    put<T = any>(config: Omit<ProxyConfiguration, 'method'>): Promise<NangoResponse<T>>;
    patch<T = any>(config: Omit<ProxyConfiguration, 'method'>): Promise<NangoResponse<T>>;
    delete<T = any>(config: Omit<ProxyConfiguration, 'method'>): Promise<NangoResponse<T>>;
    /**
     * Pages of records, one array per provider response: `for await (const page of nango.paginate(...))`.
     * `config.paginate` is merged over the provider's default pagination.
     */
    paginate<T = any>(config: ProxyConfiguration): AsyncGenerator<T[], undefined, void>;
    /** The config `proxy` sends: method GET by default, this integration's key, the SDK's user agent. */
    getProxyConfig(config: ProxyConfiguration): ProxyConfiguration & { method: string; providerConfigKey: string; headers: Record<string, string> };
    /**
     * A plain HTTP call outside the proxy: no credentials, no retries. For resources unrelated to
     * the connection (a file behind a signed URL). Dry runs record it; replays answer it from the fixture.
     */
    uncontrolledFetch(options: UncontrolledFetchOptions): Promise<FetchResponse>;

    getConnection(
        providerConfigKeyOverride?: string,
        connectionIdOverride?: string,
        options?: { refreshToken?: boolean; refreshGithubAppJwtToken?: boolean; forceRefresh?: boolean }
    ): Promise<NangoConnection>;
    getToken(): Promise<string | Record<string, any>>;
    getIntegration(config?: { include?: ('webhook' | 'credentials')[] }): Promise<NangoIntegration>;
    getWebhookURL(): Promise<string | null | undefined>;
    /** `base` unless the run is for a variant of the sync. */
    getVariant(): string;
    /** The sync job's attributes; throws outside a sync run. */
    getFlowAttributes<A = object>(): A | null;

    /** The connection's metadata, typed by the function's `metadata` schema. */
    getMetadata<T = TMetadata>(): Promise<T>;
    /** Replaces the connection's metadata (a dry run only reports it, and later reads see it). */
    setMetadata(metadata: TMetadata): Promise<NangoResponse<Record<string, any>>>;
    /** Merges into the connection's metadata. */
    updateMetadata(metadata: Partial<TMetadata>): Promise<NangoResponse<Record<string, any>>>;
    /** @deprecated Use `setMetadata`: this replaces the whole metadata with `fieldMapping`. */
    setFieldMapping(fieldMapping: Record<string, string>): Promise<NangoResponse<object>>;
    /** @deprecated Use `getMetadata`: this reads the metadata's `fieldMapping` key, or `{}`. */
    getFieldMapping(): Promise<Record<string, string>>;

    /** The checkpoint saved by the previous run, or null; typed by the function's `checkpoint` schema. */
    getCheckpoint<T = TCheckpoint>(): Promise<T | null>;
    saveCheckpoint(checkpoint: TCheckpoint): Promise<void>;
    clearCheckpoint(): Promise<void>;

    /** Logs every argument; a last argument `{ level: 'warn' }` sets the level (default info). */
    log(...args: unknown[]): Promise<void>;
    /** Sets the lowest level logged; once `off`, it stays off. */
    setLogger(logger: SdkLogger): void;

    getEnvironmentVariables(): Promise<EnvironmentVariable[] | null>;
    /** Runs another action (a dry run only reports it and resolves to undefined). */
    triggerAction<In = unknown, Out = any>(providerConfigKey: string, connectionId: string, actionName: string, input?: In): Promise<Out>;
    /** Asks the platform to run a sync now (a dry run only reports it). */
    triggerSync(providerConfigKey: string, connectionId: string, sync: SyncRef, syncMode?: SyncMode): Promise<void | string>;
    /** Starts the schedules of syncs (a dry run only reports it). */
    startSync(providerConfigKey: string, syncs: SyncRef[], connectionId?: string): Promise<void>;
    /**
     * Parses `input` with the schema; on failure logs each issue at level error and throws an
     * ActionError `{ message: 'Invalid input provided' }`.
     */
    zodValidateInput<T = any, Z = any>(args: { zodSchema: z.ZodType<Z>; input: T }): Promise<z.ZodSafeParseSuccess<Z>>;

    /** True when the lock was free (or expired); held until `ttlMs` passes, it is released, or the run ends. */
    tryAcquireLock(args: { key: string; ttlMs: number }): Promise<boolean>;
    /** True when this run held the lock. */
    releaseLock(args: { key: string }): Promise<boolean>;
    releaseAllLocks(): Promise<void>;
}

/** What a sync gets: the common object plus the records API, checked against `models`. */
export interface NangoSync<TModels extends RecordsByModel = RecordsByModel, TMetadata = Record<string, any>, TCheckpoint = CheckpointValue>
    extends NangoAction<TMetadata, TCheckpoint> {
    /** When the previous successful run of this sync started; undefined on the first run. */
    readonly lastSyncDate?: Date;
    /** The sync variant this run is for (`base` unless the sync has variants). */
    readonly variant: string;
    /** The definition's (deprecated) `trackDeletes`. */
    track_deletes: boolean;
    emptyCache: boolean;
    /** The model's name as the records cache knows it: `Model`, or `Model::variant`. */
    modelFullName(model: string): string;

    /** Saves (creates or updates) records of one model; each needs a unique `id`. */
    batchSave<K extends ModelName<TModels>>(records: TModels[K][], model: K): Promise<boolean>;
    /** Updates fields of records that exist; each needs its `id`. */
    batchUpdate<K extends ModelName<TModels>>(records: PartialRecord<TModels[K]>[], model: K): Promise<boolean>;
    /** Marks records as deleted; only `id` is needed. */
    batchDelete<K extends ModelName<TModels>>(records: PartialRecord<TModels[K]>[], model: K): Promise<boolean>;
    /** @deprecated Use `batchSave`. */
    batchSend<K extends ModelName<TModels>>(records: TModels[K][], model: K): Promise<boolean | null>;

    /** Records of the cache by id; the map's keys are the ids as given. */
    getRecordsByIds<K extends ModelName<TModels>, Id extends string | number = string>(ids: Id[], model: K): Promise<Map<Id, TModels[K]>>;
    /** Every record of the model in the cache, one at a time: `for await (const r of nango.listRecords('Model'))`. */
    listRecords<K extends ModelName<TModels>>(model: K, options?: { cursor?: string }): AsyncGenerator<TModels[K] & { _nango_metadata?: RecordMetadata }>;

    /** Starts tracking deletions: records not saved before `trackDeletesEnd` are marked deleted. */
    trackDeletesStart<K extends ModelName<TModels>>(model: K): Promise<void>;
    trackDeletesEnd<K extends ModelName<TModels>>(model: K): Promise<{ deletedKeys: string[] }>;
    /** @deprecated Use `trackDeletesStart` / `trackDeletesEnd`. */
    deleteRecordsFromPreviousExecutions<K extends ModelName<TModels>>(model: K): Promise<{ deletedKeys: string[] }>;

    /** The records that fail the model's schema, each with its errors (all of them, or the first with --validate). */
    validateRecords(model: string, records: unknown[]): RecordValidationError[];
    /** The records without the cache's `_nango_metadata` field (removed in place, as Nango does). */
    removeMetadata<T extends object>(results: T[]): T[];

    setMergingStrategy<K extends ModelName<TModels>>(merging: { strategy: MergingStrategy }, model: K): Promise<void>;
}
