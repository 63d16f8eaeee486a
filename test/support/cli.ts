/** Spawning the built CLI the way users do, and temporary folders to run it in. */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');
export const FERRY_BIN = join(REPO_ROOT, 'bin/ferry.js');

export interface CliResult {
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
}

export interface RunOptions {
    cwd: string;
    env?: Record<string, string | undefined>;
    input?: string;
    timeoutMs?: number;
}

/** A clean environment: no CI colour or TTY surprises, no secrets from the developer's shell. */
export function baseEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {
        PATH: process.env['PATH'],
        HOME: process.env['HOME'],
        TMPDIR: process.env['TMPDIR'],
        // Ferry's per-user cache goes to the temporary folder, not the developer's home.
        FERRY_CACHE_DIR: join(tmpdir(), 'ferry-test-user-cache'),
        NO_COLOR: '1',
        CI: 'true'
    };
    for (const [key, value] of Object.entries(extra)) {
        if (value === undefined) delete env[key];
        else env[key] = value;
    }
    return env;
}

export function runFerry(args: string[], options: RunOptions): Promise<CliResult> {
    return new Promise((resolvePromise, reject) => {
        const child = spawn(process.execPath, [FERRY_BIN, ...args], {
            cwd: options.cwd,
            env: baseEnv(options.env),
            stdio: ['pipe', 'pipe', 'pipe']
        });
        let stdout = '';
        let stderr = '';
        child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
        child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
        const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
        child.on('error', reject);
        child.on('close', (code, signal) => {
            clearTimeout(timer);
            resolvePromise({ code, signal, stdout, stderr });
        });
        child.stdin.end(options.input ?? '');
    });
}

export async function makeTempDir(prefix = 'ferry-test-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
    const dir = await mkdtemp(join(tmpdir(), prefix));
    return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
