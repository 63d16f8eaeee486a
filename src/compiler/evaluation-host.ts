/**
 * Where compile, dev and deploy read definitions: one long-lived worker process
 * (evaluate.worker.ts, see util/child-worker.ts for why not a thread) with an empty environment, a heap limit and the dry run's lockdown, that
 * reads many bundles per message and sends back plain summaries and diagnostics. The CLI's own
 * thread never runs a function's code. A bundle that never finishes (even with promise jobs or
 * timers), runs out of memory or ends the thread costs only its own EVALUATION_ERROR: the thread
 * is replaced and the remaining bundles are read by the new one.
 */
import { userCacheDir } from '../util/user-cache-dir.js';
import { knownWorkerFile, resolveWorkerFile } from '../util/worker-file.js';
import { evaluationFailure, type DefinitionAnalysis } from './analyze-definition.js';
import { ChildWorker as Worker } from '../util/child-worker.js';
import { REALM_CHECK_GROUP, type EvaluationItem, type EvaluationWorkerData, type EvaluationWorkerMessage } from './evaluation-protocol.js';

export type { EvaluationItem } from './evaluation-protocol.js';

/** Reads definitions; the results come in the order of the items. */
export interface DefinitionEvaluator {
    analyze(items: readonly EvaluationItem[]): Promise<DefinitionAnalysis[]>;
    /** Ends the worker; analyses still running end with an error. */
    close(): Promise<void>;
    /** How many worker threads it has started so far (one unless a bundle cost one). */
    readonly workersStarted: number;
}

interface EvaluatorOptions {
    /** How long one bundle's top-level code may run (default 5 s). */
    timeoutMs?: number;
    /** The worker's heap limit in MB, which its binary data counts toward too (default 512). */
    maxHeapMb?: number;
}

const EVALUATION_TIMEOUT_MS = 5000;
const EVALUATION_HEAP_MB = 512;
const WORKER = 'compiler/evaluate.worker';
/** The worker's own checks stop most code at timeoutMs; this catches what they cannot (promise jobs outside the context). */
const watchdogMs = (timeoutMs: number): number => 2 * timeoutMs + 1000;
const STARTUP_ALLOWANCE_MS = 30_000;

/**
 * Where a batch stopped short: the item at `index` failed (`failure`); the items without a result
 * are read again by a new worker, the first `checkEach` of them checked one by one, starting with
 * the item at `index` when it is only suspected (`aloneFirst`).
 */
type Stop = { index: number; failure?: string; checkEach?: number; aloneFirst?: boolean };

const seconds = (ms: number): string => `${Math.round(ms / 100) / 10} s`;

class WorkerEvaluator implements DefinitionEvaluator {
    private worker: Promise<Worker> | undefined;
    /** Bundles the current worker has started reading: one that read only the current one cannot blame an earlier one. */
    private readByWorker = 0;
    private queue: Promise<unknown> = Promise.resolve();
    private closed = false;
    workersStarted = 0;
    private readonly timeoutMs: number;
    private readonly heapMb: number;

    constructor(options: EvaluatorOptions) {
        this.timeoutMs = options.timeoutMs ?? EVALUATION_TIMEOUT_MS;
        this.heapMb = options.maxHeapMb ?? EVALUATION_HEAP_MB;
        // Started now, so its start-up (and zod's) overlaps bundling.
        this.spawn().catch(() => undefined);
    }

    analyze(items: readonly EvaluationItem[]): Promise<DefinitionAnalysis[]> {
        const run = this.queue.then(() => this.analyzeNow(items));
        this.queue = run.catch(() => undefined);
        return run;
    }

    private async analyzeNow(items: readonly EvaluationItem[]): Promise<DefinitionAnalysis[]> {
        const results: (DefinitionAnalysis | undefined)[] = new Array<DefinitionAnalysis | undefined>(items.length);
        let pending = items.map((_, i) => i);
        let checkEach = 0;
        while (pending.length > 0) {
            const batch = pending;
            const stop = await this.runBatch(
                batch.map((i) => items[i]!),
                (index, analysis) => (results[batch[index]!] = analysis),
                checkEach
            );
            if (!stop) break;
            checkEach = stop.checkEach ?? 0;
            const failed = batch[stop.index]!;
            if (stop.failure !== undefined) results[failed] = { diagnostics: [evaluationFailure(items[failed]!.ref, stop.failure)] };
            pending = batch.filter((i) => results[i] === undefined && !(stop.aloneFirst && i === failed));
            // A suspect is read first by the new worker: alone in it, it can be blamed for sure.
            if (stop.aloneFirst) pending.unshift(failed);
        }
        return results as DefinitionAnalysis[];
    }

    private spawn(): Promise<Worker> {
        if (this.closed) return Promise.reject(new Error('the definition evaluator is closed'));
        if (!this.worker) {
            const started = this.launch();
            this.worker = started;
            // A worker that failed to start is tried again by the next analysis, not handed out failed.
            started.catch(() => {
                if (this.worker === started) this.worker = undefined;
            });
        }
        return this.worker;
    }

    private async launch(): Promise<Worker> {
        const file = knownWorkerFile(WORKER) ?? (await resolveWorkerFile(WORKER));
        this.workersStarted++;
        const worker = new Worker(file, { codeCacheDir: userCacheDir(), timeoutMs: this.timeoutMs, heapMb: this.heapMb } satisfies EvaluationWorkerData, this.heapMb);
        this.readByWorker = 0;
        return new Promise<Worker>((resolve, reject) => {
            const timer = setTimeout(() => fail(new Error(`the definition evaluator did not start within ${seconds(STARTUP_ALLOWANCE_MS)}`)), STARTUP_ALLOWANCE_MS);
            const fail = (error: Error): void => {
                clearTimeout(timer);
                this.retire(worker);
                reject(error);
            };
            worker.once('error', fail);
            worker.once('exit', (code) => fail(new Error(`the definition evaluator exited while starting (code ${code})`)));
            worker.once('message', () => {
                clearTimeout(timer);
                worker.removeAllListeners('error').removeAllListeners('exit');
                // Idle, it never keeps the CLI alive; runBatch holds it while it works.
                worker.unref();
                worker.on('error', () => this.retire(worker));
                worker.on('exit', () => this.retire(worker));
                resolve(worker);
            });
        });
    }

    private retire(worker: Worker): void {
        const current = this.worker;
        void current?.then(
            (w) => {
                if (w === worker && this.worker === current) this.worker = undefined;
            },
            () => {
                if (this.worker === current) this.worker = undefined;
            }
        );
        void worker.terminate();
    }

    /** Sends `items` to the worker; resolves undefined when every one was answered. */
    private async runBatch(items: readonly EvaluationItem[], onResult: (index: number, analysis: DefinitionAnalysis) => void, checkEachUntil: number): Promise<Stop | undefined> {
        const worker = await this.spawn();
        worker.ref();
        return new Promise<Stop | undefined>((resolve) => {
            let received = 0;
            // The item the worker is reading: what a hang, a crash or running out of memory is blamed on.
            let current = 0;
            let timer: ReturnType<typeof setTimeout> | undefined;
            let done = false;
            const finish = (stop: Stop | undefined, retire: boolean): void => {
                if (done) return;
                done = true;
                clearTimeout(timer);
                worker.off('message', onMessage).off('error', onError).off('exit', onExit);
                if (retire) {
                    this.worker = undefined;
                    void worker.terminate();
                } else worker.unref();
                resolve(stop);
            };
            const arm = (): void => {
                clearTimeout(timer);
                const ms = watchdogMs(this.timeoutMs);
                timer = setTimeout(() => finish({ index: current, failure: `its top-level code did not finish within ${seconds(ms)} and was stopped (an endless loop, or promises that never stop chaining?)` }, true), ms);
            };
            const onMessage = (message: EvaluationWorkerMessage): void => {
                if (message.t === 'progress') {
                    current = message.index;
                    this.readByWorker++;
                    arm();
                } else if (message.t === 'results') {
                    message.analyses.forEach((analysis, i) => onResult(message.from + i, analysis));
                    received = message.from + message.analyses.length;
                    if (message.retire) finish(received < items.length ? { index: received } : undefined, true);
                    else if (received === items.length) finish(undefined, false);
                } else if (message.t === 'tainted') {
                    finish({ index: message.from, checkEach: REALM_CHECK_GROUP }, true);
                }
            };
            const onError = (error: Error & { code?: string }): void => {
                if (error.code !== 'ERR_WORKER_OUT_OF_MEMORY') return finish({ index: current, failure: `the evaluation thread failed while reading it (${error.message})` }, true);
                // A worker that read others first may be full of their garbage: this bundle gets a fresh one before it is blamed.
                if (this.readByWorker > 1) return finish({ index: current, aloneFirst: true }, true);
                finish({ index: current, failure: `its top-level code ran out of memory (the limit is ${this.heapMb} MB) and was stopped` }, true);
            };
            const onExit = (code: number): void => finish({ index: current, failure: `its top-level code ended the evaluation thread (exit code ${code}); a function file must never end the process` }, true);
            worker.on('message', onMessage).on('error', onError).on('exit', onExit);
            worker.postMessage({ t: 'analyze', items, ...(checkEachUntil > 0 ? { checkEachUntil } : {}) });
            arm();
        });
    }

    async close(): Promise<void> {
        this.closed = true;
        const worker = await this.worker?.catch(() => undefined);
        this.worker = undefined;
        if (worker) await worker.terminate();
    }
}

/** A new evaluator with its own worker. Close it when done (an idle one never keeps the process alive). */
export function createDefinitionEvaluator(options: EvaluatorOptions = {}): DefinitionEvaluator {
    return new WorkerEvaluator(options);
}

let shared: DefinitionEvaluator | undefined;

/** The process's evaluator (compile, deploy and dev share one worker), started on first use. */
export function sharedDefinitionEvaluator(): DefinitionEvaluator {
    shared ??= createDefinitionEvaluator();
    return shared;
}
