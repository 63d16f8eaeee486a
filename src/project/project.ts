/** Finding a project and reading its entries from index.ts. */
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, posix, resolve } from 'node:path';
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

export interface IndexEntry {
    specifier: string;
    line: number;
}

export interface IndexScan {
    entries: IndexEntry[];
    /**
     * `import` keywords followed by something that is not a whole import (`import './x` without
     * its closing quote). TypeScript rejects them, but without the type-check nothing else reads
     * index.ts, so they would silently register nothing. `text` runs from `import` to the end of
     * its line; `fix` says what to change.
     */
    broken: { line: number; text: string; fix: string }[];
}

const EXAMPLE = "import './<integration>/<syncs|actions|on-events>/<name>.js';";
const LINE_BREAK = /[\n\r\u2028\u2029]/;
const WORD = /[\p{ID_Continue}$\u200c\u200d\\]+/uy;
const WORD_START = /[\p{ID_Start}$_\\]/uy;
// ASCII fast paths: an index.ts is almost all ASCII, and compiling the Unicode classes above costs
// more than scanning a 500-function index.ts; they serve only words with other characters.
const isAsciiWordStart = (code: number): boolean => (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || code === 36 || code === 95;
const isAsciiWordPart = (code: number): boolean => isAsciiWordStart(code) || (code >= 48 && code <= 57);
const isLineBreak = (code: number): boolean => code === 10 || code === 13 || code === 0x2028 || code === 0x2029;
const isSpace = (code: number): boolean => code === 32 || (code >= 9 && code <= 13) || (code > 127 && /\s/.test(String.fromCharCode(code)));
const NUMBER = /[\d.][\p{ID_Continue}.]*/uy;
// Words after which `/` starts a regular expression rather than dividing.
const BEFORE_EXPRESSION = new Set(['return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case', 'do', 'else', 'yield', 'await', 'default', 'extends']);

/**
 * The side-effect imports of index.ts (relative ones are the functions it registers), in order,
 * and the imports that start like one but do not parse. A small lexer over the whole file, not a
 * line match: comments, strings and template literals (with their `${}`) are skipped, so an
 * import may share its line with other code or comments, and text inside a string is not code.
 */
export function scanIndex(source: string): IndexScan {
    return scanPlainIndex(source) ?? lexIndex(source);
}

// An index.ts as Ferry and Nango write it: nothing but `import './x.js';` lines, blank lines and
// `//` comments. Read a line at a time with one native regex that cannot backtrack far;
// every other file goes through the lexer, which gives the same answer for these (tested) but
// costs several milliseconds before the JIT warms up.
const PLAIN_LINE = /^[ \t]*(?:import[ \t]+(?:'([^'\\\r\n]*)'|"([^"\\\r\n]*)")[ \t]*(?:;[ \t]*)?|\/\/.*)?$/;

/**
 * A side-effect import of a file rather than a package: `./x`, and also `../x` and `/x`, which
 * can never be a function of this project but must be refused, not skipped (an index.ts holding
 * only such lines would otherwise compile as "0 functions" and delete every bundle).
 */
function isPathSpecifier(specifier: string): boolean {
    return (specifier.startsWith('./') && specifier.length > 2) || specifier.startsWith('../') || specifier === '..' || specifier.startsWith('/');
}

/** The scan of a plain index.ts, or undefined when it holds anything else. */
function scanPlainIndex(source: string): IndexScan | undefined {
    // JavaScript ends a line (and a comment) at U+2028 and U+2029 too: the lexer knows, the regex does not.
    if (source.includes('\u2028') || source.includes('\u2029')) return undefined;
    const entries: IndexEntry[] = [];
    const lines = source.split(/\r?\n/);
    for (let index = 0; index < lines.length; index++) {
        const match = PLAIN_LINE.exec(lines[index]!);
        if (!match) return undefined;
        const specifier = match[1] ?? match[2];
        if (specifier !== undefined && isPathSpecifier(specifier)) entries.push({ specifier, line: index + 1 });
    }
    return { entries, broken: [] };
}

/** The lexer: any index.ts TypeScript accepts (and the imports that break it). */
export function lexIndex(source: string): IndexScan {
    const scan: IndexScan = { entries: [], broken: [] };
    const n = source.length;
    const lineStarts = [0];
    for (let at = source.indexOf('\n'); at !== -1; at = source.indexOf('\n', at + 1)) lineStarts.push(at + 1);
    const lineOf = (pos: number): number => {
        let low = 0;
        let high = lineStarts.length - 1;
        while (low < high) {
            const mid = (low + high + 1) >> 1;
            if (lineStarts[mid]! <= pos) low = mid;
            else high = mid - 1;
        }
        return low + 1;
    };
    const lineEnd = (pos: number): number => {
        while (pos < n && !isLineBreak(source.charCodeAt(pos))) pos++;
        return pos;
    };
    const wordAt = (pos: number): string | undefined => {
        const first = source.charCodeAt(pos);
        if (first < 128 && first !== 92) {
            if (!isAsciiWordStart(first)) return undefined;
            let end = pos + 1;
            while (end < n && isAsciiWordPart(source.charCodeAt(end))) end++;
            // A word that goes on with other characters (or an escape) takes the Unicode path.
            const next = end < n ? source.charCodeAt(end) : 0;
            if (next < 128 && next !== 92) return source.slice(pos, end);
        }
        WORD_START.lastIndex = pos;
        if (!WORD_START.test(source)) return undefined;
        WORD.lastIndex = pos;
        return WORD.exec(source)![0];
    };
    /** Past whitespace and comments; `newline` when a line break was crossed (inside a block comment too). */
    const skipTrivia = (pos: number): { pos: number; newline: boolean } => {
        let newline = false;
        while (pos < n) {
            const c = source[pos]!;
            const code = source.charCodeAt(pos);
            if (isLineBreak(code)) newline = true;
            else if (c === '/' && source[pos + 1] === '/') {
                pos = lineEnd(pos);
                continue;
            } else if (c === '/' && source[pos + 1] === '*') {
                const close = source.indexOf('*/', pos + 2);
                const end = close === -1 ? n : close + 2;
                if (LINE_BREAK.test(source.slice(pos, end))) newline = true;
                pos = end;
                continue;
            } else if (!isSpace(code)) break;
            pos++;
        }
        return { pos, newline };
    };
    /** A '…' or "…" string from its opening quote: where it ends, and whether its quote closes before the line does. */
    const skipString = (pos: number): { end: number; closed: boolean } => {
        const quote = source[pos];
        for (let j = pos + 1; j < n; j++) {
            const c = source[j]!;
            if (c === '\\') j += source.startsWith('\r\n', j + 1) ? 2 : 1;
            else if (c === quote) return { end: j + 1, closed: true };
            else if (c === '\n' || c === '\r') return { end: j, closed: false };
        }
        return { end: n, closed: false };
    };

    // What came last, to tell `x.import` from the keyword and a regular expression from a division.
    let last: 'expression-start' | 'dot' | 'value' = 'expression-start';
    // One per open `{`: true when it is a template's `${`, whose `}` resumes the template.
    const braces: boolean[] = [];
    /** The rest of a template literal from `pos`, up to its closing backtick or its next `${`. */
    const skipTemplate = (pos: number): number => {
        for (let j = pos; j < n; j++) {
            const c = source[j]!;
            if (c === '\\') j++;
            else if (c === '`') {
                last = 'value';
                return j + 1;
            } else if (c === '$' && source[j + 1] === '{') {
                braces.push(true);
                last = 'expression-start';
                return j + 2;
            }
        }
        return n;
    };
    /** A regular expression from its `/`: where it ends, or undefined when the line ends first (then it was a division). */
    const skipRegex = (pos: number): number | undefined => {
        let inClass = false;
        for (let j = pos + 1; j < n; j++) {
            const c = source[j]!;
            if (isLineBreak(source.charCodeAt(j))) return undefined;
            if (c === '\\') j++;
            else if (c === '[') inClass = true;
            else if (c === ']') inClass = false;
            else if (c === '/' && !inClass) return j + 1 + (wordAt(j + 1)?.length ?? 0);
        }
        return undefined;
    };
    /** After the `import` keyword ending at `pos`: records a side-effect import, or a broken one. Returns where to go on. */
    const readImport = (start: number, pos: number): number => {
        const next = skipTrivia(pos).pos;
        const c = source[next];
        const broken = (fix: string): void => {
            const text = source.slice(start, lineEnd(next)).replace(/\s+/g, ' ').trim();
            scan.broken.push({ line: lineOf(start), text, fix });
        };
        if (c === "'" || c === '"') {
            const string = skipString(next);
            last = 'value';
            if (!string.closed) {
                broken(`close the quote, e.g. ${EXAMPLE}`);
                return string.end;
            }
            // What may follow on the same line: `;`, a comment, an import attribute; anything else does not parse.
            const after = skipTrivia(string.end);
            const word = wordAt(after.pos);
            if (after.newline || after.pos >= n || source[after.pos] === ';' || word === 'with' || word === 'assert') {
                const specifier = source.slice(next + 1, string.end - 1);
                if (isPathSpecifier(specifier)) scan.entries.push({ specifier, line: lineOf(start) });
            } else broken(`end the line after the quoted path, e.g. ${EXAMPLE}`);
            return string.end;
        }
        if (c === '`') {
            broken(`quote the path with ' instead of a backtick, e.g. ${EXAMPLE}`);
            return next;
        }
        if (source.startsWith('./', next) || source.startsWith('../', next)) {
            broken(`quote the path, e.g. ${EXAMPLE}`);
            return lineEnd(next);
        }
        // `import x from`, `import {`, `import type`, `import * as`, `import(`, `import.meta`: not a side-effect import.
        last = 'value';
        return pos;
    };

    let i = source.startsWith('#!') ? lineEnd(0) : 0;
    while (i < n) {
        const c = source[i]!;
        const d = source[i + 1];
        if (isSpace(source.charCodeAt(i)) || (c === '/' && (d === '/' || d === '*'))) {
            i = skipTrivia(i).pos;
        } else if (c === "'" || c === '"') {
            i = skipString(i).end;
            last = 'value';
        } else if (c === '`') {
            i = skipTemplate(i + 1);
        } else if (c === '{') {
            braces.push(false);
            last = 'expression-start';
            i++;
        } else if (c === '}') {
            if (braces.pop()) i = skipTemplate(i + 1);
            else {
                // Mostly the end of a block at the top level, where a statement (maybe a regex) may follow.
                last = 'expression-start';
                i++;
            }
        } else if (c === '/') {
            const end: number | undefined = last === 'expression-start' ? skipRegex(i) : undefined;
            last = end === undefined ? 'expression-start' : 'value';
            i = end ?? i + 1;
        } else if (/[\d.]/.test(c) && (c !== '.' || /\d/.test(d ?? ''))) {
            NUMBER.lastIndex = i;
            i += NUMBER.exec(source)![0].length;
            last = 'value';
        } else if (c === '.') {
            const spread = source.startsWith('...', i);
            last = spread ? 'expression-start' : 'dot';
            i += spread ? 3 : 1;
        } else {
            const word = wordAt(i);
            if (word === undefined) {
                last = c === ')' || c === ']' ? 'value' : 'expression-start';
                i++;
            } else if (word === 'import' && last !== 'dot') {
                i = readImport(i, i + word.length);
            } else {
                last = BEFORE_EXPRESSION.has(word) ? 'expression-start' : 'value';
                i += word.length;
            }
        }
    }
    return scan;
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
    const scan = scanIndex(source);
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
