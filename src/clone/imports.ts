/**
 * Which files a template file needs: the module specifiers of its imports and re-exports, and
 * where a relative one may live. Type-only imports count too (the type-check needs those files),
 * which is why this parses the source (project/parser.ts) rather than asking a bundler.
 */
import { posix } from 'node:path';
import { parseImports } from '../project/parser.js';

/** File kinds whose imports are followed. */
export const SCRIPT_FILE = /\.(?:[cm]?ts|tsx|[cm]?js|jsx)$/;

export interface ImportReference {
    specifier: string;
    /** Every import of this specifier brings only types (`import type`, `export type`, every binding `type`): erased when bundling. */
    typeOnly: boolean;
}

/**
 * Every module the file imports or re-exports, in order of first appearance, without repeats.
 * A file that does not parse yields none: `ferry compile` reports its syntax error once cloned.
 */
export function findImports(source: string, file = 'file.ts'): ImportReference[] {
    const bySpecifier = new Map<string, ImportReference>();
    for (const { specifier, typeOnly } of parseImports(file, source, { calls: true }).imports) {
        if (specifier.length === 0) continue;
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
