/**
 * The process a function runs in (started by sandbox.ts through util/child-worker.ts, built to
 * dist/runtime/runtime.worker.js). It runs one job at a time and talks to the CLI by messages: `call` (answered by a
 * `reply` with the same id), one-way logs/issues/writes, and `done` with the outcome. Every
 * message carries the run's number so leftovers of a finished run are ignored.
 */
import { requirePlatformModule } from '../compiler/evaluate.js';
import { useCodeCacheDir } from '../compiler/vendored-zod.js';
import { limitBinaryMemory } from './binary-memory.js';
import { lockDown } from './lockdown.js';
import type { WorkerHost } from './nango-context.js';
import type { JobOutcome, MainMessage, WorkerData, WorkerMessage } from './protocol.js';
import { executeJob } from './worker-runtime.js';

const send = process.send?.bind(process);
if (!send) throw new Error('runtime.worker must be started by the sandbox (runtime/sandbox.ts)');
const data = JSON.parse(process.argv[2] ?? '{}') as Partial<WorkerData>;
useCodeCacheDir(data.codeCacheDir);
// Binary data counts toward the process's heap limit (sandbox.ts sets it).
limitBinaryMemory(data.heapMb ? data.heapMb * 1048576 : undefined);
lockDown();

let nextId = 1;
const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
let running: { fail(message: string): void } | undefined;

// Bound now: a function that patches process.send later must not be handed our messages.
const post = (message: WorkerMessage): void => void send(message, (error: Error | null) => void error);

function hostFor(job: number, inFlight: Set<Promise<unknown>>): WorkerHost {
    return {
        call(call) {
            const id = nextId++;
            const promise = new Promise<unknown>((resolve, reject) => {
                pending.set(id, { resolve, reject });
                post({ t: 'call', job, id, call });
            });
            const tracked: Promise<unknown> = promise.catch(() => undefined).finally(() => inFlight.delete(tracked));
            inFlight.add(tracked);
            return promise;
        },
        post: (notice) => post({ ...notice, job })
    };
}

// A function's stray rejection must not kill a worker other runs share. A throw in one of its
// callbacks fails the run it belongs to, and the worker is retired after it.
process.on('unhandledRejection', () => {});
process.on('uncaughtException', (error) => running?.fail(`uncaught error in a callback: ${(error as Error)?.message ?? String(error)}`));

process.on('message', (message: MainMessage) => {
    if (message.t === 'reply') {
        const waiter = pending.get(message.id);
        if (!waiter) return;
        pending.delete(message.id);
        if (message.ok) waiter.resolve(message.value);
        else waiter.reject(Object.assign(new Error(message.error.message), message.error.name ? { name: message.error.name } : {}));
        return;
    }
    if (message.t === 'run') {
        const { job, jobId } = message;
        post({ t: 'started', job: jobId });
        const inFlight = new Set<Promise<unknown>>();
        let settled = false;
        const finish = async (outcome: JobOutcome): Promise<void> => {
            if (settled) return;
            settled = true;
            running = undefined;
            // Calls still in flight (e.g. an un-awaited batchSave) land before the outcome.
            await Promise.all([...inFlight]);
            post({ t: 'done', job: jobId, outcome });
        };
        const failed = (kind: 'exception' | 'internal', text: string): JobOutcome => ({ checkpointJson: job.checkpointJson, issuesDropped: 0, models: [], error: { kind, message: text }, retire: true });
        running = { fail: (text) => void finish(failed('exception', text)) };
        executeJob(job, hostFor(jobId, inFlight)).then(finish, (error: unknown) => finish(failed('internal', String((error as Error)?.message ?? error))));
    }
});

// Most functions import zod: load it while the process is idle, before the first run asks.
setImmediate(() => {
    try {
        requirePlatformModule('zod');
    } catch {
        // A missing zod surfaces when a function requires it, with the function's own error.
    }
});
