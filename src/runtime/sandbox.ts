/**
 * Where functions run: a worker process (dist/runtime/runtime.worker.js, started through
 * util/child-worker.ts, which says why not a thread) with an empty environment, no output and a
 * heap limit, so a function stuck in a loop is stopped by ending the process, one that fills its
 * memory ends alone, and none reads the CLI's environment. A Sandbox runs one job at a time and
 * is reusable; a pool spreads jobs over several workers (`ferry test` runs many functions across
 * the machine's cores). The transport, backend and record sink stay in the CLI's process: the
 * worker asks for them by message (see protocol.ts).
 */
import { availableParallelism } from 'node:os';
import { ChildWorker as Worker } from '../util/child-worker.js';
import { userCacheDir } from '../util/user-cache-dir.js';
import { knownWorkerFile as knownBuiltWorker, resolveWorkerFile as resolveBuiltWorker } from '../util/worker-file.js';
import type { CallRequest, JobNotice, JobOutcome, JobSpec, MainMessage, WorkerData, WorkerMessage } from './protocol.js';

export interface JobHandlers {
    /** Answers a worker's call (proxy, records, backend); a rejection becomes the call's error. */
    onCall(call: CallRequest): Promise<unknown>;
    /** One-way messages, in the order the function sent them. */
    onMessage(message: JobNotice): void;
}

/**
 * `outOfMemoryMb`: the process was stopped at its heap limit (that many MB), by the function's own
 * doing; `exitCode`: the process ended itself while running the job (the function's process.exit).
 */
export type JobResult = { outcome: JobOutcome } | { timedOut: true } | { crashed: string; outOfMemoryMb?: number; exitCode?: number };

export interface Sandbox {
    /** Runs one job; jobs given to a busy sandbox wait their turn. */
    run(job: JobSpec, handlers: JobHandlers, options?: { timeoutMs?: number }): Promise<JobResult>;
    /** Stops the worker(s); runs still going end as crashed. */
    close(): Promise<void>;
    /** How many jobs can run at once. */
    readonly size: number;
}

interface SandboxOptions {
    /** Path of runtime.worker.js; found next to Ferry's own files by default. */
    workerFile?: string;
    /** V8 heap limit of the worker, in MB (default DEFAULT_HEAP_MB); its binary data is held to it too. */
    maxHeapMb?: number;
}

const WORKER = 'runtime/runtime.worker';
let jobCounter = 0;
const STARTUP_ALLOWANCE_MS = 30_000;
/** Node's timers hold at most this (about 24.8 days); a longer delay fires after 1 ms. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/**
 * A function's heap limit, in MB, when the caller sets none. Its binary data (ArrayBuffer, Buffer)
 * is held to the same amount (binary-memory.ts).
 */
const DEFAULT_HEAP_MB = 2048;

/** The worker file when it is there already (given, or built into dist/), else undefined. */
function knownWorkerFile(options: SandboxOptions): string | undefined {
    return options.workerFile ?? knownBuiltWorker(WORKER);
}

async function resolveWorkerFile(options: SandboxOptions): Promise<string> {
    return knownWorkerFile(options) ?? resolveBuiltWorker(WORKER);
}

class WorkerSandbox implements Sandbox {
    readonly size = 1;
    private worker: Worker | undefined;
    private starting: Promise<Worker> | undefined;
    private queue: Promise<unknown> = Promise.resolve();
    private closed = false;
    private abort: ((reason: string) => void) | undefined;

    constructor(private readonly options: SandboxOptions) {
        // Start the process now so its start-up overlaps whatever the caller does before the first run.
        this.spawn().catch(() => undefined);
    }

    private spawn(): Promise<Worker> {
        if (this.worker) return Promise.resolve(this.worker);
        if (!this.starting) {
            // A known file starts the process right now, not a tick later after whatever the caller does next.
            const known = knownWorkerFile(this.options);
            if (known) {
                try {
                    return Promise.resolve(this.launch(known));
                } catch (error) {
                    return Promise.reject(error as Error);
                }
            }
            this.starting = resolveWorkerFile(this.options).then((file) => this.launch(file));
        }
        return this.starting;
    }

    private launch(file: string): Worker {
        const heapMb = this.options.maxHeapMb ?? DEFAULT_HEAP_MB;
        // Logs travel as messages; whatever a function forces past its console goes nowhere.
        const worker = new Worker(file, { codeCacheDir: userCacheDir(), heapMb } satisfies WorkerData, heapMb);
        worker.unref();
        worker.on('exit', () => {
            if (this.worker === worker) this.worker = undefined;
        });
        // An error with no run listening (the process failed while idle) only retires it.
        worker.on('error', () => this.retire(worker));
        this.worker = worker;
        this.starting = undefined;
        return worker;
    }

    run(job: JobSpec, handlers: JobHandlers, options: { timeoutMs?: number } = {}): Promise<JobResult> {
        const next = this.queue.then(() => this.runNow(job, handlers, options));
        this.queue = next.catch(() => undefined);
        return next;
    }

    private async runNow(job: JobSpec, handlers: JobHandlers, options: { timeoutMs?: number }): Promise<JobResult> {
        if (this.closed) return { crashed: 'the sandbox is closed' };
        let worker: Worker;
        try {
            worker = await this.spawn();
        } catch (error) {
            this.starting = undefined;
            return { crashed: (error as Error).message };
        }
        worker.ref();
        const jobId = ++jobCounter;
        return new Promise<JobResult>((resolve) => {
            let done = false;
            let timer: ReturnType<typeof setTimeout> | undefined;
            const finish = (result: JobResult): void => {
                if (done) return;
                done = true;
                if (timer) clearTimeout(timer);
                worker.off('message', onMessage);
                worker.off('exit', onExit);
                worker.off('error', onError);
                this.abort = undefined;
                worker.unref();
                resolve(result);
            };
            const reply = (message: MainMessage): void => {
                if (!done) worker.postMessage(message);
            };
            const onMessage = (message: WorkerMessage): void => {
                if (done || message.job !== jobId) return;
                switch (message.t) {
                    case 'call':
                        handlers.onCall(message.call).then(
                            (value) => reply({ t: 'reply', id: message.id, ok: true, value }),
                            (error: unknown) =>
                                reply({ t: 'reply', id: message.id, ok: false, error: { message: (error as Error)?.message ?? String(error), ...((error as Error)?.name ? { name: (error as Error).name } : {}) } })
                        );
                        break;
                    case 'started':
                        if (limit) startClock(limit);
                        break;
                    case 'done':
                        if (message.outcome.retire) this.retire(worker);
                        finish({ outcome: message.outcome });
                        break;
                    default: {
                        const { job: _job, ...notice } = message;
                        handlers.onMessage(notice as JobNotice);
                    }
                }
            };
            // A signal is a crash; an exit code means code in the process ended it (process.exit).
            const onExit = (code: number, signal?: NodeJS.Signals | null): void => finish(signal ? { crashed: `the worker process was killed (${signal})` } : { crashed: `the worker process exited with code ${code}`, exitCode: code });
            const onError = (error: Error): void =>
                finish(
                    (error as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY'
                        ? { crashed: error.message, outOfMemoryMb: this.options.maxHeapMb ?? DEFAULT_HEAP_MB }
                        : { crashed: `the worker process failed: ${error.message}` }
                );
            this.abort = (reason) => finish({ crashed: reason });
            worker.on('message', onMessage);
            worker.on('exit', onExit);
            worker.on('error', onError);
            const limit = options.timeoutMs !== undefined && options.timeoutMs > 0 ? options.timeoutMs : undefined;
            const startClock = (ms: number): void => {
                if (timer) clearTimeout(timer);
                timer = setTimeout(() => {
                    // The only way to stop a synchronous loop: end the process; the next run starts a new one.
                    this.retire(worker);
                    finish({ timedOut: true });
                    // Past Node's range a timer fires after 1 ms: capped (callers refuse longer limits).
                }, Math.min(ms, MAX_TIMER_MS));
            };
            // Until the worker says it has the job, allow for its start-up (or a previous run's leftovers).
            if (limit) startClock(limit + STARTUP_ALLOWANCE_MS);
            worker.postMessage({ t: 'run', job, jobId } satisfies MainMessage);
        });
    }

    private retire(worker: Worker): void {
        if (this.worker === worker) this.worker = undefined;
        void worker.terminate();
    }

    async close(): Promise<void> {
        this.closed = true;
        const worker = this.worker ?? (this.starting ? await this.starting.catch(() => undefined) : undefined);
        this.worker = undefined;
        this.abort?.('the sandbox was closed');
        if (worker) await worker.terminate();
    }
}

class SandboxPool implements Sandbox {
    private readonly members: WorkerSandbox[];
    private readonly busy: boolean[];
    private readonly waiting: (() => void)[] = [];

    constructor(
        readonly size: number,
        options: SandboxOptions
    ) {
        this.members = Array.from({ length: size }, () => new WorkerSandbox(options));
        this.busy = this.members.map(() => false);
    }

    async run(job: JobSpec, handlers: JobHandlers, options?: { timeoutMs?: number }): Promise<JobResult> {
        let index = this.busy.indexOf(false);
        while (index === -1) {
            await new Promise<void>((resolve) => this.waiting.push(resolve));
            index = this.busy.indexOf(false);
        }
        this.busy[index] = true;
        try {
            return await this.members[index]!.run(job, handlers, options);
        } finally {
            this.busy[index] = false;
            this.waiting.shift()?.();
        }
    }

    async close(): Promise<void> {
        await Promise.all(this.members.map((member) => member.close()));
    }
}

/** One reusable worker. Close it when done. */
export function createSandbox(options: SandboxOptions = {}): Sandbox {
    return new WorkerSandbox(options);
}

let prestarted: Sandbox | undefined;
let taken = false;

/**
 * Boots the one sandbox a run is about to ask for, as early as the caller knows it will: the CLI
 * calls this as soon as it sees `ferry dryrun`, so the process (and the zod it loads) starts while
 * commander, the command's modules and the project load. Unused, it costs nothing at exit (unref'd).
 */
export function prestartSandbox(): void {
    // Too late once the run has its sandbox: a second thread would only compete with it.
    if (!taken) prestarted ??= createSandbox();
}

/** The sandbox prestartSandbox booted (handed out once), else a new one. Close it when done. */
export function takeSandbox(): Sandbox {
    const sandbox = prestarted ?? createSandbox();
    prestarted = undefined;
    taken = true;
    return sandbox;
}

/** `size` workers (default: the machine's cores); pass it as RunOptions.sandbox to many concurrent runs. */
export function createSandboxPool(size = availableParallelism(), options: SandboxOptions = {}): Sandbox {
    return new SandboxPool(Math.max(1, Math.floor(size)), options);
}
