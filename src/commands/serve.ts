/** `ferry serve`: a local, Nango-compatible platform in the foreground until Ctrl-C or SIGTERM. */
import type { CliContext } from '../context.js';
import { ExitCode, usageError } from '../errors.js';
import { launch } from '../serve/launch.js';

interface ServeCommandOptions {
    host: string;
    port: string;
    data?: string;
    database?: string;
    secretKey?: string;
    webhookUrl?: string[];
    webhookSigningKey?: string;
    concurrency?: string;
    runTimeout?: string;
    runMemory?: string;
}

export async function run(options: ServeCommandOptions, ctx: CliContext): Promise<ExitCode> {
    const port = Number(options.port);
    if (!/^\d+$/.test(options.port) || port > 65535) throw usageError(`--port must be a number from 0 to 65535, not '${options.port}'`, 'e.g. --port 3003 (0 picks a free port).');
    const webhooks = webhookOptions(options);
    const runLimits = runLimitOptions(options);
    // Signals are held from the start: a Ctrl-C while the database opens still ends cleanly.
    let stopRequested: (() => void) | undefined;
    const stopped = new Promise<void>((resolve) => (stopRequested = resolve));
    const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
    const onSignal = (): void => stopRequested?.();
    for (const signal of signals) process.on(signal, onSignal);
    try {
        const server = await launch({
            cwd: ctx.cwd,
            env: ctx.env,
            host: options.host,
            port,
            dataDir: options.data,
            database: options.database,
            secretKey: options.secretKey,
            webhooks,
            runLimits,
            log: (line) => ctx.log.info(`${ctx.colors.dim(new Date().toISOString().slice(11, 19))} ${line}`)
        });
        if (ctx.json) {
            ctx.out(JSON.stringify({ event: 'ready', url: server.url, environment: server.environment, dataDir: server.dataDir, storage: server.storage, ...(server.newSecretKey ? { secretKey: server.newSecretKey } : {}), ...(server.newWebhookSigningKey ? { webhookSigningKey: server.newWebhookSigningKey } : {}) }));
        } else {
            ctx.out(`ferry serve: ${server.url} (environment ${server.environment}, ${server.storage === 'pglite' ? 'PGlite' : 'PostgreSQL'}, data in ${server.dataDir})`);
            if (server.newSecretKey) ctx.out(`Secret key of environment ${server.environment} (shown once; kept in the data folder): ${server.newSecretKey}`);
            if (server.newWebhookSigningKey) ctx.out(`Webhook signing key of environment ${server.environment} (shown once; kept in the database): ${server.newWebhookSigningKey}`);
            ctx.log.info(`Commands in this project reach it with -e local. Ctrl-C to stop.`);
        }
        if (!['127.0.0.1', 'localhost', '::1'].includes(options.host)) {
            ctx.log.warn(`listening on ${options.host}: other machines can reach it; the secret key is all that protects it, and traffic is not encrypted (no TLS).`);
        }
        await stopped;
        ctx.log.info('stopping');
        await server.stop();
        if (ctx.json) ctx.out(JSON.stringify({ event: 'stopped' }));
        return ExitCode.Ok;
    } finally {
        for (const signal of signals) process.off(signal, onSignal);
    }
}

/** --concurrency, --run-timeout (seconds) and --run-memory (MB): whole numbers from 1, checked before anything starts. */
function runLimitOptions(options: ServeCommandOptions): { concurrency?: number; timeoutMs?: number; memoryMb?: number } {
    const read = (flag: string, value: string | undefined, max: number, example: string): number | undefined => {
        if (value === undefined) return undefined;
        if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max) throw usageError(`${flag} must be a whole number from 1 to ${max}, not '${value}'`, `e.g. ${flag} ${example}.`);
        return Number(value);
    };
    const concurrency = read('--concurrency', options.concurrency, 256, '8');
    const timeout = read('--run-timeout', options.runTimeout, 7 * 24 * 3600, '600');
    const memory = read('--run-memory', options.runMemory, 16_384, '1024');
    return { ...(concurrency ? { concurrency } : {}), ...(timeout ? { timeoutMs: timeout * 1000 } : {}), ...(memory ? { memoryMb: memory } : {}) };
}

/** --webhook-url (at most twice: primary, secondary) and --webhook-signing-key, checked before anything starts. */
function webhookOptions(options: ServeCommandOptions): { urls?: string[]; signingKey?: string } {
    const urls = options.webhookUrl ?? [];
    if (urls.length > 2) throw usageError(`--webhook-url is given ${urls.length} times; at most two (primary and secondary)`, 'Pass one or two URLs.');
    for (const url of urls) {
        if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) throw usageError(`--webhook-url is not an http(s) URL: '${url}'`, 'e.g. --webhook-url http://127.0.0.1:4000/webhooks.');
    }
    if (options.webhookSigningKey !== undefined && options.webhookSigningKey.trim() === '') throw usageError('--webhook-signing-key is empty', 'Pass a key, or leave the flag out to keep (or generate) one.');
    return { ...(urls.length ? { urls } : {}), ...(options.webhookSigningKey !== undefined ? { signingKey: options.webhookSigningKey.trim() } : {}) };
}
