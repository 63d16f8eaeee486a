/**
 * A vm context is not a wall: any object Ferry hands a function (the nango object, zod, a timer)
 * leads back to the worker process's own realm, e.g. `nango.get.constructor.constructor('return
 * process')()`. So, before any function runs, the worker's realm loses what such code could use to
 * read a file (the project's .env) or the machine's environment, and the network calls that would
 * go around the platform's proxy. Dynamic `import()` needs no removing: code vm compiled without an
 * import callback is refused it, and so is code created from it. The worker needs none of these
 * once its own modules have loaded.
 */
const PROCESS_REMOVED = [
    // Loading Node's modules (fs, child_process, worker_threads...) or native code.
    'getBuiltinModule',
    'binding',
    '_linkedBinding',
    'dlopen',
    // Reading the environment: a .env file into process.env, or the process's real variables in a report.
    'loadEnvFile',
    'report',
    // The thread's handles: its sockets and message port.
    '_getActiveHandles',
    '_getActiveRequests',
    // Signalling (or replacing) the CLI's process; _debugProcess signals a pid to open its inspector.
    'kill',
    '_kill',
    'execve',
    '_debugProcess',
    '_debugEnd',
    'abort',
    // Writes straight to the CLI's stderr (fd 2), past the worker's own, discarded, streams: the
    // terminal is the CLI's, and only what Ferry prints (escaped) reaches it.
    '_rawDebug'
] as const;

/** Every provider call goes through nango and the platform's proxy. */
const GLOBALS_REMOVED = ['fetch', 'WebSocket', 'EventSource'] as const;

export const LOCKED_DOWN = { process: PROCESS_REMOVED, globals: GLOBALS_REMOVED } as const;

/** Removes the capabilities above; throws when one cannot be removed, so no function runs with it. */
export function lockDown(proc: object = process, global: object = globalThis): void {
    remove(proc, PROCESS_REMOVED, 'process.');
    remove(global, GLOBALS_REMOVED, '');
}

function remove(target: object, names: readonly string[], prefix: string): void {
    for (const name of names) {
        try {
            Object.defineProperty(target, name, { value: undefined, writable: false, configurable: false, enumerable: false });
        } catch {
            // Checked below: a property fixed in place by Node keeps its value.
        }
        if ((target as Record<string, unknown>)[name] !== undefined) {
            throw new Error(`the function sandbox could not remove ${prefix}${name} on Node ${process.version}`);
        }
    }
}
