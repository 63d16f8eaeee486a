/** `ferry serve`: a local, Nango-compatible platform in the foreground until Ctrl-C or SIGTERM. */
import type { CliContext } from '../context.js';
import { ExitCode, usageError } from '../errors.js';
import { launch } from '../serve/launch.js';

export interface ServeCommandOptions {
    host: string;
    port: string;
    data?: string;
    database?: string;
    secretKey?: string;
}

export async function run(options: ServeCommandOptions, ctx: CliContext): Promise<ExitCode> {
    const port = Number(options.port);
    if (!/^\d+$/.test(options.port) || port > 65535) throw usageError(`--port must be a number from 0 to 65535, not '${options.port}'`, 'e.g. --port 3003 (0 picks a free port).');
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
            log: (line) => ctx.log.info(`${ctx.colors.dim(new Date().toISOString().slice(11, 19))} ${line}`)
        });
        if (ctx.json) {
            ctx.out(JSON.stringify({ event: 'ready', url: server.url, environment: server.environment, dataDir: server.dataDir, storage: server.storage, ...(server.newSecretKey ? { secretKey: server.newSecretKey } : {}) }));
        } else {
            ctx.out(`ferry serve: ${server.url} (environment ${server.environment}, ${server.storage === 'pglite' ? 'PGlite' : 'PostgreSQL'}, data in ${server.dataDir})`);
            if (server.newSecretKey) ctx.out(`Secret key of environment ${server.environment} (shown once; kept in the data folder): ${server.newSecretKey}`);
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
