/**
 * The `nango` object a function's `exec` receives (reference §3), as interfaces. The runtime
 * (dryrun, test replay, the platform) provides the implementation; these types are what user
 * code is checked against.
 *
 * Generic parameters are value types, not zod schemas, so helpers can be annotated by hand
 * (`nango: NangoSync<{ Issue: Issue }>`) and a bare `NangoSync` accepts any function's object.
 */
import type { ActionError } from './action-error.js';
import type { NangoResponse, ProxyConfiguration } from './http.js';

/** A checkpoint is a flat object of strings, numbers and booleans. */
export type CheckpointValue = Record<string, string | number | boolean | undefined>;

/** Model name -> record type, e.g. `{ GithubIssue: { id: string; title: string } }`. */
export type RecordsByModel = Record<string, any>;

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

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

    getConnection(providerConfigKeyOverride?: string, connectionIdOverride?: string): Promise<NangoConnection>;
    getToken(): Promise<string | Record<string, any>>;
    getIntegration(config?: { include?: ('webhook' | 'credentials')[] }): Promise<NangoIntegration>;
    getWebhookURL(): Promise<string | null | undefined>;

    /** The connection's metadata, typed by the function's `metadata` schema. */
    getMetadata<T = TMetadata>(): Promise<T>;
    setMetadata(metadata: TMetadata): Promise<void>;
    updateMetadata(metadata: Partial<TMetadata>): Promise<void>;

    /** The checkpoint saved by the previous run, or null; typed by the function's `checkpoint` schema. */
    getCheckpoint<T = TCheckpoint>(): Promise<T | null>;
    saveCheckpoint(checkpoint: TCheckpoint): Promise<void>;
    clearCheckpoint(): Promise<void>;

    /** Logs every argument; a last argument `{ level: 'warn' }` sets the level (default info). */
    log(...args: unknown[]): Promise<void>;

    getEnvironmentVariables(): Promise<EnvironmentVariable[] | null>;
    triggerAction<In = unknown, Out = any>(providerConfigKey: string, connectionId: string, actionName: string, input?: In): Promise<Out>;
}

/** What a sync gets: the common object plus the records API, checked against `models`. */
export interface NangoSync<TModels extends RecordsByModel = RecordsByModel, TMetadata = Record<string, any>, TCheckpoint = CheckpointValue>
    extends NangoAction<TMetadata, TCheckpoint> {
    /** When the previous successful run of this sync started; undefined on the first run. */
    readonly lastSyncDate?: Date;
    /** The sync variant this run is for (`base` unless the sync has variants). */
    readonly variant: string;

    /** Saves (creates or updates) records of one model; each needs a unique `id`. */
    batchSave<K extends ModelName<TModels>>(records: TModels[K][], model: K): Promise<boolean>;
    /** Updates fields of records that exist; each needs its `id`. */
    batchUpdate<K extends ModelName<TModels>>(records: PartialRecord<TModels[K]>[], model: K): Promise<boolean>;
    /** Marks records as deleted; only `id` is needed. */
    batchDelete<K extends ModelName<TModels>>(records: PartialRecord<TModels[K]>[], model: K): Promise<boolean>;

    getRecordsByIds<K extends ModelName<TModels>, Id extends string | number = string>(ids: Id[], model: K): Promise<Map<Id, TModels[K]>>;
    listRecords<K extends ModelName<TModels>>(model: K, options?: { cursor?: string | null; limit?: number }): Promise<RecordPage<TModels[K]>>;

    /** Starts tracking deletions: records not saved before `trackDeletesEnd` are marked deleted. */
    trackDeletesStart<K extends ModelName<TModels>>(model: K): Promise<void>;
    trackDeletesEnd<K extends ModelName<TModels>>(model: K): Promise<void>;
    /** @deprecated Use `trackDeletesStart` / `trackDeletesEnd`. */
    deleteRecordsFromPreviousExecutions<K extends ModelName<TModels>>(model: K): Promise<void>;

    setMergingStrategy<K extends ModelName<TModels>>(merging: { strategy: MergingStrategy }, model: K): Promise<void>;
}
