/**
 * Where compile keeps its output and state inside a project. A module of its own, free of heavy
 * imports, so `dryrun` can look for the compile cache (and read a bundle) without loading the compiler.
 */
import { join } from 'node:path';
import type { FunctionRef } from '../project/types.js';

/**
 * Bundles, relative to the project root: a link to the generation folder of the last compile
 * (build-switch.ts), replaced in one rename, so build/ is always one compile's output.
 */
export const BUILD_DIR = 'build';
/** Ferry's folder in a project (also serve's data); self-ignored by git (its own .gitignore). */
const FERRY_DIR = '.ferry';
/** The generation folders build/ links to: `.ferry/build/<generation>/<id>.cjs`. */
const GENERATIONS_DIR = join(FERRY_DIR, 'build');
/** Ferry's own compile state: the compile cache, the generated tsconfig, tsBuildInfo, the lock. */
const CACHE_DIR = join(FERRY_DIR, 'compile');
/** Where the cache was before build/ became a link (moved from there once, by build-switch.ts). */
export const LEGACY_CACHE_DIR = join(BUILD_DIR, '.ferry');
/** The compile cache's file name inside CACHE_DIR. */
export const CACHE_FILE_NAME = 'compile-cache.json';
/** The compile cache, relative to the project root. */
export const COMPILE_CACHE_FILE = join(CACHE_DIR, CACHE_FILE_NAME);
/** The manifest, relative to the project root. */
export const MANIFEST_PATH = '.nango/nango.json';

/** Options that change every bundle; part of the cache key (`cacheKey(BUNDLE_OPTIONS)`). */
export const BUNDLE_OPTIONS = { sourcemap: true } as const;

export interface ProjectPaths {
    root: string;
    /** The link to the current generation; bundle paths go through it. */
    buildDir: string;
    /** Where the generations of build/ are. */
    generationsDir: string;
    /** Ferry's own compile state: the compile cache, the generated tsconfig, tsBuildInfo. */
    cacheDir: string;
    manifestPath: string;
}

export function projectPaths(root: string): ProjectPaths {
    return { root, buildDir: join(root, BUILD_DIR), generationsDir: join(root, GENERATIONS_DIR), cacheDir: join(root, CACHE_DIR), manifestPath: join(root, MANIFEST_PATH) };
}

export function bundlePathOf(paths: ProjectPaths, ref: FunctionRef): string {
    return join(paths.buildDir, `${ref.id}.cjs`);
}
