/**
 * Runs a deployed function (its stored bundle) for one connection in the same sandboxed runtime as
 * `ferry dryrun`: its own worker thread and a time limit, its provider and platform calls sent to
 * this server's own API (/proxy adds the credentials), so the function never holds them. Runs
 * share a bound on how many go at once (--concurrency); each has a time limit (--run-timeout) and
 * a heap limit (--run-memory), so one that hangs or exhausts its memory fails alone. Every run is
 * recorded (runs-store.ts) with its logs. The runtime loads with the first run.
 */
import { ExitCode } from '../errors.js';
import type { Connection, HttpTransport } from '../runtime/types.js';
import type { RunOptions, RunResult } from '../runtime/run-types.js';
import type { ServeContext } from './context.js';
import type { FunctionRow } from './functions-store.js';
import type { ModelResult } from './runs-store.js';
import type { ConnectionRow, IntegrationRow } from './store.js';

export interface RunLimits {
    /** Runs at once; the others wait their turn. */
    concurrency: number;
    timeoutMs: number;
    /** The function's heap (and binary data) limit, in MB. */
    memoryMb: number;
}

export const DEFAULT_RUN_LIMITS: RunLimits = { concurrency: 4, timeoutMs: 5 * 60 * 1000, memoryMb: 512 };
let limits: RunLimits = { ...DEFAULT_RUN_LIMITS };
let running = 0;
const waiting: (() => void)[] = [];

/** Set by the server on start (flags of `ferry serve`). */
export function setRunLimits(next: Partial<RunLimits>): void {
    limits = { ...limits, ...next };
}

export function runLimits(): RunLimits {
    return limits;
}

async function slot<T>(run: () => Promise<T>): Promise<T> {
    if (running >= limits.concurrency) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
        return await run();
    } finally {
        running--;
        waiting.shift()?.();
    }
}

export interface RunExtras extends Pick<RunOptions, 'webhookPayload' | 'keepRecords' | 'recordSink' | 'checkpoint' | 'onCheckpoint' | 'onTrackDeletes' | 'lastSyncDate'> {
    /** A sync's scheduled or triggered run: its schedule and mode (INCREMENTAL, FULL, WEBHOOK), kept with the run. */
    sync?: { id: number; mode: string };
    /** When the function has finished and before the run is recorded: what it changed, per model. */
    settle?: (result: RunResult) => Promise<Record<string, ModelResult>>;
}

export async function runDeployed(
    ctx: ServeContext,
    fn: FunctionRow,
    connection: ConnectionRow,
    integration: IntegrationRow,
    input?: unknown,
    /** e.g. a provider webhook's payload for a sync's onWebhook, with its records kept. */
    extra: RunExtras = {}
): Promise<RunResult> {
    const { sync, settle, ...options } = extra;
    const [{ runFunction, createSandbox }, { createProxyTransport }, { PlatformClient }, { platformBackend }, { publicConnection }, runs] = await Promise.all([
        import('../runtime/run.js'),
        import('../dryrun/proxy-transport.js'),
        import('../platform/client.js'),
        import('../platform/connections.js'),
        import('../secrets/credentials.js'),
        import('./runs-store.js')
    ]);
    const client = new PlatformClient({ host: ctx.url, secretKey: ctx.secretKey, exitCode: ExitCode.Failure });
    const { credentials: _never, ...withoutCredentials } = connection;
    const view = publicConnection({ ...withoutCredentials, provider: integration.provider, metadata: connection.metadata });
    const folder = fn.type === 'on-event' ? 'on-events' : `${fn.type}s`;
    try {
        return await slot(async () => {
            const runId = await runs.startRun(ctx.storage, { type: fn.type, name: fn.name, provider_config_key: fn.provider_config_key, connection_id: connection.connection_id, sync_id: sync?.id ?? null, mode: sync?.mode ?? (options.webhookPayload !== undefined ? 'WEBHOOK' : null) });
            const sandbox = createSandbox({ maxHeapMb: limits.memoryMb });
            let result: RunResult | undefined;
            let changes: Record<string, ModelResult> = {};
            try {
                result = await runFunction({
                    code: fn.js,
                    filename: `${fn.provider_config_key}_${folder}_${fn.name}.cjs`,
                    ref: { integration: fn.provider_config_key, name: fn.name, type: fn.type === 'on-event' ? 'onEvent' : fn.type },
                    transport: ownConnectionOnly(createProxyTransport({ client, connection: view }), view),
                    connection: view,
                    backend: platformBackend(client, view),
                    ...(fn.type === 'action' ? { input } : {}),
                    environment: ctx.environment,
                    timeoutMs: limits.timeoutMs,
                    sandbox,
                    // As on Nango, any function's setMetadata / updateMetadata changes the connection at once.
                    onMetadata: async (metadata, merge) => {
                        await ctx.storage.query(`update ferry_connections set metadata = ${merge ? 'metadata || ' : ''}$2::jsonb, updated_at = now() where id = $1`, [connection.id, JSON.stringify(metadata ?? {})]);
                    },
                    ...options
                });
                if (settle) changes = await settle(result);
                return result;
            } finally {
                await sandbox.close();
                const error = result?.error ? { type: result.error.kind, message: result.error.message } : result ? null : { type: 'internal', message: 'the run could not finish' };
                await runs
                    .finishRun(ctx.storage, runId, { status: result?.ok ? 'SUCCESS' : 'ERROR', durationMs: result?.durationMs ?? 0, result: changes, error, logs: result?.logs ?? [], logsDropped: result?.logsDropped ?? 0 })
                    .catch((failure: unknown) => ctx.log(`run ${runId} could not be recorded: ${(failure as Error)?.message ?? String(failure)}`));
            }
        });
    } finally {
        await client.close();
    }
}

/**
 * A deployed function's provider calls use its own connection only: one naming another connection
 * or integration (which /proxy, called with the server's key, would serve) fails the run.
 */
function ownConnectionOnly(transport: HttpTransport, connection: Connection): HttpTransport {
    return {
        send(request) {
            const other = (request.connectionId !== undefined && request.connectionId !== connection.connection_id) || (request.providerConfigKey !== undefined && request.providerConfigKey !== connection.provider_config_key);
            if (!other) return transport.send(request);
            const error = new Error(`a function run on ${connection.provider_config_key}/${connection.connection_id} may not use another connection's credentials (${request.providerConfigKey ?? connection.provider_config_key}/${request.connectionId ?? connection.connection_id})`);
            return Promise.reject(Object.assign(error, { fatal: true }));
        }
    };
}

/** Nango's error body for a failed action run. */
export function actionFailure(result: RunResult): { error: { message: string; code: string; payload: unknown } } {
    if (result.error?.kind === 'action_error') {
        const payload = result.actionError ?? {};
        return { error: { message: `The action script failed with an error: ${JSON.stringify(payload)}`, code: 'action_script_failure', payload } };
    }
    return { error: { message: 'The action script failed with a runtime error', code: 'action_script_runtime_error', payload: { message: result.error?.message ?? 'failed' } } };
}

export type OnEvent = 'post-connection-creation' | 'pre-connection-deletion' | 'validate-connection';

/**
 * Runs the integration's deployed on-event scripts for `event`, one after the other; returns the
 * first failure's message, or undefined when all succeeded (or there are none).
 */
export async function runOnEvent(ctx: ServeContext, event: OnEvent, connection: ConnectionRow, integration: IntegrationRow): Promise<string | undefined> {
    const { listFunctions } = await import('./functions-store.js');
    const scripts = (await listFunctions(ctx.storage)).filter((fn) => fn.type === 'on-event' && fn.event === event && fn.provider_config_key === integration.unique_key);
    let failure: string | undefined;
    for (const script of scripts) {
        const result = await runDeployed(ctx, script, connection, integration);
        ctx.log(`on-event ${event} ${script.provider_config_key}/${script.name} on ${connection.connection_id}: ${result.ok ? 'ok' : (result.error?.kind ?? 'failed')}`);
        if (!result.ok) failure ??= result.error?.message ?? 'the script failed';
    }
    return failure;
}
