/**
 * Where Ferry itself is installed. Bundled chunks (dist/chunks/*.js) and sources (src/compiler/*.ts)
 * sit at different depths, so walk up to the package.json that names Ferry instead of guessing.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cachedRoot: string | undefined;

export function ferryPackageRoot(): string {
    if (cachedRoot) return cachedRoot;
    let dir = dirname(fileURLToPath(import.meta.url));
    for (;;) {
        const manifest = join(dir, 'package.json');
        if (existsSync(manifest)) {
            try {
                if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'ferry') return (cachedRoot = dir);
            } catch {
                // A broken package.json on the way up is not ours; keep walking.
            }
        }
        const parent = dirname(dir);
        if (parent === dir) throw new Error(`cannot find Ferry's package.json above ${fileURLToPath(import.meta.url)}`);
        dir = parent;
    }
}

const ownRequire = createRequire(import.meta.url);

/** A file of one of Ferry's own dependencies (hoisted or not), e.g. `typescript/bin/tsc`. */
export function resolveFromFerry(specifier: string): string {
    const [scopeOrName, ...rest] = specifier.split('/');
    const name = scopeOrName!.startsWith('@') ? `${scopeOrName}/${rest.shift()}` : scopeOrName!;
    const packageDir = dirname(ownRequire.resolve(`${name}/package.json`));
    return rest.length === 0 ? packageDir : join(packageDir, ...rest);
}
