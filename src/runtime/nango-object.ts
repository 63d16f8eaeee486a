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
import { logEntry, validationErrors, type DefinitionLike, type NangoContext, type NangoState, type Realm, type RunConnection, type WorkerHost } from './nango-context.js';
import type { CallRequest, JobSpec } from './protocol.js';
import type { LogLevel, WouldBeWrite } from './types.js';
import type { ValidationIssue } from './run-types.js';
import { describeIssue } from './validation.js';

const LEVEL_RANK: Record<LogLevel | 'off', number> = { debug: 0, info: 1, warn: 2, error: 3, off: 4 };

interface NangoHandle {
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
