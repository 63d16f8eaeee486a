/** Where the running Ferry lives, and how a new project should depend on it. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface CliPackage {
    /** The folder of Ferry's own package.json. */
    root: string;
    version: string;
    /** Ferry's own zod range: the project's schemas must be read by the same zod major. */
    zodRange: string;
}

interface PackageJson {
    name?: string;
    version?: string;
    dependencies?: Record<string, string>;
}

/** Walks up from this module (src/ or dist/) to Ferry's package.json. */
export function findCliPackage(from: string = fileURLToPath(import.meta.url)): CliPackage {
    let dir = dirname(from);
    for (;;) {
        const file = join(dir, 'package.json');
        if (existsSync(file)) {
            const pkg = JSON.parse(readFileSync(file, 'utf8')) as PackageJson;
            if (pkg.name === 'ferry') {
                return { root: dir, version: pkg.version ?? '0.0.0', zodRange: pkg.dependencies?.['zod'] ?? '^4.0.0' };
            }
        }
        const parent = dirname(dir);
        if (parent === dir) throw new Error(`Ferry's package.json was not found above ${from}`);
        dir = parent;
    }
}

/**
 * The running Ferry, by path (a checkout, a linked build, or a global install from a tarball), so
 * the project installs offline. Never a version range: Ferry is not on the public npm registry,
 * and the package npm calls `ferry` is another one, which an install would fetch instead.
 */
export function ferryDependencySpec(cli: CliPackage): string {
    return `file:${cli.root.split(sep).join('/')}`;
}
