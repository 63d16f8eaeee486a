/**
 * `require` for a bundle: what the platform provides, loaded as the platform would. Node's own
 * modules come from Node; zod from Ferry's copy (see vendored-zod.ts), except where compile reads
 * definitions (useProjectZod): there from the project's own zod 4 when it has one, as `nango
 * compile` loads it, so schemas and their JSON Schemas are that zod's; every other platform module (`soap`, `unzipper`, `botbuilder`,
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
        const project = projectZodWanted && from && isAbsolute(from) ? projectZod(requireFor(from)) : undefined;
        if (project && resolves(project, specifier)) return project(specifier);
        const zod = vendoredZod();
        if (zod && Object.hasOwn(zod, specifier)) return zod[specifier];
        return ownRequire(specifier);
    }
    if (NODE_PLATFORM_MODULES.includes(specifier)) return ownRequire(specifier);
    const fromProject = from && isAbsolute(from) ? requireFor(from) : undefined;
    if (specifier === 'nango/experimental') {
        try {
            if (fromProject && resolves(fromProject, specifier)) return fromProject(specifier);
        } catch (error) {
            // The nango package is ES modules, which Node before 20.19 cannot require: same exports from Ferry.
            if ((error as { code?: string }).code !== 'ERR_REQUIRE_ESM') throw error;
        }
        return NANGO_EXPERIMENTAL_MODULE;
    }
    if (fromProject && resolves(fromProject, specifier)) return fromProject(specifier);
    const error = new Error(
        `Cannot find module '${specifier}': the platform provides it to deployed functions, but this project has not installed it; ` +
            `to run the function here, install it in the project (npm i ${specifier})`
    );
    throw Object.assign(error, { code: 'MODULE_NOT_FOUND' });
}

let projectZodWanted = false;

/**
 * For this thread's bundles, the project's own zod 4 when it has one. Compile's evaluation worker
 * asks for it (the manifest's JSON Schemas must be what that zod writes); dry runs and replays keep
 * Ferry's copy, which loads in a fraction of the time before a first request.
 */
export function useProjectZod(): void {
    projectZodWanted = true;
}

const zod4 = new WeakMap<NodeJS.Require, boolean>();

/** `require` itself when the project resolves a zod 4 of its own (zod 3 schemas are not what the SDK takes). */
function projectZod(require: NodeJS.Require): NodeJS.Require | undefined {
    let found = zod4.get(require);
    if (found === undefined) {
        try {
            found = /^4\./.test((require('zod/package.json') as { version?: string }).version ?? '');
        } catch {
            found = false;
        }
        zod4.set(require, found);
    }
    return found ? require : undefined;
}

/**
 * The version of the project's own zod 4, which makes the manifest's JSON Schemas (useProjectZod);
 * undefined when it has none. Part of compile's cache key: a zod upgrade can change every schema.
 */
export function projectZodVersion(root: string): string | undefined {
    const require = projectZod(requireFor(join(root, 'index.ts')));
    return require ? (require('zod/package.json') as { version: string }).version : undefined;
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
