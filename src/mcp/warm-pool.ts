/**
 * One pool of function sandboxes for the life of the server: `ferry test` starts its workers (and
 * the zod each loads) on every run, which is most of a small run's time; a server answering
 * test after test keeps them. Workers are unref'd when idle, and a retired one (a timeout, a
 * crash) is started again on its next job, so keeping the pool costs nothing between calls.
 */
import { availableParallelism } from 'node:os';
import type { Sandbox } from '../runtime/sandbox.js';

export interface WarmPool {
    /** The shared pool, started on first use; its close() is the server's, not the caller's. */
    get(): Promise<Sandbox>;
    close(): Promise<void>;
}

export function warmPool(size = availableParallelism()): WarmPool {
    let pool: Promise<Sandbox> | undefined;
    return {
        get() {
            pool ??= import('../runtime/run.js').then(({ createSandboxPool }) => createSandboxPool(size));
            return pool.then((shared) => ({ size: shared.size, run: (job, handlers, options) => shared.run(job, handlers, options), close: async () => {} }));
        },
        async close() {
            await (await pool)?.close();
        }
    };
}
