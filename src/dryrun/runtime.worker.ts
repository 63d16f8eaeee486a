/**
 * The worker thread a function runs in (started by sandbox.ts, built to dist/dryrun/runtime.worker.js).
 * It runs one job at a time and talks to the main thread by messages: `call` (answered by a
 * `reply` with the same id), one-way logs/issues/writes, and `done` with the outcome.
 */
import { parentPort } from 'node:worker_threads';
import type { WorkerHost } from './nango-object.js';
import type { CallRequest, MainMessage, WorkerMessage } from './protocol.js';
import { executeJob } from './worker-runtime.js';

const port = parentPort;
if (!port) throw new Error('runtime.worker must run as a worker thread');

let nextId = 1;
const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
/** Calls still in flight when the function returns (e.g. an un-awaited batchSave) finish before `done`. */
const inFlight = new Set<Promise<unknown>>();
let running: { fail(message: string): void } | undefined;

const post = (message: WorkerMessage): void => port.postMessage(message);

const host: WorkerHost = {
    call(call: CallRequest) {
        const id = nextId++;
        const promise = new Promise<unknown>((resolve, reject) => {
            pending.set(id, { resolve, reject });
            post({ t: 'call', id, call });
        });
        const tracked = promise.catch(() => undefined).finally(() => inFlight.delete(tracked));
        inFlight.add(tracked);
        return promise;
    },
    post
};

// A function's stray rejection or a throw in its timer must not kill a worker other runs share;
// while a job runs, it fails that job instead.
process.on('unhandledRejection', () => {});
process.on('uncaughtException', (error) => running?.fail(`uncaught error in a callback: ${(error as Error)?.message ?? String(error)}`));

port.on('message', (message: MainMessage) => {
    if (message.t === 'reply') {
        const waiter = pending.get(message.id);
        if (!waiter) return;
        pending.delete(message.id);
        if (message.ok) waiter.resolve(message.value);
        else waiter.reject(Object.assign(new Error(message.error.message), message.error.name ? { name: message.error.name } : {}));
        return;
    }
    if (message.t === 'run') {
        let settled = false;
        const finish = async (outcome: Awaited<ReturnType<typeof executeJob>>): Promise<void> => {
            if (settled) return;
            settled = true;
            running = undefined;
            await Promise.all([...inFlight]);
            post({ t: 'done', outcome });
        };
        running = {
            fail: (text) =>
                void finish({ checkpointJson: message.job.checkpointJson, issuesDropped: 0, models: [], error: { kind: 'exception', message: text } })
        };
        executeJob(message.job, host).then(finish, (error: unknown) =>
            finish({ checkpointJson: message.job.checkpointJson, issuesDropped: 0, models: [], error: { kind: 'internal', message: String((error as Error)?.message ?? error) } })
        );
    }
});
