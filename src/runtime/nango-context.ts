/**
 * What the groups of `nango` members share (nango-object.ts builds the object from them): the
 * function's realm, the way to the main thread, the run's state, and the helpers that make values
 * in the function's realm. Kept apart from nango-object.ts so the member files need not import it.
 */
import type { CallRequest, JobNotice, JobSpec } from './protocol.js';
import type { LogLevel, WouldBeWrite } from './types.js';
import type { ValidationIssue } from './run-types.js';

/** Constructors of the function's vm context: values made with these pass `instanceof` there. */
export interface Realm {
    JSON: JSON;
    Error: ErrorConstructor;
    Date: DateConstructor;
    Map: MapConstructor;
    ActionError: new (payload: unknown) => Error;
}

export interface WorkerHost {
    call(call: CallRequest): Promise<unknown>;
    post(message: JobNotice): void;
}

/** The parts of a definition the object needs. */
export interface DefinitionLike {
    models?: Record<string, unknown>;
    metadata?: unknown;
    checkpoint?: unknown;
    trackDeletes?: unknown;
}

/** Errors the runtime made, so the run can tell them from the function's own. */
export const httpErrors = new WeakSet<object>();
export const validationErrors = new WeakSet<object>();

export interface NangoState {
    checkpointJson: string;
    metadataJson: string;
    /** JSON of the first getMetadata answer. */
    firstMetadataJson?: string;
    issues: number;
    issuesDropped: number;
    firstIssue?: string;
}

export interface RunConnection extends Record<string, unknown> {
    connection_id: string;
    provider_config_key: string;
    provider: string;
}

/** What every group of members shares: the job, the realm, the way to the main thread. */
export interface NangoContext {
    job: JobSpec;
    definition: DefinitionLike;
    realm: Realm;
    host: WorkerHost;
    state: NangoState;
    connection: RunConnection;
    providerConfigKey: string;
    /** An Error of the function's realm. */
    fail(message: string): Error;
    /** A call to the main thread; its failures reach the function as errors of its own realm. */
    call(request: CallRequest): Promise<unknown>;
    backend(method: Extract<CallRequest, { op: 'backend' }>['method'], args: unknown[]): Promise<unknown>;
    /** Counts an issue and reports it (up to job.maxIssues); `index` places it in its batch. */
    report(issue: ValidationIssue, index?: number): void;
    /** The error --validate throws for an issue. */
    validationFailure(message: string): Error;
    /** A log line at this level, unless the function's logger level drops it. */
    log(level: LogLevel, args: unknown[]): Promise<void>;
    /** A write a dry run does not send, reported. */
    write(kind: WouldBeWrite['kind'], args: unknown): void;
    /** Counters Nango keeps in `telemetryBag`. */
    telemetry: { customLogs: number; proxyCalls: number; durationMs: number; memoryGb: number };
    logger: { level: LogLevel | 'off' };
}

export function toRealm<T>(realm: Realm, value: unknown): T {
    return (value === undefined ? undefined : realm.JSON.parse(JSON.stringify(value))) as T;
}

function formatLogArg(arg: unknown): string {
    if (typeof arg === 'string') return arg;
    if (arg && typeof arg === 'object' && 'message' in arg && 'stack' in arg) {
        const error = arg as Error;
        return `${error.name ?? 'Error'}: ${error.message}`;
    }
    if (arg === undefined || typeof arg === 'function' || typeof arg === 'symbol' || typeof arg === 'bigint') return String(arg);
    try {
        return JSON.stringify(arg) ?? String(arg);
    } catch {
        return String(arg);
    }
}

export function logEntry(level: LogLevel, args: unknown[]): { level: LogLevel; message: string; time: string } {
    return { level, message: args.map(formatLogArg).join(' '), time: new Date().toISOString() };
}
