/**
 * `runFunction`'s options and result (run.ts), shared by live dry runs, replays (`test`) and
 * `ferry serve`'s runs; the transport and record contracts they use are in types.ts.
 */
import type { Connection, HttpTransport, LogEntry, ModelRecords, ProxyRequest, ProxyResponse, RequestReport, WouldBeWrite } from './types.js';

export type FunctionKind = 'sync' | 'action' | 'onEvent';

/** Provider defaults from the catalog (src/providers/catalog.ts), as the runtime needs them. */
export interface ProviderDefaults {
    name: string;
    /** e.g. https://api.github.com; may contain `${connectionConfig.x}` placeholders. */
    baseUrl?: string;
    /** Default pagination, merged under the function's `paginate` config. */
    paginate?: Record<string, unknown>;
    retry?: {
        /** Headers carrying the time (epoch seconds or an HTTP date) when the rate limit resets. */
        at?: string[];
        /** Headers carrying the seconds to wait. */
        after?: string[];
        /** Header carrying the requests left in the window. */
        remaining?: string;
        /** Status codes (or `5xx`) that mean "rate limited" for this provider when a reset header is present. */
        errorCodes?: string[];
    };
    decompress?: boolean;
}

/** Injectable time, so replays never wait and tests control backoff. */
export interface RetryClock {
    now(): number;
    sleep(ms: number): Promise<void>;
    /** In [0, 1); the jitter source. */
    random(): number;
}

export interface RetrySettings {
    clock?: Partial<RetryClock>;
    /** Backoff base (first retry waits up to this); default 500 ms. */
    baseDelayMs?: number;
    /** Longest single backoff when the server gave no hint; default 30 s. */
    maxBackoffMs?: number;
    /** A server asking to wait longer than this makes the call fail instead; default 120 s. */
    maxWaitMs?: number;
}

/**
 * What the runtime asks the platform outside /proxy: environment variables, the records cache,
 * the connection's token. Live: src/platform/runtime-api.ts. Replay: answer from the fixture or
 * leave a method out (the function then gets a clear error).
 */
export interface RuntimeBackend {
    getEnvironmentVariables?(): Promise<{ name: string; value: string }[] | null>;
    listRecords?(model: string, options: { cursor?: string | null; limit?: number; variant?: string }): Promise<{ records: unknown[]; next_cursor: string | null }>;
    getRecordsByIds?(model: string, ids: (string | number)[], variant?: string): Promise<unknown[]>;
    /** The provider credentials: only when the function calls getToken(); never recorded. */
    getToken?(): Promise<string | Record<string, unknown>>;
}

/** Where `--out` streams records. `write` resolves once the line is accepted (backpressure). */
export interface RecordSink {
    write(event: RecordEvent): Promise<void> | void;
    /** When present, each batch comes whole here instead of record by record (ferry serve writes a batch in one transaction). */
    writeBatch?(model: string, operation: RecordOperation, records: Record<string, unknown>[]): Promise<void>;
}

export type RecordOperation = 'save' | 'update' | 'delete';

export interface RecordEvent {
    model: string;
    op: RecordOperation;
    record: unknown;
}

/** A field that failed its schema: where (`Issue[3].title`), what, and the record's id when known. */
export interface ValidationIssue {
    /** batchSave/batchUpdate/batchDelete, input, output, metadata, checkpoint */
    subject: 'batchSave' | 'batchUpdate' | 'batchDelete' | 'input' | 'output' | 'metadata' | 'checkpoint';
    model?: string;
    recordId?: string;
    /** e.g. `title` or `labels.0.name`; empty for the root. */
    path: string;
    message: string;
    /** What to do about it, when the runtime can tell (e.g. which metadata to pass). */
    hint?: string;
}

export interface RunError {
    /**
     * exception: the function threw; action_error: it threw an ActionError (payload in
     * RunResult.actionError); timeout; validation: an action input that fails its schema (the
     * function is not run), or --validate and an issue; invalid_function: the
     * bundle is not a definition of the expected type; http: an uncaught provider error.
     */
    kind: 'exception' | 'action_error' | 'timeout' | 'out_of_memory' | 'validation' | 'invalid_function' | 'http' | 'internal';
    message: string;
    /** Stack mapped back to the .ts sources through the bundle's inline source map. */
    stack?: string;
    /** For kind http: the provider's answer. */
    response?: ProxyResponse;
}

export interface RunEvent {
    type: 'request' | 'log' | 'warning';
    request?: RequestReport;
    log?: LogEntry;
    warning?: string;
}

/** One finished exchange, in order: what `--save` turns into the fixture's `api` section. */
export interface RecordedExchange {
    request: ProxyRequest;
    response: ProxyResponse;
}

export interface RunOptions {
    /** The CommonJS bundle with an inline source map, as `bundleFunctions` produces it. */
    code: string;
    /** The bundle's file name, used in stacks (e.g. /project/build/github_syncs_issues.cjs). */
    filename: string;
    /** The function being run (src/project/types.ts FunctionRef, or just these fields). */
    ref: { integration: string; name: string; type: FunctionKind };
    /** One attempt per send: live, the platform's /proxy; in replay, the fixture. */
    transport: HttpTransport;
    /**
     * Where `nango.uncontrolledFetch` goes (one attempt, the URL as the request's endpoint): live,
     * straight to the URL from the main thread; in replay, the fixture. Absent: the call fails.
     */
    fetchTransport?: HttpTransport;
    connection: Connection;
    /** The integration as the platform describes it (getIntegration); optional. */
    integration?: Record<string, unknown>;
    /** Provider defaults; when undefined, loaded from the catalog by connection.provider. Null: none. */
    provider?: ProviderDefaults | null;
    backend?: RuntimeBackend;
    input?: unknown;
    /** Overrides the connection's metadata for getMetadata. */
    metadata?: Record<string, unknown> | null;
    checkpoint?: Record<string, unknown> | null;
    lastSyncDate?: Date;
    /**
     * Freeze the function's clock at this instant: Date, Date.now, performance.now and Intl's "now"
     * only move when the function's own timers fire, by their delay (replays; dryrun --save).
     */
    now?: Date;
    variant?: string;
    /** The platform environment of a live run (`nango.environmentName`). */
    environment?: string;
    /**
     * Validation issues make the run fail (error.kind 'validation') instead of warnings. An
     * action input the platform would refuse fails the run either way, before exec; a field whose
     * type JSON cannot hold (a date-time string for z.date()) is only a warning, as on the platform.
     */
    validate?: boolean;
    /**
     * Run an action on its input even when the platform would refuse it (a replay gives the
     * function the input it was recorded with); the mismatch stays a validation warning.
     */
    runAnyInput?: boolean;
    /** Called (and awaited) on each saveCheckpoint / clearCheckpoint (null): ferry serve keeps it at once, as Nango does. */
    onCheckpoint?: (checkpoint: Record<string, unknown> | null) => Promise<void> | void;
    /** setMetadata / updateMetadata (merge), awaited: ferry serve writes the connection's metadata at once, as Nango does. */
    onMetadata?: (metadata: Record<string, unknown> | null, merge: boolean) => Promise<void> | void;
    /** trackDeletesStart / trackDeletesEnd, awaited: ferry serve marks the records deleted at the end and answers their ids. */
    onTrackDeletes?: (model: string, phase: 'start' | 'end') => Promise<string[] | undefined> | string[] | undefined;
    /** A sync only: run its onWebhook(nango, payload) with this payload instead of exec (dryrun --webhook). */
    webhookPayload?: unknown;
    /** Stop the function after this long (the worker is terminated). */
    timeoutMs?: number;
    /** Every record write is streamed here. */
    recordSink?: RecordSink;
    /**
     * Keep every record (de-duplicated by id) in RunResult.saved/updated/deleted: needed for
     * --save and for `test` comparisons. Off with --out so memory stays bounded.
     */
    keepRecords?: boolean;
    /** Records per model kept in ModelRecords.first; default 10. */
    firstN?: number;
    /** Keep every exchange in RunResult.exchanges (for --save). */
    recordExchanges?: boolean;
    retry?: RetrySettings;
    /** Called as things happen (requests, logs, warnings), for live printing. */
    onEvent?: (event: RunEvent) => void;
    /** Reuse a sandbox (worker) across runs; one is created and closed per run otherwise. */
    sandbox?: import('./sandbox.js').Sandbox;
    /** Log entries kept in RunResult.logs (the rest are counted in logsDropped); default 1000. */
    maxLogs?: number;
    /** Validation issues kept in RunResult.validation (the rest are counted); default 1000. */
    maxIssues?: number;
}

export interface RunResult {
    /** No error and, with validate, no validation issue. */
    ok: boolean;
    type: FunctionKind;
    function: string;
    integration: string;
    connectionId: string;
    /** Action output (undefined for syncs and on-event handlers). */
    output?: unknown;
    /** The payload of an ActionError the function threw. */
    actionError?: unknown;
    records: Record<string, ModelRecords>;
    /** Only with keepRecords: every record, de-duplicated by id (last write wins), in first-seen order. */
    saved?: Record<string, unknown[]>;
    updated?: Record<string, unknown[]>;
    deleted?: Record<string, unknown[]>;
    writes: WouldBeWrite[];
    /** The checkpoint at the end (null when none or cleared). */
    checkpoint: Record<string, unknown> | null;
    /** Whether the sync declares a checkpoint schema (so "no checkpoint at the end" says something). */
    checkpointDeclared?: boolean;
    /** The metadata getMetadata returned first (for fixtures). */
    metadata: Record<string, unknown> | null;
    logs: LogEntry[];
    /** Log entries not kept in `logs` (over the cap); they were still reported through onEvent. */
    logsDropped: number;
    requests: RequestReport[];
    validation: ValidationIssue[];
    /** Validation issues beyond maxIssues: counted, not kept nor reported one by one. */
    validationDropped?: number;
    /** Only with recordExchanges. */
    exchanges?: RecordedExchange[];
    error?: RunError;
    durationMs: number;
}
