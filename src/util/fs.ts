/**
 * Writes never leave half a file behind: content goes to a temporary file beside the target,
 * then a rename (atomic on one file system) puts it in place. A run killed before its rename
 * leaves its temporary file; the next write to that folder removes it (cleanStaleTemps).
 */
import { randomBytes } from 'node:crypto';
import { lstatSync, renameSync, rmSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';

/** `.<name>.<pid>.<8 hex>.tmp`: the pid says whose it is, so only a dead writer's are removed. */
const TEMP_NAME = /^\.(.+)\.(\d+)\.[0-9a-f]{8}\.tmp$/;

export function tempPathFor(target: string): string {
    return join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/** Whether a process with this id is running (a pid reused by another program counts as running). */
export function isRunning(pid: number): boolean {
    if (!Number.isSafeInteger(pid) || pid <= 0) return false;
    if (pid === process.pid) return true;
    try {
        process.kill(pid, 0);
        return true;
    } catch (error) {
        // EPERM: it exists, owned by someone else.
        return (error as NodeJS.ErrnoException).code === 'EPERM';
    }
}

/**
 * Removes the temporary files of writers that died before their rename (kill -9, a crash, power
 * loss), in `dir`, or only those of the target `name` in it. Never throws: it is housekeeping.
 */
export async function cleanStaleTemps(dir: string, name?: string): Promise<string[]> {
    const entries = await readdir(dir).catch(() => [] as string[]);
    const stale = entries.filter((entry) => {
        const match = TEMP_NAME.exec(entry);
        return match !== null && (name === undefined || match[1] === name) && !isRunning(Number(match[2]));
    });
    await Promise.all(stale.map((entry) => rm(join(dir, entry), { force: true }).catch(() => undefined)));
    return stale.map((entry) => join(dir, entry));
}

/** Node's write errors (ENOSPC above all) name no file: the target is what the user knows. */
export function withPath(error: unknown, target: string): unknown {
    if (typeof error === 'object' && error !== null && 'code' in error && !('path' in error)) Object.assign(error, { path: target });
    return error;
}

export async function writeFileAtomic(target: string, content: string | Uint8Array): Promise<void> {
    await mkdir(dirname(target), { recursive: true });
    await cleanStaleTemps(dirname(target), basename(target));
    const temp = tempPathFor(target);
    try {
        await writeFile(temp, content);
        await rename(temp, target);
    } catch (error) {
        await rm(temp, { force: true });
        throw withPath(error, target);
    }
}

export interface FileWrite {
    path: string;
    content: string | Uint8Array;
}

interface Staged {
    temp: string;
    target: string;
}

/** Every file to a temporary file beside its target; on a failure none stays. */
async function stage(files: readonly FileWrite[]): Promise<Staged[]> {
    const staged: Staged[] = [];
    try {
        for (const file of files) {
            await mkdir(dirname(file.path), { recursive: true });
            const temp = tempPathFor(file.path);
            staged.push({ temp, target: file.path });
            await writeFile(temp, file.content).catch((error: unknown) => Promise.reject(withPath(error, file.path)));
        }
    } catch (error) {
        await Promise.all(staged.map((s) => rm(s.temp, { force: true })));
        throw error;
    }
    return staged;
}

/**
 * Writes many files as one step: every file is staged first, so a failure while staging (disk
 * full, permissions) changes nothing; only then are the renames done.
 */
export async function writeFilesAtomic(files: readonly FileWrite[]): Promise<void> {
    const staged = await stage(files);
    for (const [index, s] of staged.entries()) {
        try {
            await rename(s.temp, s.target);
        } catch (error) {
            // A target that cannot be replaced (a folder by that name): no temporary file stays behind.
            await Promise.all(staged.slice(index).map((rest) => rm(rest.temp, { force: true })));
            throw error;
        }
    }
}

/** What a commit still has to do once its journal is written: renames, then removals. */
interface Journal {
    renames: [temp: string, target: string][];
    removals: string[];
}

/**
 * Renames (and removals) as one switch that survives kill -9. The caller stages every source
 * first (temporary files, links: a failure or a kill then changes nothing, and the next run
 * cleans them); the journal, written atomically, is the commit point; then the renames and
 * removals. A kill after the commit point leaves the journal, and recoverCommit (run before
 * anything reads the targets again) finishes the switch. When the journal cannot be written, the
 * staged sources are removed.
 */
export async function commitRenames(journalPath: string, renames: readonly [temp: string, target: string][], removals: readonly string[] = []): Promise<void> {
    const journal: Journal = { renames: renames.map(([temp, target]) => [temp, target]), removals: [...removals] };
    try {
        await writeFileAtomic(journalPath, JSON.stringify(journal));
    } catch (error) {
        await Promise.all(renames.map(([temp]) => rm(temp, { force: true })));
        throw error;
    }
    await applyJournal(journal);
    await rm(journalPath, { force: true });
}

/** Finishes a commit a killed run left half done. Returns whether there was one. */
export async function recoverCommit(journalPath: string): Promise<boolean> {
    let journal: Journal;
    try {
        journal = JSON.parse(await readFile(journalPath, 'utf8')) as Journal;
    } catch {
        // No journal (the usual case), or never fully written: then no rename had started.
        return false;
    }
    if (Array.isArray(journal.renames) && Array.isArray(journal.removals)) await applyJournal(journal);
    await rm(journalPath, { force: true });
    return true;
}

/**
 * Synchronous on purpose: the renames run back to back, with no turn of the event loop between
 * them, since this is the only moment a kill can leave old and new files side by side (with the
 * journal, which lets the next run finish the switch).
 */
async function applyJournal(journal: Journal): Promise<void> {
    for (const [temp, target] of journal.renames) {
        try {
            renameSync(temp, target);
        } catch (error) {
            const code = (error as NodeJS.ErrnoException).code;
            // Renamed already, before a kill: nothing left to do for this one.
            if (code === 'ENOENT') continue;
            // Windows renames nothing over a directory link (a junction): that one is removed first,
            // which opens a moment without it, closed by this journal if a kill falls there.
            if (process.platform === 'win32' && isLink(target)) {
                rmSync(target);
                renameSync(temp, target);
                continue;
            }
            throw withPath(error, target);
        }
    }
    for (const file of journal.removals) rmSync(file, { force: true });
}

function isLink(path: string): boolean {
    try {
        return lstatSync(path).isSymbolicLink();
    } catch {
        return false;
    }
}
