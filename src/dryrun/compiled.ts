/**
 * A dry run reuses what `ferry compile` (or `ferry dev`) already built: when the compile cache
 * vouches that build/<id>.cjs is still the bundle of the function's current sources, it is read
 * instead of starting esbuild, the slowest step before the first request. The bundle is the same
 * text bundleFunctions would produce (same bundler, inline source map), so stacks map alike.
 */
import { readFile } from 'node:fs/promises';
import { cacheKey, loadCache, validEntry } from '../compiler/cache.js';
import { BUNDLE_OPTIONS, bundlePathOf, projectPaths } from '../compiler/compile.js';
import { StampChecker } from '../compiler/stamps.js';
import type { FunctionRef } from '../project/types.js';

/** The compiled bundle's code when it is up to date, else undefined (never throws). */
export async function upToDateBundle(root: string, ref: FunctionRef): Promise<string | undefined> {
    try {
        const paths = projectPaths(root);
        const bundlePath = bundlePathOf(paths, ref);
        const cache = await loadCache(paths.cacheDir, await cacheKey(BUNDLE_OPTIONS));
        if (!(await validEntry(cache, ref, bundlePath, new StampChecker()))) return undefined;
        return await readFile(bundlePath, 'utf8');
    } catch {
        return undefined;
    }
}
