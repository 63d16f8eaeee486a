/** A folder's contents as path -> sha256, to prove a refused command changed nothing. */
import { createHash } from 'node:crypto';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';

/** Every entry under `dir` (files hashed, folders and symlinks recorded, symlinks not followed). */
export async function hashTree(dir: string): Promise<Record<string, string>> {
    const tree: Record<string, string> = {};
    const walk = async (current: string, prefix: string): Promise<void> => {
        for (const name of (await readdir(current)).sort()) {
            const path = join(current, name);
            const rel = prefix ? `${prefix}/${name}` : name;
            const info = await lstat(path);
            if (info.isSymbolicLink()) tree[rel] = `link:${await readlink(path)}`;
            else if (info.isDirectory()) {
                tree[`${rel}/`] = 'dir';
                await walk(path, rel);
            } else tree[rel] = createHash('sha256').update(await readFile(path)).digest('hex');
        }
    };
    await walk(dir, '');
    return tree;
}
