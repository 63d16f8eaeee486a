/** Finding a project and reading its entries from index.ts. */
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, posix, resolve } from 'node:path';
import { FerryError } from '../errors.js';
import { scanIndex, scanIndexLoaded, type IndexEntry } from './index-scan.js';
import { TYPE_OF, type FunctionFolder, type FunctionRef, type Project } from './types.js';

export function isProjectRoot(dir: string): boolean {
    return existsSync(join(dir, 'index.ts')) && existsSync(join(dir, '.nango')) && statSync(join(dir, '.nango')).isDirectory();
}

/** The nearest folder at or above `cwd` that has `index.ts` and `.nango/`. */
export function findProjectRoot(cwd: string): string {
    let dir = resolve(cwd);
    for (;;) {
        if (isProjectRoot(dir)) return dir;
        const parent = dirname(dir);
        if (parent === dir) break;
        dir = parent;
    }
    throw notAProject(cwd);
}

export function notAProject(cwd: string): FerryError {
    return new FerryError({
        code: 'NOT_A_PROJECT',
        message: `${cwd} is not inside a functions project (no folder with both index.ts and .nango/)`,
        hint: 'Run this inside your functions folder, or create one with `ferry init`.'
    });
}

/** The relative side-effect imports of index.ts, in order: the functions it registers. */
export function parseIndexImports(source: string): IndexEntry[] {
    return scanIndex(source).entries;
}

/** `./github/syncs/issues.js` -> `github/syncs/issues.ts` */
export function specifierToRelPath(specifier: string): string {
    return specifier.replace(/^\.\//, '').replace(/\.(js|ts|mjs|cjs)$/, '') + '.ts';
}

/** Classifies a registered file; undefined when its path is not `<integration>/<syncs|actions|on-events>/<name>.ts`. */
export function toFunctionRef(root: string, relPath: string, indexLine: number): FunctionRef | undefined {
    const parts = relPath.split('/');
    if (parts.length !== 3) return undefined;
    const [integration, folder, file] = parts as [string, string, string];
    if (!(folder in TYPE_OF)) return undefined;
    const name = file.replace(/\.ts$/, '');
    const typedFolder = folder as FunctionFolder;
    return {
        integration,
        folder: typedFolder,
        type: TYPE_OF[typedFolder],
        name,
        file: join(root, relPath),
        relPath,
        id: `${integration}_${typedFolder}_${name}`,
        indexLine
    };
}

export interface ProjectProblem {
    file: string;
    line: number;
    code: string;
    message: string;
}

export interface LoadedProject extends Project {
    /** Imports in index.ts that do not name a function file or point at a missing file. */
    problems: ProjectProblem[];
}

export async function loadProject(cwd: string): Promise<LoadedProject> {
    const root = findProjectRoot(cwd);
    const indexFile = join(root, 'index.ts');
    const source = await readFile(indexFile, 'utf8');
    const entries: FunctionRef[] = [];
    const problems: ProjectProblem[] = [];
    const scan = await scanIndexLoaded(source);
    for (const { line, text, fix } of scan.broken) {
        // The diagnostic carries index.ts:line already.
        problems.push({ file: indexFile, line, code: 'ENTRY_SYNTAX', message: `this import does not parse (${clip(text)}): ${fix}` });
    }
    for (const { specifier, line } of scan.entries) {
        const relPath = specifierToRelPath(specifier);
        if (specifier === '..' || leavesProject(relPath)) {
            problems.push({
                file: indexFile,
                line,
                code: 'ENTRY_BAD_PATH',
                message: `index.ts imports '${clip(specifier)}', which is outside the project: functions must be at <integration>/<syncs|actions|on-events>/<name>.ts inside it`
            });
            continue;
        }
        const ref = toFunctionRef(root, relPath, line);
        if (!existsSync(join(root, relPath))) {
            problems.push({
                file: indexFile,
                line,
                code: 'ENTRY_NOT_FOUND',
                message: `index.ts imports '${specifier}' but ${relPath} does not exist: create the file or remove the import`
            });
            continue;
        }
        if (!ref) {
            problems.push({
                file: indexFile,
                line,
                code: 'ENTRY_BAD_PATH',
                message: `index.ts imports '${specifier}', which is not at <integration>/<syncs|actions|on-events>/<name>.ts: move the function there`
            });
            continue;
        }
        entries.push(ref);
    }
    problems.sort((a, b) => a.line - b.line);
    return { root, indexFile, entries, problems };
}

/** `../x.ts`, `a/../../x.ts`, `/x.ts`: a path that does not stay inside the project root. */
function leavesProject(relPath: string): boolean {
    const normal = posix.normalize(relPath.replace(/\\/g, '/'));
    return normal.startsWith('/') || normal.startsWith('../');
}

/** Code as quoted in a message: short enough to keep the message on one line. */
function clip(text: string): string {
    return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
