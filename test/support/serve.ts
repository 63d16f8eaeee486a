/** `ferry serve` spawned from the built CLI on 127.0.0.1 with a free port, for end-to-end tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import { baseEnv, FERRY_BIN } from './cli.js';

export interface ServeProcess {
    url: string;
    /** The key printed on first start, else the one passed. */
    secretKey: string | undefined;
    ready: Record<string, unknown>;
    child: ChildProcess;
    stdout(): string;
    stderr(): string;
    /** Sends the signal and resolves with the exit code. */
    stop(signal?: NodeJS.Signals): Promise<number | null>;
    /** Authorised JSON call to the server. */
    api(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any; headers: Headers }>;
}

export async function startServe(args: string[], options: { cwd: string; env?: Record<string, string | undefined>; secretKey?: string }): Promise<ServeProcess> {
    const child = spawn(process.execPath, [FERRY_BIN, 'serve', '--port', '0', '--json', ...args], { cwd: options.cwd, env: baseEnv(options.env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`serve did not start in time: ${stderr}`)), 90_000);
        const check = (): void => {
            const line = stdout.split('\n').find((l) => l.includes('"event":"ready"'));
            if (line) {
                clearTimeout(timer);
                resolve(JSON.parse(line) as Record<string, unknown>);
            }
        };
        child.stdout!.on('data', check);
        void exited.then((code) => {
            clearTimeout(timer);
            reject(new Error(`serve exited with ${code} before it was ready: ${stderr} ${stdout}`));
        });
    });
    const secretKey = (ready['secretKey'] as string | undefined) ?? options.secretKey;
    const url = String(ready['url']);
    return {
        url,
        secretKey,
        ready,
        child,
        stdout: () => stdout,
        stderr: () => stderr,
        async stop(signal = 'SIGTERM') {
            if (child.exitCode === null) child.kill(signal);
            return exited;
        },
        async api(method, path, body, headers = {}) {
            const response = await fetch(`${url}${path}`, {
                method,
                headers: { authorization: `Bearer ${secretKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
                ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) })
            });
            const text = await response.text();
            let parsed: unknown = text;
            try {
                parsed = text ? JSON.parse(text) : null;
            } catch {
                // not JSON: the raw text
            }
            return { status: response.status, body: parsed, headers: response.headers };
        }
    };
}
