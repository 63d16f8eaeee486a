/** Finding a project and reading its entries from index.ts. */
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { FerryError } from '../errors.js';
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

// Relative side-effect imports: `import './github/syncs/issues.js';`
const SIDE_EFFECT_IMPORT = /^\s*import\s+['"](\.\/[^'"]+)['"]\s*;?\s*(?:\/\/.*)?$/;
// A line that begins like one (a quote, or a path without quotes, right after `import`).
const STARTS_SIDE_EFFECT_IMPORT = /^\s*import\s*(?:['"`]|\.{1,2}\/)/;
// A complete side-effect import of something else (a package, a parent folder): valid, not an entry.
const OTHER_SIDE_EFFECT_IMPORT = /^\s*import\s*(['"])[^'"]*\1\s*;?\s*(?:\/\*.*?\*\/\s*)*(?:\/\/.*)?$/;

export interface IndexEntry {
    specifier: string;
    line: number;
}

export interface IndexScan {
    entries: IndexEntry[];
    /**
     * Lines that start a side-effect import but are not one (`import './x` without its closing
     * quote). TypeScript rejects them, but without the type-check nothing else reads index.ts, so
     * they would silently register nothing.
     */
    broken: { line: number; text: string }[];
}

/** The relative side-effect imports of index.ts, in order, and the lines that start one but do not parse. Comments are skipped. */
export function scanIndex(source: string): IndexScan {
    const scan: IndexScan = { entries: [], broken: [] };
    let inBlockComment = false;
    source.split(/\r?\n/).forEach((text, i) => {
        let line = text;
        if (inBlockComment) {
            const end = line.indexOf('*/');
            if (end === -1) return;
            inBlockComment = false;
            line = line.slice(end + 2);
        }
        if (/^\s*\/\*/.test(line) && !line.includes('*/')) {
            inBlockComment = true;
            return;
        }
        const match = SIDE_EFFECT_IMPORT.exec(line);
        if (match) scan.entries.push({ specifier: match[1]!, line: i + 1 });
        else if (STARTS_SIDE_EFFECT_IMPORT.test(line) && !OTHER_SIDE_EFFECT_IMPORT.test(line)) scan.broken.push({ line: i + 1, text: line.trim() });
    });
    return scan;
}

/** The relative side-effect imports of index.ts, in order. Comments are skipped. */
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
    const scan = scanIndex(source);
    for (const { line, text } of scan.broken) {
        problems.push({
            file: indexFile,
            line,
            code: 'ENTRY_SYNTAX',
            message: `index.ts:${line} does not parse (${clip(text)}): write it as import './<integration>/<syncs|actions|on-events>/<name>.js'; or remove the line`
        });
    }
    for (const { specifier, line } of scan.entries) {
        const relPath = specifierToRelPath(specifier);
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

/** A line as quoted in a message: short enough to keep the message on one line. */
function clip(text: string): string {
    return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
