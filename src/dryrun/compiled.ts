/**
 * A dry run reuses what `ferry compile` (or `ferry dev`) already built: when the compile cache
 * vouches that build/<id>.cjs is still the bundle of the function's current sources, it is read
 * instead of starting esbuild, the slowest step before the first request. The bundle is the same
 * text bundleFunctions would produce (same bundler, inline source map), so stacks map alike.
 * The cache's modules load only when the project has a compile cache to check; the compiler never does.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FunctionRef } from '../project/types.js';

import { COMPILE_CACHE_FILE, bundlePathOf, projectPaths } from '../compiler/layout.js';

type CompilerModules = [typeof import('../compiler/cache.js'), typeof import('../compiler/stamps.js')];

/**
 * Starts loading what checking the cache needs, if there is a cache; call it as soon as the root is
 * known so the modules load while the caller does other work. Undefined: no cache, nothing to vouch.
 */
export function prepareCompiledCheck(root: string): Promise<CompilerModules> | undefined {
    if (!existsSync(join(root, COMPILE_CACHE_FILE))) return undefined;
    return Promise.all([import('../compiler/cache.js'), import('../compiler/stamps.js')]);
}

/** The compiled bundle's code when it is up to date, else undefined (never throws). */
export async function upToDateBundle(root: string, ref: FunctionRef, modules = prepareCompiledCheck(root)): Promise<string | undefined> {
    try {
        if (!modules) return undefined;
        const [{ compileCacheKey, loadCache, validEntry }, { StampChecker }] = await modules;
        const paths = projectPaths(root);
        const bundlePath = bundlePathOf(paths, ref);
        const cache = await loadCache(paths.cacheDir, await compileCacheKey(root));
        if (!(await validEntry(cache, ref, bundlePath, new StampChecker()))) return undefined;
        return await readFile(bundlePath, 'utf8');
    } catch {
        return undefined;
    }
}
