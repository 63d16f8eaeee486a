/** How to run Ferry in a project, for the next steps init, generate and clone print. */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

interface InvocationOptions {
    /** The project's dependencies, Ferry among them, are installed, or about to be (init's next steps install them first). */
    installed?: boolean;
}

/**
 * `npx ferry` only when npx will find an installed Ferry (node_modules/.bin/ferry in the project
 * or a folder above it, where an install or a monorepo's hoisting puts it): without one, npx
 * downloads whatever the npm registry calls `ferry`, which is another package. Otherwise
 * `ferry`, as run from a global install or a checkout on the PATH.
 */
export function ferryInvocation(projectRoot: string, options: InvocationOptions = {}): 'npx ferry' | 'ferry' {
    if (options.installed) return 'npx ferry';
    for (let dir = projectRoot; ; dir = dirname(dir)) {
        if (existsSync(join(dir, 'node_modules', '.bin', 'ferry'))) return 'npx ferry';
        if (dirname(dir) === dir) return 'ferry';
    }
}
