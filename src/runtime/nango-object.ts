/**
 * The `nango` object a function's exec receives, built inside the worker: every public member of
 * Nango's NangoAction / NangoSync, with Nango's semantics (test/unit/sdk-conformance.test.ts
 * checks the list against the pinned `nango` package). Provider calls, record batches and backend
 * reads go to the main thread through `host.call` (where the transport, retries, record sink and
 * backend live); logs, validation issues and would-be writes are one-way messages. A dry run is
 * dry: metadata writes, triggerAction/triggerSync/startSync and deletion tracking are only
 * reported. Values handed to user code are made in the function's own realm.
 *
 * The members live by subject: nango-http.ts (proxy, paginate, uncontrolledFetch),
 * nango-records.ts (batchSave and the records cache), nango-connection.ts (connection, metadata,
 * checkpoint), nango-platform.ts (logs, locks, triggers, the run's properties).
 */
import { connectionMembers } from './nango-connection.js';
import { httpMembers } from './nango-http.js';
import { platformMembers, platformProperties } from './nango-platform.js';
import { recordMembers } from './nango-records.js';
import type { CallRequest, JobNotice, JobSpec } from './protocol.js';
import type { LogLevel, ValidationIssue, WouldBeWrite } from './types.js';
import { describeIssue } from './validation.js';

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

export function formatLogArg(arg: unknown): string {
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

const LEVEL_RANK: Record<LogLevel | 'off', number> = { debug: 0, info: 1, warn: 2, error: 3, off: 4 };

export interface NangoHandle {
    nango: Record<string, unknown>;
    /** Counts an issue and reports it (up to job.maxIssues); `index` places it in its batch. */
    report(issue: ValidationIssue, index?: number): void;
}

function createContext(job: JobSpec, definition: DefinitionLike, realm: Realm, host: WorkerHost, state: NangoState): NangoContext {
    const connection = JSON.parse(job.connectionJson) as RunConnection;
    const fail = (message: string): Error => new realm.Error(message);
    const call = async (request: CallRequest): Promise<unknown> => {
        try {
            return await host.call(request);
        } catch (error) {
            throw fail((error as Error)?.message ?? String(error));
        }
    };
    let logsSinceFlush = 0;
    const ctx: NangoContext = {
        job,
        definition,
        realm,
        host,
        state,
        connection,
        providerConfigKey: connection.provider_config_key || job.ref.integration,
        fail,
        call,
        backend: (method, args) => call({ op: 'backend', method, args }),
        report(issue, index) {
            state.issues++;
            const text = describeIssue(issue, index);
            state.firstIssue ??= text;
            if (state.issues > job.maxIssues) {
                state.issuesDropped++;
                return;
            }
            host.post({ t: 'issue', issue, text });
        },
        validationFailure(message) {
            const error = fail(message);
            error.name = 'ValidationError';
            validationErrors.add(error);
            return error;
        },
        async log(level, args) {
            if (LEVEL_RANK[level] < LEVEL_RANK[ctx.logger.level]) return;
            ctx.telemetry.customLogs++;
            host.post({ t: 'log', entry: logEntry(level, args) });
            // Logs are one-way; a function logging in a tight loop waits now and then for the main
            // thread to catch up instead of queueing messages without bound.
            if (++logsSinceFlush >= 500) {
                logsSinceFlush = 0;
                await call({ op: 'flush' });
            }
        },
        write(kind, args) {
            host.post({ t: 'write', write: { kind, args: args === undefined ? null : JSON.parse(JSON.stringify(args)) } });
        },
        telemetry: { customLogs: 0, proxyCalls: 0, durationMs: 0, memoryGb: 1 },
        // As Nango's CLI runs functions: every level shown.
        logger: { level: 'debug' }
    };
    return ctx;
}

export function createNango(job: JobSpec, definition: DefinitionLike, realm: Realm, host: WorkerHost, state: NangoState): NangoHandle {
    const ctx = createContext(job, definition, realm, host, state);
    const nango: Record<string, unknown> = {};
    const methods = { ...httpMembers(ctx, nango), ...connectionMembers(ctx), ...recordMembers(ctx), ...platformMembers(ctx, nango) };
    Object.assign(nango, platformProperties(ctx), methods);
    return { nango, report: ctx.report };
}
