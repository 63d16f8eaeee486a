/**
 * The generation before the current one is kept, and the next compile writes into it (double
 * buffering): it differs from the current one only in the names the last switch wrote or
 * dropped, so bringing it up to date and applying a change costs what changed, not a link per
 * bundle (one edit in a 2,000-function project: a few operations instead of 4,000). The record
 * of that difference is trusted only while both folders are as the switch left them (their
 * inode, mtime and ctime), and it is cleared before the kept folder is touched, so a kill or an
 * outside edit makes the next compile build a fresh generation instead.
 */
import { copyFileSync, linkSync, readdirSync, readFileSync, statSync, unlinkSync, type Dirent } from 'node:fs';
import { join } from 'node:path';
import { withPath, writeFileAtomic } from '../util/fs.js';
import type { ProjectPaths } from './layout.js';

/** In the cache folder: which two generations exist and how they differ. */
const BUFFER_FILE_NAME = 'build-generations.json';

interface BufferRecord {
    current: string;
    previous: string;
    /** Names written or dropped by the switch from `previous` to `current`. */
    changed: string[];
    currentStamp: string;
    previousStamp: string;
}

function folderStamp(folder: string): string | undefined {
    try {
        const info = statSync(folder, { bigint: true });
        return `${info.ino}:${info.mtimeNs}:${info.ctimeNs}`;
    } catch {
        return undefined;
    }
}

function readRecord(paths: ProjectPaths): BufferRecord | undefined {
    try {
        const record = JSON.parse(readFileSync(join(paths.cacheDir, BUFFER_FILE_NAME), 'utf8')) as Partial<BufferRecord>;
        if (typeof record.current !== 'string' || typeof record.previous !== 'string' || !Array.isArray(record.changed)) return undefined;
        return record as BufferRecord;
    } catch {
        return undefined;
    }
}

/** The kept previous generation when its record still holds for `current`. */
export function reusableGeneration(paths: ProjectPaths, current: string | undefined): BufferRecord | undefined {
    const record = readRecord(paths);
    if (!current || !record || record.current !== current || record.previous === current) return undefined;
    const holds =
        folderStamp(join(paths.generationsDir, record.current)) === record.currentStamp && folderStamp(join(paths.generationsDir, record.previous)) === record.previousStamp;
    return holds ? record : undefined;
}

/** The generations to keep: the current one, and the previous one while its record holds. */
export function keptGenerations(paths: ProjectPaths, current: string | undefined): Set<string> {
    const kept = new Set<string>(current ? [current] : []);
    const record = reusableGeneration(paths, current);
    if (record) kept.add(record.previous);
    return kept;
}

function linkOrCopy(from: string, to: string): void {
    try {
        linkSync(from, to);
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
        // A file system without hard links: a copy keeps the compile correct, only slower.
        try {
            copyFileSync(from, to);
        } catch (copyError) {
            throw withPath(copyError, to);
        }
    }
}

function unlinkIfThere(path: string): void {
    try {
        unlinkSync(path);
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw withPath(error, path);
    }
}

/**
 * Every file of `from` but those in `skip`, into the empty folder `to`: a hard link each.
 * Synchronous on purpose, as the rest here: thousands of small operations queued on libuv's
 * four threads cost several times more than the operations themselves.
 */
export function carryAll(from: string, to: string, skip: ReadonlySet<string>): void {
    let entries: Dirent[];
    try {
        entries = readdirSync(from, { withFileTypes: true });
    } catch {
        return;
    }
    for (const { name } of entries.filter((entry) => entry.isFile() && !skip.has(entry.name))) linkOrCopy(join(from, name), join(to, name));
}

/**
 * Makes the kept generation of `record` a copy of the current one without the names in `skip`
 * (those the caller writes or drops now). Its record is cleared first: from here on the folder
 * is neither generation until the switch records it again.
 */
export async function catchUp(paths: ProjectPaths, record: BufferRecord, skip: ReadonlySet<string>): Promise<void> {
    await writeFileAtomic(join(paths.cacheDir, BUFFER_FILE_NAME), '{}');
    const current = join(paths.generationsDir, record.current);
    const kept = join(paths.generationsDir, record.previous);
    const differ = new Set([...record.changed, ...skip]);
    for (const name of differ) unlinkIfThere(join(kept, name));
    for (const name of record.changed) if (!skip.has(name)) linkOrCopy(join(current, name), join(kept, name));
}

/** After a switch from `previous` to `current`, which differ in `changed`. Never throws: without it the next compile only builds afresh. */
export async function recordSwitch(paths: ProjectPaths, current: string, previous: string | undefined, changed: Iterable<string>): Promise<void> {
    const currentStamp = folderStamp(join(paths.generationsDir, current));
    const previousStamp = previous ? folderStamp(join(paths.generationsDir, previous)) : undefined;
    const record: BufferRecord | Record<string, never> =
        previous && currentStamp && previousStamp ? { current, previous, changed: [...changed], currentStamp, previousStamp } : {};
    await writeFileAtomic(join(paths.cacheDir, BUFFER_FILE_NAME), JSON.stringify(record)).catch(() => undefined);
}

export function namesIn(folder: string): string[] {
    try {
        return readdirSync(folder);
    } catch {
        return [];
    }
}
