/** Templates from a checkout on disk (`--from`): the same tree as on GitHub, read offline. */
import { existsSync, realpathSync, statSync } from 'node:fs';
import { readdir, readFile, realpath } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { FerryError, errnoCode } from '../errors.js';
import type { SourceEntry, TemplateSource } from './source.js';

const TEMPLATES_DIR = 'integrations';

const isDir = (path: string): boolean => existsSync(path) && statSync(path).isDirectory();

/**
 * `folder` is either a checkout that contains `integrations/`, or a templates folder itself
 * (whatever its name): then its parent stands for the repository root, so imports that leave
 * the templates folder resolve the same way they would on GitHub.
 */
export function openLocalSource(folder: string, cwd: string): TemplateSource {
    const given = resolve(cwd, folder);
    if (!isDir(given)) {
        throw new FerryError({
            code: 'CLONE_FROM_NOT_FOUND',
            message: `--from ${folder}: ${existsSync(given) ? 'not a folder' : 'no such folder'}`,
            hint: 'Point --from at a checkout of the templates repository (the folder that contains integrations/), or at its integrations/ folder.'
        });
    }
    const root = isDir(join(given, TEMPLATES_DIR)) ? given : dirname(given);
    const templatesDir = root === given ? TEMPLATES_DIR : basename(given);
    const toFs = (repoPath: string): string => join(root, ...repoPath.split('/'));
    // A symlink may point anywhere (a template linked to /etc/passwd): only what resolves inside
    // the checkout is read, so clone never copies a file from elsewhere on the machine.
    const realRoot = realpathSync(root);
    const within = async (repoPath: string): Promise<string> => {
        const path = toFs(repoPath);
        const real = await realpath(path);
        if (real !== realRoot && !real.startsWith(realRoot + sep)) throw outsideError(repoPath, real, given);
        return real;
    };

    return {
        label: given,
        templatesDir,
        origin: { folder: given },
        flags: ['--from', folder],
        async list(dir) {
            try {
                const dirents = await readdir(await within(dir), { withFileTypes: true });
                return dirents.map(
                    (d): SourceEntry => ({ name: d.name, kind: d.isDirectory() ? 'dir' : d.isFile() ? 'file' : 'other' })
                );
            } catch (error) {
                if (error instanceof FerryError) throw error;
                if (errnoCode(error) === 'ENOENT' || errnoCode(error) === 'ENOTDIR') return undefined;
                throw readError(dir, error);
            }
        },
        async read(path) {
            try {
                return await readFile(await within(path));
            } catch (error) {
                if (error instanceof FerryError) throw error;
                if (errnoCode(error) === 'ENOENT' || errnoCode(error) === 'ENOTDIR' || errnoCode(error) === 'EISDIR') return undefined;
                throw readError(path, error);
            }
        },
        async explainMissingRoot() {
            return new FerryError({
                code: 'CLONE_FROM_NOT_TEMPLATES',
                message: `${given} has no templates (no ${join(root, templatesDir)} folder)`,
                hint: 'Point --from at a checkout of the templates repository (the folder that contains integrations/), or at its integrations/ folder.'
            });
        },
        abort() {},
        async close() {}
    };
}

function readError(path: string, error: unknown): FerryError {
    return new FerryError({
        code: 'CLONE_FROM_UNREADABLE',
        message: `Cannot read ${path} from the --from folder (${errnoCode(error) ?? (error as Error)?.message ?? 'unknown error'})`,
        hint: 'Check the permissions of the folder given to --from.',
        cause: error
    });
}

function outsideError(path: string, target: string, folder: string): FerryError {
    return new FerryError({
        code: 'CLONE_FROM_OUTSIDE',
        message: `${path} in the --from folder is a link to ${target}, outside ${folder}`,
        hint: 'Clone copies only files inside the checkout: replace the link with the file itself. Nothing was written.'
    });
}
