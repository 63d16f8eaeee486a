/**
 * Runs a deployed function (its stored bundle) for one connection in the same sandboxed runtime as
 * `ferry dryrun`: its own worker thread and a time limit, its provider and platform calls sent to
 * this server's own API (/proxy adds the credentials), so the function never holds them. Runs
 * share a bound on how many go at once. The runtime loads with the first run.
 */
import { ExitCode } from '../errors.js';
import type { RunOptions, RunResult } from '../dryrun/types.js';
import type { ServeContext } from './context.js';
import type { FunctionRow } from './functions-store.js';
import type { ConnectionRow, IntegrationRow } from './store.js';

const RUN_TIMEOUT_MS = 5 * 60 * 1000;
const MAX_PARALLEL_RUNS = 4;
let running = 0;
const waiting: (() => void)[] = [];

async function slot<T>(run: () => Promise<T>): Promise<T> {
    if (running >= MAX_PARALLEL_RUNS) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
        return await run();
    } finally {
        running--;
        waiting.shift()?.();
    }
}

export async function runDeployed(
    ctx: ServeContext,
    fn: FunctionRow,
    connection: ConnectionRow,
    integration: IntegrationRow,
    input?: unknown,
    /** e.g. a provider webhook's payload for a sync's onWebhook, with its records kept. */
    extra: Pick<RunOptions, 'webhookPayload' | 'keepRecords'> = {}
): Promise<RunResult> {
    const [{ runFunction }, { createProxyTransport }, { PlatformClient }, { platformBackend }, { publicConnection }] = await Promise.all([
        import('../dryrun/run.js'),
        import('../dryrun/proxy-transport.js'),
        import('../platform/client.js'),
        import('../platform/connections.js'),
        import('../dryrun/credentials.js')
    ]);
    const client = new PlatformClient({ host: ctx.url, secretKey: ctx.secretKey, exitCode: ExitCode.Failure });
    const { credentials: _never, ...withoutCredentials } = connection;
    const view = publicConnection({ ...withoutCredentials, provider: integration.provider, metadata: connection.metadata });
    const folder = fn.type === 'on-event' ? 'on-events' : `${fn.type}s`;
    try {
        return await slot(() =>
            runFunction({
                code: fn.js,
                filename: `${fn.provider_config_key}_${folder}_${fn.name}.cjs`,
                ref: { integration: fn.provider_config_key, name: fn.name, type: fn.type === 'on-event' ? 'onEvent' : fn.type },
                transport: createProxyTransport({ client, connection: view }),
                connection: view,
                backend: platformBackend(client, view),
                ...(fn.type === 'action' ? { input } : {}),
                environment: ctx.environment,
                timeoutMs: RUN_TIMEOUT_MS,
                ...extra
            })
        );
    } finally {
        await client.close();
    }
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
