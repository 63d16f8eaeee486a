/**
 * The background type-check of a dev session. TypeScript 7's `tsc --watch` does not pick up
 * changes reliably yet (measured with 7.0.2: no re-check after an edit), so the session drives
 * `--incremental` runs itself: one run at a time, and a change during a run queues exactly one more.
 *
 * The tsconfig and the output parsing are compile's (generatedTsconfig, parseTscOutput); only the
 * spawn differs: the native executable is started directly, because on Node 20 the `tsc` wrapper
 * script runs it with execFileSync and killing the wrapper would leave the checker running.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import { setPriority } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { resolveFromFerry } from '../compiler/ferry-package.js';
import { generatedTsconfig, parseTscOutput } from '../compiler/typecheck.js';
import type { CompileDiagnostic } from '../compiler/types.js';
import { writeFileAtomic } from '../util/fs.js';

export interface TypecheckResult {
    errors: CompileDiagnostic[];
    durationMs: number;
}

/** How to start tsc: the native binary when it can be found, else the wrapper under this Node. */
async function tscCommand(): Promise<{ command: string; args: string[] }> {
    try {
        const module = (await import(pathToFileURL(resolveFromFerry('typescript/lib/getExePath.js')).href)) as { default: () => string };
        return { command: module.default(), args: [] };
    } catch {
        return { command: process.execPath, args: [resolveFromFerry('typescript/bin/tsc')] };
    }
}

export interface TscRunner {
    /** One incremental check of the whole project. Rejects with an AbortError when aborted. */
    check(signal: AbortSignal): Promise<TypecheckResult>;
    /** The pid of the tsc process running now, if any. */
    readonly pid: number | undefined;
}

export function createTscRunner(root: string, cacheDir: string): TscRunner {
    let command: Promise<{ command: string; args: string[] }> | undefined;
    let child: ChildProcess | undefined;
    return {
        get pid() {
            return child?.exitCode === null ? child.pid : undefined;
        },
        async check(signal) {
            const started = performance.now();
            await mkdir(cacheDir, { recursive: true });
            const configPath = join(cacheDir, 'tsconfig.json');
            // Re-generated each run: tsconfig.json or the installed packages may have changed.
            const configText = generatedTsconfig(root, cacheDir);
            if ((await readFile(configPath, 'utf8').catch(() => undefined)) !== configText) await writeFileAtomic(configPath, configText);
            const tsc = await (command ??= tscCommand());
            signal.throwIfAborted();
            const output = await new Promise<{ text: string; code: number | null }>((resolve, reject) => {
                // SIGKILL: tsc 7 catches SIGTERM and may finish its whole check before it exits.
                const proc = spawn(tsc.command, [...tsc.args, '-p', configPath, '--pretty', 'false'], {
                    cwd: root,
                    stdio: ['ignore', 'pipe', 'pipe'],
                    signal,
                    killSignal: 'SIGKILL'
                });
                child = proc;
                // The rebuild is what the developer waits for: on a busy machine tsc gets the leftovers.
                try {
                    if (proc.pid !== undefined) setPriority(proc.pid, 10);
                } catch {
                    // Not permitted here: run at normal priority.
                }
                const chunks: Buffer[] = [];
                proc.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
                proc.stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
                // An abort also arrives as an 'error'; the process is only gone at 'close'.
                proc.on('error', (error) => {
                    if (!signal.aborted) reject(error);
                });
                proc.on('close', (code) => {
                    if (child === proc) child = undefined;
                    if (signal.aborted) reject(signal.reason ?? new Error('aborted'));
                    else resolve({ text: Buffer.concat(chunks).toString('utf8'), code });
                });
            });
            const { diagnostics } = parseTscOutput(output.text, root);
            if (output.code !== 0 && diagnostics.length === 0) {
                const tail = output.text.trim().split('\n').slice(-3).join(' ');
                diagnostics.push({ code: 'TYPECHECK_FAILED', message: `tsc exited with code ${output.code} without reporting why: ${tail || 'no output'}` });
            }
            return { errors: diagnostics, durationMs: performance.now() - started };
        }
    };
}

export interface BackgroundTypecheck {
    /** Something changed: check again (now, or right after the run in progress). */
    request(): void;
    /** Aborts the run in progress (its process is killed) and waits for it to be gone. */
    stop(): Promise<void>;
    readonly pid: number | undefined;
}

export interface BackgroundTypecheckHandlers {
    onStart(): void;
    onResult(result: TypecheckResult): void;
    onFailure(error: Error): void;
}

export function startBackgroundTypecheck(runner: TscRunner, handlers: BackgroundTypecheckHandlers): BackgroundTypecheck {
    let running: Promise<void> | undefined;
    let again = false;
    let stopped = false;
    const controller = new AbortController();

    const kick = (): void => {
        if (running || stopped || !again) return;
        running = loop().finally(() => {
            running = undefined;
            kick();
        });
    };
    const loop = async (): Promise<void> => {
        while (again && !stopped) {
            again = false;
            handlers.onStart();
            try {
                const result = await runner.check(controller.signal);
                if (!stopped) handlers.onResult(result);
            } catch (error) {
                if (!stopped) handlers.onFailure(error instanceof Error ? error : new Error(String(error)));
            }
        }
    };

    return {
        get pid() {
            return runner.pid;
        },
        request() {
            if (stopped) return;
            again = true;
            kick();
        },
        async stop() {
            stopped = true;
            controller.abort();
            await running;
        }
    };
}
