/**
 * Writing a whole set of new files as one step: everything is written into a staging folder
 * beside the target first, then moved into place, so a failure (disk full, permissions) leaves
 * the target as it was and no half-written project behind.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export interface StagedFile {
    /** Path inside the target, with forward slashes. */
    path: string;
    content: string;
    /** File mode, e.g. 0o600 for a file that will hold secrets. */
    mode?: number;
}

async function exists(path: string): Promise<boolean> {
    return stat(path).then(
        () => true,
        () => false
    );
}

/** Writes `files` under `target`, creating `target` (and its parents) when missing. */
export async function writeTree(target: string, files: readonly StagedFile[]): Promise<void> {
    const targetExists = await exists(target);
    const parent = dirname(target);
    // mkdir reports the first folder it had to create, so a failure can take the parents back.
    const createdParent = targetExists ? undefined : await mkdir(parent, { recursive: true });
    // A new target is staged beside it and renamed into place in one step; an existing one
    // (which may sit in a read-only parent) is staged inside itself.
    // Not mkdtemp: its folder is private (0700), and a new target IS this folder once renamed; a
    // plain mkdir gets the mode the user's umask gives every other folder.
    const suffix = randomBytes(6).toString('hex');
    const staging = targetExists ? join(target, `.ferry-staging-${suffix}`) : join(parent, `.${basename(target)}.ferry-staging-${suffix}`);
    await mkdir(staging);
    try {
        for (const file of files) {
            const path = join(staging, ...file.path.split('/'));
            await mkdir(dirname(path), { recursive: true });
            // Plain writes: what is made atomic is the staging folder, moved into place as a whole.
            await writeFile(path, file.content, file.mode === undefined ? undefined : { mode: file.mode });
        }
        if (targetExists) await moveInto(staging, target);
        else await rename(staging, target);
    } catch (error) {
        if (createdParent !== undefined) await rm(createdParent, { recursive: true, force: true });
        throw error;
    } finally {
        await rm(staging, { recursive: true, force: true });
    }
}

/** Moves every file of `from` to the same place under `to`, replacing files there. */
async function moveInto(from: string, to: string): Promise<void> {
    for (const entry of await readdir(from, { withFileTypes: true })) {
        const source = join(from, entry.name);
        const destination = join(to, entry.name);
        if (entry.isDirectory() && (await exists(destination))) {
            await moveInto(source, destination);
            await rmdir(source);
        } else {
            await rename(source, destination);
        }
    }
}
