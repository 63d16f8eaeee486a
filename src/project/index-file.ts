/** Registering function files in index.ts without disturbing the lines already there. */
import { parseIndexImports, specifierToRelPath } from './project.js';

/** `github/syncs/issues.ts` -> `./github/syncs/issues.js` */
export function relPathToSpecifier(relPath: string): string {
    return `./${relPath.replace(/\.ts$/, '')}.js`;
}

/** The index.ts text with an import for each of `relPaths` not registered yet, appended in order. */
export function withImports(source: string, relPaths: readonly string[]): string {
    const registered = new Set(parseIndexImports(source).map((e) => specifierToRelPath(e.specifier)));
    const additions: string[] = [];
    for (const relPath of relPaths) {
        if (registered.has(relPath)) continue;
        registered.add(relPath);
        additions.push(`import '${relPathToSpecifier(relPath)}';`);
    }
    if (additions.length === 0) return source;
    const eol = lineEnding(source);
    const base = source.length === 0 || source.endsWith('\n') ? source : `${source}${eol}`;
    return `${base}${additions.join(eol)}${eol}`;
}

/** CRLF when most of the file's line breaks are CRLF (a Windows checkout), so new lines match the old ones. */
function lineEnding(source: string): '\r\n' | '\n' {
    const crlf = source.match(/\r\n/g)?.length ?? 0;
    const lf = (source.match(/\n/g)?.length ?? 0) - crlf;
    return crlf > lf ? '\r\n' : '\n';
}
