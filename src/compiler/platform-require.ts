/**
 * `require` for a bundle: what the platform provides, loaded as the platform would. Node's own
 * modules come from Node; zod from Ferry's copy (the same one that turns schemas into JSON
 * Schema, see vendored-zod.ts); every other platform module (`soap`, `unzipper`, `botbuilder`,
 * `nango/experimental`) from the project's node_modules, resolved from the bundle's file in the
 * project's build folder, the way `nango compile` loads its build output. A project without the
 * nango package gets Ferry's equivalent of `nango/experimental`.
 */
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join } from 'node:path';
import { NANGO_EXPERIMENTAL_MODULE } from './nango-experimental.js';
import { NODE_PLATFORM_MODULES, isPlatformModule } from './platform-modules.js';
import { vendoredZod } from './vendored-zod.js';

const ownRequire = createRequire(import.meta.url);
const projectRequires = new Map<string, NodeJS.Require>();

/**
 * The module `specifier` as a bundle at `from` (an absolute path in the project; without one,
 * only what Node and Ferry provide) gets it. Throws like Node's require, with a message that says
 * what to do, for a module the platform does not provide or the project has not installed.
 */
export function loadPlatformModule(specifier: string, from?: string): unknown {
    if (!isPlatformModule(specifier)) {
        throw new Error(`Cannot find module '${specifier}': the platform does not provide it`);
    }
    // zod and its subpaths from one bundle (one copy of its internals), when the build has it.
    if (specifier === 'zod' || specifier.startsWith('zod/')) {
        const zod = vendoredZod();
        if (zod && Object.hasOwn(zod, specifier)) return zod[specifier];
        return ownRequire(specifier);
    }
    if (NODE_PLATFORM_MODULES.includes(specifier)) return ownRequire(specifier);
    const fromProject = from && isAbsolute(from) ? requireFor(from) : undefined;
    if (specifier === 'nango/experimental') {
        if (fromProject && resolves(fromProject, specifier)) return fromProject(specifier);
        return NANGO_EXPERIMENTAL_MODULE;
    }
    if (fromProject && resolves(fromProject, specifier)) return fromProject(specifier);
    const error = new Error(
        `Cannot find module '${specifier}': the platform provides it to deployed functions, but this project has not installed it; ` +
            `to run the function here, install it in the project (npm i ${specifier})`
    );
    throw Object.assign(error, { code: 'MODULE_NOT_FOUND' });
}

/** One require per folder: a project's bundles all sit in its build folder. */
function requireFor(from: string): NodeJS.Require {
    const dir = dirname(from);
    let require = projectRequires.get(dir);
    if (!require) {
        require = createRequire(join(dir, 'noop.js'));
        projectRequires.set(dir, require);
    }
    return require;
}

function resolves(require: NodeJS.Require, specifier: string): boolean {
    try {
        require.resolve(specifier);
        return true;
    } catch {
        return false;
    }
}
