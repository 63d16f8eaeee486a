/**
 * Messages between the main thread (transport, backend, record sink, clock) and the worker that
 * runs a function. Everything here is structured-cloneable. Values that must become objects of the
 * function's own realm (response bodies, records, connection...) travel as JSON text, so the
 * worker parses them with the function's `JSON` and `instanceof Array` keeps working in user code.
 */
import type { LogEntry, ProxyRequest, WouldBeWrite } from './types.js';
import type { FunctionKind, ProviderDefaults, RecordOperation, ValidationIssue } from './run-types.js';

/** What the worker is given at start (its process.env is empty). */
export interface WorkerData {
    /** The folder for the code cache of Ferry's bundled zod (see compiler/vendored-zod.ts). */
    codeCacheDir: string;
    /** The process's heap limit in MB; its binary data (ArrayBuffer, Buffer) is held to it too. */
    heapMb: number;
}

/** Everything the worker needs to run one function. */
export interface JobSpec {
    code: string;
    filename: string;
    ref: { integration: string; name: string; type: FunctionKind };
    /** JSON of the connection without credentials. */
    connectionJson: string;
    /** JSON of the integration (getIntegration), or null. */
    integrationJson: string | null;
    provider: ProviderDefaults | null;
    /** JSON of the action input; undefined when none was given. */
    inputJson?: string;
    /** JSON of the metadata getMetadata starts from. */
    metadataJson: string;
    checkpointJson: string;
    lastSyncDate?: number;
    /** Epoch ms the function's clock is frozen at (clock.ts); undefined: real time. */
    now?: number;
    variant: string;
    /** RunOptions.environment. */
    environment?: string;
    validate: boolean;
    /** RunOptions.runAnyInput: an input the platform would refuse is only a warning. */
    runAnyInput?: boolean;
    /** JSON of a webhook payload: the sync's onWebhook runs with it instead of exec. */
    webhookJson?: string;
    /** Validation issues reported one by one before the rest are only counted. */
    maxIssues: number;
}

/** A body as it crosses threads: JSON text when it is JSON, else the value itself (text, bytes). */
export type WireBody = { json: string } | { raw: unknown } | { none: true };

interface WireResponse {
    status: number;
    headers: Record<string, string>;
    body: WireBody;
}

export type CallRequest =
    | { op: 'proxy'; request: ProxyRequest }
    /**
     * nango.uncontrolledFetch: the URL is the request's endpoint; answered through
     * RunOptions.fetchTransport with a ProxyReply, or `{ refused: { code, message } }` when the URL
     * is not allowed (the function then gets an ActionError of that payload, as on Nango).
     */
    | { op: 'fetch'; request: ProxyRequest }
    | { op: 'records'; model: string; operation: RecordOperation; json: string; count: number }
    | { op: 'backend'; method: 'getEnvironmentVariables' | 'listRecords' | 'getRecordsByIds' | 'getToken'; args: unknown[] }
    /** Answered once the main thread has handled every earlier message: backpressure for logs. */
    | { op: 'flush' }
    /** saveCheckpoint / clearCheckpoint ('null'): answered once RunOptions.onCheckpoint has kept it. */
    | { op: 'checkpoint'; json: string }
    /** trackDeletesStart / trackDeletesEnd: the ids RunOptions.onTrackDeletes marked deleted (end), else null. */
    | { op: 'trackDeletes'; model: string; phase: 'start' | 'end' }
    /** setMetadata (merge false) / updateMetadata (merge true): answered once RunOptions.onMetadata has kept it. */
    | { op: 'metadata'; merge: boolean; json: string };

export interface ProxyReply {
    response: WireResponse;
    attempts: number;
}

/**
 * Worker -> main. `job` is the run's number: a function can leave work behind (an un-awaited
 * promise) that speaks after its run ended, and that must never reach the next run's handlers.
 */
export type WorkerMessage =
    | { t: 'call'; job: number; id: number; call: CallRequest }
    | { t: 'log'; job: number; entry: LogEntry }
    | { t: 'issue'; job: number; issue: ValidationIssue; text: string }
    | { t: 'write'; job: number; write: WouldBeWrite }
    | { t: 'done'; job: number; outcome: JobOutcome }
    /** The worker has the job: the time limit counts from here, not from the process's start-up. */
    | { t: 'started'; job: number };

/** What the nango object posts; the worker adds the run's number. */
export type JobNotice = { t: 'log'; entry: LogEntry } | { t: 'issue'; issue: ValidationIssue; text: string } | { t: 'write'; write: WouldBeWrite };

/** Main -> worker. */
export type MainMessage =
    | { t: 'run'; job: JobSpec; jobId: number }
    | { t: 'reply'; id: number; ok: true; value: unknown }
    | { t: 'reply'; id: number; ok: false; error: { message: string; name?: string } };

export interface WireError {
    kind: 'exception' | 'action_error' | 'validation' | 'invalid_function' | 'http' | 'internal';
    message: string;
    stack?: string;
    response?: { status: number; headers: Record<string, string>; data: unknown };
}

/** What the worker reports when the function has finished (or failed). */
export interface JobOutcome {
    /** JSON of the action output; undefined when there is none. */
    outputJson?: string;
    actionErrorJson?: string;
    error?: WireError;
    checkpointJson: string;
    /** JSON of what getMetadata first returned, or undefined when it was never called. */
    metadataJson?: string;
    /** Issues beyond maxIssues, counted only. */
    issuesDropped: number;
    /** Models the sync declares, so every one appears in the counts. */
    models: string[];
    /** Whether the sync declares a checkpoint schema. */
    checkpointDeclared?: boolean;
    /** The worker may still be running the function's leftovers: do not reuse it. */
    retire?: boolean;
}
