/**
 * Which files a template file needs: the module specifiers of its imports and re-exports, and
 * where a relative one may live. Type-only imports count too (the type-check needs those files),
 * which is why this reads the source itself rather than asking a bundler.
 */
import { posix } from 'node:path';

/** File kinds whose imports are followed. */
export const SCRIPT_FILE = /\.(?:[cm]?ts|tsx|[cm]?js|jsx)$/;

/**
 * The source with comments blanked and every string literal's content blanked, so a pattern
 * can only match real code; `literals` maps the offset of each opening quote to the text.
 */
function mask(source: string): { text: string; literals: Map<number, string> } {
    const out: string[] = [];
    const literals = new Map<number, string>();
    // Brace depth at which each open template literal's `${` began, innermost last.
    const templateStack: number[] = [];
    let braceDepth = 0;
    let lastSignificant = '';
    let i = 0;
    const n = source.length;

    const blank = (text: string): string => text.replace(/[^\n]/g, ' ');

    /** Reads a template literal's text from after its opening backtick or a closing `}`. */
    const readTemplateChunk = (): void => {
        const start = i;
        while (i < n) {
            const c = source[i]!;
            if (c === '\\') {
                i += 2;
                continue;
            }
            if (c === '`') {
                i++;
                out.push(blank(source.slice(start, i - 1)), '`');
                lastSignificant = '`';
                return;
            }
            if (c === '$' && source[i + 1] === '{') {
                out.push(blank(source.slice(start, i)), '${');
                i += 2;
                templateStack.push(braceDepth);
                braceDepth++;
                lastSignificant = '{';
                return;
            }
            i++;
        }
        out.push(blank(source.slice(start)));
    };

    while (i < n) {
        const c = source[i]!;
        const next = source[i + 1];
        if (c === '/' && next === '/') {
            const end = source.indexOf('\n', i);
            const stop = end === -1 ? n : end;
            out.push(blank(source.slice(i, stop)));
            i = stop;
            continue;
        }
        if (c === '/' && next === '*') {
            const end = source.indexOf('*/', i + 2);
            const stop = end === -1 ? n : end + 2;
            out.push(blank(source.slice(i, stop)));
            i = stop;
            continue;
        }
        if (c === '"' || c === "'") {
            const start = i;
            i++;
            let value = '';
            while (i < n && source[i] !== c && source[i] !== '\n') {
                if (source[i] === '\\') {
                    value += source[i + 1] ?? '';
                    i += 2;
                    continue;
                }
                value += source[i];
                i++;
            }
            i++;
            literals.set(start, value);
            const length = Math.min(i, n) - start;
            out.push(c, '_'.repeat(Math.max(0, length - 2)), length >= 2 ? c : '');
            lastSignificant = c;
            continue;
        }
        if (c === '`') {
            out.push('`');
            i++;
            readTemplateChunk();
            continue;
        }
        if (c === '/' && startsRegex(lastSignificant, out)) {
            const start = i;
            i++;
            let inClass = false;
            while (i < n && source[i] !== '\n') {
                const r = source[i]!;
                if (r === '\\') {
                    i += 2;
                    continue;
                }
                if (r === '[') inClass = true;
                else if (r === ']') inClass = false;
                else if (r === '/' && !inClass) break;
                i++;
            }
            i++;
            out.push('/', blank(source.slice(start + 1, Math.min(i, n) - 1)), '/');
            lastSignificant = '/';
            continue;
        }
        if (c === '{') braceDepth++;
        if (c === '}') {
            braceDepth--;
            if (templateStack.length > 0 && templateStack.at(-1) === braceDepth) {
                templateStack.pop();
                out.push('}');
                i++;
                readTemplateChunk();
                continue;
            }
        }
        if (!/\s/.test(c)) lastSignificant = c;
        out.push(c);
        i++;
    }
    return { text: out.join(''), literals };
}

const KEYWORDS_BEFORE_REGEX = /(?:^|[^\w$])(?:return|typeof|case|do|else|in|of|new|delete|void|throw|yield|await)$/;

/** A `/` starts a regular expression unless it follows something a division could follow. */
function startsRegex(lastSignificant: string, out: string[]): boolean {
    if (lastSignificant === '') return true;
    if ('(,=:[!&|?{};+-*%<>~^'.includes(lastSignificant)) return true;
    if (/[\w$]/.test(lastSignificant)) {
        const tail = out.slice(-12).join('').trimEnd();
        return KEYWORDS_BEFORE_REGEX.test(tail);
    }
    return false;
}

// `import x from '…'`, `import type { A } from '…'`, `import '…'`, `export * from '…'`,
// `export { a } from '…'`, `import x = require('…')`, `import('…')`, `require('…')`.
const STATIC = /(?:^|[^\w$.])(?:import|export)\s+(type\s+)?(?:[\w$*{},\s]*?\s*from\s*)?(['"])/g;
const CALL = /(?:^|[^\w$.])(?:import|require)\s*\(\s*(['"])/g;

export interface ImportReference {
    specifier: string;
    /** Every import of this specifier is `import type` / `export type`: erased when bundling. */
    typeOnly: boolean;
}

/** Every module the file imports or re-exports, in order of first appearance, without repeats. */
export function findImports(source: string): ImportReference[] {
    const { text, literals } = mask(source);
    const found: { at: number; specifier: string; typeOnly: boolean }[] = [];
    for (const pattern of [STATIC, CALL]) {
        pattern.lastIndex = 0;
        for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
            const quoteAt = match.index + match[0].length - 1;
            const specifier = literals.get(quoteAt);
            const typeOnly = pattern === STATIC && match[1] !== undefined;
            if (specifier !== undefined && specifier.length > 0) found.push({ at: quoteAt, specifier, typeOnly });
        }
    }
    const bySpecifier = new Map<string, ImportReference>();
    for (const { specifier, typeOnly } of found.sort((a, b) => a.at - b.at)) {
        const seen = bySpecifier.get(specifier);
        if (seen) seen.typeOnly &&= typeOnly;
        else bySpecifier.set(specifier, { specifier, typeOnly });
    }
    return [...bySpecifier.values()];
}

export function findImportSpecifiers(source: string): string[] {
    return findImports(source).map((i) => i.specifier);
}

export function isRelativeSpecifier(specifier: string): boolean {
    return specifier === '.' || specifier === '..' || specifier.startsWith('./') || specifier.startsWith('../');
}

/**
 * The files a relative specifier may name, most likely first, as repository paths. TypeScript
 * projects write `./x.js` for `./x.ts`; older templates leave the extension off or import a folder.
 */
export function candidatePaths(fromFile: string, specifier: string): string[] {
    const joined = posix.normalize(posix.join(posix.dirname(fromFile), specifier));
    const base = specifier.endsWith('/') || specifier === '.' || specifier === '..' ? `${joined.replace(/\/$/, '')}/index` : joined;
    const ext = /\.[^./]+$/.exec(posix.basename(base))?.[0] ?? '';
    const stem = base.slice(0, base.length - ext.length);
    switch (ext) {
        case '.js':
            return [`${stem}.ts`, `${stem}.tsx`, `${stem}.d.ts`, base];
        case '.jsx':
            return [`${stem}.tsx`, base];
        case '.mjs':
            return [`${stem}.mts`, `${stem}.d.mts`, base];
        case '.cjs':
            return [`${stem}.cts`, `${stem}.d.cts`, base];
        case '.ts':
        case '.tsx':
        case '.mts':
        case '.cts':
        case '.json':
            return [base];
        default:
            // No extension, or a dotted name such as `./date.utils`: a module file or a folder's index.
            return [`${base}.ts`, `${base}.tsx`, `${base}.d.ts`, `${base}/index.ts`, `${base}/index.tsx`, `${base}.js`, `${base}/index.js`, `${base}.json`];
    }
}
