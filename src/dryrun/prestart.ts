/**
 * What `ferry dryrun` can start before its flags are parsed: the worker thread the function will
 * run in (booting it and loading zod there is the longest wait before the first request) and,
 * when the project has no compile cache at all (so the function must be bundled), esbuild's
 * service. src/cli.ts calls this as soon as it sees the command. Both are unref'd: a run that
 * ends early (--help, a bad flag, an unknown function) exits as it did, with nothing printed.
 * Its Ctrl-C handling starts here too (holdInterrupts), so no signal finds Node's default.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { COMPILE_CACHE_FILE } from '../compiler/layout.js';
import { prestartSandbox } from '../runtime/sandbox.js';

/** Starts the worker at once; resolves once esbuild is started too (or known not to be needed). */
export async function prestartDryrun(cwd: string): Promise<void> {
    prestartSandbox();
    // Loaded only now: the thread starts before these modules are even read.
    const [{ startBundler }, { findProjectRoot }] = await Promise.all([import('../compiler/bundle.js'), import('../project/project.js')]);
    let root: string;
    try {
        root = findProjectRoot(cwd);
    } catch {
        // Not a project: the command says so in its own words.
        return;
    }
    // With a cache, build/ may hold the function's bundle and esbuild is often not needed at all;
    // the dry run starts it itself when the cache does not vouch for the bundle.
    if (!existsSync(join(root, COMPILE_CACHE_FILE))) startBundler();
}

export interface Interrupts {
    /** Aborted by the first SIGINT or SIGTERM since holdInterrupts. */
    signal: AbortSignal;
    /**
     * Gives the signals back to Node once this turn of the event loop is over: what follows
     * synchronously (printing the outcome or the error, exiting) is not cut short by a Ctrl-C,
     * and a process that lives on can be stopped as usual.
     */
    release(): void;
}

let held: Interrupts | undefined;

/**
 * SIGINT and SIGTERM become an abort from now on, rather than Node's immediate exit: the dry run
 * stops, exits 130 and still prints its one --json document even when the signal came before the
 * command started. Repeats are ignored until release: a second Ctrl-C during the clean-up would
 * otherwise meet Node's default, leaving the --out temporary file and no --json document. One
 * set of handlers per process; later calls get the same one.
 */
export function holdInterrupts(): Interrupts {
    if (held) return held;
    const controller = new AbortController();
    const onSignal = (): void => controller.abort();
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    held = {
        signal: controller.signal,
        release() {
            held = undefined;
            setImmediate(() => {
                process.off('SIGINT', onSignal);
                process.off('SIGTERM', onSignal);
            }).unref();
        }
    };
    return held;
}
