/**
 * One compile of a project at a time: two overlapping compiles would each write bundles, the
 * manifest and the cache from their own view of the sources. The lock is a file holding the
 * holder's pid, created exclusively; a lock whose pid is no longer running (killed, crashed) is
 * taken over.
 */
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { isRunning, tempPathFor, withPath } from './fs.js';

export interface LockOptions {
    /** Called once, when another live process holds the lock and this one starts waiting. */
    onWait?: (holderPid: number) => void;
    /** How often to look again while waiting, ms. */
    pollMs?: number;
    signal?: AbortSignal;
}

export type Release = () => Promise<void>;

/** What a command prints when its compile waits for the lock. */
export function waitingMessage(holderPid: number): string {
    return `waiting for another compile of this project (pid ${holderPid})`;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until this process holds the lock at `lockPath`; returns the function that lets it go. */
export async function acquireLock(lockPath: string, options: LockOptions = {}): Promise<Release> {
    await mkdir(dirname(lockPath), { recursive: true });
    let waitingFor: number | undefined;
    for (;;) {
        options.signal?.throwIfAborted();
        // Written beside it, then linked into place: the lock never exists without its pid, so an
        // empty file is never mistaken for a dead holder's.
        const temp = tempPathFor(lockPath);
        try {
            await writeFile(temp, String(process.pid)).catch((error: unknown) => Promise.reject(withPath(error, lockPath)));
            await link(temp, lockPath);
            return async () => {
                // Only our own lock: a holder that outlived a takeover must not free the next one's.
                if ((await holderOf(lockPath)) === process.pid) await rm(lockPath, { force: true });
            };
        } catch (error) {
            if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        } finally {
            await rm(temp, { force: true });
        }
        const holder = await holderOf(lockPath);
        if (holder === undefined || !isRunning(holder)) {
            // A lock of a process that died (or a file cut short before its pid was written):
            // removed only if it still holds what was read, so a fresh lock taken meanwhile stays.
            if ((await holderOf(lockPath)) === holder) await rm(lockPath, { force: true });
            continue;
        }
        if (waitingFor !== holder) {
            waitingFor = holder;
            options.onWait?.(holder);
        }
        await sleep(options.pollMs ?? 100);
    }
}

/** The pid in a lock file; -1 when the file is gone, undefined when it holds no number. */
async function holderOf(lockPath: string): Promise<number | undefined> {
    const text = await readFile(lockPath, 'utf8').catch(() => undefined);
    if (text === undefined) return -1;
    const pid = Number(text.trim());
    return text.trim() !== '' && Number.isSafeInteger(pid) ? pid : undefined;
}

/** Runs `task` while holding the lock. */
export async function withLock<T>(lockPath: string, options: LockOptions, task: () => Promise<T>): Promise<T> {
    const release = await acquireLock(lockPath, options);
    try {
        return await task();
    } finally {
        await release();
    }
}
