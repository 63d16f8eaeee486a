/**
 * Everything `ferry serve` does before and after the server itself: picks the data folder, its
 * keys, refuses a second server on the same folder, writes the state file the other commands read
 * (environment `local`), and removes it on stop.
 */
import { resolve } from 'node:path';
import { ExitCode, FerryError } from '../errors.js';
import { errnoCode } from '../errors.js';
import { VERSION } from '../version.js';
import { isAlive, readState } from '../platform/local-server.js';
import { defaultDataDir, ensureDataDir, removeState, resolveEncryptionKey, resolveSecretKey, writeState } from './data-dir.js';
import { startServe, type RunningServer } from './server.js';
import type { WebhookOptions } from './webhooks/index.js';
import type { RunLimits } from './runner.js';
import { pgliteTemplatePath } from './storage.js';
import { userCacheDir } from '../util/user-cache-dir.js';

interface LaunchOptions {
    cwd: string;
    env: NodeJS.ProcessEnv;
    host: string;
    port: number;
    dataDir?: string | undefined;
    database?: string | undefined;
    secretKey?: string | undefined;
    webhooks?: WebhookOptions | undefined;
    runLimits?: Partial<RunLimits> | undefined;
    log: (line: string) => void;
}

interface Launched {
    url: string;
    dataDir: string;
    environment: string;
    storage: RunningServer['storage']['kind'];
    /** Only when generated on this start (printed once). */
    newSecretKey?: string;
    /** Only when generated on this start (printed once). */
    newWebhookSigningKey?: string;
    stop(): Promise<void>;
}

const ENVIRONMENT = 'dev';

export async function launch(options: LaunchOptions): Promise<Launched> {
    const dataDir = resolve(options.cwd, options.dataDir ?? defaultDataDir(options.cwd, options.env));
    ensureDataDir(dataDir);
    const running = readState(dataDir);
    if (running && running.pid !== process.pid && isAlive(running.pid)) {
        throw new FerryError({
            code: 'SERVE_ALREADY_RUNNING',
            message: `A ferry serve already runs on ${dataDir} (pid ${running.pid}, ${running.url})`,
            hint: 'Use that one, stop it first, or pass another --data folder.'
        });
    }
    if (options.secretKey !== undefined && options.secretKey.trim() === '') throw new FerryError({ code: 'USAGE', message: '--secret-key is empty', hint: 'Pass a key, or leave the flag out to keep (or generate) one.' });
    const secret = resolveSecretKey(dataDir, options.secretKey?.trim());
    let encryptionKey: Buffer;
    try {
        encryptionKey = resolveEncryptionKey(dataDir, options.env).key;
    } catch (error) {
        throw new FerryError({ code: 'SERVE_ENCRYPTION_KEY', message: (error as Error).message, hint: 'Fix or unset it: the credentials stored so far need the key they were sealed with.' });
    }
    let server: RunningServer;
    try {
        server = await startServe({
            host: options.host,
            port: options.port,
            dataDir,
            database: options.database,
            secretKey: secret.key,
            encryptionKey,
            pgliteTemplate: pgliteTemplatePath(userCacheDir(options.env)),
            environment: ENVIRONMENT,
            ...(options.webhooks ? { webhooks: options.webhooks } : {}),
            ...(options.runLimits ? { runLimits: options.runLimits } : {}),
            log: options.log
        });
    } catch (error) {
        throw startFailure(error, options);
    }
    writeState(dataDir, { url: server.url, pid: process.pid, environment: ENVIRONMENT, startedAt: new Date().toISOString(), version: VERSION });
    return {
        url: server.url,
        dataDir,
        environment: ENVIRONMENT,
        storage: server.storage.kind,
        ...(secret.generated ? { newSecretKey: secret.key } : {}),
        ...(server.newWebhookSigningKey ? { newWebhookSigningKey: server.newWebhookSigningKey } : {}),
        async stop() {
            removeState(dataDir, process.pid);
            await server.close();
        }
    };
}

function startFailure(error: unknown, options: LaunchOptions): FerryError {
    const code = errnoCode(error);
    if (code === 'EADDRINUSE') {
        return new FerryError({ code: 'SERVE_PORT_IN_USE', message: `Port ${options.port} on ${options.host} is in use`, hint: 'Stop what uses it, or pass another --port (0 picks a free one).' });
    }
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EACCES') {
        return new FerryError({ code: 'SERVE_CANNOT_LISTEN', message: `Cannot listen on ${options.host}:${options.port} (${code})`, hint: 'Pass a --host of this machine and a --port you may use.' });
    }
    if (options.database) {
        // The URL may hold a password: only the error's own message is shown, without the URL.
        const message = ((error as Error)?.message ?? String(error)).replaceAll(options.database, '<database>');
        return new FerryError({ code: 'SERVE_DATABASE', message: `Cannot use the PostgreSQL database given with --database: ${message}`, hint: 'Check that the server runs, and the URL, user and password.', exitCode: ExitCode.Failure });
    }
    return new FerryError({ code: 'SERVE_START_FAILED', message: `The server did not start: ${(error as Error)?.message ?? String(error)}`, hint: 'Rerun with --debug; if the data folder is damaged, move it aside and start again.' });
}
