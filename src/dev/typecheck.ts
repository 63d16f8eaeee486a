/**
 * The background type-check of a dev session. TypeScript 7's `tsc --watch` does not pick up
 * changes reliably yet (measured with 7.0.2: no re-check after an edit), so the session drives
 * `--incremental` runs itself: one run at a time, and a change during a run queues exactly one more.
 *
 * The jobs, their tsconfigs, the tsc command and the output parsing are compile's (typecheckJobs,
 * tscCommand, parseTscOutput); only the process handling differs from compile's typecheckProject:
 * tsc runs at low priority, and stopping kills it with SIGKILL and waits until it is gone, because
 * tsc 7 catches SIGTERM and can run to the end of its check after it.
 */
import { spawn } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import { setPriority } from 'node:os';
import { join } from 'node:path';
import { parseTscOutput, tscCommand, typecheckJobs } from '../compiler/typecheck.js';
import type { CompileDiagnostic } from '../compiler/types.js';
import { writeFileAtomic } from '../util/fs.js';

export interface TypecheckResult {
    errors: CompileDiagnostic[];
    durationMs: number;
}

export interface TscRunner {
    /** One incremental check of the whole project. Rejects with the abort reason when aborted. */
    check(signal: AbortSignal): Promise<TypecheckResult>;
}

/**
 * Runs compile's type-check jobs (the whole project, or stable chunks of a large one) one after
 * the other, each an incremental tsc run with compile's generated tsconfig.
 */
export function createTscRunner(root: string, cacheDir: string, entries: () => readonly string[]): TscRunner {
    const run = (command: { command: string; args: string[] }, configPath: string, signal: AbortSignal): Promise<{ text: string; code: number | null }> =>
        new Promise((resolve, reject) => {
            // SIGKILL: tsc 7 catches SIGTERM and may finish its whole check before it exits.
            const proc = spawn(command.command, [...command.args, '-p', configPath, '--pretty', 'false'], {
                cwd: root,
                stdio: ['ignore', 'pipe', 'pipe'],
                signal,
                killSignal: 'SIGKILL'
            });
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
                if (signal.aborted) reject(signal.reason ?? new Error('aborted'));
                else resolve({ text: Buffer.concat(chunks).toString('utf8'), code });
            });
        });

    return {
        async check(signal) {
            const started = performance.now();
            await mkdir(cacheDir, { recursive: true });
            const command = await tscCommand();
            const errors: CompileDiagnostic[] = [];
            const seen = new Set<string>();
            // Re-planned each run: tsconfig.json, the installed packages or the entries may have changed.
            for (const job of typecheckJobs(root, cacheDir, entries())) {
                signal.throwIfAborted();
                const configPath = join(cacheDir, `tsconfig${job.id}.json`);
                if ((await readFile(configPath, 'utf8').catch(() => undefined)) !== job.configText) await writeFileAtomic(configPath, job.configText);
                const output = await run(command, configPath, signal);
                const { diagnostics } = parseTscOutput(output.text, root);
                if (output.code !== 0 && diagnostics.length === 0) {
                    const tail = output.text.trim().split('\n').slice(-3).join(' ');
                    diagnostics.push({ code: 'TYPECHECK_FAILED', message: `tsc exited with code ${output.code} without reporting why: ${tail || 'no output'}` });
                }
                for (const d of diagnostics) {
                    // A helper shared by functions in several chunks is reported by each.
                    const key = `${d.file}:${d.line}:${d.column}:${d.code}`;
                    if (!seen.has(key)) errors.push(d);
                    seen.add(key);
                }
            }
            return { errors, durationMs: performance.now() - started };
        }
    };
}

export interface BackgroundTypecheck {
    /** Something changed: check again (now, or right after the run in progress). */
    request(): void;
    /** Aborts the run in progress (its process is killed) and waits for it to be gone. */
    stop(): Promise<void>;
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
