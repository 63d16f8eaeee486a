/**
 * A vm context is not a wall: any object Ferry hands a function (the nango object, zod, a timer)
 * leads back to the worker thread's own realm, e.g. `nango.get.constructor.constructor('return
 * process')()`. So the worker's `process` loses, before any function runs, whatever such code could
 * use to read a file (the project's .env), the machine's environment or Ferry's message channel.
 * Dynamic `import()` needs no removing: code vm compiled without an import callback is refused it,
 * and so is code created from it. The worker needs none of these after its own modules have loaded.
 */
const REMOVED = [
    // Loading Node's modules (fs, child_process, worker_threads...) or native code.
    'getBuiltinModule',
    'binding',
    '_linkedBinding',
    'dlopen',
    // Reading the environment: a .env file into process.env, or the process's real variables in a report.
    'loadEnvFile',
    'report',
    // The thread's handles include its MessagePort to the CLI.
    '_getActiveHandles',
    '_getActiveRequests',
    // Signalling (or replacing) the CLI's process.
    'kill',
    'execve'
] as const;

export function lockDownProcess(target: NodeJS.Process = process): void {
    for (const name of REMOVED) {
        try {
            Object.defineProperty(target, name, { value: undefined, writable: false, configurable: false, enumerable: false });
        } catch {
            // Already fixed in place: nothing a function could change either.
        }
    }
}

/** The names lockDownProcess removes, for tests. */
export const LOCKED_DOWN: readonly string[] = REMOVED;
