/**
 * The background type-check of a dev session. TypeScript 7's `tsc --watch` does not pick up
 * changes reliably yet (measured with 7.0.2: no re-check after an edit), so the session drives
 * `--incremental` runs itself: one run at a time, and a change during a run queues exactly one more.
 *
 * The jobs, their tsconfigs (so the same scope: what index.ts imports, not the tsconfig's
 * `include`), the tsc command and the output parsing are compile's (typecheckJobs, tscCommand,
 * parseTscOutput); only the process handling differs from compile's typecheckProject:
 * tsc runs at low priority, and stopping kills it with SIGKILL and waits until it is gone, because
 * tsc 7 catches SIGTERM and can run to the end of its check after it.
 */
import { spawn } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import { setPriority } from 'node:os';
import { join } from 'node:path';
import { parseTscOutput, tscCommand, typecheckJobs } from '../compiler/typecheck.js';
import { writeTypecheckSupportFiles } from '../compiler/typecheck-config.js';
import type { CompileDiagnostic } from '../compiler/types.js';
import { writeFileAtomic } from '../util/fs.js';

interface TypecheckResult {
    errors: CompileDiagnostic[];
    durationMs: number;
}

/** The function files whose check a change can affect, or everything. */
export type CheckScope = ReadonlySet<string> | 'all';

export interface TscRunner {
    /**
     * One incremental check. Only the jobs (chunks) holding a function in `scope` run; the others
     * keep their last result. Rejects with the abort reason when aborted.
     */
    check(signal: AbortSignal, scope: CheckScope): Promise<TypecheckResult>;
}

/**
 * Runs compile's type-check jobs (the whole project, or stable chunks of a large one) one after
 * the other, each an incremental tsc run with compile's generated tsconfig.
 */
export function createTscRunner(root: string, cacheDir: string, entries: () => readonly string[]): TscRunner {
    /** Last diagnostics per job, by the job's tsconfig text (which names its files). */
    let last = new Map<string, CompileDiagnostic[]>();

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

    const filesOf = (configText: string): string[] | undefined => (JSON.parse(configText) as { files?: string[] }).files;

    return {
        async check(signal, scope) {
            const started = performance.now();
            await mkdir(cacheDir, { recursive: true });
            await writeTypecheckSupportFiles(cacheDir);
            const command = await tscCommand();
            const next = new Map<string, CompileDiagnostic[]>();
            // Re-planned each run: tsconfig.json, the installed packages or the entries may have changed.
            for (const job of typecheckJobs(root, cacheDir, entries())) {
                signal.throwIfAborted();
                const kept = last.get(job.configText);
                const only = scope === 'all' ? undefined : scope;
                // Only chunks (jobs with an id) list exactly their functions; the whole-project job always runs.
                const files = kept && only && job.id !== '' ? filesOf(job.configText) : undefined;
                if (kept && only && files && !files.some((file) => only.has(file))) {
                    next.set(job.configText, kept);
                    continue;
                }
                const configPath = join(cacheDir, `tsconfig${job.id}.json`);
                if ((await readFile(configPath, 'utf8').catch(() => undefined)) !== job.configText) await writeFileAtomic(configPath, job.configText);
                const output = await run(command, configPath, signal);
                const { diagnostics } = parseTscOutput(output.text, root);
                if (output.code !== 0 && diagnostics.length === 0) {
                    const tail = output.text.trim().split('\n').slice(-3).join(' ');
                    diagnostics.push({ code: 'TYPECHECK_FAILED', message: `tsc exited with code ${output.code} without reporting why: ${tail || 'no output'}` });
                }
                next.set(job.configText, diagnostics);
            }
            last = next;
            const errors: CompileDiagnostic[] = [];
            const seen = new Set<string>();
            for (const d of [...next.values()].flat()) {
                // A helper shared by functions in several chunks is reported by each.
                const key = `${d.file}:${d.line}:${d.column}:${d.code}`;
                if (!seen.has(key)) errors.push(d);
                seen.add(key);
            }
            return { errors, durationMs: performance.now() - started };
        }
    };
}

export interface BackgroundTypecheck {
    /** Something changed: check again (now, or right after the run in progress) what `scope` can affect. */
    request(scope: CheckScope): void;
    /** Aborts the run in progress (its process is killed) and waits for it to be gone. */
    stop(): Promise<void>;
}

interface BackgroundTypecheckHandlers {
    onStart(): void;
    onResult(result: TypecheckResult): void;
    onFailure(error: Error): void;
}

export function startBackgroundTypecheck(runner: TscRunner, handlers: BackgroundTypecheckHandlers): BackgroundTypecheck {
    let running: Promise<void> | undefined;
    let again = false;
    /** What the requests since the last run started can affect. */
    let pending: Set<string> | 'all' = new Set();
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
            const scope = pending;
            pending = new Set();
            handlers.onStart();
            try {
                const result = await runner.check(controller.signal, scope);
                if (!stopped) handlers.onResult(result);
            } catch (error) {
                if (!stopped) handlers.onFailure(error instanceof Error ? error : new Error(String(error)));
            }
        }
    };

    return {
        request(scope) {
            if (stopped) return;
            if (scope === 'all' || pending === 'all') pending = 'all';
            else for (const file of scope) pending.add(file);
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
