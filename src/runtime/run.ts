/**
 * runFunction: runs one compiled function (a sync, an action or an on-event handler) once and
 * reports everything it did. Shared by `ferry dryrun` (live) and `ferry test` (replay).
 *
 *   const result = await runFunction({
 *       code, filename,                      // the CJS bundle with its inline source map (bundleFunctions)
 *       ref: { integration, name, type },    // type: 'sync' | 'action' | 'onEvent'
 *       transport,                           // HttpTransport: one attempt per send (live /proxy, or a fixture)
 *       fetchTransport,                      // nango.uncontrolledFetch: one attempt, the URL as endpoint (live: direct, or a fixture)
 *       connection,                          // what the platform says about it; credentials are dropped
 *       input, metadata, checkpoint, lastSyncDate, variant, validate,
 *       provider,                            // undefined: looked up in the catalog by connection.provider; null: none
 *       backend,                             // getToken / getEnvironmentVariables / listRecords / getRecordsByIds
 *       recordSink, keepRecords, firstN,     // --out streams (awaited: backpressure); keepRecords for --save/test
 *       recordExchanges,                     // every final request+response, for --save (no credential headers)
 *       retry: { clock },                    // replays pass instantClock (retry.ts): no waiting
 *       timeoutMs, onEvent, sandbox
 *   });
 *
 * The function runs in a worker process (sandbox.ts) inside a vm context: no process.env, `require`
 * limited to platform modules. Without `sandbox` a worker is started and stopped for this run.
 * A caller can `createSandbox()` early (the process boots while it bundles and looks the
 * connection up) and pass it; `ferry test` passes one `createSandboxPool()` to many concurrent
 * runs. Whoever creates a sandbox closes it. The transport does one attempt per send (retries,
 * pagination and recording happen here); a transport error with `fatal: true` is not retried and
 * fails the run even if the function catches it (a replay with no recorded answer).
 * Nothing is thrown for the function's own failures: they are `result.error` (kind exception with
 * the stack mapped to .ts lines, action_error, http, validation, timeout, invalid_function).
 * Kept in the result: counts and the first N records per model (all records only with
 * keepRecords), would-be writes, the final checkpoint, up to maxLogs logs, every request report.
 */
import { performance } from 'node:perf_hooks';
import { publicConnection } from '../secrets/credentials.js';
import { withoutSecretHeaders } from '../secrets/names.js';
import { createHttpClient } from './http-client.js';
import type { CallRequest, JobOutcome, JobSpec } from './protocol.js';
import { createRecordCollector } from './records.js';
import { resolveRetry } from './retry.js';
import { createSandbox, type JobHandlers, type JobResult, type Sandbox } from './sandbox.js';
import type { HttpTransport, LogEntry, RequestReport, WouldBeWrite } from './types.js';
import type { ProviderDefaults, RecordedExchange, RunError, RunOptions, RunResult, RuntimeBackend, ValidationIssue } from './run-types.js';

export { createSandbox, createSandboxPool, takeSandbox, type Sandbox } from './sandbox.js';

async function providerFor(options: RunOptions): Promise<ProviderDefaults | null> {
    if (options.provider !== undefined) return options.provider;
    const name = options.connection.provider;
    if (!name) return null;
    try {
        const { getProviderDefaults } = await import('../providers/catalog.js');
        return (await getProviderDefaults(name)) ?? null;
    } catch (error) {
        // Without the catalog the function still runs, only without the provider's defaults.
        options.onEvent?.({ type: 'warning', warning: `the provider catalog could not be read (${(error as Error).message}); running without ${name}'s defaults` });
        return null;
    }
}


const BACKEND_HINT: Record<keyof RuntimeBackend, string> = {
    getToken: 'nango.getToken() is not available in this run: no platform backend provides the connection token',
    getEnvironmentVariables: 'nango.getEnvironmentVariables() is not available in this run: no platform backend provides environment variables',
    listRecords: "nango.listRecords() is not available in this run: no platform backend provides the sync's records",
    getRecordsByIds: "nango.getRecordsByIds() is not available in this run: no platform backend provides the sync's records"
};

const NO_FETCH: HttpTransport = {
    send() {
        return Promise.reject(Object.assign(new Error('nango.uncontrolledFetch() is not available in this run: nothing answers requests outside the proxy'), { fatal: false }));
    }
};

function parseJson<T>(json: string | undefined, fallback: T): T {
    return json === undefined ? fallback : (JSON.parse(json) as T);
}

export async function runFunction(options: RunOptions): Promise<RunResult> {
    const started = performance.now();
    if (options.sandbox) return runIn(options.sandbox, options, started);
    // Started before anything else, so the process boots while the catalog loads.
    const sandbox = createSandbox();
    try {
        return await runIn(sandbox, options, started);
    } finally {
        await sandbox.close();
    }
}

async function runIn(sandbox: Sandbox, options: RunOptions, started: number): Promise<RunResult> {
    const provider = await providerFor(options);
    const state = createRunState(options);
    const ran = await sandbox.run(jobSpecFor(options, provider), runHandlers(options, provider, state), options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {});
    const outcome = 'outcome' in ran ? ran.outcome : undefined;
    if (outcome) for (const model of outcome.models) state.records.declare(model);
    return resultOf(options, state, outcome, runErrorOf(ran, options, state), started);
}

/** What the CLI's side of a run gathers while the function runs. */
interface RunState {
    readonly logs: LogEntry[];
    logsDropped: number;
    readonly requests: RequestReport[];
    readonly validation: ValidationIssue[];
    readonly writes: WouldBeWrite[];
    readonly exchanges: RecordedExchange[] | undefined;
    readonly records: ReturnType<typeof createRecordCollector>;
    /** A transport failure the run cannot be trusted without (the function may have caught it). */
    fatalTransport?: Error;
    /** Records that could not be written: the run's output is incomplete, caught or not. */
    fatalSink?: Error;
}

function createRunState(options: RunOptions): RunState {
    return {
        logs: [],
        logsDropped: 0,
        requests: [],
        validation: [],
        writes: [],
        exchanges: options.recordExchanges ? [] : undefined,
        records: createRecordCollector({ ...(options.recordSink ? { sink: options.recordSink } : {}), ...(options.keepRecords ? { keepRecords: true } : {}), ...(options.firstN !== undefined ? { firstN: options.firstN } : {}) })
    };
}

/** Answers the function's calls (provider requests, records, platform reads) and takes its one-way messages. */
function runHandlers(options: RunOptions, provider: ProviderDefaults | null, state: RunState): JobHandlers {
    const clientOf = (transport: HttpTransport, defaults: ProviderDefaults | null) =>
        createHttpClient({
            transport,
            provider: defaults,
            retry: resolveRetry({ ...options.retry }),
            onRequest: (request) => {
                state.requests.push(request);
                options.onEvent?.({ type: 'request', request });
            },
            onRetry: (warning) => options.onEvent?.({ type: 'warning', warning }),
            ...(state.exchanges ? { onExchange: (exchange: RecordedExchange) => state.exchanges!.push(exchange) } : {}),
            onFatal: (error) => {
                state.fatalTransport ??= error;
            }
        });
    const http = clientOf(options.transport, provider);
    // uncontrolledFetch: no provider defaults and no retries (Nango makes it without), recorded like a proxy call.
    const fetchClient = clientOf(options.fetchTransport ?? NO_FETCH, null);
    const backend = options.backend ?? {};
    const maxLogs = options.maxLogs ?? 1000;
    return {
        async onCall(call: CallRequest) {
            switch (call.op) {
                case 'proxy':
                    return http.send(call.request);
                case 'fetch':
                    try {
                        return await fetchClient.send({ ...call.request, retries: 0 });
                    } catch (error) {
                        // Refused as Nango's runner refuses it: the function gets an ActionError with this payload.
                        if (error && typeof error === 'object' && 'refusal' in error) return { refused: (error as { refusal: unknown }).refusal };
                        throw error;
                    }
                case 'records':
                    try {
                        return await state.records.add(call.model, call.operation, call.json);
                    } catch (error) {
                        state.fatalSink ??= error instanceof Error ? error : new Error(String(error));
                        throw state.fatalSink;
                    }
                case 'flush':
                    return undefined;
                case 'metadata':
                    await options.onMetadata?.(JSON.parse(call.json) as Record<string, unknown> | null, call.merge);
                    return undefined;
                case 'trackDeletes':
                    return (await options.onTrackDeletes?.(call.model, call.phase)) ?? null;
                case 'checkpoint':
                    await options.onCheckpoint?.(JSON.parse(call.json) as Record<string, unknown> | null);
                    return undefined;
                case 'backend': {
                    const method = backend[call.method] as ((...args: unknown[]) => Promise<unknown>) | undefined;
                    if (typeof method !== 'function') throw new Error(BACKEND_HINT[call.method]);
                    return method.apply(backend, call.args);
                }
            }
        },
        onMessage(message) {
            if (message.t === 'log') {
                if (state.logs.length < maxLogs) state.logs.push(message.entry);
                else state.logsDropped++;
                options.onEvent?.({ type: 'log', log: message.entry });
            } else if (message.t === 'issue') {
                state.validation.push(message.issue);
                options.onEvent?.({ type: 'warning', warning: message.text });
            } else {
                state.writes.push(message.write);
            }
        }
    };
}

function jobSpecFor(options: RunOptions, provider: ProviderDefaults | null): JobSpec {
    const metadata = options.metadata !== undefined ? options.metadata : (options.connection.metadata ?? null);
    return {
        code: options.code,
        filename: options.filename,
        ref: { integration: options.ref.integration, name: options.ref.name, type: options.ref.type },
        connectionJson: JSON.stringify(publicConnection(options.connection)),
        integrationJson: options.integration ? JSON.stringify(options.integration) : null,
        provider,
        ...(options.input !== undefined ? { inputJson: JSON.stringify(options.input) } : {}),
        metadataJson: JSON.stringify(metadata ?? null),
        checkpointJson: JSON.stringify(options.checkpoint ?? null),
        ...(options.lastSyncDate ? { lastSyncDate: options.lastSyncDate.getTime() } : {}),
        ...(options.now ? { now: options.now.getTime() } : {}),
        variant: options.variant ?? 'base',
        ...(options.environment ? { environment: options.environment } : {}),
        validate: options.validate === true,
        ...(options.runAnyInput ? { runAnyInput: true } : {}),
        ...(options.webhookPayload !== undefined ? { webhookJson: JSON.stringify(options.webhookPayload) } : {}),
        maxIssues: options.maxIssues ?? 1000
    };
}

/** Why the run failed, if it did: the worker's end, the function's own error, then what the CLI's side saw. */
function runErrorOf(ran: JobResult, options: RunOptions, state: RunState): RunError | undefined {
    let error: RunError | undefined;
    if ('timedOut' in ran) error = { kind: 'timeout', message: `the function did not finish within ${formatMs(options.timeoutMs ?? 0)} and was stopped` };
    else if ('crashed' in ran) {
        if (ran.outOfMemoryMb !== undefined) error = { kind: 'out_of_memory', message: `the function ran out of memory (its limit is ${ran.outOfMemoryMb} MB) and was stopped` };
        else if (ran.exitCode !== undefined) error = { kind: 'exception', message: `the function ended the process it runs in (exit code ${ran.exitCode}): return from exec, or throw an error, instead of calling process.exit` };
        else error = { kind: 'internal', message: `the function's worker stopped unexpectedly: ${ran.crashed}` };
    } else if (ran.outcome.error) {
        const own: RunError = { ...ran.outcome.error };
        // The result is printed (and put in --json): a provider's set-cookie or key echo must not be.
        if (own.response) own.response = { ...own.response, headers: withoutSecretHeaders(own.response.headers) };
        error = own;
    }
    if (state.fatalTransport) error = { kind: 'http', message: state.fatalTransport.message };
    if (state.fatalSink) error = { kind: 'internal', message: `records could not be written: ${state.fatalSink.message}` };
    return error;
}

function resultOf(options: RunOptions, state: RunState, outcome: JobOutcome | undefined, error: RunError | undefined, started: number): RunResult {
    const result: RunResult = {
        ok: false,
        type: options.ref.type,
        function: options.ref.name,
        integration: options.ref.integration,
        connectionId: options.connection.connection_id,
        records: state.records.counts(),
        writes: state.writes,
        checkpoint: outcome ? parseJson(outcome.checkpointJson, null) : (options.checkpoint ?? null),
        ...(outcome?.checkpointDeclared ? { checkpointDeclared: true } : {}),
        metadata: parseJson(outcome?.metadataJson, null),
        logs: state.logs,
        logsDropped: state.logsDropped,
        requests: state.requests,
        validation: state.validation,
        durationMs: Math.round(performance.now() - started)
    };
    if (outcome?.outputJson !== undefined) result.output = JSON.parse(outcome.outputJson);
    if (outcome?.actionErrorJson !== undefined) result.actionError = JSON.parse(outcome.actionErrorJson);
    if (outcome && outcome.issuesDropped > 0) result.validationDropped = outcome.issuesDropped;
    const kept = state.records.kept();
    if (kept) Object.assign(result, kept);
    if (state.exchanges) result.exchanges = state.exchanges;
    if (error) result.error = error;
    result.ok = !error && !(options.validate && state.validation.length > 0);
    return result;
}

function formatMs(ms: number): string {
    return ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
