/**
 * Writes never leave half a file behind: content goes to a temporary file beside the target,
 * then a rename (atomic on one file system) puts it in place.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';

function tempPathFor(target: string): string {
    return join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

export async function writeFileAtomic(target: string, content: string | Uint8Array): Promise<void> {
    await mkdir(dirname(target), { recursive: true });
    const temp = tempPathFor(target);
    try {
        await writeFile(temp, content);
        await rename(temp, target);
    } catch (error) {
        await rm(temp, { force: true });
        throw error;
    }
}

export interface FileWrite {
    path: string;
    content: string | Uint8Array;
}

/**
 * Writes many files as one step: every file is staged first, so a failure while staging (disk
 * full, permissions) changes nothing; only then are the renames done.
 */
export async function writeFilesAtomic(files: readonly FileWrite[]): Promise<void> {
    const staged: { temp: string; target: string }[] = [];
    try {
        for (const file of files) {
            await mkdir(dirname(file.path), { recursive: true });
            const temp = tempPathFor(file.path);
            staged.push({ temp, target: file.path });
            await writeFile(temp, file.content);
        }
    } catch (error) {
        await Promise.all(staged.map((s) => rm(s.temp, { force: true })));
        throw error;
    }
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
